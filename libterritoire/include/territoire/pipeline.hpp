// pipeline.hpp — the diagnostic pipeline: load → normalise → locate → analyse → deliver.
// The command-line tool and the Python bindings both drive these functions.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "territoire/model.hpp"
#include "territoire/problems.hpp"
#include "territoire/project.hpp"
#include "territoire/table.hpp"

namespace territoire {

/// What happened to the records of one source.
struct SourceStats {
    std::string block;                ///< "places[1]"…
    std::string name;                 ///< source name
    std::size_t read = 0;             ///< records read (after `where`)
    std::size_t kept = 0;             ///< records in the diagnostic
    std::size_t outside = 0;          ///< located outside the territory, dropped
    std::size_t unlocated = 0;        ///< no usable location (actors: kept; places: dropped)
    std::size_t rejected = 0;         ///< dropped for another reported reason (duplicate id…)
    std::size_t assigned = 0;         ///< kept and assigned to an area
};

/// The cooperation network as a whole (docs/network.md).
struct NetworkSummary {
    bool directed = false;                ///< [links] directed = true
    std::string projection;               ///< [participations] projection ("count", "newman"), empty without
    int components = 0;                   ///< connected components (weakly if directed), isolated actors included
    int communities = 0;                  ///< Louvain communities of actors with links
    int bridges = 0;                      ///< bridges of the undirected graph (a two-way pair counts once)
    double modularity = 0;                ///< of the Louvain partition (undirected, weighted)
    unsigned long long louvain_seed = 0;  ///< the fixed seed of the Louvain node order
    bool eigenvector_converged = true;    ///< false: eigenvector centrality left empty
    std::vector<bool> link_is_bridge;     ///< parallel to Diagnostic::links
};

/// Everything the analysis produced, before delivery.
struct Diagnostic {
    Project project;
    Territory territory;
    std::vector<Area> areas;              ///< sorted by id
    std::vector<Actor> actors;            ///< sorted by id
    std::vector<ActorMeasures> measures;  ///< parallel to actors
    std::vector<Place> places;            ///< sorted by id
    std::vector<Link> links;              ///< merged, sorted by (source_id, target_id)
    std::vector<CooperationObject> objects;  ///< from [participations], sorted by id
    std::map<std::string, std::string> actor_aliases;  ///< merged-away actor id → kept actor id (matching.cpp)
    std::map<std::string, std::string> place_aliases;  ///< merged-away place id → kept place id
    std::vector<MatchCandidate> match_candidates;      ///< pairs left to the consultant (docs/matching.md)
    NetworkSummary network;
    std::vector<SourceStats> stats;       ///< one per source block, in project order
    ProblemReporter problems;
    std::string working_crs_wkt;          ///< WKT of the working CRS
    std::vector<Table> tables;            ///< the delivered layers, in output order
};

/// Progress messages (French), e.g. for a command-line display.
using ProgressFn = std::function<void(const std::string& step, const std::string& message)>;

/// Runs every step up to the analysis: the diagnostic is complete, nothing is written.
/// Throws Error (ProjectError, InputError) when the run would be meaningless.
Diagnostic analyse(const Project& project, const ProgressFn& progress = {});

struct DeliverOptions {
    bool geojson = true;   ///< also write DIR/geojson/<layer>.geojson
    bool maps = true;      ///< render DIR/maps/*.png, .svg, .pdf
    bool sheets = true;    ///< write DIR/sheets/index.html and one page per sheet
    bool workbook = true;  ///< write DIR/diagnostic.xlsx
};

/// What was written.
struct Delivery {
    std::filesystem::path geopackage;
    std::vector<std::filesystem::path> geojson;
    std::filesystem::path manifest;
    std::filesystem::path graphml;  ///< DIR/network.graphml
    std::filesystem::path gexf;     ///< DIR/network.gexf
    std::vector<std::filesystem::path> maps;  ///< DIR/maps/…
    std::filesystem::path sheets;   ///< DIR/sheets/index.html
    std::filesystem::path workbook; ///< DIR/diagnostic.xlsx
    /// DIR/travail/… : working files for the consultant, not to circulate (survey respondents)
    std::vector<std::filesystem::path> working_files;
};

/// Writes the GeoPackage, GeoJSON files, the network (GraphML, GEXF) and the manifest into `dir`
/// (created if needed).
/// Every file is written under a temporary name and renamed when complete.
Delivery deliver(const Diagnostic& diagnostic, const std::filesystem::path& dir,
                 const DeliverOptions& options = {}, const ProgressFn& progress = {});

/// libterritoire's version, "0.1.0".
const char* version() noexcept;

}  // namespace territoire
