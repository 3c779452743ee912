// test_matching.cpp — one actor, several sources (docs/matching.md): name normalisation, the
// Jaro-Winkler and token scores against values worked out by hand or published, identifiers, the
// project keys, then the whole step on the synthetic fixtures of tests/data/matching (an
// inventory, an RNA-like list, a directory, a Basilic-like list), with and without overrides.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>

#include "matching.hpp"
#include "workspace.hpp"
#include "territoire/error.hpp"
#include "territoire/pipeline.hpp"
#include "territoire/project.hpp"

namespace fs = std::filesystem;
using namespace territoire;
using Catch::Matchers::Contains;

namespace {

using Tokens = std::vector<std::string>;

// A copy of the fixture folder in a fresh temporary folder (the override file is written there).
struct FixtureCopy {
    FixtureCopy() {
        static std::atomic<int> counter{0};
        path = fs::temp_directory_path() / ("territoire-unit-tests-" + std::to_string(::getpid())) /
               ("matching-" + std::to_string(counter++));
        fs::remove_all(path);
        fs::create_directories(path);
        for (const auto& e : fs::directory_iterator(TERRITOIRE_TEST_DATA "/matching"))
            fs::copy_file(e.path(), path / e.path().filename());
    }
    ~FixtureCopy() {
        std::error_code ec;
        fs::remove_all(path, ec);
        fs::remove(path.parent_path(), ec);
    }
    FixtureCopy(const FixtureCopy&) = delete;
    FixtureCopy& operator=(const FixtureCopy&) = delete;
    void write(const std::string& name, const std::string& text) const {
        std::ofstream(path / name, std::ios::binary) << text;
    }
    Diagnostic analyse_it() const { return analyse(load_project(path / "project.toml")); }
    fs::path path;
};

const Actor* actor(const Diagnostic& d, const std::string& id) {
    for (const auto& a : d.actors)
        if (a.id == id) return &a;
    return nullptr;
}

std::set<std::string> source_ids(const std::vector<SourceRecord>& sources) {
    std::set<std::string> out;
    for (const auto& s : sources) out.insert(s.id);
    return out;
}

std::set<std::pair<std::string, std::string>> candidate_pairs(const Diagnostic& d, const std::string& collection) {
    std::set<std::pair<std::string, std::string>> out;
    for (const auto& c : d.match_candidates)
        if (c.collection == collection) out.insert(std::minmax(c.id_a, c.id_b));
    return out;
}

std::size_t count_kind(const Diagnostic& d, const std::string& kind) {
    const auto& p = d.problems.problems();
    return static_cast<std::size_t>(std::count_if(p.begin(), p.end(), [&](const Problem& x) { return x.kind == kind; }));
}

}  // namespace

TEST_CASE("matching: names are folded, split and stripped of stop words", "[matching]") {
    using matching::name_tokens;
    CHECK(name_tokens("Compagnie Les Arts Verts") == Tokens{"arts", "verts"});
    CHECK(name_tokens("THÉÂTRE de l'Œuvre") == Tokens{"oeuvre", "theatre"});
    CHECK(name_tokens("Asso. St-Hilaire & Ste Pezenne") == Tokens{"hilaire", "pezenne", "saint", "sainte"});
    CHECK(name_tokens("Cie du Théâtre, théâtre !") == Tokens{"theatre"});
    CHECK(name_tokens("Association loi 1901 « La Fabrique »") == Tokens{"fabrique"});
    CHECK(name_tokens("Le La Les").empty());
}

TEST_CASE("matching: Jaro-Winkler gives the published values", "[matching]") {
    using matching::jaro_winkler;
    // Winkler (1990) and the usual textbook examples.
    CHECK(jaro_winkler("martha", "marhta") == Approx(0.9611).epsilon(1e-4));
    CHECK(jaro_winkler("dwayne", "duane") == Approx(0.84).epsilon(1e-4));
    CHECK(jaro_winkler("dixon", "dicksonx") == Approx(0.8133).epsilon(1e-4));
    CHECK(jaro_winkler("abc", "abc") == 1.0);
    CHECK(jaro_winkler("abc", "xyz") == 0.0);
    CHECK(jaro_winkler("", "") == 1.0);
}

