// maps.cpp — the rendered maps (docs/maps.md): A4 portrait pages, each written as PNG
// (300 dpi), SVG and PDF into DIR/maps/:
//   zones          the areas as a choropleth (actors, or places, per 10 000 inhabitants or per area);
//   acteurs-lieux  places by kind and actors by family over the areas;
//   reseau         the cooperation network (links by weight, bridges, actors by family and degree);
//   enquete        the survey's first headline indicator per area (issue 8), when there is a survey;
//   acces          walking time to the nearest place of the first measured kind (issue 7), when the
//                  diagnostic has an access_grid.
// Every page has a title, a legend, a scale bar, a north arrow and a source line. Colours and
// classes come from style.hpp, so the maps agree with the QGIS styles and the HTML sheets.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <set>
#include <variant>

#include "deliverables.hpp"
#include "detail/geos.hpp"
#include "render.hpp"
#include "style.hpp"
#include "territoire/error.hpp"

namespace territoire {
namespace {

namespace fs = std::filesystem;
using render::Anchor;
using render::Paint;
using render::Pt;
using render::Scene;
using render::Stroke;

// A4 portrait in points; 10 mm margins.
constexpr double kPageWidth = 595.276;
constexpr double kPageHeight = 841.890;
constexpr double kMargin = 28.35;
constexpr double kPngDpi = 300;  // 2480 × 3508 pixels

constexpr style::Rgb kInk{37, 37, 37};
constexpr style::Rgb kGrey{99, 99, 99};
constexpr style::Rgb kWhite{255, 255, 255};
constexpr style::Rgb kAreaBackground{240, 240, 240};
constexpr style::Rgb kAreaBorder{200, 200, 200};

const std::string kNbsp = "\u00a0";

// ---------------------------------------------------------------------------------------------
// French text

// "12 345,6": a no-break space between thousands from 10 000 on, a decimal comma. The values
// drawn (counts, rates, lengths) are never negative.
// French numbers as everywhere else in the deliverables (style::french_number); never negative here.
std::string fr_number(double v, int decimals) { return style::french_number(std::max(v, 0.0), decimals); }

std::string plural(std::size_t n, const std::string& one, const std::string& many) {
    return fr_number(static_cast<double>(n), 0) + kNbsp + (n > 1 ? many : one);
}

// ---------------------------------------------------------------------------------------------
// Geometry: from the working CRS (projected, in metres: project.cpp refuses others) to the page.

using Rings = std::vector<std::vector<Pt>>;

Rings rings_of(const detail::GeosContext& ctx, const Wkb& wkb) {
    Rings out;
    if (wkb.empty()) return out;
    detail::GeomPtr g = detail::from_wkb(ctx, wkb);
    auto add_ring = [&](const GEOSGeometry* ring) {
        const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(ctx.handle(), ring);
        unsigned int n = 0;
        if (!seq || !GEOSCoordSeq_getSize_r(ctx.handle(), seq, &n) || n == 0) return;
        std::vector<Pt> pts;
        pts.reserve(n);
        for (unsigned int i = 0; i < n; ++i) {
            double x = 0, y = 0;
            GEOSCoordSeq_getXY_r(ctx.handle(), seq, i, &x, &y);
            pts.push_back({x, y});
        }
        out.push_back(std::move(pts));
    };
    const int parts = GEOSGetNumGeometries_r(ctx.handle(), g.get());
    for (int p = 0; p < parts; ++p) {
        const GEOSGeometry* poly = GEOSGetGeometryN_r(ctx.handle(), g.get(), p);
        if (GEOSGeomTypeId_r(ctx.handle(), poly) != GEOS_POLYGON) continue;
        add_ring(GEOSGetExteriorRing_r(ctx.handle(), poly));
        const int holes = GEOSGetNumInteriorRings_r(ctx.handle(), poly);
        for (int h = 0; h < holes; ++h) add_ring(GEOSGetInteriorRingN_r(ctx.handle(), poly, h));
    }
    return out;
}

struct Box {
    double x0 = 0, y0 = 0, x1 = 0, y1 = 0;  // x0 < x1, y0 < y1
    double width() const { return x1 - x0; }
    double height() const { return y1 - y0; }
};

// The world (metres, y up) fitted into a page rectangle (points, y down), aspect kept, centred.
class Frame {
public:
    Frame(const Box& world, const Box& page) : page_(page) {
        const double pad = 0.03;
        const double w = std::max(world.width(), 1.0), h = std::max(world.height(), 1.0);
        scale_ = std::min(page.width() * (1 - 2 * pad) / w, page.height() * (1 - 2 * pad) / h);
        wx_ = (world.x0 + world.x1) / 2;
        wy_ = (world.y0 + world.y1) / 2;
    }
    Pt operator()(Pt m) const {
        return {(page_.x0 + page_.x1) / 2 + (m.x - wx_) * scale_, (page_.y0 + page_.y1) / 2 - (m.y - wy_) * scale_};
    }
    double points_per_metre() const { return scale_; }
    const Box& page() const { return page_; }

