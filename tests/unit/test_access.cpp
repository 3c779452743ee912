// test_access.cpp — the access measures (docs/access.md) on hand examples: decay weights, the
// two-step floating catchment (classic and Gaussian), Gini, Theil and the weighted median against
// formulas written out independently here, Filosofi cell codes, and the project keys' errors.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "access.hpp"
#include "territoire/error.hpp"
#include "territoire/project.hpp"

using namespace territoire;
using access::Router;

namespace {

// A hand example: three cells (100, 200, 300 inhabitants), two places (supply 10 and 20),
// catchment 10 (minutes or metres, the unit does not matter):
//   place 0 is reached from cell 0 at 2 and from cell 1 at 8;
//   place 1 is reached from cell 1 at 5 and from cell 2 at 9 (cell 0 is at 14: outside).
const std::vector<double> kPop{100, 200, 300};
const std::vector<double> kSupply{10, 20};
const std::vector<std::vector<Router::Reach>> kCatch{{{0, 2.0}, {1, 8.0}}, {{1, 5.0}, {2, 9.0}}};

}  // namespace

TEST_CASE("decay weights: step is 1 inside, Gaussian goes from 1 at 0 to 0 at t0", "[access]") {
    CHECK(access::decay_weight(access::Decay::step, 0, 10) == 1);
    CHECK(access::decay_weight(access::Decay::step, 10, 10) == 1);
    CHECK(access::decay_weight(access::Decay::step, 10.001, 10) == 0);
    CHECK(access::decay_weight(access::Decay::gaussian, 0, 10) == Approx(1));
    CHECK(access::decay_weight(access::Decay::gaussian, 10, 10) == Approx(0).margin(1e-15));
    CHECK(access::decay_weight(access::Decay::gaussian, 11, 10) == 0);
    // G(5) = (exp(-1/8) − exp(-1/2)) / (1 − exp(-1/2)) = (0.8824969 − 0.6065307) / 0.3934693 = 0.7013670
    CHECK(access::decay_weight(access::Decay::gaussian, 5, 10) == Approx(0.7013670).epsilon(1e-6));
}

TEST_CASE("classic 2SFCA on a hand example", "[access]") {
    // Step 1: R0 = 10 / (100 + 200) = 1/30, R1 = 20 / (200 + 300) = 0.04.
    // Step 2: A0 = R0 = 0.033333, A1 = R0 + R1 = 0.073333, A2 = R1 = 0.04.
    const auto a = access::two_step_fca(kPop, kSupply, kCatch, 10, access::Decay::step);
    REQUIRE(a.size() == 3);
    CHECK(a[0] == Approx(1.0 / 30));
    CHECK(a[1] == Approx(1.0 / 30 + 0.04));
    CHECK(a[2] == Approx(0.04));
    // Σ_i P_i A_i = Σ_j S_j when every place is reached by someone: 3.333 + 14.667 + 12 = 30.
    CHECK(100 * a[0] + 200 * a[1] + 300 * a[2] == Approx(30));
}

TEST_CASE("Gaussian (enhanced) 2SFCA weighs both steps with G", "[access]") {
    auto g = [](double t) { return (std::exp(-0.5 * (t / 10) * (t / 10)) - std::exp(-0.5)) / (1 - std::exp(-0.5)); };
    const double r0 = 10 / (g(2) * 100 + g(8) * 200);
    const double r1 = 20 / (g(5) * 200 + g(9) * 300);
    const auto a = access::two_step_fca(kPop, kSupply, kCatch, 10, access::Decay::gaussian);
    CHECK(a[0] == Approx(g(2) * r0));
    CHECK(a[1] == Approx(g(8) * r0 + g(5) * r1));
    CHECK(a[2] == Approx(g(9) * r1));
    CHECK(100 * a[0] + 200 * a[1] + 300 * a[2] == Approx(30));
}