TEST_CASE("matching: token similarity is the mean of Jaccard and overlap", "[matching]") {
    using matching::token_similarity;
    // 2 shared of 2 and 4: Jaccard 2/4, overlap 2/2 → 0.75.
    CHECK(token_similarity({"moulin", "roc"}, {"moulin", "nationale", "roc", "scene"}) == Approx(0.75));
    // 2 shared of 3 and 4: Jaccard 2/5, overlap 2/3 → 0.5333.
    CHECK(token_similarity({"harmonie", "municipale", "niort"}, {"club", "harmonie", "jazz", "niort"}) ==
          Approx((0.4 + 2.0 / 3) / 2));
    // A typo in a long token still pairs it (Jaro-Winkler ≥ 0.92): moinot / moinaut.
    CHECK(token_similarity({"mediatheque", "moinot"}, {"mediateque", "moinot"}) == Approx(1.0));
    // Short tokens are only paired when equal.
    CHECK(token_similarity({"roc"}, {"rock"}) == 0.0);
    CHECK(token_similarity({}, {"x"}) == 0.0);
    CHECK(matching::name_similarity("Musée de Niort", "Médiathèque de Niort") == Approx((1.0 / 3 + 0.5) / 2));
    CHECK(matching::name_similarity("Salle Jean Vilar", "SALLE JEAN-VILAR") == 1.0);
}

TEST_CASE("matching: identifiers are normalised and checked", "[matching]") {
    using matching::normalise_identifier;
    CHECK(normalise_identifier("siret", "123 456 789\xC2\xA0" "00011").value == "12345678900011");
    CHECK(normalise_identifier("siret", "1234").error.find("14 chiffres") != std::string::npos);
    CHECK(normalise_identifier("siret", "1,23457E+13").value.empty());
    CHECK(normalise_identifier("siren", "123456789").value == "123456789");
    CHECK(normalise_identifier("rna", " w2a1000012 ").value == "W2A1000012");
    CHECK_FALSE(normalise_identifier("rna", "790000001").error.empty());
    CHECK(normalise_identifier("origin", "bib-0042").value == "BIB-0042");
    CHECK(normalise_identifier("siret", "  ").value.empty());
    CHECK(normalise_identifier("siret", "  ").error.empty());
}

TEST_CASE("matching: project keys ids and [matching]", "[matching][project]") {
    const std::string base = R"(
[territory]
path = "t.geojson"
[areas]
path = "t.geojson"
id_field = "code"
[[actors]]
path = "a.csv"
family = "x"
x_field = "x"
y_field = "y"
)";
    const auto p = parse_project(base + "ids = { siret = \"SIRET\", rna = \"id\" }\n[matching]\ndistance_m = 200\n"
                                        "name_similarity = 0.8\noverrides = \"doublons.csv\"\n",
                                 "/srv/p/projet.toml");
    CHECK(p.actors[0].ids == std::map<std::string, std::string>{{"rna", "id"}, {"siret", "SIRET"}});
    CHECK(p.matching.distance_m == 200);
    CHECK(p.matching.name_similarity == 0.8);
    CHECK(p.matching.grey_zone == 0.5);
    CHECK(p.matching.overrides == fs::path("/srv/p/doublons.csv"));
    const auto defaults = parse_project(base, "/srv/p/projet.toml");
    CHECK(defaults.matching.distance_m == 150);
    CHECK(defaults.matching.overrides.empty());

    CHECK_THROWS_WITH(parse_project(base + "ids = \"SIRET\"\n", "p.toml"), Contains("une table est attendue"));
    CHECK_THROWS_WITH(parse_project(base + "ids = { SIRET = \"x\" }\n", "p.toml"), Contains("ids.SIRET"));
    CHECK_THROWS_WITH(parse_project(base + "ids = { siret = \"\" }\n", "p.toml"), Contains("nom de colonne attendu"));
    CHECK_THROWS_WITH(parse_project(base + "[matching]\ndistance = 3\n", "p.toml"), Contains("clé inconnue"));
    CHECK_THROWS_WITH(parse_project(base + "[matching]\ndistance_m = \"150\"\n", "p.toml"), Contains("un nombre est attendu"));
    CHECK_THROWS_WITH(parse_project(base + "[matching]\nname_similarity = 1.5\n", "p.toml"), Contains("hors de l'intervalle"));
    CHECK_THROWS_WITH(parse_project(base + "[matching]\ngrey_zone = 0.9\n", "p.toml"), Contains("grey_zone"));
}

