// sheets_html.cpp — the identity sheets ("fiches d'identité") as self-contained HTML pages: one per
// family, area, place, community and object of cooperation, and an index, in French, from the
// sheets_* tables and the actors, areas and places layers. The wording lives in templates
// (data/templates/sheets/, html_template.hpp); this file gathers the values and draws the map
// excerpts. docs/sheets.md describes the pages and the data the templates see.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <map>
#include <set>

#include "data_dir.hpp"
#include "deliverables.hpp"
#include "html_template.hpp"
#include "sheets_map.hpp"
#include "style.hpp"
#include "survey.hpp"
#include "access_sheets.hpp"
#include "tables.hpp"
#include "territoire/error.hpp"

namespace territoire {
namespace {

namespace fs = std::filesystem;
using sheets::SvgMap;
using sheets::TemplateData;
using Items = std::vector<TemplateData>;

// ---------------------------------------------------------------------------------------------
// Values as French readers expect them


std::string format_integer(long long v) { return style::french_number(static_cast<double>(v), 0); }

// Reals: whole numbers without decimals; otherwise none from 100 on, one from 1 on, three below
// (betweenness, small shares), so that a column of values lines up; decimal comma. docs/sheets.md
// states the rule, the tests read it back.
std::string format_real(double v) {
    if (!std::isfinite(v)) return "—";
    const double a = std::fabs(v);
    const int decimals = a == std::floor(a) || a >= 100 ? 0 : a >= 1 ? 1 : 3;
    return style::french_number(v, decimals);
}

// A cell for display; NULL gives an empty text (templates test it with {{#name}} / {{^name}}).
std::string format_value(const Value& v) {
    return std::visit(
        [](const auto& x) -> std::string {
            using V = std::decay_t<decltype(x)>;
            if constexpr (std::is_same_v<V, std::monostate>) return {};
            else if constexpr (std::is_same_v<V, std::string>) return x;
            else if constexpr (std::is_same_v<V, std::int64_t>) return format_integer(x);
            else if constexpr (std::is_same_v<V, double>) return format_real(x);
            else return x ? "oui" : "non";
        },
        v);
}

// "12 mars 2024" (UTC, so that the same file gives the same text on every machine); empty when
// the file cannot be read.
std::string modification_date(const fs::path& file) {
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0) return {};
    std::tm tm{};
    const std::time_t t = st.st_mtime;
    gmtime_r(&t, &tm);
    static const char* months[] = {"janvier", "février", "mars",      "avril",   "mai",      "juin",
                                   "juillet", "août",    "septembre", "octobre", "novembre", "décembre"};
    return std::to_string(tm.tm_mday) + (tm.tm_mday == 1 ? "er " : " ") + months[tm.tm_mon] + " " +
           std::to_string(1900 + tm.tm_year);
}

// ---------------------------------------------------------------------------------------------
// Tables of the diagnostic, found by name

const Table kEmptyTable{};

const Table& table_named(const Diagnostic& d, const std::string& name) {
    for (const auto& t : d.tables)
        if (t.name == name) return t;
    return kEmptyTable;
}

// Field values of one row, by field name.
struct Row {
    const Table& table;
    std::size_t index;

