// qgis_project.cpp — the QGIS project stored inside the GeoPackage (table `qgis_projects`, as QGIS
// 3.22's QgsGeoPackageProjectStorage writes it: name, JSON metadata, and the .qgz — a zip holding
// the .qgs XML — as hexadecimal text). The project loads every layer of the same file with a path
// relative to the GeoPackage ("./diagnostic.gpkg|layername=…", what QGIS itself writes), in French
// groups, each layer with its default style (qgis_styles.cpp), the working CRS, and an A4 print
// layout with an atlas over the areas.
#include <algorithm>
#include <limits>

#include "deliverables.hpp"
#include "detail/gdal.hpp"
#include "qgis_qml.hpp"
#include "territoire/error.hpp"
#include "xml_builder.hpp"
#include "zip_store.hpp"

namespace territoire {
namespace {

using xml::Element;
using xml::text_element;

/// Name under which the project is stored: URI geopackage:<file>?projectName=diagnostic.
constexpr const char* kProjectName = "diagnostic";

struct Group {
    const char* title;
    std::vector<std::string> tables;  ///< in drawing order, top first; empty: every attribute table
};

// Layer tree, top (drawn last) first.
const std::vector<Group>& groups() {
    static const std::vector<Group> g{
        {"Acteurs et lieux", {"actors", "places"}},
        {"Réseau de coopération", {"communities", "area_links", "cooperation_links"}},
        {"Accessibilité à pied", {"isochrones", "access_grid"}},  // docs/access.md
        {"Territoire et zones", {"territory", "areas"}},
        {"Tableaux", {}},
    };
    return g;
}

struct Extent {
    double xmin = std::numeric_limits<double>::max(), ymin = xmin;
    double xmax = std::numeric_limits<double>::lowest(), ymax = xmax;
    bool empty() const { return xmin > xmax; }
};

Extent extent_of(const Table* t) {
    Extent e;
    if (!t) return e;
    for (const auto& wkb : t->geometries) {
        if (wkb.empty()) continue;
        OGRGeometry* g = nullptr;
        if (OGRGeometryFactory::createFromWkb(wkb.data(), nullptr, &g, wkb.size()) != OGRERR_NONE || !g) continue;
        OGREnvelope env;
        g->getEnvelope(&env);
        OGRGeometryFactory::destroyGeometry(g);
        e.xmin = std::min(e.xmin, env.MinX);
        e.ymin = std::min(e.ymin, env.MinY);
        e.xmax = std::max(e.xmax, env.MaxX);
        e.ymax = std::max(e.ymax, env.MaxY);
    }
    return e;
}

std::string layer_id(const Table& t) { return t.name + "_diagnostic"; }

std::string wkb_type(GeometryType g) {
    switch (g) {
        case GeometryType::point: return "Point";
        case GeometryType::linestring: return "LineString";
        case GeometryType::multipoint: return "MultiPoint";
        case GeometryType::multipolygon: return "MultiPolygon";
        case GeometryType::none: return "NoGeometry";
    }
    return "NoGeometry";
}

std::string geometry_kind(GeometryType g) {
    switch (g) {
        case GeometryType::point:
        case GeometryType::multipoint: return "Point";
        case GeometryType::linestring: return "Line";
        case GeometryType::multipolygon: return "Polygon";
        case GeometryType::none: return "No geometry";
    }
    return "No geometry";
}

Element spatial_ref(const Diagnostic& d) {
    Element srs("spatialrefsys");
    srs.add(text_element("wkt", d.working_crs_wkt));
    if (d.project.crs.rfind("EPSG:", 0) == 0) srs.add(text_element("authid", d.project.crs));
    return srs;
}

Element extent_element(const char* name, const Extent& e) {
    return Element(name)
        .add(text_element("xmin", xml::number(e.xmin)))
        .add(text_element("ymin", xml::number(e.ymin)))
        .add(text_element("xmax", xml::number(e.xmax)))
        .add(text_element("ymax", xml::number(e.ymax)));
}

// Layers shown when the project opens; the others are one click away in the layer panel.
bool visible_at_start(const Diagnostic& d, const std::string& table) {
    if (table == "places") return d.actors.empty();
    return table == "actors" || table == "cooperation_links" || table == "territory" || table == "areas";
}

// A layer of a layer tree; `legend_title`, when given, replaces the layer's name in a legend.
Element tree_layer(const Table& t, const std::string& source, bool checked, const std::string& legend_title = "") {
    Element properties("customproperties");
    if (!legend_title.empty()) {
        properties.add(Element("Option").attr("type", "Map").add(
            Element("Option").attr("name", "legend/title-label").attr("value", legend_title).attr("type", "QString")));
    }
    return Element("layer-tree-layer")
        .attr("id", layer_id(t))
        .attr("name", t.title)
        .attr("source", source)
        .attr("providerKey", "ogr")
        .attr("checked", checked ? "Qt::Checked" : "Qt::Unchecked")
        .attr("expanded", checked ? "1" : "0")
        .add(properties);
}

// Every style of the layer in the project's style manager (right click on the layer > Styles):
// the current one is the layer's own style, the others are stored as their QML.
Element style_manager(const std::vector<qgis::StyleSpec>& styles, const Table& t, const qgis::StyleSpec& current) {
    Element manager("map-layer-style-manager");
    manager.attr("current", current.name);
    for (const auto& s : styles) {
        if (s.table != t.name) continue;
        Element style("map-layer-style");
        style.attr("name", s.name);
        if (&s != &current) style.add(qgis::qml_root(s, t));
        manager.add(style);
    }
    return manager;
}

Element map_layer(const Diagnostic& d, const Table& t, const std::string& source, const qgis::StyleSpec* style,
                  const std::vector<qgis::StyleSpec>& styles) {
    Element layer("maplayer");
    layer.attr("type", "vector").attr("geometry", geometry_kind(t.geometry_type)).attr("wkbType", wkb_type(t.geometry_type));
    if (style) qgis::add_layer_attributes(layer, *style);
    layer.add(text_element("id", layer_id(t)));
    layer.add(text_element("datasource", source));
    layer.add(text_element("layername", t.title));
    layer.add(Element("srs").add(spatial_ref(d)));
    layer.add(text_element("provider", "ogr").attr("encoding", "UTF-8"));
    layer.add(Element("resourceMetadata")
                  .add(text_element("identifier", t.name))
                  .add(text_element("title", t.title))
                  .add(text_element("abstract", t.description))
                  .add(text_element("language", "fra")));
    if (style) {
        layer.add(style_manager(styles, t, *style));
        for (auto& e : qgis::style_elements(*style, t)) layer.add(std::move(e));
    } else {
        layer.add(qgis::field_aliases(t));
        layer.add(text_element("previewExpression", t.fields.empty() ? "\"fid\"" : "\"" + t.fields.front().name + "\""));
    }
    return layer;
}

// ---- print layout -------------------------------------------------------------------------------

// Identifiers of the layout items (fixed, so that the same diagnostic gives the same bytes).
constexpr const char* kMapUuid = "{5e0f2d61-0000-4000-8000-000000000001}";

Element colour(const char* name, int r, int g, int b) {
    return Element(name).attr("red", r).attr("green", g).attr("blue", b).attr("alpha", 255);
}

// The attributes and children every layout item has. `type` is QgsLayoutItemRegistry's id.
Element layout_item(int type, const std::string& uuid, const std::string& id, double x, double y, double w, double h, int z) {
    const std::string pos = xml::number(x) + "," + xml::number(y) + ",mm";
    Element e("LayoutItem");
    e.attr("type", type).attr("uuid", uuid).attr("templateUuid", uuid).attr("id", id);
    e.attr("position", pos).attr("positionOnPage", pos).attr("size", xml::number(w) + "," + xml::number(h) + ",mm");
    e.attr("zValue", z).attr("visibility", "1").attr("positionLock", "false").attr("referencePoint", "0");
    e.attr("frame", "false").attr("background", "false").attr("opacity", "1").attr("blendMode", "0");
    e.attr("itemRotation", "0").attr("excludeFromExports", "0").attr("outlineWidthM", "0.3,mm");
    e.add(colour("FrameColor", 0, 0, 0)).add(colour("BackgroundColor", 255, 255, 255));
    e.add(Element("LayoutObject").add(Element("dataDefinedProperties")).add(Element("customproperties")));
    return e;
}

Element label_item(const std::string& uuid, const std::string& id, const std::string& text, double x, double y, double w,
                   double h, int points, bool bold) {
    Element e = layout_item(65641, uuid, id, x, y, w, h, 3);
    e.attr("labelText", text).attr("htmlState", "0").attr("marginX", "0").attr("marginY", "0");
    e.attr("halign", "1").attr("valign", "32");  // Qt::AlignLeft, Qt::AlignVCenter
    e.add(Element("LabelFont")
              .attr("description", std::string("DejaVu Sans,") + std::to_string(points) + ",-1,5," + (bold ? "75" : "50") + ",0,0,0,0,0")
              .attr("style", ""));
    e.add(colour("FontColor", 30, 30, 30));
    return e;
}

Element print_layout(const Diagnostic& d, const Table& areas, const std::string& areas_source, const Extent& start,
                     const std::vector<std::pair<const Table*, const qgis::StyleSpec*>>& legend_layers,
                     const std::string& gpkg_name) {
    Element layout("Layout");
    layout.attr("name", "Atlas des zones").attr("units", "mm").attr("printResolution", "300").attr("worldFileMap", "");
    // One A4 portrait page.
    Element page = layout_item(65638, "{5e0f2d61-0000-4000-8000-000000000000}", "", 0, 0, 210, 297, 0);
    layout.add(Element("PageCollection").add(page).add(Element("GuideCollection").attr("visible", "1")));

    const std::string title = "[% \"name\" %]";
    const std::string subtitle =
        "[% coalesce(format_number(\"population\", 0, 'fr') || ' habitants', 'population inconnue') %] — "
        "[% \"n_actors\" || if(\"n_actors\" > 1, ' acteurs', ' acteur') %] — "
        "[% \"n_places\" || if(\"n_places\" > 1, ' lieux', ' lieu') %] — zone [% \"area_id\" %]";
    layout.add(label_item("{5e0f2d61-0000-4000-8000-000000000002}", "titre", title, 10, 8, 190, 12, 20, true));
    layout.add(label_item("{5e0f2d61-0000-4000-8000-000000000003}", "sous-titre", subtitle, 10, 20, 190, 8, 10, false));

    // QGIS resizes a map item to the proportions of its extent: give the extent those of the item.
    constexpr double map_w = 190, map_h = 190;
    Extent view = start;
    const double cx = (start.xmin + start.xmax) / 2, cy = (start.ymin + start.ymax) / 2;
    const double half_w = std::max(start.xmax - start.xmin, (start.ymax - start.ymin) * map_w / map_h) / 2;
    const double half_h = half_w * map_h / map_w;
    view.xmin = cx - half_w;
    view.xmax = cx + half_w;
    view.ymin = cy - half_h;
    view.ymax = cy + half_h;
    Element map = layout_item(65639, kMapUuid, "carte", 10, 30, map_w, map_h, 1);
    map.set("frame", "true").set("background", "true");
    map.attr("keepLayerSet", "false").attr("drawCanvasItems", "true").attr("mapRotation", "0").attr("mapFlags", "0");
    map.attr("followPreset", "false").attr("followPresetName", "").attr("isTemporal", "0").attr("labelMargin", "0,mm");
    map.add(Element("Extent")
                .attr("xmin", xml::number(view.xmin))
                .attr("ymin", xml::number(view.ymin))
                .attr("xmax", xml::number(view.xmax))
                .attr("ymax", xml::number(view.ymax)));
    map.add(Element("crs").add(spatial_ref(d)));
    map.add(Element("LayerSet"));  // empty with keepLayerSet=false: the layers visible in the project
    // Each atlas page zooms on its area with a 10 % margin.
    map.add(Element("AtlasMap").attr("atlasDriven", "1").attr("scalingMode", "2").attr("margin", "0.1"));
    layout.add(map);

    // North arrow: QGIS's default SVG, oriented on the map's grid north.
    Element north = layout_item(65640, "{5e0f2d61-0000-4000-8000-000000000004}", "nord", 186, 33, 11, 16, 4);
    north.attr("file", ":/images/north_arrows/layout_default_north_arrow.svg").attr("mode", "0");
    north.attr("mapUuid", kMapUuid).attr("northMode", "0").attr("northOffset", "0").attr("resizeMode", "0");
    north.attr("pictureRotation", "0").attr("anchorPoint", "0").attr("svgFillColor", "255,255,255,255");
    north.attr("svgBorderColor", "0,0,0,255").attr("svgBorderWidth", "0.2");
    layout.add(north);

    // Legend of the map layers, filtered to what the map shows (layers unchecked in the project
    // do not appear until they are checked).
    Element legend = layout_item(65642, "{5e0f2d61-0000-4000-8000-000000000005}", "légende", 10, 224, 125, 60, 5);
    legend.set("background", "true");
    legend.attr("title", "Légende").attr("map_uuid", kMapUuid).attr("legendFilterByMap", "1").attr("legendFilterByAtlas", "0");
    legend.attr("resizeToContents", "1").attr("columnCount", "3").attr("splitLayer", "1").attr("equalColumnWidth", "0");
    legend.attr("symbolWidth", "5").attr("symbolHeight", "3.5").attr("wrapChar", "").attr("titleAlignment", "1");
    Element tree("layer-tree-group");
    tree.add(Element("customproperties"));
    for (const auto& [t, style] : legend_layers) {
        // The areas' legend says what the colours measure: « Zones — Nombre d'acteurs ».
        const bool choropleth = style && style->shape == qgis::Shape::polygon && style->renderer == qgis::Renderer::graduated;
        tree.add(tree_layer(*t, "./" + gpkg_name + "|layername=" + t->name, true, choropleth ? t->title + " — " + style->name : ""));
    }
    legend.add(tree);
    legend.add(Element("styles")
                   .add(Element("style").attr("name", "title").attr("marginBottom", "2").add(
                       Element("styleFont").attr("description", "DejaVu Sans,11,-1,5,75,0,0,0,0,0").attr("style", "")))
                   .add(Element("style").attr("name", "group").attr("marginTop", "2").add(
                       Element("styleFont").attr("description", "DejaVu Sans,9,-1,5,75,0,0,0,0,0").attr("style", "")))
                   .add(Element("style").attr("name", "subgroup").attr("marginTop", "1.5").add(
                       Element("styleFont").attr("description", "DejaVu Sans,8,-1,5,75,0,0,0,0,0").attr("style", "")))
                   .add(Element("style").attr("name", "symbolLabel").attr("marginTop", "1").attr("marginLeft", "1.5").add(
                       Element("styleFont").attr("description", "DejaVu Sans,7,-1,5,50,0,0,0,0,0").attr("style", ""))));
    layout.add(legend);

    // Scale bar in kilometres.
    Element scale = layout_item(65646, "{5e0f2d61-0000-4000-8000-000000000006}", "échelle", 145, 226, 55, 12, 6);
    scale.attr("mapUuid", kMapUuid).attr("style", "Single Box").attr("unitType", "kilometers").attr("unitLabel", "km");
    scale.attr("numMapUnitsPerScaleBarUnit", "1000").attr("numSegments", "2").attr("numSegmentsLeft", "0");
    scale.attr("segmentSizeMode", "1").attr("minBarWidth", "30").attr("maxBarWidth", "50").attr("numUnitsPerSegment", "1");
    scale.attr("height", "2.5").attr("labelBarSpace", "2").attr("boxContentSpace", "1").attr("alignment", "0");
    scale.add(Element("text-style")
                  .attr("fontFamily", "DejaVu Sans")
                  .attr("namedStyle", "Book")
                  .attr("fontSize", "8")
                  .attr("fontSizeUnit", "Point")
                  .attr("textColor", "30,30,30,255")
                  .attr("textOpacity", "1"));
    layout.add(scale);

    layout.add(label_item("{5e0f2d61-0000-4000-8000-000000000007}", "source",
                          "Source : libterritoire, diagnostic « " + d.project.name + " » — page [% @atlas_featurenumber %] / [% @atlas_totalfeatures %]",
                          10, 289, 190, 5, 7, false));

    layout.add(Element("Atlas")
                   .attr("enabled", "1")
                   .attr("coverageLayer", layer_id(areas))
                   .attr("coverageLayerName", areas.title)
                   .attr("coverageLayerSource", areas_source)
                   .attr("coverageLayerProvider", "ogr")
                   .attr("pageNameExpression", "\"name\"")
                   .attr("filenamePattern", "'zone_' || \"area_id\"")
                   .attr("hideCoverage", "0")
                   .attr("sortFeatures", "0")
                   .attr("filterFeatures", "0"));
    return layout;
}

std::string project_xml(const Diagnostic& d, const std::string& gpkg_name) {
    const auto styles = qgis::layer_styles(d);
    auto default_style = [&](const std::string& table) -> const qgis::StyleSpec* {
        for (const auto& s : styles)
            if (s.table == table && s.is_default) return &s;
        return nullptr;
    };
    auto source = [&](const Table& t) { return "./" + gpkg_name + "|layername=" + t.name; };

    Element root("qgis");
    root.attr("projectname", d.project.name).attr("version", "3.22.0-Białowieża");
    root.add(Element("homePath").attr("path", ""));
    root.add(text_element("title", "Diagnostic — " + d.project.name));
    root.add(Element("projectCrs").add(spatial_ref(d)));

    Element tree("layer-tree-group");
    tree.add(Element("customproperties"));
    Element layers("projectlayers");
    std::vector<std::pair<const Table*, const qgis::StyleSpec*>> legend_layers;  // map layers and their default style
    for (const auto& g : groups()) {
        std::vector<const Table*> members;
        if (g.tables.empty()) {
            for (const auto& t : d.tables)
                if (t.geometry_type == GeometryType::none) members.push_back(&t);
        } else {
            for (const auto& name : g.tables)
                if (const Table* t = qgis::find_table(d, name)) members.push_back(t);
        }
        if (members.empty()) continue;
        const bool tables = g.tables.empty();
        Element group("layer-tree-group");
        group.attr("name", g.title).attr("checked", "Qt::Checked").attr("expanded", tables ? "0" : "1");
        group.add(Element("customproperties"));
        for (const Table* t : members) {
            const bool checked = !tables && visible_at_start(d, t->name);
            group.add(tree_layer(*t, source(*t), checked));
            layers.add(map_layer(d, *t, source(*t), tables ? nullptr : default_style(t->name), styles));
            if (!tables) legend_layers.emplace_back(t, default_style(t->name));
        }
        tree.add(group);
    }
    root.add(tree);
    root.add(layers);

    Element properties("properties");
    properties.add(Element("Paths").add(text_element("Absolute", "false").attr("type", "bool")));
    // QGIS reads <projectCrs> only when this is set.
    properties.add(Element("SpatialRefSys").add(text_element("ProjectionsEnabled", "1").attr("type", "int")));
    root.add(properties);

    const Table* areas = qgis::find_table(d, "areas");
    Extent start = extent_of(qgis::find_table(d, "territory"));
    if (start.empty()) start = extent_of(areas);
    if (!start.empty()) {
        root.add(Element("mapcanvas")
                     .attr("name", "theMapCanvas")
                     .attr("annotationsVisible", "1")
                     .add(text_element("units", "meters"))
                     .add(extent_element("extent", start))
                     .add(text_element("rotation", "0"))
                     .add(Element("destinationsrs").add(spatial_ref(d))));
    }
    Element layouts("Layouts");
    if (areas && !start.empty()) layouts.add(print_layout(d, *areas, source(*areas), start, legend_layers, gpkg_name));
    root.add(layouts);
    return "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n" + root.str();
}

std::string hex(const std::string& bytes) {
    static const char* digits = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (unsigned char b : bytes) {
        out += digits[b >> 4];
        out += digits[b & 15];
    }
    return out;
}

std::string sql_quote(const std::string& s) {
    std::string out = "'";
    for (char c : s) out += (c == '\'' ? std::string("''") : std::string(1, c));
    return out + "'";
}

}  // namespace

void write_qgis_project(GDALDataset* ds, const Diagnostic& d, const std::filesystem::path& gpkg_path) {
    detail::GdalErrorTrap trap;
    const std::string gpkg_name = gpkg_path.filename().string();
    auto sql = [&](const std::string& statement) {
        OGRLayer* result = ds->ExecuteSQL(statement.c_str(), nullptr, nullptr);
        if (result) ds->ReleaseResultSet(result);
        if (const auto why = trap.failures(); !why.empty())
            throw OutputError(gpkg_path.string() + " : table qgis_projects : " + why);
    };
    // The .qgz: a zip holding the .qgs (stored entries; QGIS reads them with libzip).
    const std::string qgz = zip::stored_archive({{std::string(kProjectName) + ".qgs", project_xml(d, gpkg_name)}});
    const std::string metadata =
        "{\"last_modified_time\": \"" + qgis::timestamp() + "\", \"last_modified_user\": \"libterritoire\" }";
    // Schema and encoding of QgsGeoPackageProjectStorage (QGIS 3.22): content is the .qgz in hex.
    sql("CREATE TABLE IF NOT EXISTS qgis_projects(name TEXT PRIMARY KEY, metadata BLOB, content BLOB)");
    sql("INSERT OR REPLACE INTO qgis_projects VALUES (" + sql_quote(kProjectName) + ", " + sql_quote(metadata) + ", " +
        sql_quote(hex(qgz)) + ")");
}

}  // namespace territoire
