// project.hpp — the project file (TOML, version 1): what the consultant writes to describe a
// territory's data. See docs/project-file.md for every key.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace territoire {

/// How records of a source get a location. At most one of the three field forms is set; when none
/// is, the source's own geometry is used.
struct LocationSpec {
    std::string x_field;       ///< with y_field: numeric columns
    std::string y_field;
    std::string wkt_field;     ///< a WKT geometry column
    std::string latlon_field;  ///< one "lat, lon" text column (always WGS 84)
    std::string crs;           ///< CRS of the fields or of the source's geometry (overrides the source's)

    bool uses_fields() const { return !x_field.empty() || !wkt_field.empty() || !latlon_field.empty(); }
};

/// One data source block ([territory], [areas], [[places]], [[actors]], [links], [participations]).
struct SourceSpec {
    std::string block;                 ///< "territory", "areas", "places[2]"… for messages
    std::string name;                  ///< short name used in provenance (default: file stem)
    std::filesystem::path path;        ///< resolved against the project file's folder
    std::string path_as_written;       ///< as in the project file, for messages
    std::string layer;                 ///< OGR layer; default the first
    std::string where;                 ///< OGR SQL attribute filter
    std::string separator;             ///< delimited text only; default: detected
    std::string encoding;              ///< delimited text only; default UTF-8
    LocationSpec location;

    std::string id_field;
    std::string name_field;
    std::string population_field;      ///< areas
    std::string kind;                  ///< places: constant kind
    std::string kind_field;            ///< places
    std::string capacity_field;        ///< places
    std::string family;                ///< actors: constant family
    std::string family_field;          ///< actors
    std::string source_field;          ///< links
    std::string target_field;          ///< links
    std::string weight_field;          ///< links
    bool directed = false;             ///< links: source → target is meaningful
    std::string actor_field;           ///< participations: the actor id
    std::string object_field;          ///< participations: the project/event id
    std::string object_name_field;     ///< participations: its name
    std::string year_field;            ///< participations
    std::string role_field;            ///< participations
    std::string projection = "count";  ///< participations: "count" or "newman"
    int line = 0;                      ///< line of the block in the project file
    // Geocoding (issue 3, geocoding part): address columns of records without coordinates.
    std::vector<std::string> address_fields;
    std::string postcode_field, citycode_field, city_field;
};

/// [geocoding]: the BAN files used to place records that have an address and no coordinates
/// (docs/geocoding.md).
struct GeocodingSpec {
    std::vector<std::filesystem::path> paths;     ///< resolved against the project file's folder
    std::vector<std::string> paths_as_written;    ///< as in the project file, for messages
    double min_score = 0.7;                       ///< street similarity below which only the commune is kept
    int line = 0;
};

struct Project {
    std::filesystem::path file;        ///< the project file itself
    std::filesystem::path base_dir;    ///< its folder: relative paths start here
    std::string name;
    std::string crs = "EPSG:2154";     ///< working CRS (Lambert-93 by default)
    SourceSpec territory;
    SourceSpec areas;
    std::vector<SourceSpec> places;
    std::vector<SourceSpec> actors;
    std::optional<SourceSpec> links;
    std::optional<SourceSpec> participations;  ///< actor × project/event, projected onto links
    std::optional<GeocodingSpec> geocoding;    ///< BAN reference for addresses without coordinates
};

/// Reads and validates a project file. Throws ProjectError naming the file, line and key.
Project load_project(const std::filesystem::path& file);

/// Parses a project from TOML text; `file` is used for messages and to resolve relative paths.
Project parse_project(const std::string& toml_text, const std::filesystem::path& file);

}  // namespace territoire