    Value value(const std::string& field) const {
        const int i = table.field_index(field);
        return i < 0 ? Value() : table.rows[index][static_cast<std::size_t>(i)];
    }
    std::string text(const std::string& field) const { return format_value(value(field)); }
    std::string raw_text(const std::string& field) const {
        const Value v = value(field);
        if (const auto* s = std::get_if<std::string>(&v)) return *s;
        if (const auto* n = std::get_if<std::int64_t>(&v)) return std::to_string(*n);
        return {};
    }
    double number(const std::string& field) const {
        const Value v = value(field);
        if (const auto* x = std::get_if<double>(&v)) return *x;
        if (const auto* n = std::get_if<std::int64_t>(&v)) return static_cast<double>(*n);
        return NAN;
    }
};

// The French title of a field (its name when the table has no such field or no title).
std::string alias_of(const Table& t, const std::string& field) {
    const int i = t.field_index(field);
    if (i < 0 || t.fields[static_cast<std::size_t>(i)].alias.empty()) return field;
    return t.fields[static_cast<std::size_t>(i)].alias;
}

bool is_true(const Value& v) { return std::holds_alternative<bool>(v) && std::get<bool>(v); }

// Every field of a sheet row under its own name, and the `figures` list (French label, value) of
// the fields not in `leave_out` (those the page shows elsewhere).
void add_row(TemplateData& data, const Row& row, const std::set<std::string>& leave_out) {
    Items figures;
    for (std::size_t i = 0; i < row.table.fields.size(); ++i) {
        const Field& f = row.table.fields[i];
        const std::string value = format_value(row.table.rows[row.index][i]);
        data.set(f.name, value);
        if (leave_out.count(f.name)) continue;
        // NULL (unknown or undefined, e.g. a share without links) reads "—"; an empty list "aucun".
        const bool null = std::holds_alternative<std::monostate>(row.table.rows[row.index][i]);
        figures.push_back(TemplateData().set("label", alias_of(row.table, f.name)).set("value", null ? "—" : value.empty() ? "aucun" : value));
    }
    data.lists["figures"] = std::move(figures);
}

// ---------------------------------------------------------------------------------------------
// Where the templates are

std::vector<fs::path> template_candidates(const Diagnostic& d) {
    std::vector<fs::path> dirs;
    if (!d.project.base_dir.empty()) dirs.push_back(d.project.base_dir / "templates" / "sheets");
    for (const auto& dir : data_dirs()) dirs.push_back(dir / "templates" / "sheets");
    return dirs;
}

fs::path find_templates(const Diagnostic& d) {
    std::string tried;
    for (const auto& dir : template_candidates(d)) {
        std::error_code ec;
        if (fs::is_regular_file(dir / "index.html", ec)) return dir;
        tried += (tried.empty() ? "" : ", ") + dir.string();
    }
    throw OutputError("modèles des fiches introuvables (cherchés dans : " + tried + ")");
}

// ---------------------------------------------------------------------------------------------
// The sheets

class SheetWriter {
public:
    SheetWriter(const Diagnostic& d, const fs::path& out_dir)
        : d_(d), out_(out_dir), templates_(find_templates(d)), actors_(table_named(d, "actors")),
          areas_(table_named(d, "areas")), places_(table_named(d, "places")) {
        std::vector<std::string> families, kinds, area_ids, place_ids, object_ids;
        for (const auto& a : d.actors) families.push_back(a.family);
        for (const auto& p : d.places) kinds.push_back(p.kind);
        for (const auto& a : d.areas) area_ids.push_back(a.id);
        for (const auto& p : d.places) place_ids.push_back(p.id);
        for (const auto& o : d.objects) object_ids.push_back(o.id);
        family_colours_ = style::category_colours(families);
        kind_colours_ = style::category_colours(kinds);
        family_slugs_ = category_slugs(families);
        area_slugs_ = category_slugs(area_ids);
        place_slugs_ = category_slugs(place_ids);
        object_slugs_ = category_slugs(object_ids);
        for (std::size_t i = 0; i < d.areas.size(); ++i) area_index_[d.areas[i].id] = i;
        for (std::size_t i = 0; i < d.actors.size(); ++i) actor_index_[d.actors[i].id] = i;
        for (std::size_t r = 0; r < actors_.rows.size(); ++r) actor_rows_[Row{actors_, r}.raw_text("actor_id")] = r;

        const auto territory_rings = sheets::rings_of(d.territory.geometry);
        territory_box_ = sheets::box_of(territory_rings);
        for (const auto& a : d.actors)
            if (a.location) territory_box_.add(*a.location);
        for (const auto& p : d.places) territory_box_.add(p.location);
        territory_path_ = SvgMap(territory_box_, kOverviewWidth, kOverviewHeight).path_data(territory_rings);
        for (const auto& a : d.areas) area_boxes_.push_back(sheets::box_of(sheets::rings_of(a.geometry)));
        classify_areas();
        shared_data();
    }

