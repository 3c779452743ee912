// xml_builder.hpp — a small XML tree written by hand (QGIS styles and project): elements with
// attributes in insertion order, children and text, serialised with escaping and indentation.
// Same tree → same bytes.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace territoire::xml {

/// Escapes &, <, >, ", ', tab, newline and carriage return for use in text or a double-quoted
/// attribute, and drops the other control characters, which XML 1.0 forbids.
std::string escape(const std::string& s);

/// Text that reads back as the same double, with 15 to 17 significant digits as needed ("12.5",
/// "10", "0.30000000000000004").
std::string number(double v);

struct Element {
    std::string name;
    std::vector<std::pair<std::string, std::string>> attributes;
    std::vector<Element> children;
    std::string text;

    explicit Element(std::string element_name) : name(std::move(element_name)) {}

    Element& attr(const std::string& key, const std::string& value);
    Element& attr(const std::string& key, const char* value) { return attr(key, std::string(value)); }
    Element& attr(const std::string& key, double value) { return attr(key, number(value)); }
    Element& attr(const std::string& key, int value) { return attr(key, std::to_string(value)); }
    /// Sets an attribute, replacing its value when it is already there.
    Element& set(const std::string& key, const std::string& value);
    /// Appends a child and returns *this (for chaining).
    Element& add(Element child);
    Element& set_text(std::string value);

    /// The element and its subtree, indented by `depth` levels of one space.
    std::string str(int depth = 0) const;
};

/// Element with text content: <name>text</name>.
Element text_element(const std::string& name, const std::string& text);

}  // namespace territoire::xml
