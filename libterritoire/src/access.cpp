// access.cpp — step `access` (docs/access.md): population cells, travel costs to the places of each
// measured kind (access::Router), the measures per cell, per area and for the territory, and their
// tables (access_grid, isochrones, access_summary, sheets_contrast, access fields of `areas`).
#include "access.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <numeric>
#include <regex>
#include <set>

#include "access_streets.hpp"
#include "detail/parallel.hpp"
#include "detail/text.hpp"
#include "tables.hpp"
#include "territoire/error.hpp"
#include "workspace.hpp"

namespace territoire {
namespace access {

double decay_weight(Decay decay, double t, double t0) {
    if (!(t <= t0)) return 0;
    if (decay == Decay::step) return 1;
    const double floor = std::exp(-0.5);
    const double r = t0 > 0 ? t / t0 : 0;
    return (std::exp(-0.5 * r * r) - floor) / (1 - floor);
}

std::vector<double> two_step_fca(const std::vector<double>& population, const std::vector<double>& supply,
                                 const std::vector<std::vector<Router::Reach>>& catchments, double t0, Decay decay) {
    std::vector<double> score(population.size(), 0.0);
    for (std::size_t j = 0; j < catchments.size(); ++j) {
        double demand = 0;  // step 1: weighted population reaching j (costs origin → j)
        for (const auto& r : catchments[j]) demand += decay_weight(decay, r.cost_m, t0) * population[r.origin];
        if (!(demand > 0)) continue;  // nobody reaches j: its supply serves no inhabitant
        const double ratio = supply[j] / demand;
        for (const auto& r : catchments[j]) score[r.origin] += decay_weight(decay, r.cost_m, t0) * ratio;  // step 2
    }
    return score;
}

namespace {
// (value, weight) pairs with a positive weight, sorted by value when asked; their total weight and
// weighted mean.
struct Weighted {
    std::vector<std::pair<double, double>> items;
    double total = 0;
    double mean = 0;
};
Weighted weighted(const std::vector<double>& values, const std::vector<double>& weights, bool sorted = true) {
    Weighted w;
    double sum = 0;
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (!(weights[i] > 0)) continue;
        w.items.emplace_back(values[i], weights[i]);
        w.total += weights[i];
        if (std::isfinite(values[i])) sum += weights[i] * values[i];
    }
    if (sorted) std::sort(w.items.begin(), w.items.end());
    if (w.total > 0) w.mean = sum / w.total;
    return w;
}
}  // namespace

std::optional<double> weighted_gini(const std::vector<double>& values, const std::vector<double>& weights) {
    const Weighted w = weighted(values, weights);
    if (!(w.total > 0) || !(w.mean > 0)) return std::nullopt;
    // Sorted ascending, Σ_i Σ_j w_i w_j |x_i − x_j| = 2 Σ_i w_i x_i (W_before(i) − W_after(i)).
    double before = 0, sum = 0;
    for (const auto& [x, wt] : w.items) {
        const double after = w.total - before - wt;
        sum += wt * x * (before - after);
        before += wt;
    }
    return 2 * sum / (2 * w.total * w.total * w.mean);
}

std::optional<double> weighted_theil(const std::vector<double>& values, const std::vector<double>& weights) {
    const Weighted w = weighted(values, weights, false);
    if (!(w.total > 0) || !(w.mean > 0)) return std::nullopt;
    double sum = 0;
    for (const auto& [x, wt] : w.items) {
        const double r = x / w.mean;
        if (r > 0) sum += wt * r * std::log(r);
    }
    return sum / w.total;
}

std::optional<double> weighted_median(const std::vector<double>& values, const std::vector<double>& weights) {
    const Weighted w = weighted(values, weights);
    if (!(w.total > 0)) return std::nullopt;
    // Cumulative weights are compared with a tolerance: 0.1 + 0.2 inhabitants must be "half" of 0.6.
    const double half = w.total / 2, tolerance = 1e-9 * w.total;
    double unreachable = 0;
    for (const auto& [x, wt] : w.items)
        if (!std::isfinite(x)) unreachable += wt;
    // Half or more of the inhabitants unreachable: the median is beyond max_minutes, unknown.
    if (unreachable >= half - tolerance) return std::nullopt;
    double cumulated = 0;
    for (const auto& [x, wt] : w.items) {
        cumulated += wt;
        if (cumulated >= half - tolerance) return x;
    }
    return std::nullopt;
}

TheilParts theil_decomposition(const std::vector<double>& values, const std::vector<double>& weights,
                               const std::vector<std::size_t>& groups) {
    const Weighted all = weighted(values, weights, false);
    if (!(all.total > 0) || !(all.mean > 0)) return {};
    // Per group: W_g, Σ w x and Σ w x ln x (x > 0); then μ_g = Σ w x / W_g and
    // T_g = (1/W_g) Σ w (x/μ_g) ln(x/μ_g) = Σ w x ln x / (W_g μ_g) − ln μ_g.
    std::map<std::size_t, std::array<double, 3>> sums;
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (!(weights[i] > 0)) continue;
        auto& g = sums[groups[i]];
        g[0] += weights[i];
        g[1] += weights[i] * values[i];
        if (values[i] > 0) g[2] += weights[i] * values[i] * std::log(values[i]);
    }
    TheilParts out{0.0, 0.0};
    const double mu = all.mean, total = all.total;
    for (const auto& entry : sums) {
        const auto& g = entry.second;
        const double mean_g = g[1] / g[0];
        if (!(mean_g > 0)) continue;  // a group with no score contributes 0 · ln 0 = 0
        const double share = g[1] / (total * mu);  // the group's share of the total score
        *out.between += share * std::log(mean_g / mu);
        *out.within += share * (g[2] / g[1] - std::log(mean_g));
    }
    return out;
}

