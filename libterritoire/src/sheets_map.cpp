// sheets_map.cpp — inline SVG map excerpts of the HTML sheets (sheets_map.hpp).
#include "sheets_map.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>

#include "html_template.hpp"

namespace territoire::sheets {

namespace {

// Sequential reader of WKB; every read is bounds-checked (a short buffer stops the reading).
struct WkbReader {
    const Wkb& wkb;
    std::size_t pos = 0;
    bool little = true;
    bool ok = true;

    std::uint32_t u32() {
        if (pos + 4 > wkb.size()) return ok = false, 0;
        std::uint32_t v = 0;
        for (int i = 0; i < 4; ++i) {
            const std::uint32_t byte = wkb[pos + static_cast<std::size_t>(little ? i : 3 - i)];
            v |= byte << (8 * i);
        }
        pos += 4;
        return v;
    }
    double f64() {
        if (pos + 8 > wkb.size()) return ok = false, 0.0;
        unsigned char b[8];
        for (int i = 0; i < 8; ++i) b[i] = wkb[pos + static_cast<std::size_t>(little ? i : 7 - i)];
        pos += 8;
        std::uint64_t bits = 0;
        for (int i = 7; i >= 0; --i) bits = (bits << 8) | b[i];
        double v;
        std::memcpy(&v, &bits, sizeof v);
        return v;
    }
    // Byte order and type of the next geometry; the type without its Z/M thousands.
    std::uint32_t header(int& dims) {
        if (pos >= wkb.size()) return ok = false, 0;
        little = wkb[pos++] == 1;
        const std::uint32_t type = u32();
        dims = 2 + (type / 1000 == 1 || type / 1000 == 2) + (type / 1000 == 3) * 2;
        return type % 1000;
    }
    void polygon(int dims, std::vector<Ring>& out) {
        const std::uint32_t rings = u32();
        for (std::uint32_t r = 0; ok && r < rings; ++r) {
            const std::uint32_t n = u32();
            if (!ok || n > (wkb.size() - pos) / 16) return void(ok = false);
            Ring ring;
            ring.reserve(n);
            for (std::uint32_t i = 0; i < n; ++i) {
                const double x = f64(), y = f64();
                for (int extra = 2; extra < dims; ++extra) f64();
                ring.push_back({x, y});
            }
            out.push_back(std::move(ring));
        }
    }
};

}  // namespace

std::vector<Ring> rings_of(const Wkb& wkb) {
    std::vector<Ring> out;
    WkbReader r{wkb};
    int dims = 2;
    const std::uint32_t type = r.header(dims);
    if (type == 3) {
        r.polygon(dims, out);
    } else if (type == 6) {
        const std::uint32_t n = r.u32();
        for (std::uint32_t i = 0; r.ok && i < n; ++i) {
            int part_dims = 2;
            if (r.header(part_dims) == 3) r.polygon(part_dims, out);
        }
    }
    return out;
}

void Box::add(const Point& p) {
    if (empty) {
        minx = maxx = p.x;
        miny = maxy = p.y;
        empty = false;
        return;
    }
    minx = std::min(minx, p.x);
    maxx = std::max(maxx, p.x);
    miny = std::min(miny, p.y);
    maxy = std::max(maxy, p.y);
}

Box box_of(const std::vector<Ring>& rings) {
    Box b;
    for (const auto& ring : rings)
        for (const auto& p : ring) b.add(p);
    return b;
}

SvgMap::SvgMap(Box box, double max_width, double max_height) : box_(box) {
    if (box_.empty) box_.add({0, 0});
    // A point or a line has no extent: give the frame one (1 km) so that it can still be drawn.
    const double min_extent = 1000;
    const double cx = (box_.minx + box_.maxx) / 2, cy = (box_.miny + box_.maxy) / 2;
    const double w = std::max(box_.maxx - box_.minx, min_extent), h = std::max(box_.maxy - box_.miny, min_extent);
    // 4 % of margin around the box so that markers on the edge stay whole.
    box_ = {cx - w * 0.54, cy - h * 0.54, cx + w * 0.54, cy + h * 0.54, false};
    scale_ = std::min(max_width / (box_.maxx - box_.minx), max_height / (box_.maxy - box_.miny));
    width_ = std::round((box_.maxx - box_.minx) * scale_);
    height_ = std::round((box_.maxy - box_.miny) * scale_);
}

Point SvgMap::px(const Point& p) const { return {(p.x - box_.minx) * scale_, (box_.maxy - p.y) * scale_}; }

namespace {
std::string num(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", v);
    std::string s = buf;
    if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) s.resize(s.size() - 2);
    return s == "-0" ? "0" : s;
}
}  // namespace

