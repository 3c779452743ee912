// tables.hpp — helpers shared by the steps that turn the diagnostic into output tables.
// Internal.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "territoire/table.hpp"
#include "workspace.hpp"

namespace territoire {

/// Appends fields to a table being defined.
inline void add_field(Table& t, std::string name, FieldType type, std::string alias) {
    t.fields.push_back(Field{std::move(name), type, std::move(alias)});
}

/// ISO WKB (little-endian) of simple geometries in the working CRS.
Wkb point_wkb(const Point& p);
Wkb line_wkb(const Point& a, const Point& b);
Wkb multipoint_wkb(const std::vector<Point>& points);

/// Field values: NULL for an absent number or an empty text.
inline Value opt_real(const std::optional<double>& v) { return v ? Value(*v) : Value(); }
inline Value opt_text(const std::string& s) { return s.empty() ? Value() : Value(s); }
inline Value count_value(std::size_t n) { return static_cast<std::int64_t>(n); }

/// Category slugs ("Lecture publique" → "lecture_publique"), unique within the set: a slug that two
/// categories share gets a numeric suffix. Ordered by category name.
std::map<std::string, std::string> category_slugs(const std::vector<std::string>& categories);

/// "lecture publique (3) ; musée (1)" from counts, largest first then by name; at most `limit` entries.
std::string describe_counts(const std::map<std::string, std::size_t>& counts, std::size_t limit = 0);

/// Index of each actor id in Diagnostic::actors.
std::map<std::string, std::size_t> actor_index(const Diagnostic& d);

/// What one area holds, counted once for the `areas` layer and the area sheets. A link counts as
/// inside when both actors are in the area, as across for each of two different areas; a link to an
/// actor without area counts for neither.
struct AreaSummary {
    std::size_t actors = 0;
    std::size_t places = 0;
    std::map<std::string, std::size_t> families;  ///< actors per family
    std::map<std::string, std::size_t> kinds;     ///< places per kind
    std::size_t links_inside = 0;
    std::size_t links_across = 0;
    std::map<std::string, std::size_t> partners;  ///< links across, per partner area id
};

/// One summary per area id of Diagnostic::areas (an area with nothing gets an empty summary).
std::map<std::string, AreaSummary> summarise_areas(const Diagnostic& d);

/// Count in a map, 0 when absent.
inline std::size_t count_of(const std::map<std::string, std::size_t>& counts, const std::string& key) {
    const auto it = counts.find(key);
    return it == counts.end() ? 0 : it->second;
}

/// How an actor is named in sheets and summaries: names repeat (two « Bibliothèque municipale »),
/// so the id follows: "Bibliothèque municipale (BIB-LI3634)".
inline std::string actor_label(const Actor& a) { return a.name == a.id ? a.id : a.name + " (" + a.id + ")"; }

/// Items joined with " ; ".
inline std::string join_list(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& s : items) out += (out.empty() ? "" : " ; ") + s;
    return out;
}

/// Share of an area's links that go to another area, in %; NULL without links.
inline Value share_across_pct(const AreaSummary& s) {
    const std::size_t links = s.links_inside + s.links_across;
    return links ? Value(100.0 * static_cast<double>(s.links_across) / static_cast<double>(links)) : Value();
}

/// Renames fields whose generated names collide (suffix _2, _3…), keeping the first as it is.
void make_field_names_unique(Table& t);

/// The network's structure (network_tables.cpp): spatial layers (area_links, communities),
/// attribute tables (network_*) and sheets (sheets_communities, sheets_objects).
struct NetworkTables {
    std::vector<Table> layers;
    std::vector<Table> tables;
    std::vector<Table> sheets;
};
NetworkTables network_tables(Workspace& ws, const Diagnostic& d);

Table sheets_families(const Diagnostic& d);                                                   // sheets.cpp
Table sheets_areas(const Diagnostic& d, const std::map<std::string, AreaSummary>& summaries);  // sheets.cpp

}  // namespace territoire