    fs::path write_all() {
        Items families, areas, places, communities, objects;
        const Table& fam = table_named(d_, "sheets_families");
        for (std::size_t r = 0; r < fam.rows.size(); ++r) families.push_back(family_page(Row{fam, r}));
        const Table& ar = table_named(d_, "sheets_areas");
        for (std::size_t r = 0; r < ar.rows.size(); ++r) areas.push_back(area_page(Row{ar, r}));
        for (std::size_t r = 0; r < places_.rows.size(); ++r) places.push_back(place_page(Row{places_, r}));
        const Table& com = table_named(d_, "sheets_communities");
        for (std::size_t r = 0; r < com.rows.size(); ++r) communities.push_back(community_page(Row{com, r}));
        const Table& obj = table_named(d_, "sheets_objects");
        for (std::size_t r = 0; r < obj.rows.size(); ++r) objects.push_back(object_page(Row{obj, r}));

        TemplateData index;
        index.set("title", "Fiches d'identité").set("kind_label", "Index des fiches").set("index_href", "");
        Items groups;
        auto group = [&](const std::string& title, const std::string& id, Items items) {
            groups.push_back(TemplateData().set("group_title", title).set("group_id", id).set("group_count", format_integer(static_cast<long long>(items.size()))));
            groups.back().lists["items"] = std::move(items);
        };
        group("Familles d'acteurs", "familles", std::move(families));
        group("Zones", "zones", std::move(areas));
        group("Lieux", "lieux", std::move(places));
        group("Communautés du réseau", "communautes", std::move(communities));
        group("Projets et événements partagés", "objets", std::move(objects));
        index.lists["groups"] = std::move(groups);
        index.set("territory", d_.territory.name)
            .set("n_areas", format_integer(static_cast<long long>(d_.areas.size())))
            .set("n_actors", format_integer(static_cast<long long>(d_.actors.size())))
            .set("n_places", format_integer(static_cast<long long>(d_.places.size())))
            .set("n_links", format_integer(static_cast<long long>(d_.links.size())))
            .set("area_km2", format_real(d_.territory.area_km2));
        index_map(index);
        access_sections_.add_contrast(index);  // issue 7: access_sheets.cpp, contraste.html
        return write("index.html", "index.html", index);
    }

private:
    // Map sizes in CSS pixels: an A4 page has about 690 px between its margins.
    static constexpr double kOverviewWidth = 340, kOverviewHeight = 420;  // whole-territory maps
    static constexpr double kZoomWidth = 420, kZoomHeight = 400;          // zoom on an area

    const Diagnostic& d_;
    SurveySections survey_sections_{d_};  // issue 8: the survey_indicators rows indexed by area, once
    AccessSections access_sections_{d_};  // issue 7: access fields of the areas, sheets_contrast
    fs::path out_;
    sheets::TemplateSet templates_;
    const Table& actors_;
    const Table& areas_;
    const Table& places_;
    TemplateData shared_;
    std::map<std::string, style::Rgb> family_colours_, kind_colours_;
    std::map<std::string, std::string> family_slugs_, area_slugs_, place_slugs_, object_slugs_;
    std::map<std::string, std::size_t> area_index_, actor_index_, actor_rows_;
    sheets::Box territory_box_;
    std::vector<sheets::Box> area_boxes_;  // parallel to d_.areas
    std::string territory_path_;
    std::string class_field_, class_label_;       // the choropleth indicator of the areas
    std::vector<double> class_breaks_;
    style::Classes classes_;
    bool has_no_data_ = false;                    // some area has no value (grey)
    double class_min_ = NAN;                      // smallest value classed
    std::vector<style::Rgb> class_colours_;

    // --- names of the pages --------------------------------------------------------------------
    std::string family_href(const std::string& f) const { return "famille-" + family_slugs_.at(f) + ".html"; }
    std::string area_href(const std::string& id) const {
        const auto it = area_slugs_.find(id);
        return it == area_slugs_.end() ? std::string() : "zone-" + it->second + ".html";
    }
    std::string place_href(const std::string& id) const { return "lieu-" + place_slugs_.at(id) + ".html"; }
    std::string community_href(const std::string& n) const { return n.empty() ? n : "communaute-" + n + ".html"; }
    std::string object_href(const std::string& id) const { return "objet-" + object_slugs_.at(id) + ".html"; }
    std::string area_name(const std::string& id) const {
        const auto it = area_index_.find(id);
        return it == area_index_.end() ? std::string() : d_.areas[it->second].name;
    }

