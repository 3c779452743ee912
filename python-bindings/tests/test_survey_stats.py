"""The survey statistics engine (issue 8, docs/survey-method.md) against computations written here.

Raking: an independent numpy IPF (vectorised with bincount, nothing shared with the C++) and, as a
second check that needs no algorithm at all, the two properties that define the raking solution:
every margin met, and log(weight / base weight) additive in the categories.
Intervals: hand computations (numbers worked out in the comments) and the textbook formulas for
equal weights. Protection: for every withheld cell, the range of values compatible with the
published cells and the sum relations of the table, by linear algebra (exact recovery) and by
linear programming with counts >= 0 (scipy), must not be a single value.
"""
import itertools
import math
import random

import numpy as np
import pytest
from scipy.optimize import linprog

from territoire import _core

Z = 1.959963984540054  # standard normal quantile 0.975


# ---------------------------------------------------------------- raking

def numpy_ipf(base, codes, margins, tol=1e-10, max_iter=1000):
    """Plain IPF: for each margin in turn, scale the weights so that its categories reach their
    census counts (every margin scaled to the first margin's total)."""
    w = np.asarray(base, dtype=float).copy()
    total = float(np.sum(margins[0][2]))
    shares = [np.asarray(pop, float) / np.sum(pop) for _, _, pop in margins]
    codes = [np.asarray(c) for c in codes]
    for _ in range(max_iter):
        gap = max(np.max(np.abs(np.bincount(c, weights=w, minlength=len(s)) / w.sum() - s))
                  for c, s in zip(codes, shares))
        if gap <= tol:
            return w
        for c, s in zip(codes, shares):
            counts = np.bincount(c, weights=w, minlength=len(s))
            factor = np.divide(s * total, counts, out=np.ones_like(counts), where=counts > 0)
            w = w * factor[c]
    raise AssertionError("numpy IPF did not converge")


def numpy_trimmed(base, codes, margins, low, high, tol=1e-10, rounds=200, slack=1e-3):
    """The documented trimming: clip weight / mean weight to [low, high], re-rake, until the raked
    weights are within the bounds (0.1 % slack) or 200 rounds."""
    w = numpy_ipf(base, codes, margins, tol)
    low = 0.0 if low is None else low
    high = math.inf if high is None else high

    def within(w):
        r = w / w.mean()
        return bool(np.all(r >= low * (1 - slack)) and np.all(r <= high * (1 + slack)))

    k = 0
    while not within(w) and k < rounds:
        m = w.mean()
        w = numpy_ipf(np.clip(w, low * m, high * m), codes, margins, tol)
        k += 1
    return w, k, within(w)


def check_margins(codes, margins, w):
    """Every margin met to 1e-6 relative."""
    w = np.asarray(w)
    total = float(np.sum(margins[0][2]))
    for c, (_, cats, pop) in zip(codes, margins):
        got = np.bincount(c, weights=w, minlength=len(cats))
        want = np.asarray(pop, float) / np.sum(pop) * total
        assert np.allclose(got, want, rtol=1e-6, atol=1e-6 * total)


def check_raking_properties(base, codes, margins, w):
    """Every margin met, and log(w/base) = sum of one term per category (the raking solution)."""
    check_margins(codes, margins, w)
    # design matrix of category indicators: the raking factors are multiplicative
    cols = []
    for c, (_, cats, _) in zip(codes, margins):
        for k in range(len(cats)):
            cols.append((np.asarray(c) == k).astype(float))
    x = np.column_stack(cols)
    y = np.log(w / np.asarray(base))
    coef, *_ = np.linalg.lstsq(x, y, rcond=None)
    assert np.max(np.abs(x @ coef - y)) < 1e-6


def rake(base, codes, margins, **kw):
    kw.setdefault("tolerance", 1e-10)
    kw.setdefault("max_iterations", 1000)
    return _core._rake(list(map(float, base)), [list(map(int, c)) for c in codes], margins, **kw)


AGE = ("age", ["15-29", "30-44", "45-59", "60-74", "75+"], [5200.0, 6100.0, 6400.0, 5300.0, 2900.0])
SEXE = ("sexe", ["femme", "homme"], [13600.0, 12300.0])
DIPLOME = ("diplome", ["aucun", "bac", "supérieur"], [8000.0, 9400.0, 8500.0])


