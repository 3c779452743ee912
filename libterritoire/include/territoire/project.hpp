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
    double tolerance = 1e-6;
    int max_iterations = 100;
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
    SourceSpec territory;
    SourceSpec areas;
    std::vector<SourceSpec> places;
    std::vector<SourceSpec> actors;
    std::optional<SourceSpec> links;
    std::optional<SourceSpec> participations;  ///< actor × project/event, projected onto links
    std::optional<SurveySpec> survey;          ///< [survey], docs/survey.md
};

/// Reads and validates a project file. Throws ProjectError naming the file, line and key.
Project load_project(const std::filesystem::path& file);

/// Parses a project from TOML text; `file` is used for messages and to resolve relative paths.
Project parse_project(const std::string& toml_text, const std::filesystem::path& file);

}  // namespace territoire
