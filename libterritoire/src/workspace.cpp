// workspace.cpp — the shared state of a run: transformations, territory test, area index, and the
// location of records (step `normalise`).
#include "workspace.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "detail/text.hpp"
#include "geocode_records.hpp"
#include "territoire/error.hpp"

namespace territoire {

// ---- AreaIndex -------------------------------------------------------------------------------

namespace {

// Index of the slice holding v, with `scale` slices per unit from `min`, clamped to [0, n-1].
// Monotonic in v, so a point inside a box always falls in one of the slices the box was given.
// The raster's marking and locate() use this same function.
int slice_of(double v, double min, double scale, int n) {
    const double f = std::floor((v - min) * scale);
    return f < 0 ? 0 : f >= n ? n - 1 : static_cast<int>(f);
}

// The boundary segments (ax, ay, bx, by) of a Polygon or MultiPolygon; false for any other type.
bool boundary_segments(GEOSContextHandle_t h, const GEOSGeometry* g, std::vector<double>& out) {
    const int type = GEOSGeomTypeId_r(h, g);
    if (type == GEOS_MULTIPOLYGON) {
        for (int i = 0; i < GEOSGetNumGeometries_r(h, g); ++i)
            if (!boundary_segments(h, GEOSGetGeometryN_r(h, g, i), out)) return false;
        return true;
    }
    if (type != GEOS_POLYGON) return false;
    std::vector<double> xy;
    auto ring = [&](const GEOSGeometry* r) {
        const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(h, r);
        unsigned int n = 0;
        if (!seq || !GEOSCoordSeq_getSize_r(h, seq, &n) || n < 2) return;
        xy.resize(2 * static_cast<std::size_t>(n));
        GEOSCoordSeq_copyToBuffer_r(h, seq, xy.data(), 0, 0);
        for (std::size_t i = 0; i + 1 < n; ++i) out.insert(out.end(), {xy[2 * i], xy[2 * i + 1], xy[2 * i + 2], xy[2 * i + 3]});
    };
    ring(GEOSGetExteriorRing_r(h, g));
    for (int i = 0; i < GEOSGetNumInteriorRings_r(h, g); ++i) ring(GEOSGetInteriorRingN_r(h, g, i));
    return true;
}

// Rasterises one area over its bounding box `box` into `cells` (appended; `r` says where). A cell
// that a boundary segment may touch (the segment's bounding box, widened by a millionth of a
// cell, meets it) is `boundary`; every other cell lies wholly inside the interior or wholly
// outside, which its centre tells: the parity of the boundary crossings to its left on the row's
// centre line, the even-odd rule GEOS applies to a point. The centre is at least half a cell from
// any segment, so rounding cannot flip it. An area that is not a (Multi)Polygon, or whose raster
// would not fit in 32-bit offsets, gets the shared `boundary` cell at offset 0: GEOS decides every
// point.
AreaIndex::Raster rasterise(GEOSContextHandle_t h, const GEOSGeometry* area, const AreaIndex::Box& box,
                            std::vector<AreaIndex::Cell>& cells) {
    using Cell = AreaIndex::Cell;
    const AreaIndex::Raster shared_boundary;  // 1 × 1, offset 0
    std::vector<double> seg;
    const double w = box.maxx - box.minx, ht = box.maxy - box.miny;
    if (!boundary_segments(h, area, seg) || !(w > 0) || !(ht > 0)) return shared_boundary;
    // About sixteen cells per boundary segment (seg holds four numbers per segment), between 16 and
    // 16 384 cells, roughly square: finer cells send fewer points to GEOS.
    const double target = std::clamp(4.0 * static_cast<double>(seg.size()), 16.0, 16384.0);
    const long nx = std::clamp(std::lround(std::sqrt(target * w / ht)), 1L, 256L);
    const long ny = std::clamp(std::lround(target / static_cast<double>(nx)), 1L, 256L);
    if (cells.size() + static_cast<std::size_t>(nx * ny) > std::numeric_limits<std::uint32_t>::max()) return shared_boundary;
    AreaIndex::Raster r;
    r.offset = static_cast<std::uint32_t>(cells.size());
    r.nx = static_cast<std::uint16_t>(nx);
    r.ny = static_cast<std::uint16_t>(ny);
    r.scale_x = static_cast<double>(nx) / w;
    r.scale_y = static_cast<double>(ny) / ht;
    const double cell_w = w / static_cast<double>(nx), cell_h = ht / static_cast<double>(ny);
    cells.resize(cells.size() + static_cast<std::size_t>(nx * ny), Cell::outside);
    Cell* grid = cells.data() + r.offset;
    const double ex = cell_w * 1e-6, ey = cell_h * 1e-6;
    for (std::size_t k = 0; k < seg.size(); k += 4) {
        const int i0 = slice_of(std::min(seg[k], seg[k + 2]) - ex, box.minx, r.scale_x, r.nx);
        const int i1 = slice_of(std::max(seg[k], seg[k + 2]) + ex, box.minx, r.scale_x, r.nx);
        const int j0 = slice_of(std::min(seg[k + 1], seg[k + 3]) - ey, box.miny, r.scale_y, r.ny);
        const int j1 = slice_of(std::max(seg[k + 1], seg[k + 3]) + ey, box.miny, r.scale_y, r.ny);
        for (int j = j0; j <= j1; ++j)
            for (int i = i0; i <= i1; ++i) grid[j * nx + i] = Cell::boundary;
    }
    // Crossings of the row centre lines as (row, x), sorted, found segment by segment (a segment
    // spans few rows): segment k crosses row j when min(ay, by) <= yc < max(ay, by).
    std::vector<std::pair<int, double>> crossings;
    for (std::size_t k = 0; k < seg.size(); k += 4) {
        const double ax = seg[k], ay = seg[k + 1], bx = seg[k + 2], by = seg[k + 3];
        if (ay == by) continue;
        // Candidate rows, with one more on each side; the exact test decides.
        const int j0 = std::max(0, slice_of(std::min(ay, by), box.miny, r.scale_y, r.ny) - 1);
        const int j1 = std::min(r.ny - 1, slice_of(std::max(ay, by), box.miny, r.scale_y, r.ny) + 1);
        for (int j = j0; j <= j1; ++j) {
            const double yc = box.miny + (j + 0.5) * cell_h;
            if ((ay > yc) != (by > yc)) crossings.emplace_back(j, ax + (yc - ay) * (bx - ax) / (by - ay));
        }
    }
    std::sort(crossings.begin(), crossings.end());
    auto row = crossings.begin();
    for (int j = 0; j < ny; ++j) {
        auto left = row;  // walks the row's crossings left of each cell centre
        for (int i = 0; i < nx; ++i) {
            const double xc = box.minx + (i + 0.5) * cell_w;
            while (left != crossings.end() && left->first == j && left->second < xc) ++left;
            Cell& c = grid[j * nx + i];
            if (c != Cell::boundary) c = (left - row) % 2 == 1 ? Cell::inside : Cell::outside;
        }
        while (row != crossings.end() && row->first == j) ++row;
    }
    return r;
}

// Distance along a Hilbert curve of order 16 of the cell (x, y) of a 65 536 × 65 536 grid.
std::uint64_t hilbert_key(std::uint32_t x, std::uint32_t y) {
    std::uint64_t d = 0;
    for (std::uint32_t s = 1u << 15; s > 0; s >>= 1) {
        const std::uint32_t rx = (x & s) ? 1 : 0, ry = (y & s) ? 1 : 0;
        d += static_cast<std::uint64_t>(s) * s * ((3 * rx) ^ ry);
        if (ry == 0) {  // rotate the quadrant
            if (rx == 1) {
                x = s - 1 - x;
                y = s - 1 - y;
            }
            std::swap(x, y);
        }
    }
    return d;
}

}  // namespace

AreaIndex::AreaIndex(const detail::GeosContext& ctx, const std::vector<const GEOSGeometry*>& areas) : ctx_(ctx) {
    const auto h = ctx.handle();
    const double inf = std::numeric_limits<double>::infinity();
    extent_ = {inf, inf, -inf, -inf};
    cells_.push_back(Cell::boundary);  // offset 0: the shared cell of areas without a raster
    std::vector<std::uint32_t> located;  // areas with a bounding box
    for (std::size_t i = 0; i < areas.size(); ++i) {
        prepared_.push_back(detail::prepare(ctx, areas[i]));
        Item item{{inf, inf, -inf, -inf}, {}, static_cast<std::uint32_t>(i)};  // empty: never a candidate
        if (GEOSisEmpty_r(h, areas[i]) == 0) {
            GEOSGeom_getXMin_r(h, areas[i], &item.box.minx);
            GEOSGeom_getYMin_r(h, areas[i], &item.box.miny);
            GEOSGeom_getXMax_r(h, areas[i], &item.box.maxx);
            GEOSGeom_getYMax_r(h, areas[i], &item.box.maxy);
            item.raster = rasterise(h, areas[i], item.box, cells_);
            extent_ = {std::min(extent_.minx, item.box.minx), std::min(extent_.miny, item.box.miny),
                       std::max(extent_.maxx, item.box.maxx), std::max(extent_.maxy, item.box.maxy)};
            located.push_back(item.area);
        }
        areas_.push_back(item);
    }
    nodes_.emplace_back();
    build_node(0, extent_, std::move(located), 0);
}

void AreaIndex::build_node(std::size_t node, const Box& box, std::vector<std::uint32_t>&& areas, int depth) {
    // A leaf holds at most 8 areas, except where more than 8 bounding boxes overlap (depth limit).
    constexpr std::size_t kLeafSize = 8;
    constexpr int kMaxDepth = 24;
    if (areas.size() <= kLeafSize || depth == kMaxDepth) {
        nodes_[node].begin = static_cast<std::uint32_t>(items_.size());
        for (std::uint32_t a : areas) items_.push_back(areas_[a]);
        nodes_[node].end = static_cast<std::uint32_t>(items_.size());
        return;
    }
    const double mx = 0.5 * (box.minx + box.maxx), my = 0.5 * (box.miny + box.maxy);
    const Box quadrant[4] = {{box.minx, box.miny, mx, my}, {mx, box.miny, box.maxx, my},
                             {box.minx, my, mx, box.maxy}, {mx, my, box.maxx, box.maxy}};
    std::vector<std::uint32_t> parts[4];
    for (std::uint32_t a : areas) {
        const Box& b = areas_[a].box;
        // The side tests of locate(): x >= mid goes east, x < mid west; a box touching the line is on both sides.
        const bool west = b.minx < mx, east = b.maxx >= mx, south = b.miny < my, north = b.maxy >= my;
        if (south && west) parts[0].push_back(a);
        if (south && east) parts[1].push_back(a);
        if (north && west) parts[2].push_back(a);
        if (north && east) parts[3].push_back(a);
    }
    // No quadrant lost an area (boxes all covering one quadrant, or very large ones): splitting
    // further would only copy them, so this node stays a leaf.
    if (std::max({parts[0].size(), parts[1].size(), parts[2].size(), parts[3].size()}) == areas.size()) {
        nodes_[node].begin = static_cast<std::uint32_t>(items_.size());
        for (std::uint32_t a : areas) items_.push_back(areas_[a]);
        nodes_[node].end = static_cast<std::uint32_t>(items_.size());
        return;
    }
    areas.clear();
    areas.shrink_to_fit();
    const auto first = static_cast<std::uint32_t>(nodes_.size());
    nodes_[node].mid_x = mx;
    nodes_[node].mid_y = my;
    nodes_[node].first_child = first;
    nodes_.resize(nodes_.size() + 4);
    for (std::uint32_t q = 0; q < 4; ++q) build_node(first + q, quadrant[q], std::move(parts[q]), depth + 1);
}

std::optional<std::size_t> AreaIndex::locate(double x, double y) const {
    if (!extent_.covers(x, y)) return std::nullopt;  // NaN too
    const Node* node = &nodes_[0];
    while (node->first_child != 0)
        node = &nodes_[node->first_child + (x >= node->mid_x ? 1u : 0u) + (y >= node->mid_y ? 2u : 0u)];
    const auto h = ctx_.handle();
    detail::GeomPtr pt(nullptr, detail::GeomDeleter{h});  // made only when GEOS has to decide
    std::optional<std::size_t> on_boundary;
    // Candidates by ascending index (= ascending id): the first whose interior holds the point wins.
    for (std::uint32_t k = node->begin; k < node->end; ++k) {
        const Item& item = items_[k];
        if (!item.box.covers(x, y)) continue;
        const Raster& r = item.raster;
        const int i = slice_of(x, item.box.minx, r.scale_x, r.nx), j = slice_of(y, item.box.miny, r.scale_y, r.ny);
        switch (cells_[r.offset + static_cast<std::size_t>(j * r.nx + i)]) {
            case Cell::inside: return item.area;
            case Cell::outside: continue;
            case Cell::boundary: break;
        }
        if (!pt) pt = detail::make_point(ctx_, x, y);
        if (GEOSPreparedContains_r(h, prepared_[item.area].get(), pt.get()) == 1) return item.area;
        if (!on_boundary && GEOSPreparedIntersects_r(h, prepared_[item.area].get(), pt.get()) == 1) on_boundary = item.area;
    }
    return on_boundary;
}

std::vector<std::optional<std::size_t>> AreaIndex::locate_all(const std::vector<Point>& points) const {
    std::vector<std::optional<std::size_t>> result(points.size());
    // Hilbert keys over the areas' extent (a point outside it is clamped to its edge: the order
    // only affects speed, never a result).
    const double sx = 65535.0 / std::max(extent_.maxx - extent_.minx, 1e-9);
    const double sy = 65535.0 / std::max(extent_.maxy - extent_.miny, 1e-9);
    auto grid = [](double v) { return static_cast<std::uint32_t>(std::clamp(v, 0.0, 65535.0)); };
    std::vector<std::pair<std::uint64_t, std::size_t>> order;
    order.reserve(points.size());
    for (std::size_t i = 0; i < points.size(); ++i) {
        const Point& p = points[i];
        if (!extent_.covers(p.x, p.y)) continue;  // nullopt (NaN too)
        order.emplace_back(hilbert_key(grid((p.x - extent_.minx) * sx), grid((p.y - extent_.miny) * sy)), i);
    }
    std::sort(order.begin(), order.end());
    for (const auto& [key, i] : order) result[i] = locate(points[i].x, points[i].y);
    return result;
}

// ---- Workspace -------------------------------------------------------------------------------

Workspace::Workspace(const std::string& crs) : working_crs(crs) {
    working_crs_wkt = detail::crs_to_wkt(crs);
}

const detail::Transformer& Workspace::to_working(const std::string& crs) {
    auto& slot = transformers_[crs];
    if (!slot) slot = std::make_unique<detail::Transformer>(crs, working_crs);
    return *slot;
}

const detail::Transformer& Workspace::to_wgs84() {
    if (!to_wgs84_) to_wgs84_ = std::make_unique<detail::Transformer>(working_crs, "EPSG:4326");
    return *to_wgs84_;
}

bool Workspace::in_territory(double x, double y) const {
    detail::GeomPtr pt = detail::make_point(geos, x, y);
    return GEOSPreparedIntersects_r(geos.handle(), territory_prepared.get(), pt.get()) == 1;
}

double area_km2(Workspace& ws, const GEOSGeometry* g) {
    detail::GeomPtr lonlat = ws.to_wgs84().transform(ws.geos, g);
    if (!lonlat) throw Error("PROJ : conversion en WGS 84 impossible pour le calcul de surface");
    return detail::ellipsoidal_area_km2(ws.geos, lonlat.get());
}

// ---- locating records ------------------------------------------------------------------------

namespace {

// The transformation for a source's CRS; an unusable CRS makes the source unusable, and the error
// says which file and key.
const detail::Transformer& source_transformer(Workspace& ws, const SourceSpec& spec, const SourceData& data,
                                              const std::string& crs) {
    try {
        return ws.to_working(crs);
    } catch (const InputError&) {
        throw;
    } catch (const Error& e) {
        throw InputError(Location{spec.path_as_written, data.layer, {}, "crs"},
                         "système de coordonnées de la source inutilisable (bloc [" + spec.block + "]) : " + e.what());
    }
}

RecordLocation fail(const char* problem, std::string field, std::string message, std::string method) {
    RecordLocation r;
    r.problem = problem;
    r.field = std::move(field);
    r.message = std::move(message);
    r.method = std::move(method);
    return r;
}

// Splits "46.32, -0.46" (or "46.32 -0.46", "46,32;-0,46") into two numbers.
bool parse_latlon(const std::string& text, double& lat, double& lon) {
    for (const char sep : {';', ','}) {
        const auto count = std::count(text.begin(), text.end(), sep);
        if (count == 1) {
            const auto pos = text.find(sep);
            const auto a = detail::parse_number(text.substr(0, pos));
            const auto b = detail::parse_number(text.substr(pos + 1));
            if (a && b) {
                lat = *a;
                lon = *b;
                return true;
            }
        }
    }
    const std::string t = detail::trim(text);
    const auto space = t.find_first_of(" \t");
    if (space != std::string::npos) {
        const auto a = detail::parse_number(t.substr(0, space));
        const auto b = detail::parse_number(t.substr(space + 1));
        if (a && b) {
            lat = *a;
            lon = *b;
            return true;
        }
    }
    return false;
}

// A representative point of a geometry already in the working CRS.
bool representative(const detail::GeosContext& ctx, const GEOSGeometry* g, double& x, double& y) {
    const auto h = ctx.handle();
    if (GEOSGeomTypeId_r(h, g) == GEOS_POINT) return GEOSGeomGetX_r(h, g, &x) == 1 && GEOSGeomGetY_r(h, g, &y) == 1;
    GEOSGeometry* p = GEOSPointOnSurface_r(h, g);
    if (!p) return false;
    const bool ok = !GEOSisEmpty_r(h, p) && GEOSGeomGetX_r(h, p, &x) == 1 && GEOSGeomGetY_r(h, p, &y) == 1;
    GEOSGeom_destroy_r(h, p);
    return ok;
}

}  // namespace

bool representative_point(const detail::GeosContext& ctx, const GEOSGeometry* g, Point& p) {
    return representative(ctx, g, p.x, p.y);
}

RecordLocator::RecordLocator(Workspace& ws, const SourceSpec& spec, const SourceData& data)
    : ws_(ws), spec_(spec) {
    const auto& loc = spec.location;
    auto col = [&](const std::string& field) { return field.empty() ? -1 : data.column(field); };
    x_col_ = col(loc.x_field);
    y_col_ = col(loc.y_field);
    wkt_col_ = col(loc.wkt_field);
    latlon_col_ = col(loc.latlon_field);
    std::string crs = loc.crs;
    if (latlon_col_ >= 0 || ((x_col_ >= 0 || wkt_col_ >= 0) && crs.empty())) crs = "EPSG:4326";
    if (!loc.uses_fields()) {
        // A block with address fields is geocoded instead (geocode_records.cpp).
        if (data.delimited && !has_address_fields(spec)) {
            throw InputError(Location{spec.path_as_written, {}, {}, "x_field"},
                             "texte délimité sans localisation : indiquez x_field et y_field, wkt_field ou latlon_field "
                             "dans le bloc [" + spec.block + "]");
        }
        if (crs.empty()) crs = data.crs;
        const bool any_geometry = std::any_of(data.records.begin(), data.records.end(),
                                              [](const Record& r) { return !r.geometry.empty(); });
        if (crs.empty() && any_geometry) {
            throw InputError(Location{spec.path_as_written, data.layer, {}, "crs"},
                             "système de coordonnées inconnu : indiquez crs = \"EPSG:…\" dans le bloc [" + spec.block + "]");
        }
    }
    if (!crs.empty()) transformer_ = &source_transformer(ws, spec, data, crs);
    if (x_col_ >= 0) degrees_ = detail::is_geographic(crs);
    if (x_col_ >= 0) crs_col_ = col(spec.crs_field);
}

bool RecordLocator::inside_if_swapped(const RecordLocation& where) const {
    if (where.method != "coordinates" || !transformer_) return false;
    double x = where.raw_y, y = where.raw_x;
    return transformer_->transform(x, y) && ws_.in_territory(x, y);
}

RecordLocation RecordLocator::locate(const Record& rec) const {
    const auto& loc = spec_.location;
    auto value = [&](int col) -> const std::string& { return rec.values[static_cast<std::size_t>(col)]; };
    RecordLocation r;
    if (x_col_ >= 0) {
        const std::string xs = detail::trim(value(x_col_));
        const std::string ys = detail::trim(value(y_col_));
        if (xs.empty() && ys.empty())
            return fail("missing_coordinates", loc.x_field, "coordonnées absentes", "coordinates");
        if (xs.empty() || ys.empty())
            return fail("missing_coordinates", xs.empty() ? loc.x_field : loc.y_field, "coordonnée absente", "coordinates");
        const auto x = detail::parse_number(xs);
        const auto y = detail::parse_number(ys);
        if (!x) return fail("invalid_coordinates", loc.x_field, "coordonnée illisible « " + xs + " »", "coordinates");
        if (!y) return fail("invalid_coordinates", loc.y_field, "coordonnée illisible « " + ys + " »", "coordinates");
        r.x = r.raw_x = *x;
        r.y = r.raw_y = *y;
        r.method = "coordinates";
        if (degrees_ && (std::abs(*x) > 180 || std::abs(*y) > 90)) {
            const bool y_bad = std::abs(*y) > 90;
            return fail("invalid_coordinates", y_bad ? loc.y_field : loc.x_field,
                        std::string(y_bad ? "latitude" : "longitude") + " hors limites (" + xs + ", " + ys +
                            ") : colonnes inversées, ou indiquez crs = \"…\" si ce ne sont pas des degrés WGS 84",
                        "coordinates");
        }
        const detail::Transformer* transformer = transformer_;
        if (const std::string epsg = crs_col_ >= 0 ? detail::trim(value(crs_col_)) : std::string(); !epsg.empty()) {
            // The record's own EPSG code (BPE: Lambert-93 in mainland France, UTM overseas).
            try {
                transformer = &ws_.to_working(epsg.find(':') == std::string::npos ? "EPSG:" + epsg : epsg);
            } catch (const Error&) {
                return fail("invalid_coordinates", spec_.crs_field, "code EPSG « " + epsg + " » inconnu", "coordinates");
            }
        }
        if (!transformer->transform(r.x, r.y))
            return fail("invalid_coordinates", loc.x_field,
                        "coordonnées hors du domaine du système de coordonnées (" + xs + ", " + ys + ")", "coordinates");
        r.located = true;
        return r;
    }
    if (latlon_col_ >= 0) {
        const std::string& text = value(latlon_col_);
        if (detail::trim(text).empty())
            return fail("missing_coordinates", loc.latlon_field, "coordonnées absentes", "latlon");
        double lat = 0, lon = 0;
        if (!parse_latlon(text, lat, lon) || std::abs(lat) > 90 || std::abs(lon) > 180)
            return fail("invalid_coordinates", loc.latlon_field,
                        "« " + text + " » n'est pas de la forme « latitude, longitude »", "latlon");
        r.x = lon;
        r.y = lat;
        r.method = "latlon";
        if (!transformer_->transform(r.x, r.y))
            return fail("invalid_coordinates", loc.latlon_field, "coordonnées impossibles à reprojeter", "latlon");
        r.located = true;
        return r;
    }
    detail::GeomPtr g(nullptr, detail::GeomDeleter{ws_.geos.handle()});
    std::string field;
    if (wkt_col_ >= 0) {
        r.method = "wkt";
        field = loc.wkt_field;
        const std::string& text = value(wkt_col_);
        if (detail::trim(text).empty()) return fail("missing_coordinates", field, "géométrie WKT absente", "wkt");
        g = detail::from_wkt(ws_.geos, text);
        if (!g) return fail("invalid_geometry", field, "WKT illisible « " + text.substr(0, 60) + " »", "wkt");
    } else {
        r.method = "geometry";
        // A layer with address keys and no [geocoding] (delimited text without [geocoding] stops
        // earlier, in SourceGeocoder): its features without geometry are reported, never placed.
        if (rec.geometry.empty() && has_address_fields(spec_))
            return fail("missing_coordinates", {}, "entité sans géométrie ; son adresse n'est pas géocodée faute de bloc [geocoding]",
                        "geometry");
        if (rec.geometry.empty()) return fail("missing_coordinates", {}, "entité sans géométrie", "geometry");
        g = detail::GeomPtr(GEOSGeomFromWKB_buf_r(ws_.geos.handle(), rec.geometry.data(), rec.geometry.size()),
                            detail::GeomDeleter{ws_.geos.handle()});
        if (!g) return fail("invalid_geometry", {}, "géométrie illisible : " + ws_.geos.last_error(), "geometry");
    }
    if (GEOSisEmpty_r(ws_.geos.handle(), g.get()) == 1)
        return fail("missing_coordinates", field, "géométrie vide", r.method);
    detail::GeomPtr projected = transformer_->transform(ws_.geos, g.get());
    if (!projected)
        return fail("invalid_coordinates", field, "géométrie impossible à reprojeter", r.method);
    if (!representative(ws_.geos, projected.get(), r.x, r.y))
        return fail("invalid_geometry", field, "aucun point représentatif", r.method);
    r.located = true;
    return r;
}

detail::GeomPtr record_polygon(Workspace& ws, const SourceSpec& spec, const SourceData& data, const Record& rec,
                               ProblemReporter& problems) {
    const auto h = ws.geos.handle();
    auto report = [&](Severity sev, const char* kind, const std::string& message) {
        problems.report(source_problem(spec, sev, kind, rec.ref, spec.location.wkt_field, message));
    };
    detail::GeomPtr none(nullptr, detail::GeomDeleter{h});
    detail::GeomPtr g(nullptr, detail::GeomDeleter{h});
    std::string crs = spec.location.crs;
    if (!spec.location.wkt_field.empty()) {
        const std::string& text = rec.values[static_cast<std::size_t>(data.column(spec.location.wkt_field))];
        g = detail::from_wkt(ws.geos, text);
        if (crs.empty()) crs = "EPSG:4326";
    } else if (!rec.geometry.empty()) {
        g = detail::GeomPtr(GEOSGeomFromWKB_buf_r(h, rec.geometry.data(), rec.geometry.size()), detail::GeomDeleter{h});
        if (crs.empty()) crs = data.crs;
    }
    if (!g || GEOSisEmpty_r(h, g.get()) == 1) {
        report(Severity::warning, "missing_geometry", "entité sans géométrie : ignorée");
        return none;
    }
    if (crs.empty())
        throw InputError(Location{spec.path_as_written, data.layer, {}, "crs"},
                         "système de coordonnées inconnu : indiquez crs = \"EPSG:…\" dans le bloc [" + spec.block + "]");
    const int type = GEOSGeomTypeId_r(h, g.get());
    if (type != GEOS_POLYGON && type != GEOS_MULTIPOLYGON && type != GEOS_GEOMETRYCOLLECTION) {
        report(Severity::warning, "invalid_geometry", "géométrie non surfacique : ignorée");
        return none;
    }
    detail::GeomPtr projected = source_transformer(ws, spec, data, crs).transform(ws.geos, g.get());
    if (!projected) {
        report(Severity::warning, "invalid_coordinates", "géométrie impossible à reprojeter : ignorée");
        return none;
    }
    if (GEOSisValid_r(h, projected.get()) != 1) {
        char* reason = GEOSisValidReason_r(h, projected.get());
        const std::string why = reason ? reason : "";
        GEOSFree_r(h, reason);
        GEOSGeometry* repaired = GEOSMakeValid_r(h, projected.get());
        if (!repaired)
            throw InputError(Location{spec.path_as_written, data.layer, rec.ref, {}},
                             "géométrie invalide que GEOS ne sait pas réparer : " + ws.geos.last_error());
        projected = detail::GeomPtr(repaired, detail::GeomDeleter{h});
        report(Severity::warning, "invalid_geometry_repaired", "géométrie invalide réparée (" + why + ")");
    }
    projected = detail::polygonal_part(ws.geos, std::move(projected));
    if (GEOSisEmpty_r(h, projected.get()) == 1) {
        report(Severity::warning, "invalid_geometry", "géométrie sans surface : ignorée");
        return none;
    }
    return detail::to_multipolygon(ws.geos, std::move(projected));
}

}  // namespace territoire
