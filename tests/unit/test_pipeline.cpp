// test_pipeline.cpp — load_project + analyse + deliver on a tiny project written to a temporary
// folder: three square communes near Niort (EPSG:4326), places with x/y, actors with a "lat, lon"
// column and a double BOM, links with a duplicate reversed pair, a self-loop and an unknown id.
// Then bad inputs: each error message (French) names what the user must fix.
#include <catch2/catch.hpp>

#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "territoire/error.hpp"
#include "territoire/pipeline.hpp"
#include "territoire/project.hpp"

namespace fs = std::filesystem;
using namespace territoire;

namespace {

// A fresh folder under the system temporary directory, removed with everything in it. The parent
// folder is per process: ctest runs test processes in parallel, and one removing a shared parent
// while another creates its folder in it made tests fail at random.
struct TempDir {
    TempDir() {
        static std::atomic<int> counter{0};
        path = fs::temp_directory_path() / ("territoire-unit-tests-" + std::to_string(::getpid())) /
               ("pipeline-" + std::to_string(counter++));
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
// The exception of type E that `fn` throws (copied, so that tests can inspect where() and what()).
template <typename E, typename F>
E error_of(F&& fn) {
    try {
        fn();
    } catch (const E& e) {
        return e;
    } catch (const std::exception& e) {
        FAIL("wrong exception type, message: " << e.what());
    }
    FAIL("no exception thrown");
    throw std::logic_error("unreachable");
}

template <typename E, typename F>
std::string message_of(F&& fn) {
    return error_of<E>(std::forward<F>(fn)).what();
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
                                           "cooperation_links.geojson", "area_links.geojson", "communities.geojson"});
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
    const ProjectError e = error_of<ProjectError>([&] { analyse_file(write_project(tmp.path, toml)); });
    const std::string what = e.what();
    CHECK(e.where().field == "crs");
    CHECK_THAT(what, Catch::Contains("'crs'"));
    CHECK_THAT(what, Catch::Contains("EPSG:999999"));
    CHECK_THAT(what, Catch::Contains("projet.toml"));
}

TEST_CASE("bad input: an unknown CRS in a source block is an error naming the file and the key crs",
          "[pipeline][errors]") {
    TempDir tmp;
    write_data(tmp.path);
    std::string block = kPlacesBlock;
    block += "crs = \"EPSG:999999\"\n";
    const InputError e = error_of<InputError>([&] { analyse_file(write_project(tmp.path, kHead + kBlocks + block)); });
    const std::string what = e.what();
    CHECK(e.where().field == "crs");
    CHECK_THAT(what, Catch::Contains("EPSG:999999"));
    CHECK_THAT(what, Catch::Contains("'crs'"));
    CHECK_THAT(what, Catch::Contains("lieux.csv") && Catch::Contains("places[1]"));
}

TEST_CASE("bad input: a geographic working CRS (EPSG:4326) is rejected, naming crs", "[pipeline][errors]") {
    TempDir tmp;
    write_data(tmp.path);
    const std::string toml = "[project]\nname = \"x\"\ncrs = \"EPSG:4326\"\n" + kBlocks;
    const ProjectError e = error_of<ProjectError>([&] { analyse_file(write_project(tmp.path, toml)); });
    const std::string what = e.what();
    CHECK(e.where().field == "crs");
    CHECK_THAT(what, Catch::Contains("EPSG:4326"));
    CHECK_THAT(what, Catch::Contains("projeté"));
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

// ---- areas overlapping the territory by a sliver ---------------------------------------------

namespace {

// A rectangular feature [lon0, lon1] × [46.31, 46.33].
std::string zone(const std::string& code, const std::string& name, int population, double lon0, double lon1) {
    return R"({"type":"Feature","properties":{"code":")" + code + R"(","nom":")" + name +
           R"(","population":)" + std::to_string(population) +
           R"(},"geometry":{"type":"Polygon","coordinates":)" + square(lon0, 46.31, lon1, 46.33) + "}}";
}

std::vector<std::string> area_ids(const Diagnostic& d) {
    std::vector<std::string> out;
    for (const auto& a : d.areas) out.push_back(a.id);
    return out;
}

}  // namespace