def test_two_strata_equal_base_weights():
    rng = np.random.default_rng(1)
    n = 240
    codes = [rng.choice(5, n, p=[0.1, 0.15, 0.25, 0.3, 0.2]), rng.choice(2, n, p=[0.62, 0.38])]
    base = np.ones(n)
    r = rake(base, codes, [AGE, SEXE])
    expected = numpy_ipf(base, codes, [AGE, SEXE])
    assert r["converged"] and r["iterations"] > 1
    assert np.allclose(r["weights"], expected, rtol=1e-6)
    check_raking_properties(base, codes, [AGE, SEXE], r["weights"])
    assert r["max_gap"] <= 1e-10
    assert abs(sum(r["weights"]) - 25900.0) < 1e-6 * 25900
    w = np.asarray(r["weights"])
    assert r["effective_n"] == pytest.approx(w.sum() ** 2 / (w ** 2).sum(), rel=1e-12)
    assert r["design_effect"] == pytest.approx(n / r["effective_n"], rel=1e-12)
    # the fit table: census, raw (base weights) and weighted shares of every category, margin order
    fit = r["fit"]
    assert [(f[0], f[1]) for f in fit] == [("age", c) for c in AGE[1]] + [("sexe", c) for c in SEXE[1]]
    raw_age = np.bincount(codes[0], minlength=5) / n
    for k in range(5):
        assert fit[k][2] == pytest.approx(AGE[2][k] / sum(AGE[2]), abs=1e-12)
        assert fit[k][3] == pytest.approx(raw_age[k], abs=1e-12)
        assert fit[k][4] == pytest.approx(fit[k][2], abs=1e-9)


def test_three_strata_unequal_base_weights():
    rng = np.random.default_rng(2)
    n = 400
    codes = [rng.choice(5, n), rng.choice(2, n, p=[0.55, 0.45]), rng.choice(3, n, p=[0.2, 0.3, 0.5])]
    base = rng.uniform(0.5, 3.0, n)
    margins = [AGE, SEXE, DIPLOME]
    r = rake(base, codes, margins)
    assert np.allclose(r["weights"], numpy_ipf(base, codes, margins), rtol=1e-6)
    check_raking_properties(base, codes, margins, r["weights"])
    raw = np.bincount(codes[2], weights=base, minlength=3) / base.sum()
    assert [f[3] for f in r["fit"][7:]] == pytest.approx(list(raw), abs=1e-12)


def test_per_area_margins_are_separate_rakes():
    """Per-area margins: one rake per area on its own respondents; each equals numpy on that area."""
    rng = np.random.default_rng(3)
    areas = {"79191": (150, [("age", ["-30", "30-59", "60+"], [900.0, 1500.0, 1100.0]),
                             ("sexe", ["F", "H"], [1800.0, 1700.0])]),
             "79049": (90, [("age", ["-30", "30-59", "60+"], [300.0, 700.0, 800.0]),
                            ("sexe", ["F", "H"], [950.0, 850.0])])}
    for area, (n, margins) in areas.items():
        codes = [rng.choice(3, n, p=[0.2, 0.3, 0.5]), rng.choice(2, n)]
        base = rng.uniform(0.8, 1.2, n)
        r = rake(base, codes, margins)
        assert np.allclose(r["weights"], numpy_ipf(base, codes, margins), rtol=1e-6), area
        assert sum(r["weights"]) == pytest.approx(sum(margins[0][2]), rel=1e-9)


def test_empty_category_and_empty_cross_cell():
    """A margin category with no population and no respondent is simply kept at share 0; a
    combination of categories with no respondent (no young man) is fine while margins are feasible."""
    rng = np.random.default_rng(4)
    n = 120
    age = rng.choice([0, 1, 3], n)  # category 2 (and its population) empty
    sexe = rng.choice(2, n)
    sexe[age == 0] = 0  # every young respondent is a woman
    margins = [("age", ["jeune", "adulte", "inconnu", "senior"], [300.0, 500.0, 0.0, 400.0]),
               ("sexe", ["femme", "homme"], [650.0, 550.0])]
    r = rake(np.ones(n), [age, sexe], margins)
    assert np.allclose(r["weights"], numpy_ipf(np.ones(n), [age, sexe], margins), rtol=1e-6)
    check_raking_properties(np.ones(n), [age, sexe], margins, r["weights"])
    assert r["fit"][2][2:] == (0.0, 0.0, 0.0)


def test_margins_already_met_take_no_iteration():
    # shares already right: no pass, and the base weights are kept as they are (not rescaled)
    codes = [[0, 0, 1, 1], [0, 1, 0, 1]]
    r = rake([1, 1, 1, 1], codes, [("a", ["x", "y"], [50.0, 50.0]), ("b", ["u", "v"], [50.0, 50.0])])
    assert r["iterations"] == 0 and r["converged"]
    assert r["weights"] == [1.0, 1.0, 1.0, 1.0]


