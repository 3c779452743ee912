// test_area_index.cpp — AreaIndex (src/workspace.hpp): interior wins, a point on a shared boundary
// goes to the area with the smallest index (areas are given sorted by id), outside → nullopt.
#include <catch2/catch.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "detail/geos.hpp"
#include "workspace.hpp"

using territoire::AreaIndex;
using territoire::detail::from_wkt;
using territoire::detail::GeomPtr;
using territoire::detail::GeosContext;

namespace {

// Owns the geometries of a set of areas, in the order given (= id order).
struct Areas {
    explicit Areas(const std::vector<std::string>& wkts) {
        for (const auto& w : wkts) {
            GeomPtr g = from_wkt(ctx, w);
            REQUIRE(g);
            raw.push_back(g.get());
            geoms.push_back(std::move(g));
        }
        index = std::make_unique<AreaIndex>(ctx, raw);
    }
    GeosContext ctx;
    std::vector<GeomPtr> geoms;
    std::vector<const GEOSGeometry*> raw;
    std::unique_ptr<AreaIndex> index;
};

const char* kSquareA = "POLYGON((0 0, 1 0, 1 1, 0 1, 0 0))";  // id "79001"
const char* kSquareB = "POLYGON((1 0, 2 0, 2 1, 1 1, 1 0))";  // id "79002", shares the edge x = 1

}  // namespace

TEST_CASE("area index: a point inside a square is assigned to that square", "[area_index]") {
    Areas areas({kSquareA, kSquareB});
    CHECK(areas.index->locate(0.5, 0.5) == std::optional<std::size_t>(0));
    CHECK(areas.index->locate(1.5, 0.5) == std::optional<std::size_t>(1));
    CHECK(areas.index->locate(1.0001, 0.9999) == std::optional<std::size_t>(1));
}

TEST_CASE("area index: a point on the shared edge goes to the first (smallest id) square", "[area_index]") {
    Areas areas({kSquareA, kSquareB});
    CHECK(areas.index->locate(1.0, 0.5) == std::optional<std::size_t>(0));
    CHECK(areas.index->locate(1.0, 0.0) == std::optional<std::size_t>(0));  // end of the shared edge
    // The rule follows the index order, not geometry: with the squares swapped, index 0 is B.
    Areas swapped({kSquareB, kSquareA});
    CHECK(swapped.index->locate(1.0, 0.5) == std::optional<std::size_t>(0));
    CHECK(swapped.index->locate(0.5, 0.5) == std::optional<std::size_t>(1));
}

TEST_CASE("area index: a point on an outer boundary belongs to the only square it touches", "[area_index]") {
    Areas areas({kSquareA, kSquareB});
    CHECK(areas.index->locate(2.0, 0.5) == std::optional<std::size_t>(1));
    CHECK(areas.index->locate(0.0, 0.0) == std::optional<std::size_t>(0));
}

TEST_CASE("area index: the corner shared by four squares goes to the smallest index", "[area_index]") {
    // 2×2 grid sorted by id: 0 = south-west, 1 = south-east, 2 = north-west, 3 = north-east.
    Areas areas({"POLYGON((0 0, 1 0, 1 1, 0 1, 0 0))", "POLYGON((1 0, 2 0, 2 1, 1 1, 1 0))",
                 "POLYGON((0 1, 1 1, 1 2, 0 2, 0 1))", "POLYGON((1 1, 2 1, 2 2, 1 2, 1 1))"});
    CHECK(areas.index->locate(1.0, 1.0) == std::optional<std::size_t>(0));
    CHECK(areas.index->locate(1.5, 1.0) == std::optional<std::size_t>(1));  // edge between 1 and 3
    CHECK(areas.index->locate(1.0, 1.5) == std::optional<std::size_t>(2));  // edge between 2 and 3
    CHECK(areas.index->locate(1.5, 1.5) == std::optional<std::size_t>(3));
    // Reversed order: the north-east square is now index 0 and wins the corner.
    Areas reversed({"POLYGON((1 1, 2 1, 2 2, 1 2, 1 1))", "POLYGON((0 1, 1 1, 1 2, 0 2, 0 1))",
                    "POLYGON((1 0, 2 0, 2 1, 1 1, 1 0))", "POLYGON((0 0, 1 0, 1 1, 0 1, 0 0))"});
    CHECK(reversed.index->locate(1.0, 1.0) == std::optional<std::size_t>(0));
}

TEST_CASE("area index: a point outside every area gives nullopt", "[area_index]") {
    Areas areas({kSquareA, kSquareB});
    CHECK_FALSE(areas.index->locate(5.0, 5.0).has_value());
    CHECK_FALSE(areas.index->locate(-0.0001, 0.5).has_value());
    CHECK_FALSE(areas.index->locate(1.0, 1.0001).has_value());  // just above the shared corner
}

TEST_CASE("area index: a polygon with a hole does not hold points in the hole", "[area_index]") {
    const std::string donut = "POLYGON((0 0, 10 0, 10 10, 0 10, 0 0), (4 4, 6 4, 6 6, 4 6, 4 4))";
    SECTION("hole left empty") {
        Areas areas({donut});
        CHECK(areas.index->locate(2.0, 2.0) == std::optional<std::size_t>(0));
        CHECK_FALSE(areas.index->locate(5.0, 5.0).has_value());
        CHECK(areas.index->locate(4.0, 5.0) == std::optional<std::size_t>(0));  // on the hole's ring
    }
    SECTION("hole filled by an island area") {
        Areas areas({donut, "POLYGON((4 4, 6 4, 6 6, 4 6, 4 4))"});
        CHECK(areas.index->locate(5.0, 5.0) == std::optional<std::size_t>(1));
        CHECK(areas.index->locate(2.0, 2.0) == std::optional<std::size_t>(0));
        CHECK(areas.index->locate(4.0, 5.0) == std::optional<std::size_t>(0));  // shared ring: smallest index
    }
}

TEST_CASE("area index: multipolygons are searched part by part", "[area_index]") {
    Areas areas({"MULTIPOLYGON(((0 0, 1 0, 1 1, 0 1, 0 0)), ((3 0, 4 0, 4 1, 3 1, 3 0)))",
                 "POLYGON((1 0, 3 0, 3 1, 1 1, 1 0))"});
    CHECK(areas.index->locate(3.5, 0.5) == std::optional<std::size_t>(0));
    CHECK(areas.index->locate(2.0, 0.5) == std::optional<std::size_t>(1));
    CHECK(areas.index->locate(3.0, 0.5) == std::optional<std::size_t>(0));
}