    // Rings on the page, dropping vertices closer than 0.2 pt (0.07 mm) to the previous one.
    Rings on_page(const Rings& world) const {
        Rings out;
        for (const auto& ring : world) {
            std::vector<Pt> pts;
            for (std::size_t i = 0; i < ring.size(); ++i) {
                const Pt p = (*this)(ring[i]);
                const bool last = i + 1 == ring.size();
                if (!pts.empty() && !last && std::hypot(p.x - pts.back().x, p.y - pts.back().y) < 0.2) continue;
                pts.push_back(p);
            }
            if (pts.size() >= 3) out.push_back(std::move(pts));
        }
        return out;
    }

private:
    Box page_;
    double scale_ = 1, wx_ = 0, wy_ = 0;
};

// Everything drawn, in the working CRS (metres), read once from the diagnostic.
struct World {
    Rings territory;
    std::vector<Rings> areas;                   // parallel to d.areas
    std::vector<std::optional<Pt>> actors;      // parallel to d.actors
    std::vector<Pt> places;                     // parallel to d.places
    Box box;
};

World world_of(const Diagnostic& d) {
    detail::GeosContext ctx;
    World w;
    w.territory = rings_of(ctx, d.territory.geometry);
    for (const auto& a : d.areas) w.areas.push_back(rings_of(ctx, a.geometry));
    for (const auto& a : d.actors) w.actors.push_back(a.location ? std::optional<Pt>(Pt{a.location->x, a.location->y}) : std::nullopt);
    for (const auto& p : d.places) w.places.push_back({p.location.x, p.location.y});

    bool first = true;
    auto grow = [&](Pt p) {
        if (first) w.box = {p.x, p.y, p.x, p.y};
        w.box = {std::min(w.box.x0, p.x), std::min(w.box.y0, p.y), std::max(w.box.x1, p.x), std::max(w.box.y1, p.y)};
        first = false;
    };
    for (const auto& ring : w.territory) for (const Pt& p : ring) grow(p);
    for (const auto& rings : w.areas) for (const auto& ring : rings) for (const Pt& p : ring) grow(p);
    for (const auto& p : w.actors) if (p) grow(*p);
    for (const Pt& p : w.places) grow(p);
    return w;
}

// ---------------------------------------------------------------------------------------------
// Legend

struct LegendEntry {
    enum class Symbol { box, square, circle, line } symbol = Symbol::box;
    style::Rgb colour;
    double size = 0;  // square side, circle radius or line width (points)
    std::string label;
    double opacity = 1;
};

struct LegendSection {
    std::string heading;
    std::vector<LegendEntry> entries;
};

constexpr double kLegendFont = 8.5;
constexpr double kHeadingFont = 9.5;
constexpr double kSwatch = 20;     // width reserved for a symbol
constexpr double kColumnGap = 14;

struct LegendLayout {
    double column_width = 0;
    int columns = 1;
    double row_height = 12;
};

LegendLayout layout_of(const LegendSection& s, double width) {
    LegendLayout l;
    double widest = 0;
    for (const auto& e : s.entries) {
        widest = std::max(widest, render::text_width(e.label, kLegendFont, false));
        if (e.symbol == LegendEntry::Symbol::circle) l.row_height = std::max(l.row_height, 2 * e.size + 3);
    }
    l.column_width = kSwatch + widest + kColumnGap;
    l.columns = std::max(1, std::min(static_cast<int>(s.entries.size()), static_cast<int>((width + kColumnGap) / l.column_width)));
    return l;
}

double legend_height(const std::vector<LegendSection>& sections, double width) {
    double h = 0;
    for (const auto& s : sections) {
        const LegendLayout l = layout_of(s, width);
        const int rows = (static_cast<int>(s.entries.size()) + l.columns - 1) / l.columns;
        h += 15 + rows * l.row_height + 6;
    }
    return h;
}

void draw_legend(Scene& scene, const std::vector<LegendSection>& sections, double x, double y, double width) {
    scene.group("legende");
    for (const auto& s : sections) {
        scene.text({x, y + 10}, s.heading, kHeadingFont, true, kInk);
        y += 15;
        const LegendLayout l = layout_of(s, width);
        const int rows = (static_cast<int>(s.entries.size()) + l.columns - 1) / l.columns;
        for (std::size_t i = 0; i < s.entries.size(); ++i) {
            const LegendEntry& e = s.entries[i];
            const int col = static_cast<int>(i) / rows, row = static_cast<int>(i) % rows;  // down, then across
            const double ex = x + col * l.column_width;
            const double cy = y + row * l.row_height + l.row_height / 2;
            const Stroke outline{kGrey, 0.4};
            switch (e.symbol) {
                case LegendEntry::Symbol::box: scene.rect(ex, cy - 4.5, 15, 9, Paint{e.colour}, outline); break;
                case LegendEntry::Symbol::square:
                    scene.rect(ex + 7.5 - e.size / 2, cy - e.size / 2, e.size, e.size, Paint{e.colour}, Stroke{kInk, 0.35});
                    break;
                case LegendEntry::Symbol::circle: scene.circle({ex + 7.5, cy}, e.size, Paint{e.colour}, Stroke{kInk, 0.35}); break;
                case LegendEntry::Symbol::line:
                    scene.polyline({{ex, cy}, {ex + 15, cy}}, Stroke{e.colour, e.size, e.opacity, true});
                    break;
            }
            scene.text({ex + kSwatch, cy + 3}, e.label, kLegendFont, false, kInk);
        }
        y += rows * l.row_height + 6;
    }
}

// ---------------------------------------------------------------------------------------------
// Scale bar and north arrow

// Largest 1, 2 or 5 × 10^k metres not above `metres`.
double round_length(double metres) {
    const double p = std::pow(10.0, std::floor(std::log10(metres)));
    for (double f : {5.0, 2.0, 1.0})
        if (f * p <= metres) return f * p;
    return p;
}

std::string length_label(double metres) {
    return metres >= 1000 ? fr_number(metres / 1000, metres >= 10000 || std::fmod(metres, 1000) == 0 ? 0 : 1) + kNbsp + "km"
                          : fr_number(metres, 0) + kNbsp + "m";
}

void draw_scale_bar(Scene& scene, const Frame& f) {
    const Box& p = f.page();
    const double metres = round_length(p.width() / 4 / f.points_per_metre());
    const double len = metres * f.points_per_metre();
    const double x = p.x0 + 12, y = p.y1 - 16;
    scene.group("echelle");
    scene.rect(x - 6, y - 16, len + 12 + render::text_width(length_label(metres), 8, false) / 2, 28, Paint{kWhite, 0.85}, std::nullopt);
    scene.rect(x, y, len / 2, 4, Paint{kInk}, Stroke{kInk, 0.5});
    scene.rect(x + len / 2, y, len / 2, 4, Paint{kWhite}, Stroke{kInk, 0.5});
    scene.text({x, y - 3}, "0", 8, false, kInk, Anchor::middle);
    scene.text({x + len / 2, y - 3}, length_label(metres / 2), 8, false, kInk, Anchor::middle);
    scene.text({x + len, y - 3}, length_label(metres), 8, false, kInk, Anchor::middle);
}

void draw_north_arrow(Scene& scene, const Frame& f) {
    const Box& p = f.page();
    const double cx = p.x1 - 24, top = p.y0 + 22;
    scene.group("nord");
    scene.rect(cx - 12, top - 16, 24, 50, Paint{kWhite, 0.85}, std::nullopt);
    scene.text({cx, top - 3}, "N", 10, true, kInk, Anchor::middle);
    scene.polygon({{{cx, top}, {cx - 7, top + 28}, {cx, top + 22}}}, Paint{kWhite}, Stroke{kInk, 0.6});
    scene.polygon({{{cx, top}, {cx + 7, top + 28}, {cx, top + 22}}}, Paint{kInk}, Stroke{kInk, 0.6});
}

// ---------------------------------------------------------------------------------------------
// The page

struct MapPage {
    std::string stem;      // file name without extension
    std::string title;
    std::string subtitle;
    std::vector<LegendSection> legend;
    std::vector<std::string> notes;             // small lines above the source line
    std::vector<const SourceSpec*> sources;     // for « Sources : … »
    std::function<void(Scene&, const Frame&)> draw_map;
};

// Greedy word wrap of `text` to `width` points.
std::vector<std::string> wrap(const std::string& text, double size, double width) {
    std::vector<std::string> lines;
    std::string line, word;
    auto flush_word = [&]() {
        if (word.empty()) return;
        const std::string candidate = line.empty() ? word : line + " " + word;
        if (!line.empty() && render::text_width(candidate, size, false) > width) {
            lines.push_back(line);
            line = word;
        } else {
            line = candidate;
        }
        word.clear();
    };
    for (char c : text) {
        if (c == ' ') flush_word();
        else word += c;
    }
    flush_word();
    if (!line.empty()) lines.push_back(line);
    return lines;
}

std::string sources_line(const std::vector<const SourceSpec*>& sources) {
    std::vector<std::string> names;
    for (const SourceSpec* s : sources)
        if (s && !s->name.empty() && std::find(names.begin(), names.end(), s->name) == names.end()) names.push_back(s->name);
    std::string out = "Sources" + kNbsp + ": ";
    for (std::size_t i = 0; i < names.size(); ++i) out += (i ? ", " : "") + names[i];
    return out + " — carte produite avec libterritoire " + version();
}

Scene compose(const MapPage& m, const World& w, const std::string& project_name) {
    Scene scene(kPageWidth, kPageHeight, m.title);
    const double x0 = kMargin, width = kPageWidth - 2 * kMargin;

    scene.group("titre");
    scene.text({x0, kMargin + 18}, m.title, 19, true, kInk);
    double y = kMargin + 36;
    for (const auto& line : wrap(project_name + (m.subtitle.empty() ? "" : " — " + m.subtitle), 10.5, width)) {
        scene.text({x0, y}, line, 10.5, false, kGrey);
        y += 14;
    }
    const double map_top = y - 4;

    // Bottom up: source line, notes, legend, then the map takes what is left.
    std::vector<std::string> foot;
    for (const auto& n : m.notes)
        for (auto& l : wrap(n, 7.5, width)) foot.push_back(l);
    for (auto& l : wrap(sources_line(m.sources), 7.5, width)) foot.push_back(l);
    const double foot_top = kPageHeight - kMargin - 10 * static_cast<double>(foot.size()) + 2;
    const double legend_top = foot_top - 10 - legend_height(m.legend, width);
    const Box map_box{x0, map_top, x0 + width, legend_top - 12};
    const Frame frame(w.box, map_box);

    scene.group("carte");
    m.draw_map(scene, frame);
    scene.group("cadre");
    scene.rect(map_box.x0, map_box.y0, map_box.width(), map_box.height(), std::nullopt, Stroke{kGrey, 0.6});
    draw_scale_bar(scene, frame);
    draw_north_arrow(scene, frame);
    draw_legend(scene, m.legend, x0, legend_top, width);
    scene.group("sources");
    double fy = foot_top + 6;
    for (const auto& l : foot) {
        scene.text({x0, fy}, l, 7.5, false, kGrey);
        fy += 10;
    }
    return scene;
}

// ---------------------------------------------------------------------------------------------
// Shared drawing helpers

void draw_areas(Scene& scene, const Frame& f, const World& w, const std::function<style::Rgb(std::size_t)>& fill,
                const Stroke& border) {
    for (std::size_t i = 0; i < w.areas.size(); ++i) scene.polygon(f.on_page(w.areas[i]), Paint{fill(i)}, border);
}

void draw_outline(Scene& scene, const Frame& f, const World& w) {
    scene.polygon(f.on_page(w.territory), std::nullopt, Stroke{kInk, 0.9});
}

std::vector<std::string> families_of(const Diagnostic& d) {
    std::vector<std::string> out;
    for (const auto& a : d.actors) out.push_back(a.family);
    return out;
}

std::vector<std::string> kinds_of(const Diagnostic& d) {
    std::vector<std::string> out;
    for (const auto& p : d.places) out.push_back(p.kind);
    return out;
}

// One legend entry per category, in the palette's (byte) order, with its count.
std::vector<LegendEntry> category_entries(const std::vector<std::string>& values, LegendEntry::Symbol symbol, double size) {
    std::map<std::string, std::size_t> count;
    for (const auto& v : values) ++count[v];
    std::vector<LegendEntry> out;
    for (const auto& [name, colour] : style::category_colours(values))
        out.push_back({symbol, colour, size, name + " (" + fr_number(static_cast<double>(count[name]), 0) + ")"});
    return out;
}

std::vector<const SourceSpec*> base_sources(const Project& p) { return {&p.territory, &p.areas}; }

std::size_t unlocated_actors(const Diagnostic& d) {
    return static_cast<std::size_t>(std::count_if(d.actors.begin(), d.actors.end(), [](const Actor& a) { return !a.location; }));
}

// ---------------------------------------------------------------------------------------------
// Map 1: zones (choropleth)

MapPage zones_page(const Diagnostic& d, const World& w) {
    // The indicator: actors when there are any in an area, otherwise places; per 10 000
    // inhabitants when the areas have populations, otherwise a count per area.
    const style::AreaIndicator indicator = style::area_indicator(d);  // the same as the sheets and QGIS
    const bool use_actors = indicator.actors;
    const bool per_inhabitants = indicator.per_inhabitants;
    std::map<std::string, std::size_t> count;
    if (use_actors) {
        for (const auto& a : d.actors) if (!a.area_id.empty()) ++count[a.area_id];
    } else {
        for (const auto& p : d.places) if (!p.area_id.empty()) ++count[p.area_id];
    }
    std::vector<std::optional<double>> value(d.areas.size());
    for (std::size_t i = 0; i < d.areas.size(); ++i) {
        const Area& a = d.areas[i];
        const double n = static_cast<double>(count[a.id]);
        if (!per_inhabitants) value[i] = n;
        else if (a.population && *a.population > 0) value[i] = n / *a.population * 10000;
    }
    std::vector<double> finite;
    for (const auto& v : value) if (v) finite.push_back(*v);
    const style::Classes cls = style::choropleth_classes(finite);  // the same as the sheets and QGIS
    const std::vector<double>& breaks = cls.upper;
    const std::vector<style::Rgb>& colours = cls.colours;
    auto class_of = [&](double v) {
        for (std::size_t k = 0; k < breaks.size(); ++k)
            if (v <= breaks[k]) return k;
        return breaks.size() - 1;
    };

    const std::string of_what = use_actors ? "d'acteurs" : "de lieux culturels";
    MapPage m;
    m.stem = "zones";
    m.title = per_inhabitants ? std::string(use_actors ? "Acteurs" : "Lieux culturels") + " pour 10" + kNbsp + "000 habitants"
                              : "Nombre " + of_what + " par zone";
    m.subtitle = plural(d.areas.size(), "zone", "zones") + ", classes par quantiles";

    std::vector<std::size_t> in_class(breaks.size(), 0);
    std::size_t no_data = 0;
    for (const auto& v : value) {
        if (v) ++in_class[class_of(*v)];
        else ++no_data;
    }
    LegendSection classes{"Nombre " + of_what + (per_inhabitants ? " pour 10" + kNbsp + "000 habitants" : " par zone"), {}};
    const std::vector<std::string> labels = style::class_labels(cls);  // the same as the sheets and QGIS
    for (std::size_t k = 0; k < breaks.size(); ++k)
        classes.entries.push_back({LegendEntry::Symbol::box, colours[k], 0, labels[k] + " (" + plural(in_class[k], "zone", "zones") + ")"});
    if (no_data > 0)
        classes.entries.push_back({LegendEntry::Symbol::box, style::kNoData, 0,
                                   std::string(style::kNoDataLabel) + " (" + plural(no_data, "zone", "zones") + ")"});
    m.legend.push_back(classes);
    m.legend.push_back({"Limites", {{LegendEntry::Symbol::line, kInk, 0.9, "territoire (zones séparées par un trait blanc)"}}});

    m.sources = base_sources(d.project);
    if (use_actors) for (const auto& s : d.project.actors) m.sources.push_back(&s);
    else for (const auto& s : d.project.places) m.sources.push_back(&s);
    const std::size_t without_area = static_cast<std::size_t>(
        std::count_if(d.actors.begin(), d.actors.end(), [](const Actor& a) { return a.area_id.empty(); }));
    if (use_actors && without_area > 0)
        m.notes.push_back(without_area > 1 ? fr_number(static_cast<double>(without_area), 0) + kNbsp +
                                                 "acteurs sans zone (non localisés ou hors des zones) ne sont pas comptés."
                                           : "1" + kNbsp + "acteur sans zone (non localisé ou hors des zones) n'est pas compté.");
    std::vector<style::Rgb> fill;
    for (const auto& v : value) fill.push_back(v ? colours[class_of(*v)] : style::kNoData);
    m.draw_map = [&w, fill](Scene& scene, const Frame& f) {
        draw_areas(scene, f, w, [&fill](std::size_t i) { return fill[i]; }, Stroke{kWhite, 0.35});
        draw_outline(scene, f, w);
    };
    return m;
}

// ---------------------------------------------------------------------------------------------
// Map 1b: the survey's first headline indicator (issue 8, docs/survey.md), from the `areas` layer:
// withheld cells (small-cell protection) are grey « non publié », areas without respondents white.

std::optional<MapPage> survey_page(const Diagnostic& d, const World& w) {
    if (!d.project.survey || d.project.survey->headline.empty()) return std::nullopt;
    const Table* areas = nullptr;
    for (const auto& t : d.tables)
        if (t.name == "areas") areas = &t;
    if (!areas) return std::nullopt;
    int field = -1;
    for (std::size_t k = 0; k < areas->fields.size() && field < 0; ++k)
        if (areas->fields[k].name.rfind("survey_", 0) == 0 && areas->fields[k].name != "survey_n") field = static_cast<int>(k);
    const int id_col = areas->field_index("area_id"), n_col = areas->field_index("survey_n");
    if (field < 0 || id_col < 0 || n_col < 0) return std::nullopt;
    std::map<std::string, std::pair<std::optional<double>, std::int64_t>> by_id;
    for (const auto& row : areas->rows) {
        const auto* v = std::get_if<double>(&row[static_cast<std::size_t>(field)]);
        const auto* n = std::get_if<std::int64_t>(&row[static_cast<std::size_t>(n_col)]);
        by_id[std::get<std::string>(row[static_cast<std::size_t>(id_col)])] = {v ? std::optional<double>(*v) : std::nullopt, n ? *n : 0};
    }
    std::vector<double> finite;
    for (const auto& [id, v] : by_id)
        if (v.first) finite.push_back(*v.first);
    const style::Classes cls = style::choropleth_classes(finite);
    auto class_of = [&](double v) {
        for (std::size_t k = 0; k < cls.upper.size(); ++k)
            if (v <= cls.upper[k]) return k;
        return cls.upper.size() - 1;
    };
    constexpr style::Rgb kNoRespondent{255, 255, 255};
    std::vector<style::Rgb> fill;
    std::vector<std::size_t> in_class(cls.upper.size(), 0);
    std::size_t withheld = 0, none = 0;
    for (const auto& a : d.areas) {
        const auto it = by_id.find(a.id);
        if (it != by_id.end() && it->second.first) {
            const std::size_t k = class_of(*it->second.first);
            ++in_class[k];
            fill.push_back(cls.colours[k]);
        } else if (it != by_id.end() && it->second.second > 0) {
            ++withheld;
            fill.push_back(style::kNoData);
        } else {
            ++none;
            fill.push_back(kNoRespondent);
        }
    }
    const std::string& alias = areas->fields[static_cast<std::size_t>(field)].alias;
    MapPage m;
    m.stem = "enquete";
    m.title = alias.rfind("Enquête : ", 0) == 0 ? alias.substr(std::string("Enquête : ").size()) : alias;
    m.subtitle = "Enquête auprès des habitants, réponses pondérées, ensemble des répondants";
    LegendSection classes{"Estimation par zone", {}};
    const std::vector<std::string> labels = style::class_labels(cls);
    for (std::size_t k = 0; k < cls.upper.size(); ++k)
        classes.entries.push_back({LegendEntry::Symbol::box, cls.colours[k], 0, labels[k] + " (" + plural(in_class[k], "zone", "zones") + ")"});
    if (withheld)
        classes.entries.push_back({LegendEntry::Symbol::box, style::kNoData, 0,
                                   "non publié : moins de " + std::to_string(d.project.survey->min_cell) +
                                       " répondants ou secret statistique (" + plural(withheld, "zone", "zones") + ")"});
    if (none) classes.entries.push_back({LegendEntry::Symbol::box, kNoRespondent, 0, "aucun répondant (" + plural(none, "zone", "zones") + ")"});
    m.legend.push_back(classes);
    m.legend.push_back({"Limites", {{LegendEntry::Symbol::line, kInk, 0.9, "territoire"}}});
    m.sources = base_sources(d.project);
    m.sources.push_back(&d.project.survey->source);
    m.notes.push_back("Intervalles de confiance et détail par groupe (publics, non-publics) : table survey_indicators et fiches zones.");
    m.draw_map = [&w, fill](Scene& scene, const Frame& f) {
        draw_areas(scene, f, w, [&fill](std::size_t i) { return fill[i]; }, Stroke{style::Rgb{150, 150, 150}, 0.35});
        draw_outline(scene, f, w);
    };
    return m;
}

// ---------------------------------------------------------------------------------------------
// Map 1c: walking access (issue 7, docs/access.md), from the `access_grid` layer: per population
// cell, the time to the nearest place of the first measured kind, in fixed minute classes (a
// council reads "10 minutes" better than quantiles); cells with no place within max_minutes in a
// colour of their own; the places of that kind on top.

constexpr style::Rgb kBeyondColour{84, 39, 143};  // dark purple: outside the yellow-red ramp
constexpr double kAccessPlaceSide = 6;

// Upper bounds of the minute classes: 5, 10, 15, 20, 30 below max_minutes, then max_minutes.
std::vector<double> access_minute_breaks(double max_minutes) {
    std::vector<double> out;
    for (double b : {5.0, 10.0, 15.0, 20.0, 30.0})
        if (b < max_minutes) out.push_back(b);
    if (max_minutes > 0) out.push_back(max_minutes);
    return out;
}

std::optional<MapPage> access_page(const Diagnostic& d, const World& w) {
    const Table* grid = nullptr;
    const Table* summary = nullptr;
    for (const auto& t : d.tables) {
        if (t.name == "access_grid") grid = &t;
        if (t.name == "access_summary") summary = &t;
    }
    if (!grid || grid->rows.empty()) return std::nullopt;
    int time_col = -1;
    for (std::size_t k = 0; k < grid->fields.size() && time_col < 0; ++k)
        if (grid->fields[k].name.rfind("time_min_", 0) == 0) time_col = static_cast<int>(k);
    const int pop_col = grid->field_index("population"), mode_col = grid->field_index("distance_mode");
    if (time_col < 0 || pop_col < 0) return std::nullopt;
    // The kind as the user wrote it: the field's alias is "Temps à pied (min) : <kind>".
    const std::string& alias = grid->fields[static_cast<std::size_t>(time_col)].alias;
    const std::string prefix = "Temps à pied (min) : ";
    const std::string kind = alias.rfind(prefix, 0) == 0 ? alias.substr(prefix.size()) : alias;
    const bool network = mode_col >= 0 && std::holds_alternative<std::string>(grid->rows.front()[static_cast<std::size_t>(mode_col)]) &&
                         std::get<std::string>(grid->rows.front()[static_cast<std::size_t>(mode_col)]) == "reseau";
    const double max_minutes = d.project.access.max_minutes;
    double speed = d.project.network ? d.project.network->speed_kmh : 4.5;
    std::vector<std::string> other_kinds;
    if (summary) {
        const int code = summary->field_index("indicator"), kind_col = summary->field_index("kind"), value = summary->field_index("value");
        for (const auto& row : summary->rows) {
            const auto* c = std::get_if<std::string>(&row[static_cast<std::size_t>(code)]);
            if (c && *c == "speed_kmh")
                if (const auto* v = std::get_if<double>(&row[static_cast<std::size_t>(value)])) speed = *v;
            if (c && *c == "n_places")
                if (const auto* k = std::get_if<std::string>(&row[static_cast<std::size_t>(kind_col)]); k && *k != kind)
                    other_kinds.push_back(*k);
        }
    }

    const std::vector<double> breaks = access_minute_breaks(max_minutes);
    if (breaks.empty()) return std::nullopt;
    const std::vector<style::Rgb> ramp = style::sequential_ramp(static_cast<int>(std::max<std::size_t>(3, breaks.size())));
    std::vector<style::Rgb> colours;
    if (breaks.size() >= 3) colours = ramp;
    else if (breaks.size() == 2) colours = {ramp.front(), ramp.back()};
    else colours = {ramp[1]};
    auto class_of = [&](double t) {
        for (std::size_t k = 0; k < breaks.size(); ++k)
            if (t <= breaks[k]) return k;
        return breaks.size() - 1;
    };

    // The cells: polygons (200 m squares) or points (drawn as small squares).
    detail::GeosContext ctx;
    struct CellShape {
        Rings rings;
        std::optional<Pt> point;
        style::Rgb colour;
    };
    auto cells = std::make_shared<std::vector<CellShape>>();
    std::vector<double> class_pop(breaks.size(), 0);
    std::vector<std::size_t> class_cells(breaks.size(), 0);
    double beyond_pop = 0;
    std::size_t beyond_cells = 0;
    for (std::size_t r = 0; r < grid->rows.size(); ++r) {
        const auto& row = grid->rows[r];
        const auto* t = std::get_if<double>(&row[static_cast<std::size_t>(time_col)]);
        const auto* p = std::get_if<double>(&row[static_cast<std::size_t>(pop_col)]);
        const double pop = p ? *p : 0;
        CellShape c;
        if (t && std::isfinite(*t)) {
            const std::size_t k = class_of(*t);
            c.colour = colours[k];
            class_pop[k] += pop;
            ++class_cells[k];
        } else {
            c.colour = kBeyondColour;
            beyond_pop += pop;
            ++beyond_cells;
        }
        if (r < grid->geometries.size() && !grid->geometries[r].empty()) {
            if (grid->geometry_type == GeometryType::point) {
                detail::GeomPtr g = detail::from_wkb(ctx, grid->geometries[r]);
                double x = 0, y = 0;
                if (GEOSGeomGetX_r(ctx.handle(), g.get(), &x) && GEOSGeomGetY_r(ctx.handle(), g.get(), &y)) c.point = Pt{x, y};
            } else {
                c.rings = rings_of(ctx, grid->geometries[r]);
            }
        }
        cells->push_back(std::move(c));
    }
    std::vector<std::size_t> places;
    for (std::size_t i = 0; i < d.places.size(); ++i)
        if (d.places[i].kind == kind) places.push_back(i);

    MapPage m;
    m.stem = "acces";
    const std::string mode_short = network ? "réseau de rues" : "ligne droite";
    m.title = "Temps à pied" + kNbsp + ": " + kind + " (" + mode_short + ")";
    if (render::text_width(m.title, 19, true) > kPageWidth - 2 * kMargin) m.title = "Temps à pied" + kNbsp + ": " + kind;
    m.subtitle = "lieu le plus proche depuis chaque carreau habité, à " + fr_number(speed, speed == std::floor(speed) ? 0 : 1) +
                 kNbsp + "km/h ; distances " +
                 (network ? std::string("par le réseau de rues") : std::string("en ligne droite (à vol d'oiseau, sans réseau de rues)"));
    auto habitants = [](double pop) { return fr_number(std::round(pop), 0) + kNbsp + "hab."; };
    LegendSection classes{"Temps à pied jusqu'au lieu « " + kind + " » le plus proche", {}};
    for (std::size_t k = 0; k < breaks.size(); ++k) {
        const std::string label = k == 0 ? fr_number(breaks[0], 0) + kNbsp + "min ou moins"
                                         : "plus de " + fr_number(breaks[k - 1], 0) + " à " + fr_number(breaks[k], 0) + kNbsp + "min";
        classes.entries.push_back({LegendEntry::Symbol::box, colours[k], 0,
                                   label + " (" + habitants(class_pop[k]) + ", " + plural(class_cells[k], "carreau", "carreaux") + ")"});
    }
    classes.entries.push_back({LegendEntry::Symbol::box, kBeyondColour, 0,
                               "au-delà de " + fr_number(max_minutes, max_minutes == std::floor(max_minutes) ? 0 : 1) + kNbsp + "min (" +
                                   habitants(beyond_pop) + ", " + plural(beyond_cells, "carreau", "carreaux") + ")"});
    m.legend.push_back(classes);
    m.legend.push_back({"Lieux", {{LegendEntry::Symbol::square, kInk, kAccessPlaceSide, kind + " (" + fr_number(static_cast<double>(places.size()), 0) + ")"}}});
    m.legend.push_back({"Limites", {{LegendEntry::Symbol::line, kInk, 0.9, "territoire"}, {LegendEntry::Symbol::line, kGrey, 0.5, "zones"}}});
    m.sources = base_sources(d.project);
    for (const auto& s : d.project.places) m.sources.push_back(&s);
    if (d.project.population) m.sources.push_back(&d.project.population->source);
    if (d.project.network) m.sources.push_back(&d.project.network->source);
    m.notes.push_back("Zones sans carreau habité en gris clair. Temps moyens, parts au-delà de 10 et 20" + kNbsp +
                      "min et score 2SFCA par zone : fiches zones et table access_summary.");
    if (!other_kinds.empty()) {
        std::string list;
        for (std::size_t i = 0; i < other_kinds.size(); ++i) list += (i ? ", " : "") + other_kinds[i];
        m.notes.push_back("Autres types de lieux mesurés (couche access_grid)" + kNbsp + ": " + list + ".");
    }
    m.draw_map = [&d, &w, cells, places](Scene& scene, const Frame& f) {
        draw_areas(scene, f, w, [](std::size_t) { return kAreaBackground; }, Stroke{kAreaBackground, 0.1});
        scene.group("carreaux");
        const double side = std::max(1.2, 200 * f.points_per_metre());
        for (const CellShape& c : *cells) {
            if (c.point) {
                const Pt p = f(*c.point);
                scene.rect(p.x - side / 2, p.y - side / 2, side, side, Paint{c.colour}, std::nullopt);
            } else {
                scene.polygon(f.on_page(c.rings), Paint{c.colour}, std::nullopt);
            }
        }
        scene.group("zones");
        for (const auto& rings : w.areas) scene.polygon(f.on_page(rings), std::nullopt, Stroke{kGrey, 0.5});
        draw_outline(scene, f, w);
        scene.group("lieux");
        for (std::size_t i : places) {
            const Pt p = f(w.places[i]);
            scene.rect(p.x - kAccessPlaceSide / 2, p.y - kAccessPlaceSide / 2, kAccessPlaceSide, kAccessPlaceSide, Paint{kInk},
                       Stroke{kWhite, 0.6});
        }
    };
    return m;
}

// ---------------------------------------------------------------------------------------------
// Map 2: places and actors

// A place square is wider than an actor dot, so an actor at the same address as a place (a
// library as actor and as place) shows as a dot framed by the place's colour.
constexpr double kPlaceSide = 7;
constexpr double kActorRadius = 2.6;

// Points that fall exactly on an earlier one: drawn, but hidden under it.
std::size_t stacked(const std::vector<Pt>& points) {
    std::set<std::pair<double, double>> seen;
    std::size_t n = 0;
    for (const Pt& p : points) n += !seen.insert({p.x, p.y}).second;
    return n;
}

MapPage places_actors_page(const Diagnostic& d, const World& w) {
    MapPage m;
    m.stem = "acteurs-lieux";
    const std::size_t located = d.actors.size() - unlocated_actors(d);
    m.title = d.actors.empty() ? "Lieux culturels" : d.places.empty() ? "Acteurs par famille" : "Lieux culturels et acteurs";
    std::string sub;
    if (!d.places.empty()) sub = plural(d.places.size(), "lieu", "lieux");
    if (!d.actors.empty()) sub += (sub.empty() ? "" : ", ") + plural(located, "acteur localisé", "acteurs localisés");
    m.subtitle = sub;
    if (!d.places.empty())
        m.legend.push_back({"Lieux par type (carrés)", category_entries(kinds_of(d), LegendEntry::Symbol::square, kPlaceSide)});
    if (!d.actors.empty())
        m.legend.push_back({"Acteurs par famille (ronds)", category_entries(families_of(d), LegendEntry::Symbol::circle, kActorRadius)});
    m.sources = base_sources(d.project);
    for (const auto& s : d.project.places) m.sources.push_back(&s);
    for (const auto& s : d.project.actors) m.sources.push_back(&s);
    if (located < d.actors.size())
        m.notes.push_back(plural(d.actors.size() - located, "acteur sans localisation n'est", "acteurs sans localisation ne sont") +
                          " pas représenté" + (d.actors.size() - located > 1 ? "s." : "."));
    std::vector<Pt> actor_points;
    for (const auto& p : w.actors)
        if (p) actor_points.push_back(*p);
    const std::size_t hidden_places = stacked(w.places), hidden_actors = stacked(actor_points);
    if (hidden_places + hidden_actors > 0) {
        std::string who;
        if (hidden_places) who = plural(hidden_places, "lieu", "lieux");
        if (hidden_actors) who += (who.empty() ? "" : " et ") + plural(hidden_actors, "acteur", "acteurs");
        m.notes.push_back("Points superposés" + kNbsp + ": " + who + " ont la position exacte d'un autre point de même sorte" +
                          " (même adresse ou localisation approchée) et ne se distinguent pas sur la carte.");
    }
    m.draw_map = [&d, &w](Scene& scene, const Frame& f) {
        draw_areas(scene, f, w, [](std::size_t) { return kAreaBackground; }, Stroke{kAreaBorder, 0.35});
        draw_outline(scene, f, w);
        const auto kind_colour = style::category_colours(kinds_of(d));
        for (std::size_t i = 0; i < d.places.size(); ++i) {
            const Pt p = f(w.places[i]);
            scene.rect(p.x - kPlaceSide / 2, p.y - kPlaceSide / 2, kPlaceSide, kPlaceSide, Paint{kind_colour.at(d.places[i].kind)},
                       Stroke{kInk, 0.35});
        }
        const auto family_colour = style::category_colours(families_of(d));
        for (std::size_t i = 0; i < d.actors.size(); ++i)
            if (w.actors[i]) scene.circle(f(*w.actors[i]), kActorRadius, Paint{family_colour.at(d.actors[i].family)}, Stroke{kInk, 0.35});
    };
    return m;
}

// ---------------------------------------------------------------------------------------------
// Map 3: the cooperation network

constexpr style::Rgb kLinkColour{82, 82, 82};
constexpr double kLinkOpacity = 0.45;
constexpr double kBridgeOpacity = 0.85;

double node_radius(int degree) { return std::min(1.6 + 1.1 * std::sqrt(static_cast<double>(degree)), 9.0); }

MapPage network_page(const Diagnostic& d, const World& w) {
    std::set<std::pair<std::string, std::string>> pairs;  // (source, target) of every link
    for (const auto& l : d.links) pairs.insert({l.source_id, l.target_id});
    std::map<std::string, std::size_t> index;
    for (std::size_t i = 0; i < d.actors.size(); ++i) index[d.actors[i].id] = i;
    struct Drawn {
        std::size_t a, b;
        double weight;
        bool bridge;
    };
    std::vector<Drawn> drawn;
    std::size_t skipped = 0, bridges = 0;
    for (std::size_t k = 0; k < d.links.size(); ++k) {
        const Link& l = d.links[k];
        const auto ia = index.find(l.source_id), ib = index.find(l.target_id);
        const bool bridge = k < d.network.link_is_bridge.size() && d.network.link_is_bridge[k];
        if (ia == index.end() || ib == index.end() || !w.actors[ia->second] || !w.actors[ib->second]) {
            ++skipped;
            continue;
        }
        drawn.push_back({ia->second, ib->second, l.weight, bridge});
        // A two-way pair of a directed network is one bridge (network_summary.n_bridges).
        bridges += bridge && !(d.network.directed && l.source_id > l.target_id && pairs.count({l.target_id, l.source_id}));
    }
    double wmin = 0, wmax = 0;
    if (!drawn.empty()) {
        const auto [lo, hi] = std::minmax_element(drawn.begin(), drawn.end(), [](const Drawn& x, const Drawn& y) { return x.weight < y.weight; });
        wmin = lo->weight;
        wmax = hi->weight;
    }
    auto width_of = [wmin, wmax](double weight) { return wmax > wmin ? 0.5 + 2.5 * (weight - wmin) / (wmax - wmin) : 1.2; };

    MapPage m;
    m.stem = "reseau";
    m.title = "Réseau de coopération";
    m.subtitle = plural(d.links.size(), "lien", "liens") + (d.network.directed ? " orientés" : "") + ", " +
                 plural(static_cast<std::size_t>(d.network.communities), "communauté", "communautés");
    m.legend.push_back({"Acteurs par famille", category_entries(families_of(d), LegendEntry::Symbol::circle, kActorRadius)});

    int max_degree = 0;
    for (const auto& me : d.measures) max_degree = std::max(max_degree, me.degree);
    LegendSection sizes{"Taille des ronds" + kNbsp + ": nombre de partenaires", {}};
    for (int deg : std::set<int>{1, std::max(1, max_degree / 2), std::max(1, max_degree)})
        sizes.entries.push_back({LegendEntry::Symbol::circle, kWhite, node_radius(deg), plural(static_cast<std::size_t>(deg), "partenaire", "partenaires")});
    m.legend.push_back(sizes);

    const int dec = std::floor(wmin) == wmin && std::floor(wmax) == wmax ? 0 : 2;
    LegendSection lines{"Liens (épaisseur selon le poids)", {}};
    if (wmax > wmin) {
        lines.entries.push_back({LegendEntry::Symbol::line, kLinkColour, width_of(wmin), "poids " + fr_number(wmin, dec), kLinkOpacity});
        lines.entries.push_back({LegendEntry::Symbol::line, kLinkColour, width_of(wmax), "poids " + fr_number(wmax, dec), kLinkOpacity});
    } else {
        lines.entries.push_back({LegendEntry::Symbol::line, kLinkColour, width_of(wmin), "poids " + fr_number(wmin, dec), kLinkOpacity});
    }
    if (d.network.directed)
        lines.entries.push_back({LegendEntry::Symbol::line, kLinkColour, 1.2,
                                 "réseau orienté" + kNbsp + ": la flèche pointe vers l'acteur de destination", kLinkOpacity});
    if (bridges > 0)
        lines.entries.push_back({LegendEntry::Symbol::line, kInk, 1.1,
                                 "pont" + kNbsp + ": sans ce lien, le réseau se coupe (" + fr_number(static_cast<double>(bridges), 0) + ")",
                                 kBridgeOpacity});
    m.legend.push_back(lines);

    m.sources = base_sources(d.project);
    for (const auto& s : d.project.actors) m.sources.push_back(&s);
    if (d.project.links) m.sources.push_back(&*d.project.links);
    if (d.project.participations) m.sources.push_back(&*d.project.participations);
    if (skipped > 0)
        m.notes.push_back(plural(skipped, "lien n'est", "liens ne sont") + " pas tracé" + (skipped > 1 ? "s" : "") +
                          kNbsp + ": un de " + (skipped > 1 ? "leurs" : "ses") + " acteurs n'est pas localisé.");

    m.draw_map = [&d, &w, drawn, width_of](Scene& scene, const Frame& f) {
        draw_areas(scene, f, w, [](std::size_t) { return kAreaBackground; }, Stroke{kAreaBorder, 0.35});
        draw_outline(scene, f, w);
        auto degree = [&](std::size_t i) { return i < d.measures.size() ? d.measures[i].degree : 0; };
        scene.group("liens");
        for (bool bridges_pass : {false, true}) {  // bridges on top
            for (const Drawn& l : drawn) {
                if (l.bridge != bridges_pass) continue;
                const Pt a = f(*w.actors[l.a]), b = f(*w.actors[l.b]);
                const double width = l.bridge ? std::max(1.1, width_of(l.weight)) : width_of(l.weight);
                const style::Rgb colour = l.bridge ? kInk : kLinkColour;
                const double opacity = l.bridge ? kBridgeOpacity : kLinkOpacity;
                scene.polyline({a, b}, Stroke{colour, width, opacity, true});
                if (!d.network.directed) continue;
                // The direction: an arrowhead whose tip touches the destination's circle.
                const double dx = b.x - a.x, dy = b.y - a.y, len = std::hypot(dx, dy);
                const double head = 2.0 + 1.5 * width, gap = node_radius(degree(l.b)) + 0.4;
                if (len <= gap + head) continue;
                const double ux = dx / len, uy = dy / len;
                const Pt tip{b.x - ux * gap, b.y - uy * gap};
                const Pt base{tip.x - ux * head, tip.y - uy * head};
                const double half = 0.45 * head;
                scene.polygon({{tip, {base.x - uy * half, base.y + ux * half}, {base.x + uy * half, base.y - ux * half}}},
                              Paint{colour, std::min(1.0, opacity + 0.2)}, std::nullopt);
            }
        }
        scene.group("acteurs");
        const auto family_colour = style::category_colours(families_of(d));
        std::vector<std::size_t> order;
        for (std::size_t i = 0; i < d.actors.size(); ++i)
            if (w.actors[i]) order.push_back(i);
        // Small nodes on top of big ones would hide nothing; big ones last hide the small: draw big first.
        std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) { return degree(x) > degree(y); });
        for (std::size_t i : order)
            scene.circle(f(*w.actors[i]), node_radius(degree(i)), Paint{family_colour.at(d.actors[i].family)}, Stroke{kWhite, 0.5});
    };
    return m;
}

}  // namespace

