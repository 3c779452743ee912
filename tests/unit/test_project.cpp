// test_project.cpp — parse_project / load_project: a valid project, path resolution, defaults,
// and strict errors that name the file, the line and the key.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

#include "territoire/error.hpp"
#include "territoire/project.hpp"

namespace fs = std::filesystem;
using territoire::parse_project;
using territoire::Project;
using territoire::ProjectError;

namespace {

const fs::path kFile = fs::path("/srv/etudes/niort") / "projet.toml";

// The minimal blocks every project needs, to which each test appends what it examines.
const std::string kMinimal = R"(
[territory]
path = "communes.geojson"

[areas]
path = "communes.geojson"
id_field = "code"
)";

// Parses `text` expecting a ProjectError; returns its message.
std::string project_error(const std::string& text, const fs::path& file = kFile) {
    try {
        parse_project(text, file);
    } catch (const ProjectError& e) {
        return e.what();
    }
    FAIL("no ProjectError thrown");
    return {};
}

}  // namespace

TEST_CASE("project: a full valid project is read block by block", "[project]") {
    const std::string text = R"([project]
name = "Niort Agglo"
crs = "EPSG:2154"

[territory]
path = "communes.geojson"
where = "epci = '200041317'"

[areas]
path = "iris.gpkg"
layer = "iris"
id_field = "code_iris"
name_field = "nom_iris"
population_field = "p19_pop"

[[places]]
name = "bibliotheques"
path = "data/bibliotheques.csv"
separator = ";"
encoding = "ISO-8859-1"
id_field = "Code_bib"
kind = "bibliothèque"
x_field = "Longitude"
y_field = "Latitude"
capacity_field = "places"

[[places]]
path = "festivals.csv"
kind_field = "discipline"
latlon_field = "geo"

[[actors]]
path = "acteurs.csv"
id_field = "actor_id"
family_field = "famille"
wkt_field = "geom"
crs = "EPSG:2154"

[links]
path = "liens.csv"
source_field = "source"
target_field = "cible"
kind_field = "type"
weight_field = "poids"
)";
    const Project p = parse_project(text, kFile);
    CHECK(p.name == "Niort Agglo");
    CHECK(p.crs == "EPSG:2154");
    CHECK(p.file == kFile);
    CHECK(p.territory.block == "territory");
    CHECK(p.territory.where == "epci = '200041317'");
    CHECK(p.areas.layer == "iris");
    CHECK(p.areas.id_field == "code_iris");
    CHECK(p.areas.name_field == "nom_iris");
    CHECK(p.areas.population_field == "p19_pop");

    REQUIRE(p.places.size() == 2);
    const auto& bib = p.places[0];
    CHECK(bib.block == "places[1]");
    CHECK(bib.name == "bibliotheques");
    CHECK(bib.separator == ";");
    CHECK(bib.encoding == "ISO-8859-1");
    CHECK(bib.kind == "bibliothèque");
    CHECK(bib.location.x_field == "Longitude");
    CHECK(bib.location.y_field == "Latitude");
    CHECK(bib.capacity_field == "places");
    CHECK(bib.line == 16);  // line of the [[places]] header
    const auto& fest = p.places[1];
    CHECK(fest.block == "places[2]");
    CHECK(fest.name == "festivals");  // default: file stem
    CHECK(fest.kind_field == "discipline");
    CHECK(fest.location.latlon_field == "geo");
    CHECK(fest.location.uses_fields());

    REQUIRE(p.actors.size() == 1);
    CHECK(p.actors[0].block == "actors[1]");
    CHECK(p.actors[0].family_field == "famille");
    CHECK(p.actors[0].location.wkt_field == "geom");
    CHECK(p.actors[0].location.crs == "EPSG:2154");

    REQUIRE(p.links.has_value());
    CHECK(p.links->source_field == "source");
    CHECK(p.links->target_field == "cible");
    CHECK(p.links->kind_field == "type");
    CHECK(p.links->weight_field == "poids");
}

