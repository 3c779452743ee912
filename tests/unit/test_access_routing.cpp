// Routing engine of issue 7 (access_routing.cpp, access_streets.cpp): hand-built street networks
// whose shortest paths are worked out by hand in the comments, straight-line mode against a brute
// force written here, the pedestrian tag rules, and the OSM fixture read end to end.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <random>
#include <thread>

#include "access_osm.hpp"
#include "access_routing.hpp"
#include "access_streets.hpp"
#include "detail/geos.hpp"
#include "territoire/error.hpp"
#include "workspace.hpp"

using namespace territoire;
using namespace territoire::access;
using Catch::Matchers::WithinAbs;

namespace {

StreetLine line(std::initializer_list<Point> pts, bool forward = true, bool backward = true) {
    return StreetLine{std::vector<Point>(pts), forward, backward};
}

// Two banks of a river, 100 m apart, joined by a single bridge at x = 500; a dead end hangs from
// the south bank's east end; an island street lies far away.
//
//   north bank  (0,100) ───────── (500,100) ───────── (1000,100)
//                                     │ bridge
//   south bank  (0,0) ─────────── (500,0) ──────────── (1000,0)
//                                                          │ dead end
//                                                      (1000,-300)
//   island (5000,5000) ── (5100,5000)
std::vector<StreetLine> river() {
    return {
        line({{0, 0}, {500, 0}, {1000, 0}}),        // south bank: one line, cut at the bridge's foot
        line({{0, 100}, {500, 100}, {1000, 100}}),  // north bank
        line({{500, 0}, {500, 100}}),               // the bridge
        line({{1000, 0}, {1000, -300}}),            // dead end
        line({{5000, 5000}, {5100, 5000}}),         // island
    };
}

bool covers(const detail::GeosContext& ctx, const Wkb& wkb, double x, double y) {
    const auto g = detail::from_wkb(ctx, wkb);
    const auto p = detail::make_point(ctx, x, y);
    return GEOSCovers_r(ctx.handle(), g.get(), p.get()) == 1;
}

}  // namespace

TEST_CASE("river with one bridge: the network goes round by the bridge", "[access]") {
    // Origins: 0 south bank west end (5 m south of it), 1 end of the dead end, 2 on the island,
    // 3 north bank at x = 800. Destinations: 0 north bank west end (5 m north), 1 south bank x = 200.
    const std::vector<Point> origins{{0, -5}, {1000, -310}, {5050, 5003}, {800, 102}};
    const std::vector<Point> dests{{0, 105}, {200, -1}};
    const Router r(river(), origins, dests);
    REQUIRE(r.uses_network());

    const auto& st = r.network_stats();
    CHECK(st.lines == 5);
    // Nodes: (0,0) (500,0) (1000,0) (0,100) (500,100) (1000,100) (1000,-300) + island's 2 = 9.
    CHECK(st.nodes == 9);
    // Chains: south bank 2, north bank 2, bridge, dead end, island = 7, two-way: 14 directed edges.
    CHECK(st.edges == 14);
    CHECK(st.components == 2);
    CHECK(st.largest_component_nodes == 7);
    CHECK_THAT(st.length_m, WithinAbs(1000 + 1000 + 100 + 300 + 100, 1e-9));

    CHECK_THAT(r.origin_snaps()[0].distance_m, WithinAbs(5, 1e-9));
    CHECK(r.origin_snaps()[0].component == 1);
    CHECK(r.origin_snaps()[2].component == 2);  // the island
    CHECK_THAT(r.origin_snaps()[2].distance_m, WithinAbs(3, 1e-9));
    CHECK_THAT(r.destination_snaps()[1].distance_m, WithinAbs(1, 1e-9));

    const auto to_north = r.nearest({0}, 1e9);
    // 5 + 500 along the south bank + 100 over the bridge + 500 back west + 5.
    CHECK_THAT(to_north[0].cost_m, WithinAbs(1110, 1e-9));
    CHECK(to_north[0].destination == 0);
    // The dead end: 10 + 300 + 500 + 100 + 500 + 5.
    CHECK_THAT(to_north[1].cost_m, WithinAbs(1415, 1e-9));
    // The island cannot reach anything: reported, not a number.
    CHECK(to_north[2].cost_m == kUnreachable);
    CHECK(to_north[2].destination == kNone);
    // Same bank: 2 + 800 + 5.
    CHECK_THAT(to_north[3].cost_m, WithinAbs(807, 1e-9));

    // Nearest of both destinations: origin 0 walks 5 + 200 + 1 to destination 1.
    const auto both = r.nearest({0, 1}, 1e9);
    CHECK(both[0].destination == 1);
    CHECK_THAT(both[0].cost_m, WithinAbs(206, 1e-9));
    // Origin 3 to destination 1: 2 + 300 west to the bridge + 100 + 300 west + 1 = 703.
    CHECK_THAT(r.nearest({1}, 1e9)[3].cost_m, WithinAbs(703, 1e-9));
}

