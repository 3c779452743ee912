// render.cpp — the maps' display list and its three encodings (render.hpp).
#include "render.hpp"

#include <cairo-pdf.h>
#include <cairo.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>

#include "output_file.hpp"
#include "territoire/error.hpp"
#include "xml_builder.hpp"

namespace territoire::render {

Scene::Scene(double width_pt, double height_pt, std::string title)
    : width_(width_pt), height_(height_pt), title_(std::move(title)) {}

void Scene::add(Item it) {
    it.group = group_;
    items_.push_back(std::move(it));
}

void Scene::polygon(std::vector<std::vector<Pt>> rings, std::optional<Paint> fill, std::optional<Stroke> stroke) {
    Item it;
    it.rings = std::move(rings);
    it.fill = fill;
    it.stroke = stroke;
    add(std::move(it));
}

void Scene::polyline(std::vector<Pt> points, Stroke stroke) {
    Item it;
    it.rings.push_back(std::move(points));
    it.closed = false;
    it.stroke = stroke;
    add(std::move(it));
}

void Scene::rect(double x, double y, double w, double h, std::optional<Paint> fill, std::optional<Stroke> stroke) {
    polygon({{{x, y}, {x + w, y}, {x + w, y + h}, {x, y + h}}}, fill, stroke);
}

void Scene::circle(Pt centre, double radius, std::optional<Paint> fill, std::optional<Stroke> stroke) {
    Item it;
    it.kind = Item::Kind::circle;
    it.centre = centre;
    it.radius = radius;
    it.fill = fill;
    it.stroke = stroke;
    add(std::move(it));
}

void Scene::text(Pt baseline, const std::string& utf8, double size, bool bold, style::Rgb colour, Anchor anchor) {
    Item it;
    it.kind = Item::Kind::text;
    it.centre = baseline;
    it.text = utf8;
    it.font_size = size;
    it.bold = bold;
    it.fill = Paint{colour, 1};
    it.anchor = anchor;
    add(std::move(it));
}

namespace {

struct SurfaceDeleter {
    void operator()(cairo_surface_t* s) const noexcept { cairo_surface_destroy(s); }
};
struct ContextDeleter {
    void operator()(cairo_t* c) const noexcept { cairo_destroy(c); }
};
using SurfacePtr = std::unique_ptr<cairo_surface_t, SurfaceDeleter>;
using ContextPtr = std::unique_ptr<cairo_t, ContextDeleter>;

// Same font and unhinted metrics for measuring and drawing, so layout does not depend on the
// output resolution.
void select_font(cairo_t* cr, double size, bool bold) {
    cairo_select_font_face(cr, kFontFamily, CAIRO_FONT_SLANT_NORMAL, bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
    cairo_font_options_t* opts = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(opts, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(opts, CAIRO_HINT_STYLE_NONE);
    cairo_set_font_options(cr, opts);
    cairo_font_options_destroy(opts);
}

void set_colour(cairo_t* cr, style::Rgb c, double opacity) {
    cairo_set_source_rgba(cr, c.r / 255.0, c.g / 255.0, c.b / 255.0, opacity);
}

void draw(cairo_t* cr, const Scene& scene) {
    set_colour(cr, {255, 255, 255}, 1);
    cairo_paint(cr);
    for (const Item& it : scene.items()) {
        cairo_new_path(cr);
        if (it.kind == Item::Kind::text) {
            select_font(cr, it.font_size, it.bold);
            cairo_text_extents_t ext;
            cairo_text_extents(cr, it.text.c_str(), &ext);
            double x = it.centre.x;
            if (it.anchor == Anchor::middle) x -= ext.x_advance / 2;
            if (it.anchor == Anchor::end) x -= ext.x_advance;
            cairo_move_to(cr, x, it.centre.y);
            set_colour(cr, it.fill->colour, it.fill->opacity);
            cairo_show_text(cr, it.text.c_str());
            continue;
        }
        if (it.kind == Item::Kind::circle) {
            cairo_arc(cr, it.centre.x, it.centre.y, it.radius, 0, 2 * M_PI);
        } else {
            for (const auto& ring : it.rings) {
                if (ring.empty()) continue;
                cairo_move_to(cr, ring[0].x, ring[0].y);
                for (std::size_t i = 1; i < ring.size(); ++i) cairo_line_to(cr, ring[i].x, ring[i].y);
                if (it.closed) cairo_close_path(cr);
            }
        }
        cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
        if (it.fill) {
            set_colour(cr, it.fill->colour, it.fill->opacity);
            if (it.stroke) cairo_fill_preserve(cr);
            else cairo_fill(cr);
        }
        if (it.stroke) {
            set_colour(cr, it.stroke->colour, it.stroke->opacity);
            cairo_set_line_width(cr, it.stroke->width);
            cairo_set_line_cap(cr, it.stroke->round ? CAIRO_LINE_CAP_ROUND : CAIRO_LINE_CAP_BUTT);
            cairo_set_line_join(cr, it.stroke->round ? CAIRO_LINE_JOIN_ROUND : CAIRO_LINE_JOIN_MITER);
            cairo_stroke(cr);
        }
    }
}

cairo_status_t append(void* closure, const unsigned char* data, unsigned int length) {
    static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
    return CAIRO_STATUS_SUCCESS;
}

void check(cairo_status_t status, const char* what) {
    if (status != CAIRO_STATUS_SUCCESS) throw std::runtime_error(std::string("Cairo (") + what + ") : " + cairo_status_to_string(status));
}

// Numbers for SVG: at most 2 decimals, no trailing zeros, "." as decimal separator.
std::string num(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f", v);
    std::string s = buf;
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
    return s == "-0" ? "0" : s;
}


std::string svg_paint(const Item& it) {
    std::string out;
    if (it.fill) {
        out += " fill=\"" + it.fill->colour.hex() + "\"";
        if (it.fill->opacity < 1) out += " fill-opacity=\"" + num(it.fill->opacity) + "\"";
    } else {
        out += " fill=\"none\"";
    }
    if (it.stroke) {
        out += " stroke=\"" + it.stroke->colour.hex() + "\" stroke-width=\"" + num(it.stroke->width) + "\"";
        if (it.stroke->opacity < 1) out += " stroke-opacity=\"" + num(it.stroke->opacity) + "\"";
        if (it.stroke->round) out += " stroke-linecap=\"round\" stroke-linejoin=\"round\"";
    }
    return out;
}

}  // namespace

double text_width(const std::string& utf8, double size, bool bold) {
    static thread_local SurfacePtr surface(cairo_image_surface_create(CAIRO_FORMAT_A8, 1, 1));
    ContextPtr cr(cairo_create(surface.get()));
    select_font(cr.get(), size, bold);
    cairo_text_extents_t ext;
    cairo_text_extents(cr.get(), utf8.c_str(), &ext);
    return ext.x_advance;
}

std::string to_png(const Scene& scene, double dpi) {
    const double k = dpi / 72.0;
    const int w = static_cast<int>(std::lround(scene.width() * k));
    const int h = static_cast<int>(std::lround(scene.height() * k));
    SurfacePtr surface(cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h));
    check(cairo_surface_status(surface.get()), "image");
    {
        ContextPtr cr(cairo_create(surface.get()));
        cairo_scale(cr.get(), k, k);
        draw(cr.get(), scene);
        check(cairo_status(cr.get()), "dessin PNG");
    }
    std::string out;
    check(cairo_surface_write_to_png_stream(surface.get(), append, &out), "encodage PNG");
    return out;
}

std::string to_pdf(const Scene& scene, const std::string& creator) {
    std::string out;
    {
        SurfacePtr surface(cairo_pdf_surface_create_for_stream(append, &out, scene.width(), scene.height()));
        check(cairo_surface_status(surface.get()), "PDF");
        cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_TITLE, scene.title().c_str());
        cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATOR, creator.c_str());
        // Cairo 1.16 dates the file with the current time; an unparsable date leaves none.
        cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATE_DATE, "");
        ContextPtr cr(cairo_create(surface.get()));
        draw(cr.get(), scene);
        check(cairo_status(cr.get()), "dessin PDF");
        cr.reset();
        cairo_surface_finish(surface.get());
        check(cairo_surface_status(surface.get()), "écriture PDF");
    }
    return out;
}

