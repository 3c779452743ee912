// model.hpp — the diagnostic's data model (DESIGN.md §2): territory, areas, actors, places, links.
// Coordinates are in the project's working CRS (metres for projected CRSs such as Lambert-93).
// Polygon geometries travel as ISO WKB so that public headers need no GEOS or GDAL header.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace territoire {

using Wkb = std::vector<unsigned char>;

struct Point {
    double x = 0;
    double y = 0;
};

/// Where a record came from and how it was located.
struct Provenance {
    std::string source;           ///< source block name
    std::string source_ref;       ///< "ligne 12" or "entité 3"
    std::string location_method;  ///< coordinates | wkt | latlon | geometry | ban | none
    // Geocoding against the BAN ([geocoding], docs/geocoding.md); empty when not geocoded.
    std::optional<double> geocode_score;  ///< 0–1, confidence of the match at its precision
    std::string geocode_precision;        ///< housenumber | street | commune | failed
    std::string ban_id;                   ///< BAN id of the address, street (`79191_0420`) or commune (INSEE)
};

/// One source record merged into an actor or a place (matching.cpp, docs/matching.md).
struct SourceRecord {
    std::string id;                      ///< the record's id in its source
    std::string name;                    ///< its name in its source
    Provenance provenance;
    std::map<std::string, std::string> identifiers;  ///< its own identifiers
    std::string rule;                    ///< kept | id:<kind> | name_distance | override
    std::optional<double> score;         ///< name similarity with the record it was matched to
    std::optional<double> distance_m;    ///< distance to that record, metres (both located)
    std::string matched_with;            ///< id of the record it was matched to (empty for the kept one)
    std::string fields_used;             ///< fields of the merged actor/place taken from this record
};

/// A pair of records from different sources that may be one actor (or place) and was not merged
/// automatically, or was settled by the consultant's override file (docs/matching.md).
struct MatchCandidate {
    std::string collection;              ///< "acteur" or "lieu"
    std::string id_a, name_a, source_a;
    std::string id_b, name_b, source_b;
    std::optional<double> distance_m;
    std::optional<double> score;
    std::string rule;                    ///< id:<kind> | name_distance
    std::string reason;                  ///< French: why it was not merged automatically
    std::string suggested;               ///< same | different | empty
    std::string decision;                ///< from the override file: same | different | empty
};

struct Territory {
    std::string name;
    Wkb geometry;                        ///< MultiPolygon, working CRS
    double area_km2 = 0;                 ///< ellipsoidal area (WGS 84), km²
};

struct Area {
    std::string id;
    std::string name;
    std::optional<double> population;    ///< inhabitants
    Wkb geometry;                        ///< MultiPolygon, working CRS
    double area_km2 = 0;                 ///< ellipsoidal area (WGS 84), km²
};

struct Actor {
    std::string id;
    std::string name;
    std::string family;
    std::optional<Point> location;       ///< missing when the source gives none: flagged, never invented
    std::string area_id;                 ///< empty when unlocated
    Provenance provenance;
    std::map<std::string, std::string> identifiers;  ///< kind (siret, rna, origin…) → normalised value
    std::vector<SourceRecord> sources;   ///< records merged into it, the kept one first; empty when not merged
    std::string domain = {};             ///< from a crosswalk or a domain column; empty if unknown (last, with an initialiser: aggregate init keeps working)
};

struct Place {
    std::string id;
    std::string name;
    std::string kind;
    std::optional<double> capacity;
    Point location;                      ///< polygons are represented by a point on their surface
    std::string area_id;
    Provenance provenance;
    std::map<std::string, std::string> identifiers;  ///< kind (siret, rna, origin…) → normalised value
    std::vector<SourceRecord> sources;   ///< records merged into it, the kept one first; empty when not merged
    std::string capacity_unit = {};      ///< "fauteuils", "places", "m²"…; empty if not given (last, with an initialiser: aggregate init keeps working)
    std::string domain = {};             ///< from a crosswalk or a domain column; empty if unknown
};

/// A cooperation between two actors after merging. Undirected networks: source_id < target_id
/// (byte order). Directed networks: source_id → target_id as given. Weights of duplicate pairs are
/// summed, distinct kinds joined with "; ".
struct Link {
    std::string source_id;
    std::string target_id;
    std::string kind;
    double weight = 1;
    std::size_t from_links = 0;           ///< input rows of [links] merged into this link
    std::size_t from_participations = 0;  ///< shared objects ([participations]) behind this link
};

/// Something several actors take part in ([participations]): a project, an event, a programme.
/// The "objects" of cooperation of the design.
struct CooperationObject {
    std::string id;
    std::string name;
    std::vector<std::string> actor_ids;   ///< distinct participants in the diagnostic, sorted
    std::vector<std::string> years;       ///< distinct years given, sorted
    std::vector<std::string> roles;       ///< distinct roles given, sorted
    std::size_t rows = 0;                 ///< accepted participation rows for it
};

/// Network measures of one actor. Every node of the graph is an actor (isolated ones included);
/// docs/network.md gives each formula and its networkx equivalent, and how direction and weight
/// are used.
struct ActorMeasures {
    int degree = 0;              ///< undirected: distinct partners; directed: in + out
    int in_degree = 0;           ///< directed networks only (else 0)
    int out_degree = 0;          ///< directed networks only (else 0)
    double strength = 0;         ///< sum of the weights of the actor's links
    double betweenness = 0;      ///< networkx betweenness_centrality(normalized=True)
    double betweenness_w = 0;    ///< same with each link's length = 1/weight
    double closeness = 0;        ///< networkx closeness_centrality (Wasserman–Faust, incoming if directed)
    double harmonic = 0;         ///< networkx harmonic_centrality (incoming if directed)
    double pagerank = 0;         ///< networkx pagerank(alpha=0.85, weight="weight")
    std::optional<double> eigenvector;  ///< networkx eigenvector_centrality(weight="weight"); empty if no convergence
    double clustering = 0;       ///< networkx clustering on the undirected graph
    int core_number = 0;         ///< networkx core_number on the undirected graph
    int component = 0;           ///< 1 = largest (weakly) connected component; ties by smallest actor id
    bool is_cut_vertex = false;  ///< articulation point of the undirected graph
    int community = 0;           ///< Louvain community, 1 = largest; 0 = none (actor without link)
};

}  // namespace territoire
