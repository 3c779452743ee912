// graph_export.cpp — the cooperation network for Gephi, Gephi Lite, yEd and networkx: GraphML and
// GEXF 1.2 built from the `actors` and `cooperation_links` tables, so that every attribute of the
// GeoPackage travels with the graph. docs/network.md describes both files.
#include "graph_export.hpp"

#include "territoire/error.hpp"
#include "xml_builder.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <ostream>
#include <limits>

namespace territoire {
namespace {

const Table& table_named(const Diagnostic& d, const std::string& name) {
    for (const auto& t : d.tables)
        if (t.name == name) return t;
    throw Error("table « " + name + " » absente du diagnostic");
}

// Cell as text, or nothing for NULL.
std::optional<std::string> text_of(const Value& v) {
    if (const auto* s = std::get_if<std::string>(&v)) return *s;
    if (const auto* i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
    if (const auto* r = std::get_if<double>(&v)) return std::isfinite(*r) ? std::optional(xml::number(*r)) : std::nullopt;
    if (const auto* b = std::get_if<bool>(&v)) return std::string(*b ? "true" : "false");
    return std::nullopt;
}

// GraphML and GEXF share these type names.
const char* attr_type(FieldType t) {
    switch (t) {
        case FieldType::integer: return "long";
        case FieldType::real: return "double";
        case FieldType::boolean: return "boolean";
        case FieldType::text: break;
    }
    return "string";
}

// Point of an actor row (WKB point, little-endian, as tables.cpp writes it), if located.
std::optional<Point> point_of(const Wkb& w) {
    if (w.size() != 21) return std::nullopt;
    Point p;
    std::memcpy(&p.x, w.data() + 5, 8);
    std::memcpy(&p.y, w.data() + 13, 8);
    return p;
}

// Positions for Gephi: hectometres from the centre of the located actors, y towards the north.
struct Layout {
    double cx = 0, cy = 0;
    Point at(const Point& p) const { return {(p.x - cx) / 100.0, (p.y - cy) / 100.0}; }
};

Layout layout_of(const Table& actors) {
    double xmin = std::numeric_limits<double>::max(), ymin = xmin, xmax = -xmin, ymax = -xmin;
    for (const auto& g : actors.geometries)
        if (const auto p = point_of(g)) {
            xmin = std::min(xmin, p->x);
            xmax = std::max(xmax, p->x);
            ymin = std::min(ymin, p->y);
            ymax = std::max(ymax, p->y);
        }
    if (xmin > xmax) return {};
    return {(xmin + xmax) / 2, (ymin + ymax) / 2};
}

struct Columns {
    int id = -1;
    std::vector<std::size_t> attributes;  // every other field
};

Columns columns(const Table& t, const std::string& id_field, std::initializer_list<const char*> skip) {
    Columns c;
    c.id = t.field_index(id_field);
    for (std::size_t i = 0; i < t.fields.size(); ++i) {
        if (static_cast<int>(i) == c.id) continue;
        if (std::find_if(skip.begin(), skip.end(), [&](const char* s) { return t.fields[i].name == s; }) != skip.end()) continue;
        c.attributes.push_back(i);
    }
    return c;
}

// Text appended piece by piece and handed to the stream by the megabyte: a national diagnostic
// has millions of actors, and its network file must not be built whole in memory.
class Sink {
public:
    Sink(std::ostream& os, std::string start) : os_(os), buf_(std::move(start)) {}
    ~Sink() { flush(); }
    Sink& operator+=(const std::string& s) {
        buf_ += s;
        if (buf_.size() > (1u << 20)) flush();
        return *this;
    }
    void flush() {
        os_ << buf_;
        buf_.clear();
    }

private:
    std::ostream& os_;
    std::string buf_;
};

}  // namespace

void write_graphml(const Diagnostic& d, std::ostream& os) {
    const Table& actors = table_named(d, "actors");
    const Table& links = table_named(d, "cooperation_links");
    const Columns nc = columns(actors, "actor_id", {});
    const Columns ec = columns(links, "link_id", {"source_id", "target_id"});
    const Layout layout = layout_of(actors);
    Sink out(os, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                      "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" "
                      "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
                      "xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns "
                      "http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n");
    for (std::size_t i : nc.attributes) {
        const Field& f = actors.fields[i];
        out += "  <key id=\"n_" + f.name + "\" for=\"node\" attr.name=\"" + f.name + "\" attr.type=\"" +
               attr_type(f.type) + "\"/>\n";
    }
    for (const char* k : {"easting", "northing", "x", "y"})
        out += std::string("  <key id=\"n_") + k + "\" for=\"node\" attr.name=\"" + k + "\" attr.type=\"double\"/>\n";
    for (std::size_t i : ec.attributes) {
        const Field& f = links.fields[i];
        out += "  <key id=\"e_" + f.name + "\" for=\"edge\" attr.name=\"" + f.name + "\" attr.type=\"" +
               attr_type(f.type) + "\"/>\n";
    }
    out += "  <graph id=\"cooperation\" edgedefault=\"" + std::string(d.network.directed ? "directed" : "undirected") + "\">\n";
    for (std::size_t r = 0; r < actors.rows.size(); ++r) {
        const auto& row = actors.rows[r];
        out += "    <node id=\"" + xml::escape(*text_of(row[static_cast<std::size_t>(nc.id)])) + "\">\n";
        for (std::size_t i : nc.attributes)
            if (const auto v = text_of(row[i])) out += "      <data key=\"n_" + actors.fields[i].name + "\">" + xml::escape(*v) + "</data>\n";
        if (const auto p = point_of(actors.geometries[r])) {
            const Point g = layout.at(*p);
            out += "      <data key=\"n_easting\">" + xml::number(p->x) + "</data>\n      <data key=\"n_northing\">" +
                   xml::number(p->y) + "</data>\n      <data key=\"n_x\">" + xml::number(g.x) + "</data>\n      <data key=\"n_y\">" +
                   xml::number(g.y) + "</data>\n";
        }
        out += "    </node>\n";
    }
    const auto s_col = static_cast<std::size_t>(links.field_index("source_id"));
    const auto t_col = static_cast<std::size_t>(links.field_index("target_id"));
    for (const auto& row : links.rows) {
        out += "    <edge id=\"" + xml::escape(*text_of(row[static_cast<std::size_t>(ec.id)])) + "\" source=\"" +
               xml::escape(*text_of(row[s_col])) + "\" target=\"" + xml::escape(*text_of(row[t_col])) + "\">\n";
        for (std::size_t i : ec.attributes)
            if (const auto v = text_of(row[i])) out += "      <data key=\"e_" + links.fields[i].name + "\">" + xml::escape(*v) + "</data>\n";
        out += "    </edge>\n";
    }
    out += "  </graph>\n</graphml>\n";
    out.flush();
}

void write_gexf(const Diagnostic& d, std::ostream& os) {
    const Table& actors = table_named(d, "actors");
    const Table& links = table_named(d, "cooperation_links");
    const Columns nc = columns(actors, "actor_id", {});
    const Columns ec = columns(links, "link_id", {"source_id", "target_id"});
    const int name_col = actors.field_index("name");
    const int weight_col = links.field_index("weight");
    const Layout layout = layout_of(actors);
    Sink out(os, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                      "<gexf xmlns=\"http://www.gexf.net/1.2draft\" xmlns:viz=\"http://www.gexf.net/1.2draft/viz\" "
                      "version=\"1.2\">\n"
                      "  <meta>\n    <creator>libterritoire " +
                      std::string(version()) + "</creator>\n    <description>" + xml::escape(d.project.name) +
                      " : réseau de coopération</description>\n  </meta>\n");
    out += "  <graph mode=\"static\" defaultedgetype=\"" + std::string(d.network.directed ? "directed" : "undirected") + "\">\n";
    out += "    <attributes class=\"node\" mode=\"static\">\n";
    for (std::size_t k = 0; k < nc.attributes.size(); ++k) {
        const Field& f = actors.fields[nc.attributes[k]];
        out += "      <attribute id=\"" + f.name + "\" title=\"" + f.name + "\" type=\"" + attr_type(f.type) + "\"/>\n";
    }
    out += "      <attribute id=\"easting\" title=\"easting\" type=\"double\"/>\n"
           "      <attribute id=\"northing\" title=\"northing\" type=\"double\"/>\n";
    out += "    </attributes>\n    <attributes class=\"edge\" mode=\"static\">\n";
    for (std::size_t i : ec.attributes) {
        const Field& f = links.fields[i];
        out += "      <attribute id=\"" + f.name + "\" title=\"" + f.name + "\" type=\"" + attr_type(f.type) + "\"/>\n";
    }
    out += "    </attributes>\n    <nodes>\n";
    for (std::size_t r = 0; r < actors.rows.size(); ++r) {
        const auto& row = actors.rows[r];
        const auto label = text_of(row[static_cast<std::size_t>(name_col)]);
        const std::string id = *text_of(row[static_cast<std::size_t>(nc.id)]);
        out += "      <node id=\"" + xml::escape(id) + "\" label=\"" + xml::escape(label ? *label : id) + "\">\n        <attvalues>\n";
        for (std::size_t i : nc.attributes)
            if (const auto v = text_of(row[i]))
                out += "          <attvalue for=\"" + actors.fields[i].name + "\" value=\"" + xml::escape(*v) + "\"/>\n";
        const auto p = point_of(actors.geometries[r]);
        if (p) {
            out += "          <attvalue for=\"easting\" value=\"" + xml::number(p->x) + "\"/>\n          <attvalue for=\"northing\" value=\"" +
                   xml::number(p->y) + "\"/>\n";
        }
        out += "        </attvalues>\n";
        if (p) {
            const Point g = layout.at(*p);
            out += "        <viz:position x=\"" + xml::number(g.x) + "\" y=\"" + xml::number(g.y) + "\" z=\"0.0\"/>\n";
        }
        out += "      </node>\n";
    }
    out += "    </nodes>\n    <edges>\n";
    const auto s_col = static_cast<std::size_t>(links.field_index("source_id"));
    const auto t_col = static_cast<std::size_t>(links.field_index("target_id"));
    for (const auto& row : links.rows) {
        const auto weight = text_of(row[static_cast<std::size_t>(weight_col)]);  // always finite: links.cpp bounds it
        out += "      <edge id=\"" + xml::escape(*text_of(row[static_cast<std::size_t>(ec.id)])) + "\" source=\"" +
               xml::escape(*text_of(row[s_col])) + "\" target=\"" + xml::escape(*text_of(row[t_col])) + "\"" +
               (weight ? " weight=\"" + *weight + "\"" : std::string()) + ">\n        <attvalues>\n";
        for (std::size_t i : ec.attributes)
            if (const auto v = text_of(row[i]))
                out += "          <attvalue for=\"" + links.fields[i].name + "\" value=\"" + xml::escape(*v) + "\"/>\n";
        out += "        </attvalues>\n      </edge>\n";
    }
    out += "    </edges>\n  </graph>\n</gexf>\n";
    out.flush();
}

}  // namespace territoire
