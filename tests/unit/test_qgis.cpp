// Units of the QGIS deliverables' helpers: the stored ZIP writer, the XML builder, French numbers,
// and the style catalogue (same palette as style.hpp, one default per layer).
#include <catch2/catch.hpp>

#include "qgis_qml.hpp"
#include "style.hpp"
#include "xml_builder.hpp"
#include "zip_store.hpp"

using namespace territoire;

namespace {

std::uint32_t le32(const std::string& s, std::size_t at) {
    return static_cast<std::uint32_t>(static_cast<unsigned char>(s[at])) |
           static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 1])) << 8 |
           static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 2])) << 16 |
           static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 3])) << 24;
}

Table actors_table(const std::vector<std::string>& families) {
    Table t;
    t.name = "actors";
    t.title = "Acteurs";
    t.geometry_type = GeometryType::point;
    t.fields = {{"name", FieldType::text, "Nom"}, {"family", FieldType::text, "Famille"}, {"betweenness", FieldType::real, "Intermédiarité"}};
    double b = 0;
    for (const auto& f : families) {
        t.rows.push_back({Value(std::string("acteur")), Value(f), Value(b)});
        t.geometries.emplace_back();
        b += 0.1;
    }
    return t;
}

}  // namespace

TEST_CASE("crc32 is the ZIP one", "[qgis]") {
    CHECK(zip::crc32("123456789") == 0xCBF43926u);  // the standard check value
    CHECK(zip::crc32("") == 0u);
}

TEST_CASE("stored zip archive layout", "[qgis]") {
    const std::string content = "<qgis/>\n";
    const std::string zip = zip::stored_archive({{"diagnostic.qgs", content}});
    REQUIRE(zip.size() == 30 + 14 + content.size() + 46 + 14 + 22);
    CHECK(le32(zip, 0) == 0x04034b50u);
    CHECK(le32(zip, 14) == zip::crc32(content));
    CHECK(zip.substr(30, 14) == "diagnostic.qgs");
    CHECK(zip.substr(44, content.size()) == content);
    const std::size_t end = zip.size() - 22;
    CHECK(le32(zip, end) == 0x06054b50u);
    CHECK(le32(zip, end + 16) == 30 + 14 + content.size());  // central directory offset
    CHECK(zip::stored_archive({{"a", "x"}}) == zip::stored_archive({{"a", "x"}}));  // no clock in it
}

TEST_CASE("xml builder escapes and indents", "[qgis]") {
    xml::Element e("a");
    e.attr("k", "x\"<&'").add(xml::text_element("b", "1 < 2")).add(xml::Element("c"));
    e.set("k", "v");
    CHECK(e.str() == "<a k=\"v\">\n <b>1 &lt; 2</b>\n <c/>\n</a>\n");
    CHECK(xml::escape("\"<&'>") == "&quot;&lt;&amp;&apos;&gt;");
    CHECK(xml::number(0.1) == "0.1");
    CHECK(xml::number(12) == "12");
    CHECK(xml::number(20) == "20");  // never an exponent for a short integer
    CHECK(xml::escape(std::string("a\x01\tb")) == "a&#9;b");
}

TEST_CASE("french numbers for legends", "[qgis]") {
    CHECK(style::french_number(12345.678, 1) == "12\u00a0345,7");
    CHECK(style::french_number(0.5, 2) == "0,50");
    CHECK(style::french_number(3, 0) == "3");
    CHECK(style::french_number(-0.0001, 1) == "0,0");
    CHECK(style::french_number(-1234, 0) == "-1\u00a0234");
}