TEST_CASE("matching: an ids column missing from the source is an error naming it", "[matching]") {
    FixtureCopy f;
    std::ifstream in(f.path / "project.toml");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    text.replace(text.find("ids = { siret = \"siret\" }"), 25, "ids = { siret = \"SIRETT\" }");
    f.write("project.toml", text);
    CHECK_THROWS_WITH(f.analyse_it(), Contains("SIRETT") && Contains("clé ids"));
}

TEST_CASE("matching: merges by identifier and by name and distance, lists the ambiguous", "[matching]") {
    FixtureCopy f;
    const Diagnostic d = f.analyse_it();
    // By SIRET (INV1 - W790000001, unlocated) and by RNA id (W790000001 - A1): one cluster of three.
    const Actor* inv1 = actor(d, "INV1");
    REQUIRE(inv1);
    CHECK(source_ids(inv1->sources) == std::set<std::string>{"INV1", "W790000001", "A1"});
    CHECK(inv1->sources[0].rule == "kept");
    CHECK(inv1->identifiers.at("rna") == "W790000001");  // filled from the RNA record
    CHECK(inv1->name == "Théâtre du Moulin");
    CHECK_FALSE(actor(d, "W790000001"));
    CHECK(d.actor_aliases.at("W790000001") == "INV1");
    CHECK(d.actor_aliases.at("A1") == "INV1");
    // By name and distance (60 m).
    const Actor* inv2 = actor(d, "INV2");
    REQUIRE(inv2);
    REQUIRE(inv2->sources.size() == 2);
    CHECK(inv2->sources[1].id == "A2");
    CHECK(inv2->sources[1].rule == "name_distance");
    CHECK(*inv2->sources[1].distance_m == Approx(60).margin(0.5));
    // Unlocated in the first source: the point comes from the record merged into it.
    const Actor* inv8 = actor(d, "INV8");
    REQUIRE(inv8);
    REQUIRE(inv8->location);
    CHECK(inv8->area_id == "EST");
    CHECK(inv8->sources[1].id == "A8");
    CHECK(inv8->sources[1].fields_used == "localisation");
    CHECK(inv8->sources[0].provenance.location_method == "none");
    // Same name 2 km apart: two actors, not listed.
    CHECK(actor(d, "INV3"));
    CHECK(actor(d, "A3"));
    // Ambiguous: grey zone, one close to two, same SIRET 10 km apart, conflicting SIRETs.
    CHECK(candidate_pairs(d, "actor") == std::set<std::pair<std::string, std::string>>{
                                             {"A4", "INV4"}, {"A5a", "INV5"}, {"A5b", "INV5"}, {"A6", "INV6"},
                                             {"A7", "W790000007"}});
    for (const char* id : {"A4", "INV4", "A5a", "A5b", "INV5", "A6", "INV6", "A7", "W790000007"}) CHECK(actor(d, id));
    CHECK(count_kind(d, "match_ambiguous") == 5);
    CHECK(count_kind(d, "invalid_identifier") == 1);
    CHECK(actor(d, "INV7")->identifiers.empty());
    // Links follow the merged ids: W790000001 - A2 is INV1 - INV2; A1 - INV1 became a self-loop;
    // the participants W790000001, A2, INV3 of P1 are INV1, INV2, INV3.
    std::map<std::pair<std::string, std::string>, double> links;
    for (const auto& l : d.links) links.emplace(std::pair{l.source_id, l.target_id}, l.weight);
    CHECK(links == std::map<std::pair<std::string, std::string>, double>{
                       {{"INV1", "INV2"}, 2.0}, {{"A3", "INV1"}, 1.0}, {{"INV1", "INV3"}, 1.0}, {{"INV2", "INV3"}, 1.0}});
    REQUIRE(d.objects.size() == 1);
    CHECK(d.objects[0].actor_ids == std::vector<std::string>{"INV1", "INV2", "INV3"});
    CHECK(count_kind(d, "self_loop") == 1);
    // Places: by name (capacity from Basilic) and by origin id 500 m apart; a museum and a library
    // with one shared word stay apart.
    REQUIRE(d.places.size() == 4);
    CHECK(d.places[1].id == "L1");
    CHECK(*d.places[1].capacity == 450);
    CHECK(source_ids(d.places[2].sources) == std::set<std::string>{"L2", "B2"});
    CHECK(d.places[2].sources[1].rule == "id:origin");
    CHECK(candidate_pairs(d, "place").empty());
    // The three tables.
    std::map<std::string, std::size_t> rows;
    for (const auto& t : d.tables) rows[t.name] = t.rows.size();
    CHECK(rows.at("match_candidates") == 5);
    CHECK(rows.at("actor_sources") == 7);
    CHECK(rows.at("place_sources") == 4);
}

