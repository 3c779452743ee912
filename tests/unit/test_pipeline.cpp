// test_pipeline.cpp — load_project + analyse + deliver on a tiny project written to a temporary
// folder: three square communes near Niort (EPSG:4326), places with x/y, actors with a "lat, lon"
// column and a double BOM, links with a duplicate reversed pair, a self-loop and an unknown id.
// Then bad inputs: each error message (French) names what the user must fix.
#include <catch2/catch.hpp>

#include <gdal.h>
#include <ogr_api.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "territoire/error.hpp"
#include "territoire/pipeline.hpp"
#include "territoire/project.hpp"

namespace fs = std::filesystem;
using namespace territoire;

namespace {

// A fresh folder under the system temporary directory, removed with everything in it.
struct TempDir {
    TempDir() {
        static std::atomic<int> counter{0};
        path = fs::temp_directory_path() / "territoire-unit-tests" /
               ("pipeline-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
        fs::remove_all(path);
        fs::create_directories(path);
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
        fs::remove(path.parent_path(), ec);  // only succeeds when empty
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    fs::path path;
};

void write_file(const fs::path& file, const std::string& bytes) {
    std::ofstream out(file, std::ios::binary);
    out << bytes;
    REQUIRE(out.good());
}

std::string square(double lon0, double lat0, double lon1, double lat1) {
    auto pt = [](double x, double y) { return "[" + std::to_string(x) + "," + std::to_string(y) + "]"; };
    return "[[" + pt(lon0, lat0) + "," + pt(lon1, lat0) + "," + pt(lon1, lat1) + "," + pt(lon0, lat1) + "," +
           pt(lon0, lat0) + "]]";
}

std::string commune(const std::string& code, const std::string& name, int population, double lon0) {
    return R"({"type":"Feature","properties":{"code":")" + code + R"(","nom":")" + name +
           R"(","population":)" + std::to_string(population) +
           R"(},"geometry":{"type":"Polygon","coordinates":)" + square(lon0, 46.31, lon0 + 0.02, 46.33) + "}}";
}

// Three communes side by side, each 0.02° × 0.02°: 79001 [-0.48, -0.46], 79002 [-0.46, -0.44],
// 79003 [-0.44, -0.42] in longitude, [46.31, 46.33] in latitude.
const std::string kCommunes = R"({"type":"FeatureCollection","features":[)" +
                              commune("79001", "Ouest", 1000, -0.48) + "," +
                              commune("79002", "Centre", 2500, -0.46) + "," +
                              commune("79003", "Est", 500, -0.44) + "]}";

// P1 in 79001; P2 without coordinates (line 3); P3 in Paris; P4 with decimal commas, in 79002.
const std::string kPlaces =
    "id;nom;type;lon;lat\n"
    "P1;Médiathèque Ouest;bibliothèque;-0.47;46.32\n"
    "P2;Musée sans coordonnées;musée;;\n"
    "P3;Louvre;musée;2.3376;48.8606\n"
    "P4;Salle Est;salle de spectacle;-0,45;46,325\n";

// Two UTF-8 BOMs; A1 in 79001, A2 in 79003, A3 without location (line 4), A4 in Paris.
const std::string kActors =
    "\xEF\xBB\xBF\xEF\xBB\xBF"
    "actor_id;nom;famille;position\n"
    "A1;Compagnie du Marais;spectacle vivant;46.32, -0.47\n"
    "A2;École de musique;musique;\"46.325, -0.43\"\n"
    "A3;Collectif sans adresse;arts visuels;\n"
    "A4;Ensemble parisien;musique;48.86, 2.34\n";

// Line 3 repeats line 2 reversed (weights 2 + 1.5); line 4 self-loop; line 5 unknown A9;
// line 6 A2-A3 without weight (1); line 7 to A4, dropped because outside the territory.
const std::string kLinks =
    "source,cible,type,poids\n"
    "A1,A2,partenariat,2\n"
    "A2,A1,coproduction,\"1,5\"\n"
    "A3,A3,partenariat,1\n"
    "A1,A9,partenariat,1\n"
    "A2,A3,réseau,\n"
    "A1,A4,partenariat,1\n";

const std::string kHead = R"([project]
name = "Test Niort"
)";

const std::string kBlocks = R"(
[territory]
path = "communes.geojson"

[areas]
path = "communes.geojson"
id_field = "code"
name_field = "nom"
population_field = "population"
)";