def test_trimming_equals_numpy_and_meets_bounds():
    rng = np.random.default_rng(5)
    n = 300
    # a strongly unbalanced sample: the old and the men are rare, so their weights are large
    codes = [rng.choice(5, n, p=[0.3, 0.3, 0.25, 0.12, 0.03]), rng.choice(2, n, p=[0.75, 0.25])]
    base = np.ones(n)
    plain = rake(base, codes, [AGE, SEXE])
    assert plain["max_weight_ratio"] > 3
    # the 75+ are 2.3 % of this sample and 11.2 % of the population: ratios near 4.8 at least
    r = rake(base, codes, [AGE, SEXE], trim_low=0.6, trim_high=6.0)
    w, rounds, met = numpy_trimmed(base, codes, [AGE, SEXE], 0.6, 6.0)
    assert r["trim_rounds"] == rounds and rounds > 1
    assert r["bounds_met"] and met
    assert np.allclose(r["weights"], w, rtol=1e-6)
    check_margins(codes, [AGE, SEXE], r["weights"])  # the margins always prevail
    ratios = np.asarray(r["weights"]) / np.mean(r["weights"])
    assert r["max_weight_ratio"] == pytest.approx(ratios.max(), rel=1e-12)
    assert ratios.max() <= 6.0 * 1.001 and ratios.min() >= 0.6 * 0.999
    assert plain["max_weight_ratio"] > 7 and plain["min_weight_ratio"] < 0.5  # untrimmed: beyond both bounds


def test_trimming_bounds_that_cannot_hold():
    """The 75+ are 2 % of the sample and 11 % of the population: their weight ratio must be about
    5.6 whatever the trimming, so a bound of 2 cannot be met: margins kept, bounds_met false."""
    n = 100
    age = [4] * 2 + [0] * 30 + [1] * 30 + [2] * 20 + [3] * 18
    sexe = [i % 2 for i in range(n)]
    r = rake(np.ones(n), [age, sexe], [AGE, SEXE], trim_high=2.0)
    assert not r["bounds_met"]
    assert r["trim_rounds"] == 200
    assert r["max_weight_ratio"] > 2.0 * 1.001
    check_margins([age, sexe], [AGE, SEXE], r["weights"])


def test_unreachable_trimming_never_spreads_the_weights_more():
    """Review case: clipping to bounds that cannot hold, then re-raking, left the weights MORE
    spread than no trimming (design effect 3.84 against 3.35). Category 0 is 56.7 % of the sample
    and 25 % of the population: its average weight ratio must be 0.44 < 0.5 whatever the weights.
    The engine says so and keeps the least spread round: here the untrimmed raked weights."""
    rng = np.random.default_rng(11)
    n = 150
    codes = [rng.choice(4, n, p=[.5, .3, .15, .05]), rng.choice(2, n, p=[.7, .3])]
    margins = [("v0", ["c0", "c1", "c2", "c3"], [250.0] * 4), ("v1", ["c0", "c1"], [500.0, 500.0])]
    base = rng.uniform(0.5, 2, n)
    assert np.bincount(codes[0])[0] == 85  # 85 / 150 = 56.7 %, census share 25 %: ratio 0.44
    plain = rake(base, codes, margins)
    deff = lambda w: len(w) * np.sum(np.square(w)) / np.sum(w) ** 2
    # what the old "last round" rule returned: the 200th round of the documented trimming
    last, rounds, met = numpy_trimmed(base, codes, margins, 0.5, None)
    assert not met and deff(last) > deff(plain["weights"]) * 1.1
    r = rake(base, codes, margins, trim_low=0.5)
    assert not r["bounds_met"] and r["trim_rounds"] == 200
    assert r["design_effect"] <= plain["design_effect"] * (1 + 1e-9)
    assert r["kept_round"] == 0 and np.allclose(r["weights"], plain["weights"], rtol=1e-12)
    assert "« v0 = c0 » (56,7 % des répondants, 25,0 % de la population)" in r["bounds_message"]
    assert "0,44" in r["bounds_message"] and "sans écrêtage sont conservés" in r["bounds_message"]
    check_margins(codes, margins, r["weights"])


def test_unreachable_trimming_keeps_the_least_spread_round():
    """Review case with trim_high = 3: a category needs 3.75 on average, so the bounds fail, but
    some trimming round is less spread than the raked weights: the engine returns the round of
    smallest design effect among all rounds (all meet the margins), checked against numpy."""
    rng = np.random.default_rng(11)
    n = 150
    rng.choice(4, n, p=[.5, .3, .15, .05]), rng.choice(2, n, p=[.7, .3]), rng.uniform(0.5, 2, n)  # case 1
    codes = [rng.choice(4, n, p=[.5, .3, .15, .05]), rng.choice(2, n, p=[.7, .3])]
    margins = [("v0", ["c0", "c1", "c2", "c3"], [250.0] * 4), ("v1", ["c0", "c1"], [500.0, 500.0])]
    base = rng.uniform(0.5, 2, n)
    r = rake(base, codes, margins, trim_high=3.0)
    assert not r["bounds_met"] and "« v0 = c3 »" in r["bounds_message"]
    # every round of the documented trimming, computed here
    deff = lambda w: len(w) * np.sum(np.square(w)) / np.sum(w) ** 2
    w = numpy_ipf(base, codes, margins)
    rounds = [w]
    for _ in range(200):
        m = w.mean()
        w = numpy_ipf(np.clip(w, 0, 3.0 * m), codes, margins)
        rounds.append(w)
    best = min(range(len(rounds)), key=lambda k: deff(rounds[k]))
    assert r["design_effect"] == pytest.approx(deff(rounds[best]), rel=1e-6)
    assert r["design_effect"] < deff(rounds[0]) * 0.95
    check_margins(codes, margins, r["weights"])


