// project.hpp — the project file (TOML, version 1): what the consultant writes to describe a
// territory's data. See docs/project-file.md for every key.
#pragma once

#include <filesystem>
#include <map>
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
    std::map<std::string, std::string> ids;
    int line = 0;                      ///< line of the block in the project file

    // Presets and official codes (docs/presets.md). A preset fills the keys above from
    // data/nomenclatures/presets/<name>.toml; explicit keys of the block win.
    std::string preset;                ///< preset name, empty if none
    std::string preset_variant;        ///< variant of the preset chosen from the file's header
    std::string preset_file;           ///< the preset definition used (for the manifest)
    std::string fallback_encoding;     ///< delimited text: used when the file is not valid UTF-8
    std::filesystem::path crosswalk;   ///< code → kind/family/domain table (CSV)
    std::string crosswalk_as_written;  ///< as written (project or preset), for messages
    std::string domain;                ///< places/actors: constant domain
    std::string domain_field;          ///< places/actors: column holding the domain
    std::string capacity_unit;         ///< places: unit of capacity_field
    std::vector<std::pair<std::string, std::string>> capacity_columns;  ///< preset: (column, unit), first non-empty wins
    std::string status_field;          ///< e.g. RNA `position`
    std::vector<std::string> excluded_status;  ///< values left out (RNA: D dissolved, S deleted)
    bool include_dissolved = false;    ///< keep the records whose status is excluded
    std::string quality_field;         ///< location quality column (BPE QUALITE_XY)
    std::vector<std::string> poor_quality_values;  ///< values flagged as poor_location_quality
    std::string crs_field;             ///< per-record EPSG code of x/y (BPE), overrides `crs`
    std::map<std::string, int> code_widths;        ///< columns of numeric codes left-padded with zeros
    std::map<std::string, std::string> list_fields;  ///< columns holding lists: column → separator (first item kept)
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

/// [population] (docs/access.md): where people live, as polygons, points or the INSEE 200 m grid.
struct PopulationSpec {
    SourceSpec source;                 ///< path, layer, where, population_field, id_field, location keys
    std::string preset;                ///< "filosofi": cells from Idcar_200m (EPSG:3035), population from Ind
};

/// [network] (docs/access.md): the street lines walked from the cells to the places.
struct NetworkSpec {
    SourceSpec source;
    double speed_kmh = 4.5;            ///< walking speed
};

/// [access] (docs/access.md): what is measured.
struct AccessSpec {
    std::vector<std::string> kinds;    ///< place kinds to measure; empty = every kind present
    double max_minutes = 30;           ///< beyond, no nearest place (dist/time left empty)
    double catchment_minutes = 15;     ///< t0 of the 2SFCA and of the n<minutes>_ counts
    std::string decay = "gaussian";    ///< "gaussian" (enhanced 2SFCA) or "step" (classic 2SFCA)
    std::vector<double> isochrone_minutes{5, 10, 15};
    int line = 0;                      ///< of the block, for messages (0 when absent)
    int kinds_line = 0;                ///< of the `kinds` key
};

/// [contrast] (docs/access.md): two named sets of areas compared (e.g. an estate and the centre).
struct ContrastSpec {
    std::vector<std::string> a;
    std::vector<std::string> b;
    std::string a_name = "A";
    std::string b_name = "B";
    int a_line = 0;
    int b_line = 0;
};

/// [matching]: merging the same actor (or place) found in several sources (docs/matching.md).
struct MatchingSpec {
    double distance_m = 150;           ///< name rule: points at most this far apart (metres)
    double name_similarity = 0.75;     ///< name rule: score from which two names are the same
    double grey_zone = 0.5;            ///< scores in [grey_zone, name_similarity) are reported, not merged
    double id_distance_m = 5000;       ///< same identifier but farther apart than this: reported, not merged
    std::filesystem::path overrides;   ///< the consultant's decisions (id_a;id_b;decision); empty: none
    std::string overrides_as_written;  ///< as in the project file, for messages
};

/// One question of [survey.questions] (docs/survey.md).
struct SurveyQuestion {
    std::string name;                 ///< column of the survey export
    std::string type;                 ///< single | multi | likert | yesno | number | text
    std::string label;                ///< French wording shown in sheets (default: name)
    std::string separator = ";";      ///< multi: between the chosen answers
    std::vector<std::string> levels;  ///< likert: ordered labels, score 1..k
    int line = 0;
};

/// [survey]: an inhabitants' survey weighted to census margins (docs/survey.md).
struct SurveySpec {
    SourceSpec source;                  ///< path, layer, id_field, weight_field, location keys…
    std::string area_field;             ///< the respondent's area id (else a location, turned into an area)
    std::vector<std::string> strata;    ///< variables with census margins
    std::filesystem::path margins;      ///< resolved
    std::string margins_as_written;
    std::string public_rule;            ///< who counts as "public" (survey_rule.hpp syntax)
    int public_rule_line = 0;
    int min_cell = 10;
    std::optional<double> tolerance;    ///< unset: the engine's default (survey::RakingOptions, 1e-6)
    std::optional<int> max_iterations;  ///< unset: the engine's default (survey::RakingOptions, 1000)
    std::optional<double> trim_low;
    std::optional<double> trim_high;
    std::string consent_field;          ///< free text carried only for respondents who consented
    std::vector<std::string> headline;  ///< "q12" or "q12=jamais": indicators put on `areas`
    std::vector<SurveyQuestion> questions;  ///< in project-file order
};

struct Project {
    std::filesystem::path file;        ///< the project file itself
    std::filesystem::path base_dir;    ///< its folder: relative paths start here
    std::string name;
    std::string crs = "EPSG:2154";     ///< working CRS (Lambert-93 by default)
    bool crs_explicit = false;         ///< `crs` written in [project]; otherwise chosen from the territory
    std::string crs_reason;            ///< why this working CRS (French, for the summary and manifest)
    SourceSpec territory;
    SourceSpec areas;
    std::vector<SourceSpec> places;
    std::vector<SourceSpec> actors;
    std::optional<SourceSpec> links;
    std::optional<SourceSpec> participations;  ///< actor × project/event, projected onto links
    std::optional<PopulationSpec> population;  ///< access measures run when set (docs/access.md)
    std::optional<NetworkSpec> network;        ///< without it, straight-line distances
    AccessSpec access;                         ///< defaults when [access] is absent
    std::optional<ContrastSpec> contrast;
    MatchingSpec matching;             ///< [matching], defaults when absent
    std::optional<GeocodingSpec> geocoding;    ///< BAN reference for addresses without coordinates
    std::optional<SurveySpec> survey;          ///< [survey], docs/survey.md
};

/// Reads and validates a project file. Throws ProjectError naming the file, line and key.
Project load_project(const std::filesystem::path& file);

/// Parses a project from TOML text; `file` is used for messages and to resolve relative paths.
Project parse_project(const std::string& toml_text, const std::filesystem::path& file);

}  // namespace territoire