const std::string kPlacesBlock = R"(
[[places]]
path = "lieux.csv"
id_field = "id"
name_field = "nom"
kind_field = "type"
x_field = "lon"
y_field = "lat"
)";

const std::string kActorsBlock = R"(
[[actors]]
path = "acteurs.csv"
id_field = "actor_id"
name_field = "nom"
family_field = "famille"
latlon_field = "position"
)";

const std::string kLinksBlock = R"(
[links]
path = "liens.csv"
source_field = "source"
target_field = "cible"
kind_field = "type"
weight_field = "poids"
)";

// The tiny project's data files in `dir`; the project file is written by each test.
void write_data(const fs::path& dir) {
    write_file(dir / "communes.geojson", kCommunes);
    write_file(dir / "lieux.csv", kPlaces);
    write_file(dir / "acteurs.csv", kActors);
    write_file(dir / "liens.csv", kLinks);
}

fs::path write_project(const fs::path& dir, const std::string& toml) {
    const fs::path file = dir / "projet.toml";
    write_file(file, toml);
    return file;
}

Diagnostic analyse_file(const fs::path& project_file) { return analyse(load_project(project_file)); }

const SourceStats& stats_of(const Diagnostic& d, const std::string& block) {
    for (const auto& s : d.stats)
        if (s.block == block) return s;
    FAIL("no stats for block " << block);
    return d.stats.front();
}

std::vector<const Problem*> problems_of(const Diagnostic& d, const std::string& kind) {
    std::vector<const Problem*> out;
    for (const auto& p : d.problems.problems())
        if (p.kind == kind) out.push_back(&p);
    return out;
}

const Table& table_of(const Diagnostic& d, const std::string& name) {
    for (const auto& t : d.tables)
        if (t.name == name) return t;
    FAIL("no table " << name);
    return d.tables.front();
}

std::int64_t integer_cell(const Table& t, std::size_t row, const std::string& field) {
    const int k = t.field_index(field);
    REQUIRE(k >= 0);
    const Value& v = t.rows.at(row).at(static_cast<std::size_t>(k));
    REQUIRE(std::holds_alternative<std::int64_t>(v));
    return std::get<std::int64_t>(v);
}

// Runs `fn`, expecting an exception of type E; returns its message.
template <typename E, typename F>
std::string message_of(F&& fn) {
    try {
        fn();
    } catch (const E& e) {
        return e.what();
    } catch (const std::exception& e) {
        FAIL("wrong exception type, message: " << e.what());
    }
    FAIL("no exception thrown");
    return {};
}

// Every file under `dir` (recursively) whose name starts with '.'.
std::vector<std::string> hidden_files(const fs::path& dir) {
    std::vector<std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(dir))
        if (e.path().filename().string().rfind('.', 0) == 0) out.push_back(e.path().string());
    return out;
}

// Layer name → feature count of a vector dataset, read back with GDAL.
std::map<std::string, long long> layer_counts(const fs::path& file) {
    GDALAllRegister();
    std::map<std::string, long long> out;
    GDALDatasetH ds = GDALOpenEx(file.string().c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr);
    REQUIRE(ds != nullptr);
    for (int i = 0; i < GDALDatasetGetLayerCount(ds); ++i) {
        OGRLayerH layer = GDALDatasetGetLayer(ds, i);
        out[OGR_L_GetName(layer)] = static_cast<long long>(OGR_L_GetFeatureCount(layer, TRUE));
    }
    GDALClose(ds);
    return out;
}

}  // namespace

