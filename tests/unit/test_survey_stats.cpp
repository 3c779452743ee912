// test_survey_stats.cpp — survey_stats.hpp at its edges: no margin, no respondent, wrong shapes,
// estimates without data, protection of degenerate tables. The values themselves are checked
// against numpy and scipy in python-bindings/tests/test_survey_stats.py.
#include <catch2/catch.hpp>

#include <cmath>
#include <functional>
#include <stdexcept>

#include "survey_stats.hpp"
#include "territoire/error.hpp"

using namespace territoire::survey;

namespace {
const Margin kSexe{"sexe", {"femme", "homme"}, {60.0, 40.0}};

std::string field_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const territoire::InputError& e) {
        return e.where().field;
    }
    return "(no error)";
}
}  // namespace

TEST_CASE("rake without margins keeps the base weights", "[survey]") {
    const RakingResult r = rake({1.0, 2.0, 3.0}, {}, {});
    CHECK(r.converged);
    CHECK(r.iterations == 0);
    CHECK(r.weights == std::vector<double>{1.0, 2.0, 3.0});
    CHECK(r.effective_n == Approx(36.0 / 14.0));
    CHECK(r.design_effect == Approx(3.0 / (36.0 / 14.0)));
    CHECK(r.fit.empty());
}

TEST_CASE("rake with one margin is a post-stratification", "[survey]") {
    const RakingResult r = rake({1, 1, 1, 1}, {{0, 0, 0, 1}}, {kSexe});
    CHECK(r.converged);
    CHECK(r.weights[0] == Approx(20.0));
    CHECK(r.weights[3] == Approx(40.0));
    CHECK(r.max_gap <= 1e-6);
    REQUIRE(r.fit.size() == 2);
    CHECK(r.fit[0].raw_share == Approx(0.75));
    CHECK(r.fit[0].weighted_share == Approx(0.6));
    CHECK(r.min_weight_ratio == Approx(20.0 / 25.0));
    CHECK(r.max_weight_ratio == Approx(40.0 / 25.0));
}

TEST_CASE("rake names what cannot be used", "[survey]") {
    CHECK(field_of([] { rake({}, {{}}, {kSexe}); }) == "sexe");  // no respondent at all
    CHECK(field_of([] { rake({1, 1}, {{0, 2}}, {kSexe}); }) == "sexe");
    CHECK(field_of([] { rake({1, -1}, {{0, 1}}, {kSexe}); }) == "poids");
    CHECK(field_of([] { rake({1, 1}, {{0, 1}}, {Margin{"sexe", {"f", "f"}, {1, 1}}}); }) == "sexe");
    CHECK(field_of([] { rake({1, 1}, {{0, 1}}, {Margin{"sexe", {"f", "h"}, {1, -1}}}); }) == "sexe");
    CHECK(field_of([] { rake({1, 1}, {{0, 1}}, {Margin{"sexe", {"f", "h"}, {0, 0}}}); }) == "sexe");
    CHECK(field_of([] { rake({1, 1}, {{0, 1}}, {Margin{"sexe", {"f", "h"}, {1}}}); }) == "sexe");
    RakingOptions o;
    o.max_iterations = 0;
    CHECK(field_of([&] { rake({1, 1}, {{0, 1}}, {kSexe}, o); }) == "max_iterations");
    CHECK_THROWS_AS(rake({1, 1}, {}, {kSexe}), std::invalid_argument);
    CHECK_THROWS_AS(rake({1, 1}, {{0}}, {kSexe}), std::invalid_argument);
}

TEST_CASE("rake error messages name the category in French", "[survey]") {
    try {
        rake({1, 1}, {{0, 0}}, {kSexe});
        FAIL("no error");
    } catch (const territoire::InputError& e) {
        CHECK(std::string(e.what()).find("la marge « sexe = homme » ne peut pas être atteinte : aucun répondant") !=
              std::string::npos);
    }
}

TEST_CASE("estimates without data are NaN, never a made-up 0", "[survey]") {
    for (const Estimate& e : {weighted_mean({}, {}), weighted_proportion({}, {}), weighted_mean({1, 2}, {0, 0})}) {
        CHECK(std::isnan(e.estimate));
        CHECK(std::isnan(e.ci_low));
        CHECK(std::isnan(e.ci_high));
    }
    const Estimate one = weighted_mean({5.0}, {2.0});
    CHECK(one.estimate == 5.0);
    CHECK(std::isnan(one.ci_low));
    const Estimate same = weighted_mean({3, 3, 3}, {1, 2, 3});
    CHECK(same.ci_low == Approx(3.0));
    CHECK(same.ci_high == Approx(3.0));
}

TEST_CASE("estimates reject malformed inputs", "[survey]") {
    CHECK_THROWS_AS(weighted_mean({1, 2}, {1}), std::invalid_argument);
    CHECK_THROWS_AS(weighted_mean({1, 2}, {1, -1}), std::invalid_argument);
    CHECK_THROWS_AS(weighted_proportion({1, 2}, {1, 1}), std::invalid_argument);
    CHECK_THROWS_AS(weighted_mean({1, NAN}, {1, 1}), std::invalid_argument);
}