TEST_CASE("matching: the override file settles pairs on the next run", "[matching]") {
    FixtureCopy f;
    f.write("doublons.csv",
            "id_a;id_b;decision\n"
            "INV5;A5a;same\n"       // one of the two close records
            "A2;INV2;différent\n"   // undoes a merge by name (French spelling accepted)
            "A6;INV6;same\n"        // same SIRET far apart
            "A1;INV1;different\n"   // splits the cluster INV1 / W790000001 / A1
            "ZZ;INV1;same\n"        // unknown id
            "A4;INV4;\n"            // not decided yet
            "INV3;A3;peut-être\n"); // not a decision
    const Diagnostic d = f.analyse_it();
    CHECK(source_ids(actor(d, "INV5")->sources) == std::set<std::string>{"INV5", "A5a"});
    CHECK(actor(d, "A5b"));
    CHECK(actor(d, "A2"));
    CHECK(actor(d, "INV2")->sources.empty());
    CHECK(source_ids(actor(d, "INV6")->sources) == std::set<std::string>{"INV6", "A6"});
    // INV1 - W790000001 (SIRET) is joined first; W790000001 - A1 would then put A1 with INV1.
    CHECK(source_ids(actor(d, "INV1")->sources) == std::set<std::string>{"INV1", "W790000001"});
    CHECK(actor(d, "A1"));
    CHECK(count_kind(d, "match_split") == 1);
    CHECK(count_kind(d, "override_unknown_id") == 1);
    CHECK(count_kind(d, "invalid_override") == 1);
    std::map<std::pair<std::string, std::string>, std::string> decided;
    for (const auto& c : d.match_candidates) decided[std::minmax(c.id_a, c.id_b)] = c.decision;
    CHECK(decided.at({"A2", "INV2"}) == "different");
    CHECK(decided.at({"A5a", "INV5"}) == "same");
    CHECK(decided.at({"A4", "INV4"}).empty());
    // A1 is an actor again: its link to INV1 is kept.
    bool a1_link = false;
    for (const auto& l : d.links) a1_link = a1_link || (l.source_id == "A1" && l.target_id == "INV1");
    CHECK(a1_link);
}

TEST_CASE("matching: a missing override file is reported, not an error", "[matching]") {
    FixtureCopy f;
    const Diagnostic d = f.analyse_it();
    CHECK(count_kind(d, "overrides_missing") == 1);
}