TEST_CASE("style catalogue: palette of style.hpp, one default per layer", "[qgis]") {
    Diagnostic d;
    d.tables.push_back(actors_table({"théâtre", "musique", "musique", "non renseigné"}));
    const auto styles = qgis::layer_styles(d);
    REQUIRE(styles.size() == 2);
    CHECK(styles[0].is_default);
    CHECK_FALSE(styles[1].is_default);
    const auto& family = styles[0];
    CHECK(family.renderer == qgis::Renderer::categorized);
    CHECK(family.attribute == "family");
    const auto colours = style::category_colours({"théâtre", "musique", "non renseigné"});
    REQUIRE(family.classes.size() == 3);
    for (const auto& c : family.classes) CHECK(c.colour.hex() == colours.at(c.value).hex());
    CHECK(family.classes[0].label == "musique (2)");
    const std::string qml = qgis::qml(family, d.tables[0]);
    CHECK(qml.find("type=\"categorizedSymbol\"") != std::string::npos);
    CHECK(qml.find("<alias field=\"family\" index=\"2\" name=\"Famille\"/>") != std::string::npos);
    CHECK(qgis::sld(family).find("<ogc:Literal>musique</ogc:Literal>") != std::string::npos);
    const auto& between = styles[1];
    CHECK(between.renderer == qgis::Renderer::graduated);
    REQUIRE_FALSE(between.classes.empty());
    CHECK(between.classes.front().lower == 0);
    CHECK(between.classes.back().upper == Approx(0.3));
}

TEST_CASE("style catalogue: empty layers still get their styles", "[qgis]") {
    Diagnostic d;
    d.tables.push_back(actors_table({}));
    const auto styles = qgis::layer_styles(d);
    REQUIRE(styles.size() == 2);
    CHECK(styles[0].classes.empty());
    CHECK(styles[1].classes.empty());
    CHECK(qgis::qml(styles[1], d.tables[0]).find("graduatedSymbol") != std::string::npos);
}

TEST_CASE("style catalogue: areas with population get rate choropleths, the actors' rate by default", "[qgis]") {
    Diagnostic d;
    d.actors.resize(1);  // at least one actor: the actors' rate is meaningful
    Table areas;
    areas.name = "areas";
    areas.geometry_type = GeometryType::multipolygon;
    areas.fields = {{"name", FieldType::text, "Nom"},
                    {"population", FieldType::real, "Population"},
                    {"n_actors", FieldType::integer, "Acteurs"},
                    {"actors_per_10k", FieldType::real, "Acteurs pour 10 000 hab."},
                    {"places_per_10k", FieldType::real, "Lieux pour 10 000 hab."}};
    for (int i = 0; i < 10; ++i) {
        areas.rows.push_back({Value(std::string("zone")), Value(1000.0 * (i + 1)), Value(std::int64_t(i)),
                              Value(i * 10000.0 / (1000.0 * (i + 1))), i == 3 ? Value() : Value(1.5 * i)});
        areas.geometries.emplace_back();
    }
    d.tables.push_back(areas);
    const auto styles = qgis::layer_styles(d);
    std::vector<std::string> names;
    for (const auto& s : styles) names.push_back(s.name);
    CHECK(names == std::vector<std::string>{"Acteurs pour 10 000 hab.", "Lieux pour 10 000 hab.", "Population", "Contours des zones"});
    CHECK(styles[0].is_default);
    CHECK(styles[0].classes.size() == 5);  // 10 distinct values, 5 quantile classes
    CHECK(styles[0].classes[0].colour.hex() == style::sequential_ramp(5)[0].hex());
    CHECK(styles[2].classes.front().label == "de 1\u00a0000 à 2\u00a0000");  // style::class_labels, as maps and sheets
    CHECK(styles[2].classes.back().upper == 10000);
    CHECK_FALSE(styles[3].label_expression.empty());
}

TEST_CASE("style catalogue: links of a directed network end with an arrowhead", "[qgis]") {
    Diagnostic d;
    territoire::Table links{"cooperation_links", "Liens", "", territoire::GeometryType::linestring, {}, {}, {}};
    links.fields = {{"link_id", territoire::FieldType::text, "Identifiant"},
                    {"weight", territoire::FieldType::real, "Poids"},
                    {"crosses_areas", territoire::FieldType::boolean, "Relie deux zones"}};
    for (int i = 1; i <= 6; ++i) {
        links.rows.push_back({std::string("l") + std::to_string(i), static_cast<double>(i), i % 2 == 0});
        links.geometries.push_back({});
    }
    d.tables.push_back(links);
    for (const bool directed : {false, true}) {
        d.network.directed = directed;
        const auto styles = qgis::layer_styles(d);
        REQUIRE_FALSE(styles.empty());
        for (const auto& s : styles) {
            const std::string qml = qgis::qml(s, d.tables[0]);
            CHECK((qml.find("class=\"MarkerLine\"") != std::string::npos) == directed);
            CHECK((qml.find("filled_arrowhead") != std::string::npos) == directed);
        }
    }
}