TEST_CASE("areas: an area overlapping the territory by a sliver (< 1 % of its surface) is dropped and reported",
          "[pipeline][areas]") {
    TempDir tmp;
    write_data(tmp.path);
    // Territory = Z1 only (where). Areas, all 0.02° wide, in order (FID 0…4):
    //   Z1 [-0.48, -0.46]       the territory itself: kept
    //   Z2 [-0.46001, -0.44]    overlaps Z1 by 0.00001° of its 0.02001°: 0.05 % inside → sliver
    //   Z3 [-0.466, -0.446]     0.006° of 0.02° inside: 30 % → kept, with its whole surface
    //   Z4 [-0.46, -0.44]       only touches Z1: outside, not a sliver
    //   Z5 [-0.40, -0.38]       disjoint: outside, not a sliver
    write_file(tmp.path / "zones.geojson", R"({"type":"FeatureCollection","features":[)" +
                                               zone("Z1", "Un", 1000, -0.48, -0.46) + "," +
                                               zone("Z2", "Deux", 1000, -0.46001, -0.44) + "," +
                                               zone("Z3", "Trois", 1000, -0.466, -0.446) + "," +
                                               zone("Z4", "Quatre", 1000, -0.46, -0.44) + "," +
                                               zone("Z5", "Cinq", 1000, -0.40, -0.38) + "]}");
    const std::string toml = kHead + R"(
[territory]
path = "zones.geojson"
where = "code = 'Z1'"

[areas]
path = "zones.geojson"
id_field = "code"
name_field = "nom"
population_field = "population"
)";
    const Diagnostic d = analyse_file(write_project(tmp.path, toml));

    CHECK(area_ids(d) == std::vector<std::string>{"Z1", "Z3"});
    const SourceStats& areas = stats_of(d, "areas");
    CHECK(areas.read == 5);
    CHECK(areas.kept == 2);
    CHECK(areas.outside == 3);  // Z2 (sliver), Z4 (touches), Z5 (disjoint)
    CHECK(areas.rejected == 0);
    CHECK(stats_of(d, "territory").kept == 1);

    const auto slivers = problems_of(d, "area_sliver");
    REQUIRE(slivers.size() == 1);  // Z2 only: touching and disjoint areas are not slivers
    CHECK(slivers[0]->severity == Severity::info);
    CHECK(slivers[0]->block == "areas");
    CHECK(slivers[0]->source == "zones");
    CHECK(slivers[0]->feature == "FID 1");
    CHECK_THAT(slivers[0]->message, Catch::Contains("« Z2 »") && Catch::Contains("0 %"));
    const auto outside = problems_of(d, "outside_territory");
    REQUIRE(outside.size() == 1);
    CHECK(outside[0]->block == "areas");
    CHECK_THAT(outside[0]->message, Catch::StartsWith("3 zone(s)"));

    // Areas keep their whole surface, not the part inside the territory. A 0.02° × 0.02° cell at
    // 46.31–46.33° N is 3.4243 km² on the WGS 84 ellipsoid (geodesic polygon area; a sphere of radius
    // 6371.0088 km gives R²·Δλ·(sin φ2 − sin φ1) = 3.4157 km²). Z3 clipped would be 30 % of that, 1.03 km².
    REQUIRE(d.areas.size() == 2);
    CHECK(d.areas[1].id == "Z3");
    CHECK(d.areas[1].area_km2 == Approx(3.4243).epsilon(0.002));
    CHECK(d.areas[0].area_km2 == Approx(3.4243).epsilon(0.002));
    CHECK(d.territory.area_km2 == Approx(3.4243).epsilon(0.002));
}

TEST_CASE("areas: when every overlapping area is a sliver, the run stops with an InputError", "[pipeline][areas]") {
    TempDir tmp;
    write_data(tmp.path);
    // Territory T [-0.48, -0.46] from one file; the only area overlaps it by 0.5 % of its surface.
    write_file(tmp.path / "territoire.geojson", R"({"type":"FeatureCollection","features":[)" +
                                                    zone("T", "Territoire", 1000, -0.48, -0.46) + "]}");
    write_file(tmp.path / "zones.geojson", R"({"type":"FeatureCollection","features":[)" +
                                               zone("Z", "Voisine", 1000, -0.4601, -0.4401) + "]}");
    const std::string toml = kHead + R"(
[territory]
path = "territoire.geojson"

[areas]
path = "zones.geojson"
id_field = "code"
)";
    const std::string what = message_of<InputError>([&] { analyse_file(write_project(tmp.path, toml)); });
    CHECK_THAT(what, Catch::Contains("zones.geojson") && Catch::Contains("aucune zone"));
}

// ---- OGR sources and `encoding` --------------------------------------------------------------

