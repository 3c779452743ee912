// survey_stats.cpp — the statistics of inhabitant surveys (issue 8): raking (iterative proportional
// fitting) with optional trimming, weighted means and proportions with 95 % confidence intervals,
// and small-cell protection with complementary suppression. docs/survey-method.md states every
// formula and choice made here in French for the consultant; the comments below say why.
#include "survey_stats.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <set>
#include <stdexcept>

#include "style.hpp"
#include "territoire/error.hpp"

namespace territoire::survey {

namespace {

constexpr double kZ95 = 1.959963984540054;  ///< standard normal quantile 0,975
constexpr double kTotalsTolerance = 1e-6;   ///< relative gap allowed between the margins' totals
constexpr int kMaxTrimRounds = 200;         ///< rounds of "trim, then re-rake" at most
constexpr double kBoundsSlack = 1e-3;       ///< a weight ratio within 0,1 % of a bound meets it
constexpr double kFallingFactor = 0.95;     ///< a gap below 95 % of its value a tenth of the passes ago is falling
const double kNaN = std::numeric_limits<double>::quiet_NaN();

/// A share or gap with 3 significant digits and a decimal comma ("0,0123", "1,5e-05").
std::string small_number(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.3g", v);
    std::string s = buf;
    std::replace(s.begin(), s.end(), '.', ',');
    return s;
}

std::string category_name(const Margin& m, std::size_t c) {
    return "« " + m.variable + " = " + m.categories[c] + " »";
}

[[noreturn]] void fail(const std::string& field, const std::string& message, const std::string& feature = {}) {
    Location where;
    where.field = field;
    where.feature = feature;
    throw InputError(where, message);
}

/// The raking problem once validated: codes, and each category's census share and target count.
struct Problem {
    std::size_t n = 0;
    const std::vector<std::vector<int>>* codes = nullptr;
    const std::vector<Margin>* margins = nullptr;
    double total = 0;                        ///< population total (the first margin's)
    std::vector<std::vector<double>> share;  ///< census share of each category
    std::vector<std::vector<double>> target; ///< census share × total: every margin sums to `total`
};

/// Weighted count of every category of margin v.
std::vector<double> category_sums(const Problem& p, std::size_t v, const std::vector<double>& w) {
    std::vector<double> sums((*p.margins)[v].categories.size(), 0.0);
    const auto& code = (*p.codes)[v];
    for (std::size_t i = 0; i < p.n; ++i) sums[static_cast<std::size_t>(code[i])] += w[i];
    return sums;
}

struct Gap {
    double value = 0;
    std::size_t variable = 0, category = 0;
};

/// The convergence measure: the largest |weighted share − census share| over every category of
/// every margin, and where it is (first one on ties).
Gap largest_gap(const Problem& p, const std::vector<double>& w) {
    double sum = 0;
    for (double x : w) sum += x;
    Gap g;
    for (std::size_t v = 0; v < p.share.size(); ++v) {
        const std::vector<double> sums = category_sums(p, v, w);
        for (std::size_t c = 0; c < sums.size(); ++c) {
            const double gap = std::fabs(sums[c] / sum - p.share[v][c]);
            if (gap > g.value) g = Gap{gap, v, c};
        }
    }
    return g;
}

/// Iterative proportional fitting from `w`, in place: each pass scales, margin after margin in the
/// given order, every respondent's weight by target / weighted count of its category. Stops as soon
/// as the largest gap is within tolerance (checked before every pass, so weights that already fit
/// take 0 pass). Returns the passes made; throws naming the worst category when max_iterations
/// passes are not enough, telling a gap still falling (slow convergence: more passes will do) from
/// a stalled one (incompatible margins): the gap must have fallen by kFallingFactor at least over
/// the last tenth of the passes (at least one pass) to count as falling.
int fit_margins(const Problem& p, std::vector<double>& w, const RakingOptions& options) {
    std::vector<double> history;  // gap before each pass
    for (int pass = 0;; ++pass) {
        const Gap g = largest_gap(p, w);
        history.push_back(g.value);
        if (g.value <= options.tolerance) return pass;
        if (pass == options.max_iterations) {
            const Margin& m = (*p.margins)[g.variable];
            const int back = std::max(1, options.max_iterations / 10);
            const double before = history[static_cast<std::size_t>(pass - back)];
            const bool falling = g.value < kFallingFactor * before;
            fail(m.variable,
                 "le redressement n'a pas convergé en " + std::to_string(options.max_iterations) +
                     " itérations : la marge " + category_name(m, g.category) + " reste à " +
                     small_number(g.value) + " de sa part dans les marges (tolérance " +
                     small_number(options.tolerance) + ", écart " + small_number(before) + " " +
                     std::to_string(back) + " itération(s) plus tôt) ; " +
                     (falling ? "l'écart diminue encore : la convergence est lente : augmentez max_iterations"
                              : "l'écart ne diminue plus : les marges sont sans doute incompatibles avec les "
                                "répondants (une combinaison de catégories sans aucun répondant ?)"));
        }
        for (std::size_t v = 0; v < p.target.size(); ++v) {
            const std::vector<double> sums = category_sums(p, v, w);
            const auto& code = (*p.codes)[v];
            for (std::size_t i = 0; i < p.n; ++i) {
                const auto c = static_cast<std::size_t>(code[i]);
                w[i] *= p.target[v][c] / sums[c];  // sums[c] > 0: the respondent is in it
            }
        }
    }
}

/// Kish's design effect n Σw² / (Σw)² (0 without weight).
double design_effect_of(const std::vector<double>& w) {
    double s = 0, s2 = 0;
    for (double x : w) {
        s += x;
        s2 += x * x;
    }
    return s2 > 0 ? static_cast<double>(w.size()) * s2 / (s * s) : 0;
}

/// The categories whose respondents' weights cannot all lie within [low, high] × mean weight, in
/// French: after raking, their weights sum to share × total, so their average weight / mean weight
/// is census share / sample share (n_c / n), whatever the weights; outside the bounds, some weight
/// of the category is outside them too. Empty when no category is in that case.
std::string unreachable_bounds(const Problem& p, double low, double high) {
    std::string out;
    for (std::size_t v = 0; v < p.share.size(); ++v) {
        const Margin& m = (*p.margins)[v];
        std::vector<std::size_t> count(m.categories.size(), 0);
        for (int c : (*p.codes)[v]) ++count[static_cast<std::size_t>(c)];
        for (std::size_t c = 0; c < count.size(); ++c) {
            if (count[c] == 0) continue;
            const double sample = static_cast<double>(count[c]) / static_cast<double>(p.n);
            const double ratio = p.share[v][c] / sample;
            if (ratio >= low * (1 - kBoundsSlack) && ratio <= high * (1 + kBoundsSlack)) continue;
            out += (out.empty() ? "" : " ; ") + category_name(m, c) + " (" + style::french_number(100 * sample, 1) +
                   " % des répondants, " + style::french_number(100 * p.share[v][c], 1) +
                   " % de la population) exige un rapport poids / poids moyen de " + style::french_number(ratio, 2) +
                   " en moyenne";
        }
    }
    return out;
}

void validate_options(const RakingOptions& o) {
    if (!(o.tolerance > 0) || !std::isfinite(o.tolerance))
        fail("tolerance", "la tolérance du redressement doit être un nombre strictement positif");
    if (o.max_iterations < 1) fail("max_iterations", "le nombre maximal d'itérations doit être au moins 1");
    if (o.trim_low && !(*o.trim_low > 0 && *o.trim_low < 1))
        fail("trim_low", "la borne basse d'écrêtage (poids / poids moyen) doit être comprise entre 0 et 1 exclus");
    if (o.trim_high && !(*o.trim_high > 1 && std::isfinite(*o.trim_high)))
        fail("trim_high", "la borne haute d'écrêtage (poids / poids moyen) doit être supérieure à 1");
}

Problem validate(const std::vector<double>& base, const std::vector<std::vector<int>>& codes,
                 const std::vector<Margin>& margins) {
    Problem p;
    p.n = base.size();
    p.codes = &codes;
    p.margins = &margins;
    if (codes.size() != margins.size())
        throw std::invalid_argument("survey::rake: one code vector per margin expected");
    for (const auto& c : codes)
        if (c.size() != p.n) throw std::invalid_argument("survey::rake: one code per respondent expected");

    for (std::size_t i = 0; i < p.n; ++i)
        if (!(base[i] > 0) || !std::isfinite(base[i]))
            fail("poids", "le poids de base doit être un nombre strictement positif (lu : " + small_number(base[i]) + ")",
                 "répondant " + std::to_string(i + 1));

    for (std::size_t v = 0; v < margins.size(); ++v) {
        const Margin& m = margins[v];
        if (m.categories.size() != m.population.size())
            fail(m.variable, "la marge « " + m.variable + " » n'a pas autant de populations que de catégories");
        if (m.categories.empty()) fail(m.variable, "la marge « " + m.variable + " » n'a aucune catégorie");
        std::set<std::string> seen;
        double total = 0;
        for (std::size_t c = 0; c < m.categories.size(); ++c) {
            if (!seen.insert(m.categories[c]).second)
                fail(m.variable, "la catégorie " + category_name(m, c) + " figure deux fois dans les marges");
            const double pop = m.population[c];
            if (!(pop >= 0) || !std::isfinite(pop))
                fail(m.variable, "la population de la marge " + category_name(m, c) +
                                     " doit être un nombre positif ou nul (lu : " + small_number(pop) + ")");
            total += pop;
        }
        if (!(total > 0)) fail(m.variable, "la population totale de la marge « " + m.variable + " » est nulle");
        if (v == 0) {
            p.total = total;
        } else if (std::fabs(total - p.total) > kTotalsTolerance * p.total) {
            fail(m.variable, "les marges n'ont pas la même population totale : « " + margins[0].variable + " » totalise " +
                                 style::french_number(p.total, 2) + ", « " + m.variable + " » " +
                                 style::french_number(total, 2) +
                                 " ; elles doivent décrire la même population (même champ, même année)");
        }
        p.share.emplace_back();
        p.target.emplace_back();
        for (double pop : m.population) {
            p.share.back().push_back(pop / total);
            p.target.back().push_back(pop / total * p.total);
        }

        std::vector<std::size_t> respondents(m.categories.size(), 0);
        for (std::size_t i = 0; i < p.n; ++i) {
            const int c = codes[v][i];
            if (c < 0 || static_cast<std::size_t>(c) >= m.categories.size())
                fail(m.variable,
                     "catégorie n° " + std::to_string(c) + " inconnue des marges de « " + m.variable + " » (0 à " +
                         std::to_string(m.categories.size() - 1) + ")",
                     "répondant " + std::to_string(i + 1));
            ++respondents[static_cast<std::size_t>(c)];
        }
        for (std::size_t c = 0; c < m.categories.size(); ++c) {
            if (m.population[c] > 0 && respondents[c] == 0)
                fail(m.variable, "la marge " + category_name(m, c) + " ne peut pas être atteinte : aucun répondant");
            if (m.population[c] == 0 && respondents[c] > 0)
                fail(m.variable, "la catégorie " + category_name(m, c) + " compte " + std::to_string(respondents[c]) +
                                     " répondant(s) mais une population nulle dans les marges : leur poids serait nul");
        }
    }
    return p;
}

std::vector<double> shares_of(const Problem& p, std::size_t v, const std::vector<double>& w) {
    std::vector<double> s = category_sums(p, v, w);
    double sum = 0;
    for (double x : w) sum += x;
    for (double& x : s) x /= sum;
    return s;
}

}  // namespace

RakingResult rake(const std::vector<double>& base_weights, const std::vector<std::vector<int>>& codes,
                  const std::vector<Margin>& margins, const RakingOptions& options) {
    validate_options(options);
    const Problem p = validate(base_weights, codes, margins);
    RakingResult r;
    r.weights = base_weights;
    if (margins.empty()) {
        r.converged = true;
    } else {
        r.iterations = fit_margins(p, r.weights, options);
        r.converged = true;
    }

    // Trimming: clip every weight / mean weight to the bounds, re-rake, repeat until the raked
    // weights stay within the bounds (0,1 % slack) or kMaxTrimRounds rounds are done. The margins
    // always prevail: every round ends with a rake. When the bounds are never met, clipping and
    // re-raking can leave the weights more spread than no trimming at all (the re-rake pushes the
    // clipped categories' weights further out): the round with the smallest design effect is kept,
    // round 0 being the untrimmed raked weights, and bounds_message says why.
    const std::size_t n = r.weights.size();
    const double low = options.trim_low.value_or(0.0);
    const double high = options.trim_high.value_or(std::numeric_limits<double>::infinity());
    auto within_bounds = [&](const std::vector<double>& ws) {
        double s = 0;
        for (double w : ws) s += w;
        const double m = s / static_cast<double>(n);
        for (double w : ws)
            if (w / m < low * (1 - kBoundsSlack) || w / m > high * (1 + kBoundsSlack)) return false;
        return true;
    };
    if ((options.trim_low || options.trim_high) && n > 0) {
        std::vector<double> best = r.weights;
        double best_deff = design_effect_of(best);
        while (!within_bounds(r.weights) && r.trim_rounds < kMaxTrimRounds) {
            double m = 0;
            for (double w : r.weights) m += w;
            m /= static_cast<double>(n);
            for (double& w : r.weights) w = std::clamp(w, low * m, high * m);
            if (!margins.empty()) r.iterations += fit_margins(p, r.weights, options);
            ++r.trim_rounds;
            const double deff = design_effect_of(r.weights);
            if (deff < best_deff && !within_bounds(r.weights)) {
                best = r.weights;
                best_deff = deff;
                r.kept_round = r.trim_rounds;
            }
        }
        r.bounds_met = within_bounds(r.weights);
        if (r.bounds_met) {
            r.kept_round = r.trim_rounds;
        } else {
            r.weights = std::move(best);
            const std::string why = margins.empty() ? std::string() : unreachable_bounds(p, low, high);
            r.bounds_message =
                "les bornes d'écrêtage [" + (options.trim_low ? style::french_number(low, 2) : std::string("0")) + " ; " +
                (options.trim_high ? style::french_number(high, 2) : std::string("∞")) +
                "] du rapport poids / poids moyen " +
                (why.empty() ? "n'ont pas été atteintes en même temps que les marges en " +
                                   std::to_string(r.trim_rounds) + " étapes d'écrêtage"
                             : "ne peuvent pas être respectées en même temps que les marges : " + why +
                                   ", hors des bornes quels que soient les poids") +
                " ; " +
                (r.kept_round == 0 ? std::string("les poids redressés sans écrêtage sont conservés")
                                   : "les poids de l'étape d'écrêtage " + std::to_string(r.kept_round) +
                                         ", la moins dispersée, sont conservés") +
                " ; élargir les bornes ou regrouper des catégories";
        }
    }

    double s = 0, s2 = 0;
    for (double w : r.weights) {
        s += w;
        s2 += w * w;
    }
    r.effective_n = s2 > 0 ? s * s / s2 : 0;
    r.design_effect = r.effective_n > 0 ? static_cast<double>(n) / r.effective_n : 0;
    if (n > 0) {
        const double m = s / static_cast<double>(n);
        const auto [lo, hi] = std::minmax_element(r.weights.begin(), r.weights.end());
        r.min_weight_ratio = *lo / m;
        r.max_weight_ratio = *hi / m;
    }
    if (!margins.empty()) r.max_gap = largest_gap(p, r.weights).value;
    for (std::size_t v = 0; v < margins.size(); ++v) {
        const std::vector<double> raw = shares_of(p, v, base_weights);
        const std::vector<double> weighted = shares_of(p, v, r.weights);
        for (std::size_t c = 0; c < margins[v].categories.size(); ++c)
            r.fit.push_back(CategoryFit{margins[v].variable, margins[v].categories[c], p.share[v][c], raw[c], weighted[c]});
    }
    return r;
}

namespace {

/// Checks sizes and weights; returns Σw.
double check_weighted(const std::vector<double>& y, const std::vector<double>& w, bool proportion) {
    if (y.size() != w.size()) throw std::invalid_argument("survey: one weight per answer expected");
    double sum = 0;
    for (std::size_t i = 0; i < y.size(); ++i) {
        if (!(w[i] >= 0) || !std::isfinite(w[i])) throw std::invalid_argument("survey: weights must be finite and >= 0");
        if (!std::isfinite(y[i])) throw std::invalid_argument("survey: answers must be finite numbers");
        if (proportion && (y[i] < 0 || y[i] > 1)) throw std::invalid_argument("survey: a proportion needs answers in [0, 1]");
        sum += w[i];
    }
    return sum;
}

}  // namespace

// Weighted mean ȳ = Σ w y / Σ w (a ratio estimator). Its variance by Taylor linearisation, treating
// the respondents as drawn with replacement:  V = m/(m−1) · Σ (w_i (y_i − ȳ))² / (Σ w)², m the
// respondents with a positive weight. Interval ȳ ± 1,96 √V (normal quantile, like R survey's
// confint). With equal weights V = s²/n: the textbook interval ȳ ± 1,96 s/√n.
Estimate weighted_mean(const std::vector<double>& y, const std::vector<double>& w) {
    Estimate e;
    e.n = y.size();
    e.weight_sum = check_weighted(y, w, false);
    e.estimate = e.ci_low = e.ci_high = kNaN;
    if (e.n == 0 || !(e.weight_sum > 0)) return e;
    double sy = 0;
    std::size_t positive = 0;
    for (std::size_t i = 0; i < e.n; ++i) {
        sy += w[i] * y[i];
        if (w[i] > 0) ++positive;
    }
    e.estimate = sy / e.weight_sum;
    if (positive < 2) return e;  // no variance can be estimated from one respondent
    double ss = 0;
    for (std::size_t i = 0; i < e.n; ++i) {
        const double d = w[i] * (y[i] - e.estimate);
        ss += d * d;
    }
    const double m = static_cast<double>(positive);
    const double variance = m / (m - 1) * ss / (e.weight_sum * e.weight_sum);
    const double half = kZ95 * std::sqrt(variance);
    e.ci_low = e.estimate - half;
    e.ci_high = e.estimate + half;
    return e;
}

// Weighted proportion p = Σ w y / Σ w, interval of Wilson computed with Kish's effective size
// n_eff = (Σ w)² / Σ w² in place of n: bounds always within [0, 1], sensible at p = 0 or 1 and for
// small n; with equal weights n_eff = n and it is the textbook Wilson interval.
Estimate weighted_proportion(const std::vector<double>& y01, const std::vector<double>& w) {
    Estimate e;
    e.n = y01.size();
    e.weight_sum = check_weighted(y01, w, true);
    e.estimate = e.ci_low = e.ci_high = kNaN;
    if (e.n == 0 || !(e.weight_sum > 0)) return e;
    double sy = 0, s2 = 0;
    for (std::size_t i = 0; i < e.n; ++i) {
        sy += w[i] * y01[i];
        s2 += w[i] * w[i];
    }
    const double p = std::clamp(sy / e.weight_sum, 0.0, 1.0);
    const double neff = e.weight_sum * e.weight_sum / s2;
    const double z2 = kZ95 * kZ95;
    const double denom = 1 + z2 / neff;
    const double centre = (p + z2 / (2 * neff)) / denom;
    const double half = kZ95 / denom * std::sqrt(p * (1 - p) / neff + z2 / (4 * neff * neff));
    e.estimate = p;
    e.ci_low = std::clamp(std::min(centre - half, p), 0.0, 1.0);
    e.ci_high = std::clamp(std::max(centre + half, p), 0.0, 1.0);
    return e;
}

// Mean of a bounded score (likert levels lo..hi): the mean rescaled to [0, 1] is a proportion of
// the scale, and gets the Wilson interval with Kish's n_eff (weighted_proportion), mapped back. It
// is never of zero width (respondents who all gave one level still get an interval) and stays within
// the scale; p (1 − p) bounds the variance of any answer in [0, 1], so it is conservative (wider
// than the linearised interval of weighted_mean).
Estimate weighted_scale_mean(const std::vector<double>& y, const std::vector<double>& w, double lo, double hi) {
    if (!(hi > lo)) throw std::invalid_argument("weighted_scale_mean: empty scale");
    std::vector<double> p(y.size());
    for (std::size_t i = 0; i < y.size(); ++i) p[i] = (y[i] - lo) / (hi - lo);
    Estimate e = weighted_proportion(p, w);
    e.estimate = lo + (hi - lo) * e.estimate;
    e.ci_low = lo + (hi - lo) * e.ci_low;
    e.ci_high = lo + (hi - lo) * e.ci_high;
    return e;
}

namespace {

/// What a reader of the published cells knows about the withheld ones: the sum relations of the
/// table (in each area row the groups sum to the "all" cell, in each column the areas sum to the
/// territory cell) and that counts are never negative. Negating the cells of the total row and of
/// the total column (the grand total excepted) turns the relations into "every row and every
/// column sums to 0". Seen as a graph with one node per row (0..R−1) and per column (R..R+C−1) and
/// one edge per withheld cell, the tables a reader cannot tell from the true one are the true one
/// plus a circulation on this graph (±t alternately along a cycle). So a withheld cell can take
/// another value exactly when some cycle through it can carry a small t without lowering a count
/// that is 0 (conformal decomposition of circulations); it is recovered exactly when it lies on no
/// cycle at all (a bridge: e.g. the only withheld cell of a line).
class Audit {
public:
    Audit(const std::vector<std::vector<std::size_t>>& counts, const std::vector<std::vector<bool>>& withheld)
        : counts_(counts), withheld_(withheld), rows_(counts.size()), cols_(rows_ ? counts[0].size() : 0) {}