    // --- what every page shows -------------------------------------------------------------------
    void shared_data() {
        shared_.set("project", d_.project.name).set("tool", "libterritoire").set("version", version()).set("index_href", "index.html");
        for (const char* f : {"name", "family", "area_id", "degree", "betweenness", "is_cut_vertex", "community"})
            shared_.set(std::string("label_") + f, alias_of(actors_, f));
        Items sources;
        auto add = [&](const SourceSpec& s, const std::string& what) {
            TemplateData item;
            item.set("source_what", what).set("source_name", s.name).set("source_file", s.path.filename().string())
                .set("source_date", modification_date(s.path)).set("source_read", "").set("source_kept", "");
            for (const auto& st : d_.stats) {
                if (st.block != s.block) continue;
                item.set("source_read", format_integer(static_cast<long long>(st.read)));
                item.set("source_kept", format_integer(static_cast<long long>(st.kept)));
            }
            sources.push_back(std::move(item));
        };
        add(d_.project.territory, "Territoire");
        add(d_.project.areas, "Zones");
        for (const auto& s : d_.project.places) add(s, "Lieux");
        for (const auto& s : d_.project.actors) add(s, "Acteurs");
        if (d_.project.links) add(*d_.project.links, "Liens de coopération");
        if (d_.project.participations) add(*d_.project.participations, "Participations à des projets");
        if (d_.project.survey) add(d_.project.survey->source, "Enquête auprès des habitants");  // issue 8
        shared_.lists["sources"] = std::move(sources);
    }

    // Actors as the page lists them: their role in the network from the actors table, the most
    // intermediary first (then by number of partners, then by name). `show_area`: whether the
    // area column is useful (not on the pages of one area).
    void add_actors(TemplateData& data, std::vector<std::size_t> actors, bool show_area) const {
        auto measure = [&](std::size_t i, const char* f) {
            const auto it = actor_rows_.find(d_.actors[i].id);
            return it == actor_rows_.end() ? 0.0 : Row{actors_, it->second}.number(f);
        };
        std::stable_sort(actors.begin(), actors.end(), [&](std::size_t a, std::size_t b) {
            const double ba = measure(a, "betweenness"), bb = measure(b, "betweenness");
            if (ba != bb) return ba > bb;
            const double da = measure(a, "degree"), db = measure(b, "degree");
            if (da != db) return da > db;
            return d_.actors[a].name < d_.actors[b].name;
        });
        Items items;
        for (std::size_t i : actors) {
            const Actor& a = d_.actors[i];
            const auto it = actor_rows_.find(a.id);
            if (it == actor_rows_.end()) continue;
            const Row row{actors_, it->second};
            const std::string community = row.raw_text("community");
            items.push_back(TemplateData()
                                .set("name", row.text("name"))
                                .set("family", row.text("family"))
                                .set("family_href", family_href(a.family))
                                .set("colour", family_colours_.at(a.family).hex())
                                .set("area", area_name(a.area_id))
                                .set("area_href", area_href(a.area_id))
                                .set("degree", row.text("degree"))
                                .set("betweenness", row.text("betweenness"))
                                .set("is_cut_vertex", is_true(row.value("is_cut_vertex")) ? "oui" : "")
                                .set("community", community)
                                .set("community_href", community_href(community)));
        }
        data.set("actors_count", format_integer(static_cast<long long>(items.size()))).set("has_actors", items.empty() ? "" : "oui");
        data.set("show_area", show_area ? "oui" : "");
        data.lists["actors"] = std::move(items);
    }

    // Legend entries of the families present among `actors`, in the order of the palette.
    Items family_legend(const std::vector<std::size_t>& actors) const {
        std::set<std::string> present;
        for (std::size_t i : actors) present.insert(d_.actors[i].family);
        Items out;
        for (const auto& f : present)
            out.push_back(TemplateData().set("colour", family_colours_.at(f).hex()).set("label", f).set("shape", "rond"));
        return out;
    }

    // --- maps ---------------------------------------------------------------------------------------
    SvgMap overview() const {
        SvgMap map(territory_box_, kOverviewWidth, kOverviewHeight);
        map.path(territory_path_, "#f4f1ea", "#555555", 1.2);
        return map;
    }

    void classify_areas() {
        // The indicator and classes of the areas' choropleth: style::area_indicator and
        // style::choropleth_classes, shared with the maps and the QGIS styles.
        class_field_ = style::area_indicator(d_).field;  // the same as the maps and QGIS
        std::vector<double> values;
        for (std::size_t r = 0; r < areas_.rows.size(); ++r) values.push_back(Row{areas_, r}.number(class_field_));
        classes_ = style::choropleth_classes(values);  // the same as the maps and QGIS
        has_no_data_ = std::any_of(values.begin(), values.end(), [](double v) { return !std::isfinite(v); });
        class_breaks_ = classes_.upper;
        class_colours_ = classes_.colours;
        class_min_ = classes_.upper.empty() ? NAN : classes_.min;
        class_label_ = alias_of(areas_, class_field_);
    }

