// tables.cpp — step `indicators` and the layers of the output contract (docs/output-contract.md):
// territory, areas with their indicators, actors with their measures, places, cooperation links,
// identity sheets and data quality.
#include "tables.hpp"

#include <cmath>
#include <cstring>
#include <set>

#include "detail/text.hpp"
#include "matching.hpp"
#include "network.hpp"

namespace territoire {
namespace {

Value per_10k(std::size_t count, const std::optional<double>& population) {
    if (!population || *population <= 0) return {};
    return static_cast<double>(count) * 10000.0 / *population;
}

Table territory_table(const Diagnostic& d) {
    Table t{"territory", "Territoire", "Le territoire étudié (union des entités sélectionnées)",
            GeometryType::multipolygon, {}, {}, {}};
    add_field(t, "territory_id", FieldType::text, "Identifiant");
    add_field(t, "name", FieldType::text, "Nom");
    add_field(t, "area_km2", FieldType::real, "Superficie (km²)");
    add_field(t, "population", FieldType::real, "Population");
    std::optional<double> population = 0.0;
    for (const auto& a : d.areas) population = (population && a.population) ? std::optional(*population + *a.population) : std::nullopt;
    t.rows.push_back({std::string("territory"), d.territory.name, d.territory.area_km2, opt_real(population)});
    t.geometries.push_back(d.territory.geometry);
    return t;
}

Table areas_table(const Diagnostic& d, const std::map<std::string, AreaSummary>& summaries) {
    Table t{"areas", "Zones", "Quartiers, IRIS ou communes du territoire, avec leurs indicateurs",
            GeometryType::multipolygon, {}, {}, {}};
    add_field(t, "area_id", FieldType::text, "Identifiant");
    add_field(t, "name", FieldType::text, "Nom");
    add_field(t, "population", FieldType::real, "Population");
    add_field(t, "area_km2", FieldType::real, "Superficie (km²)");
    add_field(t, "n_actors", FieldType::integer, "Acteurs");
    add_field(t, "n_places", FieldType::integer, "Lieux");
    add_field(t, "actors_per_10k", FieldType::real, "Acteurs pour 10 000 hab.");
    add_field(t, "places_per_10k", FieldType::real, "Lieux pour 10 000 hab.");

    std::vector<std::string> families, kinds;
    for (const auto& a : d.actors) families.push_back(a.family);
    for (const auto& p : d.places) kinds.push_back(p.kind);
    const auto fam_slugs = category_slugs(families);
    const auto kind_slugs = category_slugs(kinds);
    for (const auto& [family, s] : fam_slugs) add_field(t, "n_actors_" + s, FieldType::integer, "Acteurs : " + family);
    for (const auto& [kind, s] : kind_slugs) add_field(t, "n_places_" + s, FieldType::integer, "Lieux : " + kind);
    for (const auto& [family, s] : fam_slugs)
        add_field(t, "n_actors_" + s + "_per_10k", FieldType::real, "Acteurs : " + family + " (pour 10 000 hab.)");
    for (const auto& [kind, s] : kind_slugs)
        add_field(t, "n_places_" + s + "_per_10k", FieldType::real, "Lieux : " + kind + " (pour 10 000 hab.)");
    add_field(t, "n_links_inside", FieldType::integer, "Liens internes à la zone");
    add_field(t, "n_links_across", FieldType::integer, "Liens avec d'autres zones");
    add_field(t, "share_links_across_pct", FieldType::real, "Part des liens vers d'autres zones (%)");

    for (const auto& area : d.areas) {
        const AreaSummary& s = summaries.at(area.id);
        std::vector<Value> row{area.id, area.name, opt_real(area.population), area.area_km2,
                               static_cast<std::int64_t>(s.actors), static_cast<std::int64_t>(s.places),
                               per_10k(s.actors, area.population), per_10k(s.places, area.population)};
        for (const auto& [family, slug] : fam_slugs) row.emplace_back(static_cast<std::int64_t>(count_of(s.families, family)));
        for (const auto& [kind, slug] : kind_slugs) row.emplace_back(static_cast<std::int64_t>(count_of(s.kinds, kind)));
        for (const auto& [family, slug] : fam_slugs) row.push_back(per_10k(count_of(s.families, family), area.population));
        for (const auto& [kind, slug] : kind_slugs) row.push_back(per_10k(count_of(s.kinds, kind), area.population));
        row.emplace_back(static_cast<std::int64_t>(s.links_inside));
        row.emplace_back(static_cast<std::int64_t>(s.links_across));
        row.push_back(share_across_pct(s));
        t.rows.push_back(std::move(row));
        t.geometries.push_back(area.geometry);
    }
    return t;
}

// Geocoding fields of actors and places, present when the project has [geocoding] (docs/geocoding.md).
void add_geocode_fields(Table& t) {
    add_field(t, "geocode_score", FieldType::real, "Score du géocodage (0–1)");
    add_field(t, "geocode_precision", FieldType::text, "Précision du géocodage");
    add_field(t, "ban_id", FieldType::text, "Identifiant BAN");
}

void add_geocode_values(std::vector<Value>& row, const Provenance& p) {
    row.push_back(opt_real(p.geocode_score));
    row.push_back(opt_text(p.geocode_precision));
    row.push_back(opt_text(p.ban_id));
}

Table actors_table(const Diagnostic& d) {
    Table t{"actors", "Acteurs", "Acteurs du territoire, avec leur famille, leur zone et leur place dans le réseau",
            GeometryType::point, {}, {}, {}};
    add_field(t, "actor_id", FieldType::text, "Identifiant");
    add_field(t, "name", FieldType::text, "Nom");
    add_field(t, "family", FieldType::text, "Famille");
    add_field(t, "domain", FieldType::text, "Domaine");
    add_field(t, "area_id", FieldType::text, "Zone");
    add_field(t, "source", FieldType::text, "Source");
    add_field(t, "source_ref", FieldType::text, "Référence dans la source");
    add_field(t, "location_method", FieldType::text, "Mode de localisation");
    add_field(t, "degree", FieldType::integer, "Nombre de liens (partenaires)");
    if (d.network.directed) {
        add_field(t, "in_degree", FieldType::integer, "Liens reçus");
        add_field(t, "out_degree", FieldType::integer, "Liens émis");
    }
    add_field(t, "strength", FieldType::real, "Force (somme des poids)");
    add_field(t, "betweenness", FieldType::real, "Intermédiarité");
    add_field(t, "betweenness_w", FieldType::real, "Intermédiarité pondérée");
    add_field(t, "closeness", FieldType::real, "Proximité");
    add_field(t, "harmonic", FieldType::real, "Centralité harmonique");
    add_field(t, "pagerank", FieldType::real, "PageRank");
    add_field(t, "eigenvector", FieldType::real, "Centralité de vecteur propre");
    add_field(t, "clustering", FieldType::real, "Coefficient de regroupement");
    add_field(t, "core_number", FieldType::integer, "Noyau (k-core)");
    add_field(t, "component", FieldType::integer, "Composante");
    add_field(t, "is_cut_vertex", FieldType::boolean, "Acteur charnière");
    add_field(t, "community", FieldType::integer, "Communauté");
    const bool geocoding = d.project.geocoding.has_value();
    if (geocoding) add_geocode_fields(t);
    for (std::size_t i = 0; i < d.actors.size(); ++i) {
        const Actor& a = d.actors[i];
        const ActorMeasures& m = d.measures[i];
        std::vector<Value> row{a.id, a.name, a.family, opt_text(a.domain), opt_text(a.area_id), a.provenance.source, a.provenance.source_ref,
                               a.provenance.location_method, count_value(static_cast<std::size_t>(m.degree))};
        if (d.network.directed) {
            row.emplace_back(static_cast<std::int64_t>(m.in_degree));
            row.emplace_back(static_cast<std::int64_t>(m.out_degree));
        }
        for (const Value& v : {Value(m.strength), Value(m.betweenness), Value(m.betweenness_w), Value(m.closeness),
                               Value(m.harmonic), Value(m.pagerank), opt_real(m.eigenvector), Value(m.clustering),
                               Value(static_cast<std::int64_t>(m.core_number)), Value(static_cast<std::int64_t>(m.component)),
                               Value(m.is_cut_vertex),
                               m.community ? Value(static_cast<std::int64_t>(m.community)) : Value()})
            row.push_back(v);
        if (geocoding) add_geocode_values(row, a.provenance);
        t.rows.push_back(std::move(row));
        t.geometries.push_back(a.location ? point_wkb(*a.location) : Wkb{});
    }
    return t;
}

Table places_table(const Diagnostic& d) {
    Table t{"places", "Lieux", "Équipements et lieux de la vie culturelle et collective", GeometryType::point, {}, {}, {}};
    add_field(t, "place_id", FieldType::text, "Identifiant");
    add_field(t, "name", FieldType::text, "Nom");
    add_field(t, "kind", FieldType::text, "Type de lieu");
    add_field(t, "capacity", FieldType::real, "Capacité");
    add_field(t, "capacity_unit", FieldType::text, "Unité de la capacité");
    add_field(t, "domain", FieldType::text, "Domaine");
    add_field(t, "area_id", FieldType::text, "Zone");
    add_field(t, "source", FieldType::text, "Source");
    add_field(t, "source_ref", FieldType::text, "Référence dans la source");
    add_field(t, "location_method", FieldType::text, "Mode de localisation");
    const bool geocoding = d.project.geocoding.has_value();
    if (geocoding) add_geocode_fields(t);
    for (const auto& p : d.places) {
        t.rows.push_back({p.id, p.name, p.kind, opt_real(p.capacity), opt_text(p.capacity_unit), opt_text(p.domain),
                          opt_text(p.area_id), p.provenance.source,
                          p.provenance.source_ref, p.provenance.location_method});
        if (geocoding) add_geocode_values(t.rows.back(), p.provenance);
        t.geometries.push_back(point_wkb(p.location));
    }
    return t;
}

Table links_table(const Diagnostic& d) {
    Table t{"cooperation_links", "Liens de coopération",
            d.network.directed ? "Coopérations orientées entre acteurs (paires fusionnées, poids additionnés)"
                               : "Coopérations entre acteurs (paires fusionnées, poids additionnés)",
            GeometryType::linestring, {}, {}, {}};
    add_field(t, "link_id", FieldType::text, "Identifiant");
    add_field(t, "source_id", FieldType::text, d.network.directed ? "Acteur d'origine" : "Acteur 1");
    add_field(t, "target_id", FieldType::text, d.network.directed ? "Acteur de destination" : "Acteur 2");
    add_field(t, "kind", FieldType::text, "Type de coopération");
    add_field(t, "weight", FieldType::real, "Poids");
    add_field(t, "n_shared_objects", FieldType::integer, "Projets ou événements partagés");
    add_field(t, "length_m", FieldType::real, "Longueur (m)");
    add_field(t, "crosses_areas", FieldType::boolean, "Relie deux zones");
    add_field(t, "is_bridge", FieldType::boolean, "Lien pont (sa perte coupe le réseau)");
    add_field(t, "source_family", FieldType::text, d.network.directed ? "Famille de l'origine" : "Famille de l'acteur 1");
    add_field(t, "target_family", FieldType::text, d.network.directed ? "Famille de la destination" : "Famille de l'acteur 2");
    add_field(t, "source_area_id", FieldType::text, d.network.directed ? "Zone de l'origine" : "Zone de l'acteur 1");
    add_field(t, "target_area_id", FieldType::text, d.network.directed ? "Zone de la destination" : "Zone de l'acteur 2");
    const auto index = actor_index(d);
    const std::string sep = d.network.directed ? "->" : "--";
    for (std::size_t i = 0; i < d.links.size(); ++i) {
        const Link& l = d.links[i];
        const Actor& a = d.actors[index.at(l.source_id)];
        const Actor& b = d.actors[index.at(l.target_id)];
        Value length, crosses;
        Wkb geom;
        if (a.location && b.location) {
            const double metres = std::hypot(a.location->x - b.location->x, a.location->y - b.location->y);
            length = metres;
            // Two actors at the same point (one building): a line of length 0 is not a valid
            // geometry, so the link has none.
            if (metres > 0) geom = line_wkb(*a.location, *b.location);
        }
        if (!a.area_id.empty() && !b.area_id.empty()) crosses = a.area_id != b.area_id;
        t.rows.push_back({l.source_id + sep + l.target_id, l.source_id, l.target_id, opt_text(l.kind), l.weight,
                          count_value(l.from_participations), length, crosses, Value(bool(d.network.link_is_bridge[i])),
                          a.family, b.family, opt_text(a.area_id), opt_text(b.area_id)});
        t.geometries.push_back(std::move(geom));
    }
    return t;
}

Table data_quality_table(const Diagnostic& d) {
    Table t{"data_quality", "Qualité des données", "Problèmes trouvés dans les données d'entrée", GeometryType::none,
            {}, {}, {}};
    add_field(t, "problem_id", FieldType::integer, "Numéro");
    add_field(t, "severity", FieldType::text, "Gravité");
    add_field(t, "kind", FieldType::text, "Type de problème");
    add_field(t, "source", FieldType::text, "Source");
    add_field(t, "block", FieldType::text, "Bloc du fichier de projet");
    add_field(t, "feature", FieldType::text, "Entité");
    add_field(t, "field", FieldType::text, "Champ");
    add_field(t, "message", FieldType::text, "Message");
    std::int64_t n = 0;
    for (const auto& p : d.problems.problems()) {
        t.rows.push_back({++n, std::string(to_string(p.severity)), p.kind, opt_text(p.source), opt_text(p.block),
                          opt_text(p.feature),
                          opt_text(p.field), p.message});
    }
    return t;
}

}  // namespace

static void put_u32(Wkb& w, std::uint32_t v) {
    unsigned char b[4];
    std::memcpy(b, &v, 4);  // little-endian hosts only: we write NDR
    w.insert(w.end(), b, b + 4);
}
static void put_f64(Wkb& w, double v) {
    unsigned char b[8];
    std::memcpy(b, &v, 8);
    w.insert(w.end(), b, b + 8);
}
Wkb point_wkb(const Point& p) {
    Wkb w{1};
    put_u32(w, 1);
    put_f64(w, p.x);
    put_f64(w, p.y);
    return w;
}
Wkb line_wkb(const Point& a, const Point& b) {
    Wkb w{1};
    put_u32(w, 2);
    put_u32(w, 2);
    for (const Point& p : {a, b}) {
        put_f64(w, p.x);
        put_f64(w, p.y);
    }
    return w;
}

Wkb multipoint_wkb(const std::vector<Point>& points) {
    Wkb w{1};
    put_u32(w, 4);
    put_u32(w, static_cast<std::uint32_t>(points.size()));
    for (const Point& p : points) {
        const Wkb one = point_wkb(p);
        w.insert(w.end(), one.begin(), one.end());
    }
    return w;
}

std::map<std::string, std::string> category_slugs(const std::vector<std::string>& categories) {
    std::map<std::string, std::string> out;
    std::set<std::string> used;
    for (const auto& c : std::set<std::string>(categories.begin(), categories.end())) {
        std::string base = detail::slug(c);
        if (base.empty()) base = "x";
        std::string s = base;
        for (int k = 2; !used.insert(s).second; ++k) s = base + "_" + std::to_string(k);
        out[c] = s;
    }
    return out;
}

std::string describe_counts(const std::map<std::string, std::size_t>& counts, std::size_t limit) {
    std::vector<std::pair<std::string, std::size_t>> items(counts.begin(), counts.end());
    std::stable_sort(items.begin(), items.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
    std::string out;
    std::size_t shown = 0;
    for (const auto& [name, n] : items) {
        if (limit && shown == limit) {
            out += " ; …";
            break;
        }
        if (!out.empty()) out += " ; ";
        out += name + " (" + std::to_string(n) + ")";
        ++shown;
    }
    return out;
}

std::map<std::string, AreaSummary> summarise_areas(const Diagnostic& d) {
    std::map<std::string, AreaSummary> out;
    for (const auto& a : d.areas) out[a.id];
    for (const auto& a : d.actors)
        if (!a.area_id.empty()) {
            ++out[a.area_id].actors;
            ++out[a.area_id].families[a.family];
        }
    for (const auto& p : d.places)
        if (!p.area_id.empty()) {
            ++out[p.area_id].places;
            ++out[p.area_id].kinds[p.kind];
        }
    const auto index = actor_index(d);
    for (const auto& l : d.links) {
        const std::string& a = d.actors[index.at(l.source_id)].area_id;
        const std::string& b = d.actors[index.at(l.target_id)].area_id;
        if (a.empty() || b.empty()) continue;
        if (a == b) {
            ++out[a].links_inside;
        } else {
            ++out[a].links_across;
            ++out[b].links_across;
            ++out[a].partners[b];
            ++out[b].partners[a];
        }
    }
    return out;
}

std::map<std::string, std::size_t> actor_index(const Diagnostic& d) {
    std::map<std::string, std::size_t> index;
    for (std::size_t i = 0; i < d.actors.size(); ++i) index.emplace(d.actors[i].id, i);
    return index;
}

void build_tables(Workspace& ws, Diagnostic& d) {
    // Step `network`: measures on the graph of every actor, in actor id order.
    const auto index = actor_index(d);
    NetworkInput input{d.actors.size(), d.network.directed, {}, {}};
    for (const auto& l : d.links) {
        input.edges.emplace_back(index.at(l.source_id), index.at(l.target_id));
        input.weights.push_back(l.weight);
    }
    NetworkAnalysis net = analyse_network(input);
    d.measures = std::move(net.measures);
    d.network.components = net.components;
    d.network.communities = net.communities;
    d.network.bridges = net.bridges;
    d.network.modularity = net.modularity;
    d.network.louvain_seed = kLouvainSeed;
    d.network.eigenvector_converged = net.eigenvector_converged;
    d.network.link_is_bridge = std::move(net.edge_is_bridge);
    if (!net.eigenvector_converged) {
        d.problems.report(Problem{Severity::info, "eigenvector_not_converged", "réseau", {}, {}, "eigenvector",
                                  "centralité de vecteur propre non convergée en 100 itérations (comme networkx) : "
                                  "laissée vide"});
    }

    const auto summaries = summarise_areas(d);
    const NetworkTables network = network_tables(ws, d);
    d.tables.clear();
    d.tables.push_back(territory_table(d));
    d.tables.push_back(areas_table(d, summaries));
    d.tables.push_back(actors_table(d));
    d.tables.push_back(places_table(d));
    d.tables.push_back(links_table(d));
    for (const auto& t : network.layers) d.tables.push_back(t);
    for (const auto& t : network.tables) d.tables.push_back(t);
    d.tables.push_back(sheets_families(d));
    d.tables.push_back(sheets_areas(d, summaries));
    for (const auto& t : network.sheets) d.tables.push_back(t);
    for (auto& t : matching_tables(d)) d.tables.push_back(std::move(t));  // matching.cpp
    d.tables.push_back(data_quality_table(d));
    for (auto& t : d.tables) make_field_names_unique(t);
}

void make_field_names_unique(Table& t) {
    // Generated names can meet: a family "x per 10k" gives n_actors_x_per_10k, like the rate of "x".
    // The later field gets a numeric suffix; `check` and `run` then see the same, writable table.
    std::set<std::string> used;
    for (auto& f : t.fields) {
        std::string name = f.name;
        for (int k = 2; !used.insert(name).second; ++k) name = f.name + "_" + std::to_string(k);
        f.name = name;
    }
}

int Table::field_index(const std::string& field_name) const {
    for (std::size_t i = 0; i < fields.size(); ++i)
        if (fields[i].name == field_name) return static_cast<int>(i);
    return -1;
}

}  // namespace territoire
