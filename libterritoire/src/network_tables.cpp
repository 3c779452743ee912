// network_tables.cpp — the cooperation network as a whole, as layers and tables
// (docs/network.md): links between areas and communities on the map; summary, components,
// family mixing, area × area matrix, link lengths and isolated actors as tables; a sheet per
// community and per object (project or event).
#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "network.hpp"
#include "tables.hpp"

namespace territoire {
namespace {

// Actors grouped by a label (component, community): members, links inside and out, composition.
struct Group {
    std::vector<std::size_t> members;                 // actor indices, ascending (= id order)
    std::size_t located = 0;
    std::size_t links_inside = 0;
    std::size_t links_outside = 0;
    std::map<std::string, std::size_t> families;
    std::map<std::string, std::size_t> areas;         // by area name
    std::map<int, std::size_t> partners;              // links towards each other group
};

struct Context {
    const Diagnostic& d;
    std::map<std::string, std::size_t> index;         // actor id → position
    std::map<std::string, std::string> area_names;    // area id → name
};

template <class Label>
std::map<int, Group> group_actors(const Context& c, Label label) {
    std::map<int, Group> groups;
    for (std::size_t i = 0; i < c.d.actors.size(); ++i) {
        const int g = label(i);
        if (g <= 0) continue;
        Group& grp = groups[g];
        const Actor& a = c.d.actors[i];
        grp.members.push_back(i);
        if (a.location) ++grp.located;
        ++grp.families[a.family];
        if (!a.area_id.empty()) ++grp.areas[c.area_names.at(a.area_id)];
    }
    for (const auto& l : c.d.links) {
        const int a = label(c.index.at(l.source_id)), b = label(c.index.at(l.target_id));
        if (a <= 0 || b <= 0) continue;
        if (a == b) {
            ++groups[a].links_inside;
        } else {
            ++groups[a].links_outside;
            ++groups[b].links_outside;
            ++groups[a].partners[b];
            ++groups[b].partners[a];
        }
    }
    return groups;
}

// The member with the highest betweenness (smallest id on ties), if anyone bridges at all.
Value most_central(const Context& c, const Group& g) {
    std::size_t best = SIZE_MAX;
    for (std::size_t i : g.members)
        if (c.d.measures[i].betweenness > 0 && (best == SIZE_MAX || c.d.measures[i].betweenness > c.d.measures[best].betweenness))
            best = i;
    return best == SIZE_MAX ? Value() : Value(actor_label(c.d.actors[best]));
}

std::string join_names(const Context& c, const std::vector<std::size_t>& members) {
    std::vector<std::string> labels;
    for (std::size_t i : members) labels.push_back(actor_label(c.d.actors[i]));
    return join_list(labels);
}

Value pct(std::size_t part, std::size_t whole) {
    return whole ? Value(100.0 * static_cast<double>(part) / static_cast<double>(whole)) : Value();
}

// Lengths of links whose two actors are located, in metres.
std::vector<double> link_lengths(const Context& c) {
    std::vector<double> out;
    for (const auto& l : c.d.links) {
        const Actor& a = c.d.actors[c.index.at(l.source_id)];
        const Actor& b = c.d.actors[c.index.at(l.target_id)];
        if (a.location && b.location) out.push_back(std::hypot(a.location->x - b.location->x, a.location->y - b.location->y));
    }
    std::sort(out.begin(), out.end());
    return out;
}

// Family mixing: the ordered pairs (family at the link's start, family at its end), each
// undirected link counted both ways as networkx attribute_mixing_matrix does.
struct Mixing {
    std::vector<std::string> families;             // families of actors with links, sorted
    std::vector<std::vector<double>> count;        // ordered-pair counts
    double total = 0;
    std::optional<double> assortativity;           // networkx attribute_assortativity_coefficient
};

Mixing family_mixing(const Context& c) {
    Mixing mx;
    std::set<std::string> fams;
    for (const auto& l : c.d.links) {
        fams.insert(c.d.actors[c.index.at(l.source_id)].family);
        fams.insert(c.d.actors[c.index.at(l.target_id)].family);
    }
    mx.families.assign(fams.begin(), fams.end());
    const std::size_t k = mx.families.size();
    std::map<std::string, std::size_t> pos;
    for (std::size_t i = 0; i < k; ++i) pos[mx.families[i]] = i;
    mx.count.assign(k, std::vector<double>(k, 0.0));
    for (const auto& l : c.d.links) {
        const std::size_t a = pos[c.d.actors[c.index.at(l.source_id)].family];
        const std::size_t b = pos[c.d.actors[c.index.at(l.target_id)].family];
        mx.count[a][b] += 1;
        if (!c.d.network.directed) mx.count[b][a] += 1;
    }
    for (const auto& row : mx.count)
        for (double v : row) mx.total += v;
    if (mx.total > 0) {
        // r = (Σ e_ii − Σ a_i b_i) / (1 − Σ a_i b_i), e normalised to 1, a row sums, b column sums.
        double trace = 0, ab = 0;
        for (std::size_t i = 0; i < k; ++i) {
            double a = 0, b = 0;
            for (std::size_t j = 0; j < k; ++j) {
                a += mx.count[i][j] / mx.total;
                b += mx.count[j][i] / mx.total;
            }
            trace += mx.count[i][i] / mx.total;
            ab += a * b;
        }
        if (1 - ab != 0) mx.assortativity = (trace - ab) / (1 - ab);
    }
    return mx;
}

Table family_mixing_table(const Context& c, const Mixing& mx) {
    const bool directed = c.d.network.directed;
    Table t{"network_family_mixing", "Mélange entre familles",
            "Liens entre familles d'acteurs : observés et attendus si les partenaires se choisissaient au hasard",
            GeometryType::none, {}, {}, {}};
    add_field(t, "family_a", FieldType::text, directed ? "Famille d'origine" : "Famille A");
    add_field(t, "family_b", FieldType::text, directed ? "Famille de destination" : "Famille B");
    add_field(t, "n_links", FieldType::integer, "Liens observés");
    add_field(t, "share_links_pct", FieldType::real, "Part des liens (%)");
    add_field(t, "expected_links", FieldType::real, "Liens attendus (mélange au hasard)");
    add_field(t, "ratio_observed_expected", FieldType::real, "Rapport observé / attendu");
    const std::size_t k = mx.families.size();
    const double links = static_cast<double>(c.d.links.size());
    std::vector<double> a(k, 0.0), b(k, 0.0);
    for (std::size_t i = 0; i < k; ++i)
        for (std::size_t j = 0; j < k; ++j) {
            a[i] += mx.count[i][j] / mx.total;
            b[j] += mx.count[i][j] / mx.total;
        }
    for (std::size_t i = 0; i < k; ++i)
        for (std::size_t j = directed ? 0 : i; j < k; ++j) {
            // Undirected: a link between two families sits in cells (i, j) and (j, i), a link
            // inside a family twice in (i, i); so observed = M_ij (i ≠ j) or M_ii / 2, and the
            // expectation under random mixing is L·2·a_i·a_j (i ≠ j) or L·a_i².
            const double observed = directed ? mx.count[i][j] : (i == j ? mx.count[i][i] / 2 : mx.count[i][j]);
            const double expected = directed ? links * a[i] * b[j] : links * a[i] * a[j] * (i == j ? 1 : 2);
            t.rows.push_back({mx.families[i], mx.families[j], static_cast<std::int64_t>(std::llround(observed)),
                              links > 0 ? Value(100.0 * observed / links) : Value(), expected,
                              expected > 0 ? Value(observed / expected) : Value()});
        }
    return t;
}

struct AreaPair {
    std::size_t links = 0;
    double weight = 0;
};

// Links between areas (direction ignored), by (smaller id, larger id); a link to an actor
// without area counts for none.
std::map<std::pair<std::string, std::string>, AreaPair> area_pairs(const Context& c) {
    std::map<std::pair<std::string, std::string>, AreaPair> out;
    for (const auto& l : c.d.links) {
        const std::string& a = c.d.actors[c.index.at(l.source_id)].area_id;
        const std::string& b = c.d.actors[c.index.at(l.target_id)].area_id;
        if (a.empty() || b.empty()) continue;
        AreaPair& p = out[{std::min(a, b), std::max(a, b)}];
        ++p.links;
        p.weight += l.weight;
    }
    return out;
}

Table area_matrix_table(const Context& c, const std::map<std::pair<std::string, std::string>, AreaPair>& pairs) {
    Table t{"network_area_matrix", "Liens entre zones",
            "Nombre de liens entre chaque paire de zones, et à l'intérieur de chaque zone", GeometryType::none, {}, {}, {}};
    add_field(t, "area_id_a", FieldType::text, "Zone A");
    add_field(t, "name_a", FieldType::text, "Nom de la zone A");
    add_field(t, "area_id_b", FieldType::text, "Zone B");
    add_field(t, "name_b", FieldType::text, "Nom de la zone B");
    add_field(t, "same_area", FieldType::boolean, "Liens internes à une zone");
    add_field(t, "n_links", FieldType::integer, "Nombre de liens");
    add_field(t, "weight_sum", FieldType::real, "Somme des poids");
    for (const auto& [key, p] : pairs) {
        t.rows.push_back({key.first, c.area_names.at(key.first), key.second, c.area_names.at(key.second),
                          key.first == key.second, count_value(p.links), p.weight});
    }
    return t;
}

Table area_links_layer(Workspace& ws, const Context& c, const std::map<std::pair<std::string, std::string>, AreaPair>& pairs) {
    Table t{"area_links", "Liens entre zones (carte)",
            "Une ligne entre les centroïdes de deux zones, pondérée par le nombre de liens qui les relient",
            GeometryType::linestring, {}, {}, {}};
    add_field(t, "area_link_id", FieldType::text, "Identifiant");
    add_field(t, "area_id_a", FieldType::text, "Zone A");
    add_field(t, "name_a", FieldType::text, "Nom de la zone A");
    add_field(t, "area_id_b", FieldType::text, "Zone B");
    add_field(t, "name_b", FieldType::text, "Nom de la zone B");
    add_field(t, "n_links", FieldType::integer, "Nombre de liens");
    add_field(t, "weight_sum", FieldType::real, "Somme des poids");
    std::map<std::string, Point> centroid;
    for (std::size_t i = 0; i < c.d.areas.size() && i < ws.area_geoms.size(); ++i) {
        detail::GeomPtr g = detail::own(ws.geos, GEOSGetCentroid_r(ws.geos.handle(), ws.area_geoms[i].get()), "centroïde");
        Point p;
        if (GEOSGeomGetX_r(ws.geos.handle(), g.get(), &p.x) && GEOSGeomGetY_r(ws.geos.handle(), g.get(), &p.y))
            centroid[c.d.areas[i].id] = p;
    }
    for (const auto& [key, p] : pairs) {
        if (key.first == key.second) continue;
        t.rows.push_back({key.first + "--" + key.second, key.first, c.area_names.at(key.first), key.second,
                          c.area_names.at(key.second), count_value(p.links), p.weight});
        const auto a = centroid.find(key.first), b = centroid.find(key.second);
        t.geometries.push_back(a != centroid.end() && b != centroid.end() ? line_wkb(a->second, b->second) : Wkb{});
    }
    return t;
}

Table communities_layer(const Context& c, const std::map<int, Group>& communities) {
    Table t{"communities", "Communautés", "Groupes d'acteurs plus liés entre eux qu'avec les autres (méthode de Louvain)",
            GeometryType::multipoint, {}, {}, {}};
    add_field(t, "community", FieldType::integer, "Communauté");
    add_field(t, "n_actors", FieldType::integer, "Nombre d'acteurs");
    add_field(t, "n_located", FieldType::integer, "Acteurs localisés");
    add_field(t, "n_links_inside", FieldType::integer, "Liens internes");
    add_field(t, "n_links_outside", FieldType::integer, "Liens vers d'autres communautés");
    add_field(t, "main_families", FieldType::text, "Familles dominantes");
    add_field(t, "main_areas", FieldType::text, "Zones principales");
    add_field(t, "most_central_actor", FieldType::text, "Acteur le plus intermédiaire");
    for (const auto& [id, g] : communities) {
        t.rows.push_back({static_cast<std::int64_t>(id), count_value(g.members.size()), count_value(g.located),
                          count_value(g.links_inside), count_value(g.links_outside), describe_counts(g.families, 3),
                          describe_counts(g.areas, 3), most_central(c, g)});
        std::vector<Point> points;
        for (std::size_t i : g.members)
            if (c.d.actors[i].location) points.push_back(*c.d.actors[i].location);
        t.geometries.push_back(points.empty() ? Wkb{} : multipoint_wkb(points));
    }
    return t;
}

Table sheets_communities(const Context& c, const std::map<int, Group>& communities) {
    Table t{"sheets_communities", "Fiches communautés",
            "Une fiche par communauté d'acteurs : membres, familles, zones, liens avec les autres communautés",
            GeometryType::none, {}, {}, {}};
    add_field(t, "community", FieldType::integer, "Communauté");
    add_field(t, "n_actors", FieldType::integer, "Nombre d'acteurs");
    add_field(t, "share_actors_pct", FieldType::real, "Part des acteurs (%)");
    add_field(t, "actors_by_family", FieldType::text, "Acteurs par famille");
    add_field(t, "actors_by_area", FieldType::text, "Acteurs par zone");
    add_field(t, "n_links_inside", FieldType::integer, "Liens internes");
    add_field(t, "n_links_outside", FieldType::integer, "Liens vers d'autres communautés");
    add_field(t, "partner_communities", FieldType::text, "Communautés partenaires (nombre de liens)");
    add_field(t, "most_central_actor", FieldType::text, "Acteur le plus intermédiaire");
    add_field(t, "members", FieldType::text, "Membres");
    for (const auto& [id, g] : communities) {
        std::map<std::string, std::size_t> partners;
        for (const auto& [other, n] : g.partners) partners["communauté " + std::to_string(other)] = n;
        t.rows.push_back({static_cast<std::int64_t>(id), count_value(g.members.size()),
                          pct(g.members.size(), c.d.actors.size()), describe_counts(g.families), describe_counts(g.areas),
                          count_value(g.links_inside), count_value(g.links_outside), describe_counts(partners),
                          most_central(c, g), join_names(c, g.members)});
    }
    return t;
}

Table sheets_objects(const Context& c) {
    Table t{"sheets_objects", "Fiches objets de coopération",
            "Une fiche par projet ou événement partagé : participants, familles, zones, années", GeometryType::none, {}, {}, {}};
    add_field(t, "object_id", FieldType::text, "Identifiant");
    add_field(t, "name", FieldType::text, "Projet ou événement");
    add_field(t, "n_actors", FieldType::integer, "Nombre de participants");
    add_field(t, "actors_by_family", FieldType::text, "Participants par famille");
    add_field(t, "actors_by_area", FieldType::text, "Participants par zone");
    add_field(t, "years", FieldType::text, "Années");
    add_field(t, "roles", FieldType::text, "Rôles");
    add_field(t, "n_pairs", FieldType::integer, "Paires d'acteurs reliées");
    add_field(t, "participants", FieldType::text, "Participants");
    for (const auto& o : c.d.objects) {
        std::map<std::string, std::size_t> families, areas;
        std::vector<std::size_t> members;
        for (const auto& id : o.actor_ids) {
            const std::size_t i = c.index.at(id);
            members.push_back(i);
            ++families[c.d.actors[i].family];
            if (!c.d.actors[i].area_id.empty()) ++areas[c.area_names.at(c.d.actors[i].area_id)];
        }
        const std::size_t k = o.actor_ids.size();
        t.rows.push_back({o.id, o.name, count_value(k), describe_counts(families), describe_counts(areas),
                          opt_text(join_list(o.years)), opt_text(join_list(o.roles)), count_value(k * (k ? k - 1 : 0) / 2),
                          join_names(c, members)});
    }
    return t;
}

Table components_table(const Context& c, const std::map<int, Group>& components) {
    Table t{"network_components", "Composantes du réseau",
            "Ensembles d'acteurs reliés entre eux (au moins deux acteurs ; les isolés sont listés à part)",
            GeometryType::none, {}, {}, {}};
    add_field(t, "component", FieldType::integer, "Composante");
    add_field(t, "n_actors", FieldType::integer, "Nombre d'acteurs");
    add_field(t, "share_actors_pct", FieldType::real, "Part des acteurs (%)");
    add_field(t, "n_links", FieldType::integer, "Nombre de liens");
    add_field(t, "actors_by_family", FieldType::text, "Acteurs par famille");
    add_field(t, "main_areas", FieldType::text, "Zones principales");
    for (const auto& [id, g] : components) {
        if (g.members.size() < 2) continue;
        t.rows.push_back({static_cast<std::int64_t>(id), count_value(g.members.size()),
                          pct(g.members.size(), c.d.actors.size()), count_value(g.links_inside),
                          describe_counts(g.families), describe_counts(g.areas, 5)});
    }
    return t;
}

Table isolated_table(const Context& c) {
    Table t{"network_isolated_actors", "Acteurs isolés", "Acteurs sans aucun lien de coopération, par famille et par zone",
            GeometryType::none, {}, {}, {}};
    add_field(t, "actor_id", FieldType::text, "Identifiant");
    add_field(t, "name", FieldType::text, "Nom");
    add_field(t, "family", FieldType::text, "Famille");
    add_field(t, "area_id", FieldType::text, "Zone");
    add_field(t, "area_name", FieldType::text, "Nom de la zone");
    std::vector<std::size_t> isolated;
    for (std::size_t i = 0; i < c.d.actors.size(); ++i)
        if (c.d.measures[i].degree == 0) isolated.push_back(i);
    auto area_of = [&](std::size_t i) {
        const auto& id = c.d.actors[i].area_id;
        return id.empty() ? std::string() : c.area_names.at(id);
    };
    std::stable_sort(isolated.begin(), isolated.end(), [&](std::size_t a, std::size_t b) {
        return std::tie(c.d.actors[a].family, c.d.actors[a].area_id) < std::tie(c.d.actors[b].family, c.d.actors[b].area_id);
    });
    for (std::size_t i : isolated) {
        const Actor& a = c.d.actors[i];
        t.rows.push_back({a.id, a.name, a.family, opt_text(a.area_id), opt_text(area_of(i))});
    }
    return t;
}

Table link_lengths_table(const std::vector<double>& lengths, std::size_t n_links) {
    Table t{"network_link_lengths", "Longueur des liens",
            "Répartition des liens selon la distance à vol d'oiseau entre les deux acteurs", GeometryType::none, {}, {}, {}};
    add_field(t, "class_order", FieldType::integer, "Ordre");
    add_field(t, "label", FieldType::text, "Distance");
    add_field(t, "min_m", FieldType::real, "À partir de (m)");
    add_field(t, "max_m", FieldType::real, "Jusqu'à (m, exclu)");
    add_field(t, "n_links", FieldType::integer, "Nombre de liens");
    add_field(t, "share_pct", FieldType::real, "Part des liens (%)");
    struct Class {
        const char* label;
        double min, max;
    };
    static const Class classes[] = {{"moins de 500 m", 0, 500},        {"500 m à 1 km", 500, 1000},
                                    {"1 à 2 km", 1000, 2000},          {"2 à 5 km", 2000, 5000},
                                    {"5 à 10 km", 5000, 10000},        {"10 à 20 km", 10000, 20000},
                                    {"20 à 50 km", 20000, 50000},      {"50 km et plus", 50000, -1}};
    std::int64_t order = 0;
    for (const Class& k : classes) {
        const auto n = static_cast<std::size_t>(std::count_if(lengths.begin(), lengths.end(), [&](double v) {
            return v >= k.min && (k.max < 0 || v < k.max);
        }));
        t.rows.push_back({++order, std::string(k.label), k.min, k.max < 0 ? Value() : Value(k.max), count_value(n),
                          pct(n, n_links)});
    }
    const std::size_t unknown = n_links - lengths.size();
    t.rows.push_back({++order, std::string("inconnue (acteur non localisé)"), Value(), Value(), count_value(unknown),
                      pct(unknown, n_links)});
    return t;
}

Table summary_table(const Context& c, const Mixing& mx, const std::vector<double>& lengths,
                    const std::map<int, Group>& components,
                    const std::map<std::pair<std::string, std::string>, AreaPair>& area_links) {
    Table t{"network_summary", "Synthèse du réseau", "Indicateurs du réseau de coopération dans son ensemble",
            GeometryType::none, {}, {}, {}};
    add_field(t, "indicator", FieldType::text, "Indicateur (code)");
    add_field(t, "label", FieldType::text, "Indicateur");
    add_field(t, "value", FieldType::real, "Valeur");
    const Diagnostic& d = c.d;
    const std::size_t n = d.actors.size(), m = d.links.size();
    auto add = [&](const char* code, const char* label, Value v) { t.rows.push_back({std::string(code), std::string(label), v}); };
    auto num = [](std::size_t v) { return Value(static_cast<double>(v)); };
    std::size_t isolated = 0, cut = 0, across = 0, with_areas = 0, largest = 0, multi = 0;
    const auto bridges = static_cast<std::size_t>(d.network.bridges);
    for (const auto& x : d.measures) {
        isolated += x.degree == 0;
        cut += x.is_cut_vertex;
    }
    for (const auto& [id, g] : components) {  // components of two actors or more
        largest = std::max(largest, g.members.size());
        ++multi;
    }
    if (largest == 0 && n > 0) largest = 1;  // only isolated actors
    for (const auto& [key, p] : area_links) {  // links whose two actors have an area
        with_areas += p.links;
        if (key.first != key.second) across += p.links;
    }
    // Density as networkx: m / (n(n-1)) directed, 2m / (n(n-1)) undirected.
    const double pairs = n > 1 ? static_cast<double>(n) * static_cast<double>(n - 1) : 0;
    const double density = pairs > 0 ? (d.network.directed ? 1.0 : 2.0) * static_cast<double>(m) / pairs : 0.0;
    Value median, mean;
    if (!lengths.empty()) {
        const std::size_t h = lengths.size() / 2;
        median = lengths.size() % 2 ? lengths[h] : (lengths[h - 1] + lengths[h]) / 2;
        double sum = 0;
        for (double v : lengths) sum += v;
        mean = sum / static_cast<double>(lengths.size());
    }
    add("directed", "Réseau orienté (1 = oui, 0 = non)", d.network.directed ? 1.0 : 0.0);
    add("n_actors", "Acteurs", num(n));
    add("n_links", "Liens", num(m));
    add("n_objects", "Projets ou événements partagés", num(d.objects.size()));
    add("density", "Densité (part des liens possibles qui existent)", density);
    add("n_components", "Composantes connexes (acteurs isolés compris)", num(static_cast<std::size_t>(d.network.components)));
    add("n_components_with_links", "Composantes d'au moins deux acteurs", num(multi));
    add("largest_component", "Acteurs dans la plus grande composante", num(largest));
    add("largest_component_pct", "Part des acteurs dans la plus grande composante (%)", pct(largest, n));
    add("n_isolated", "Acteurs sans lien", num(isolated));
    add("n_cut_vertices", "Acteurs charnières", num(cut));
    add("n_bridges", "Liens ponts", num(bridges));
    add("n_communities", "Communautés (méthode de Louvain)", num(static_cast<std::size_t>(d.network.communities)));
    add("modularity", "Modularité de la partition en communautés", m ? Value(d.network.modularity) : Value());
    add("louvain_seed", "Graine fixe de la méthode de Louvain", static_cast<double>(d.network.louvain_seed));
    add("family_assortativity", "Assortativité par famille (-1 à 1 : tendance à coopérer entre soi)", opt_real(mx.assortativity));
    add("share_links_across_areas_pct", "Part des liens entre zones différentes (%)", pct(across, with_areas));
    add("link_length_median_m", "Longueur médiane des liens (m)", median);
    add("link_length_mean_m", "Longueur moyenne des liens (m)", mean);
    return t;
}

}  // namespace

NetworkTables network_tables(Workspace& ws, const Diagnostic& d) {
    Context c{d, actor_index(d), {}};
    for (const auto& a : d.areas) c.area_names[a.id] = a.name;
    // Components of at least two actors: a component of one is an isolated actor (listed in
    // network_isolated_actors), and national files have millions of them.
    const auto components =
        group_actors(c, [&](std::size_t i) { return d.measures[i].degree == 0 ? 0 : d.measures[i].component; });
    const auto communities = group_actors(c, [&](std::size_t i) { return d.measures[i].community; });
    const auto pairs = area_pairs(c);
    const auto lengths = link_lengths(c);
    const Mixing mx = family_mixing(c);

    NetworkTables out;
    out.layers.push_back(area_links_layer(ws, c, pairs));
    out.layers.push_back(communities_layer(c, communities));
    out.tables.push_back(summary_table(c, mx, lengths, components, pairs));
    out.tables.push_back(components_table(c, components));
    out.tables.push_back(family_mixing_table(c, mx));
    out.tables.push_back(area_matrix_table(c, pairs));
    out.tables.push_back(link_lengths_table(lengths, d.links.size()));
    out.tables.push_back(isolated_table(c));
    out.sheets.push_back(sheets_communities(c, communities));
    out.sheets.push_back(sheets_objects(c));
    return out;
}

}  // namespace territoire
