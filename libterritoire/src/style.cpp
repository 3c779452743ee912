// style.cpp — palette and classes shared by every deliverable (style.hpp).
#include "style.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>
#include <string>

namespace territoire::style {

std::string Rgb::hex() const {
    char buf[8];
    std::snprintf(buf, sizeof buf, "#%02x%02x%02x", r, g, b);
    return buf;
}

const std::vector<Rgb>& category_palette() {
    // ColorBrewer (Cynthia Brewer, Penn State), qualitative schemes Set1 then Dark2, without their
    // yellow (invisible on a light background) and greys (grey means "non renseigné").
    static const std::vector<Rgb> palette{
        {228, 26, 28},  {55, 126, 184}, {77, 175, 74},  {152, 78, 163}, {255, 127, 0},  {166, 86, 40},
        {247, 129, 191}, {27, 158, 119}, {217, 95, 2},  {117, 112, 179}, {231, 41, 138}, {102, 166, 30},
        {230, 171, 2},  {166, 118, 29},
    };
    return palette;
}

std::map<std::string, Rgb> category_colours(const std::vector<std::string>& categories) {
    std::map<std::string, Rgb> out;
    std::size_t next = 0;
    for (const auto& c : std::set<std::string>(categories.begin(), categories.end())) {
        if (c == "non renseigné") {
            out[c] = kNoData;
            continue;
        }
        out[c] = category_palette()[next++ % category_palette().size()];
    }
    return out;
}

std::vector<Rgb> sequential_ramp(int classes) {
    // ColorBrewer YlOrRd, 3 to 7 classes.
    static const std::map<int, std::vector<Rgb>> ramps{
        {3, {{255, 237, 160}, {254, 178, 76}, {240, 59, 32}}},
        {4, {{255, 255, 178}, {254, 204, 92}, {253, 141, 60}, {227, 26, 28}}},
        {5, {{255, 255, 178}, {254, 204, 92}, {253, 141, 60}, {240, 59, 32}, {189, 0, 38}}},
        {6, {{255, 255, 178}, {254, 217, 118}, {254, 178, 76}, {253, 141, 60}, {240, 59, 32}, {189, 0, 38}}},
        {7, {{255, 255, 178}, {254, 217, 118}, {254, 178, 76}, {253, 141, 60}, {252, 78, 42}, {227, 26, 28}, {177, 0, 38}}},
    };
    return ramps.at(std::clamp(classes, 3, 7));
}

std::vector<double> quantile_breaks(std::vector<double> values, int classes) {
    values.erase(std::remove_if(values.begin(), values.end(), [](double v) { return !std::isfinite(v); }), values.end());
    std::vector<double> out;
    if (values.empty() || classes < 1) return out;
    std::sort(values.begin(), values.end());
    // Upper bound of class i: the value at rank ceil((i+1)·n/k) - 1 (type-1 quantile, no interpolation:
    // every bound is a value of the data).
    const std::size_t n = values.size();
    for (int i = 1; i <= classes; ++i) {
        const std::size_t rank = (static_cast<std::size_t>(i) * n + static_cast<std::size_t>(classes) - 1) / static_cast<std::size_t>(classes);
        const double bound = values[std::max<std::size_t>(rank, 1) - 1];
        if (out.empty() || bound > out.back()) out.push_back(bound);
    }
    return out;
}

Classes choropleth_classes(const std::vector<double>& values) {
    Classes c;
    std::vector<double> finite, positive;
    for (double v : values)
        if (std::isfinite(v)) {
            finite.push_back(v);
            if (v > 0) positive.push_back(v);
        }
    if (finite.empty()) return c;
    c.min = *std::min_element(finite.begin(), finite.end());
    c.integers = std::all_of(finite.begin(), finite.end(), [](double v) { return v == std::floor(v); });
    c.decimals = c.integers ? 0 : *std::max_element(finite.begin(), finite.end()) >= 10 ? 1 : 2;
    const bool zero_class = c.min == 0 && !positive.empty();
    if (zero_class) {
        c.upper.push_back(0);
        for (double b : quantile_breaks(positive, 4)) c.upper.push_back(b);
    } else {
        c.upper = quantile_breaks(finite, 5);
    }
    const std::size_t n = c.upper.size();
    if (n >= 3) {
        c.colours = sequential_ramp(static_cast<int>(n));
    } else {
        // Two classes: the ends of the 3-colour ramp; one: its middle, or its lightest colour
        // when every value is 0 (nothing to show must not look like something).
        const auto ramp = sequential_ramp(3);
        c.colours = n == 2 ? std::vector<Rgb>{ramp[0], ramp[2]} : std::vector<Rgb>{c.upper[0] == 0 ? ramp[0] : ramp[1]};
    }
    return c;
}

AreaIndicator area_indicator(const Diagnostic& d) {
    AreaIndicator i;
    i.actors = std::any_of(d.actors.begin(), d.actors.end(), [](const Actor& a) { return !a.area_id.empty(); }) ||
               std::none_of(d.places.begin(), d.places.end(), [](const Place& p) { return !p.area_id.empty(); });
    i.per_inhabitants = std::any_of(d.areas.begin(), d.areas.end(), [](const Area& a) { return a.population && *a.population > 0; });
    i.field = i.actors ? (i.per_inhabitants ? "actors_per_10k" : "n_actors") : (i.per_inhabitants ? "places_per_10k" : "n_places");
    return i;
}

std::string french_number(double v, int decimals) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);  // the library runs in the C locale (CLocaleScope)
    std::string s = buf;
    const bool negative = s[0] == '-';
    if (negative) s.erase(0, 1);
    const auto dot = s.find('.');
    const std::string integer = s.substr(0, dot);
    std::string out;
    for (std::size_t i = 0; i < integer.size(); ++i) {
        if (i > 0 && (integer.size() - i) % 3 == 0) out += "\u00a0";
        out += integer[i];
    }
    if (dot != std::string::npos) out += "," + s.substr(dot + 1);
    const bool zero = s.find_first_not_of("0.") == std::string::npos;
    return (negative && !zero ? "-" : "") + out;
}

std::vector<std::string> class_labels(const Classes& c) {
    std::vector<std::string> out;
    auto num = [&](double v) { return french_number(v, c.decimals); };
    for (std::size_t k = 0; k < c.upper.size(); ++k) {
        const double hi = c.upper[k];
        if (k == 0) {
            out.push_back(c.min == hi ? num(hi) : "de " + num(c.min) + " à " + num(hi));
        } else if (c.integers) {
            const double lo = c.upper[k - 1] + 1;
            out.push_back(lo == hi ? num(hi) : "de " + num(lo) + " à " + num(hi));
        } else {
            out.push_back("plus de " + num(c.upper[k - 1]) + " à " + num(hi));
        }
    }
    return out;
}

}  // namespace territoire::style
