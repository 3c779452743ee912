// xml_builder.cpp — see xml_builder.hpp.
#include "xml_builder.hpp"

#include <cstdio>
#include <cstdlib>

namespace territoire::xml {

std::string escape(const std::string& s) {
    std::string out;
    out.reserve(s.size());
    for (const char ch : s) {
        switch (ch) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&apos;"; break;
            case '\t': out += "&#9;"; break;
            case '\n': out += "&#10;"; break;
            case '\r': out += "&#13;"; break;
            default:
                if (static_cast<unsigned char>(ch) >= 0x20) out += ch;  // other controls: not allowed in XML 1.0
        }
    }
    return out;
}

std::string number(double v) {
    char buf[32];
    for (int precision = 15; precision <= 17; ++precision) {
        std::snprintf(buf, sizeof buf, "%.*g", precision, v);
        if (std::strtod(buf, nullptr) == v) break;
    }
    return buf;
}

Element& Element::attr(const std::string& key, const std::string& value) {
    attributes.emplace_back(key, value);
    return *this;
}

Element& Element::set(const std::string& key, const std::string& value) {
    for (auto& [k, v] : attributes) {
        if (k == key) {
            v = value;
            return *this;
        }
    }
    return attr(key, value);
}

Element& Element::add(Element child) {
    children.push_back(std::move(child));
    return *this;
}

Element& Element::set_text(std::string value) {
    text = std::move(value);
    return *this;
}

std::string Element::str(int depth) const {
    const std::string pad(static_cast<std::size_t>(depth), ' ');
    std::string out = pad + "<" + name;
    for (const auto& [k, v] : attributes) out += " " + k + "=\"" + escape(v) + "\"";
    if (children.empty() && text.empty()) return out + "/>\n";
    out += ">";
    if (children.empty()) return out + escape(text) + "</" + name + ">\n";
    out += escape(text) + "\n";
    for (const auto& c : children) out += c.str(depth + 1);
    return out + pad + "</" + name + ">\n";
}

Element text_element(const std::string& name, const std::string& text) {
    Element e(name);
    e.text = text;
    return e;
}

}  // namespace territoire::xml