def test_raking_is_deterministic():
    rng = np.random.default_rng(6)
    codes = [rng.choice(5, 200), rng.choice(2, 200)]
    base = rng.uniform(0.5, 2, 200)
    a = rake(base, codes, [AGE, SEXE], trim_high=2.5)
    b = rake(base, codes, [AGE, SEXE], trim_high=2.5)
    assert a["weights"] == b["weights"]


# ---------------------------------------------------------------- named errors

def error_of(*args, **kw):
    with pytest.raises(_core.InputError) as e:
        rake(*args, **kw)
    return e.value


def test_error_no_respondent_in_a_category():
    codes = [[0, 1, 2, 3, 0, 1], [0, 1, 0, 1, 0, 1]]
    e = error_of([1] * 6, codes, [AGE, SEXE])
    assert "la marge « age = 75+ » ne peut pas être atteinte : aucun répondant" in str(e)
    assert e.field == "age"


def test_error_respondents_with_zero_population():
    e = error_of([1] * 4, [[0, 1, 1, 0]], [("sexe", ["femme", "homme"], [100.0, 0.0])])
    assert "« sexe = homme »" in str(e) and "population nulle" in str(e)
    assert e.field == "sexe"


def test_error_code_out_of_range():
    e = error_of([1] * 3, [[0, 1, 2]], [("sexe", ["femme", "homme"], [100.0, 90.0])])
    assert e.field == "sexe" and e.feature == "répondant 3"
    e = error_of([1] * 3, [[0, -1, 1]], [("sexe", ["femme", "homme"], [100.0, 90.0])])
    assert e.feature == "répondant 2"


def test_error_base_weights():
    for bad in (0.0, -1.0, math.nan):
        e = error_of([1, bad, 1], [[0, 1, 1]], [("sexe", ["femme", "homme"], [100.0, 90.0])])
        assert e.feature == "répondant 2" and e.field == "poids"


def test_error_margin_totals_differ():
    e = error_of([1] * 4, [[0, 1, 0, 1], [0, 0, 1, 1]],
                 [("sexe", ["F", "H"], [100.0, 100.0]), ("age", ["j", "v"], [100.0, 101.0])])
    assert e.field == "age" and "même population totale" in str(e)
    # within 1e-6 relative: accepted, every margin rescaled to the first one's total
    r = rake([1] * 4, [[0, 1, 0, 1], [0, 0, 1, 1]],
             [("sexe", ["F", "H"], [100.0, 100.0]), ("age", ["j", "v"], [100.0, 100.0001])])
    assert sum(r["weights"]) == pytest.approx(200.0, rel=1e-12)


def test_error_non_convergence_names_worst_category():
    """Every young respondent is a woman and every man is old: margins asking for 50 % of young and
    80 % of men cannot both hold (young <= women = 20 %). The gap stalls: incompatible margins."""
    age = [0] * 10 + [1] * 10 + [1] * 10
    sexe = [0] * 10 + [0] * 10 + [1] * 10
    margins = [("age", ["jeune", "vieux"], [50.0, 50.0]), ("sexe", ["femme", "homme"], [20.0, 80.0])]
    e = error_of([1] * 30, [age, sexe], margins, max_iterations=200)
    assert "n'a pas convergé en 200 itérations" in str(e)
    assert e.field in ("age", "sexe") and "« " + e.field + " = " in str(e)
    assert "les marges sont sans doute incompatibles" in str(e) and "augmentez" not in str(e)


def slow_case():
    """Review case (repro_slow.py): three variables, lognormal base weights; feasible margins that
    plain IPF meets in 153 passes, more than the former default of 100."""
    rng = np.random.default_rng(0)
    for _ in range(35):
        n = 60
        codes = [rng.integers(0, 3, n), rng.integers(0, 2, n), rng.integers(0, 4, n)]
        for c, k in zip(codes, (3, 2, 4)):
            c[:k] = np.arange(k)
        pops = [rng.uniform(10, 1000, k) for k in (3, 2, 4)]
        total = pops[0].sum()
        pops = [p / p.sum() * total for p in pops]
        base = rng.lognormal(0, 1, n)
    margins = [(f"v{j}", [f"c{i}" for i in range(len(p))], list(map(float, p))) for j, p in enumerate(pops)]
    return base, codes, margins