TEST_CASE("river: nearest picks the cheaper destination and catchments agree with it", "[access]") {
    const std::vector<Point> origins{{0, -5}, {1000, -310}, {5050, 5003}, {800, 102}};
    const std::vector<Point> dests{{0, 105}, {200, -1}};
    const Router r(river(), origins, dests);
    const auto both = r.nearest({0, 1}, 1e9);
    // Origin 3: 703 to destination 1 beats 807 to destination 0.
    CHECK(both[3].destination == 1);
    CHECK_THAT(both[3].cost_m, WithinAbs(703, 1e-9));

    for (std::size_t j = 0; j < dests.size(); ++j) {
        const auto single = r.nearest({j}, 1e9);
        for (double limit : {0.0, 206.0, 700.0, 1110.0, 5000.0}) {
            const auto reach = r.catchment(j, limit);
            std::vector<std::size_t> expected;
            for (std::size_t i = 0; i < origins.size(); ++i)
                if (single[i].cost_m <= limit) expected.push_back(i);
            std::vector<std::size_t> got;
            for (const auto& x : reach) got.push_back(x.origin);
            CHECK(got == expected);
            for (const auto& x : reach) CHECK(x.cost_m == single[x.origin].cost_m);
        }
    }
    // max_m cuts: the dead end (1415) is beyond 1200.
    const auto cut = r.nearest({0}, 1200);
    CHECK(cut[1].destination == kNone);
    CHECK(cut[0].destination == 0);
}

TEST_CASE("one-way street: origin to destination direction is respected", "[access]") {
    // A square A(0,0) B(100,0) C(100,100) D(0,100); A → B one-way (forward only), the rest two-way.
    const std::vector<StreetLine> lines{
        line({{0, 0}, {100, 0}}, true, false),
        line({{100, 0}, {100, 100}, {0, 100}, {0, 0}}),
    };
    // Origin 0 next to A, origin 1 next to B; destination 0 next to B, destination 1 next to A.
    const std::vector<Point> origins{{0, -1}, {100, -1}};
    const std::vector<Point> dests{{100, -2}, {0, -2}};
    const Router r(lines, origins, dests);
    CHECK(r.network_stats().edges == 3);  // the one-way chain once, the other chain twice
    // A → B along the one-way street: 1 + 100 + 2.
    CHECK_THAT(r.nearest({0}, 1e9)[0].cost_m, WithinAbs(103, 1e-9));
    // B → A must go round: 1 + 300 + 2.
    CHECK_THAT(r.nearest({1}, 1e9)[1].cost_m, WithinAbs(303, 1e-9));
    // Catchment of destination 1 (at A) within 200 m holds origin 0 (1 + 0 + 2 = 3: both snap to
    // A's end of the one-way street, the 0 m walk along it needs no direction) but not origin 1.
    const auto reach = r.catchment(1, 200);
    REQUIRE(reach.size() == 1);
    CHECK(reach[0].origin == 0);
    CHECK_THAT(reach[0].cost_m, WithinAbs(3, 1e-9));
    CHECK_THAT(r.catchment(1, 400).back().cost_m, WithinAbs(303, 1e-9));

    // On the same one-way chain: origin at x = 20, destination at x = 70, and the reverse.
    const Router same({line({{0, 0}, {100, 0}}, true, false)}, {{20, 0}, {70, 0}}, {{70, 0}, {20, 0}});
    CHECK_THAT(same.nearest({0}, 1e9)[0].cost_m, WithinAbs(50, 1e-9));
    CHECK(same.nearest({1}, 1e9)[1].cost_m == kUnreachable);  // 70 → 20 is against the one-way
    CHECK(same.catchment(1, 1e9).size() == 1);                 // origin 0 sits on destination 1
}