std::string to_svg(const Scene& scene) {
    std::ostringstream s;
    s << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      << "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"" << num(scene.width() * 25.4 / 72) << "mm\" height=\""
      << num(scene.height() * 25.4 / 72) << "mm\" viewBox=\"0 0 " << num(scene.width()) << " " << num(scene.height()) << "\">\n"
      << "<title>" << xml::escape(scene.title()) << "</title>\n"
      << "<rect width=\"" << num(scene.width()) << "\" height=\"" << num(scene.height()) << "\" fill=\"#ffffff\"/>\n";
    std::string open_group;
    for (const Item& it : scene.items()) {
        if (it.group != open_group) {
            if (!open_group.empty()) s << "</g>\n";
            if (!it.group.empty()) s << "<g id=\"" << xml::escape(it.group) << "\">\n";
            open_group = it.group;
        }
        switch (it.kind) {
            case Item::Kind::text: {
                const char* anchor = it.anchor == Anchor::middle ? " text-anchor=\"middle\"" : it.anchor == Anchor::end ? " text-anchor=\"end\"" : "";
                s << "<text x=\"" << num(it.centre.x) << "\" y=\"" << num(it.centre.y) << "\" font-family=\"" << kFontFamily
                  << ", sans-serif\" font-size=\"" << num(it.font_size) << "\"" << (it.bold ? " font-weight=\"bold\"" : "") << anchor
                  << " fill=\"" << it.fill->colour.hex() << "\">" << xml::escape(it.text) << "</text>\n";
                break;
            }
            case Item::Kind::circle:
                s << "<circle cx=\"" << num(it.centre.x) << "\" cy=\"" << num(it.centre.y) << "\" r=\"" << num(it.radius) << "\""
                  << svg_paint(it) << "/>\n";
                break;
            case Item::Kind::path: {
                std::string d;
                for (const auto& ring : it.rings) {
                    for (std::size_t i = 0; i < ring.size(); ++i) d += (i == 0 ? "M" : "L") + num(ring[i].x) + " " + num(ring[i].y);
                    if (it.closed && !ring.empty()) d += "Z";
                }
                s << "<path d=\"" << d << "\"" << (it.closed && it.rings.size() > 1 ? " fill-rule=\"evenodd\"" : "") << svg_paint(it)
                  << "/>\n";
                break;
            }
        }
    }
    if (!open_group.empty()) s << "</g>\n";
    s << "</svg>\n";
    return s.str();
}

void write_file(const std::filesystem::path& target, const std::string& bytes) {
    const std::string tmp = temp_name(target);
    {
        std::ofstream f(tmp, std::ios::binary);
        f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        f.close();
        if (!f) {
            std::error_code ec;
            std::filesystem::remove(tmp, ec);
            throw OutputError(target.string() + " : écriture impossible");
        }
    }
    commit_file(tmp, target);
}

}  // namespace territoire::render
