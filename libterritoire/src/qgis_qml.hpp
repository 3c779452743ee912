// qgis_qml.hpp — QGIS layer styles described once (StyleSpec) and written as QGIS 3.22 reads them:
// QML (renderer, labels, French field aliases) and a minimal SLD. Used by the `layer_styles` table
// (qgis_styles.cpp) and by the project stored in the GeoPackage (qgis_project.cpp), so a layer
// looks the same whether its style comes from the table or from the project.
#pragma once

#include <string>
#include <vector>

#include "style.hpp"
#include "territoire/pipeline.hpp"
#include "xml_builder.hpp"

namespace territoire::qgis {

enum class Renderer { single, categorized, graduated };
enum class Shape { point, line, polygon };

/// One class of a renderer: a category (`value`) or a range (`lower`, `upper`), its legend label
/// and its symbol (colour and size: marker diameter or line width, millimetres).
struct SymbolClass {
    std::string label;
    std::string value;          ///< categorized: the value as QGIS prints it
    double lower = 0, upper = 0;  ///< graduated: range (first class includes its lower bound)
    style::Rgb colour;
    double size = 0;
};

struct StyleSpec {
    std::string table;              ///< layer name in the GeoPackage
    std::string name;               ///< styleName (French)
    std::string description;        ///< French
    bool is_default = false;
    Shape shape = Shape::point;
    Renderer renderer = Renderer::single;
    std::string attribute;          ///< field name, or an expression when `attribute_is_expression`
    bool attribute_is_expression = false;
    bool graduated_by_size = false; ///< graduated: classes differ by size (else by colour)
    std::vector<SymbolClass> classes;  ///< single: exactly one
    std::string class_method;       ///< graduated: "Quantile" (recorded in the QML)
    std::string size_expression;    ///< optional data-defined marker size (mm)
    bool hollow = false;            ///< polygons: outline only
    bool arrow = false;             ///< lines: an arrowhead at the last vertex (directed links)
    style::Rgb outline{60, 60, 60};
    double outline_width = 0.26;    ///< mm
    double opacity = 1.0;           ///< layer opacity
    std::string label_expression;   ///< QGIS expression of the labels; empty: no labels
    double label_size = 8;          ///< points
};

/// The renderer, labelling, aliases and opacity elements shared by a QML document and a project's
/// <maplayer>, for layer `table` (aliases from its fields' French names).
std::vector<xml::Element> style_elements(const StyleSpec& spec, const Table& table);

/// <aliases>: the French name of every field of `table` (QGIS 3.22 does not read GeoPackage
/// column titles, so styles and project carry them).
xml::Element field_aliases(const Table& table);

/// Attributes QGIS puts on <qgis> (QML) and <maplayer> (project) for this style.
void add_layer_attributes(xml::Element& e, const StyleSpec& spec);

/// The <qgis> root element of the QML (also what a project's style manager stores per style).
xml::Element qml_root(const StyleSpec& spec, const Table& table);

/// The full QML document (as QgsMapLayer::exportNamedStyle writes it).
std::string qml(const StyleSpec& spec, const Table& table);

/// A minimal SLD 1.1 document: one rule per class with a filter and a symbolizer.
std::string sld(const StyleSpec& spec);

/// The table of `d` called `name`, or nullptr.
const Table* find_table(const Diagnostic& d, const std::string& name);

/// Every style of every spatial layer of `d` (qgis_styles.cpp), in layer order; exactly one
/// default per layer.
std::vector<StyleSpec> layer_styles(const Diagnostic& d);

/// Time written into `layer_styles.update_time` and the project metadata: GDAL's
/// OGR_CURRENT_DATE when set (reproducible files), else now, UTC, "YYYY-MM-DDTHH:MM:SSZ".
std::string timestamp();

/// French number for legends: up to `decimals` decimals, comma separator, thin thousand groups.


}  // namespace territoire::qgis
