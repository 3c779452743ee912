// test_csv.cpp — detail/csv.hpp: RFC 4180 quoting, CRLF, separator detection, ragged rows, errors.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "detail/csv.hpp"
#include "territoire/error.hpp"

using territoire::detail::CsvRaggedRow;
using territoire::detail::CsvTable;
using territoire::detail::detect_separator;
using territoire::detail::parse_csv;

namespace {
CsvTable parse(const std::string& text, char sep = 0) {
    std::vector<CsvRaggedRow> ragged;
    CsvTable t = parse_csv(text, sep, ragged);
    REQUIRE(ragged.empty());
    return t;
}
}  // namespace

TEST_CASE("csv: a separator inside quotes belongs to the field", "[csv]") {
    const CsvTable t = parse("id;nom;note\n1;\"Théâtre; salle A\";x\n");
    REQUIRE(t.header == std::vector<std::string>{"id", "nom", "note"});
    REQUIRE(t.rows.size() == 1);
    CHECK(t.rows[0].fields == std::vector<std::string>{"1", "Théâtre; salle A", "x"});
}

TEST_CASE("csv: a line break inside quotes stays in the field and the record keeps its starting line", "[csv]") {
    const CsvTable t = parse("id;adresse;ville\n"            // line 1
                             "1;\"2 rue Basse\n79000\";Niort\n"  // lines 2-3
                             "2;\"a\nb\nc\";Melle\n"           // lines 4-6
                             "3;place;Parthenay\n");          // line 7
    REQUIRE(t.rows.size() == 3);
    CHECK(t.rows[0].line == 2);
    CHECK(t.rows[0].fields[1] == "2 rue Basse\n79000");
    CHECK(t.rows[0].fields[2] == "Niort");
    CHECK(t.rows[1].line == 4);
    CHECK(t.rows[1].fields[1] == "a\nb\nc");
    CHECK(t.rows[2].line == 7);
    CHECK(t.rows[2].fields[2] == "Parthenay");
}

TEST_CASE("csv: doubled quotes inside a quoted field are one quote", "[csv]") {
    const CsvTable t = parse("id,titre\n1,\"Le \"\"Moulin\"\" du Roc\"\n2,\"\"\"\"\n");
    REQUIRE(t.rows.size() == 2);
    CHECK(t.rows[0].fields[1] == "Le \"Moulin\" du Roc");
    CHECK(t.rows[1].fields[1] == "\"");
}

TEST_CASE("csv: CRLF line endings leave no carriage return in fields", "[csv]") {
    const CsvTable t = parse("a,b\r\n1,2\r\n3,4\r\n");
    REQUIRE(t.header == std::vector<std::string>{"a", "b"});
    REQUIRE(t.rows.size() == 2);
    CHECK(t.rows[0].fields == std::vector<std::string>{"1", "2"});
    CHECK(t.rows[0].line == 2);
    CHECK(t.rows[1].fields == std::vector<std::string>{"3", "4"});
    CHECK(t.rows[1].line == 3);
}

TEST_CASE("csv: unquoted fields are trimmed, quoted ones are kept verbatim", "[csv]") {
    const CsvTable t = parse("a;b\n  x  ; \" y \"\n");
    REQUIRE(t.rows.size() == 1);
    CHECK(t.rows[0].fields[0] == "x");
    CHECK(t.rows[0].fields[1] == " y ");
}

TEST_CASE("csv: blank lines are skipped and the last line needs no line break", "[csv]") {
    const CsvTable t = parse("a;b\n1;2\n\n3;4");
    REQUIRE(t.rows.size() == 2);
    CHECK(t.rows[1].line == 4);
    CHECK(t.rows[1].fields == std::vector<std::string>{"3", "4"});
}

TEST_CASE("csv: the separator is detected from the header line", "[csv]") {
    CHECK(detect_separator("a;b;c,d\n1,2,3,4,5,6\n") == ';');  // more ';' than ',' in the header
    CHECK(detect_separator("a,b,c;d\n") == ',');
    CHECK(detect_separator("a\tb\tc\n") == '\t');
    CHECK(detect_separator("a|b|c\n") == '|');
    CHECK(detect_separator("a;b,c\n") == ';');                  // tie: ';'
    CHECK(detect_separator("\"x,y,z\";b;c\n") == ';');          // quoted separators do not count

    std::vector<CsvRaggedRow> ragged;
    const CsvTable t = parse_csv("nom;lat,lon;ville\nA;46,32;Niort\n", 0, ragged);
    CHECK(t.separator == ';');
    CHECK(t.header == std::vector<std::string>{"nom", "lat,lon", "ville"});
    CHECK(t.rows.at(0).fields[1] == "46,32");
}

TEST_CASE("csv: an explicit separator overrides detection", "[csv]") {
    std::vector<CsvRaggedRow> ragged;
    const CsvTable t = parse_csv("a;b,c\n1;2,3\n", ',', ragged);
    CHECK(t.separator == ',');
    CHECK(t.header == std::vector<std::string>{"a;b", "c"});
}

TEST_CASE("csv: ragged rows are left out and reported with their line and field counts", "[csv]") {
    std::vector<CsvRaggedRow> ragged;
    const CsvTable t = parse_csv("a;b\n"      // 1
                                 "1;2\n"      // 2
                                 "3\n"        // 3: one field
                                 "4;5;6\n"    // 4: three fields
                                 "\"x\ny\";8;9\n"  // 5-6: three fields, starts on line 5
                                 "7;8\n",     // 7
                                 0, ragged);
    REQUIRE(t.rows.size() == 2);
    CHECK(t.rows[0].line == 2);
    CHECK(t.rows[1].line == 7);
    REQUIRE(ragged.size() == 3);
    CHECK(ragged[0].line == 3);
    CHECK(ragged[0].expected == 2);
    CHECK(ragged[0].found == 1);
    CHECK(ragged[1].line == 4);
    CHECK(ragged[1].found == 3);
    CHECK(ragged[2].line == 5);
}

TEST_CASE("csv: an unterminated quote is an Error naming the line where the quote opened", "[csv]") {
    std::vector<CsvRaggedRow> ragged;
    const std::string text = "id;nom\n1;ok\n2;\"jamais fermé\n3;x\n4;y\n";
    try {
        parse_csv(text, 0, ragged);
        FAIL("no exception thrown");
    } catch (const territoire::Error& e) {
        const std::string what = e.what();
        CHECK_THAT(what, Catch::Contains("ligne 3"));
        CHECK_THAT(what, Catch::Contains("guillemet"));
    }
}

TEST_CASE("csv: an empty text or an empty header is an Error", "[csv]") {
    std::vector<CsvRaggedRow> ragged;
    CHECK_THROWS_AS(parse_csv("", 0, ragged), territoire::Error);
    CHECK_THROWS_WITH(parse_csv("\n1;2\n", 0, ragged), Catch::Contains("ligne 1"));
}