std::string SvgMap::path_data(const std::vector<Ring>& rings) const {
    std::string d;
    for (const auto& ring : rings) {
        std::vector<Point> kept;
        for (const auto& p : ring) {
            const Point q = px(p);
            if (kept.empty() || std::hypot(q.x - kept.back().x, q.y - kept.back().y) >= 0.75) kept.push_back(q);
        }
        if (kept.size() < 3) continue;  // smaller than a pixel: invisible at this scale
        d += 'M';
        for (std::size_t i = 0; i < kept.size(); ++i) d += (i ? " " : "") + num(kept[i].x) + " " + num(kept[i].y);
        d += 'Z';
    }
    return d;
}

void SvgMap::path(const std::string& d, const std::string& fill, const std::string& stroke, double stroke_width,
                  const std::string& css_class) {
    if (d.empty()) return;
    body_ += "<path" + (css_class.empty() ? std::string() : " class=\"" + css_class + "\"") + " d=\"" + d +
             "\" fill=\"" + fill + "\" stroke=\"" + stroke + "\" stroke-width=\"" + num(stroke_width) +
             "\" fill-rule=\"evenodd\" stroke-linejoin=\"round\"/>";
}

void SvgMap::circle(const Point& p, double radius, const std::string& fill) {
    const Point q = px(p);
    body_ += "<circle cx=\"" + num(q.x) + "\" cy=\"" + num(q.y) + "\" r=\"" + num(radius) + "\" fill=\"" + fill +
             "\" stroke=\"#ffffff\" stroke-width=\"1\"/>";
}

void SvgMap::square(const Point& p, double side, const std::string& fill) {
    const Point q = px(p);
    body_ += "<rect x=\"" + num(q.x - side / 2) + "\" y=\"" + num(q.y - side / 2) + "\" width=\"" + num(side) +
             "\" height=\"" + num(side) + "\" fill=\"" + fill + "\" stroke=\"#333333\" stroke-width=\"0.8\"/>";
}

void SvgMap::line(const Point& a, const Point& b, const std::string& stroke, double width) {
    const Point p = px(a), q = px(b);
    body_ += "<line x1=\"" + num(p.x) + "\" y1=\"" + num(p.y) + "\" x2=\"" + num(q.x) + "\" y2=\"" + num(q.y) +
             "\" stroke=\"" + stroke + "\" stroke-width=\"" + num(width) + "\" stroke-opacity=\"0.6\"/>";
}

void SvgMap::label(const Point& p, const std::string& text) {
    const Point q = px(p);
    body_ += "<text x=\"" + num(q.x) + "\" y=\"" + num(q.y) +
             "\" font-size=\"11\" font-family=\"DejaVu Sans, Arial, sans-serif\" fill=\"#555555\" text-anchor=\"middle\" "
             "stroke=\"#ffffff\" stroke-width=\"3\" paint-order=\"stroke\">" + escape_html(text) + "</text>";
}

std::string SvgMap::svg(const std::string& title) const {
    return "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"carte\" role=\"img\" viewBox=\"0 0 " + num(width_) + " " +
           num(height_) + "\" width=\"" + num(width_) + "\" height=\"" + num(height_) + "\"><title>" + escape_html(title) +
           "</title>" + body_ + "</svg>";
}

}  // namespace territoire::sheets
