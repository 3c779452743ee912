// features.cpp — steps `places` and `actors`: records located, filtered to the territory and
// assigned to their area. Places and actors go through the same loop; they differ in their
// category (kind / family), in capacity, and in what happens without a location: an actor is kept
// and flagged (never given an invented position), a place is dropped and reported.
#include <algorithm>
#include <functional>
#include <set>

#include "detail/text.hpp"
#include "matching.hpp"
#include "geocode_records.hpp"
#include "presets.hpp"
#include "workspace.hpp"

namespace territoire {
namespace {

struct Item {
    std::string id;
    std::string name;
    std::string category;
    std::string domain;
    std::optional<Point> location;
    std::string area_id;
    Provenance provenance;
    const Record* record = nullptr;
};

struct ItemRules {
    const char* noun;                 // "lieu" / "acteur", for messages
    const std::string& category;      // constant kind / family
    const std::string& category_field;
    bool keep_unlocated;
    bool place = false;               // crosswalks give a place its kind, an actor its family
};

// Number in a record ref ("ligne 12" → "12"), for generated ids.
std::string ref_number(const std::string& ref) {
    const auto pos = ref.find_last_of(' ');
    return pos == std::string::npos ? ref : ref.substr(pos + 1);
}

void load_items(Workspace& ws, Diagnostic& d, const SourceSpec& spec, const SourceData& data,
                const ItemRules& rules, std::set<std::string>& ids,
                const std::function<void(Item&&)>& accept, const std::function<void(const std::string&)>& dropped) {
    SourceStats stats{spec.block, spec.name, data.records.size() + data.malformed_lines.size(), 0, 0, 0, 0, 0};
    stats.rejected += report_read_issues(d.problems, spec, data);
    const int id_col = spec.id_field.empty() ? -1 : data.column(spec.id_field);
    const int name_col = spec.name_field.empty() ? -1 : data.column(spec.name_field);
    const int cat_col = rules.category_field.empty() ? -1 : data.column(rules.category_field);
    const Crosswalk crosswalk = spec.crosswalk.empty() ? Crosswalk() : Crosswalk(spec);
    const int domain_col = spec.domain_field.empty() ? -1 : data.column(spec.domain_field);
    const int quality_col = spec.quality_field.empty() ? -1 : data.column(spec.quality_field);
    const RecordLocator locator(ws, spec, data);
    SourceGeocoder geocoder(ws, d, spec, data);  // records with an address and no coordinates
    constexpr std::size_t kSwapSample = 50;
    std::size_t swap_checked = 0, swap_inside = 0;
    std::vector<Item> kept;  // in record order; areas assigned after the loop, in one batch
    for (const auto& rec : data.records) {
        auto problem = [&](Severity sev, const char* kind, const std::string& field, const std::string& msg) {
            d.problems.report(source_problem(spec, sev, kind, rec.ref, field, msg));
        };
        Item item;
        item.record = &rec;
        item.provenance = Provenance{spec.name, rec.ref, "none", {}, {}, {}};
        if (id_col >= 0) item.id = detail::trim(rec.values[static_cast<std::size_t>(id_col)]);
        if (item.id.empty()) {
            if (id_col >= 0) problem(Severity::warning, "missing_id", spec.id_field, "identifiant absent : identifiant généré");
            item.id = spec.name + ":" + ref_number(rec.ref);
        }
        item.name = name_col >= 0 ? detail::trim(rec.values[static_cast<std::size_t>(name_col)]) : std::string();
        if (item.name.empty()) item.name = item.id;
        item.category = cat_col >= 0 ? detail::trim(rec.values[static_cast<std::size_t>(cat_col)]) : rules.category;
        const bool category_missing = item.category.empty();
        if (category_missing) {
            problem(Severity::info, "missing_category", rules.category_field, "catégorie absente : « non renseigné »");
            item.category = "non renseigné";
        }

        RecordLocation where = locator.locate(rec);
        if (!where.located && geocoder.active()) where = geocoder.locate(rec, item.provenance);
        item.provenance.location_method = where.located ? where.method : "none";
        if (!where.located) {
            ++stats.unlocated;
            problem(Severity::warning, where.problem.c_str(), where.field,
                    where.message + (rules.keep_unlocated ? std::string(" : ") + rules.noun + " gardé sans localisation"
                                                          : std::string(" : ") + rules.noun + " ignoré"));
            if (!rules.keep_unlocated) {
                dropped(item.id);
                continue;
            }
        } else if (!ws.in_territory(where.x, where.y)) {
            ++stats.outside;
            // A few outside points are checked with x and y swapped: a classic mix-up of columns.
            if (swap_checked < kSwapSample) {
                ++swap_checked;
                if (locator.inside_if_swapped(where)) ++swap_inside;
            }
            dropped(item.id);
            continue;
        } else {
            item.location = Point{where.x, where.y};
        }
        if (!ids.insert(item.id).second) {
            problem(Severity::warning, "duplicate_id", spec.id_field,
                    "identifiant « " + item.id + " » déjà utilisé : " + rules.noun + " ignoré");
            ++stats.rejected;
            continue;
        }
        // Codes and quality are looked at for the records kept only: a national file filtered to the
        // territory would otherwise report every record of the country.
        if (cat_col >= 0 && !spec.crosswalk.empty() && !category_missing) {
            // Official code → kind or family and domain (docs/presets.md). An unknown code reads
            // « non classé (<code>) »: a bare number would reach legends, maps and sheets, and the
            // code stays visible for the consultant to look up.
            if (const CrosswalkEntry* e = crosswalk.find(item.category)) {
                const std::string& mapped = rules.place ? e->kind : e->family;
                item.category = !mapped.empty() ? mapped : !e->label.empty() ? e->label : item.category;
                item.domain = e->domain;
            } else {
                const std::string code = item.category;
                item.category = unclassified_category(code);
                problem(Severity::warning, "unknown_code", rules.category_field,
                        "code « " + code + " » absent de la table de correspondance « " + crosswalk.file() +
                            " » : classé « " + item.category + " »");
            }
        }
        if (domain_col >= 0 && item.domain.empty()) {  // the crosswalk's vocabulary first
            if (auto v = detail::trim(rec.values[static_cast<std::size_t>(domain_col)]); !v.empty()) item.domain = std::move(v);
        }
        if (item.domain.empty()) item.domain = spec.domain;
        if (quality_col >= 0) {
            const std::string q = detail::trim(rec.values[static_cast<std::size_t>(quality_col)]);
            if (std::find(spec.poor_quality_values.begin(), spec.poor_quality_values.end(), q) != spec.poor_quality_values.end())
                problem(Severity::info, "poor_location_quality", spec.quality_field,
                        "qualité de la localisation « " + q + " » selon la source : position à vérifier");
        }
        ++stats.kept;
        kept.push_back(std::move(item));
    }
    // Areas of the kept points in one batch: AreaIndex::locate_all visits them along a Hilbert curve,
    // which is much faster than one by one in file order (docs/performance.md). Same areas.
    std::vector<Point> points;
    for (const auto& item : kept)
        if (item.location) points.push_back(*item.location);
    const auto areas = ws.area_index->locate_all(points);
    std::size_t next = 0;
    for (auto& item : kept) {
        if (item.location) {
            if (const auto& area = areas[next++]) {
                item.area_id = d.areas[*area].id;
                ++stats.assigned;
            } else {
                d.problems.report(source_problem(spec, Severity::warning, "no_area", item.record->ref, {},
                                                 std::string(rules.noun) +
                                                     " dans le territoire mais dans aucune zone (trou entre les zones ?)"));
            }
        }
        accept(std::move(item));
    }
    if (swap_inside > 0 && 2 * swap_inside >= swap_checked) {
        d.problems.report(source_problem(
            spec, Severity::warning, "swapped_coordinates", {}, spec.location.x_field,
            std::to_string(swap_inside) + " des " + std::to_string(swap_checked) +
                " premières entités hors du territoire y seraient avec x et y inversés : x_field et y_field "
                "sont-ils intervertis ?"));
    }
    if (stats.outside) {
        d.problems.report(source_problem(spec, Severity::info, "outside_territory", {}, {},
                                  std::to_string(stats.outside) + " entité(s) hors du territoire ignorée(s)"));
    }
    d.stats.push_back(stats);
}

// A preset's capacity columns (Basilic: seats of a cinema, gauge of a theatre, surface of a library):
// the first non-empty one gives the capacity and its unit.
void set_capacity_from_columns(Diagnostic& d, const SourceSpec& spec, const SourceData& data, const Record& rec,
                               Place& p) {
    for (const auto& [column, unit] : spec.capacity_columns) {
        const int col = data.column(column);
        if (col < 0) continue;
        const std::string& text = rec.values[static_cast<std::size_t>(col)];
        if (detail::trim(text).empty()) continue;
        if (const auto v = detail::parse_number(text)) {
            p.capacity = *v;
            p.capacity_unit = unit;
            return;
        }
        d.problems.report(source_problem(spec, Severity::warning, "invalid_number", rec.ref, column,
                                         "capacité illisible « " + text + " »"));
    }
}

}  // namespace

void build_places(Workspace& ws, Diagnostic& d) {
    std::set<std::string> ids;
    for (const auto& spec : d.project.places) {
        const SourceData data = read_source(spec);
        const int cap_col = spec.capacity_field.empty() ? -1 : data.column(spec.capacity_field);
        const IdentifierReader identifiers(spec, data);  // ids = {…} (matching.cpp)
        load_items(
            ws, d, spec, data, ItemRules{"lieu", spec.kind, spec.kind_field, false, true}, ids,
            [&](Item&& item) {
                Place p;
                p.id = std::move(item.id);
                p.name = std::move(item.name);
                p.kind = std::move(item.category);
                p.domain = std::move(item.domain);
                p.location = *item.location;
                p.area_id = std::move(item.area_id);
                p.provenance = std::move(item.provenance);
                p.identifiers = identifiers.read(*item.record, d.problems);
                if (cap_col < 0) set_capacity_from_columns(d, spec, data, *item.record, p);
                if (cap_col >= 0) {
                    const std::string& text = item.record->values[static_cast<std::size_t>(cap_col)];
                    if (const auto v = detail::parse_number(text)) {
                        p.capacity = *v;
                        p.capacity_unit = spec.capacity_unit;
                    } else if (!detail::trim(text).empty()) {
                        d.problems.report(source_problem(spec, Severity::warning, "invalid_number", item.record->ref,
                                                  spec.capacity_field, "capacité illisible « " + text + " »"));
                    }
                }
                d.places.push_back(std::move(p));
            },
            [](const std::string&) {});
    }
    std::sort(d.places.begin(), d.places.end(), [](const Place& a, const Place& b) { return a.id < b.id; });
}

void build_actors(Workspace& ws, Diagnostic& d, std::map<std::string, std::string>& dropped_actor_ids) {
    std::set<std::string> ids;
    for (const auto& spec : d.project.actors) {
        const SourceData data = read_source(spec);
        const IdentifierReader identifiers(spec, data);  // ids = {…} (matching.cpp)
        load_items(
            ws, d, spec, data, ItemRules{"acteur", spec.family, spec.family_field, true}, ids,
            [&](Item&& item) {
                Actor a;
                a.id = std::move(item.id);
                a.name = std::move(item.name);
                a.family = std::move(item.category);
                a.domain = std::move(item.domain);
                a.location = item.location;
                a.area_id = std::move(item.area_id);
                a.provenance = std::move(item.provenance);
                a.identifiers = identifiers.read(*item.record, d.problems);
                d.actors.push_back(std::move(a));
            },
            [&](const std::string& id) { dropped_actor_ids.emplace(id, spec.name); });
    }
    std::sort(d.actors.begin(), d.actors.end(), [](const Actor& a, const Actor& b) { return a.id < b.id; });
}

}  // namespace territoire