TEST_CASE("project: relative paths are resolved against the project file's folder", "[project]") {
    const Project p = parse_project(kMinimal + R"(
[[places]]
path = "data/lieux.csv"
kind = "salle"

[[actors]]
path = "../commun/acteurs.csv"
family = "musique"

[links]
path = "/abs/liens.csv"
source_field = "a"
target_field = "b"
)", kFile);
    CHECK(p.base_dir == kFile.parent_path());
    CHECK(p.territory.path == fs::path("/srv/etudes/niort/communes.geojson"));
    CHECK(p.territory.path_as_written == "communes.geojson");
    CHECK(p.places.at(0).path == fs::path("/srv/etudes/niort/data/lieux.csv"));
    CHECK(p.places.at(0).path_as_written == "data/lieux.csv");
    CHECK(p.actors.at(0).path == fs::path("/srv/etudes/commun/acteurs.csv"));  // lexically normalised
    CHECK(p.links->path == fs::path("/abs/liens.csv"));                         // absolute kept
}

TEST_CASE("project: defaults — working CRS EPSG:2154, name from the folder, no links", "[project]") {
    const Project p = parse_project(kMinimal, kFile);
    CHECK(p.crs == "EPSG:2154");
    CHECK(p.name == "niort");
    CHECK(p.places.empty());
    CHECK(p.actors.empty());
    CHECK_FALSE(p.links.has_value());
    CHECK(p.territory.name == "communes");
}

TEST_CASE("project: an unknown key is a ProjectError naming the key and its line", "[project]") {
    const std::string text = kMinimal + R"(
[[places]]
path = "lieux.csv"
kind = "salle"
id_feild = "id"
)";
    // kMinimal starts with an empty line: [[places]] is on line 9, the typo on line 12.
    try {
        parse_project(text, kFile);
        FAIL("no ProjectError thrown");
    } catch (const ProjectError& e) {
        const std::string what = e.what();
        CHECK_THAT(what, Catch::Contains("id_feild"));
        CHECK_THAT(what, Catch::Contains("ligne 12"));
        CHECK_THAT(what, Catch::Contains("projet.toml"));
        CHECK_THAT(what, Catch::Contains("places[1]"));
        CHECK(e.where().field == "id_feild");
        CHECK(e.where().feature == "ligne 12");
    }
}

TEST_CASE("project: an unknown key in [project] or at the root is reported too", "[project]") {
    CHECK_THAT(project_error("[project]\nnom = \"x\"\n" + kMinimal),
               Catch::Contains("'nom'") && Catch::Contains("ligne 2"));
    CHECK_THAT(project_error(kMinimal + "\n[place]\npath = \"x.csv\"\n"), Catch::Contains("'place'"));
}

TEST_CASE("project: a missing [territory] block is a ProjectError", "[project]") {
    const std::string what = project_error("[areas]\npath = \"a.geojson\"\nid_field = \"code\"\n");
    CHECK_THAT(what, Catch::Contains("territory"));
    CHECK_THAT(what, Catch::Contains("absent"));
}

TEST_CASE("project: a missing areas id_field or a missing path is a ProjectError naming the key", "[project]") {
    CHECK_THAT(project_error("[territory]\npath = \"t.geojson\"\n[areas]\npath = \"a.geojson\"\n"),
               Catch::Contains("id_field"));
    CHECK_THAT(project_error("[territory]\nname = \"t\"\n[areas]\npath = \"a.geojson\"\nid_field = \"c\"\n"),
               Catch::Contains("'path'"));
}

TEST_CASE("project: [[places]] needs exactly one of kind and kind_field", "[project]") {
    const std::string neither = project_error(kMinimal + "\n[[places]]\npath = \"lieux.csv\"\n");
    CHECK_THAT(neither, Catch::Contains("kind") && Catch::Contains("kind_field") && Catch::Contains("places[1]"));
    CHECK_THAT(neither, Catch::Contains("ligne 9"));
    const std::string both =
        project_error(kMinimal + "\n[[places]]\npath = \"lieux.csv\"\nkind = \"a\"\nkind_field = \"b\"\n");
    CHECK_THAT(both, Catch::Contains("kind_field"));
    CHECK_THAT(project_error(kMinimal + "\n[[actors]]\npath = \"acteurs.csv\"\n"), Catch::Contains("family_field"));
}

TEST_CASE("project: x_field without y_field is a ProjectError", "[project]") {
    const std::string what =
        project_error(kMinimal + "\n[[places]]\npath = \"lieux.csv\"\nkind = \"salle\"\nx_field = \"lon\"\n");
    CHECK_THAT(what, Catch::Contains("y_field"));
    CHECK_THAT(what, Catch::Contains("x_field"));
}