TEST_CASE("2SFCA: a place nobody reaches serves nobody; empty population gives zeros", "[access]") {
    const std::vector<std::vector<Router::Reach>> none{{}, {{2, 1.0}}};
    const auto a = access::two_step_fca(kPop, kSupply, none, 10, access::Decay::step);
    CHECK(a[0] == 0);
    CHECK(a[1] == 0);
    CHECK(a[2] == Approx(20.0 / 300));
    const auto z = access::two_step_fca({0, 0, 0}, kSupply, kCatch, 10, access::Decay::step);
    CHECK(z == std::vector<double>{0, 0, 0});
}

TEST_CASE("Gini and Theil over inhabitants match their double-sum definitions", "[access]") {
    // Equal weights: Gini of 1, 2, 3, 4 = Σ|xi − xj| / (2 n² μ) = 20 / (2 · 16 · 2.5) = 0.25.
    CHECK(*access::weighted_gini({4, 1, 3, 2}, {1, 1, 1, 1}) == Approx(0.25));
    const std::vector<double> x{0.0, 2.5, 1.0, 7.0, 2.5, 4.0};
    const std::vector<double> w{30, 10, 0, 5, 20, 12};  // the weight 0 entry does not count
    double W = 0, S = 0;
    for (std::size_t i = 0; i < x.size(); ++i) W += w[i], S += w[i] * x[i];
    const double mu = S / W;
    double pairs = 0, theil = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
        for (std::size_t j = 0; j < x.size(); ++j) pairs += w[i] * w[j] * std::fabs(x[i] - x[j]);
        if (x[i] > 0) theil += w[i] * (x[i] / mu) * std::log(x[i] / mu);
    }
    CHECK(*access::weighted_gini(x, w) == Approx(pairs / (2 * W * W * mu)));
    CHECK(*access::weighted_theil(x, w) == Approx(theil / W));
    // Everyone equal: 0; nobody or zero mean: empty.
    CHECK(*access::weighted_gini({3, 3, 3}, {1, 2, 3}) == Approx(0).margin(1e-12));
    CHECK(*access::weighted_theil({3, 3, 3}, {1, 2, 3}) == Approx(0).margin(1e-12));
    CHECK_FALSE(access::weighted_gini({0, 0}, {1, 1}));
    CHECK_FALSE(access::weighted_theil({1, 2}, {0, 0}));
}

TEST_CASE("weighted median: half the inhabitants, unreachable counts as beyond", "[access]") {
    const double inf = access::kUnreachable;
    CHECK(*access::weighted_median({5, 1, 9}, {1, 1, 1}) == 5);
    CHECK(*access::weighted_median({5, 1, 9}, {1, 10, 1}) == 1);
    CHECK(*access::weighted_median({5, inf, 9}, {1, 1, 3}) == 9);
    CHECK_FALSE(access::weighted_median({5, inf}, {1, 3}));
    CHECK_FALSE(access::weighted_median({5}, {0}));
    // Exactly half unreachable: the median lies between 5 and "beyond", so it is empty (as the docs
    // say), also when the weights only add up to half within rounding (0.1 + 0.2 vs 0.3).
    CHECK_FALSE(access::weighted_median({5, inf}, {1, 1}));
    CHECK_FALSE(access::weighted_median({5, 7, inf}, {0.1, 0.2, 0.3}));
    // Just under half unreachable: a time.
    CHECK(*access::weighted_median({5, 7, inf}, {0.1, 0.2, 0.29}) == 7);
    // Exactly half reached at a finite value followed by finite values: the classic lower median.
    CHECK(*access::weighted_median({5, 7}, {0.1 + 0.2, 0.3}) == 5);
}

