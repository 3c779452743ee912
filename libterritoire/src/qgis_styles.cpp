// qgis_styles.cpp — the QGIS styles of every spatial layer (the catalogue below) and the
// `layer_styles` table that holds them in the GeoPackage, as QGIS 3.22's OGR provider creates it
// (QgsOgrProviderUtils / saveStyle): an attribute table registered in gpkg_contents. Colours and
// classes come from style.hpp, so QGIS shows the same palette as the maps and the sheets.
#include <algorithm>
#include <cmath>
#include <set>

#include "deliverables.hpp"
#include "detail/gdal.hpp"
#include "qgis_qml.hpp"
#include "style.hpp"
#include "territoire/error.hpp"

namespace territoire {
namespace qgis {
namespace {


// Finite numbers of a numeric column (NULLs skipped).
std::vector<double> numbers(const Table& t, const std::string& field) {
    std::vector<double> out;
    const int i = t.field_index(field);
    if (i < 0) return out;
    for (const auto& row : t.rows) {
        const Value& v = row[static_cast<std::size_t>(i)];
        if (const auto* x = std::get_if<double>(&v); x && std::isfinite(*x)) out.push_back(*x);
        if (const auto* n = std::get_if<std::int64_t>(&v)) out.push_back(static_cast<double>(*n));
    }
    return out;
}

// Every value of a column as QGIS prints it, with its number of rows (NULLs skipped).
std::map<std::string, int> value_counts(const Table& t, const std::string& field) {
    std::map<std::string, int> out;
    const int i = t.field_index(field);
    if (i < 0) return out;
    for (const auto& row : t.rows) {
        const Value& v = row[static_cast<std::size_t>(i)];
        if (const auto* s = std::get_if<std::string>(&v)) ++out[*s];
        if (const auto* n = std::get_if<std::int64_t>(&v)) ++out[std::to_string(*n)];
    }
    return out;
}

std::string plural(int n, const std::string& one, const std::string& many) {
    return std::to_string(n) + " " + (n > 1 ? many : one);
}

// Categories of `field` coloured by style::category_colours (the shared palette), labelled
// « valeur (n) ».
std::vector<SymbolClass> categories(const Table& t, const std::string& field, double size) {
    const auto counts = value_counts(t, field);
    std::vector<std::string> names;
    for (const auto& [name, n] : counts) names.push_back(name);
    const auto colours = style::category_colours(names);
    std::vector<SymbolClass> out;
    for (const auto& [name, n] : counts) {
        SymbolClass c;
        c.value = name;
        c.label = name + " (" + std::to_string(n) + ")";
        c.colour = colours.at(name);
        c.size = size;
        out.push_back(c);
    }
    return out;
}

// Quantile classes of `values` (style::quantile_breaks): colours from style::sequential_ramp, or a
// single colour and sizes growing from `min_size` to `max_size` when `colour` is given.
std::vector<SymbolClass> quantile_classes(const std::vector<double>& values, double min_size,
                                          double max_size, const style::Rgb* colour = nullptr) {
    const style::Classes cls = style::choropleth_classes(values);  // the same as the maps and sheets
    const auto& breaks = cls.upper;
    std::vector<SymbolClass> out;
    if (breaks.empty()) return out;
    const int n = static_cast<int>(breaks.size());
    const std::vector<style::Rgb>& ramp = cls.colours;
    const std::vector<std::string> labels = style::class_labels(cls);  // the same as the maps and sheets
    double lower = cls.min;
    for (int i = 0; i < n; ++i) {
        SymbolClass c;
        c.lower = lower;
        c.upper = breaks[static_cast<std::size_t>(i)];
        c.label = labels[static_cast<std::size_t>(i)];
        c.colour = colour ? *colour : ramp[static_cast<std::size_t>(i)];
        c.size = n == 1 ? (min_size + max_size) / 2 : min_size + (max_size - min_size) * i / (n - 1);
        out.push_back(c);
        lower = c.upper;
    }
    return out;
}

SymbolClass one_class(const std::string& label, style::Rgb colour, double size) {
    SymbolClass c;
    c.label = label;
    c.colour = colour;
    c.size = size;
    return c;
}

StyleSpec base(const std::string& table, Shape shape, const std::string& name, const std::string& description) {
    StyleSpec s;
    s.table = table;
    s.shape = shape;
    s.name = name;
    s.description = description;
    return s;
}

StyleSpec choropleth(const Table& t, const std::string& field, const std::string& name,
                     const std::string& what) {
    StyleSpec s = base(t.name, Shape::polygon, name,
                       what + " : classes par quantiles (effectifs égaux ; 0 à part quand des zones n'ont rien), "
                              "rampe YlOrRd, les mêmes que sur les cartes et les fiches ; zones sans valeur non colorées.");
    s.renderer = Renderer::graduated;
    s.attribute = field;
    s.class_method = "Quantile";
    s.classes = quantile_classes(numbers(t, field), 0, 0);
    s.outline = {110, 110, 110};
    s.outline_width = 0.15;
    s.label_expression = "\"name\"";
    s.label_size = 6.5;
    return s;
}

// Symbols of one colour whose size (diameter or line width, mm) grows with `field`'s quantile class.
StyleSpec graduated_size(const Table& t, Shape shape, const std::string& field, const std::string& name,
                         const std::string& description, double min_size, double max_size,
                         const style::Rgb& colour) {
    StyleSpec s = base(t.name, shape, name, description);
    s.renderer = Renderer::graduated;
    s.graduated_by_size = true;
    s.attribute = field;
    s.class_method = "Quantile";
    s.classes = quantile_classes(numbers(t, field), min_size, max_size, &colour);
    return s;
}

// Points coloured by the category of `field` (shared palette), thin dark outline.
StyleSpec categorized(const Table& t, const std::string& field, const std::string& name, const std::string& description,
                      double size) {
    StyleSpec s = base(t.name, Shape::point, name, description);
    s.renderer = Renderer::categorized;
    s.attribute = field;
    s.classes = categories(t, field, size);
    s.outline = {40, 40, 40};
    s.outline_width = 0.2;
    return s;
}

void territory_styles(const Table& t, std::vector<StyleSpec>& out) {
    StyleSpec outline = base(t.name, Shape::polygon, "Contour du territoire", "Limite du territoire étudié, sans remplissage.");
    outline.classes = {one_class("Territoire", {255, 255, 255}, 0)};
    outline.hollow = true;
    outline.outline = {30, 30, 30};
    outline.outline_width = 0.8;
    outline.is_default = true;
    out.push_back(outline);
    StyleSpec flat = base(t.name, Shape::polygon, "Territoire en aplat", "Territoire en aplat clair, avec son nom.");
    flat.classes = {one_class("Territoire", {240, 238, 228}, 0)};
    flat.outline = {30, 30, 30};
    flat.outline_width = 0.5;
    flat.label_expression = "\"name\"";
    flat.label_size = 12;
    out.push_back(flat);
}

void area_styles(const Diagnostic& d, const Table& t, std::vector<StyleSpec>& out) {
    const std::size_t first = out.size();
    if (!d.actors.empty() && !numbers(t, "actors_per_10k").empty())
        out.push_back(choropleth(t, "actors_per_10k", "Acteurs pour 10 000 hab.", "Acteurs pour 10 000 habitants"));
    if (!numbers(t, "places_per_10k").empty())
        out.push_back(choropleth(t, "places_per_10k", "Lieux pour 10 000 hab.", "Lieux pour 10 000 habitants"));
    if (!numbers(t, "population").empty()) out.push_back(choropleth(t, "population", "Population", "Population"));
    // Without population the rates are empty: map the counts instead (a count depends on the size
    // of the area; the description says so).
    if (out.size() == first) {
        if (!d.actors.empty())
            out.push_back(choropleth(t, "n_actors", "Nombre d'acteurs", "Nombre d'acteurs (pas de population : effectifs bruts)"));
        if (!d.places.empty())
            out.push_back(choropleth(t, "n_places", "Nombre de lieux", "Nombre de lieux (pas de population : effectifs bruts)"));
    }
    // Access (docs/access.md): the population-weighted mean walking time of each measured kind.
    for (const auto& f : t.fields)
        if (f.name.rfind("time_mean_min_", 0) == 0 && !numbers(t, f.name).empty())
            out.push_back(choropleth(t, f.name, "Temps moyen " + f.name.substr(14, 16), f.alias));
    StyleSpec outline = base(t.name, Shape::polygon, "Contours des zones", "Limites des zones et leurs noms.");
    outline.classes = {one_class("Zone", {255, 255, 255}, 0)};
    outline.hollow = true;
    outline.outline = {90, 90, 90};
    outline.outline_width = 0.3;
    outline.label_expression = "\"name\"";
    outline.label_size = 7;
    out.push_back(outline);
    // Default: the indicator the maps and sheets show (style::area_indicator), else the first one.
    const std::string shown = style::area_indicator(d).field;
    const auto it = std::find_if(out.begin() + static_cast<std::ptrdiff_t>(first), out.end(),
                                 [&](const StyleSpec& s) { return s.attribute == shown; });
    (it != out.end() ? *it : out[first]).is_default = true;
}

void actor_styles(const Table& t, std::vector<StyleSpec>& out) {
    StyleSpec family = categorized(t, "family", "Acteurs par famille",
                                   "Une couleur par famille d'acteurs (même palette que les cartes et les fiches).", 2.6);
    family.is_default = true;
    out.push_back(family);

    StyleSpec between = graduated_size(t, Shape::point, "betweenness", "Acteurs par intermédiarité",
                                       "Taille selon l'intermédiarité (5 classes par quantiles) ; noms des acteurs de la classe la plus haute.",
                                       1.4, 6.0, style::sequential_ramp(5).back());
    between.outline = {255, 255, 255};
    between.outline_width = 0.2;
    if (between.classes.size() >= 2) {
        between.label_expression = "if(\"betweenness\" > " + xml::number(between.classes.back().lower) + ", \"name\", '')";
        between.label_size = 7;
    }
    out.push_back(between);
}

void place_styles(const Table& t, std::vector<StyleSpec>& out) {
    const auto capacities = numbers(t, "capacity");
    StyleSpec kind = categorized(t, "kind", "Lieux par type et capacité",
                                 capacities.empty() ? "Une couleur par type de lieu (aucune capacité connue)."
                                                    : "Une couleur par type de lieu ; surface du symbole proportionnelle à la capacité "
                                                      "(taille minimale quand elle est inconnue).",
                                 2.4);
    if (!capacities.empty()) {
        const double max = *std::max_element(capacities.begin(), capacities.end());
        if (max > 0)
            kind.size_expression = "coalesce(scale_exp(\"capacity\", 0, " + xml::number(max) + ", 2, 8, 0.5), 2)";
    }
    kind.is_default = true;
    out.push_back(kind);

    StyleSpec named = categorized(t, "kind", "Lieux par type, avec noms", "Une couleur par type de lieu, noms affichés.", 2.4);
    named.label_expression = "\"name\"";
    named.label_size = 7;
    out.push_back(named);
}

void link_styles(const Diagnostic& d, const Table& t, std::vector<StyleSpec>& out) {
    StyleSpec weight = graduated_size(t, Shape::line, "weight", "Liens par poids",
                                      std::string("Épaisseur selon le poids du lien (5 classes par quantiles).") +
                                          (d.network.directed ? " Flèche vers l'acteur de destination." : ""),
                                      0.2, 1.4, {49, 54, 149});
    weight.arrow = d.network.directed;
    weight.opacity = 0.6;
    weight.is_default = true;
    out.push_back(weight);

    StyleSpec across = base(t.name, Shape::line, "Liens entre zones ou internes",
                            "Liens qui relient deux zones différentes, liens internes à une zone, zone inconnue.");
    across.renderer = Renderer::categorized;
    across.attribute = "CASE WHEN \"crosses_areas\" IS NULL THEN 'inconnu' WHEN \"crosses_areas\" THEN 'oui' ELSE 'non' END";
    across.attribute_is_expression = true;
    const auto& palette = style::category_palette();
    SymbolClass yes = one_class("Relie deux zones", palette[4], 0.6), no = one_class("Dans une même zone", palette[1], 0.6),
                unknown = one_class("Zone inconnue", style::kNoData, 0.4);
    yes.value = "oui";
    no.value = "non";
    unknown.value = "inconnu";
    across.classes = {yes, no, unknown};
    across.opacity = 0.8;
    across.arrow = d.network.directed;
    out.push_back(across);
}

void area_link_styles(const Table& t, std::vector<StyleSpec>& out) {
    const style::Rgb purple{84, 39, 143};
    StyleSpec count = graduated_size(t, Shape::line, "n_links", "Liens par nombre de liens",
                                     "Épaisseur selon le nombre de liens entre acteurs des deux zones (5 classes par quantiles).",
                                     0.4, 3.0, purple);
    count.opacity = 0.8;
    count.is_default = true;
    out.push_back(count);
    StyleSpec weight = graduated_size(t, Shape::line, "weight_sum", "Liens par poids cumulé",
                                      "Épaisseur selon la somme des poids des liens entre les deux zones (5 classes par quantiles).",
                                      0.4, 3.0, purple);
    weight.opacity = 0.8;
    out.push_back(weight);
}

void community_styles(const Table& t, std::vector<StyleSpec>& out) {
    StyleSpec community = categorized(t, "community", "Communautés",
                                      "Membres localisés de chaque communauté (Louvain), une couleur par communauté.", 3.0);
    const int size_field = t.field_index("n_actors");
    const int id_field = t.field_index("community");
    for (auto& c : community.classes) {  // « Communauté 3 (12 acteurs) »
        c.label = "Communauté " + c.value;
        for (const auto& row : t.rows) {
            const auto* id = std::get_if<std::int64_t>(&row[static_cast<std::size_t>(id_field)]);
            const auto* n = size_field >= 0 ? std::get_if<std::int64_t>(&row[static_cast<std::size_t>(size_field)]) : nullptr;
            if (id && n && std::to_string(*id) == c.value) c.label += " (" + plural(static_cast<int>(*n), "acteur", "acteurs") + ")";
        }
    }
    community.outline = {255, 255, 255};
    community.outline_width = 0.2;
    community.is_default = true;
    out.push_back(community);

    out.push_back(graduated_size(t, Shape::point, "n_actors", "Communautés par taille",
                                 "Taille selon le nombre d'acteurs de la communauté (5 classes par quantiles).", 1.5, 5.0,
                                 {102, 102, 102}));
}

// access_grid (docs/access.md): cells or points coloured by walking time, one style per measured
// kind (the first is the default), and by population.
void access_grid_styles(const Table& t, std::vector<StyleSpec>& out) {
    const Shape shape = t.geometry_type == GeometryType::point ? Shape::point : Shape::polygon;
    const double size = shape == Shape::point ? 1.6 : 0;
    const std::size_t first = out.size();
    auto graduated = [&](const std::string& field, const std::string& name, const std::string& what) {
        StyleSpec s = base(t.name, shape, name,
                           what + " : classes par quantiles, rampe YlOrRd ; sans valeur (au-delà du temps maximal) non coloré.");
        s.renderer = Renderer::graduated;
        s.attribute = field;
        s.class_method = "Quantile";
        s.classes = quantile_classes(numbers(t, field), size, size);
        s.outline = {255, 255, 255};
        s.outline_width = 0;
        return s;
    };
    for (const auto& f : t.fields) {
        if (f.name.rfind("time_min_", 0) != 0 || numbers(t, f.name).empty()) continue;
        const std::string slug = f.name.substr(9, 16);
        out.push_back(graduated(f.name, "Temps à pied " + slug, f.alias));
    }
    if (!numbers(t, "population").empty()) out.push_back(graduated("population", "Population des carreaux", "Habitants par carreau"));
    StyleSpec flat = base(t.name, shape, "Carreaux", "Carreaux de population en aplat.");
    flat.classes = {one_class("Carreau", {189, 189, 189}, size)};
    flat.outline = {255, 255, 255};
    flat.outline_width = 0;
    out.push_back(flat);
    out[first].is_default = true;
}

// isochrones: outlines (default) or translucent areas, one feature per place and threshold.
void isochrone_styles(const Table& t, std::vector<StyleSpec>& out) {
    StyleSpec outline = base(t.name, Shape::polygon, "Isochrones (contours)", "Limites des zones atteintes à pied, par lieu et seuil.");
    outline.classes = {one_class("Isochrone", {255, 255, 255}, 0)};
    outline.hollow = true;
    outline.outline = {49, 130, 189};
    outline.outline_width = 0.4;
    outline.is_default = true;
    out.push_back(outline);
    StyleSpec fill = base(t.name, Shape::polygon, "Isochrones (aplat)", "Zones atteintes à pied, en aplat transparent : les recouvrements foncent.");
    fill.classes = {one_class("Isochrone", {158, 202, 225}, 0)};
    fill.outline = {49, 130, 189};
    fill.outline_width = 0.2;
    fill.opacity = 0.35;
    out.push_back(fill);
}

}  // namespace

const Table* find_table(const Diagnostic& d, const std::string& name) {
    for (const auto& t : d.tables)
        if (t.name == name) return &t;
    return nullptr;
}

std::vector<StyleSpec> layer_styles(const Diagnostic& d) {
    std::vector<StyleSpec> out;
    if (const Table* t = find_table(d, "territory")) territory_styles(*t, out);
    if (const Table* t = find_table(d, "areas")) area_styles(d, *t, out);
    if (const Table* t = find_table(d, "actors")) actor_styles(*t, out);
    if (const Table* t = find_table(d, "places")) place_styles(*t, out);
    if (const Table* t = find_table(d, "cooperation_links")) link_styles(d, *t, out);
    if (const Table* t = find_table(d, "area_links")) area_link_styles(*t, out);
    if (const Table* t = find_table(d, "communities")) community_styles(*t, out);
    if (const Table* t = find_table(d, "access_grid")) access_grid_styles(*t, out);
    if (const Table* t = find_table(d, "isochrones")) isochrone_styles(*t, out);
    return out;
}

}  // namespace qgis

void write_layer_styles(GDALDataset* ds, const Diagnostic& d) {
    detail::GdalErrorTrap trap;
    const std::string file = ds->GetDescription();
    auto fail = [&](const std::string& what) { throw OutputError(file + " : table layer_styles : " + what + " " + trap.failures()); };
    // The schema QGIS's OGR provider creates (QgsOgrProviderUtils, saveStyle), through OGR so that
    // the table is registered in gpkg_contents as an attribute table.
    const char* options[] = {"FID=id", "DESCRIPTION=Styles QGIS des couches", nullptr};
    OGRLayer* layer = ds->CreateLayer("layer_styles", nullptr, wkbNone, const_cast<char**>(options));
    if (!layer) fail("création impossible :");
    struct Column {
        const char* name;
        OGRFieldType type;
        int width;
    };
    const Column columns[] = {{"f_table_catalog", OFTString, 256}, {"f_table_schema", OFTString, 256},
                              {"f_table_name", OFTString, 256},    {"f_geometry_column", OFTString, 256},
                              {"styleName", OFTString, 30},        {"styleQML", OFTString, 0},
                              {"styleSLD", OFTString, 0},          {"useAsDefault", OFTInteger, 0},
                              {"description", OFTString, 0},       {"owner", OFTString, 30},
                              {"ui", OFTString, 30},               {"update_time", OFTDateTime, 0}};
    for (const auto& c : columns) {
        OGRFieldDefn def(c.name, c.type);
        def.SetWidth(c.width);
        if (c.type == OFTInteger) def.SetSubType(OFSTBoolean);
        if (std::string(c.name) == "update_time") def.SetDefault("CURRENT_TIMESTAMP");
        if (layer->CreateField(&def) != OGRERR_NONE) fail(std::string("colonne ") + c.name + " :");
    }
    const std::string now = qgis::timestamp();
    for (const auto& spec : qgis::layer_styles(d)) {
        const Table* table = qgis::find_table(d, spec.table);
        detail::FeaturePtr f(OGRFeature::CreateFeature(layer->GetLayerDefn()));
        f->SetField("f_table_catalog", "");
        f->SetField("f_table_schema", "");
        f->SetField("f_table_name", spec.table.c_str());
        f->SetField("f_geometry_column", "geom");
        f->SetField("styleName", spec.name.c_str());
        f->SetField("styleQML", qgis::qml(spec, *table).c_str());
        f->SetField("styleSLD", qgis::sld(spec).c_str());
        f->SetField("useAsDefault", spec.is_default ? 1 : 0);
        f->SetField("description", spec.description.c_str());
        f->SetField("owner", "");
        f->SetField("update_time", now.c_str());
        if (layer->CreateFeature(f.get()) != OGRERR_NONE) fail("style « " + spec.name + " » :");
    }
    if (!trap.warnings().empty()) fail("avertissement GDAL : " + trap.warnings().front());
}

}  // namespace territoire