std::optional<GridCellCode> parse_grid_cell_code(const std::string& code) {
    // CRS<epsg>RES<resolution>mN<north>E<east>, integers (a "%lf" would read "N…E…" as an exponent).
    static const std::regex pattern("^CRS([0-9]{4,6})RES([0-9]{1,7})mN([0-9]{1,9})E([0-9]{1,9})$");
    std::smatch m;
    if (!std::regex_match(code, m, pattern)) return std::nullopt;
    const GridCellCode c{std::stoi(m[1].str()), std::stod(m[2].str()), std::stod(m[3].str()), std::stod(m[4].str())};
    if (c.resolution_m <= 0) return std::nullopt;
    return c;
}

}  // namespace access

namespace {

using access::Router;

struct Cell {
    std::string id;
    double population = 0;
    Point point;
    Wkb geometry;  // MultiPolygon for polygon sources and Filosofi; empty for points
    std::optional<std::size_t> area;
};

struct Cells {
    std::vector<Cell> cells;
    bool polygons = false;
};

int column_ci(const SourceData& data, const std::string& name) {
    for (std::size_t i = 0; i < data.columns.size(); ++i) {
        const std::string& c = data.columns[i];
        if (c.size() == name.size() &&
            std::equal(c.begin(), c.end(), name.begin(), [](char a, char b) { return std::tolower(a) == std::tolower(b); }))
            return static_cast<int>(i);
    }
    return -1;
}

// ISO WKB geometry type without Z/M (1 point, 3 polygon, 4 multipoint, 6 multipolygon), 0 if unknown.
unsigned wkb_type(const Wkb& wkb) {
    if (wkb.size() < 5) return 0;
    std::uint32_t t = 0;
    if (wkb[0] == 1) {
        std::memcpy(&t, wkb.data() + 1, 4);
    } else {
        for (int i = 1; i <= 4; ++i) t = (t << 8) | wkb[static_cast<std::size_t>(i)];
    }
    return t % 1000;
}

std::string number_text(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.15g", v);
    return buf;
}

// "15" → "15", 7.5 → "7_5": minutes in field names.
std::string minutes_slug(double minutes) {
    std::string s = number_text(minutes);
    std::replace(s.begin(), s.end(), '.', '_');
    return s;
}

// 3,142 / 28,7 / 33105: a number in French notes, with `digits` significant digits.
std::string short_number(double v, int digits = 4) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*g", digits, v);
    std::string s = buf;
    std::replace(s.begin(), s.end(), '.', ',');
    return s;
}

// "15" / "7,5": minutes in French labels.
std::string minutes_label(double minutes) {
    std::string s = number_text(minutes);
    std::replace(s.begin(), s.end(), '.', ',');
    return s;
}

// The cell square of a Filosofi code, reprojected to the working CRS (corners only: a 200 m cell
// stays a straight-edged quadrilateral to well under a centimetre), and its centre.
bool filosofi_cell(Workspace& ws, const access::GridCellCode& code, Cell& cell) {
    const auto& tr = ws.to_working("EPSG:" + std::to_string(code.epsg));
    const double r = code.resolution_m;
    const double xs[5] = {code.east, code.east + r, code.east + r, code.east, code.east};
    const double ys[5] = {code.north, code.north, code.north + r, code.north + r, code.north};
    std::string wkt = "MULTIPOLYGON(((";
    for (int i = 0; i < 5; ++i) {
        double x = xs[i], y = ys[i];
        if (!tr.transform(x, y)) return false;
        wkt += (i ? "," : "") + number_text(x) + " " + number_text(y);
    }
    wkt += ")))";
    double cx = code.east + r / 2, cy = code.north + r / 2;
    if (!tr.transform(cx, cy)) return false;
    cell.point = Point{cx, cy};
    const detail::GeomPtr g = detail::from_wkt(ws.geos, wkt);
    if (!g) return false;
    cell.geometry = detail::to_wkb(ws.geos, g.get());
    return true;
}

