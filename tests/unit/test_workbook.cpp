// test_workbook.cpp — the workbook's rules (workbook.hpp): Excel sheet names from French titles,
// number formats by field, cell text cut to Excel's limit; and write_workbook on a hand-made
// diagnostic: written under its final name only, an OutputError naming the file when it cannot be.
// What the file holds is checked with openpyxl in tests/workbook/.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "deliverables.hpp"
#include "territoire/error.hpp"
#include "workbook.hpp"

namespace fs = std::filesystem;
using namespace territoire;
using workbook::excel_length;
using workbook::sheet_names;

TEST_CASE("sheet names: French titles kept when Excel accepts them", "[workbook]") {
    CHECK(sheet_names({"Zones", "Fiches familles d'acteurs", "Qualité des données"}) ==
          std::vector<std::string>{"Zones", "Fiches familles d'acteurs", "Qualité des données"});
}

TEST_CASE("sheet names: forbidden characters, edges, length, emptiness", "[workbook]") {
    const auto names = sheet_names({"Acteurs / lieux : bilan [2024]?*\\", "'Citation'", "  ", "",
                                    "Répartition des équipements culturels par quartier prioritaire"});
    CHECK(names[0] == "Acteurs - lieux - bilan 2024");
    CHECK(names[1] == "Citation");  // Excel refuses a leading or trailing apostrophe
    CHECK(names[2] == "Feuille");
    CHECK(names[3] == "Feuille (2)");
    CHECK(names[4] == "Répartition des équipements…");  // cut at a word, not mid-word
    CHECK(excel_length(names[4]) <= 31);  // characters, not bytes
}

TEST_CASE("sheet names: unique case-insensitively, like Excel, and never the summary's", "[workbook]") {
    const auto names = sheet_names({"Zones", "ZONES", "zones", "Sommaire", "Élus", "élus",
                                    "Liens entre zones du territoire (carte)", "Liens entre zones du territoire (tableau)"});
    CHECK(names[0] == "Zones");
    CHECK(names[1] == "ZONES (2)");
    CHECK(names[2] == "zones (3)");
    CHECK(names[3] == "Sommaire (2)");
    CHECK(names[4] == "Élus");
    CHECK(names[5] == "élus (2)");
    CHECK(names[6] == "Liens entre zones…");  // 39 characters: cut between words, marked « … »
    CHECK(names[7] == "Liens entre zones… (2)");  // no « du » left dangling before the cut
    for (const auto& n : names) CHECK(excel_length(n) <= workbook::kMaxSheetName);
    CHECK(sheet_names({"Zones", "ZONES"}) == sheet_names({"Zones", "ZONES"}));
}

TEST_CASE("sheet names: long titles cut at a word boundary with an ellipsis", "[workbook]") {
    // The access tables' titles (issue 7): the contrast of Niort and its first ring.
    const auto names = sheet_names({"Contraste : Niort / Première couronne", "Accessibilité par carreau",
                                    "Synthèse de l'accessibilité", "Isochrones à pied",
                                    "Habitants à plus de 20 minutes d'une bibliothèque", "Anticonstitutionnellementissimeetcetera"});
    CHECK(names[0] == "Contraste - Niort - Première…");
    CHECK(names[1] == "Accessibilité par carreau");
    CHECK(names[2] == "Synthèse de l'accessibilité");
    CHECK(names[3] == "Isochrones à pied");
    CHECK(names[4] == "Habitants à plus de 20 minutes…");
    CHECK(names[5] == "Anticonstitutionnellementissim…");  // one word: cut inside it
    for (const auto& n : names) CHECK(excel_length(n) <= workbook::kMaxSheetName);
    CHECK(workbook::cut_at_word("Zones", 31) == "Zones");
    CHECK(workbook::cut_at_word("Liens entre zones du territoire", 31) == "Liens entre zones du territoire");
    CHECK(workbook::cut_at_word("Liens entre zones du territoire!", 31) == "Liens entre zones…");  // « du » dropped
}

TEST_CASE("number formats follow the field's type and name", "[workbook]") {
    using workbook::number_format;
    CHECK(number_format({"area_id", FieldType::text, ""}).empty());
    CHECK(number_format({"is_bridge", FieldType::boolean, ""}).empty());
    CHECK(number_format({"n_actors", FieldType::integer, ""}) == "#,##0");
    CHECK(number_format({"community", FieldType::integer, ""}) == "0");
    CHECK(number_format({"actors_per_10k", FieldType::real, ""}) == "0.0");
    CHECK(number_format({"n_actors_theatre_per_10k", FieldType::real, ""}) == "0.0");
    CHECK(number_format({"share_links_pct", FieldType::real, ""}) == "0.0");
    CHECK(number_format({"betweenness", FieldType::real, ""}) == "0.0000");
    CHECK(number_format({"pagerank", FieldType::real, ""}) == "0.0000");
    CHECK(number_format({"population", FieldType::real, ""}) == "#,##0");
    CHECK(number_format({"length_m", FieldType::real, ""}) == "#,##0");
    CHECK(number_format({"area_km2", FieldType::real, ""}) == "#,##0.00");
    CHECK(number_format({"weight", FieldType::real, ""}) == "#,##0.00");
    CHECK(number_format({"value", FieldType::real, ""}) == "General");
}