namespace {

// zones.shp in `dir`, EPSG:4326, fields code and nom, written with no recoding (ENCODING="") so that
// the .dbf holds the ISO-8859-1 bytes given and declares no code page; no .cpg is left.
// FID 0 = Z1 "Sèvre" over commune 79001, FID 1 = Z2 "Gâtine" over 79002 and 79003.
void write_latin1_shapefile(const fs::path& dir) {
    GDALAllRegister();
    const fs::path file = dir / "zones.shp";
    GDALDriverH driver = GDALGetDriverByName("ESRI Shapefile");
    REQUIRE(driver != nullptr);
    GDALDatasetH ds = GDALCreate(driver, file.string().c_str(), 0, 0, 0, GDT_Unknown, nullptr);
    REQUIRE(ds != nullptr);
    OGRSpatialReferenceH srs = OSRNewSpatialReference(nullptr);
    REQUIRE(OSRImportFromEPSG(srs, 4326) == OGRERR_NONE);
    OSRSetAxisMappingStrategy(srs, OAMS_TRADITIONAL_GIS_ORDER);
    const char* options[] = {"ENCODING=", nullptr};
    OGRLayerH layer = GDALDatasetCreateLayer(ds, "zones", srs, wkbPolygon, const_cast<char**>(options));
    REQUIRE(layer != nullptr);
    for (const char* name : {"code", "nom"}) {
        OGRFieldDefnH def = OGR_Fld_Create(name, OFTString);
        OGR_Fld_SetWidth(def, 20);
        REQUIRE(OGR_L_CreateField(layer, def, TRUE) == OGRERR_NONE);
        OGR_Fld_Destroy(def);
    }
    const std::pair<const char*, const char*> rows[] = {{"Z1", "S\xE8vre"}, {"Z2", "G\xE2tine"}};
    const char* wkts[] = {"POLYGON ((-0.48 46.31,-0.48 46.33,-0.46 46.33,-0.46 46.31,-0.48 46.31))",
                          "POLYGON ((-0.46 46.31,-0.46 46.33,-0.42 46.33,-0.42 46.31,-0.46 46.31))"};
    for (int i = 0; i < 2; ++i) {
        OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(layer));
        OGR_F_SetFieldString(f, 0, rows[i].first);
        OGR_F_SetFieldString(f, 1, rows[i].second);
        OGRGeometryH g = nullptr;
        char* wkt = const_cast<char*>(wkts[i]);
        REQUIRE(OGR_G_CreateFromWkt(&wkt, srs, &g) == OGRERR_NONE);
        OGR_F_SetGeometryDirectly(f, g);
        REQUIRE(OGR_L_CreateFeature(layer, f) == OGRERR_NONE);
        OGR_F_Destroy(f);
    }
    OSRRelease(srs);
    GDALClose(ds);
    fs::remove(dir / "zones.cpg");
    REQUIRE(fs::is_regular_file(dir / "zones.dbf"));
    // The Latin-1 bytes really are in the .dbf, not recoded to UTF-8.
    std::ifstream in(dir / "zones.dbf", std::ios::binary);
    const std::string dbf((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    REQUIRE(dbf.find("S\xE8vre") != std::string::npos);
    REQUIRE(dbf[29] == 0);  // language driver id: none declared
}

const std::string kShapefileAreas = R"(
[territory]
path = "communes.geojson"

[areas]
path = "zones.shp"
id_field = "code"
name_field = "nom"
)";

}  // namespace

TEST_CASE("OGR source: a Latin-1 Shapefile without .cpg is refused without encoding, naming file, FID and field",
          "[pipeline][encoding]") {
    TempDir tmp;
    write_data(tmp.path);
    write_latin1_shapefile(tmp.path);
    const InputError e = error_of<InputError>([&] { analyse_file(write_project(tmp.path, kHead + kShapefileAreas)); });
    const std::string what = e.what();
    CHECK(e.where().field == "nom");
    CHECK(e.where().feature == "FID 0");
    CHECK_THAT(what, Catch::Contains("zones.shp"));
    CHECK_THAT(what, Catch::Contains("FID 0"));
    CHECK_THAT(what, Catch::Contains("'nom'"));
    CHECK_THAT(what, Catch::Contains("non UTF-8"));
    CHECK_THAT(what, Catch::Contains("encoding"));
}