TEST_CASE("Theil index splits exactly into between and within areas", "[access]") {
    // Three groups (2 is "outside every area"); values and weights chosen by hand.
    const std::vector<double> x{1, 3, 0, 2, 2, 8, 5};
    const std::vector<double> w{10, 20, 5, 15, 15, 3, 7};
    const std::vector<std::size_t> g{0, 0, 0, 1, 1, 2, 2};
    // Written out: μ, μ_g, shares s_g = W_g μ_g / (W μ), T_g by definition.
    double W = 0, S = 0;
    for (std::size_t i = 0; i < x.size(); ++i) W += w[i], S += w[i] * x[i];
    const double mu = S / W;
    double between = 0, within = 0;
    for (std::size_t group = 0; group < 3; ++group) {
        double Wg = 0, Sg = 0;
        for (std::size_t i = 0; i < x.size(); ++i)
            if (g[i] == group) Wg += w[i], Sg += w[i] * x[i];
        const double mug = Sg / Wg;
        double Tg = 0;
        for (std::size_t i = 0; i < x.size(); ++i)
            if (g[i] == group && x[i] > 0) Tg += w[i] * (x[i] / mug) * std::log(x[i] / mug);
        Tg /= Wg;
        const double share = Wg * mug / (W * mu);
        between += share * std::log(mug / mu);
        within += share * Tg;
    }
    const auto parts = access::theil_decomposition(x, w, g);
    REQUIRE(parts.between);
    REQUIRE(parts.within);
    CHECK(*parts.between == Approx(between));
    CHECK(*parts.within == Approx(within));
    CHECK(*parts.between + *parts.within == Approx(*access::weighted_theil(x, w)));
    // One group: everything is within; one value per group: everything is between.
    const auto one = access::theil_decomposition(x, w, std::vector<std::size_t>(x.size(), 4));
    CHECK(*one.between == Approx(0).margin(1e-12));
    CHECK(*one.within == Approx(*access::weighted_theil(x, w)));
    const auto each = access::theil_decomposition({1, 1, 4}, {1, 1, 2}, {0, 0, 1});
    CHECK(*each.within == Approx(0).margin(1e-12));
    CHECK(*each.between == Approx(*access::weighted_theil({1, 1, 4}, {1, 1, 2})));
    CHECK_FALSE(access::theil_decomposition({0, 0}, {1, 1}, {0, 1}).between);
}

TEST_CASE("Filosofi cell codes: EPSG, resolution, north then east of the south-west corner", "[access]") {
    const auto c = access::parse_grid_cell_code("CRS3035RES200mN2029800E4252400");
    REQUIRE(c);
    CHECK(c->epsg == 3035);
    CHECK(c->resolution_m == 200);
    CHECK(c->north == 2029800);
    CHECK(c->east == 4252400);
    CHECK(access::parse_grid_cell_code("CRS3035RES1000mN2029000E4252000")->resolution_m == 1000);
    CHECK_FALSE(access::parse_grid_cell_code("CRS3035RES200mN2029800"));
    CHECK_FALSE(access::parse_grid_cell_code("CRS3035RES200mN2029800E4252400x"));
    CHECK_FALSE(access::parse_grid_cell_code("4252400_2029800"));
    CHECK_FALSE(access::parse_grid_cell_code(""));
}

namespace {
const std::string kBase = R"(
[territory]
path = "t.geojson"
[areas]
path = "a.geojson"
id_field = "code"
)";

std::string error_of(const std::string& extra) {
    try {
        parse_project(kBase + extra, "/tmp/p/project.toml");
    } catch (const ProjectError& e) {
        return e.what();
    }
    return "(pas d'erreur)";
}
}  // namespace