TEST_CASE("matching: the result does not depend on the order of the sources' rows", "[matching]") {
    FixtureCopy f;
    const Diagnostic first = f.analyse_it();
    // Reverse the rows of the directory (header kept).
    std::ifstream in(f.path / "annuaire.csv");
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    std::reverse(lines.begin() + 1, lines.end());
    std::string text;
    for (const auto& l : lines) text += l + "\n";
    f.write("annuaire.csv", text);
    const Diagnostic second = f.analyse_it();
    REQUIRE(first.actors.size() == second.actors.size());
    for (std::size_t i = 0; i < first.actors.size(); ++i) {
        CHECK(first.actors[i].id == second.actors[i].id);
        CHECK(source_ids(first.actors[i].sources) == source_ids(second.actors[i].sources));
    }
    CHECK(candidate_pairs(first, "actor") == candidate_pairs(second, "actor"));
}

TEST_CASE("matching: an identifier shared by more than 50 records is ignored and reported", "[matching]") {
    FixtureCopy f;
    std::string rows;
    for (int i = 0; i < 50; ++i)  // 50 more directory records with A6's SIRET: 52 records share it
        rows += "Z" + std::to_string(i) + ";Atelier " + std::to_string(i) + ";association;-0.40;46.30;;98765432100018\n";
    std::ofstream(f.path / "annuaire.csv", std::ios::app) << rows;
    const Diagnostic d = f.analyse_it();
    CHECK(count_kind(d, "identifier_shared") == 1);
    CHECK_FALSE(candidate_pairs(d, "actor").count({"A6", "INV6"}));
    CHECK(actor(d, "A6"));
    CHECK(actor(d, "INV6"));
}

// Geocoding meets matching (docs/matching.md §3): a record placed at its commune's point only
// (geocode_precision = commune) takes no part in the name + distance rule; identifiers still link it,
// and the merged record then takes the better point of the other record.
TEST_CASE("matching: records placed at their commune are not matched by name and distance", "[matching]") {
    Diagnostic d;
    for (const char* name : {"rna", "inventaire"}) {
        SourceSpec s;
        s.block = "actors";
        s.name = name;
        d.project.actors.push_back(s);
    }
    auto make = [](const std::string& id, const std::string& name, const std::string& source, double x, double y,
                   const std::string& precision, std::map<std::string, std::string> ids = {}) {
        Actor a;
        a.id = id;
        a.name = name;
        a.family = "musique";
        a.location = Point{x, y};
        a.area_id = "79191";
        a.provenance = Provenance{source, "ligne 2", precision.empty() ? "coordinates" : "ban", {}, precision, {}};
        if (!precision.empty()) a.provenance.geocode_score = 0.9;
        a.identifiers = std::move(ids);
        return a;
    };
    // Same name, 10 m apart: the RNA record stands at the commune's point → never merged by name.
    d.actors.push_back(make("W1", "Chorale du Marais", "rna", 1000, 1000, "commune"));
    d.actors.push_back(make("I1", "Chorale du Marais", "inventaire", 1010, 1000, ""));
    // Same RNA id, the RNA record at the commune's point 2 km away: merged by identifier, and the
    // merged actor takes the inventory's point (kept record = first source = the RNA one).
    d.actors.push_back(make("W2", "Harmonie", "rna", 5000, 5000, "commune", {{"rna", "W790000002"}}));
    d.actors.push_back(make("I2", "Harmonie municipale", "inventaire", 7000, 5000, "", {{"rna", "W790000002"}}));
    // Control: the same pair as W1/I1 with a street-precision geocode is merged by name.
    d.actors.push_back(make("W3", "Théâtre du Puits", "rna", 9000, 9000, "street"));
    d.actors.push_back(make("I3", "Theatre du Puits", "inventaire", 9030, 9040, ""));
    std::sort(d.actors.begin(), d.actors.end(), [](const Actor& a, const Actor& b) { return a.id < b.id; });
    Workspace ws("EPSG:2154");
    build_matching(ws, d);

    REQUIRE(actor(d, "W1"));
    REQUIRE(actor(d, "I1"));
    CHECK(actor(d, "W1")->sources.empty());
    // ... but listed for the consultant (rule name_commune): same area, same name.
    std::size_t w1_rows = 0;
    for (const auto& c : d.match_candidates) {
        if (c.id_a != "W1" && c.id_b != "W1") continue;
        ++w1_rows;
        CHECK(std::minmax(c.id_a, c.id_b) == std::minmax(std::string("W1"), std::string("I1")));
        CHECK(c.rule == "name_commune");
        CHECK(c.reason == "fiche placée à sa commune seulement : à vérifier");
        CHECK(c.suggested == "same");
        CHECK(c.decision.empty());
        CHECK(*c.score == 1);
        CHECK(*c.distance_m == 10);
    }
    CHECK(w1_rows == 1);

    const Actor* w2 = actor(d, "W2");
    REQUIRE(w2);
    CHECK_FALSE(actor(d, "I2"));
    REQUIRE(w2->sources.size() == 2);
    CHECK(w2->sources[1].rule == "id:rna");
    CHECK(w2->location->x == 7000);
    CHECK(w2->provenance.geocode_precision.empty());        // the point is the inventory's
    CHECK(w2->provenance.location_method == "coordinates");
    CHECK(w2->provenance.source == "rna");                   // the kept record's source
    CHECK(w2->sources[0].provenance.geocode_precision == "commune");  // each record's own provenance kept
    CHECK(w2->sources[1].fields_used.find("localisation") != std::string::npos);

    const Actor* w3 = actor(d, "W3");
    REQUIRE(w3);
    CHECK_FALSE(actor(d, "I3"));
    REQUIRE(w3->sources.size() == 2);
    CHECK(w3->sources[1].rule == "name_distance");
    CHECK(w3->location->x == 9000);  // a street-precision point is kept: not replaced
}