TEST_CASE("pipeline: the tiny Niort project — counts per source", "[pipeline]") {
    TempDir tmp;
    write_data(tmp.path);
    const Diagnostic d = analyse_file(write_project(tmp.path, kHead + kBlocks + kPlacesBlock + kActorsBlock + kLinksBlock));

    CHECK(d.project.name == "Test Niort");
    REQUIRE(d.areas.size() == 3);
    CHECK(d.areas[0].id == "79001");
    CHECK(d.areas[1].id == "79002");
    CHECK(d.areas[2].id == "79003");
    CHECK(d.areas[1].name == "Centre");
    REQUIRE(d.areas[1].population.has_value());
    CHECK(*d.areas[1].population == Approx(2500));
    // 0.02° × 0.02° at 46.32° N: about 1.54 km × 2.22 km ≈ 3.42 km² each.
    CHECK(d.areas[0].area_km2 == Approx(3.42).epsilon(0.02));
    CHECK(d.territory.area_km2 == Approx(3 * d.areas[0].area_km2).epsilon(0.01));

    const SourceStats& places = stats_of(d, "places[1]");
    CHECK(places.name == "lieux");
    CHECK(places.read == 4);
    CHECK(places.kept == 2);
    CHECK(places.outside == 1);
    CHECK(places.unlocated == 1);
    CHECK(places.rejected == 0);
    CHECK(places.assigned == 2);

    const SourceStats& actors = stats_of(d, "actors[1]");
    CHECK(actors.read == 4);
    CHECK(actors.kept == 3);  // the unlocated actor is kept, flagged
    CHECK(actors.outside == 1);
    CHECK(actors.unlocated == 1);
    CHECK(actors.assigned == 2);

    const SourceStats& links = stats_of(d, "links");
    CHECK(links.read == 6);
    CHECK(links.kept == 3);      // both rows of the duplicate pair, and A2-A3
    CHECK(links.rejected == 3);  // self-loop, unknown actor, actor outside

    CHECK(d.places.size() == 2);
    CHECK(d.actors.size() == 3);
    CHECK(d.links.size() == 2);
}

TEST_CASE("pipeline: places and actors are assigned to the commune that contains them", "[pipeline]") {
    TempDir tmp;
    write_data(tmp.path);
    const Diagnostic d = analyse_file(write_project(tmp.path, kHead + kBlocks + kPlacesBlock + kActorsBlock + kLinksBlock));

    REQUIRE(d.places.size() == 2);
    CHECK(d.places[0].id == "P1");
    CHECK(d.places[0].area_id == "79001");
    CHECK(d.places[0].kind == "bibliothèque");
    CHECK(d.places[0].provenance.source_ref == "ligne 2");
    CHECK(d.places[0].provenance.location_method == "coordinates");
    CHECK(d.places[1].id == "P4");  // decimal commas read
    CHECK(d.places[1].area_id == "79002");
    // Lambert-93 near Niort: x ≈ 430 000 m, y ≈ 6 580 000 m.
    CHECK(d.places[1].location.x == Approx(433000).margin(10000));
    CHECK(d.places[1].location.y == Approx(6588000).margin(15000));

    REQUIRE(d.actors.size() == 3);
    CHECK(d.actors[0].id == "A1");
    CHECK(d.actors[0].area_id == "79001");
    CHECK(d.actors[0].provenance.location_method == "latlon");
    CHECK(d.actors[1].id == "A2");
    CHECK(d.actors[1].name == "École de musique");
    CHECK(d.actors[1].area_id == "79003");
    CHECK(d.actors[2].id == "A3");
    CHECK_FALSE(d.actors[2].location.has_value());
    CHECK(d.actors[2].area_id.empty());
    CHECK(d.actors[2].provenance.location_method == "none");

    const Table& areas = table_of(d, "areas");
    REQUIRE(areas.rows.size() == 3);
    CHECK(integer_cell(areas, 0, "n_actors") == 1);
    CHECK(integer_cell(areas, 0, "n_places") == 1);
    CHECK(integer_cell(areas, 1, "n_actors") == 0);
    CHECK(integer_cell(areas, 1, "n_places") == 1);
    CHECK(integer_cell(areas, 2, "n_actors") == 1);
    CHECK(integer_cell(areas, 0, "n_places_bibliotheque") == 1);
    CHECK(integer_cell(areas, 1, "n_places_salle_de_spectacle") == 1);
    // A1 (79001) – A2 (79003) crosses communes; A2 – A3 has an unlocated end: counted nowhere.
    CHECK(integer_cell(areas, 0, "n_links_across") == 1);
    CHECK(integer_cell(areas, 2, "n_links_across") == 1);
    CHECK(integer_cell(areas, 0, "n_links_inside") == 0);
}

