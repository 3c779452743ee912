// test_presets.cpp — presets (candidate columns, variants, explicit keys winning), record rules
// (codes padded, lists, dissolved records) and crosswalks (docs/presets.md).
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

#include "presets.hpp"
#include "territoire/error.hpp"
#include "territoire/project.hpp"

namespace fs = std::filesystem;
using namespace territoire;

namespace {

fs::path temp_dir(const std::string& name) {
    const fs::path dir = fs::temp_directory_path() / ("territoire-presets-" + name + "-" + std::to_string(getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

void write(const fs::path& file, const std::string& text) {
    std::ofstream(file, std::ios::binary) << text;
}

std::string with_block(const std::string& block) {
    return "[territory]\npath = \"t.geojson\"\n[areas]\npath = \"t.geojson\"\nid_field = \"code\"\n" + block;
}

}  // namespace

TEST_CASE("a preset picks the first candidate column present in the header", "[presets]") {
    const fs::path dir = temp_dir("candidates");
    write(dir / "export.csv", "\xEF\xBB\xBFnom;type_equipement_ou_lieu;latitude;longitude;nombre_fauteuils_de_cinema\n");
    write(dir / "affichage.csv", "Nom;Type équipement ou lieu;Latitude;Longitude;Identifiant deps;Jauge_du_theatre\n");
    const Project p = parse_project(with_block(R"(
[[places]]
path = "export.csv"
preset = "basilic"
[[places]]
path = "affichage.csv"
preset = "basilic"
)"), dir / "p.toml");
    REQUIRE(p.places.size() == 2);
    const SourceSpec& e = p.places[0];
    CHECK(e.name_field == "nom");
    CHECK(e.kind_field == "type_equipement_ou_lieu");
    CHECK(e.location.y_field == "latitude");
    CHECK(e.location.x_field == "longitude");
    CHECK(e.id_field.empty());  // optional, absent: generated ids
    CHECK(e.separator == ";");
    REQUIRE(e.capacity_columns.size() == 1);
    CHECK(e.capacity_columns[0] == std::make_pair(std::string("nombre_fauteuils_de_cinema"), std::string("fauteuils")));
    CHECK(e.crosswalk.filename() == "basilic_types.csv");
    const SourceSpec& a = p.places[1];
    CHECK(a.name_field == "Nom");
    CHECK(a.kind_field == "Type équipement ou lieu");
    CHECK(a.id_field == "Identifiant deps");
    REQUIRE(a.capacity_columns.size() == 1);
    CHECK(a.capacity_columns[0].second == "places");
    fs::remove_all(dir);
}

TEST_CASE("explicit keys win over the preset, a constant replaces the preset's column", "[presets]") {
    const fs::path dir = temp_dir("explicit");
    write(dir / "b.csv", "Nom;Type équipement ou lieu;Latitude;Longitude;lat;lon\n");
    const Project p = parse_project(with_block(R"(
[[places]]
path = "b.csv"
preset = "basilic"
kind = "lieu culturel"
name_field = "Type équipement ou lieu"
latlon_field = "lat"
)"), dir / "p.toml");
    const SourceSpec& s = p.places[0];
    CHECK(s.kind == "lieu culturel");
    CHECK(s.kind_field.empty());
    CHECK(s.name_field == "Type équipement ou lieu");
    CHECK(s.location.latlon_field == "lat");
    CHECK(s.location.x_field.empty());
    CHECK(s.location.y_field.empty());
    fs::remove_all(dir);
}

TEST_CASE("the rna preset recognises its two variants", "[presets]") {
    const fs::path dir = temp_dir("rna");
    write(dir / "waldec.csv", "id;siret;titre;objet_social1;adrs_numvoie;adrs_repetition;adrs_typevoie;adrs_libvoie;"
                              "adrs_codeinsee;adrs_codepostal;adrs_libcommune;position\n");
    write(dir / "import.csv", "id;id_ex;siret;titre;objet_social1;adr1;adr2;adr3;adrs_codepostal;libcom;position\n");
    const Project p = parse_project(with_block(R"(
[[actors]]
path = "waldec.csv"
preset = "rna"
[[actors]]
path = "import.csv"
preset = "rna"
include_dissolved = true
)"), dir / "p.toml");
    const SourceSpec& w = p.actors[0];
    CHECK(w.preset_variant == "rna_waldec");
    CHECK(w.address_fields == std::vector<std::string>{"adrs_numvoie", "adrs_repetition", "adrs_typevoie", "adrs_libvoie"});
    CHECK(w.citycode_field == "adrs_codeinsee");
    CHECK(w.city_field == "adrs_libcommune");
    CHECK(w.ids.at("rna") == "id");
    CHECK(w.ids.at("siret") == "siret");
    CHECK(w.ids.count("waldec_ancien") == 0);  // id_ex absent from this header
    CHECK(w.family_field == "objet_social1");
    CHECK(w.status_field == "position");
    CHECK(w.excluded_status == std::vector<std::string>{"D", "S"});
    CHECK(w.fallback_encoding == "ISO-8859-1");
    CHECK_FALSE(w.include_dissolved);
    const SourceSpec& i = p.actors[1];
    CHECK(i.preset_variant == "rna_import");
    CHECK(i.address_fields == std::vector<std::string>{"adr1", "adr2", "adr3"});
    CHECK(i.city_field == "libcom");
    CHECK(i.citycode_field.empty());
    CHECK(i.ids.at("waldec_ancien") == "id_ex");
    CHECK(i.include_dissolved);
    fs::remove_all(dir);
}

TEST_CASE("preset errors name the file, the key and the candidates", "[presets]") {
    const fs::path dir = temp_dir("errors");
    write(dir / "x.csv", "titre;adresse\n");
    try {
        parse_project(with_block("[[actors]]\npath = \"x.csv\"\npreset = \"rna\"\n"), dir / "p.toml");
        FAIL("no error");
    } catch (const InputError& e) {
        const std::string m = e.what();
        CHECK(m.find("x.csv") != std::string::npos);
        CHECK(m.find("'adrs_libvoie'") != std::string::npos);  // the variants' markers
        CHECK(m.find("'adr1'") != std::string::npos);
    }
    CHECK_THROWS_WITH(parse_project(with_block("[[actors]]\npath = \"x.csv\"\npreset = \"nope\"\n"), dir / "p.toml"),
                      Catch::Contains("préréglage « nope » inconnu") && Catch::Contains("rna"));
    CHECK_THROWS_WITH(parse_project(with_block("[[actors]]\npath = \"x.csv\"\npreset = \"bpe\"\n"), dir / "p.toml"),
                      Catch::Contains("ne s'applique pas au bloc [actors[1]]") && Catch::Contains("[places]"));
    write(dir / "m.csv", "nom_officiel;latitude;longitude\n");
    CHECK_THROWS_WITH(parse_project(with_block("[[places]]\npath = \"m.csv\"\npreset = \"musees\"\n"), dir / "p.toml"),
                      Catch::Contains("'nom_officiel_du_musee', 'Nom officiel du musée'") &&
                          Catch::Contains("name_field"));
    fs::remove_all(dir);
}

TEST_CASE("record rules: codes padded, lists cut, dissolved records left out", "[presets]") {
    SourceSpec spec;
    spec.code_widths = {{"CODE_IRIS", 9}, {"INSEE_COM", 5}};
    spec.list_fields = {{"code_insee", ","}};
    spec.status_field = "position";
    spec.excluded_status = {"D", "S"};
    SourceData data;
    data.columns = {"CODE_IRIS", "INSEE_COM", "code_insee", "position"};
    data.records = {Record{"ligne 2", {"10040101", "1004.0", "79191, 79003", "A"}, {}},
                    Record{"ligne 3", {"2A0040101", "2A004", "79003", "D"}, {}},
                    Record{"ligne 4", {"", "67482", "", "S"}, {}},
                    Record{"ligne 5", {"674820101", "67482", "", "R"}, {}}};
    SourceData kept_all = data;
    apply_record_rules(spec, data);
    REQUIRE(data.records.size() == 2);
    CHECK(data.records[0].values == std::vector<std::string>{"010040101", "01004", "79191", "A"});
    CHECK(data.records[1].values[0] == "674820101");
    CHECK(data.excluded == 2);
    CHECK(data.excluded_by_status == std::map<std::string, std::size_t>{{"D", 1}, {"S", 1}});
    spec.include_dissolved = true;
    apply_record_rules(spec, kept_all);
    CHECK(kept_all.records.size() == 4);
    CHECK(kept_all.records[1].values[0] == "2A0040101");  // not numeric: left as it is
    CHECK(kept_all.excluded == 0);
}

TEST_CASE("crosswalks: accents and case ignored, longest prefix for codes, duplicates refused", "[presets]") {
    const fs::path dir = temp_dir("crosswalk");
    write(dir / "c.csv", "# source : essai\n# deuxième ligne de commentaire\ncode;label;kind;family;domain\n"
                         "006;culture;;culture et pratiques;culture\n006030;chant choral, musique;;musique;musique\n"
                         "Théâtre;Théâtre;théâtre;théâtre;spectacle vivant\n");
    SourceSpec spec;
    spec.crosswalk = dir / "c.csv";
    spec.crosswalk_as_written = "c.csv";
    const Crosswalk cw(spec);
    REQUIRE(cw.find("006030"));
    CHECK(cw.find("006030")->family == "musique");
    REQUIRE(cw.find("006031"));
    CHECK(cw.find("006031")->family == "culture et pratiques");
    CHECK(cw.find("006031")->line == 4);
    REQUIRE(cw.find(" THEATRE "));
    CHECK(cw.find(" THEATRE ")->kind == "théâtre");
    CHECK_FALSE(cw.find("Théâtre de verdure"));  // text: no prefix match
    CHECK_FALSE(cw.find("011180"));
    write(dir / "d.csv", "code;family\n006;a\n006;b\n");
    spec.crosswalk = dir / "d.csv";
    spec.crosswalk_as_written = "d.csv";
    CHECK_THROWS_WITH(Crosswalk(spec), Catch::Contains("ligne 3") && Catch::Contains("déjà présent"));
    write(dir / "e.csv", "famille;domaine\nx;y\n");
    spec.crosswalk = dir / "e.csv";
    CHECK_THROWS_WITH(Crosswalk(spec), Catch::Contains("colonne 'code' absente"));
    fs::remove_all(dir);
}