// Pairs with a record placed at its commune only (docs/matching.md §9): listed, never merged
// automatically, whatever the score; only in one area, between sources, from the grey zone on;
// an override "same" merges them on the next run. Scores worked out by hand from the token sets
// (mean of Jaccard and overlap, docs/matching.md §4).
TEST_CASE("matching: commune-precision pairs are listed for the consultant and settled by overrides", "[matching]") {
    const fs::path dir = fs::temp_directory_path() / ("territoire-unit-tests-" + std::to_string(::getpid())) / "commune-pairs";
    fs::remove_all(dir);
    fs::create_directories(dir);
    auto run = [&](const std::string& overrides) {
        Diagnostic d;
        for (const char* name : {"inventaire", "rna"}) {
            SourceSpec s;
            s.block = "actors";
            s.name = name;
            d.project.actors.push_back(s);
        }
        if (!overrides.empty()) {
            std::ofstream(dir / "doublons.csv", std::ios::binary) << overrides;
            d.project.matching.overrides = dir / "doublons.csv";
            d.project.matching.overrides_as_written = "doublons.csv";
        }
        auto make = [&](const std::string& id, const std::string& name, const std::string& source, double x,
                        const std::string& area, bool commune, std::map<std::string, std::string> ids = {}) {
            Actor a;
            a.id = id;
            a.name = name;
            a.family = "musique";
            a.location = Point{x, 1000};
            a.area_id = area;
            a.provenance = Provenance{source, "ligne 2", commune ? "ban" : "coordinates", {}, commune ? "commune" : "", {}};
            a.identifiers = std::move(ids);
            d.actors.push_back(std::move(a));
        };
        // {chorale, marais} / {chorale, marais, sevre}: m = 2, (2/3 + 1) / 2 = 0.833 ≥ 0.75 → same.
        make("I1", "Chorale du Marais", "inventaire", 1000, "A", false);
        make("W1", "Chorale des Marais de Sèvre", "rna", 1040, "A", true);
        // {fanfare, gatine, niort} / {fanfare, gatine, jeunes, parthenay}: m = 2, (2/5 + 2/3) / 2 = 0.533:
        // grey zone, below its middle 0.625 → different.
        make("I2", "Fanfare Gâtine Niort", "inventaire", 2000, "A", false);
        make("W2", "Fanfare des jeunes de Gâtine Parthenay", "rna", 2000, "A", true);
        // {harmonie, bocage} / {harmonie, gatine}: m = 1, (1/3 + 1/2) / 2 = 0.417 < 0.5 → not listed.
        make("I3", "Harmonie du Bocage", "inventaire", 3000, "A", false);
        make("W3", "Harmonie de Gâtine", "rna", 3000, "A", true);
        // Same name, other area → not listed.
        make("W4", "Chorale du Marais", "rna", 1000, "B", true);
        // Same name, same source as W1 → not listed (a source is not matched with itself).
        make("W5", "Chorale des Marais de Sèvre", "rna", 1000, "A", true);
        // Same name in one area but different SIRETs: listed, suggested different.
        make("I6", "Cercle Celtique", "inventaire", 6000, "A", false, {{"siret", "12345678900011"}});
        make("W6", "Cercle Celtique", "rna", 6000, "A", true, {{"siret", "98765432100011"}});
        Workspace ws("EPSG:2154");
        build_matching(ws, d);
        return d;
    };

    const Diagnostic first = run("");
    std::map<std::pair<std::string, std::string>, const MatchCandidate*> listed;
    for (const auto& c : first.match_candidates) listed[std::minmax(c.id_a, c.id_b)] = &c;
    using P = std::pair<std::string, std::string>;
    CHECK(listed.size() == 4);
    REQUIRE(listed.count(P{"I1", "W1"}));
    REQUIRE(listed.count(P{"I1", "W5"}));
    REQUIRE(listed.count(P{"I2", "W2"}));
    REQUIRE(listed.count(P{"I6", "W6"}));
    const MatchCandidate& c1 = *listed.at(P{"I1", "W1"});
    CHECK(c1.rule == "name_commune");
    CHECK(c1.reason == "fiche placée à sa commune seulement : à vérifier");
    CHECK(c1.suggested == "same");
    CHECK(*c1.score == Approx(5.0 / 6));
    CHECK(*c1.distance_m == Approx(40));
    CHECK(listed.at(P{"I2", "W2"})->suggested == "different");
    CHECK(*listed.at(P{"I2", "W2"})->score == Approx((2.0 / 5 + 2.0 / 3) / 2));
    CHECK_THAT(listed.at(P{"I2", "W2"})->reason, Contains("noms assez proches seulement"));
    CHECK(listed.at(P{"I6", "W6"})->suggested == "different");
    CHECK_THAT(listed.at(P{"I6", "W6"})->reason, Contains("identifiants différents"));
    CHECK(first.actors.size() == 10);  // nothing merged automatically
    for (const auto& a : first.actors) CHECK(a.sources.empty());
    CHECK(count_kind(first, "match_ambiguous") == 4);

    // The consultant says I1 and W1 are the same: merged on the next run, into the inventory's record
    // (first source), which keeps its own precise point.
    const Diagnostic second = run("id_a;id_b;decision\nW1;I1;same\nI1;W5;different\n");
    const Actor* i1 = actor(second, "I1");
    REQUIRE(i1);
    CHECK_FALSE(actor(second, "W1"));
    CHECK(actor(second, "W5"));
    CHECK(source_ids(i1->sources) == std::set<std::string>{"I1", "W1"});
    CHECK(i1->sources[1].rule == "override");
    CHECK(i1->location->x == 1000);
    CHECK(second.actor_aliases.at("W1") == "I1");
    std::map<P, std::string> decided;
    for (const auto& c : second.match_candidates) decided[std::minmax(c.id_a, c.id_b)] = c.decision;
    CHECK(decided.at(P{"I1", "W1"}) == "same");
    CHECK(decided.at(P{"I1", "W5"}) == "different");
    fs::remove_all(dir);
}
