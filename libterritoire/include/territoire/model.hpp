// model.hpp — the diagnostic's data model (DESIGN.md §2): territory, areas, actors, places, links.
// Coordinates are in the project's working CRS (metres for projected CRSs such as Lambert-93).
// Polygon geometries travel as ISO WKB so that public headers need no GEOS or GDAL header.
#pragma once

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
    std::string location_method;  ///< coordinates | wkt | latlon | geometry | none
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
};

struct Place {
    std::string id;
    std::string name;
    std::string kind;
    std::optional<double> capacity;
    Point location;                      ///< polygons are represented by a point on their surface
    std::string area_id;
    Provenance provenance;
};

/// A cooperation between two actors after merging: source_id < target_id (byte order),
/// weights of duplicate pairs summed, distinct kinds joined with "; ".
struct Link {
    std::string source_id;
    std::string target_id;
    std::string kind;
    double weight = 1;
};

/// Network measures of one actor on the undirected, unweighted cooperation graph whose nodes are
/// all actors (isolated ones included).
struct ActorMeasures {
    int degree = 0;              ///< distinct partners
    double strength = 0;         ///< sum of link weights
    double betweenness = 0;      ///< normalised as networkx betweenness_centrality(normalized=True)
    double closeness = 0;        ///< as networkx closeness_centrality (Wasserman–Faust for components)
    int component = 0;           ///< 1 = largest component; ties by smallest actor id
    bool is_cut_vertex = false;  ///< articulation point
};

}  // namespace territoire