TEST_CASE("pipeline: every expected kind of data problem is reported", "[pipeline]") {
    TempDir tmp;
    write_data(tmp.path);
    const Diagnostic d = analyse_file(write_project(tmp.path, kHead + kBlocks + kPlacesBlock + kActorsBlock + kLinksBlock));
    const auto counts = d.problems.count_by_kind();
    for (const char* kind : {"missing_coordinates", "outside_territory", "duplicate_link", "self_loop", "unknown_actor",
                             "link_actor_outside"}) {
        INFO("kind " << kind);
        CHECK(counts.count(kind) == 1);
    }
    CHECK(counts.at("missing_coordinates") == 2);  // place P2 and actor A3
    CHECK(counts.at("outside_territory") == 2);    // one summary per source

    const auto missing = problems_of(d, "missing_coordinates");
    REQUIRE(missing.size() == 2);
    CHECK(missing[0]->source == "lieux");
    CHECK(missing[0]->feature == "ligne 3");
    CHECK(missing[0]->field == "lon");
    CHECK(missing[1]->source == "acteurs");
    CHECK(missing[1]->feature == "ligne 4");
    CHECK(missing[1]->field == "position");

    const auto self = problems_of(d, "self_loop");
    REQUIRE(self.size() == 1);
    CHECK(self[0]->feature == "ligne 4");
    const auto unknown = problems_of(d, "unknown_actor");
    REQUIRE(unknown.size() == 1);
    CHECK(unknown[0]->feature == "ligne 5");
    CHECK(unknown[0]->field == "cible");
    CHECK_THAT(unknown[0]->message, Catch::Contains("A9"));
    const auto duplicate = problems_of(d, "duplicate_link");
    REQUIRE(duplicate.size() == 1);
    CHECK(duplicate[0]->feature == "ligne 3");
    for (const auto& p : d.problems.problems()) {
        INFO("problem " << p.kind);
        CHECK_FALSE(p.message.empty());
    }
}

TEST_CASE("pipeline: duplicate links are merged with their weights summed and kinds joined", "[pipeline]") {
    TempDir tmp;
    write_data(tmp.path);
    const Diagnostic d = analyse_file(write_project(tmp.path, kHead + kBlocks + kPlacesBlock + kActorsBlock + kLinksBlock));
    REQUIRE(d.links.size() == 2);
    CHECK(d.links[0].source_id == "A1");
    CHECK(d.links[0].target_id == "A2");
    CHECK(d.links[0].weight == Approx(3.5));  // 2 + "1,5"
    CHECK(d.links[0].kind == "coproduction; partenariat");
    CHECK(d.links[1].source_id == "A2");
    CHECK(d.links[1].target_id == "A3");
    CHECK(d.links[1].weight == Approx(1.0));  // empty weight = 1

    // The graph is the path A1 – A2 – A3: A2 is between the two others.
    REQUIRE(d.measures.size() == 3);
    CHECK(d.measures[1].betweenness == Approx(1.0));
    CHECK(d.measures[1].strength == Approx(4.5));
    CHECK(d.measures[0].strength == Approx(3.5));
    CHECK(d.measures[1].is_cut_vertex);
    CHECK(d.measures[0].closeness == Approx(2.0 / 3.0));
}

TEST_CASE("pipeline: deliver writes the GeoPackage, the GeoJSON files and the manifest, and no temporary file",
          "[pipeline]") {
    TempDir tmp;
    write_data(tmp.path);
    const Diagnostic d = analyse_file(write_project(tmp.path, kHead + kBlocks + kPlacesBlock + kActorsBlock + kLinksBlock));
    const fs::path out = tmp.path / "sortie" / "run1";  // created by deliver
    const Delivery delivery = deliver(d, out);

    CHECK(delivery.geopackage == out / "diagnostic.gpkg");
    CHECK(fs::is_regular_file(out / "diagnostic.gpkg"));
    CHECK(fs::is_regular_file(out / "manifest.json"));
    CHECK(delivery.manifest == out / "manifest.json");
    std::set<std::string> geojson;
    for (const auto& p : delivery.geojson) {
        CHECK(fs::is_regular_file(p));
        CHECK(p.parent_path() == out / "geojson");
        geojson.insert(p.filename().string());
    }
    CHECK(geojson == std::set<std::string>{"territory.geojson", "areas.geojson", "actors.geojson", "places.geojson",
                                           "cooperation_links.geojson"});
    CHECK(hidden_files(out).empty());

    const auto layers = layer_counts(out / "diagnostic.gpkg");
    CHECK(layers.at("territory") == 1);
    CHECK(layers.at("areas") == 3);
    CHECK(layers.at("actors") == 3);
    CHECK(layers.at("places") == 2);
    CHECK(layers.at("cooperation_links") == 2);
    CHECK(layers.count("data_quality") == 1);
    CHECK(layer_counts(out / "geojson" / "actors.geojson").begin()->second == 3);

    std::ifstream manifest(out / "manifest.json");
    const std::string text((std::istreambuf_iterator<char>(manifest)), std::istreambuf_iterator<char>());
    CHECK_THAT(text, Catch::Contains("\"working_crs\": \"EPSG:2154\""));
    CHECK_THAT(text, Catch::Contains("lieux.csv"));

    // A second delivery into the same folder replaces the files and leaves no temporary behind.
    deliver(d, out, DeliverOptions{false});
    CHECK(hidden_files(out).empty());
}