    style::Rgb area_colour(double value) const {
        if (!std::isfinite(value) || class_breaks_.empty()) return style::kNoData;
        for (std::size_t i = 0; i < class_breaks_.size(); ++i)
            if (value <= class_breaks_[i]) return class_colours_[i];
        return class_colours_[class_breaks_.size() - 1];
    }

    Items class_legend() const {
        Items out;
        const auto labels = style::class_labels(classes_);  // the same as the maps and QGIS
        for (std::size_t i = 0; i < class_breaks_.size(); ++i)
            out.push_back(TemplateData().set("colour", class_colours_[i].hex()).set("label", labels[i]).set("shape", "zone"));
        if (has_no_data_)
            out.push_back(TemplateData().set("colour", style::kNoData.hex()).set("label", style::kNoDataLabel).set("shape", "zone"));
        return out;
    }

    double area_value(const std::string& id) const {
        const auto it = area_index_.find(id);
        return it == area_index_.end() ? NAN : Row{areas_, it->second}.number(class_field_);
    }

    // The zoom on one area: its outline, its actors (family colours) and places (kind colours);
    // `place` is drawn larger.
    std::string zoom_map(const Area& area, const std::vector<std::size_t>& actors, const std::string& place_id,
                         Items& legend) const {
        const auto rings = sheets::rings_of(area.geometry);
        SvgMap map(sheets::box_of(rings), kZoomWidth, kZoomHeight);
        map.path(map.path_data(rings), "#f4f1ea", "#555555", 1.2);
        std::set<std::string> kinds;
        for (const auto& p : d_.places) {
            if (p.area_id != area.id) continue;
            map.square(p.location, p.id == place_id ? 14 : 8, kind_colours_.at(p.kind).hex());
            kinds.insert(p.kind);
        }
        for (std::size_t i : actors)
            if (d_.actors[i].location) map.circle(*d_.actors[i].location, 5, family_colours_.at(d_.actors[i].family).hex());
        for (const auto& k : kinds)
            legend.push_back(TemplateData().set("colour", kind_colours_.at(k).hex()).set("label", "lieu : " + k).set("shape", "carre"));
        return map.svg("Zoom sur " + area.name);
    }

    std::string locate_area(const Area& area) const {
        SvgMap map = overview();
        map.path(map.path_data(sheets::rings_of(area.geometry)), area_colour(area_value(area.id)).hex(), "#222222", 1.5);
        return map.svg(area.name + " dans le territoire");
    }

    // Actors as dots of their family's colour, over the links between them when `links`.
    void draw_actors(SvgMap& map, const std::vector<std::size_t>& actors, bool links) const {
        if (links) {
            std::set<std::string> ids;
            for (std::size_t i : actors) ids.insert(d_.actors[i].id);
            for (const auto& l : d_.links) {
                if (!ids.count(l.source_id) || !ids.count(l.target_id)) continue;
                const auto& a = d_.actors[actor_index_.at(l.source_id)].location;
                const auto& b = d_.actors[actor_index_.at(l.target_id)].location;
                if (a && b) map.line(*a, *b, "#555555", 0.8);
            }
        }
        for (std::size_t i : actors)
            if (d_.actors[i].location) map.circle(*d_.actors[i].location, 4.5, family_colours_.at(d_.actors[i].family).hex());
    }

