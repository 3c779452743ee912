// workspace.hpp — what the pipeline's steps share while a diagnostic is built: the GEOS context,
// the working CRS and its transformations, the territory and the area index.
// Internal: not part of the public API.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "detail/geos.hpp"
#include "detail/proj.hpp"
#include "source.hpp"
#include "territoire/pipeline.hpp"

namespace territoire {

class Geocoder;  // geocoder.hpp

/// Areas indexed for point location. A point is assigned to the area whose interior contains it; a
/// point on a shared boundary goes to the area with the smallest id among those whose boundary it
/// lies on, so that the rule does not depend on input order.
///
/// Most points are settled without GEOS: a quadtree gives the candidate areas (those whose bounding
/// box holds the point, in id order), and each area carries a raster of its bounding box whose
/// cells are known to lie inside the area's interior or outside the area. Only a point in a cell
/// that the area's boundary may cross goes to GEOS's prepared predicates. Cells are classified
/// conservatively, so the result is exactly what GEOS alone gives (docs/performance.md).
class AreaIndex {
public:
    AreaIndex(const detail::GeosContext& ctx, const std::vector<const GEOSGeometry*>& areas);
    AreaIndex(const AreaIndex&) = delete;
    AreaIndex& operator=(const AreaIndex&) = delete;

    /// Index of the area holding (x, y), or nullopt. Areas must be given sorted by id.
    std::optional<std::size_t> locate(double x, double y) const;
    /// locate() for every point, result i for point i. The points are visited along a Hilbert
    /// curve, so that consecutive queries reuse the same index memory: about 1.5x faster than
    /// calling locate() in the order of a file whose records are scattered in space
    /// (docs/performance.md).
    std::vector<std::optional<std::size_t>> locate_all(const std::vector<Point>& points) const;

    struct Box {
        double minx, miny, maxx, maxy;
        bool covers(double x, double y) const { return x >= minx && x <= maxx && y >= miny && y <= maxy; }
    };
    enum class Cell : std::uint8_t { boundary, inside, outside };
    /// Where an area's raster lies in `cells_` and how a point maps to a cell (row-major, nx × ny
    /// cells over the area's bounding box).
    struct Raster {
        double scale_x = 0, scale_y = 0;  // cells per metre
        std::uint32_t offset = 0;
        std::uint16_t nx = 1, ny = 1;
    };

private:
    // A quadtree over the areas' bounding boxes, in flat arrays: a node splits at (mid_x, mid_y)
    // into four children (first_child … first_child + 3: SW, SE, NW, NE), or is a leaf listing
    // items_[begin, end) in ascending area order. An area is listed in every leaf its bounding box
    // meets (edges included); an item carries what locate() needs, so that a leaf is one
    // contiguous run of memory.
    struct Node {
        double mid_x = 0, mid_y = 0;
        std::uint32_t first_child = 0;  // 0: leaf
        std::uint32_t begin = 0, end = 0;
    };
    struct Item {
        Box box;
        Raster raster;
        std::uint32_t area;
    };
    void build_node(std::size_t node, const Box& box, std::vector<std::uint32_t>&& areas, int depth);

    const detail::GeosContext& ctx_;
    std::vector<detail::PreparedPtr> prepared_;
    std::vector<Item> areas_;  // one per area, the copies in items_ come from here
    std::vector<Cell> cells_;  // every area's raster
    Box extent_{};             // of every area
    std::vector<Node> nodes_;
    std::vector<Item> items_;
};

class Workspace {
public:
    explicit Workspace(const std::string& working_crs);

    detail::GeosContext geos;
    std::string working_crs;       ///< as written ("EPSG:2154")
    std::string working_crs_wkt;

    /// Transformation from `crs` (any PROJ definition or WKT) to the working CRS; cached.
    const detail::Transformer& to_working(const std::string& crs);
    /// Transformation from the working CRS to WGS 84 lon/lat.
    const detail::Transformer& to_wgs84();

    detail::GeomPtr territory;
    detail::PreparedPtr territory_prepared;
    std::vector<detail::GeomPtr> area_geoms;  ///< parallel to Diagnostic::areas
    std::unique_ptr<AreaIndex> area_index;

    /// True when (x, y) lies inside the territory or on its boundary.
    bool in_territory(double x, double y) const;

    /// The BAN index of [geocoding], loaded on first use (geocode_records.cpp).
    std::shared_ptr<Geocoder> geocoder;

private:
    std::map<std::string, std::unique_ptr<detail::Transformer>> transformers_;
    std::unique_ptr<detail::Transformer> to_wgs84_;
};

/// A record's location in the working CRS, or why it has none.
struct RecordLocation {
    bool located = false;
    double x = 0;
    double y = 0;
    std::string method;   ///< coordinates | wkt | latlon | geometry | none
    std::string problem;  ///< missing_coordinates | invalid_coordinates | invalid_geometry
    std::string field;
    std::string message;  ///< French
    double raw_x = 0;     ///< the two numbers as read (coordinates method), for the swapped-axes check
    double raw_y = 0;
};

/// Step `normalise`: reads each record's location as the block says and reprojects it. Columns and
/// the transformation are resolved once per block; a block that cannot be located at all (delimited
/// text without location keys, geometries without a CRS, an unusable CRS) is an InputError.
class RecordLocator {
public:
    RecordLocator(Workspace& ws, const SourceSpec& spec, const SourceData& data);
    RecordLocation locate(const Record& rec) const;
    /// For a record located from x/y fields: would it fall inside the territory with x and y swapped?
    bool inside_if_swapped(const RecordLocation& where) const;

private:
    Workspace& ws_;
    const SourceSpec& spec_;
    int x_col_ = -1, y_col_ = -1, wkt_col_ = -1, latlon_col_ = -1;
    const detail::Transformer* transformer_ = nullptr;
    bool degrees_ = false;  ///< x/y fields in a geographic CRS: longitude/latitude range checked
    int crs_col_ = -1;      ///< per-record EPSG code of x/y (preset key crs_field, BPE), overrides the block's CRS
};

/// Polygonal geometry of a record in the working CRS, repaired when invalid (reported), as a
/// MultiPolygon; null with a problem reported when unusable.
detail::GeomPtr record_polygon(Workspace& ws, const SourceSpec& spec, const SourceData& data, const Record& rec,
                               ProblemReporter& problems);

/// A point on the surface of a geometry already in the working CRS (the point itself for a point).
bool representative_point(const detail::GeosContext& ctx, const GEOSGeometry* g, Point& p);

/// Ellipsoidal area in km² of a working-CRS (multi)polygon.
double area_km2(Workspace& ws, const GEOSGeometry* g);

// The steps, in pipeline order. Each one fills its part of the diagnostic.
void build_territory(Workspace& ws, Diagnostic& d);                 // territory.cpp
void build_areas(Workspace& ws, Diagnostic& d);                     // areas.cpp
void build_places(Workspace& ws, Diagnostic& d);                    // features.cpp
void build_actors(Workspace& ws, Diagnostic& d, std::map<std::string, std::string>& dropped_actor_ids);
void build_links(Workspace& ws, Diagnostic& d, const std::map<std::string, std::string>& dropped_actor_ids);  // links.cpp
void build_tables(Workspace& ws, Diagnostic& d);                    // tables.cpp, sheets.cpp

}  // namespace territoire
