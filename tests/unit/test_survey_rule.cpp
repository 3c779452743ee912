// Unit tests of the public_rule language (survey_rule.hpp, docs/survey.md): parsing, positions of
// syntax errors, three-valued evaluation, multi answers.
#include <catch2/catch.hpp>

#include <map>

#include "survey_rule.hpp"

using territoire::survey::Rule;
using territoire::survey::RuleSyntaxError;

namespace {
using Answers = std::map<std::string, std::vector<std::string>>;
std::optional<bool> eval(const std::string& rule, const Answers& a) {
    return Rule::parse(rule).evaluate([&](const std::string& q) {
        const auto it = a.find(q);
        return it == a.end() ? std::vector<std::string>{} : it->second;
    });
}
std::size_t error_position(const std::string& rule) {
    try {
        Rule::parse(rule);
    } catch (const RuleSyntaxError& e) {
        return e.position;
    }
    return 0;
}
}  // namespace

TEST_CASE("survey rule: comparisons of text and numbers", "[survey]") {
    CHECK(eval("q12 != 'jamais'", {{"q12", {"souvent"}}}) == true);
    CHECK(eval("q12 != 'jamais'", {{"q12", {"jamais"}}}) == false);
    CHECK(eval("q12 == \"jamais\"", {{"q12", {"jamais"}}}) == true);
    CHECK(eval("age >= 18 and age < 30", {{"age", {"18"}}}) == true);
    CHECK(eval("age >= 18 and age < 30", {{"age", {"30"}}}) == false);
    CHECK(eval("n == 2", {{"n", {"2,0"}}}) == true);  // French decimal comma, compared as numbers
    CHECK(eval("q in ['a', 'b']", {{"q", {"b"}}}) == true);
    CHECK(eval("q not in ['a', 'b']", {{"q", {"b"}}}) == false);
    CHECK(eval("not (q == 'a' or q == 'b')", {{"q", {"c"}}}) == true);
}

TEST_CASE("survey rule: a multi answer satisfies a comparison when one of its answers does", "[survey]") {
    CHECK(eval("lieux == 'musée'", {{"lieux", {"cinéma", "musée"}}}) == true);
    CHECK(eval("lieux != 'musée'", {{"lieux", {"cinéma", "musée"}}}) == false);
    CHECK(eval("lieux in ['théâtre', 'cinéma']", {{"lieux", {"cinéma"}}}) == true);
}

TEST_CASE("survey rule: a missing answer is unknown, as in SQL", "[survey]") {
    CHECK_FALSE(eval("q12 != 'jamais'", {}).has_value());
    CHECK_FALSE(eval("not q12 == 'jamais'", {}).has_value());
    CHECK(eval("q12 == 'x' or q13 == 'y'", {{"q13", {"y"}}}) == true);    // unknown or true = true
    CHECK(eval("q12 == 'x' and q13 == 'y'", {{"q13", {"z"}}}) == false);  // unknown and false = false
    CHECK_FALSE(eval("q12 == 'x' and q13 == 'y'", {{"q13", {"y"}}}).has_value());
    CHECK_FALSE(eval("age < 30", {{"age", {"trente"}}}).has_value());      // not a number
}

TEST_CASE("survey rule: questions read, in order of first use", "[survey]") {
    const Rule r = Rule::parse("(q12 == 'a' or q3 < 2) and q12 != 'b'");
    CHECK(r.questions() == std::vector<std::string>{"q12", "q3"});
    CHECK(r.positions() == std::vector<std::size_t>{2, 16});
}

TEST_CASE("survey rule: syntax errors give the position", "[survey]") {
    CHECK(error_position("q12 != 'jamais") == 8);   // unterminated quote
    CHECK(error_position("q12 = 'jamais'") == 5);   // single =
    CHECK(error_position("q12 'a'") == 5);          // no operator
    CHECK(error_position("q12 == 'a' q13") == 12);  // trailing question
    CHECK(error_position("(q12 == 'a'") == 12);     // unclosed parenthesis: at the end
    CHECK(error_position("q12 < 'a'") == 7);        // < compares numbers
    CHECK(error_position("") == 1);
    CHECK(error_position("âge == 'x' and") == 15);  // positions count characters, not bytes
    CHECK(error_position("q12 in ['a' 'b']") == 13);
}
