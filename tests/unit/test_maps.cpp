// test_maps.cpp — the rendered maps (maps.cpp, render.cpp) on a hand-made diagnostic: which maps
// are written for which data, A4 sizes, the legend's French labels (no-break spaces before
// units and colons), notes about what is not drawn,
// no date in the PDF, same bytes twice.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <set>
#include <string>

#include "deliverables.hpp"
#include "detail/geos.hpp"
#include "render.hpp"
#include "territoire/error.hpp"

namespace fs = std::filesystem;
using namespace territoire;

namespace {

struct MapsDir {
    fs::path path;
    MapsDir() {
        static std::atomic<int> counter{0};
        path = fs::temp_directory_path() / ("territoire-maps-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
        fs::remove_all(path);
    }
    ~MapsDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

Wkb wkb_of(const std::string& wkt) {
    detail::GeosContext ctx;
    return detail::to_wkb(ctx, detail::from_wkt(ctx, wkt).get());
}

// Two 10 km × 10 km areas side by side in Lambert-93; 3 actors (one without location), 1 place,
// 2 links (one to the unlocated actor).
Diagnostic small_diagnostic() {
    Diagnostic d;
    d.project.name = "Essai <cartes> & légende";
    d.project.territory.name = "communes";
    d.project.areas.name = "communes";
    SourceSpec actors;
    actors.name = "acteurs";
    d.project.actors.push_back(actors);
    d.territory.geometry = wkb_of("MULTIPOLYGON(((400000 6600000,420000 6600000,420000 6610000,400000 6610000,400000 6600000)))");
    Area a{"A", "Aval", 20000.0, wkb_of("MULTIPOLYGON(((400000 6600000,410000 6600000,410000 6610000,400000 6610000,400000 6600000)))"), 100};
    Area b{"B", "Bourg", 5000.0, wkb_of("MULTIPOLYGON(((410000 6600000,420000 6600000,420000 6610000,410000 6610000,410000 6600000)))"), 100};
    d.areas = {a, b};
    d.actors.push_back({"a1", "Théâtre", "compagnie", Point{402000, 6605000}, "A", {}, {}, {}});
    d.actors.push_back({"a2", "Médiathèque", "lecture publique", Point{408000, 6605000}, "A", {}, {}, {}});
    d.actors.push_back({"a3", "Chorale", "compagnie", std::nullopt, "", {}, {}, {}});
    d.measures.resize(3);
    d.measures[0].degree = 2;
    d.measures[1].degree = 1;
    d.measures[2].degree = 1;
    d.places.push_back({"p1", "Salle des fêtes", "salle", std::nullopt, Point{415000, 6605000}, "B", {}, {}, {}});
    d.links.push_back({"a1", "a2", "", 2.0});
    d.links.push_back({"a1", "a3", "", 1.0});
    d.network.link_is_bridge = {true, true};
    d.network.communities = 1;
    return d;
}

std::set<std::string> names(const std::vector<fs::path>& paths) {
    std::set<std::string> out;
    for (const auto& p : paths) out.insert(p.filename().string());
    return out;
}

std::pair<unsigned, unsigned> png_size(const std::string& png) {
    REQUIRE(png.size() > 24);
    auto be32 = [&](std::size_t at) {
        return (static_cast<unsigned>(static_cast<unsigned char>(png[at])) << 24) | (static_cast<unsigned>(static_cast<unsigned char>(png[at + 1])) << 16) |
               (static_cast<unsigned>(static_cast<unsigned char>(png[at + 2])) << 8) | static_cast<unsigned>(static_cast<unsigned char>(png[at + 3]));
    };
    CHECK(png.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0);
    return {be32(16), be32(20)};
}

}  // namespace

TEST_CASE("maps: zones, acteurs-lieux and reseau in PNG, SVG and PDF, A4 portrait", "[maps]") {
    MapsDir dir;
    const auto written = write_maps(small_diagnostic(), dir.path);
    CHECK(names(written) == std::set<std::string>{"zones.png", "zones.svg", "zones.pdf", "acteurs-lieux.png", "acteurs-lieux.svg",
                                                  "acteurs-lieux.pdf", "reseau.png", "reseau.svg", "reseau.pdf"});
    for (const auto& p : written) CHECK(fs::file_size(p) > 1000);
    // nothing else, no temporary file
    CHECK(std::distance(fs::directory_iterator(dir.path), fs::directory_iterator{}) == 9);

    CHECK(png_size(read(dir.path / "zones.png")) == std::make_pair(2480u, 3508u));
    const std::string svg = read(dir.path / "zones.svg");
    CHECK_THAT(svg, Catch::Contains("width=\"210mm\" height=\"297mm\""));
    const std::string pdf = read(dir.path / "reseau.pdf");
    CHECK(pdf.rfind("%PDF-", 0) == 0);
    const std::regex page("/Type /Page\\b");
    CHECK(std::distance(std::sregex_iterator(pdf.begin(), pdf.end(), page), std::sregex_iterator()) == 1);
    CHECK(pdf.find("/CreationDate") == std::string::npos);
    CHECK(pdf.find("/Title") != std::string::npos);
}

TEST_CASE("maps: French legend of the choropleth per 10 000 inhabitants, escaped text, sources", "[maps]") {
    MapsDir dir;
    write_maps(small_diagnostic(), dir.path);
    const std::string svg = read(dir.path / "zones.svg");
    // A: 2 actors for 20 000 inh. = 1 per 10 000; B: none for 5 000 = 0 → "0" is a class of its own.
    CHECK_THAT(svg, Catch::Contains(">Acteurs pour 10\u00a0000 habitants</text>"));
    CHECK_THAT(svg, Catch::Contains(">0 (1\u00a0zone)</text>"));
    // Both rates are whole numbers (0 and 1): labels without decimals (style::class_labels).
    CHECK_THAT(svg, Catch::Contains(">1 (1\u00a0zone)</text>"));
    CHECK_THAT(svg, Catch::Contains("Essai &lt;cartes&gt; &amp; légende"));
    CHECK_THAT(svg, Catch::Contains(">Sources\u00a0: communes, acteurs — carte produite avec libterritoire 0.1.0</text>"));
    CHECK_THAT(svg, Catch::Contains(">1\u00a0acteur sans zone (non localisé ou hors des zones) n&apos;est pas compté.</text>"));
    CHECK_THAT(svg, Catch::Contains(">N</text>"));
    CHECK_THAT(svg, Catch::Contains(">5\u00a0km</text>"));  // 20 km wide territory: a round 5 km bar

    const std::string places = read(dir.path / "acteurs-lieux.svg");
    CHECK_THAT(places, Catch::Contains(">compagnie (2)</text>"));
    CHECK_THAT(places, Catch::Contains(">lecture publique (1)</text>"));
    CHECK_THAT(places, Catch::Contains(">salle (1)</text>"));
    // the colours of style::category_colours: "compagnie" first in byte order, red; "lecture publique" blue
    CHECK_THAT(places, Catch::Contains("fill=\"#e41a1c\""));
    CHECK_THAT(places, Catch::Contains("fill=\"#377eb8\""));

    const std::string network = read(dir.path / "reseau.svg");
    CHECK_THAT(network, Catch::Contains(">Réseau de coopération</text>"));
    CHECK_THAT(network, Catch::Contains(">1\u00a0lien n&apos;est pas tracé\u00a0: un de ses acteurs n&apos;est pas localisé.</text>"));
    CHECK_THAT(network, Catch::Contains("pont\u00a0: sans ce lien, le réseau se coupe (1)"));
}

TEST_CASE("maps: only the zones map without places, actors or links, earlier maps removed", "[maps]") {
    Diagnostic d = small_diagnostic();
    d.actors.clear();
    d.measures.clear();
    d.places.clear();
    d.links.clear();
    d.network.link_is_bridge.clear();
    MapsDir dir;
    write_maps(small_diagnostic(), dir.path);  // an earlier run with every map
    CHECK(names(write_maps(d, dir.path)) == std::set<std::string>{"zones.png", "zones.svg", "zones.pdf"});
    CHECK_THAT(read(dir.path / "zones.svg"), Catch::Contains(">0 (2\u00a0zones)</text>"));
    // the maps of the earlier run this one has no data for are gone
    CHECK(std::distance(fs::directory_iterator(dir.path), fs::directory_iterator{}) == 3);
}

TEST_CASE("maps: the same diagnostic gives the same bytes", "[maps]") {
    MapsDir one, two;
    const Diagnostic d = small_diagnostic();
    write_maps(d, one.path);
    write_maps(d, two.path);
    for (const char* f : {"zones.png", "zones.svg", "zones.pdf", "reseau.pdf"}) {
        INFO(f);
        CHECK(read(one.path / f) == read(two.path / f));
    }
}

TEST_CASE("maps: a folder that cannot be created is an OutputError naming it", "[maps]") {
    MapsDir dir;
    fs::create_directories(dir.path);
    std::ofstream(dir.path / "fichier") << "x";
    try {
        write_maps(small_diagnostic(), dir.path / "fichier" / "maps");
        FAIL("no error");
    } catch (const OutputError& e) {
        CHECK_THAT(e.what(), Catch::Contains("fichier/maps"));
    }
}

TEST_CASE("render: text measured with DejaVu Sans grows with size and weight", "[maps]") {
    const double normal = render::text_width("Réseau de coopération", 10, false);
    CHECK(normal > 50);
    CHECK(render::text_width("Réseau de coopération", 20, false) == Approx(2 * normal).epsilon(0.01));
    CHECK(render::text_width("Réseau de coopération", 10, true) > normal);
}

TEST_CASE("style: one choropleth classification for maps, sheets and QGIS", "[style]") {
    using territoire::style::choropleth_classes;
    // Zeros and positives: 0 alone, then quantiles of the positives.
    const auto z = choropleth_classes({0, 0, 0, 0, 1, 1, 2, 3, 5, 8});
    CHECK(z.upper.front() == 0);
    CHECK(z.upper.back() == 8);
    CHECK(z.upper.size() == z.colours.size());
    CHECK(z.min == 0);
    // Without zeros: 5 classes of the ramp.
    const auto q = choropleth_classes({1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
    CHECK(q.upper == std::vector<double>{2, 4, 6, 8, 10});
    CHECK(q.colours.size() == 5);
    // One distinct value: one class, the middle colour of the 3-colour ramp; no value: no class.
    CHECK(choropleth_classes({3, 3, 3}).colours.size() == 1);
    CHECK(choropleth_classes({}).upper.empty());
}

TEST_CASE("maps: the acces map from access_grid, fixed minute classes and « au-delà », removed without it", "[maps]") {
    Diagnostic d = small_diagnostic();
    d.project.access.max_minutes = 12;  // classes: 5, 10, then 12
    d.project.network = NetworkSpec{};
    d.project.network->source.name = "rues";
    Table grid{"access_grid", "Accessibilité par carreau", "", GeometryType::point, {}, {}, {}};
    grid.fields = {{"cell_id", FieldType::text, "Carreau"},
                   {"population", FieldType::real, "Population"},
                   {"distance_mode", FieldType::text, "Distances"},
                   {"time_min_salle", FieldType::real, "Temps à pied (min) : salle"}};
    grid.rows = {{std::string("c1"), 100.0, std::string("reseau"), 3.0},
                 {std::string("c2"), 50.0, std::string("reseau"), 11.0},
                 {std::string("c3"), 20.0, std::string("reseau"), Value()}};  // nothing within 12 min
    grid.geometries = {wkb_of("POINT(414000 6605000)"), wkb_of("POINT(416000 6602000)"), wkb_of("POINT(402000 6601000)")};
    d.tables.push_back(grid);
    MapsDir dir;
    CHECK(names(write_maps(d, dir.path)).count("acces.svg") == 1);
    const std::string svg = read(dir.path / "acces.svg");
    CHECK_THAT(svg, Catch::Contains(">Temps à pied\u00a0: salle (réseau de rues)</text>"));
    CHECK_THAT(svg, Catch::Contains(">5\u00a0min ou moins (100\u00a0hab., 1\u00a0carreau)</text>"));
    CHECK_THAT(svg, Catch::Contains(">plus de 5 à 10\u00a0min (0\u00a0hab., 0\u00a0carreau)</text>"));
    CHECK_THAT(svg, Catch::Contains(">plus de 10 à 12\u00a0min (50\u00a0hab., 1\u00a0carreau)</text>"));
    CHECK_THAT(svg, Catch::Contains(">au-delà de 12\u00a0min (20\u00a0hab., 1\u00a0carreau)</text>"));
    CHECK_THAT(svg, Catch::Contains(">salle (1)</text>"));
    CHECK_THAT(svg, Catch::Contains("rues — carte produite"));
    CHECK_THAT(svg, Catch::Contains("fill=\"#54278f\""));  // the « au-delà » purple
    // 3 classes: the 3-colour YlOrRd ramp
    for (const char* colour : {"#ffeda0", "#f03b20"}) CHECK_THAT(svg, Catch::Contains(std::string("fill=\"") + colour + "\""));
    // a later run without access measures removes the map
    CHECK(names(write_maps(small_diagnostic(), dir.path)).count("acces.svg") == 0);
    CHECK_FALSE(fs::exists(dir.path / "acces.png"));
}