def test_slow_convergence_at_defaults_and_its_message():
    base, codes, margins = slow_case()
    # at the library's defaults (tolerance 1e-6, 1000 passes): converged, margins met
    r = _core._rake(list(map(float, base)), [list(map(int, c)) for c in codes], margins)
    assert r["converged"] and 100 < r["iterations"] < 1000
    w = numpy_ipf(base, codes, margins, tol=1e-6)
    assert np.allclose(r["weights"], w, rtol=1e-9)
    # with too few passes: the gap is still falling, so the message says to raise max_iterations
    e = error_of(base, codes, margins, tolerance=1e-6, max_iterations=100)
    assert "la convergence est lente : augmentez max_iterations" in str(e)
    assert "incompatibles" not in str(e)


def test_error_bad_options():
    codes = [[0, 1]]
    m = [("sexe", ["F", "H"], [1.0, 1.0])]
    assert error_of([1, 1], codes, m, trim_low=1.5).field == "trim_low"
    assert error_of([1, 1], codes, m, trim_high=0.9).field == "trim_high"
    assert error_of([1, 1], codes, m, tolerance=0).field == "tolerance"


# ---------------------------------------------------------------- estimates

def test_weighted_mean_hand_computation():
    # y = 1, 2, 4, 7 ; w = 1, 2, 1, 4 → Σw = 8, Σwy = 37, ȳ = 4.625
    # w(y − ȳ) = −3.625, −5.25, −0.625, 9.5 ; squares sum 131.34375
    # V = 4/3 × 131.34375 / 64 = 2.736328125
    n, wsum, est, lo, hi = _core._weighted_mean([1, 2, 4, 7], [1, 2, 1, 4])
    assert (n, wsum) == (4, 8.0)
    assert est == pytest.approx(4.625, abs=1e-12)
    half = Z * math.sqrt(2.736328125)
    assert lo == pytest.approx(4.625 - half, abs=1e-12) and hi == pytest.approx(4.625 + half, abs=1e-12)


def test_weighted_mean_equal_weights_is_textbook():
    rng = np.random.default_rng(7)
    y = rng.integers(1, 5, 37).astype(float)
    s = np.std(y, ddof=1)
    for c in (1.0, 3.7, 250.0):
        _, _, est, lo, hi = _core._weighted_mean(list(y), [c] * len(y))
        assert est == pytest.approx(y.mean(), abs=1e-12)
        assert lo == pytest.approx(y.mean() - Z * s / math.sqrt(len(y)), abs=1e-9)
        assert hi == pytest.approx(y.mean() + Z * s / math.sqrt(len(y)), abs=1e-9)


def wilson(p, n):
    """The textbook Wilson score interval."""
    centre = (p + Z * Z / (2 * n)) / (1 + Z * Z / n)
    half = Z / (1 + Z * Z / n) * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n))
    return centre - half, centre + half


def test_weighted_proportion_equal_weights_is_wilson():
    for k, n in ((0, 12), (3, 12), (6, 12), (12, 12), (41, 97)):
        y = [1.0] * k + [0.0] * (n - k)
        _, _, p, lo, hi = _core._weighted_proportion(y, [2.5] * n)
        assert p == pytest.approx(k / n, abs=1e-12)
        elo, ehi = wilson(k / n, n)
        assert lo == pytest.approx(max(elo, 0.0), abs=1e-12) and hi == pytest.approx(min(ehi, 1.0), abs=1e-12)


def test_weighted_proportion_hand_computation():
    # y = 1, 0, 1, 1, 0 ; w = 1, 1, 2, 2, 4 → p = 5/10 = 0.5 ; Σw² = 26 ; n_eff = 100/26
    _, wsum, p, lo, hi = _core._weighted_proportion([1, 0, 1, 1, 0], [1, 1, 2, 2, 4])
    assert wsum == 10.0 and p == 0.5
    neff = 100 / 26
    # Wilson at p = 0.5: centre 0.5, half = z/(1+z²/n) × sqrt(0.25/n + z²/(4n²))
    half = Z / (1 + Z * Z / neff) * math.sqrt(0.25 / neff + Z * Z / (4 * neff * neff))
    assert lo == pytest.approx(0.5 - half, abs=1e-12) and hi == pytest.approx(0.5 + half, abs=1e-12)
    # by hand: z² = 3.8415, 1 + z²/n_eff = 1.9988, half = 0.98057 × sqrt(0.065 + 0.06492) = 0.3535
    assert 0.5 - half == pytest.approx(0.1465, abs=1e-4)
    assert lo < wilson(0.5, 5)[0]  # wider than Wilson with the 5 respondents (0.1704)