TEST_CASE("project: two location methods in one block are a ProjectError", "[project]") {
    const std::string what = project_error(kMinimal +
        "\n[[places]]\npath = \"lieux.csv\"\nkind = \"salle\"\nx_field = \"lon\"\ny_field = \"lat\"\nlatlon_field = \"geo\"\n");
    CHECK_THAT(what, Catch::Contains("une seule façon"));
}

TEST_CASE("project: a wrong value type names the key and line", "[project]") {
    const std::string what = project_error(kMinimal + "\n[[places]]\npath = \"lieux.csv\"\nkind = 3\n");
    CHECK_THAT(what, Catch::Contains("'kind'") && Catch::Contains("ligne 11"));
}

TEST_CASE("project: a multi-character separator is a ProjectError", "[project]") {
    CHECK_THAT(project_error(kMinimal + "\n[[places]]\npath = \"l.csv\"\nkind = \"s\"\nseparator = \";;\"\n"),
               Catch::Contains("separator"));
    const Project tab = parse_project(kMinimal + "\n[[places]]\npath = \"l.csv\"\nkind = \"s\"\nseparator = \"\\\\t\"\n", kFile);
    CHECK(tab.places.at(0).separator == "\\t");
}

TEST_CASE("project: invalid TOML is a ProjectError naming the line", "[project]") {
    const std::string what = project_error("[project]\nname = \"x\"\ncrs = \"EPSG:2154\n[territory]\n");
    CHECK_THAT(what, Catch::Contains("TOML invalide"));
    CHECK_THAT(what, Catch::Contains("ligne 3"));
    CHECK_THAT(what, Catch::Contains("projet.toml"));
}

TEST_CASE("project: load_project on a missing file is a ProjectError naming the file", "[project]") {
    const fs::path missing = fs::temp_directory_path() / "territoire-unit-does-not-exist" / "projet.toml";
    try {
        territoire::load_project(missing);
        FAIL("no ProjectError thrown");
    } catch (const ProjectError& e) {
        CHECK_THAT(std::string(e.what()), Catch::Contains(missing.string()));
    }
}

TEST_CASE("project: load_project reads the file and resolves paths next to it", "[project]") {
    const fs::path dir = fs::temp_directory_path() / ("territoire-unit-project-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    {
        std::ofstream(dir / "projet.toml") << kMinimal;
    }
    const Project p = territoire::load_project(dir / "projet.toml");
    CHECK(p.territory.path == (dir / "communes.geojson").lexically_normal());
    fs::remove_all(dir);
}

TEST_CASE("project: [links] with source_field equal to target_field is a ProjectError naming target_field",
          "[project]") {
    // kMinimal is lines 1-7; the blank line 8, [links] on line 9, target_field on line 12.
    const std::string text = kMinimal + R"(
[links]
path = "liens.csv"
source_field = "acteur"
target_field = "acteur"
)";
    try {
        parse_project(text, kFile);
        FAIL("no ProjectError thrown");
    } catch (const ProjectError& e) {
        const std::string what = e.what();
        CHECK(e.where().field == "target_field");
        CHECK(e.where().feature == "ligne 12");
        CHECK_THAT(what, Catch::Contains("'target_field'"));
        CHECK_THAT(what, Catch::Contains("source_field"));
        CHECK_THAT(what, Catch::Contains("projet.toml"));
    }
    // Different fields are accepted.
    const Project ok = parse_project(kMinimal + R"(
[links]
path = "liens.csv"
source_field = "acteur"
target_field = "partenaire"
)", kFile);
    REQUIRE(ok.links.has_value());
    CHECK(ok.links->source_field == "acteur");
    CHECK(ok.links->target_field == "partenaire");
}