TEST_CASE("proportion intervals stay within [0, 1] and contain the estimate", "[survey]") {
    for (double p : {0.0, 0.01, 0.5, 0.99, 1.0}) {
        const Estimate e = weighted_proportion({p, 1 - p}, {1, 0.001});
        CHECK(e.ci_low >= 0.0);
        CHECK(e.ci_high <= 1.0);
        CHECK(e.ci_low <= e.estimate);
        CHECK(e.estimate <= e.ci_high);
    }
}

TEST_CASE("protect on degenerate tables", "[survey]") {
    CHECK(protect({}, 10).empty());
    CHECK_THROWS_AS(protect({{1, 2}, {3}}, 10), std::invalid_argument);
    // one column: no row relation; the column gets its smallest published cell as complement
    CHECK(protect({{4}, {30}, {34}}, 10) == std::vector<std::vector<bool>>{{true}, {true}, {false}});
    // min_cell 0: nothing withheld, zeros included
    CHECK(protect({{0, 5, 5}, {0, 5, 5}}, 0) == std::vector<std::vector<bool>>{{false, false, false}, {false, false, false}});
    // one area: its row equals the territory row, so both go together
    const auto w = protect({{3, 20, 23}, {3, 20, 23}}, 10);
    CHECK(w == std::vector<std::vector<bool>>{{true, true, false}, {true, true, false}});
}

TEST_CASE("protect: a zero withheld alone with zeros gets a positive complement", "[survey]") {
    // column "public": withheld cells 0 and 0 (areas A and B) would sum to 0 = total − published
    const std::vector<std::vector<std::size_t>> t{{0, 30, 30}, {0, 40, 40}, {25, 50, 75}, {25, 120, 145}};
    const auto w = protect(t, 10);
    CHECK(w[0][0]);
    CHECK(w[1][0]);
    CHECK((w[2][0] || w[3][0]));
}

TEST_CASE("protect: a small sum of withheld cells triggers the protection level", "[survey]") {
    // areas B and C have 3 and 4 publics. The line rule withholds their non-public cells too, but
    // B + C publics = 34 − 12 − 15 = 7 then, so each is at most 7 < 10 for a reader: area A
    // (12 publics, 15 non-publics) is withheld as well, and B + C + A publics = 19.
    const std::vector<std::vector<std::size_t>> t{{12, 15, 27}, {3, 12, 15}, {4, 12, 16}, {15, 15, 30}, {34, 54, 88}};
    const auto w = protect(t, 10);
    CHECK(w == std::vector<std::vector<bool>>{{true, true, false}, {true, true, false}, {true, true, false},
                                             {false, false, false}, {false, false, false}});
}

TEST_CASE("rake: trim bounds no weight can meet are reported, the raked weights kept", "[survey]") {
    // category b is 1 respondent of 4 (25 %) and half of the population: its weight ratio is 2,
    // above a trim_high of 1.5 whatever the weights
    RakingOptions o;
    o.trim_high = 1.5;
    const auto r = rake({1, 1, 1, 1}, {{0, 0, 0, 1}}, {Margin{"s", {"a", "b"}, {50, 50}}}, o);
    CHECK_FALSE(r.bounds_met);
    CHECK(r.kept_round == 0);
    CHECK(r.weights[3] == Approx(50.0));
    CHECK(r.bounds_message.find("« s = b » (25,0 % des répondants, 50,0 % de la population)") != std::string::npos);
    CHECK(RakingOptions{}.max_iterations == 1000);
}

TEST_CASE("a likert mean gets a bounded-scale interval, never of zero width", "[survey]") {
    // Five respondents who all answered level 4 of 4: the linearised interval has zero width.
    const std::vector<double> y(5, 4.0), w{1.0, 2.0, 1.0, 3.0, 1.0};
    const Estimate lin = weighted_mean(y, w);
    CHECK(lin.ci_high - lin.ci_low == Approx(0.0));
    const Estimate e = weighted_scale_mean(y, w, 1.0, 4.0);
    CHECK(e.estimate == Approx(4.0));
    CHECK(e.ci_high == Approx(4.0));
    // Wilson at p = 1 with Kish n_eff = (Σw)² / Σw², written out: lower bound n / (n + z²).
    const double neff = 64.0 / 16.0, z2 = 1.959963984540054 * 1.959963984540054;
    CHECK(e.ci_low == Approx(1.0 + 3.0 * neff / (neff + z2)).epsilon(1e-9));
    CHECK(e.ci_low < 4.0);
    // Mixed answers: within the scale, and the estimate is the weighted mean.
    const std::vector<double> y2{1.0, 2.0, 4.0, 3.0, 1.0};
    const Estimate m = weighted_scale_mean(y2, w, 1.0, 4.0);
    CHECK(m.estimate == Approx((1 + 4 + 4 + 9 + 1) / 8.0));
    CHECK(m.ci_low >= 1.0);
    CHECK(m.ci_high <= 4.0);
    CHECK(m.ci_low < m.estimate);
    CHECK(m.estimate < m.ci_high);
    CHECK_THROWS_AS(weighted_scale_mean(y2, w, 2.0, 2.0), std::invalid_argument);
}