def test_proportion_bounds_at_zero_and_one():
    _, _, p, lo, hi = _core._weighted_proportion([0, 0, 0], [1, 2, 3])
    assert (p, lo) == (0.0, 0.0) and 0 < hi < 1
    _, _, p, lo, hi = _core._weighted_proportion([1, 1, 1], [1, 2, 3])
    assert (p, hi) == (1.0, 1.0) and 0 < lo < 1
    # one respondent answering yes: Wilson with n = 1 gives [1/(1+z²), 1]
    _, _, p, lo, hi = _core._weighted_proportion([1], [4.2])
    assert p == 1 and lo == pytest.approx(1 / (1 + Z * Z), abs=1e-12) and hi == 1.0


def test_estimates_without_data():
    for f in (_core._weighted_mean, _core._weighted_proportion):
        n, wsum, est, lo, hi = f([], [])
        assert n == 0 and wsum == 0 and math.isnan(est) and math.isnan(lo) and math.isnan(hi)
        n, wsum, est, lo, hi = f([1, 0], [0, 0])
        assert n == 2 and math.isnan(est)
    # a single respondent: a mean but no interval
    n, _, est, lo, hi = _core._weighted_mean([3.0], [2.0])
    assert est == 3.0 and math.isnan(lo) and math.isnan(hi)


# ---------------------------------------------------------------- protection

def table(area_counts):
    """Rows: areas then the territory; columns: the groups then all."""
    rows = [list(r) + [sum(r)] for r in area_counts]
    rows.append([sum(col) for col in zip(*rows)])
    return rows


def relations(n_rows, n_cols):
    """Sum relations of a table from `table`: each row's groups sum to its last cell, each column's
    areas sum to its last cell. Returns a list of {cell index: coefficient}."""
    idx = lambda r, c: r * n_cols + c
    rels = []
    for r in range(n_rows):
        rel = {idx(r, c): 1.0 for c in range(n_cols - 1)}
        rel[idx(r, n_cols - 1)] = -1.0
        rels.append(rel)
    for c in range(n_cols):
        rel = {idx(r, c): 1.0 for r in range(n_rows - 1)}
        rel[idx(n_rows - 1, c)] = -1.0
        rels.append(rel)
    return rels