TEST_CASE("pipeline: deliver into a folder that cannot be created throws OutputError and writes nothing",
          "[pipeline]") {
    TempDir tmp;
    write_data(tmp.path);
    const Diagnostic d = analyse_file(write_project(tmp.path, kHead + kBlocks + kPlacesBlock));
    write_file(tmp.path / "un-fichier", "pas un dossier");
    const fs::path out = tmp.path / "un-fichier" / "sortie";
    const std::string what = message_of<OutputError>([&] { deliver(d, out); });
    CHECK_THAT(what, Catch::Contains("sortie"));
    CHECK_FALSE(fs::exists(out / "diagnostic.gpkg"));
}

TEST_CASE("pipeline: an ISO-8859-1 file is read with encoding = \"ISO-8859-1\" and refused without it",
          "[pipeline]") {
    TempDir tmp;
    write_data(tmp.path);
    // Line 2 is plain ASCII; line 3 holds the first Latin-1 bytes (é = 0xE9, â = 0xE2).
    write_file(tmp.path / "acteurs.csv",
               "actor_id;nom;famille;position\n"
               "A1;Compagnie du Marais;musique;46.32, -0.47\n"
               "A2;Th\xE9\xE2tre du Donjon;th\xE9\xE2tre;46.325, -0.43\n");
    const std::string with_encoding = R"(
[[actors]]
path = "acteurs.csv"
encoding = "ISO-8859-1"
id_field = "actor_id"
name_field = "nom"
family_field = "famille"
latlon_field = "position"
)";
    const Diagnostic d = analyse_file(write_project(tmp.path, kHead + kBlocks + with_encoding));
    REQUIRE(d.actors.size() == 2);
    CHECK(d.actors[1].name == "Théâtre du Donjon");
    CHECK(d.actors[1].family == "théâtre");

    const fs::path without = write_project(tmp.path, kHead + kBlocks + kActorsBlock);
    const std::string what = message_of<InputError>([&] { analyse_file(without); });
    CHECK_THAT(what, Catch::Contains("acteurs.csv"));
    CHECK_THAT(what, Catch::Contains("ligne 3"));
    CHECK_THAT(what, Catch::Contains("encoding"));
}

// ---- bad inputs: the message names what the user must fix -----------------------------------

TEST_CASE("bad input: a missing data file is an InputError naming the file", "[pipeline][errors]") {
    TempDir tmp;
    write_data(tmp.path);
    SECTION("delimited text") {
        const std::string block = R"(
[[places]]
path = "donnees/absent.csv"
kind = "salle"
x_field = "lon"
y_field = "lat"
)";
        const std::string what = message_of<InputError>([&] { analyse_file(write_project(tmp.path, kHead + kBlocks + block)); });
        CHECK_THAT(what, Catch::Contains("donnees/absent.csv"));
        CHECK_THAT(what, Catch::Contains("introuvable"));
    }
    SECTION("an OGR source") {
        const std::string toml = kHead + R"(
[territory]
path = "absent.geojson"

[areas]
path = "communes.geojson"
id_field = "code"
)";
        const std::string what = message_of<InputError>([&] { analyse_file(write_project(tmp.path, toml)); });
        CHECK_THAT(what, Catch::Contains("absent.geojson"));
    }
}