    // A zoom on `actors` with the outlines of the areas around them, when they stand close together
    // (within 40 % of the territory's width and height, so that they overlap on the whole map);
    // empty otherwise.
    std::string actors_zoom(const std::vector<std::size_t>& actors, bool links) const {
        sheets::Box box;
        for (std::size_t i : actors)
            if (d_.actors[i].location) box.add(*d_.actors[i].location);
        if (box.empty || box.maxx - box.minx > 0.4 * (territory_box_.maxx - territory_box_.minx) ||
            box.maxy - box.miny > 0.4 * (territory_box_.maxy - territory_box_.miny))
            return {};
        const double min_extent = 4000;  // metres: a few streets around a single address
        const double cx = (box.minx + box.maxx) / 2, cy = (box.miny + box.maxy) / 2;
        const double half_w = std::max(box.maxx - box.minx, min_extent) / 2, half_h = std::max(box.maxy - box.miny, min_extent) / 2;
        box = {cx - half_w, cy - half_h, cx + half_w, cy + half_h, false};
        SvgMap map(box, kZoomWidth, kZoomHeight);
        // The areas near the box (SvgMap adds a margin) are drawn; the svg clips what lies outside.
        std::vector<std::size_t> labelled;
        for (std::size_t a = 0; a < d_.areas.size(); ++a) {
            const sheets::Box& b = area_boxes_[a];
            if (b.empty || b.maxx < box.minx - half_w * 0.2 || b.minx > box.maxx + half_w * 0.2 || b.maxy < box.miny - half_h * 0.2 ||
                b.miny > box.maxy + half_h * 0.2)
                continue;
            map.path(map.path_data(sheets::rings_of(d_.areas[a].geometry)), "#f4f1ea", "#999999", 0.8);
            labelled.push_back(a);
        }
        // Names at the middle of each area's extent, when that lies in the box (under the actors).
        for (std::size_t a : labelled) {
            const sheets::Box& b = area_boxes_[a];
            const Point middle{(b.minx + b.maxx) / 2, (b.miny + b.maxy) / 2};
            if (middle.x > box.minx && middle.x < box.maxx && middle.y > box.miny && middle.y < box.maxy)
                map.label(middle, d_.areas[a].name);
        }
        draw_actors(map, actors, links);
        return map.svg("Zoom sur les acteurs");
    }

    void set_maps(TemplateData& data, const std::string& overview_svg, const std::string& zoom_svg, Items legend,
                  const std::string& zoom_caption = "Zoom sur la zone") const {
        data.set("map", overview_svg).set("zoom_map", zoom_svg).set("zoom_caption", zoom_svg.empty() ? "" : zoom_caption);
        data.lists["legend"] = std::move(legend);
    }

    // --- the pages -----------------------------------------------------------------------------
    fs::path write(const std::string& file, const std::string& template_name, TemplateData& data) {
        data.set("file", file);
        const std::string html = templates_.render(template_name, data, &shared_);
        const fs::path target = out_ / file;
        std::ofstream f(target, std::ios::binary);
        f << html;
        f.close();
        if (!f) throw OutputError(target.string() + " : écriture impossible");
        return target;
    }

    static TemplateData index_item(const std::string& href, const std::string& name, const std::string& detail) {
        return TemplateData().set("href", href).set("name", name).set("detail", detail);
    }

    static std::string plural(std::size_t n, const std::string& one, const std::string& many) {
        return format_integer(static_cast<long long>(n)) + " " + (n > 1 ? many : one);
    }

    TemplateData family_page(const Row& row) {
        const std::string family = row.raw_text("family");
        TemplateData data;
        data.set("title", family).set("kind_label", "Fiche famille d'acteurs").set("colour", family_colours_.at(family).hex());
        add_row(data, row, {"family"});
        std::vector<std::size_t> members;
        for (std::size_t i = 0; i < d_.actors.size(); ++i)
            if (d_.actors[i].family == family) members.push_back(i);
        SvgMap map = overview();
        for (const auto& a : d_.actors)
            if (a.location && a.family != family) map.circle(*a.location, 2.2, "#c8c8c8");
        for (std::size_t i : members)
            if (d_.actors[i].location) map.circle(*d_.actors[i].location, 4.5, family_colours_.at(family).hex());
        Items legend = family_legend(members);
        legend.push_back(TemplateData().set("colour", "#c8c8c8").set("label", "acteurs des autres familles").set("shape", "rond"));
        set_maps(data, map.svg("Les acteurs « " + family + " » dans le territoire"), "", std::move(legend));
        add_actors(data, members, true);
        const std::string href = family_href(family);
        write(href, "famille.html", data);
        return index_item(href, family, plural(members.size(), "acteur", "acteurs"));
    }

    std::vector<std::size_t> actors_in_area(const std::string& id) const {
        std::vector<std::size_t> out;
        for (std::size_t i = 0; i < d_.actors.size(); ++i)
            if (d_.actors[i].area_id == id) out.push_back(i);
        return out;
    }