def disclosed_cells(counts, withheld):
    """Withheld cells whose value a reader finds from the published cells and the sum relations:
    (a) exactly, by linear algebra (the unit vector of the cell in the row space of the relations
    restricted to the unknowns); (b) with counts >= 0, by linear programming (min = max)."""
    n_rows, n_cols = len(counts), len(counts[0])
    unknown = [r * n_cols + c for r in range(n_rows) for c in range(n_cols) if withheld[r][c]]
    if not unknown:
        return set()
    pos = {k: j for j, k in enumerate(unknown)}
    a, b = [], []
    for rel in relations(n_rows, n_cols):
        row = np.zeros(len(unknown))
        rhs = 0.0
        for k, coef in rel.items():
            if k in pos:
                row[pos[k]] += coef
            else:
                rhs -= coef * counts[k // n_cols][k % n_cols]
        a.append(row)
        b.append(rhs)
    a, b = np.array(a), np.array(b)
    rank = np.linalg.matrix_rank(a)
    out = set()
    for j, k in enumerate(unknown):
        e = np.zeros(len(unknown))
        e[j] = 1
        if np.linalg.matrix_rank(np.vstack([a, e])) == rank:
            out.add(("exact", divmod(k, n_cols)))
        lo = linprog(e, A_eq=a, b_eq=b, bounds=(0, None), method="highs")
        hi = linprog(-e, A_eq=a, b_eq=b, bounds=(0, None), method="highs")
        assert lo.status == 0 and hi.status in (0, 3)  # 3: unbounded above, so not determined
        if hi.status == 0 and -hi.fun - lo.fun < 0.5:
            out.add(("bounds", divmod(k, n_cols)))
    return out


def largest_values(counts, withheld):
    """For every withheld cell, the largest value compatible with the published cells, the sum
    relations and counts >= 0, by linear programming (scipy); None when unbounded."""
    n_rows, n_cols = len(counts), len(counts[0])
    unknown = [r * n_cols + c for r in range(n_rows) for c in range(n_cols) if withheld[r][c]]
    pos = {k: j for j, k in enumerate(unknown)}
    a, b = [], []
    for rel in relations(n_rows, n_cols):
        row = np.zeros(len(unknown))
        rhs = 0.0
        for k, coef in rel.items():
            if k in pos:
                row[pos[k]] += coef
            else:
                rhs -= coef * counts[k // n_cols][k % n_cols]
        a.append(row)
        b.append(rhs)
    out = {}
    for j, k in enumerate(unknown):
        e = np.zeros(len(unknown))
        e[j] = -1
        hi = linprog(e, A_eq=np.array(a), b_eq=np.array(b), bounds=(0, None), method="highs")
        assert hi.status in (0, 3)
        out[divmod(k, n_cols)] = None if hi.status == 3 else -hi.fun
    return out


def small_primary_cells(counts, withheld, min_cell):
    """Primary cells a reader can bound below min_cell (the protection level is not reached)."""
    return {cell for cell, hi in largest_values(counts, withheld).items()
            if counts[cell[0]][cell[1]] < min_cell and hi is not None and hi < min_cell - 1e-6}


def check_protection(counts, min_cell):
    withheld = _core._protect(counts, min_cell)
    for r, row in enumerate(counts):
        for c, x in enumerate(row):
            if x < min_cell:
                assert withheld[r][c], "primary cell published"
    for line in list(withheld) + [list(col) for col in zip(*withheld)]:
        assert sum(line) != 1
    assert disclosed_cells(counts, withheld) == set()
    assert small_primary_cells(counts, withheld, min_cell) == set()
    return withheld


def test_single_withheld_area_in_a_column():
    # area B has 4 publics: withheld; without complements, column "public" total − the others = 4
    counts = table([[30, 50], [4, 30], [25, 45], [40, 60], [22, 33]])
    primary = [[x < 10 for x in row] for row in counts]
    assert ("exact", (1, 0)) in disclosed_cells(counts, primary)  # the checker sees the difference
    w = check_protection(counts, 10)
    assert w[1][0]
    assert w[4][0]  # smallest other public count (22) is the complement in the column
    assert w[1][1]  # row B: smallest published (30 non-publics) complements it in the row
    assert sum(map(sum, w)) == 4  # B and E, public and non-public: a 2×2 rectangle


def test_single_withheld_group_in_a_row():
    # the territory has only 7 non-publics: the cell of the total row is withheld, and its column
    counts = table([[30, 3], [40, 2], [25, 2]])
    w = check_protection(counts, 10)
    assert w[3][1]
    assert all(w[r][1] for r in range(4))  # the whole non-public column is below 10


def test_chains_of_complements():
    counts = table([[3, 40], [35, 4], [50, 60], [12, 15], [70, 5]])
    w = check_protection(counts, 10)
    assert w[0][0] and w[1][1] and w[4][1]


def test_cells_pinned_by_counts_never_negative():
    """Rows A and C each have 12 respondents withheld in total and the column of the third group
    has 24 withheld: both third-group cells are then 12 and everything else withheld in A and C is
    0, although every line has two withheld cells or more. The audit withholds more."""
    counts = table([[0, 15, 12, 0], [15, 1, 30, 60], [0, 60, 12, 0], [1, 15, 15, 4], [8, 4, 15, 4],
                    [12, 8, 15, 15]])
    pinned = [[1, 0, 1, 1, 0], [1, 1, 0, 0, 0], [1, 0, 1, 1, 0], [1, 0, 0, 1, 0], [1, 1, 0, 1, 0],
              [1, 1, 0, 0, 0], [0, 0, 0, 0, 0]]
    assert ("bounds", (0, 2)) in disclosed_cells(counts, [[bool(x) for x in row] for row in pinned])
    check_protection(counts, 10)


def test_zero_counts_are_withheld():
    # nobody in area B answered "public": publishing 0 next to B's total would tell that all of B
    # is non-public
    counts = table([[30, 50], [0, 30], [25, 45]])
    w = check_protection(counts, 10)
    assert w[1][0]


def test_area_without_respondents_and_everything_small():
    check_protection(table([[0, 0], [12, 30], [25, 45], [3, 2]]), 10)
    w = check_protection(table([[1, 2], [3, 4]]), 10)
    # every cell is small but the grand total (10): published, it reveals nothing on its own
    assert w == [[True, True, True], [True, True, True], [True, True, False]]
    assert check_protection(table([[30, 50], [20, 30]]), 10) == [[False] * 3] * 3


def test_random_tables_never_disclose():
    rng = random.Random(11)
    for trial in range(120):
        n_areas = rng.randint(1, 7)
        n_groups = rng.choice([2, 2, 2, 3, 4])  # more groups exercise the bridge rule
        area_counts = [[rng.choice([0, 1, 4, 8, 9, 12, 15, 30, 60]) for _ in range(n_groups)]
                       for _ in range(n_areas)]
        check_protection(table(area_counts), rng.choice([5, 10]))


def test_bridge_between_two_blocks_with_four_groups():
    """With four groups the line rule alone can leave a withheld cell recoverable: two blocks of
    withheld cells joined by one cell (a bridge). The engine adds a complement across."""
    counts = table([[3, 4, 50, 60, 70], [5, 6, 55, 65, 75], [80, 90, 7, 8, 100], [85, 95, 2, 9, 110]])
    withheld = _core._protect(counts, 10)
    assert disclosed_cells(counts, withheld) == set()


def test_protect_input_shapes():
    assert _core._protect([], 10) == []
    with pytest.raises(ValueError):
        _core._protect([[1, 2], [3]], 10)


def rule1_only(counts, min_cell):
    """The line rule (rule 1 of docs/survey-method.md §3) alone, written here from the docs."""
    n_rows, n_cols = len(counts), len(counts[0])
    out = [[x < min_cell for x in row] for row in counts]

    def line(cells):
        k = sum(out[r][c] for r, c in cells)
        positive = sum(out[r][c] and counts[r][c] > 0 for r, c in cells)
        published = [(counts[r][c], j) for j, (r, c) in enumerate(cells) if not out[r][c]]
        if not published or not (k == 1 or (k > 0 and positive == 0)):
            return False
        r, c = cells[min(published)[1]]
        out[r][c] = True
        return True

    def step():
        return (any(line([(r, c) for c in range(n_cols)]) for r in range(n_rows)) or
                any(line([(r, c) for r in range(n_rows)]) for c in range(n_cols)))

    while step():
        pass
    return out


def test_line_rule_alone_discloses_a_real_table():
    """Review (rule1.py): among random tables, this one, with the line rule alone, leaves six cells
    a reader finds with counts >= 0 (rows A and C: 12 withheld each, column 3: 24 withheld, so both
    third-group cells are 12 and the rest 0). The engine's audit withholds more."""
    counts = table([[0, 15, 12, 0], [15, 1, 30, 60], [0, 60, 12, 0], [1, 15, 15, 4], [8, 4, 15, 4],
                    [12, 8, 15, 15]])
    found = {cell for _, cell in disclosed_cells(counts, rule1_only(counts, 10))}
    assert found == {(0, 0), (0, 2), (0, 3), (2, 0), (2, 2), (2, 3)}
    check_protection(counts, 10)


def test_protection_level_a_small_sum_of_withheld_cells():
    """Review case: areas B and C have 3 and 4 publics; the line rule withholds their non-public
    cells too, but then B + C publics = 7 is known by difference, so each is at most 7: a reader
    knows both are small. The protection level withholds area A as well (12 + 3 + 4)."""
    counts = table([[12, 15], [3, 12], [4, 12], [15, 15]])
    after_rule1 = rule1_only(counts, 10)
    assert largest_values(counts, after_rule1)[(1, 0)] == pytest.approx(7)
    assert small_primary_cells(counts, after_rule1, 10) == {(1, 0), (2, 0)}
    w = check_protection(counts, 10)
    assert sum(map(sum, w)) == 6 and w[0][0] and w[0][1]


def test_protection_level_random_tables():
    """Review (prot.py): every primary cell must be able, for a reader, to reach min_cell."""
    rng = random.Random(1)
    for trial in range(80):
        n_areas = rng.randint(1, 8)
        n_groups = rng.choice([2, 2, 2, 3, 4, 5])
        values = rng.choice([[0, 1, 2, 3, 5, 8, 9, 10, 11, 12, 20, 40], [0, 1, 9, 10, 11], list(range(25))])
        area_counts = [[rng.choice(values) for _ in range(n_groups)] for _ in range(n_areas)]
        check_protection(table(area_counts), rng.choice([3, 5, 10, 11]))


def fewest_withheld(counts, min_cell):
    """Brute force: the fewest cells any pattern can withhold while withholding the primary cells,
    disclosing no cell and reaching the protection level of every primary cell."""
    n_rows, n_cols = len(counts), len(counts[0])
    cells = [(r, c) for r in range(n_rows) for c in range(n_cols)]
    primary = [x for x in cells if counts[x[0]][x[1]] < min_cell]
    others = [x for x in cells if x not in primary]
    for k in range(len(others) + 1):
        for extra in itertools.combinations(others, k):
            chosen = set(primary) | set(extra)
            w = [[(r, c) in chosen for c in range(n_cols)] for r in range(n_rows)]
            if not disclosed_cells(counts, w) and not small_primary_cells(counts, w, min_cell):
                return len(chosen)


@pytest.mark.parametrize("area_counts", [[[3, 12], [12, 15]], [[3, 4], [12, 15]], [[0, 9], [12, 15]],
                                         [[3, 30], [25, 12], [40, 11]], [[20, 8], [11, 30], [15, 15]]])
def test_no_over_suppression_on_small_tables(area_counts):
    """On small tables the engine withholds exactly as few cells as the best pattern found by
    trying every pattern (a bound on over-suppression)."""
    counts = table(area_counts)
    w = check_protection(counts, 10)
    assert sum(map(sum, w)) == fewest_withheld(counts, 10)