TEST_CASE("OGR source: a Latin-1 Shapefile is read with encoding = \"ISO-8859-1\"", "[pipeline][encoding]") {
    TempDir tmp;
    write_data(tmp.path);
    write_latin1_shapefile(tmp.path);
    std::string blocks = kShapefileAreas;
    blocks.replace(blocks.find("path = \"zones.shp\""), 18, "path = \"zones.shp\"\nencoding = \"ISO-8859-1\"");
    const Diagnostic d = analyse_file(write_project(tmp.path, kHead + blocks));
    REQUIRE(d.areas.size() == 2);
    CHECK(d.areas[0].id == "Z1");
    CHECK(d.areas[0].name == "S\xC3\xA8vre");   // "Sèvre" in UTF-8
    CHECK(d.areas[1].name == "G\xC3\xA2tine");  // "Gâtine"
    CHECK(stats_of(d, "areas").kept == 2);
}

TEST_CASE("OGR source: encoding on a GeoJSON source is an InputError naming the key encoding",
          "[pipeline][encoding]") {
    TempDir tmp;
    write_data(tmp.path);
    std::string blocks = kBlocks;
    blocks.replace(blocks.find("[areas]\npath = \"communes.geojson\""), 33,
                   "[areas]\npath = \"communes.geojson\"\nencoding = \"ISO-8859-1\"");
    const InputError e = error_of<InputError>([&] { analyse_file(write_project(tmp.path, kHead + blocks)); });
    const std::string what = e.what();
    CHECK(e.where().field == "encoding");
    CHECK_THAT(what, Catch::Contains("'encoding'"));
    CHECK_THAT(what, Catch::Contains("communes.geojson"));
}

// ---- RecordLocator: how delimited text is located --------------------------------------------

TEST_CASE("locating: a delimited-text block without location keys is an InputError naming x_field",
          "[pipeline][locate]") {
    TempDir tmp;
    write_data(tmp.path);
    const std::string block = R"(
[[places]]
path = "lieux.csv"
id_field = "id"
kind = "salle"
)";
    const InputError e = error_of<InputError>([&] { analyse_file(write_project(tmp.path, kHead + kBlocks + block)); });
    const std::string what = e.what();
    CHECK(e.where().field == "x_field");
    CHECK_THAT(what, Catch::Contains("'x_field'"));
    CHECK_THAT(what, Catch::Contains("lieux.csv"));
    CHECK_THAT(what, Catch::Contains("places[1]"));
}

TEST_CASE("locating: out-of-range degrees and half-missing coordinates name the field concerned",
          "[pipeline][locate]") {
    TempDir tmp;
    write_data(tmp.path);
    // x_field = lon, y_field = lat (degrees, no crs).
    write_file(tmp.path / "lieux.csv",
               "id;nom;type;lon;lat\n"
               "P1;Valide;salle;-0.47;46.32\n"             // line 2: located in 79001
               "P2;Nouméa inversé;salle;-22.27;166.45\n"   // line 3: latitude 166.45 > 90
               "P3;Sans longitude;salle;;46.32\n"          // line 4: x empty
               "P4;Sans latitude;salle;-0.47;\n"           // line 5: y empty
               "P5;Longitude 200;salle;200;46.32\n");      // line 6: longitude 200 > 180
    const Diagnostic d = analyse_file(write_project(tmp.path, kHead + kBlocks + kPlacesBlock));

    const auto invalid = problems_of(d, "invalid_coordinates");
    REQUIRE(invalid.size() == 2);
    CHECK(invalid[0]->feature == "ligne 3");
    CHECK(invalid[0]->field == "lat");
    CHECK(invalid[0]->block == "places[1]");
    CHECK_THAT(invalid[0]->message, Catch::Contains("latitude") && Catch::Contains("inversées"));
    CHECK_THAT(invalid[0]->message, Catch::Contains("166.45"));
    CHECK(invalid[1]->feature == "ligne 6");
    CHECK(invalid[1]->field == "lon");
    CHECK_THAT(invalid[1]->message, Catch::Contains("longitude") && Catch::Contains("inversées"));

    const auto missing = problems_of(d, "missing_coordinates");
    REQUIRE(missing.size() == 2);
    CHECK(missing[0]->feature == "ligne 4");
    CHECK(missing[0]->field == "lon");
    CHECK(missing[1]->feature == "ligne 5");
    CHECK(missing[1]->field == "lat");
    for (const auto* p : missing) CHECK_THAT(p->message, Catch::Contains("coordonnée absente"));

    const SourceStats& s = stats_of(d, "places[1]");
    CHECK(s.read == 5);
    CHECK(s.kept == 1);
    CHECK(s.unlocated == 4);
    REQUIRE(d.places.size() == 1);
    CHECK(d.places[0].id == "P1");
}