TEST_CASE("a point snapped onto a junction leaves it in any direction, even by a one-way street", "[access]") {
    // J = (0, 0) starts a one-way street J → (100, 0) and ends a two-way street from (-100, 100).
    // The origin (-3, -4) is 5 m from J, its nearest point on both streets: whichever it joins,
    // it reaches J without walking, then the place at (-100, 100): 5 + 100·√2.
    const Router r({line({{0, 0}, {100, 0}}, true, false), line({{-100, 100}, {0, 0}})}, {{-3, -4}}, {{-100, 100}, {100, 0}});
    CHECK_THAT(r.nearest({0}, 1e9)[0].cost_m, WithinAbs(5 + 100 * std::sqrt(2.0), 1e-9));
    CHECK_THAT(r.nearest({1}, 1e9)[0].cost_m, WithinAbs(105, 1e-9));
    // And a place on J is reached from the far end of the two-way street whichever street it joined.
    const Router back({line({{0, 0}, {100, 0}}, true, false), line({{-100, 100}, {0, 0}})}, {{-100, 100}}, {{-3, -4}});
    CHECK_THAT(back.nearest({0}, 1e9)[0].cost_m, WithinAbs(5 + 100 * std::sqrt(2.0), 1e-9));
}

TEST_CASE("same street: origin and destination meet along it, ties go to the smallest index", "[access]") {
    // One straight street of 1 km; the origin halfway; two destinations 100 m either side.
    const Router r({line({{0, 0}, {1000, 0}})}, {{500, 3}}, {{600, 4}, {400, 4}, {900, 0}});
    const auto n = r.nearest({0, 1, 2}, 1e9);
    CHECK_THAT(n[0].cost_m, WithinAbs(107, 1e-9));
    CHECK(n[0].destination == 0);  // 107 both ways: index 0 wins
    const auto n2 = r.nearest({2, 1}, 1e9);
    CHECK(n2[0].destination == 1);
    CHECK_THAT(r.catchment(2, 1e9)[0].cost_m, WithinAbs(403, 1e-9));
    CHECK(r.catchment(2, 402.9).empty());
}

TEST_CASE("coordinates within the same centimetre join; crossings without a shared vertex do not", "[access]") {
    // Two lines meeting at (100, 0) up to 3 mm; a third crosses the first at (50, 0) without a vertex.
    const std::vector<StreetLine> lines{
        line({{0, 0}, {100.001, 0}}),
        line({{100.003, 0.002}, {200, 0}}),
        line({{50, -50}, {50, 50}}),
    };
    const Router r(lines, {{0, 1}}, {{200, 1}, {50, 49}});
    CHECK(r.network_stats().components == 2);
    CHECK_THAT(r.nearest({0}, 1e9)[0].cost_m, WithinAbs(202, 1e-6));
    CHECK(r.nearest({1}, 1e9)[0].cost_m == kUnreachable);
}

TEST_CASE("searches are thread-safe", "[access]") {
    // A 50 m street grid, one line per block side.
    std::vector<StreetLine> grid;
    for (int k = 0; k <= 20; ++k)
        for (int m = 0; m < 20; ++m) {
            grid.push_back(line({{m * 50.0, k * 50.0}, {(m + 1) * 50.0, k * 50.0}}));
            grid.push_back(line({{k * 50.0, m * 50.0}, {k * 50.0, (m + 1) * 50.0}}));
        }
    std::mt19937 rng(7);
    std::uniform_real_distribution<double> u(0, 1000);
    std::vector<Point> origins(400), dests(30);
    for (auto& p : origins) p = {u(rng), u(rng)};
    for (auto& p : dests) p = {u(rng), u(rng)};
    const Router r(grid, origins, dests);
    CHECK(r.network_stats().components == 1);
    std::vector<std::vector<Router::Reach>> serial(dests.size()), parallel(dests.size());
    for (std::size_t j = 0; j < dests.size(); ++j) serial[j] = r.catchment(j, 600);
    std::vector<std::thread> threads;
    for (int t = 0; t < 3; ++t)
        threads.emplace_back([&, t] {
            for (std::size_t j = static_cast<std::size_t>(t); j < dests.size(); j += 3) parallel[j] = r.catchment(j, 600);
        });
    for (auto& th : threads) th.join();
    for (std::size_t j = 0; j < dests.size(); ++j) {
        REQUIRE(serial[j].size() == parallel[j].size());
        for (std::size_t k = 0; k < serial[j].size(); ++k) {
            CHECK(serial[j][k].origin == parallel[j][k].origin);
            CHECK(serial[j][k].cost_m == parallel[j][k].cost_m);
        }
    }
    // A walk is never shorter than the straight line.
    const auto n = r.nearest({0, 1, 2, 3, 4}, 1e9);
    for (std::size_t i = 0; i < origins.size(); ++i) {
        const Point d = dests[n[i].destination];
        CHECK(n[i].cost_m >= std::hypot(origins[i].x - d.x, origins[i].y - d.y) - 1e-9);
    }
}

