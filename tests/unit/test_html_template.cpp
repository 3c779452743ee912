// The sheets' template language (html_template.hpp): values escaped, sections over lists and
// texts, inverted sections, partials, and errors naming the file and line.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <fstream>
#include <functional>
#include <map>

#include "html_template.hpp"
#include "territoire/error.hpp"

namespace fs = std::filesystem;
using territoire::OutputError;
using territoire::sheets::TemplateData;
using territoire::sheets::TemplateSet;

namespace {

using Files = std::map<std::string, std::string>;

// A folder of template files, removed at the end of the test.
struct TemplateDir {
    fs::path dir;
    explicit TemplateDir(const Files& files) {
        static int count = 0;
        dir = fs::temp_directory_path() / ("territoire-templates-" + std::to_string(::getpid()) + "-" + std::to_string(++count));
        fs::remove_all(dir);
        fs::create_directories(dir);
        for (const auto& [name, text] : files) std::ofstream(dir / name) << text;
    }
    ~TemplateDir() { fs::remove_all(dir); }
};

std::string error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const OutputError& e) {
        return e.what();
    }
    return "(pas d'erreur)";
}

}  // namespace

TEST_CASE("values are HTML-escaped unless in triple braces", "[sheets]") {
    TemplateDir t(Files{{"a.html", "<p>{{x}}</p>{{{x}}}{{! a comment }}"}});
    TemplateData d;
    d.set("x", "<b>\"L'R\" & co</b>");
    CHECK(TemplateSet(t.dir).render("a.html", d) == "<p>&lt;b&gt;&quot;L&apos;R&quot; &amp; co&lt;/b&gt;</p><b>\"L'R\" & co</b>");
}

TEST_CASE("sections repeat over lists, test texts, and see the enclosing data", "[sheets]") {
    TemplateDir t(Files{{"a.html", "{{#items}}[{{name}} de {{owner}}]{{/items}}{{^items}}vide{{/items}}"
                              "{{#flag}}oui{{/flag}}{{^flag}}non{{/flag}}"}});
    TemplateData d;
    d.set("owner", "Niort").set("flag", "");
    d.lists["items"] = {TemplateData().set("name", "a"), TemplateData().set("name", "b").set("owner", "Melle")};
    const TemplateSet set(t.dir);
    CHECK(set.render("a.html", d) == "[a de Niort][b de Melle]non");
    d.lists["items"].clear();
    d.set("flag", "x");
    CHECK(set.render("a.html", d) == "videoui");
}

TEST_CASE("partials and shared data", "[sheets]") {
    TemplateDir t(Files{{"page.html", "{{> tete}}|{{> style.css}}|{{x}}"}, {"tete.html", "<h1>{{projet}}</h1>"}, {"style.css", "p{}"}});
    TemplateData shared, d;
    shared.set("projet", "Deux-Sèvres").set("x", "commun");
    d.set("x", "page");
    CHECK(TemplateSet(t.dir).render("page.html", d, &shared) == "<h1>Deux-Sèvres</h1>|p{}|page");
}

TEST_CASE("template errors name the file and line", "[sheets]") {
    SECTION("unknown name") {
        TemplateDir t(Files{{"a.html", "ligne 1\n{{#l}}\n{{nmo}}{{/l}}"}});
        TemplateData d;
        d.lists["l"] = {TemplateData()};
        const auto why = error_of([&] { TemplateSet(t.dir).render("a.html", d); });
        CHECK_THAT(why, Catch::Contains("a.html, ligne 3") && Catch::Contains("« nmo »"));
    }
    SECTION("unclosed and mismatched sections") {
        TemplateDir t(Files{{"a.html", "x\n{{#a}}\n"}});
        CHECK_THAT(error_of([&] { TemplateSet s(t.dir); }), Catch::Contains("a.html, ligne 2") && Catch::Contains("jamais fermée"));
        TemplateDir u(Files{{"b.html", "{{#a}}{{/b}}"}});
        CHECK_THAT(error_of([&] { TemplateSet s(u.dir); }), Catch::Contains("ne ferme pas"));
    }
    SECTION("missing partial, list used as a value") {
        TemplateDir t(Files{{"a.html", "{{> absent}}"}, {"b.html", "{{l}}"}});
        TemplateData d;
        d.lists["l"] = {};
        CHECK_THAT(error_of([&] { TemplateSet(t.dir).render("a.html", d); }), Catch::Contains("absent.html"));
        CHECK_THAT(error_of([&] { TemplateSet(t.dir).render("b.html", d); }), Catch::Contains("est une liste"));
    }
}

TEST_CASE("a section or comment tag alone on its line leaves no blank line", "[sheets]") {
    TemplateDir t(Files{{"a.html", "{{! comment }}\n<ul>\n  {{#l}}\n  <li>{{v}}</li>\n  {{/l}}\n</ul>\n"}});
    TemplateData d;
    d.lists["l"] = {TemplateData().set("v", "1"), TemplateData().set("v", "2")};
    CHECK(TemplateSet(t.dir).render("a.html", d) == "<ul>\n  <li>1</li>\n  <li>2</li>\n</ul>\n");
}