std::vector<fs::path> write_maps(const Diagnostic& d, const fs::path& dir) {
    std::vector<MapPage> pages;
    const World w = world_of(d);
    if (w.territory.empty() && w.areas.empty()) return {};
    pages.push_back(zones_page(d, w));
    if (!d.places.empty() || std::any_of(w.actors.begin(), w.actors.end(), [](const auto& p) { return p.has_value(); }))
        pages.push_back(places_actors_page(d, w));
    if (!d.links.empty()) pages.push_back(network_page(d, w));
    if (auto survey = survey_page(d, w)) pages.push_back(std::move(*survey));  // issue 8
    if (auto access = access_page(d, w)) pages.push_back(std::move(*access));  // issue 7

    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec || !fs::is_directory(dir)) throw OutputError(dir.string() + " : dossier des cartes impossible à créer");
    const std::string creator = std::string("libterritoire ") + version();
    std::vector<fs::path> written;
    std::vector<Scene> scenes;
    for (const MapPage& m : pages) scenes.push_back(compose(m, w, d.project.name));
    // PNG encoding (zlib at 300 dpi) is most of the time: the pages' PNGs are rendered on other
    // threads while this one writes the SVG and PDF files. Cairo draws on separate surfaces safely.
    std::vector<std::future<std::string>> pngs;
    for (const Scene& scene : scenes)
        pngs.push_back(std::async(std::launch::async, [&scene] { return render::to_png(scene, kPngDpi); }));
    auto write = [&](const fs::path& target, const std::function<std::string()>& bytes) {
        try {
            render::write_file(target, bytes());
        } catch (const Error&) {
            throw;
        } catch (const std::exception& e) {
            throw OutputError(target.string() + " : " + e.what());
        }
        written.push_back(target);
    };
    try {
        for (std::size_t i = 0; i < pages.size(); ++i) {
            const fs::path base = dir / pages[i].stem;
            write(fs::path(base.string() + ".png"), [&] { return pngs[i].get(); });
            write(fs::path(base.string() + ".svg"), [&] { return render::to_svg(scenes[i]); });
            write(fs::path(base.string() + ".pdf"), [&] { return render::to_pdf(scenes[i], creator); });
        }
    } catch (...) {
        for (auto& f : pngs)
            if (f.valid()) f.wait();  // no thread may outlive the scenes it draws
        throw;
    }
    // A map this run has no data for must not survive from an earlier run into the same folder.
    for (const char* stem : {"zones", "acteurs-lieux", "reseau", "enquete", "acces"}) {
        if (std::any_of(pages.begin(), pages.end(), [&](const MapPage& m) { return m.stem == stem; })) continue;
        for (const char* ext : {".png", ".svg", ".pdf"}) fs::remove(dir / (std::string(stem) + ext), ec);
    }
    return written;
}

}  // namespace territoire