TEST_CASE("project: two [[places]] blocks with the same source name are a ProjectError naming name and line",
          "[project]") {
    // Two files both called lieux.csv in different folders, no `name` key: both default to "lieux".
    // kMinimal is lines 1-7; first [[places]] on line 9, second on line 13.
    const std::string blocks = R"(
[[places]]
path = "bibliotheques/lieux.csv"
kind = "bibliothèque"

[[places]]
path = "musees/lieux.csv"
kind = "musée"
)";
    try {
        parse_project(kMinimal + blocks, kFile);
        FAIL("no ProjectError thrown");
    } catch (const ProjectError& e) {
        const std::string what = e.what();
        CHECK(e.where().field == "name");
        CHECK(e.where().feature == "ligne 13");
        CHECK_THAT(what, Catch::Contains("'name'"));
        CHECK_THAT(what, Catch::Contains("ligne 13"));
        CHECK_THAT(what, Catch::Contains("lieux"));
        CHECK_THAT(what, Catch::Contains("places"));
        CHECK_THAT(what, Catch::Contains("projet.toml"));
    }

    // A distinct name on either block fixes it.
    std::string named = blocks;
    named.replace(named.find("[[places]]\npath = \"musees"), 10, "[[places]]\nname = \"musees\"");
    const Project p = parse_project(kMinimal + named, kFile);
    REQUIRE(p.places.size() == 2);
    CHECK(p.places[0].name == "lieux");
    CHECK(p.places[1].name == "musees");
}

TEST_CASE("project: an explicit name equal to another block's default name also collides, for actors too",
          "[project]") {
    // Explicit name "acteurs" on the first block, default stem "acteurs" on the second (line 14).
    const std::string what = project_error(kMinimal + R"(
[[actors]]
name = "acteurs"
path = "export.csv"
family = "musique"

[[actors]]
path = "autres/acteurs.csv"
family = "théâtre"
)");
    CHECK_THAT(what, Catch::Contains("'name'") && Catch::Contains("ligne 14") && Catch::Contains("acteurs") &&
                         Catch::Contains("actors"));
    // Same stem in a [[places]] and an [[actors]] block: ids are per kind, no collision.
    const Project p = parse_project(kMinimal + R"(
[[places]]
path = "lieux/donnees.csv"
kind = "salle"

[[actors]]
path = "acteurs/donnees.csv"
family = "musique"
)", kFile);
    CHECK(p.places.at(0).name == "donnees");
    CHECK(p.actors.at(0).name == "donnees");
}

TEST_CASE("project: [participations] and directed links are read", "[project]") {
    const Project p = parse_project(kMinimal + R"(
[links]
path = "liens.csv"
source_field = "de"
target_field = "vers"
directed = true
)",
                                    kFile);
    REQUIRE(p.links);
    CHECK(p.links->directed);
    CHECK_FALSE(p.participations);

    const Project q = parse_project(kMinimal + R"(
[participations]
path = "participations.csv"
actor_field = "acteur"
object_field = "projet"
object_name_field = "nom"
year_field = "annee"
role_field = "role"
projection = "newman"
)",
                                    kFile);
    REQUIRE(q.participations);
    CHECK(q.participations->block == "participations");
    CHECK(q.participations->actor_field == "acteur");
    CHECK(q.participations->object_field == "projet");
    CHECK(q.participations->projection == "newman");
    CHECK(parse_project(kMinimal + "[participations]\npath = \"p.csv\"\nactor_field = \"a\"\nobject_field = \"o\"\n", kFile)
              .participations->projection == "count");
}

TEST_CASE("project: wrong network keys are ProjectErrors naming the key and line", "[project]") {
    const std::string links = "[links]\npath = \"l.csv\"\nsource_field = \"a\"\ntarget_field = \"b\"\n";
    const std::string bool_error = project_error(kMinimal + links + "directed = \"oui\"\n");
    CHECK_THAT(bool_error, Catch::Contains("'directed'"));
    CHECK_THAT(bool_error, Catch::Contains("true ou false"));
    CHECK_THAT(bool_error, Catch::Contains("ligne 12"));

    const std::string part = "[participations]\npath = \"p.csv\"\nactor_field = \"a\"\nobject_field = \"o\"\n";
    const std::string projection = project_error(kMinimal + part + "projection = \"jaccard\"\n");
    CHECK_THAT(projection, Catch::Contains("'projection'"));
    CHECK_THAT(projection, Catch::Contains("jaccard"));

    CHECK_THAT(project_error(kMinimal + "[participations]\npath = \"p.csv\"\nactor_field = \"a\"\n"),
               Catch::Contains("'object_field'"));
    CHECK_THAT(project_error(kMinimal + links + "directed = true\n" + part), Catch::Contains("directed = true"));
    // `directed` belongs to [links] only.
    CHECK_THAT(project_error(kMinimal + part + "directed = true\n"), Catch::Contains("clé inconnue"));
}
