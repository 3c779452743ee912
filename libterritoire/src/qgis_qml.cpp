// qgis_qml.cpp — QML and SLD of a StyleSpec (qgis_qml.hpp). The element and property names are
// those QGIS 3.22 writes with QgsMapLayer::exportNamedStyle; only what differs from QGIS's
// defaults is written, QGIS fills in the rest when it reads the style.
#include "qgis_qml.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>

namespace territoire::qgis {
namespace {

using xml::Element;

constexpr const char* kQgisVersion = "3.22.0-Białowieża";
constexpr const char* kFont = "DejaVu Sans";

std::string rgba(const style::Rgb& c, int alpha = 255) {
    return std::to_string(c.r) + "," + std::to_string(c.g) + "," + std::to_string(c.b) + "," + std::to_string(alpha);
}

Element option(const std::string& name, const std::string& value, const std::string& type = "QString") {
    return Element("Option").attr("name", name).attr("value", value).attr("type", type);
}

Element option_map(const std::vector<std::pair<std::string, std::string>>& values) {
    Element map("Option");
    map.attr("type", "Map");
    for (const auto& [k, v] : values) map.add(option(k, v));
    return map;
}

// <data_defined_properties>, with a data-defined size when `size_expression` is not empty.
Element data_defined(const std::string& size_expression) {
    Element properties("Option");
    properties.attr("name", "properties");
    if (!size_expression.empty()) {
        properties.attr("type", "Map");
        properties.add(Element("Option")
                           .attr("name", "size")
                           .attr("type", "Map")
                           .add(option("active", "true", "bool"))
                           .add(option("expression", size_expression))
                           .add(option("type", "3", "int")));
    }
    Element map("Option");
    map.attr("type", "Map").add(option("name", "")).add(properties).add(option("type", "collection"));
    return Element("data_defined_properties").add(map);
}

Element symbol_layer(const StyleSpec& spec, const SymbolClass& c) {
    Element layer("layer");
    layer.attr("class", spec.shape == Shape::point  ? "SimpleMarker"
                        : spec.shape == Shape::line ? "SimpleLine"
                                                    : "SimpleFill");
    layer.attr("enabled", "1").attr("locked", "0").attr("pass", "0");
    switch (spec.shape) {
        case Shape::point:
            layer.add(option_map({{"name", "circle"}, {"color", rgba(c.colour)}, {"outline_color", rgba(spec.outline)},
                                  {"outline_style", "solid"}, {"outline_width", xml::number(spec.outline_width)},
                                  {"outline_width_unit", "MM"}, {"size", xml::number(c.size)}, {"size_unit", "MM"},
                                  {"scale_method", "diameter"}}));
            break;
        case Shape::line:
            layer.add(option_map({{"line_color", rgba(c.colour)}, {"line_style", "solid"},
                                  {"line_width", xml::number(c.size)}, {"line_width_unit", "MM"},
                                  {"capstyle", "round"}, {"joinstyle", "round"}}));
            break;
        case Shape::polygon:
            layer.add(option_map({{"color", rgba(c.colour)}, {"style", spec.hollow ? "no" : "solid"},
                                  {"outline_color", rgba(spec.outline)}, {"outline_style", "solid"},
                                  {"outline_width", xml::number(spec.outline_width)}, {"outline_width_unit", "MM"},
                                  {"joinstyle", "round"}}));
            break;
    }
    layer.add(data_defined(spec.shape == Shape::point ? spec.size_expression : ""));
    return layer;
}

// An arrowhead at the line's last vertex (the link's destination), drawn back from the vertex so
// that the destination's own marker does not hide its tip: QGIS's MarkerLine symbol layer with a
// filled_arrowhead marker, rotated along the line (the QML QGIS 3.22 itself writes for it).
Element arrowhead_layer(const SymbolClass& c, const std::string& name) {
    Element marker("layer");
    marker.attr("class", "SimpleMarker").attr("enabled", "1").attr("locked", "0").attr("pass", "0");
    marker.add(option_map({{"name", "filled_arrowhead"}, {"color", rgba(c.colour)}, {"outline_style", "no"},
                           {"size", xml::number(std::max(2.0, 4 * c.size))}, {"size_unit", "MM"}, {"angle", "0"},
                           {"horizontal_anchor_point", "1"}, {"vertical_anchor_point", "1"}}));
    marker.add(data_defined(""));
    Element sub("symbol");
    sub.attr("type", "marker").attr("name", name).attr("alpha", "1").attr("clip_to_extent", "1").attr("force_rhr", "0");
    sub.add(data_defined("")).add(marker);
    Element layer("layer");
    layer.attr("class", "MarkerLine").attr("enabled", "1").attr("locked", "0").attr("pass", "0");
    layer.add(option_map({{"placement", "lastvertex"}, {"rotate", "1"}, {"offset_along_line", "2"},
                          {"offset_along_line_unit", "MM"}, {"interval", "3"}, {"interval_unit", "MM"}}));
    layer.add(data_defined("")).add(sub);
    return layer;
}

Element symbol(const StyleSpec& spec, const SymbolClass& c, const std::string& name) {
    Element s("symbol");
    s.attr("type", spec.shape == Shape::point ? "marker" : spec.shape == Shape::line ? "line" : "fill");
    s.attr("name", name).attr("alpha", "1").attr("clip_to_extent", "1").attr("force_rhr", "0");
    s.add(data_defined("")).add(symbol_layer(spec, c));
    if (spec.shape == Shape::line && spec.arrow) s.add(arrowhead_layer(c, "@" + name + "@1"));
    return s;
}

Element renderer(const StyleSpec& spec) {
    Element r("renderer-v2");
    r.attr("forceraster", "0").attr("symbollevels", "0").attr("enableorderby", "0").attr("referencescale", "-1");
    Element symbols("symbols");
    for (std::size_t i = 0; i < spec.classes.size(); ++i) symbols.add(symbol(spec, spec.classes[i], std::to_string(i)));
    switch (spec.renderer) {
        case Renderer::single:
            r.attr("type", "singleSymbol");
            r.add(symbols);
            break;
        case Renderer::categorized: {
            r.attr("type", "categorizedSymbol").attr("attr", spec.attribute);
            Element categories("categories");
            for (std::size_t i = 0; i < spec.classes.size(); ++i) {
                categories.add(Element("category")
                                   .attr("symbol", std::to_string(i))
                                   .attr("value", spec.classes[i].value)
                                   .attr("label", spec.classes[i].label)
                                   .attr("render", "true"));
            }
            r.add(categories).add(symbols);
            break;
        }
        case Renderer::graduated: {
            r.attr("type", "graduatedSymbol").attr("attr", spec.attribute);
            r.attr("graduatedMethod", spec.graduated_by_size ? "GraduatedSize" : "GraduatedColor");
            Element ranges("ranges");
            for (std::size_t i = 0; i < spec.classes.size(); ++i) {
                ranges.add(Element("range")
                               .attr("symbol", std::to_string(i))
                               .attr("lower", xml::number(spec.classes[i].lower))
                               .attr("upper", xml::number(spec.classes[i].upper))
                               .attr("label", spec.classes[i].label)
                               .attr("render", "true"));
            }
            r.add(ranges).add(symbols);
            r.add(Element("classificationMethod")
                      .attr("id", spec.class_method.empty() ? "Custom" : spec.class_method)
                      .add(Element("symmetricMode").attr("enabled", "0").attr("symmetrypoint", "0").attr("astride", "0"))
                      .add(Element("labelFormat").attr("format", "%1 – %2").attr("labelprecision", "1").attr("trimtrailingzeroes", "1")));
            break;
        }
    }
    r.add(Element("rotation")).add(Element("sizescale"));
    return r;
}

Element labeling(const StyleSpec& spec) {
    Element text_style("text-style");
    text_style.attr("fieldName", spec.label_expression).attr("isExpression", "1");
    text_style.attr("fontFamily", kFont).attr("namedStyle", "Book").attr("fontWeight", "50");
    text_style.attr("fontSize", spec.label_size).attr("fontSizeUnit", "Point");
    text_style.attr("textColor", "30,30,30,255").attr("textOpacity", "1");
    text_style.add(Element("families"));
    text_style.add(Element("text-buffer")
                       .attr("bufferDraw", "1")
                       .attr("bufferSize", "0.7")
                       .attr("bufferSizeUnits", "MM")
                       .attr("bufferColor", "255,255,255,255")
                       .attr("bufferOpacity", "0.85")
                       .attr("bufferNoFill", "1")
                       .attr("bufferJoinStyle", "128"));
    // QgsPalLayerSettings::Placement: 0 around point, 1 over point (centroid), 2 parallel to lines.
    const int placement = spec.shape == Shape::point ? 0 : spec.shape == Shape::line ? 2 : 1;
    Element place("placement");
    place.attr("placement", placement).attr("dist", "1").attr("distUnits", "MM");
    if (spec.shape == Shape::polygon) place.attr("centroidInside", "1").attr("fitInPolygonOnly", "0");
    if (spec.shape == Shape::line) place.attr("placementFlags", "10");
    Element rendering("rendering");
    rendering.attr("drawLabels", "1").attr("obstacle", "1").attr("obstacleType", "1").attr("displayAll", "0");
    rendering.attr("upsidedownLabels", "0").attr("labelPerPart", "0").attr("mergeLines", "0");
    return Element("labeling")
        .attr("type", "simple")
        .add(Element("settings").attr("calloutType", "simple").add(text_style).add(place).add(rendering));
}

}  // namespace

Element field_aliases(const Table& table) {
    Element e("aliases");
    e.add(Element("alias").attr("field", "fid").attr("index", 0).attr("name", "Identifiant interne"));
    for (std::size_t i = 0; i < table.fields.size(); ++i) {
        e.add(Element("alias")
                  .attr("field", table.fields[i].name)
                  .attr("index", static_cast<int>(i + 1))
                  .attr("name", table.fields[i].alias));
    }
    return e;
}

namespace {

std::string display_expression(const Table& table) {
    return table.field_index("name") >= 0 ? "\"name\"" : "\"fid\"";
}

int geometry_code(Shape s) { return s == Shape::point ? 0 : s == Shape::line ? 1 : 2; }

}  // namespace

std::vector<Element> style_elements(const StyleSpec& spec, const Table& table) {
    std::vector<Element> out;
    out.push_back(renderer(spec));
    if (!spec.label_expression.empty()) out.push_back(labeling(spec));
    out.push_back(xml::text_element("blendMode", "0"));
    out.push_back(xml::text_element("featureBlendMode", "0"));
    out.push_back(xml::text_element("layerOpacity", xml::number(spec.opacity)));
    out.push_back(field_aliases(table));
    out.push_back(xml::text_element("previewExpression", display_expression(table)));
    out.push_back(xml::text_element("layerGeometryType", std::to_string(geometry_code(spec.shape))));
    return out;
}

void add_layer_attributes(Element& e, const StyleSpec& spec) {
    e.attr("labelsEnabled", spec.label_expression.empty() ? "0" : "1");
    e.attr("styleCategories", "AllStyleCategories");
    e.attr("hasScaleBasedVisibilityFlag", "0").attr("minScale", "100000000").attr("maxScale", "0");
    e.attr("readOnly", "0").attr("simplifyDrawingHints", spec.shape == Shape::point ? "0" : "1");
    e.attr("simplifyDrawingTol", "1").attr("simplifyLocal", "1").attr("simplifyAlgorithm", "0").attr("simplifyMaxScale", "1");
}

Element qml_root(const StyleSpec& spec, const Table& table) {
    Element root("qgis");
    root.attr("version", kQgisVersion);
    add_layer_attributes(root, spec);
    for (auto& e : style_elements(spec, table)) root.add(std::move(e));
    return root;
}

std::string qml(const StyleSpec& spec, const Table& table) {
    return "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n" + qml_root(spec, table).str();
}

std::string sld(const StyleSpec& spec) {
    auto svg = [](const std::string& name, const std::string& value) {
        return Element("se:SvgParameter").attr("name", name).set_text(value);
    };
    auto stroke = [&](const style::Rgb& c, double width_mm) {
        return Element("se:Stroke").add(svg("stroke", c.hex())).add(svg("stroke-width", xml::number(width_mm * 3.78)));
    };
    Element fts("se:FeatureTypeStyle");
    for (const auto& c : spec.classes) {
        Element rule("se:Rule");
        rule.add(xml::text_element("se:Name", c.label));
        rule.add(Element("se:Description").add(xml::text_element("se:Title", c.label)));
        if (!spec.attribute_is_expression && spec.renderer != Renderer::single) {
            auto property = [&] { return xml::text_element("ogc:PropertyName", spec.attribute); };
            Element filter("ogc:Filter");
            filter.attr("xmlns:ogc", "http://www.opengis.net/ogc");
            if (spec.renderer == Renderer::categorized) {
                filter.add(Element("ogc:PropertyIsEqualTo").add(property()).add(xml::text_element("ogc:Literal", c.value)));
            } else {
                filter.add(Element("ogc:And")
                               .add(Element("ogc:PropertyIsGreaterThanOrEqualTo")
                                        .add(property())
                                        .add(xml::text_element("ogc:Literal", xml::number(c.lower))))
                               .add(Element("ogc:PropertyIsLessThanOrEqualTo")
                                        .add(property())
                                        .add(xml::text_element("ogc:Literal", xml::number(c.upper)))));
            }
            rule.add(filter);
        }
        switch (spec.shape) {
            case Shape::point:
                rule.add(Element("se:PointSymbolizer")
                             .add(Element("se:Graphic")
                                      .add(Element("se:Mark")
                                               .add(xml::text_element("se:WellKnownName", "circle"))
                                               .add(Element("se:Fill").add(svg("fill", c.colour.hex())))
                                               .add(stroke(spec.outline, spec.outline_width)))
                                      .add(xml::text_element("se:Size", xml::number(c.size * 3.78)))));
                break;
            case Shape::line: rule.add(Element("se:LineSymbolizer").add(stroke(c.colour, c.size))); break;
            case Shape::polygon: {
                Element poly("se:PolygonSymbolizer");
                if (!spec.hollow) poly.add(Element("se:Fill").add(svg("fill", c.colour.hex())));
                rule.add(poly.add(stroke(spec.outline, spec.outline_width)));
                break;
            }
        }
        fts.add(rule);
    }
    Element root("StyledLayerDescriptor");
    root.attr("xmlns", "http://www.opengis.net/sld").attr("xmlns:ogc", "http://www.opengis.net/ogc");
    root.attr("xmlns:se", "http://www.opengis.net/se").attr("xmlns:xlink", "http://www.w3.org/1999/xlink");
    root.attr("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance").attr("version", "1.1.0");
    root.attr("xsi:schemaLocation", "http://www.opengis.net/sld http://schemas.opengis.net/sld/1.1.0/StyledLayerDescriptor.xsd");
    root.add(Element("NamedLayer")
                 .add(xml::text_element("se:Name", spec.table))
                 .add(Element("UserStyle").add(xml::text_element("se:Name", spec.name)).add(fts)));
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + root.str();
}

std::string timestamp() {
    if (const char* fixed = std::getenv("OGR_CURRENT_DATE"); fixed && std::strlen(fixed) >= 19)
        return std::string(fixed, 19) + "Z";
    const std::time_t now = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&now, &utc);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return buf;
}


}  // namespace territoire::qgis