Cells read_cells(Workspace& ws, Diagnostic& d) {
    const PopulationSpec& pop = *d.project.population;
    const SourceSpec& spec = pop.source;
    const SourceData data = read_source(spec);
    const bool filosofi = pop.preset == "filosofi";
    SourceStats stats{spec.block, spec.name, data.records.size() + data.malformed_lines.size(), 0, 0, 0, 0, 0};
    stats.rejected += report_read_issues(d.problems, spec, data);
    auto missing_column = [&](const std::string& name, const char* key) {
        return InputError(Location{spec.path_as_written, data.layer, {}, name},
                          std::string("champ introuvable (") + key + " du préréglage filosofi) ; indiquez-le dans le bloc "
                          "[population] ; champs présents : " + join_list(data.columns));
    };
    int id_col = spec.id_field.empty() ? -1 : data.column(spec.id_field);
    int pop_col = spec.population_field.empty() ? -1 : data.column(spec.population_field);
    int code_col = -1;
    if (filosofi) {
        code_col = id_col >= 0 ? id_col : column_ci(data, "Idcar_200m");
        if (code_col < 0) throw missing_column("Idcar_200m", "id_field");
        if (pop_col < 0) pop_col = column_ci(data, "Ind");
        if (pop_col < 0) throw missing_column("Ind", "population_field");
        id_col = code_col;
    }
    const std::string pop_field = data.columns[static_cast<std::size_t>(pop_col)];

    Cells out;
    // Polygons or points: Filosofi and polygon layers give cells, location keys and point layers points.
    if (filosofi) {
        out.polygons = true;
    } else if (!spec.location.uses_fields()) {
        for (const auto& rec : data.records) {
            if (rec.geometry.empty()) continue;
            const unsigned t = wkb_type(rec.geometry);
            out.polygons = t == 3 || t == 6;
            break;
        }
    }
    std::optional<RecordLocator> locator;
    if (!filosofi && !out.polygons) locator.emplace(ws, spec, data);
    std::set<std::string> ids;
    const auto h = ws.geos.handle();
    for (const auto& rec : data.records) {
        auto problem = [&](Severity sev, const char* kind, const std::string& field, const std::string& msg) {
            d.problems.report(source_problem(spec, sev, kind, rec.ref, field, msg));
        };
        Cell cell;
        cell.id = id_col >= 0 ? detail::trim(rec.values[static_cast<std::size_t>(id_col)]) : std::string();
        if (cell.id.empty()) cell.id = spec.name + ":" + rec.ref.substr(rec.ref.find_last_of(' ') + 1);
        const std::string& text = rec.values[static_cast<std::size_t>(pop_col)];
        const auto value = detail::parse_number(text);
        if (!value || *value < 0) {
            problem(Severity::warning, detail::trim(text).empty() ? "missing_population" : "invalid_number", pop_field,
                    detail::trim(text).empty() ? "population absente : carreau ignoré"
                                               : "population illisible « " + text + " » : carreau ignoré");
            ++stats.rejected;
            continue;
        }
        cell.population = *value;
        if (filosofi) {
            const auto code = access::parse_grid_cell_code(cell.id);
            if (!code || !filosofi_cell(ws, *code, cell)) {
                problem(Severity::warning, "invalid_grid_code", data.columns[static_cast<std::size_t>(code_col)],
                        "code de carreau « " + cell.id + " » illisible (attendu : CRS3035RES200mN…E…) : carreau ignoré");
                ++stats.rejected;
                continue;
            }
        } else if (out.polygons) {
            const unsigned t = wkb_type(rec.geometry);
            if (t != 3 && t != 6) {
                problem(Severity::warning, "invalid_geometry", {}, "géométrie non polygonale dans une couche de polygones : ignorée");
                ++stats.rejected;
                continue;
            }
            detail::GeomPtr g = record_polygon(ws, spec, data, rec, d.problems);
            if (!g) {
                ++stats.rejected;
                continue;
            }
            detail::GeomPtr p = detail::own(ws.geos, GEOSPointOnSurface_r(h, g.get()), "point du carreau");
            double x = 0, y = 0;
            GEOSGeomGetX_r(h, p.get(), &x);
            GEOSGeomGetY_r(h, p.get(), &y);
            cell.point = Point{x, y};
            cell.geometry = detail::to_wkb(ws.geos, g.get());
        } else {
            const RecordLocation where = locator->locate(rec);
            if (!where.located) {
                ++stats.unlocated;
                problem(Severity::warning, where.problem.c_str(), where.field, where.message + " : population ignorée");
                continue;
            }
            cell.point = Point{where.x, where.y};
        }
        if (!ws.in_territory(cell.point.x, cell.point.y)) {
            ++stats.outside;
            continue;
        }
        if (!ids.insert(cell.id).second) {
            problem(Severity::warning, "duplicate_id", spec.id_field.empty() ? pop_field : spec.id_field,
                    "identifiant de carreau « " + cell.id + " » en double : seul le premier est gardé");
            ++stats.rejected;
            continue;
        }
        out.cells.push_back(std::move(cell));
    }
    if (stats.outside) {
        d.problems.report(source_problem(spec, Severity::info, "outside_territory", {}, {},
                                         std::to_string(stats.outside) + " carreau(x) hors du territoire ignoré(s)"));
    }
    std::vector<Point> points;
    for (const auto& c : out.cells) points.push_back(c.point);
    const auto areas = ws.area_index->locate_all(points);
    for (std::size_t i = 0; i < out.cells.size(); ++i) {
        out.cells[i].area = areas[i];
        stats.assigned += areas[i].has_value();
    }
    stats.kept = out.cells.size();
    d.stats.push_back(stats);
    return out;
}

// The kinds measured: [access] kinds (each must exist among the places) or every kind present.
std::vector<std::string> measured_kinds(const Diagnostic& d) {
    std::set<std::string> present;
    for (const auto& p : d.places) present.insert(p.kind);
    const AccessSpec& a = d.project.access;
    if (a.kinds.empty()) return {present.begin(), present.end()};
    std::vector<std::string> out;
    for (const auto& k : a.kinds) {
        if (!present.count(k)) {
            Location loc{d.project.file.string(), {}, a.kinds_line ? "ligne " + std::to_string(a.kinds_line) : "", "kinds"};
            throw ProjectError(loc, "[access] : type de lieu « " + k + " » absent des lieux du territoire ; types présents : " +
                                        (present.empty() ? std::string("aucun") : join_list({present.begin(), present.end()})));
        }
        if (std::find(out.begin(), out.end(), k) == out.end()) out.push_back(k);
    }
    return out;
}

bool empty_multipolygon(const Wkb& wkb) {
    if (wkb.size() < 9) return true;
    std::uint32_t n = 0;
    std::memcpy(&n, wkb.data() + 5, 4);
    if (wkb[0] == 0) n = ((n & 0xff) << 24) | ((n & 0xff00) << 8) | ((n >> 8) & 0xff00) | (n >> 24);
    return n == 0;
}

