// sheets.cpp — step `sheets`: identity sheets ("fiches d'identité"), first version, as attribute
// tables: one row per family of actors and one per area. French aliases name every column.
#include <algorithm>
#include <map>
#include <set>

#include "tables.hpp"

namespace territoire {

Table sheets_families(const Diagnostic& d) {
    Table t{"sheets_families", "Fiches familles d'acteurs",
            "Une fiche par famille d'acteurs : effectifs, implantation, liens", GeometryType::none, {}, {}, {}};
    add_field(t, "family", FieldType::text, "Famille");
    add_field(t, "n_actors", FieldType::integer, "Nombre d'acteurs");
    add_field(t, "share_actors_pct", FieldType::real, "Part des acteurs (%)");
    add_field(t, "n_located", FieldType::integer, "Acteurs localisés");
    add_field(t, "n_areas", FieldType::integer, "Nombre de zones où la famille est présente");
    add_field(t, "main_areas", FieldType::text, "Zones principales");
    add_field(t, "mean_degree", FieldType::real, "Nombre moyen de partenaires");
    add_field(t, "n_isolated", FieldType::integer, "Acteurs sans lien");
    add_field(t, "n_cut_vertices", FieldType::integer, "Acteurs charnières");
    add_field(t, "n_links_within", FieldType::integer, "Liens au sein de la famille");
    add_field(t, "n_links_with_others", FieldType::integer, "Liens avec d'autres familles");
    add_field(t, "partner_families", FieldType::text, "Familles partenaires (nombre de liens)");
    add_field(t, "most_central_actor", FieldType::text, "Acteur le plus intermédiaire");

    struct Acc {
        std::size_t n = 0, located = 0, isolated = 0, cut = 0, within = 0, others = 0;
        double degree_sum = 0;
        std::map<std::string, std::size_t> areas, partners;  // areas: by name, for display
        std::set<std::string> area_ids;
        std::size_t best = SIZE_MAX;
    };
    std::map<std::string, Acc> acc;
    std::map<std::string, std::string> area_names;
    for (const auto& a : d.areas) area_names[a.id] = a.name;
    for (std::size_t i = 0; i < d.actors.size(); ++i) {
        const Actor& a = d.actors[i];
        const ActorMeasures& m = d.measures[i];
        Acc& f = acc[a.family];
        ++f.n;
        if (a.location) ++f.located;
        if (!a.area_id.empty()) {
            ++f.areas[area_names[a.area_id]];
            f.area_ids.insert(a.area_id);
        }
        f.degree_sum += m.degree;
        if (m.degree == 0) ++f.isolated;
        if (m.is_cut_vertex) ++f.cut;
        // Named only when someone of the family actually bridges others (betweenness > 0).
        if (m.betweenness > 0 && (f.best == SIZE_MAX || m.betweenness > d.measures[f.best].betweenness)) f.best = i;
    }
    const auto index = actor_index(d);
    for (const auto& l : d.links) {
        const std::string& fa = d.actors[index.at(l.source_id)].family;
        const std::string& fb = d.actors[index.at(l.target_id)].family;
        if (fa == fb) {
            ++acc[fa].within;
        } else {
            ++acc[fa].others;
            ++acc[fb].others;
            ++acc[fa].partners[fb];
            ++acc[fb].partners[fa];
        }
    }
    for (const auto& [family, f] : acc) {
        t.rows.push_back({family, static_cast<std::int64_t>(f.n),
                          d.actors.empty() ? Value() : Value(100.0 * static_cast<double>(f.n) / static_cast<double>(d.actors.size())),
                          static_cast<std::int64_t>(f.located), static_cast<std::int64_t>(f.area_ids.size()),
                          describe_counts(f.areas, 5), f.degree_sum / static_cast<double>(f.n),
                          static_cast<std::int64_t>(f.isolated), static_cast<std::int64_t>(f.cut),
                          static_cast<std::int64_t>(f.within), static_cast<std::int64_t>(f.others),
                          describe_counts(f.partners),
                          f.best == SIZE_MAX ? Value() : Value(actor_label(d.actors[f.best]))});
    }
    return t;
}

Table sheets_areas(const Diagnostic& d, const std::map<std::string, AreaSummary>& summaries) {
    Table t{"sheets_areas", "Fiches zones", "Une fiche par zone : acteurs par famille, lieux par type, liens",
            GeometryType::none, {}, {}, {}};
    add_field(t, "area_id", FieldType::text, "Identifiant");
    add_field(t, "name", FieldType::text, "Zone");
    add_field(t, "population", FieldType::real, "Population");
    add_field(t, "n_actors", FieldType::integer, "Nombre d'acteurs");
    add_field(t, "actors_by_family", FieldType::text, "Acteurs par famille");
    add_field(t, "n_places", FieldType::integer, "Nombre de lieux");
    add_field(t, "places_by_kind", FieldType::text, "Lieux par type");
    add_field(t, "n_links_inside", FieldType::integer, "Liens internes à la zone");
    add_field(t, "n_links_across", FieldType::integer, "Liens avec d'autres zones");
    add_field(t, "share_links_across_pct", FieldType::real, "Part des liens vers d'autres zones (%)");
    add_field(t, "partner_areas", FieldType::text, "Zones partenaires (nombre de liens)");

    std::map<std::string, std::string> names;
    for (const auto& a : d.areas) names[a.id] = a.name;
    for (const auto& area : d.areas) {
        const AreaSummary& a = summaries.at(area.id);
        std::map<std::string, std::size_t> partners;  // by name, for display
        for (const auto& [id, n] : a.partners) partners[names[id]] += n;
        t.rows.push_back({area.id, area.name, area.population ? Value(*area.population) : Value(),
                          static_cast<std::int64_t>(a.actors), describe_counts(a.families),
                          static_cast<std::int64_t>(a.places), describe_counts(a.kinds),
                          static_cast<std::int64_t>(a.links_inside), static_cast<std::int64_t>(a.links_across),
                          share_across_pct(a),
                          describe_counts(partners, 5)});
    }
    return t;
}

}  // namespace territoire
