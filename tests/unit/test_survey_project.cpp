// test_survey_project.cpp — the [survey] block of the project file (survey_project.cpp,
// docs/project-file.md): keys, defaults, question order, and errors naming the line and the key.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "territoire/error.hpp"
#include "territoire/project.hpp"

namespace fs = std::filesystem;
using territoire::parse_project;
using territoire::ProjectError;

namespace {

const fs::path kFile = fs::path("/srv/etudes/niort") / "projet.toml";

std::string survey_project(const std::string& extra_keys, const std::string& questions = R"(
q12 = { type = "single" }
q15 = { type = "likert", levels = ["pas du tout", "peu", "assez", "très"], label = "Satisfaction" }
a_oui = "yesno"
)") {
    return R"(
[territory]
path = "communes.geojson"

[areas]
path = "communes.geojson"
id_field = "code"

[survey]
path = "reponses.csv"
id_field = "id"
strata = ["age", "sexe"]
margins = "marges.csv"
)" + extra_keys + "\n[survey.questions]\n" + questions;
}

std::string error_of(const std::string& text) {
    try {
        parse_project(text, kFile);
    } catch (const ProjectError& e) {
        return e.what();
    }
    FAIL("no ProjectError thrown");
    return {};
}

}  // namespace

TEST_CASE("survey block: keys, defaults and question order", "[survey]") {
    const auto p = parse_project(survey_project("area_field = \"quartier\"\npublic_rule = \"q12 != 'jamais'\"\n"
                                                "headline = [\"q12=jamais\", \"q15\", \"a_oui\"]\ntrim_low = 0.2\n"),
                                 kFile);
    REQUIRE(p.survey);
    const auto& s = *p.survey;
    CHECK(s.source.block == "survey");
    CHECK(s.source.id_field == "id");
    CHECK(s.area_field == "quartier");
    CHECK(s.strata == std::vector<std::string>{"age", "sexe"});
    CHECK(s.margins == fs::path("/srv/etudes/niort/marges.csv"));
    CHECK(s.min_cell == 10);
    // Unset: the run uses the statistics engine's defaults (survey::RakingOptions, 1e-6 and 1000).
    CHECK_FALSE(s.tolerance);
    CHECK_FALSE(s.max_iterations);
    CHECK(s.trim_low == 0.2);
    CHECK_FALSE(s.trim_high);
    REQUIRE(s.questions.size() == 3);
    // The project file's order, not toml++'s alphabetical one.
    CHECK(s.questions[0].name == "q12");
    CHECK(s.questions[1].name == "q15");
    CHECK(s.questions[1].label == "Satisfaction");
    CHECK(s.questions[1].levels.size() == 4);
    CHECK(s.questions[2].name == "a_oui");
    CHECK(s.questions[2].type == "yesno");
    CHECK(s.questions[0].label == "q12");
}

TEST_CASE("survey block: errors name the key", "[survey]") {
    CHECK_THAT(error_of(survey_project("area_field = \"q\"\nmin_cel = 3\n")),
               Catch::Contains("champ 'min_cel'") && Catch::Contains("[survey]"));
    CHECK_THAT(error_of(survey_project("area_field = \"q\"\nx_field = \"x\"\ny_field = \"y\"\n")),
               Catch::Contains("pas les deux"));
    CHECK_THAT(error_of(survey_project("area_field = \"q\"\npublic_rule = \"q12 ==\"\n")),
               Catch::Contains("champ 'public_rule'") && Catch::Contains("position 7") && Catch::Contains("ligne 15"));
    CHECK_THAT(error_of(survey_project("area_field = \"q\"\npublic_rule = \"q99 == 'x'\"\n")),
               Catch::Contains("« q99 » inconnue") && Catch::Contains("q12, q15, a_oui"));
    CHECK_THAT(error_of(survey_project("area_field = \"q\"\nheadline = [\"q12\"]\n")), Catch::Contains("précisez la réponse"));
    CHECK_THAT(error_of(survey_project("area_field = \"q\"\nheadline = [\"q15=moyen\"]\n")),
               Catch::Contains("n'est pas un niveau déclaré"));
    CHECK_THAT(error_of(survey_project("area_field = \"q\"\nheadline = [\"zz\"]\n")), Catch::Contains("question inconnue"));
    CHECK_THAT(error_of(survey_project("area_field = \"q\"\nmin_cell = 0\n")), Catch::Contains("champ 'min_cell'"));
    CHECK_THAT(error_of(survey_project("area_field = \"q\"\ntrim_high = 0.5\n")), Catch::Contains("champ 'trim_high'"));
    CHECK_THAT(error_of(survey_project("area_field = \"q\"\n", "q1 = { type = \"likert\" }\n")), Catch::Contains("levels"));
    CHECK_THAT(error_of(survey_project("area_field = \"q\"\n", "q1 = { type = \"choix\" }\n")),
               Catch::Contains("type « choix » inconnu"));
    CHECK_THAT(error_of(survey_project("area_field = \"q\"\n", "q1 = { type = \"single\", niveaux = [\"a\"] }\n")),
               Catch::Contains("champ 'niveaux'"));
    CHECK_THAT(error_of(survey_project("area_field = \"q\"\n", "age = \"single\"\n")),
               Catch::Contains("à la fois une variable de calage et une question"));
    CHECK_THAT(error_of(survey_project("area_field = \"q\"\n", "")), Catch::Contains("[survey.questions] absent ou vide"));
    std::string no_strata = survey_project("area_field = \"q\"\n");
    no_strata.replace(no_strata.find("strata"), std::string("strata = [\"age\", \"sexe\"]").size(), "");
    CHECK_THAT(error_of(no_strata), Catch::Contains("champ 'strata'"));
}
