// sheets_map.hpp — the map excerpts of the HTML sheets: small inline SVG drawings of the territory,
// an area, actors and places, in the working CRS (projected, metres). Internal.
#pragma once

#include <string>
#include <vector>

#include "territoire/model.hpp"

namespace territoire::sheets {

/// Rings of the polygons of a (Multi)Polygon WKB, either byte order; other geometry types give
/// nothing. A ring is a list of points, the first one repeated at the end.
using Ring = std::vector<Point>;
std::vector<Ring> rings_of(const Wkb& wkb);

struct Box {
    double minx = 0, miny = 0, maxx = 0, maxy = 0;
    bool empty = true;
    void add(const Point& p);
};
Box box_of(const std::vector<Ring>& rings);

/// An SVG drawing of a box of the map, at most `max_width` × `max_height` pixels with the box's
/// proportions, north up.
class SvgMap {
public:
    SvgMap(Box box, double max_width, double max_height);

    /// Polygons as one path, simplified to the pixel (vertices closer than 0.75 px to the previous
    /// kept one are dropped). `path_data` gives the same `d` attribute for re-use in other maps of
    /// the same frame.
    std::string path_data(const std::vector<Ring>& rings) const;
    void path(const std::string& d, const std::string& fill, const std::string& stroke, double stroke_width,
              const std::string& css_class = "");
    void circle(const Point& p, double radius, const std::string& fill);
    void square(const Point& p, double side, const std::string& fill);
    void line(const Point& a, const Point& b, const std::string& stroke, double width);
    /// A grey name centred on `p`, with a white halo (escaped).
    void label(const Point& p, const std::string& text);

    /// The whole <svg> element, with a <title> (escaped) for screen readers.
    std::string svg(const std::string& title) const;

private:
    Box box_;
    double scale_ = 1, width_ = 0, height_ = 0;
    std::string body_;
    Point px(const Point& p) const;
};

}  // namespace territoire::sheets
