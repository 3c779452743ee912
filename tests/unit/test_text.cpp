// test_text.cpp — detail/text.hpp: byte-order marks, French numbers, slugs, UTF-8 validation.
#include <catch2/catch.hpp>

#include <string>

#include "detail/text.hpp"
#include "territoire/error.hpp"

using namespace territoire::detail;

namespace {
const std::string kBom = "\xEF\xBB\xBF";
}

TEST_CASE("strip_boms removes zero, one or two leading UTF-8 BOMs and counts them", "[text]") {
    SECTION("no BOM: text unchanged") {
        std::string s = "id;nom";
        CHECK(strip_boms(s) == 0);
        CHECK(s == "id;nom");
    }
    SECTION("one BOM") {
        std::string s = kBom + "id;nom";
        CHECK(strip_boms(s) == 1);
        CHECK(s == "id;nom");
    }
    SECTION("two BOMs, as some exports carry") {
        std::string s = kBom + kBom + "id;nom";
        CHECK(strip_boms(s) == 2);
        CHECK(s == "id;nom");
    }
    SECTION("a BOM in the middle is left alone") {
        std::string s = "a" + kBom;
        CHECK(strip_boms(s) == 0);
        CHECK(s == "a" + kBom);
    }
    SECTION("empty text and a text made of a BOM only") {
        std::string empty;
        CHECK(strip_boms(empty) == 0);
        std::string only = kBom;
        CHECK(strip_boms(only) == 1);
        CHECK(only.empty());
    }
}

TEST_CASE("parse_number reads numbers as French files write them", "[text]") {
    CHECK(parse_number("12,5") == Approx(12.5));
    CHECK(parse_number("12.5") == Approx(12.5));
    CHECK(parse_number("1 234") == Approx(1234));
    CHECK(parse_number("1\u00a0234") == Approx(1234));       // non-breaking space
    CHECK(parse_number("1\u202f234,5") == Approx(1234.5));   // narrow no-break space
    CHECK(parse_number("-0.45") == Approx(-0.45));
    CHECK(parse_number("-0,45") == Approx(-0.45));
    CHECK(parse_number(" 7 ") == Approx(7));
}

TEST_CASE("parse_number rejects what is not one number", "[text]") {
    CHECK_FALSE(parse_number("abc").has_value());
    CHECK_FALSE(parse_number("1,2,3").has_value());
    CHECK_FALSE(parse_number("").has_value());
    CHECK_FALSE(parse_number("   ").has_value());
    CHECK_FALSE(parse_number("12abc").has_value());
    CHECK_FALSE(parse_number("1.234,5").has_value());  // mixed separators are ambiguous
    CHECK_FALSE(parse_number("inf").has_value());
    CHECK_FALSE(parse_number("nan").has_value());
}

TEST_CASE("slug folds accents and ligatures to lower-case ASCII with '_' separators", "[text]") {
    CHECK(slug("Bibliothèque") == "bibliotheque");
    CHECK(slug("Œuvre d'art") == "oeuvre_d_art");
    CHECK(slug("  Éducation populaire ") == "education_populaire");
    CHECK(slug("Musée / Patrimoine") == "musee_patrimoine");  // runs of separators collapse
    CHECK(slug("Spectacle-vivant") == "spectacle_vivant");
    CHECK(slug("") == "");
}

TEST_CASE("invalid_utf8_at finds the first Latin-1 byte", "[text]") {
    CHECK(invalid_utf8_at("caf\xE9") == 3);              // é in ISO-8859-1
    CHECK(invalid_utf8_at("ab\nTh\xE9\xE2tre") == 5);
    CHECK(invalid_utf8_at("caf\xC3\xA9") == std::string::npos);  // é in UTF-8
    CHECK(invalid_utf8_at("") == std::string::npos);
    CHECK(invalid_utf8_at("ok\xC3") == 2);               // truncated sequence at the end
    CHECK(invalid_utf8_at("\xC0\xAF") == 0);             // overlong encoding
}

TEST_CASE("to_utf8 converts ISO-8859-1 and rejects unknown encodings", "[text]") {
    CHECK(to_utf8("Th\xE9\xE2tre", "ISO-8859-1") == "Théâtre");
    CHECK(to_utf8("Théâtre", "utf-8") == "Théâtre");
}

TEST_CASE("line_of gives the 1-based line of a byte offset", "[text]") {
    const std::string text = "a\nbc\nd";
    CHECK(line_of(text, 0) == 1);
    CHECK(line_of(text, 2) == 2);
    CHECK(line_of(text, 5) == 3);
    CHECK(line_of(text, 999) == 3);
}

TEST_CASE("to_utf8 throws an Error naming an unknown encoding", "[text]") {
    CHECK_THROWS_WITH(to_utf8("Th\xE9", "KLINGON-8"), Catch::Contains("KLINGON-8"));
}
