// render.hpp — a small display list for the rendered maps (maps.cpp): page-space shapes and text
// laid out once, then written three ways: PNG and PDF through Cairo, SVG by hand so that its text
// stays text (searchable, editable in Inkscape). Page units are PostScript points (1/72 in), y down.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "style.hpp"

namespace territoire::render {

struct Pt {
    double x = 0;
    double y = 0;
};

struct Paint {
    style::Rgb colour;
    double opacity = 1;
};

struct Stroke {
    style::Rgb colour;
    double width = 1;
    double opacity = 1;
    bool round = false;  ///< round caps and joins (links), else butt/miter
};

enum class Anchor { start, middle, end };

/// One drawable thing. Paths are closed rings filled with the even-odd rule (holes) or, when
/// `closed` is false, open polylines; circles use `centre` and `radius`.
struct Item {
    enum class Kind { path, circle, text } kind = Kind::path;
    std::vector<std::vector<Pt>> rings;
    bool closed = true;
    Pt centre;
    double radius = 0;
    std::optional<Paint> fill;
    std::optional<Stroke> stroke;
    std::string text;  ///< UTF-8
    double font_size = 10;
    bool bold = false;
    Anchor anchor = Anchor::start;
    std::string group;  ///< SVG group id the item belongs to ("carte", "legende"…)
};

/// A page and what is drawn on it, in order.
class Scene {
public:
    Scene(double width_pt, double height_pt, std::string title);

    double width() const { return width_; }
    double height() const { return height_; }
    const std::string& title() const { return title_; }
    const std::vector<Item>& items() const { return items_; }

    /// Items added from now on belong to SVG group `id`.
    void group(const std::string& id) { group_ = id; }

    void polygon(std::vector<std::vector<Pt>> rings, std::optional<Paint> fill, std::optional<Stroke> stroke);
    void polyline(std::vector<Pt> points, Stroke stroke);
    void rect(double x, double y, double w, double h, std::optional<Paint> fill, std::optional<Stroke> stroke);
    void circle(Pt centre, double radius, std::optional<Paint> fill, std::optional<Stroke> stroke);
    void text(Pt baseline, const std::string& utf8, double size, bool bold, style::Rgb colour,
              Anchor anchor = Anchor::start);

private:
    void add(Item it);  ///< in the current group

    double width_, height_;
    std::string title_;
    std::string group_;
    std::vector<Item> items_;
};

/// Advance width of `utf8` in DejaVu Sans at `size` points (Cairo's toy text API, unhinted
/// metrics, as used to draw it).
double text_width(const std::string& utf8, double size, bool bold);

/// The font every backend draws with.
constexpr const char* kFontFamily = "DejaVu Sans";

/// Encodes the scene as PNG at `dpi` (white background, RGB). The encoders throw
/// std::runtime_error with Cairo's message; the caller names the file.
std::string to_png(const Scene& scene, double dpi);
/// Encodes the scene as a one-page PDF (title and creator set, no creation date).
std::string to_pdf(const Scene& scene, const std::string& creator);
/// Writes the scene as SVG 1.1 with real text elements; size in millimetres, viewBox in points.
std::string to_svg(const Scene& scene);

/// Writes `bytes` to `target` under a temporary name in the same folder, then renames it.
/// Throws OutputError naming `target`.
void write_file(const std::filesystem::path& target, const std::string& bytes);

}  // namespace territoire::render