TEST_CASE("cell texts are cut to Excel's 32 767 UTF-16 units, between characters", "[workbook]") {
    CHECK(excel_length("été") == 3);
    CHECK(excel_length("\xF0\x9F\x8E\xAD") == 2);  // 🎭: a surrogate pair in UTF-16

    std::string fits(workbook::kMaxCellText, 'a');
    CHECK_FALSE(workbook::fit_cell_text(fits));
    CHECK(fits.size() == workbook::kMaxCellText);

    std::string accents;
    for (int i = 0; i < 20000; ++i) accents += "é";
    accents += accents;  // 40 000 characters, 80 000 bytes
    REQUIRE(workbook::fit_cell_text(accents));
    CHECK(excel_length(accents) == workbook::kMaxCellText);
    CHECK(accents.substr(accents.size() - 6) == " […]");
    CHECK(accents.substr(0, 2) == "é");

    std::string masks;
    for (int i = 0; i < 17000; ++i) masks += "\xF0\x9F\x8E\xAD";
    REQUIRE(workbook::fit_cell_text(masks));
    CHECK(excel_length(masks) <= workbook::kMaxCellText);
    CHECK((masks.size() - std::string(" […]").size()) % 4 == 0);  // no mask cut in half
}

namespace {

// A diagnostic with only tables: a point layer, an attribute table with every kind of value
// (NULL, NaN, a text over Excel's limit), and titles that need cleaning and collide.
Diagnostic hand_made() {
    Diagnostic d;
    d.project.name = "Essai & co";
    d.project.crs = "EPSG:2154";
    d.territory.name = "Essai";
    Table places{"places", "Lieux", "Lieux", GeometryType::point, {}, {}, {}};
    places.fields = {{"place_id", FieldType::text, "Identifiant"}, {"capacity", FieldType::real, "Capacité"}};
    places.rows = {{std::string("01004"), 120.0}, {std::string("01005"), Value()}};
    Wkb niort{1, 1, 0, 0, 0};  // NDR Point (433 000, 6 590 000) in Lambert-93
    for (double v : {433000.0, 6590000.0}) {
        const auto* b = reinterpret_cast<const unsigned char*>(&v);
        niort.insert(niort.end(), b, b + 8);
    }
    places.geometries = {niort, Wkb{}};
    Table odd{"odd", "Acteurs / lieux : bilan ?", "", GeometryType::none, {}, {}, {}};
    odd.fields = {{"text", FieldType::text, "Texte"}, {"n_x", FieldType::integer, ""}, {"x", FieldType::real, "X"},
                  {"flag", FieldType::boolean, "Drapeau"}};
    odd.rows = {{std::string(40000, 'a'), std::int64_t{3}, std::nan(""), true}, {Value(), Value(), Value(), Value()}};
    Table twin = odd;
    twin.name = "twin";
    d.tables = {places, odd, twin};
    return d;
}

fs::path scratch(const std::string& name) {
    const fs::path dir = fs::temp_directory_path() / ("territoire-workbook-" + std::to_string(::getpid())) / name;
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

}  // namespace

TEST_CASE("write_workbook writes the xlsx under its final name and nothing else", "[workbook]") {
    const fs::path dir = scratch("ok");
    const fs::path file = dir / "diagnostic.xlsx";
    write_workbook(hand_made(), file);
    std::ifstream in(file, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CHECK(bytes.substr(0, 4) == std::string("PK\x03\x04", 4));  // a zip archive, as xlsx files are
    CHECK(std::distance(fs::directory_iterator(dir), fs::directory_iterator{}) == 1);
    // Same diagnostic, same bytes.
    write_workbook(hand_made(), dir / "again.xlsx");
    std::ifstream again(dir / "again.xlsx", std::ios::binary);
    CHECK(std::string((std::istreambuf_iterator<char>(again)), std::istreambuf_iterator<char>()) == bytes);
    fs::remove_all(dir.parent_path());
}

TEST_CASE("write_workbook: an OutputError names the file it cannot write, and no temporary file stays", "[workbook]") {
    const fs::path dir = scratch("blocked");
    const fs::path file = dir / "diagnostic.xlsx";
    fs::create_directory(file);  // a folder in the way: the final rename fails
    try {
        write_workbook(hand_made(), file);
        FAIL("no OutputError");
    } catch (const OutputError& e) {
        CHECK_THAT(e.what(), Catch::Contains(file.string()));
    }
    CHECK(std::distance(fs::directory_iterator(dir), fs::directory_iterator{}) == 1);

    const fs::path missing = dir / "absent" / "diagnostic.xlsx";  // libxlsxwriter cannot create it
    CHECK_THROWS_WITH(write_workbook(hand_made(), missing), Catch::Contains(missing.string()));
    CHECK_FALSE(fs::exists(dir / "absent"));
    fs::remove_all(dir.parent_path());
}

TEST_CASE("write_workbook: a table longer than an Excel sheet keeps its first 1 048 575 rows", "[workbook]") {
    // National files have more actors than a sheet has rows: the workbook is still written (it
    // used to stop the whole run with an error), the GeoPackage keeping every row.
    Diagnostic d;
    Table big{"actors", "Acteurs", "", GeometryType::none, {{"n", FieldType::integer, "Numéro"}}, {}, {}};
    big.rows.reserve(1048580);
    for (std::int64_t i = 0; i < 1048580; ++i) big.rows.push_back({i});
    d.tables = {big};
    const fs::path dir = scratch("big");
    REQUIRE_NOTHROW(write_workbook(d, dir / "diagnostic.xlsx"));
    CHECK(fs::file_size(dir / "diagnostic.xlsx") > 1000000);
    fs::remove_all(dir.parent_path());
}