TEST_CASE("straight-line mode equals a brute force", "[access]") {
    std::mt19937 rng(42);
    std::uniform_real_distribution<double> u(0, 10000);
    std::vector<Point> origins(3000), dests(60);
    for (auto& p : origins) p = {u(rng), u(rng)};
    for (auto& p : dests) p = {std::round(u(rng) / 100) * 100, std::round(u(rng) / 100) * 100};
    dests[5] = dests[3];  // a tie: index 3 must win
    const Router r(origins, dests);
    CHECK_FALSE(r.uses_network());
    CHECK(r.network_stats().nodes == 0);
    const std::vector<std::size_t> set{7, 3, 5, 11, 12, 40, 59};
    for (double limit : {300.0, 1500.0, 1e9}) {
        const auto n = r.nearest(set, limit);
        for (std::size_t i = 0; i < origins.size(); ++i) {
            double best = kUnreachable;
            std::size_t arg = kNone;
            for (std::size_t j : set) {
                const double d = std::hypot(origins[i].x - dests[j].x, origins[i].y - dests[j].y);
                if (d <= limit && (d < best || (d == best && j < arg))) best = d, arg = j;
            }
            CHECK(n[i].cost_m == best);
            CHECK(n[i].destination == arg);
        }
        for (std::size_t j : {std::size_t{0}, std::size_t{3}, std::size_t{59}}) {
            const auto reach = r.catchment(j, limit);
            std::size_t k = 0;
            for (std::size_t i = 0; i < origins.size(); ++i) {
                const double d = std::hypot(origins[i].x - dests[j].x, origins[i].y - dests[j].y);
                if (d > limit) continue;
                REQUIRE(k < reach.size());
                CHECK(reach[k].origin == i);
                CHECK(reach[k].cost_m == d);
                ++k;
            }
            CHECK(k == reach.size());
        }
    }
    // A point far outside every other's extent still finds its nearest.
    const Router far({{1e7, 1e7}}, {{0, 0}, {10, 10}});
    CHECK(far.nearest({0, 1}, 1e9)[0].destination == 1);
}

TEST_CASE("isochrones follow the streets, not the crow", "[access]") {
    const detail::GeosContext ctx;
    // Destination on the north bank at x = 0 (5 m north of the street).
    const Router r(river(), {{0, -5}}, {{0, 105}});
    const auto iso = r.isochrones(0, {3, 300, 700}, 10);
    REQUIRE(iso.size() == 3);
    // 3 m: only the place itself (the 5 m to the street is not walked).
    REQUIRE_FALSE(iso[0].empty());
    CHECK(covers(ctx, iso[0], 0, 105));
    CHECK_FALSE(covers(ctx, iso[0], 20, 100));
    // 300 m: the north bank up to x = 295, nothing on the south bank 100 m away.
    CHECK(covers(ctx, iso[1], 290, 100));
    CHECK(covers(ctx, iso[1], 0, 100));
    CHECK_FALSE(covers(ctx, iso[1], 320, 100));
    CHECK_FALSE(covers(ctx, iso[1], 0, 0));
    // 700 m: 505 to the bridge, 100 across, 95 left on the south bank on each side.
    CHECK(covers(ctx, iso[2], 500, 50));
    CHECK(covers(ctx, iso[2], 590, 0));
    CHECK(covers(ctx, iso[2], 410, 0));
    CHECK_FALSE(covers(ctx, iso[2], 620, 0));
    CHECK_FALSE(covers(ctx, iso[2], 300, 0));
    CHECK_FALSE(covers(ctx, iso[2], 5050, 5000));
    const auto g = detail::from_wkb(ctx, iso[2]);
    CHECK(GEOSGeomTypeId_r(ctx.handle(), g.get()) == GEOS_MULTIPOLYGON);

    // Straight-line mode: discs.
    const Router line_mode({{0, 0}}, {{0, 0}});
    const auto discs = line_mode.isochrones(0, {100}, 10);
    CHECK(covers(ctx, discs[0], 99, 0));
    CHECK_FALSE(covers(ctx, discs[0], 101, 0));
}

TEST_CASE("a network without any usable line leaves every point unattached", "[access]") {
    const Router r({line({{1, 1}, {1, 1}})}, {{0, 0}}, {{5, 5}});
    CHECK(r.network_stats().edges == 0);
    CHECK(r.origin_snaps()[0].component == -1);
    CHECK(r.nearest({0}, 1e9)[0].destination == kNone);
    CHECK(r.catchment(0, 1e9).empty());
    CHECK(r.isochrones(0, {100}, 10)[0].empty());
}