    /// Whether the withheld cell (r, c) can take another value than its own.
    bool movable(std::size_t r, std::size_t c) const {
        // dir +1: the cell's signed value grows (arc row → column), the cycle closes column → row
        if (usable(r, c, +1) && reaches(rows_ + c, r, r, c)) return true;
        return usable(r, c, -1) && reaches(r, rows_ + c, r, c);
    }

    /// How much a reader can believe the withheld cell (r, c) larger than it is, capped at `cap`:
    /// the largest t such that the true table plus t along some cycles through the cell (its count
    /// growing by t) keeps every count >= 0. That is a maximum flow closing the cycle, over the
    /// other withheld cells: an arc that raises a cell's count is uncapacitated (capped at `cap`),
    /// one that lowers it has the count as capacity. Edmonds-Karp on the R + C nodes.
    long long max_increase(std::size_t r, std::size_t c, long long cap) const {
        if (cap <= 0) return 0;
        const std::size_t nodes = rows_ + cols_;
        std::vector<std::vector<long long>> residual(nodes, std::vector<long long>(nodes, 0));
        for (std::size_t i = 0; i < rows_; ++i) {
            for (std::size_t j = 0; j < cols_; ++j) {
                if (!withheld_[i][j] || (i == r && j == c)) continue;
                const long long count = static_cast<long long>(std::min<std::size_t>(counts_[i][j], cap));
                residual[i][rows_ + j] = sign(i, j) > 0 ? cap : count;  // row → column: signed +t
                residual[rows_ + j][i] = sign(i, j) < 0 ? cap : count;  // column → row: signed −t
            }
        }
        // the cell's count grows: signed +t (row → column) for +1 cells, −t for the negated ones;
        // the flow closes the cycle from the far end back to the near one
        const std::size_t source = sign(r, c) > 0 ? rows_ + c : r;
        const std::size_t sink = sign(r, c) > 0 ? r : rows_ + c;
        long long flow = 0;
        while (flow < cap) {
            std::vector<std::size_t> parent(nodes, nodes);
            parent[source] = source;
            std::vector<std::size_t> queue{source};
            for (std::size_t q = 0; q < queue.size() && parent[sink] == nodes; ++q)
                for (std::size_t v = 0; v < nodes; ++v)
                    if (parent[v] == nodes && residual[queue[q]][v] > 0) {
                        parent[v] = queue[q];
                        queue.push_back(v);
                    }
            if (parent[sink] == nodes) break;
            long long push = cap - flow;
            for (std::size_t v = sink; v != source; v = parent[v]) push = std::min(push, residual[parent[v]][v]);
            for (std::size_t v = sink; v != source; v = parent[v]) {
                residual[parent[v]][v] -= push;
                residual[v][parent[v]] += push;
            }
            flow += push;
        }
        return flow;
    }

private:
    /// +1 when the count moves with the signed value, −1 for the negated total cells.
    int sign(std::size_t r, std::size_t c) const {
        return ((r + 1 == rows_) != (c + 1 == cols_)) ? -1 : +1;
    }
    /// A cell can carry a small change in direction `dir` unless that lowers a count of 0.
    bool usable(std::size_t r, std::size_t c, int dir) const { return sign(r, c) * dir > 0 || counts_[r][c] > 0; }