// ---- generated field names that collide -----------------------------------------------------

TEST_CASE("tables: families \"x\" and \"x per 10k\" give unique field names and a writable GeoPackage",
          "[pipeline][tables]") {
    TempDir tmp;
    write_data(tmp.path);
    // All three actors in 79001 (population 1000): two of family "x", one of family "x per 10k".
    write_file(tmp.path / "acteurs.csv",
               "actor_id;nom;famille;position\n"
               "A1;Un;x;46.32, -0.47\n"
               "A2;Deux;x;46.32, -0.475\n"
               "A3;Trois;x per 10k;46.32, -0.465\n");
    const Diagnostic d = analyse_file(write_project(tmp.path, kHead + kBlocks + kActorsBlock));
    REQUIRE(d.actors.size() == 3);

    for (const auto& t : d.tables) {
        std::set<std::string> names;
        for (const auto& f : t.fields) {
            INFO("table " << t.name << ", field " << f.name);
            CHECK(names.insert(f.name).second);
        }
    }
    // Count fields come first: n_actors_x, n_actors_x_per_10k (count of "x per 10k"); then the rates:
    // the rate of "x" would be n_actors_x_per_10k again → n_actors_x_per_10k_2; the rate of
    // "x per 10k" is n_actors_x_per_10k_per_10k.
    const Table& areas = table_of(d, "areas");
    const int count_x = areas.field_index("n_actors_x");
    const int count_x10k = areas.field_index("n_actors_x_per_10k");
    const int rate_x = areas.field_index("n_actors_x_per_10k_2");
    const int rate_x10k = areas.field_index("n_actors_x_per_10k_per_10k");
    REQUIRE(count_x >= 0);
    REQUIRE(count_x10k >= 0);
    REQUIRE(rate_x >= 0);
    REQUIRE(rate_x10k >= 0);
    CHECK(areas.fields[static_cast<std::size_t>(count_x10k)].type == FieldType::integer);
    CHECK(areas.fields[static_cast<std::size_t>(rate_x)].type == FieldType::real);
    CHECK(areas.fields[static_cast<std::size_t>(count_x10k)].alias == "Acteurs : x per 10k");
    CHECK(areas.fields[static_cast<std::size_t>(rate_x)].alias == "Acteurs : x (pour 10 000 hab.)");
    REQUIRE(areas.rows.size() == 3);
    CHECK(areas.rows[0][0] == Value(std::string("79001")));
    CHECK(integer_cell(areas, 0, "n_actors_x") == 2);
    CHECK(integer_cell(areas, 0, "n_actors_x_per_10k") == 1);
    // 2 actors × 10 000 / 1000 inhabitants = 20; 1 × 10 000 / 1000 = 10.
    REQUIRE(std::holds_alternative<double>(areas.rows[0][static_cast<std::size_t>(rate_x)]));
    CHECK(std::get<double>(areas.rows[0][static_cast<std::size_t>(rate_x)]) == Approx(20.0));
    CHECK(std::get<double>(areas.rows[0][static_cast<std::size_t>(rate_x10k)]) == Approx(10.0));

    // The GeoPackage is written, with the renamed field and its value.
    const fs::path out = tmp.path / "sortie";
    REQUIRE_NOTHROW(deliver(d, out));
    GDALAllRegister();
    GDALDatasetH ds = GDALOpenEx((out / "diagnostic.gpkg").string().c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY,
                                 nullptr, nullptr, nullptr);
    REQUIRE(ds != nullptr);
    OGRLayerH layer = GDALDatasetGetLayerByName(ds, "areas");
    REQUIRE(layer != nullptr);
    const int gpkg_rate_x = OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(layer), "n_actors_x_per_10k_2");
    const int gpkg_count = OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(layer), "n_actors_x_per_10k");
    CHECK(gpkg_rate_x >= 0);
    CHECK(gpkg_count >= 0);
    OGR_L_SetAttributeFilter(layer, "area_id = '79001'");
    OGRFeatureH f = OGR_L_GetNextFeature(layer);
    REQUIRE(f != nullptr);
    if (gpkg_rate_x >= 0) CHECK(OGR_F_GetFieldAsDouble(f, gpkg_rate_x) == Approx(20.0));
    if (gpkg_count >= 0) CHECK(OGR_F_GetFieldAsInteger64(f, gpkg_count) == 1);
    OGR_F_Destroy(f);
    GDALClose(ds);
}