TEST_CASE("OSM tags: parsing other_tags and the pedestrian rules", "[access]") {
    const auto tags = parse_osm_tags(R"("foot"=>"no","name"=>"Rue \"du\" Pont","oneway"=>"yes")");
    REQUIRE(tags.size() == 3);
    CHECK(tags.at("foot") == "no");
    CHECK(tags.at("name") == "Rue \"du\" Pont");
    CHECK(parse_osm_tags("").empty());

    using R = ExclusionRule;
    auto rule = [](const char* highway, const char* other) { return pedestrian_rule(highway, parse_osm_tags(other)).rule; };
    CHECK(rule("", "") == R::not_a_way);
    CHECK(rule("residential", "") == R::kept);
    CHECK(rule("residential", R"("oneway"=>"yes")") == R::kept);
    CHECK(pedestrian_rule("residential", parse_osm_tags(R"("oneway"=>"yes")")).backward);  // cars only
    CHECK_FALSE(pedestrian_rule("footway", parse_osm_tags(R"("oneway"=>"yes")")).backward);
    CHECK_FALSE(pedestrian_rule("residential", parse_osm_tags(R"("oneway:foot"=>"-1")")).forward);
    CHECK(rule("motorway", R"("foot"=>"yes")") == R::motorway);
    CHECK(rule("motorway_link", "") == R::motorway);
    CHECK(rule("trunk", "") == R::trunk);
    CHECK(rule("trunk", R"("sidewalk"=>"both")") == R::kept);
    CHECK(rule("trunk", R"("sidewalk"=>"separate")") == R::trunk);
    CHECK(rule("trunk_link", R"("foot"=>"yes")") == R::kept);
    CHECK(rule("cycleway", "") == R::kept);
    CHECK(rule("cycleway", R"("foot"=>"no")") == R::foot_no);
    CHECK(rule("primary", R"("foot"=>"use_sidepath")") == R::foot_no);
    CHECK(rule("service", R"("access"=>"private")") == R::private_access);
    CHECK(rule("service", R"("access"=>"private","foot"=>"yes")") == R::kept);
    CHECK(rule("track", R"("access"=>"no","foot"=>"designated")") == R::kept);
    CHECK(rule("construction", "") == R::not_built);
    CHECK(rule("proposed", "") == R::not_built);
    CHECK(rule("raceway", "") == R::other_highway);
    CHECK(rule("steps", "") == R::kept);
}

TEST_CASE("the OSM fixture of Melun is read, filtered and reprojected", "[access]") {
    Workspace ws("EPSG:2154");
    SourceSpec spec;
    spec.block = "network";
    spec.name = "melun";
    spec.path = TERRITOIRE_TEST_DATA "/osm/melun.osm.pbf";
    spec.path_as_written = "melun.osm.pbf";
    ProblemReporter problems;
    const auto lines = read_street_lines(ws, spec, problems);
    // 97 ways in GDAL's 'lines' layer: 45 with a highway tag (8 footway, 15 residential, 13
    // service, 1 steps, 7 tertiary, 1 unclassified), none closed to pedestrians; 52 boundaries.
    CHECK(lines.size() == 45);
    std::size_t summarised = 0;
    for (const auto& p : problems.problems()) {
        if (p.kind != "street_excluded") continue;
        ++summarised;
        CHECK(p.feature.empty());
        CHECK(p.message.rfind("52 lignes écartées", 0) == 0);
    }
    CHECK(summarised == 1);
    // In Lambert-93 (the fixture also holds streets of Levallois-Perret and Grenoble; the
    // coordinates are checked against pyproj in python-bindings/tests/test_routing.py).
    for (const auto& l : lines)
        for (const auto& p : l.vertices) {
            CHECK(p.x > 600000);
            CHECK(p.x < 950000);
            CHECK(p.y > 6400000);
            CHECK(p.y < 6900000);
        }
    const Router r(lines, {lines[0].vertices[0]}, {lines[10].vertices.back()});
    CHECK(r.network_stats().lines == 45);
    CHECK(r.network_stats().components >= 1);
}

TEST_CASE("a line layer without lines is refused", "[access]") {
    Workspace ws("EPSG:2154");
    SourceSpec spec;
    spec.block = "network";
    spec.name = "points";
    spec.path = TERRITOIRE_TEST_DATA "/osm/melun.osm.pbf";
    spec.path_as_written = "melun.osm.pbf";
    spec.layer = "points";
    ProblemReporter problems;
    // The OSM 'points' layer has a highway field too (crossings, bus stops…) but no line.
    CHECK_THROWS_AS(read_street_lines(ws, spec, problems), InputError);
}