    TemplateData area_page(const Row& row) {
        const std::string id = row.raw_text("area_id");
        const Area& area = d_.areas[area_index_.at(id)];
        TemplateData data;
        data.set("title", area.name).set("kind_label", "Fiche zone");
        add_row(data, row, {"name"});
        data.set("area_km2", format_real(area.area_km2));
        const std::vector<std::size_t> members = actors_in_area(id);
        Items legend = family_legend(members);
        const std::string zoom = zoom_map(area, members, "", legend);
        const double value = area_value(id);
        data.set("class_label", class_label_).set("class_value", std::isfinite(value) ? format_real(value) : "");
        data.lists["class_legend"] = class_legend();
        set_maps(data, locate_area(area), zoom, std::move(legend));
        add_actors(data, members, false);
        Items places;
        for (const auto& p : d_.places) {
            if (p.area_id != id) continue;
            places.push_back(TemplateData()
                                 .set("name", p.name)
                                 .set("href", place_href(p.id))
                                 .set("kind", p.kind)
                                 .set("colour", kind_colours_.at(p.kind).hex())
                                 .set("capacity", p.capacity ? format_real(*p.capacity) : ""));
        }
        data.set("has_places", places.empty() ? "" : "oui");
        data.lists["places"] = std::move(places);
        survey_sections_.add(data, id);  // issue 8: survey.cpp, enquete.html
        access_sections_.add(data, id);  // issue 7: access_sheets.cpp, acces.html
        const std::string href = area_href(id);
        write(href, "zone.html", data);
        // A diagnostic of places only does not repeat "0 acteur" 100 times in the index.
        const std::string places_text = plural(count_places(id), "lieu", "lieux");
        return index_item(href, area.name,
                          d_.actors.empty() ? places_text : plural(members.size(), "acteur", "acteurs") + ", " + places_text);
    }

    std::size_t count_places(const std::string& area_id) const {
        return static_cast<std::size_t>(
            std::count_if(d_.places.begin(), d_.places.end(), [&](const Place& p) { return p.area_id == area_id; }));
    }

    TemplateData place_page(const Row& row) {
        const std::string id = row.raw_text("place_id");
        const auto it = std::find_if(d_.places.begin(), d_.places.end(), [&](const Place& p) { return p.id == id; });
        TemplateData data;
        data.set("title", row.text("name")).set("kind_label", "Fiche lieu");
        add_row(data, row, {"name"});
        const std::string area_id = row.raw_text("area_id");
        data.set("area_name", area_name(area_id)).set("area_href", area_href(area_id));
        auto& figures = data.lists["figures"];  // the area's name after its id
        const auto after = std::find_if(figures.begin(), figures.end(), [&](const TemplateData& f) {
            return f.text.at("label") == alias_of(places_, "area_id");
        });
        figures.insert(after == figures.end() ? after : after + 1,
                       TemplateData().set("label", "Nom de la zone").set("value", area_id.empty() ? "hors zone" : area_name(area_id)));
        std::vector<std::size_t> members = actors_in_area(area_id);
        if (area_id.empty()) members.clear();
        Items legend;
        SvgMap map = overview();
        std::string zoom;
        if (const auto a = area_index_.find(area_id); a != area_index_.end()) {
            const Area& area = d_.areas[a->second];
            map.path(map.path_data(sheets::rings_of(area.geometry)), "#fde0c5", "#222222", 1);
            legend = family_legend(members);
            zoom = zoom_map(area, members, id, legend);
        }
        if (it != d_.places.end()) {
            map.square(it->location, 10, kind_colours_.at(it->kind).hex());
            if (zoom.empty())
                legend.push_back(TemplateData().set("colour", kind_colours_.at(it->kind).hex()).set("label", "lieu : " + it->kind).set("shape", "carre"));
        }
        set_maps(data, map.svg(row.raw_text("name") + " dans le territoire"), zoom, std::move(legend));
        add_actors(data, members, false);
        const std::string href = place_href(id);
        write(href, "lieu.html", data);
        return index_item(href, row.raw_text("name"), row.raw_text("kind") + (area_id.empty() ? "" : ", " + area_name(area_id)));
    }

