// table.hpp — output tables: the one description of every delivered layer, shared by the
// GeoPackage and GeoJSON writers and by the Python bindings.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "territoire/model.hpp"

namespace territoire {

enum class FieldType { text, integer, real, boolean };
enum class GeometryType { none, point, linestring, multipoint, multipolygon };

struct Field {
    std::string name;    ///< snake_case ASCII
    FieldType type = FieldType::text;
    std::string alias;   ///< French label shown in QGIS
};

/// A cell value; std::monostate is NULL.
using Value = std::variant<std::monostate, std::string, std::int64_t, double, bool>;

struct Table {
    std::string name;                      ///< layer name in the GeoPackage
    std::string title;                     ///< French title
    std::string description;               ///< French one-line description
    GeometryType geometry_type = GeometryType::none;
    std::vector<Field> fields;
    std::vector<std::vector<Value>> rows;  ///< one value per field
    std::vector<Wkb> geometries;           ///< one per row when spatial; empty WKB = NULL geometry

    /// Index of a field by name, or -1.
    int field_index(const std::string& name) const;
};

/// GeoJSON geometry object for a WKB geometry (coordinates unchanged, no reprojection);
/// "null" for an empty WKB.
std::string wkb_to_geojson(const Wkb& wkb);

}  // namespace territoire