// Per kind, per cell.
struct KindMeasures {
    std::string kind;
    std::string slug;
    std::vector<std::size_t> places;  // indices into d.places
    std::vector<Router::Nearest> nearest;
    std::vector<int> within;          // places within the catchment
    std::vector<double> fca;          // per 10 000 inhabitants
    std::size_t missing_capacity = 0;
};

Value opt_value(const std::optional<double>& v) { return v ? Value(*v) : Value(); }

}  // namespace

AccessOutcome build_access(Workspace& ws, Diagnostic& d) {
    AccessOutcome outcome;
    if (!d.project.population) return outcome;
    outcome.enabled = true;
    const AccessSpec& spec = d.project.access;
    const Cells grid = read_cells(ws, d);
    const auto& cells = grid.cells;
    const std::vector<std::string> kinds = measured_kinds(d);

    // Contrast areas must exist (checked before the long part).
    std::map<std::string, std::size_t> area_index;
    for (std::size_t i = 0; i < d.areas.size(); ++i) area_index.emplace(d.areas[i].id, i);
    if (const auto& c = d.project.contrast) {
        for (const auto* list : {&c->a, &c->b}) {
            for (const auto& id : *list) {
                if (area_index.count(id)) continue;
                const bool is_a = list == &c->a;
                const int line = is_a ? c->a_line : c->b_line;
                throw ProjectError(Location{d.project.file.string(), {}, line ? "ligne " + std::to_string(line) : "", is_a ? "a" : "b"},
                                   "[contrast] : zone « " + id + " » inconnue (absente des zones ou hors du territoire)");
            }
        }
    }

    // Population of the areas from the grid, when no area has one.
    std::vector<double> grid_population(d.areas.size(), 0.0);
    double total_population = 0;
    for (const auto& c : cells) {
        total_population += c.population;
        if (c.area) grid_population[*c.area] += c.population;
    }
    const SourceSpec& pop_source = d.project.population->source;
    if (!(total_population > 0)) {
        d.problems.report(source_problem(pop_source, Severity::warning, "no_population", {}, {},
                                         "aucun habitant dans les carreaux retenus : scores d'accessibilité et indices d'inégalité vides"));
    }
    const bool areas_lack_population =
        std::none_of(d.areas.begin(), d.areas.end(), [](const Area& a) { return a.population.has_value(); });
    if (areas_lack_population && !cells.empty()) {
        for (std::size_t i = 0; i < d.areas.size(); ++i) d.areas[i].population = grid_population[i];
        d.problems.report(source_problem(pop_source, Severity::info, "population_from_grid", {}, {},
                                         "les zones n'ont pas de population : elle est prise de [population] (somme des "
                                         "carreaux dont le point est dans la zone)"));
    }

    // Router: every cell to every place (destinations = d.places, in id order).
    const double m_per_min = (d.project.network ? d.project.network->speed_kmh : 4.5) * 1000.0 / 60.0;
    std::vector<Point> origins, destinations;
    for (const auto& c : cells) origins.push_back(c.point);
    for (const auto& p : d.places) destinations.push_back(p.location);
    std::optional<Router> router;
    if (d.project.network) {
        const auto lines = access::read_street_lines(ws, d.project.network->source, d.problems);
        router.emplace(lines, origins, destinations);
    } else {
        router.emplace(origins, destinations);
    }
    const bool network = router->uses_network();
    const access::NetworkStats& net = router->network_stats();
    if (network && net.components > 1) {
        d.problems.report(source_problem(d.project.network->source, Severity::info, "network_components", {}, {},
                                         "réseau de rues en " + std::to_string(net.components) +
                                             " morceaux non reliés : les carreaux et lieux rattachés à des morceaux "
                                             "différents ne se rejoignent pas"));
    }

    if (network) {
        // Where cells and places join the streets: far joins and joins to a secondary piece of the
        // network are reported (counted for cells, one by one for places).
        constexpr double kFarSnap = 250;  // metres
        const SourceSpec& streets = d.project.network->source;
        std::size_t far = 0, off_main = 0;
        for (const auto& snap : router->origin_snaps()) {
            far += snap.distance_m > kFarSnap;
            off_main += snap.component != 1;
        }
        if (far) {
            // Most cells far from every street: the extract does not cover the territory (a wrong
            // file, or a clip too small); the measures would then say "nobody reaches anything".
            const bool most = far * 2 > router->origin_snaps().size();
            d.problems.report(source_problem(
                pop_source, most ? Severity::warning : Severity::info, "far_from_network", {}, {},
                std::to_string(far) + " carreau(x) à plus de 250 m de la rue la plus proche "
                "(ce trajet jusqu'à la rue est compté en ligne droite)" +
                    std::string(most ? " : plus de la moitié des carreaux sont loin de toute rue ; l'extrait de rues "
                                       "couvre-t-il bien le territoire ?"
                                     : "")));
        }
        if (off_main) {
            d.problems.report(source_problem(streets, Severity::info, "cells_off_main_network", {}, {},
                                             std::to_string(off_main) + " carreau(x) rattaché(s) à un morceau du réseau "
                                             "autre que le principal : les lieux des autres morceaux leur sont inatteignables"));
        }
        const auto& place_snaps = router->destination_snaps();
        for (std::size_t j = 0; j < d.places.size(); ++j) {
            if (place_snaps[j].component == 1 && place_snaps[j].distance_m <= kFarSnap) continue;
            d.problems.report(Problem{Severity::warning, "place_off_main_network", d.places[j].provenance.source, "access",
                                      d.places[j].id, {},
                                      "lieu « " + d.places[j].name + " » rattaché au réseau de rues à " +
                                          std::to_string(static_cast<long long>(std::llround(place_snaps[j].distance_m))) + " m" +
                                          (place_snaps[j].component == 1 ? std::string()
                                                                         : std::string(", sur un morceau du réseau autre que le principal"))});
        }
    }

    const double max_m = spec.max_minutes * m_per_min;
    const double t0_m = spec.catchment_minutes * m_per_min;
    const access::Decay decay = spec.decay == "step" ? access::Decay::step : access::Decay::gaussian;
    std::vector<double> population;
    for (const auto& c : cells) population.push_back(c.population);

    std::vector<std::string> all_kinds;  // slugs as in the `areas` layer's n_places_<slug>
    for (const auto& p : d.places) all_kinds.push_back(p.kind);
    const auto slugs = category_slugs(all_kinds);
    std::vector<KindMeasures> measures;
    for (const auto& kind : kinds) {
        KindMeasures m;
        m.kind = kind;
        m.slug = slugs.at(kind);
        for (std::size_t j = 0; j < d.places.size(); ++j)
            if (d.places[j].kind == kind) m.places.push_back(j);
        m.nearest = router->nearest(m.places, max_m);
        m.within.assign(cells.size(), 0);
        // One bounded search per place, on every core (Router is const and thread-safe; each
        // place writes its own slot, so the result does not depend on the threads).
        std::vector<std::vector<Router::Reach>> catchments(m.places.size());
        detail::for_each_index(m.places.size(), detail::hardware_threads(),
                               [&](std::size_t k) { catchments[k] = router->catchment(m.places[k], t0_m); });
        std::vector<double> supply;
        std::size_t zero_capacity = 0;
        for (std::size_t k = 0; k < m.places.size(); ++k) {
            for (const auto& r : catchments[k]) ++m.within[r.origin];
            // Supply: the capacity; an explicit 0 is a place that offers nothing (supply 0); a
            // missing (or negative) capacity counts 1, and both are reported.
            const auto& capacity = d.places[m.places[k]].capacity;
            if (capacity && *capacity == 0) {
                ++zero_capacity;
                supply.push_back(0.0);
            } else if (capacity && *capacity > 0) {
                supply.push_back(*capacity);
            } else {
                ++m.missing_capacity;
                supply.push_back(1.0);
            }
        }
        m.fca = access::two_step_fca(population, supply, catchments, t0_m, decay);
        for (double& a : m.fca) a *= 10000.0;
        if (m.missing_capacity) {
            d.problems.report(Problem{Severity::info, "capacity_missing", "accessibilité", "access", kind, "capacity",
                                      std::to_string(m.missing_capacity) + " lieu(x) « " + kind +
                                          " » sans capacité utilisable (absente ou négative) : offre comptée 1 par lieu "
                                          "dans le score 2SFCA"});
        }
        if (zero_capacity) {
            d.problems.report(Problem{Severity::info, "capacity_zero", "accessibilité", "access", kind, "capacity",
                                      std::to_string(zero_capacity) + " lieu(x) « " + kind +
                                          " » de capacité 0 : aucune offre comptée pour eux dans le score 2SFCA "
                                          "(ils restent comptés dans les temps et les lieux atteints)"});
        }
        measures.push_back(std::move(m));
    }

    const std::string mode_text = network ? "réseau de rues" : "ligne droite (à vol d'oiseau, sans réseau de rues)";
    const std::string n_name = "n" + minutes_slug(spec.catchment_minutes) + "_";

    // access_grid
    Table grid_table{"access_grid", "Accessibilité par carreau",
                     "Habitants (carreaux ou points de population) et temps à pied vers le lieu le plus proche de chaque "
                     "type ; distances : " + mode_text,
                     grid.polygons ? GeometryType::multipolygon : GeometryType::point, {}, {}, {}};
    add_field(grid_table, "cell_id", FieldType::text, "Carreau");
    add_field(grid_table, "area_id", FieldType::text, "Zone");
    add_field(grid_table, "population", FieldType::real, "Population");
    add_field(grid_table, "distance_mode", FieldType::text, "Distances");
    if (network) add_field(grid_table, "snap_m", FieldType::real, "Distance au réseau (m)");
    for (const auto& m : measures) {
        add_field(grid_table, "dist_m_" + m.slug, FieldType::real, "Distance au plus proche (m) : " + m.kind);
        add_field(grid_table, "time_min_" + m.slug, FieldType::real, "Temps à pied (min) : " + m.kind);
        add_field(grid_table, "nearest_" + m.slug, FieldType::text, "Lieu le plus proche : " + m.kind);
        add_field(grid_table, n_name + m.slug, FieldType::integer,
                  "Lieux à " + minutes_label(spec.catchment_minutes) + " min ou moins : " + m.kind);
        add_field(grid_table, "fca_" + m.slug, FieldType::real, "Accessibilité 2SFCA (pour 10 000 hab.) : " + m.kind);
    }
    for (std::size_t i = 0; i < cells.size(); ++i) {
        const Cell& c = cells[i];
        std::vector<Value> row{c.id, c.area ? Value(d.areas[*c.area].id) : Value(), c.population,
                               std::string(network ? "reseau" : "ligne_droite")};
        if (network) row.emplace_back(router->origin_snaps()[i].distance_m);
        for (const auto& m : measures) {
            const auto& n = m.nearest[i];
            const bool reached = n.destination != access::kNone && std::isfinite(n.cost_m);
            row.push_back(reached ? Value(n.cost_m) : Value());
            row.push_back(reached ? Value(n.cost_m / m_per_min) : Value());
            row.push_back(reached ? Value(d.places[n.destination].id) : Value());
            row.emplace_back(static_cast<std::int64_t>(m.within[i]));
            row.emplace_back(m.fca[i]);
        }
        grid_table.rows.push_back(std::move(row));
        grid_table.geometries.push_back(grid.polygons ? c.geometry : point_wkb(c.point));
    }

    // isochrones
    Table iso{"isochrones", "Isochrones à pied",
              "Zones d'où l'on atteint chaque lieu en " + [&] {
                  std::vector<std::string> t;
                  for (double v : spec.isochrone_minutes) t.push_back(minutes_label(v));
                  return join_list(t);
              }() + " minutes à pied ; distances : " + mode_text,
              GeometryType::multipolygon, {}, {}, {}};
    add_field(iso, "place_id", FieldType::text, "Lieu");
    add_field(iso, "name", FieldType::text, "Nom");
    add_field(iso, "kind", FieldType::text, "Type de lieu");
    add_field(iso, "minutes", FieldType::real, "Minutes à pied");
    std::vector<double> iso_m;
    for (double v : spec.isochrone_minutes) iso_m.push_back(v * m_per_min);
    constexpr double kIsochroneBuffer = 40;  // metres either side of the reachable streets
    // Isochrones of every measured place, built on every core (about 0.1 s of CPU per place on
    // a city's streets), then written in the order of the kinds and places.
    std::vector<std::size_t> iso_places;
    for (const auto& m : measures) iso_places.insert(iso_places.end(), m.places.begin(), m.places.end());
    std::vector<std::vector<Wkb>> iso_polygons(iso_places.size());
    detail::for_each_index(iso_places.size(), detail::hardware_threads(), [&](std::size_t k) {
        iso_polygons[k] = router->isochrones(iso_places[k], iso_m, kIsochroneBuffer);
    });
    for (std::size_t q = 0; q < iso_places.size(); ++q) {
        const auto& polygons = iso_polygons[q];
        for (std::size_t k = 0; k < polygons.size() && k < iso_m.size(); ++k) {
            if (empty_multipolygon(polygons[k])) continue;
            const Place& p = d.places[iso_places[q]];
            iso.rows.push_back({p.id, p.name, p.kind, spec.isochrone_minutes[k]});
            iso.geometries.push_back(polygons[k]);
        }
    }

    // Per area, per kind.
    const std::size_t n_areas = d.areas.size();
    // The mean time is over the inhabitants who reach a place within max_minutes only (the others
    // have no time): its label says so, and unreached_pct gives the share it leaves out.
    const std::string among = "parmi les habitants atteignant un lieu en ≤ " + minutes_label(spec.max_minutes) + " min";
    const std::string unreached_label = "Habitants sans lieu à " + minutes_label(spec.max_minutes) + " min ou moins (%)";
    outcome.area_fields.push_back(Field{"grid_population", FieldType::real, "Population des carreaux"});
    for (const auto& m : measures) {
        outcome.area_fields.push_back(Field{"time_mean_min_" + m.slug, FieldType::real,
                                            "Temps moyen à pied (min), " + among + " : " + m.kind});
        outcome.area_fields.push_back(Field{"unreached_pct_" + m.slug, FieldType::real, unreached_label + " : " + m.kind});
        outcome.area_fields.push_back(Field{"time_median_min_" + m.slug, FieldType::real, "Temps médian à pied (min) : " + m.kind});
        outcome.area_fields.push_back(Field{"beyond10_pct_" + m.slug, FieldType::real, "Habitants à plus de 10 min (%) : " + m.kind});
        outcome.area_fields.push_back(Field{"beyond20_pct_" + m.slug, FieldType::real, "Habitants à plus de 20 min (%) : " + m.kind});
        outcome.area_fields.push_back(Field{"fca_mean_" + m.slug, FieldType::real, "Accessibilité 2SFCA moyenne : " + m.kind});
    }
    // Cells of each area (and of all areas, index n_areas = the whole grid).
    std::vector<std::vector<std::size_t>> by_area(n_areas + 1);
    for (std::size_t i = 0; i < cells.size(); ++i) {
        if (cells[i].area) by_area[*cells[i].area].push_back(i);
        by_area[n_areas].push_back(i);
    }
    struct Stats {
        std::optional<double> mean, median, beyond10, beyond20, fca_mean;
        std::optional<double> unreached;  // % of inhabitants with no place within max_minutes
    };
    auto group_stats = [&](const KindMeasures& m, const std::vector<std::size_t>& members) {
        Stats s;
        std::vector<double> times, weights, fca;
        double weight = 0, reached = 0, time_sum = 0, b10 = 0, b20 = 0, fca_sum = 0;
        for (std::size_t i : members) {
            const double w = cells[i].population;
            const double t = std::isfinite(m.nearest[i].cost_m) ? m.nearest[i].cost_m / m_per_min : access::kUnreachable;
            times.push_back(t);
            weights.push_back(w);
            weight += w;
            fca_sum += w * m.fca[i];
            if (std::isfinite(t)) {
                reached += w;
                time_sum += w * t;
            }
            if (!(t <= 10)) b10 += w;
            if (!(t <= 20)) b20 += w;
        }
        if (reached > 0) s.mean = time_sum / reached;
        s.median = access::weighted_median(times, weights);
        if (weight > 0) {
            // Beyond max_minutes times are unknown: a share beyond T > max_minutes cannot be told.
            if (10 <= spec.max_minutes) s.beyond10 = 100 * b10 / weight;
            if (20 <= spec.max_minutes) s.beyond20 = 100 * b20 / weight;
            s.fca_mean = fca_sum / weight;
            s.unreached = 100 * (weight - reached) / weight;
        }
        return s;
    };
    for (std::size_t a = 0; a < n_areas; ++a) {
        std::vector<Value> values{by_area[a].empty() && cells.empty() ? Value() : Value(grid_population[a])};
        for (const auto& m : measures) {
            const Stats s = group_stats(m, by_area[a]);
            for (const auto& v : {s.mean, s.unreached, s.median, s.beyond10, s.beyond20, s.fca_mean}) values.push_back(opt_value(v));
        }
        outcome.area_values[d.areas[a].id] = std::move(values);
    }

    // access_summary
    Table summary{"access_summary", "Synthèse de l'accessibilité",
                  "Accessibilité à pied des lieux pour les habitants du territoire : réglages, temps, inégalités ; "
                  "distances : " + mode_text,
                  GeometryType::none, {}, {}, {}};
    add_field(summary, "indicator", FieldType::text, "Indicateur (code)");
    add_field(summary, "kind", FieldType::text, "Type de lieu");
    add_field(summary, "label", FieldType::text, "Indicateur");
    add_field(summary, "value", FieldType::real, "Valeur");
    add_field(summary, "text", FieldType::text, "Texte");
    auto add = [&](const std::string& code, const std::string& kind, const std::string& label, Value v, Value text = {}) {
        summary.rows.push_back({code, kind.empty() ? Value() : Value(kind), label, std::move(v), std::move(text)});
    };
    add("distance_mode", "", "Distances", {}, mode_text);
    add("speed_kmh", "", "Vitesse de marche (km/h)", m_per_min * 60 / 1000);
    add("max_minutes", "", "Temps maximal cherché (min)", spec.max_minutes);
    add("catchment_minutes", "", "Rayon du bassin 2SFCA (min)", spec.catchment_minutes);
    add("decay", "", "Pondération 2SFCA", {}, std::string(decay == access::Decay::step ? "palier (2SFCA classique, step)"
                                                                                  : "gaussienne (2SFCA amélioré, gaussian)"));
    add("uses_network", "", "Réseau de rues (1) ou ligne droite (0)", network ? 1.0 : 0.0);
    add("n_cells", "", "Carreaux de population", static_cast<double>(cells.size()));
    add("population", "", "Habitants des carreaux", total_population);
    if (network) {
        add("network_lines", "", "Rues utilisées", static_cast<double>(net.lines));
        add("network_nodes", "", "Nœuds du réseau", static_cast<double>(net.nodes));
        add("network_edges", "", "Arcs orientés du réseau", static_cast<double>(net.edges));
        add("network_components", "", "Morceaux non reliés du réseau", static_cast<double>(net.components));
        add("network_length_km", "", "Longueur des rues (km)", net.length_m / 1000);
        double snap = 0;
        for (const auto& s : router->origin_snaps()) snap += s.distance_m;
        if (!cells.empty()) add("mean_snap_m", "", "Distance moyenne des carreaux au réseau (m)", snap / static_cast<double>(cells.size()));
    }
    std::vector<std::size_t> cell_groups;
    for (const auto& c : cells) cell_groups.push_back(c.area ? *c.area : n_areas);
    for (const auto& m : measures) {
        const Stats s = group_stats(m, by_area[n_areas]);
        add("n_places", m.kind, "Lieux", static_cast<double>(m.places.size()));
        add("time_mean_min", m.kind, "Temps moyen à pied (min), " + among, opt_value(s.mean));
        add("unreached_pct", m.kind, unreached_label, opt_value(s.unreached));
        add("time_median_min", m.kind, "Temps médian à pied (min)", opt_value(s.median));
        add("beyond10_pct", m.kind, "Habitants à plus de 10 min (%)", opt_value(s.beyond10));
        add("beyond20_pct", m.kind, "Habitants à plus de 20 min (%)", opt_value(s.beyond20));
        add("fca_mean", m.kind, "Accessibilité 2SFCA moyenne (pour 10 000 hab.)", opt_value(s.fca_mean));
        add("gini_fca", m.kind, "Indice de Gini de l'accessibilité", opt_value(access::weighted_gini(m.fca, population)));
        add("theil_fca", m.kind, "Indice de Theil de l'accessibilité", opt_value(access::weighted_theil(m.fca, population)));
        // Theil split between areas and within them; cells outside every area form one group.
        const auto parts = access::theil_decomposition(m.fca, population, cell_groups);
        add("theil_between_fca", m.kind, "Indice de Theil : part entre les zones", opt_value(parts.between));
        add("theil_within_fca", m.kind, "Indice de Theil : part au sein des zones", opt_value(parts.within));
    }

    outcome.tables.push_back(std::move(grid_table));
    outcome.tables.push_back(std::move(iso));
    outcome.tables.push_back(std::move(summary));

    // sheets_contrast
    if (const auto& c = d.project.contrast) {
        Table t{"sheets_contrast", "Contraste : " + c->a_name + " / " + c->b_name,
                "Comparaison de deux ensembles de zones (" + c->a_name + " et " + c->b_name +
                    ") : temps à pied, accessibilité, lieux pour 10 000 habitants ; distances : " + mode_text,
                GeometryType::none, {}, {}, {}};
        add_field(t, "kind", FieldType::text, "Type de lieu");
        add_field(t, "indicator", FieldType::text, "Indicateur (code)");
        add_field(t, "label", FieldType::text, "Indicateur");
        add_field(t, "value_a", FieldType::real, c->a_name);
        add_field(t, "value_b", FieldType::real, c->b_name);
        add_field(t, "ratio_a_b", FieldType::real, c->a_name + " / " + c->b_name);
        add_field(t, "areas_a", FieldType::text, "Zones : " + c->a_name);
        add_field(t, "areas_b", FieldType::text, "Zones : " + c->b_name);
        add_field(t, "note", FieldType::text, "Remarque");
        std::vector<std::size_t> cells_a, cells_b;
        std::set<std::string> set_a(c->a.begin(), c->a.end()), set_b(c->b.begin(), c->b.end());
        double pop_a = 0, pop_b = 0;
        bool pop_known = true;
        for (const auto& id : set_a) {
            const auto i = area_index.at(id);
            cells_a.insert(cells_a.end(), by_area[i].begin(), by_area[i].end());
            pop_known = pop_known && d.areas[i].population;
            pop_a += d.areas[i].population.value_or(0);
        }
        for (const auto& id : set_b) {
            const auto i = area_index.at(id);
            cells_b.insert(cells_b.end(), by_area[i].begin(), by_area[i].end());
            pop_known = pop_known && d.areas[i].population;
            pop_b += d.areas[i].population.value_or(0);
        }
        std::sort(cells_a.begin(), cells_a.end());
        std::sort(cells_b.begin(), cells_b.end());
        const std::string ids_a = join_list({set_a.begin(), set_a.end()});
        const std::string ids_b = join_list({set_b.begin(), set_b.end()});
        // The ratio a / b, or why there is none in `note` (b is 0, or a reason given by the caller).
        auto row = [&](const std::string& kind, const char* code, const std::string& label, std::optional<double> a,
                       std::optional<double> b, std::string note = {}) {
            std::optional<double> ratio;
            if (note.empty() && a && b) {
                if (*b != 0) ratio = *a / *b;
                else note = "rapport non calculé : " + c->b_name + " nul (" + c->a_name + " = " + short_number(*a) + ")";
            }
            t.rows.push_back({kind.empty() ? Value() : Value(kind), std::string(code), label, opt_value(a), opt_value(b),
                              opt_value(ratio), ids_a, ids_b, note.empty() ? Value() : Value(note)});
        };
        row("", "population", "Population des zones",
            pop_known ? std::optional<double>(pop_a) : std::nullopt, pop_known ? std::optional<double>(pop_b) : std::nullopt);
        for (const auto& m : measures) {
            const Stats sa = group_stats(m, cells_a), sb = group_stats(m, cells_b);
            std::size_t places_a = 0, places_b = 0;
            for (std::size_t j : m.places) {
                places_a += set_a.count(d.places[j].area_id);
                places_b += set_b.count(d.places[j].area_id);
            }
            auto per_10k = [&](std::size_t n, double p) {
                return pop_known && p > 0 ? std::optional<double>(static_cast<double>(n) * 10000.0 / p) : std::nullopt;
            };
            // A mean over a minority of the inhabitants says little of the set: no time ratio when
            // less than half of either set reaches a place within max_minutes.
            std::string time_note;
            for (const auto& [st, name] : {std::pair{&sa, &c->a_name}, std::pair{&sb, &c->b_name}}) {
                if (!st->unreached || 100 - *st->unreached >= 50) continue;
                if (!time_note.empty()) time_note += " ; ";
                time_note += *name + " : " + short_number(100 - *st->unreached, 3) + " %";
            }
            if (!time_note.empty())
                time_note = "rapport non calculé : moins de la moitié des habitants atteignent un lieu en ≤ " +
                            minutes_label(spec.max_minutes) + " min (" + time_note + ") ; voir unreached_pct";
            row(m.kind, "time_mean_min", "Temps moyen à pied (min), " + among, sa.mean, sb.mean, time_note);
            row(m.kind, "unreached_pct", unreached_label, sa.unreached, sb.unreached);
            row(m.kind, "beyond10_pct", "Habitants à plus de 10 min (%)", sa.beyond10, sb.beyond10);
            row(m.kind, "beyond20_pct", "Habitants à plus de 20 min (%)", sa.beyond20, sb.beyond20);
            row(m.kind, "fca_mean", "Accessibilité 2SFCA moyenne (pour 10 000 hab.)", sa.fca_mean, sb.fca_mean);
            row(m.kind, "places_per_10k", "Lieux pour 10 000 habitants", per_10k(places_a, pop_a), per_10k(places_b, pop_b));
        }
        outcome.tables.push_back(std::move(t));
    }
    return outcome;
}

void add_access_tables(AccessOutcome&& outcome, Diagnostic& d) {
    if (!outcome.enabled) return;
    for (auto& t : d.tables) {
        if (t.name != "areas") continue;
        const int id_col = t.field_index("area_id");
        t.fields.insert(t.fields.end(), outcome.area_fields.begin(), outcome.area_fields.end());
        for (auto& row : t.rows) {
            const auto it = outcome.area_values.find(std::get<std::string>(row[static_cast<std::size_t>(id_col)]));
            if (it != outcome.area_values.end()) row.insert(row.end(), it->second.begin(), it->second.end());
            else row.resize(t.fields.size());
        }
        make_field_names_unique(t);
    }
    // Before data_quality, which stays last.
    auto at = std::find_if(d.tables.begin(), d.tables.end(), [](const Table& t) { return t.name == "data_quality"; });
    for (auto& t : outcome.tables) {
        make_field_names_unique(t);
        at = d.tables.insert(at, std::move(t)) + 1;
    }
}

}  // namespace territoire