    TemplateData community_page(const Row& row) {
        const std::string n = row.raw_text("community");
        TemplateData data;
        data.set("title", "Communauté " + n).set("kind_label", "Fiche communauté du réseau");
        add_row(data, row, {"community", "members"});
        std::vector<std::size_t> members;
        for (std::size_t r = 0; r < actors_.rows.size(); ++r) {
            const Row a{actors_, r};
            if (a.raw_text("community") == n) members.push_back(actor_index_.at(a.raw_text("actor_id")));
        }
        SvgMap map = overview();
        draw_actors(map, members, true);
        Items legend = family_legend(members);
        legend.push_back(TemplateData().set("colour", "#555555").set("label", "lien de coopération interne").set("shape", "trait"));
        set_maps(data, map.svg("Les membres de la communauté " + n), actors_zoom(members, true), std::move(legend),
                 "Zoom sur les membres");
        add_actors(data, members, true);
        const std::string href = community_href(n);
        write(href, "communaute.html", data);
        return index_item(href, "Communauté " + n, plural(members.size(), "acteur", "acteurs"));
    }

    TemplateData object_page(const Row& row) {
        const std::string id = row.raw_text("object_id");
        TemplateData data;
        data.set("title", row.text("name")).set("kind_label", "Fiche projet ou événement partagé");
        add_row(data, row, {"name", "participants"});
        std::vector<std::size_t> members;
        for (const auto& o : d_.objects)
            if (o.id == id)
                for (const auto& a : o.actor_ids) members.push_back(actor_index_.at(a));
        SvgMap map = overview();
        draw_actors(map, members, false);
        set_maps(data, map.svg("Les participants de « " + row.raw_text("name") + " »"), actors_zoom(members, false),
                 family_legend(members), "Zoom sur les participants");
        add_actors(data, members, true);
        const std::string href = object_href(id);
        write(href, "objet.html", data);
        return index_item(href, row.raw_text("name"), plural(members.size(), "participant", "participants"));
    }

    void index_map(TemplateData& data) const {
        SvgMap map(territory_box_, kOverviewWidth, kOverviewHeight);
        for (const auto& area : d_.areas)
            map.path(map.path_data(sheets::rings_of(area.geometry)), area_colour(area_value(area.id)).hex(), "#ffffff", 0.4);
        map.path(territory_path_, "none", "#555555", 1.2);
        data.set("class_label", class_label_);
        data.lists["class_legend"] = class_legend();
        Items families;
        for (const auto& [f, colour] : family_colours_)
            families.push_back(TemplateData().set("colour", colour.hex()).set("label", f).set("href", family_href(f)));
        data.set("has_families", families.empty() ? "" : "oui");
        data.lists["families"] = std::move(families);
        set_maps(data, map.svg("Les zones du territoire : " + class_label_), "", {});
    }
};

}  // namespace

fs::path write_html_sheets(const Diagnostic& d, const fs::path& dir) {
    // Pages are written into a temporary folder next to `dir`, which then replaces `dir` whole: the
    // sheets folder is either the complete new one or the previous one, never a mix.
    const fs::path parent = dir.parent_path().empty() ? fs::path(".") : dir.parent_path();
    const std::string tag = ".tmp-" + std::to_string(::getpid());
    const fs::path tmp = parent / ("." + dir.filename().string() + tag);
    const fs::path old = parent / ("." + dir.filename().string() + ".old" + tag);
    std::error_code ec;
    fs::remove_all(tmp, ec);
    fs::create_directories(tmp, ec);
    if (ec) throw OutputError(tmp.string() + " : dossier impossible à créer");
    try {
        SheetWriter(d, tmp).write_all();
    } catch (...) {
        fs::remove_all(tmp, ec);
        throw;
    }
    fs::remove_all(old, ec);
    if (fs::exists(dir, ec)) {
        fs::rename(dir, old, ec);
        if (ec) {
            fs::remove_all(tmp, ec);
            throw OutputError(dir.string() + " : l'ancien dossier des fiches ne peut pas être remplacé");
        }
    }
    fs::rename(tmp, dir, ec);
    if (ec) {
        fs::remove_all(tmp, ec);
        fs::rename(old, dir, ec);  // put the previous sheets back
        throw OutputError(dir.string() + " : renommage du dossier temporaire des fiches impossible");
    }
    fs::remove_all(old, ec);
    return dir / "index.html";
}

}  // namespace territoire