TEST_CASE("access keys: defaults and values read", "[access][project]") {
    const Project p = parse_project(kBase + R"(
[population]
path = "grid.csv"
preset = "filosofi"
[network]
path = "streets.osm.pbf"
speed_kmh = 5
[access]
kinds = ["bibliothèque", "cinéma"]
max_minutes = 20
catchment_minutes = 12.5
decay = "step"
isochrone_minutes = [10, 5, 10]
[contrast]
a = ["A1", "A2"]
b = ["B1"]
a_name = "Le Val Fourré"
)", "/tmp/p/project.toml");
    REQUIRE(p.population);
    CHECK(p.population->preset == "filosofi");
    CHECK(p.population->source.path == "/tmp/p/grid.csv");
    REQUIRE(p.network);
    CHECK(p.network->speed_kmh == 5);
    CHECK(p.access.kinds == std::vector<std::string>{"bibliothèque", "cinéma"});
    CHECK(p.access.max_minutes == 20);
    CHECK(p.access.catchment_minutes == 12.5);
    CHECK(p.access.decay == "step");
    CHECK(p.access.isochrone_minutes == std::vector<double>{5, 10});
    REQUIRE(p.contrast);
    CHECK(p.contrast->a_name == "Le Val Fourré");
    CHECK(p.contrast->b_name == "B");

    const Project q = parse_project(kBase + "[population]\npath = \"pop.gpkg\"\npopulation_field = \"P\"\n", "/tmp/p/project.toml");
    CHECK(q.access.decay == "gaussian");
    CHECK(q.access.max_minutes == 30);
    CHECK(q.access.catchment_minutes == 15);
    CHECK(q.access.isochrone_minutes == std::vector<double>{5, 10, 15});
    CHECK_FALSE(q.network);
    CHECK_FALSE(parse_project(kBase, "/tmp/p/project.toml").population);
}

TEST_CASE("access keys: errors name the block and the key", "[access][project]") {
    CHECK_THAT(error_of("[population]\npath = \"p.csv\"\n"),
               Catch::Contains("population_field") && Catch::Contains("filosofi"));
    CHECK_THAT(error_of("[population]\npath = \"p.csv\"\npreset = \"insee\"\n"), Catch::Contains("preset"));
    CHECK_THAT(error_of("[population]\npath = \"p.csv\"\npopulation_field = \"P\"\n[access]\ndecay = \"linear\"\n"),
               Catch::Contains("decay") && Catch::Contains("step"));
    CHECK_THAT(error_of("[population]\npath = \"p.csv\"\npopulation_field = \"P\"\n[access]\nmax_minutes = -3\n"),
               Catch::Contains("max_minutes"));
    CHECK_THAT(error_of("[population]\npath = \"p.csv\"\npopulation_field = \"P\"\n[access]\nkind = [\"x\"]\n"),
               Catch::Contains("clé inconnue") && Catch::Contains("kind"));
    CHECK_THAT(error_of("[population]\npath = \"p.csv\"\npopulation_field = \"P\"\n[contrast]\na = [\"x\"]\n"),
               Catch::Contains("'b'") || Catch::Contains("b des identifiants"));
    CHECK_THAT(error_of("[access]\nmax_minutes = 10\n"), Catch::Contains("[population]"));
    // The catchment must fit in the search (else cells count places they have no time to).
    CHECK_THAT(error_of("[population]\npath = \"p.csv\"\npopulation_field = \"P\"\n[access]\nmax_minutes = 10\n"),
               Catch::Contains("catchment_minutes") && Catch::Contains("max_minutes"));
    CHECK_THAT(error_of("[population]\npath = \"p.csv\"\npopulation_field = \"P\"\n[access]\nmax_minutes = 20\ncatchment_minutes = 25\n"),
               Catch::Contains("catchment_minutes") && Catch::Contains("25"));
    CHECK_NOTHROW(parse_project(kBase + "[population]\npath = \"p.csv\"\npopulation_field = \"P\"\n[access]\nmax_minutes = 15\n",
                                "/tmp/p/project.toml"));
    // An area in both contrast sets is named.
    CHECK_THAT(error_of("[population]\npath = \"p.csv\"\npopulation_field = \"P\"\n[contrast]\na = [\"A1\", \"A2\"]\nb = [\"B1\", \"A2\"]\n"),
               Catch::Contains("A2") && Catch::Contains("disjoints"));
    CHECK_THAT(error_of("[network]\npath = \"s.gpkg\"\n"), Catch::Contains("[population]"));
    CHECK_THAT(error_of("[population]\npath = \"p.csv\"\npopulation_field = \"P\"\n[network]\npath = \"s.gpkg\"\nspeed_kmh = \"vite\"\n"),
               Catch::Contains("speed_kmh"));
}