    /// Path from node `from` to node `to` over usable arcs of withheld cells other than (skip_r, skip_c):
    /// row → column arcs carry +t, column → row arcs −t.
    bool reaches(std::size_t from, std::size_t to, std::size_t skip_r, std::size_t skip_c) const {
        std::vector<bool> seen(rows_ + cols_, false);
        std::vector<std::size_t> stack{from};
        seen[from] = true;
        while (!stack.empty()) {
            const std::size_t u = stack.back();
            stack.pop_back();
            if (u == to) return true;
            auto visit = [&](std::size_t r, std::size_t c, int dir, std::size_t next) {
                if (seen[next] || !withheld_[r][c] || (r == skip_r && c == skip_c) || !usable(r, c, dir)) return;
                seen[next] = true;
                stack.push_back(next);
            };
            if (u < rows_) {
                for (std::size_t c = 0; c < cols_; ++c) visit(u, c, +1, rows_ + c);
            } else {
                for (std::size_t r = 0; r < rows_; ++r) visit(r, u - rows_, -1, r);
            }
        }
        return false;
    }

    const std::vector<std::vector<std::size_t>>& counts_;
    const std::vector<std::vector<bool>>& withheld_;
    std::size_t rows_, cols_;
};

}  // namespace

// Primary suppression: count < min_cell (a count of 0 included: "nobody in this group" next to a
// published total is itself a disclosure). Complementary suppression, one cell at a time, always
// restarting from the first rule and line, so that the result depends only on the table:
//  1. a line (rows, then columns, the total row and column included) with exactly one withheld
//     cell, or whose withheld cells are all 0 (their sum, total − published cells, would be 0 and
//     counts are never negative), gets one more: its published cell with the smallest count
//     (first on ties);
//  2. then the audit: the first withheld cell (row by row) whose value the published cells still
//     determine, through longer chains of relations and counts ≥ 0 (see Audit), gets the published
//     cell of smallest count (first on ties) that frees it; if no single cell does, the smallest
//     published cell of its row or column;
//  3. then the protection level: the first primary cell (row by row) whose largest value
//     compatible with the published cells (Audit::max_increase) stays below min_cell — a reader
//     would know it is small — gets the published cell of smallest count (first on ties) that
//     lifts that largest value to min_cell; if no single cell does, the one that lifts it most
//     (smallest count first on ties); if none lifts it, the smallest published cell of its row
//     or column, else the smallest published cell.
// Each step withholds one more cell and withholding never determines a cell that was free nor
// lowers a largest value, so the loop ends after at most R·C steps with no withheld cell
// determined and every primary cell able, for a reader, to reach min_cell.
std::vector<std::vector<bool>> protect(const std::vector<std::vector<std::size_t>>& counts,
                                       std::size_t min_cell) {
    const std::size_t rows = counts.size();
    const std::size_t cols = rows ? counts[0].size() : 0;
    for (const auto& row : counts)
        if (row.size() != cols) throw std::invalid_argument("survey::protect: the table must be rectangular");
    std::vector<std::vector<bool>> out(rows, std::vector<bool>(cols, false));
    for (std::size_t r = 0; r < rows; ++r)
        for (std::size_t c = 0; c < cols; ++c) out[r][c] = counts[r][c] < min_cell;

    // Rule 1 on one line of `len` cells, cell(k) giving its coordinates.
    auto complete_line = [&](std::size_t len, auto cell) -> bool {
        std::size_t k = 0, positive = 0, best = len;
        for (std::size_t j = 0; j < len; ++j) {
            const auto [r, c] = cell(j);
            if (out[r][c]) {
                ++k;
                positive += counts[r][c] > 0;
            } else if (best == len || counts[r][c] < counts[cell(best).first][cell(best).second]) {
                best = j;
            }
        }
        if (best == len || !(k == 1 || (k > 0 && positive == 0))) return false;
        const auto [r, c] = cell(best);
        out[r][c] = true;
        return true;
    };
    auto rule_lines = [&]() -> bool {
        if (cols >= 2)
            for (std::size_t r = 0; r < rows; ++r)
                if (complete_line(cols, [r](std::size_t j) { return std::pair<std::size_t, std::size_t>{r, j}; }))
                    return true;
        if (rows >= 2)
            for (std::size_t c = 0; c < cols; ++c)
                if (complete_line(rows, [c](std::size_t j) { return std::pair<std::size_t, std::size_t>{j, c}; }))
                    return true;
        return false;
    };
    // The published cells, smallest count first (ties: row-major order): the candidates for one
    // more withheld cell, cheapest first.
    auto published_by_count = [&]() {
        std::vector<std::pair<std::size_t, std::size_t>> published;
        for (std::size_t i = 0; i < rows; ++i)
            for (std::size_t j = 0; j < cols; ++j)
                if (!out[i][j]) published.emplace_back(i, j);
        std::stable_sort(published.begin(), published.end(), [&](const auto& a, const auto& b) {
            return counts[a.first][a.second] < counts[b.first][b.second];
        });
        return published;
    };
    auto rule_audit = [&]() -> bool {
        if (rows < 2 || cols < 2) return false;  // a single line: rule 1 is the whole story
        const Audit audit(counts, out);
        for (std::size_t r = 0; r < rows; ++r) {
            for (std::size_t c = 0; c < cols; ++c) {
                if (!out[r][c] || audit.movable(r, c)) continue;
                const auto published = published_by_count();
                if (published.empty()) return false;
                for (const auto& [i, j] : published) {
                    out[i][j] = true;
                    if (audit.movable(r, c)) return true;
                    out[i][j] = false;
                }
                for (const auto& [i, j] : published) {
                    if (i == r || j == c) {
                        out[i][j] = true;
                        return true;
                    }
                }
                out[published.front().first][published.front().second] = true;
                return true;
            }
        }
        return false;
    };
    auto rule_protection_level = [&]() -> bool {
        if (rows < 2 || cols < 2) return false;
        const auto need = static_cast<long long>(min_cell);
        for (std::size_t r = 0; r < rows; ++r) {
            for (std::size_t c = 0; c < cols; ++c) {
                if (!out[r][c] || counts[r][c] >= min_cell) continue;
                const long long missing = need - static_cast<long long>(counts[r][c]);
                const Audit audit(counts, out);
                const long long now = audit.max_increase(r, c, missing);
                if (now >= missing) continue;
                const auto published = published_by_count();
                if (published.empty()) return false;
                std::size_t best = published.size();
                long long best_gain = now;
                for (std::size_t k = 0; k < published.size() && best_gain < missing; ++k) {
                    const auto [i, j] = published[k];
                    out[i][j] = true;
                    const long long gain = audit.max_increase(r, c, missing);
                    out[i][j] = false;
                    if (gain > best_gain) {
                        best = k;
                        best_gain = gain;
                    }
                }
                if (best == published.size())
                    for (std::size_t k = 0; k < published.size() && best == published.size(); ++k)
                        if (published[k].first == r || published[k].second == c) best = k;
                if (best == published.size()) best = 0;
                out[published[best].first][published[best].second] = true;
                return true;
            }
        }
        return false;
    };
    while (rule_lines() || rule_audit() || rule_protection_level()) {
    }
    return out;
}

}  // namespace territoire::survey