// ---- problems name their block ---------------------------------------------------------------

TEST_CASE("problems: every problem names its block, and two blocks reading one file are told apart",
          "[pipeline][problems]") {
    TempDir tmp;
    write_data(tmp.path);
    // A fourth commune without geometry (FID 3): both [territory] and [areas] read it and report it.
    std::string communes = kCommunes;
    communes.insert(communes.size() - 2,
                    R"(,{"type":"Feature","properties":{"code":"79009","nom":"Vide","population":10},"geometry":null})");
    write_file(tmp.path / "communes.geojson", communes);
    // A malformed row (line 6) in the places file: reported through report_read_issues.
    write_file(tmp.path / "lieux.csv", kPlaces + "P5;trop;court\n");
    const Diagnostic d = analyse_file(write_project(tmp.path, kHead + kBlocks + kPlacesBlock + kActorsBlock + kLinksBlock));

    const auto no_geometry = problems_of(d, "missing_geometry");
    REQUIRE(no_geometry.size() == 2);
    CHECK(no_geometry[0]->block == "territory");
    CHECK(no_geometry[1]->block == "areas");
    // Everything else is the same: only the block tells them apart.
    CHECK(no_geometry[0]->source == no_geometry[1]->source);
    CHECK(no_geometry[0]->source == "communes");
    CHECK(no_geometry[0]->feature == "FID 3");
    CHECK(no_geometry[0]->feature == no_geometry[1]->feature);
    CHECK(no_geometry[0]->message == no_geometry[1]->message);

    const auto malformed = problems_of(d, "malformed_row");
    REQUIRE(malformed.size() == 1);
    CHECK(malformed[0]->block == "places[1]");
    CHECK(malformed[0]->feature == "ligne 6");

    // Every problem of this project comes from a block, and its block matches its source.
    const std::map<std::string, std::set<std::string>> blocks_of_source = {
        {"communes", {"territory", "areas"}}, {"lieux", {"places[1]"}}, {"acteurs", {"actors[1]"}},
        {"liens", {"links"}}};
    std::set<std::string> seen;
    REQUIRE(d.problems.problems().size() > 8);
    for (const auto& p : d.problems.problems()) {
        INFO("problem " << p.kind << " from " << p.source << ": " << p.message);
        CHECK_FALSE(p.block.empty());
        REQUIRE(blocks_of_source.count(p.source) == 1);
        CHECK(blocks_of_source.at(p.source).count(p.block) == 1);
        seen.insert(p.block);
    }
    CHECK(seen == std::set<std::string>{"territory", "areas", "places[1]", "actors[1]", "links"});
    const auto self = problems_of(d, "self_loop");
    REQUIRE(self.size() == 1);
    CHECK(self[0]->block == "links");

    // The data_quality table has a `block` column, row for row with the problems.
    const Table& quality = table_of(d, "data_quality");
    const int block_col = quality.field_index("block");
    REQUIRE(block_col >= 0);
    CHECK(quality.fields[static_cast<std::size_t>(block_col)].type == FieldType::text);
    REQUIRE(quality.rows.size() == d.problems.problems().size());
    for (std::size_t i = 0; i < quality.rows.size(); ++i) {
        INFO("row " << i);
        CHECK(quality.rows[i][static_cast<std::size_t>(block_col)] == Value(d.problems.problems()[i].block));
    }

    // … and so does the delivered GeoPackage layer.
    const fs::path out = tmp.path / "sortie";
    deliver(d, out, DeliverOptions{false});
    GDALAllRegister();
    GDALDatasetH ds = GDALOpenEx((out / "diagnostic.gpkg").string().c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY,
                                 nullptr, nullptr, nullptr);
    REQUIRE(ds != nullptr);
    OGRLayerH layer = GDALDatasetGetLayerByName(ds, "data_quality");
    REQUIRE(layer != nullptr);
    const int gpkg_block = OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(layer), "block");
    CHECK(gpkg_block >= 0);
    std::multiset<std::string> gpkg_blocks, expected_blocks;
    if (gpkg_block >= 0) {
        OGR_L_ResetReading(layer);
        while (OGRFeatureH f = OGR_L_GetNextFeature(layer)) {
            gpkg_blocks.insert(OGR_F_GetFieldAsString(f, gpkg_block));
            OGR_F_Destroy(f);
        }
    }
    for (const auto& p : d.problems.problems()) expected_blocks.insert(p.block);
    CHECK(gpkg_blocks == expected_blocks);
    GDALClose(ds);
}