TEST_CASE("bad input: an unknown field is an InputError naming the field and listing the fields present",
          "[pipeline][errors]") {
    TempDir tmp;
    write_data(tmp.path);
    SECTION("in a CSV source") {
        std::string block = kPlacesBlock;
        block.replace(block.find("id_field = \"id\""), 15, "id_field = \"identifiant\"");
        const std::string what = message_of<InputError>([&] { analyse_file(write_project(tmp.path, kHead + kBlocks + block)); });
        CHECK_THAT(what, Catch::Contains("'identifiant'"));
        CHECK_THAT(what, Catch::Contains("lieux.csv"));
        CHECK_THAT(what, Catch::Contains("id_field"));
        CHECK_THAT(what, Catch::Contains("'id', 'nom', 'type', 'lon', 'lat'"));
    }
    SECTION("in a GeoJSON source") {
        std::string blocks = kBlocks;
        blocks.replace(blocks.find("name_field = \"nom\""), 18, "name_field = \"libelle\"");
        const std::string what = message_of<InputError>([&] { analyse_file(write_project(tmp.path, kHead + blocks)); });
        CHECK_THAT(what, Catch::Contains("'libelle'"));
        CHECK_THAT(what, Catch::Contains("'code', 'nom', 'population'"));
    }
}

TEST_CASE("bad input: a broken CSV (unterminated quote) is an InputError naming the file and line",
          "[pipeline][errors]") {
    TempDir tmp;
    write_data(tmp.path);
    write_file(tmp.path / "lieux.csv",
               "id;nom;type;lon;lat\n"
               "P1;Médiathèque;bibliothèque;-0.47;46.32\n"
               "P2;\"Salle jamais fermée;salle;-0.45;46.32\n"
               "P3;Salle;salle;-0.45;46.32\n");
    const std::string what =
        message_of<InputError>([&] { analyse_file(write_project(tmp.path, kHead + kBlocks + kPlacesBlock)); });
    CHECK_THAT(what, Catch::Contains("lieux.csv"));
    CHECK_THAT(what, Catch::Contains("ligne 3"));
}

TEST_CASE("bad input: an unknown working CRS is a ProjectError naming the key crs", "[pipeline][errors]") {
    TempDir tmp;
    write_data(tmp.path);
    const std::string toml = "[project]\nname = \"x\"\ncrs = \"EPSG:999999\"\n" + kBlocks;
    try {
        analyse_file(write_project(tmp.path, toml));
        FAIL("no ProjectError thrown");
    } catch (const ProjectError& e) {
        const std::string what = e.what();
        CHECK(e.where().field == "crs");
        CHECK_THAT(what, Catch::Contains("'crs'"));
        CHECK_THAT(what, Catch::Contains("EPSG:999999"));
        CHECK_THAT(what, Catch::Contains("projet.toml"));
    }
}

TEST_CASE("bad input: an unknown CRS in a source block is an error naming the file and the key crs",
          "[pipeline][errors]") {
    TempDir tmp;
    write_data(tmp.path);
    std::string block = kPlacesBlock;
    block += "crs = \"EPSG:999999\"\n";
    try {
        analyse_file(write_project(tmp.path, kHead + kBlocks + block));
        FAIL("no InputError thrown");
    } catch (const InputError& e) {
        const std::string what = e.what();
        CHECK(e.where().field == "crs");
        CHECK_THAT(what, Catch::Contains("EPSG:999999"));
        CHECK_THAT(what, Catch::Contains("'crs'"));
        CHECK_THAT(what, Catch::Contains("lieux.csv") && Catch::Contains("places[1]"));
    }
}

TEST_CASE("bad input: a geographic working CRS (EPSG:4326) is rejected, naming crs", "[pipeline][errors]") {
    TempDir tmp;
    write_data(tmp.path);
    const std::string toml = "[project]\nname = \"x\"\ncrs = \"EPSG:4326\"\n" + kBlocks;
    try {
        analyse_file(write_project(tmp.path, toml));
        FAIL("no ProjectError thrown");
    } catch (const ProjectError& e) {
        const std::string what = e.what();
        CHECK(e.where().field == "crs");
        CHECK_THAT(what, Catch::Contains("EPSG:4326"));
        CHECK_THAT(what, Catch::Contains("projeté"));
    }
}

TEST_CASE("bad input: an unknown key in the project file is a ProjectError naming key and line",
          "[pipeline][errors]") {
    TempDir tmp;
    write_data(tmp.path);
    std::string block = kPlacesBlock;
    block.replace(block.find("kind_field"), 10, "kindfield");
    // kHead is lines 1-2, kBlocks lines 3-11; [[places]] is on line 13, kind_field on line 17.
    const std::string what =
        message_of<ProjectError>([&] { load_project(write_project(tmp.path, kHead + kBlocks + block)); });
    CHECK_THAT(what, Catch::Contains("'kindfield'"));
    CHECK_THAT(what, Catch::Contains("ligne 17"));
}
