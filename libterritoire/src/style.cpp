// style.cpp — palette and classes shared by every deliverable (style.hpp).
#include "style.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

namespace territoire::style {

std::string Rgb::hex() const {
    char buf[8];
    std::snprintf(buf, sizeof buf, "#%02x%02x%02x", r, g, b);
    return buf;
}

const std::vector<Rgb>& category_palette() {
    // ColorBrewer (Cynthia Brewer, Penn State), qualitative schemes Set1 then Dark2.
    static const std::vector<Rgb> palette{
        {228, 26, 28},  {55, 126, 184}, {77, 175, 74},  {152, 78, 163}, {255, 127, 0},  {255, 255, 51},
        {166, 86, 40},  {247, 129, 191}, {153, 153, 153}, {27, 158, 119}, {217, 95, 2},   {117, 112, 179},
        {231, 41, 138}, {102, 166, 30}, {230, 171, 2},  {166, 118, 29}, {102, 102, 102},
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
        const auto ramp = sequential_ramp(3);
        c.colours = n == 2 ? std::vector<Rgb>{ramp[0], ramp[2]} : std::vector<Rgb>{ramp[1]};
    }
    return c;
}

}  // namespace territoire::style
