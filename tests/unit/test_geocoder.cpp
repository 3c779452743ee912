// Offline BAN geocoding (geocoder.hpp, docs/geocoding.md): normalisation, scoring and matching on
// a small BAN text in the official 23-column schema. The working CRS is WGS 84 here, so that a
// result can be compared with the lon/lat written in the BAN row it comes from.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "detail/proj.hpp"
#include "geocoder.hpp"
#include "territoire/error.hpp"

using namespace territoire;
namespace g = territoire::geocode;

TEST_CASE("geocode: folding and street normalisation", "[geocoder]") {
    CHECK(g::fold("Rue de l'Église-Saint-Étienne") == "rue de l eglise saint etienne");
    CHECK(g::fold("  CŒUR  d’Alène ") == "coeur d alene");
    CHECK(g::normalise_street("Av. du Gal de Gaulle") == "avenue du general de gaulle");
    CHECK(g::normalise_street("BD Main") == "boulevard main");
    CHECK(g::normalise_street("bld main") == "boulevard main");
    CHECK(g::normalise_street("R VICTOR HUGO") == "rue victor hugo");
    CHECK(g::normalise_street("pl. Denfert-Rochereau") == "place denfert rochereau");
    CHECK(g::normalise_street("IMP des Tanneries") == "impasse des tanneries");
    CHECK(g::normalise_street("che des Coteaux") == "chemin des coteaux");
    CHECK(g::normalise_street("chem. des Coteaux") == "chemin des coteaux");
    CHECK(g::normalise_street("RTE de Niort") == "route de niort");
    CHECK(g::normalise_street("fg St Jean") == "faubourg saint jean");
    CHECK(g::normalise_street("fbg Ste Marthe") == "faubourg sainte marthe");
    CHECK(g::normalise_street("all. des Pins") == "allee des pins");
    CHECK(g::normalise_street("sq Verdun") == "square verdun");
    CHECK(g::normalise_street("crs Mirabeau") == "cours mirabeau");
    CHECK(g::normalise_street("qu de la Regratterie") == "quai de la regratterie");
    CHECK(g::normalise_street("qua de la Regratterie") == "quai de la regratterie");
    // Types are expanded in first position only: "r" inside a name stays.
    CHECK(g::normalise_street("rue r") == "rue r");
    CHECK(g::street_key("Rue de la Gare") == "rue gare");
    CHECK(g::street_key("LD La Grande Métairie") == "grande metairie");
    CHECK(g::street_key("lieu-dit les Ouches") == "ouches");
}

TEST_CASE("geocode: house numbers and suffixes in the address line", "[geocoder]") {
    auto p = g::parse_address("12 bis rue Brisson");
    CHECK(p.number == 12);
    CHECK(p.suffix == 1);
    CHECK(p.street == "rue brisson");
    p = g::parse_address("12B RUE BRISSON");
    CHECK((p.number == 12 && p.suffix == 1 && p.street == "rue brisson"));
    p = g::parse_address("7 TER R de la Gare");
    CHECK((p.number == 7 && p.suffix == 2 && p.street == "rue de la gare"));
    p = g::parse_address("12-14 rue Brisson");
    CHECK((p.number == 12 && p.suffix == 0 && p.street == "rue brisson"));
    p = g::parse_address("175 A rue du Maréchal Leclerc");
    CHECK((p.number == 175 && p.suffix == 10 && p.street == "rue du marechal leclerc"));
    p = g::parse_address("N° 3 place de Strasbourg");
    CHECK((p.number == 3 && p.street == "place de strasbourg"));
    p = g::parse_address("3 et 5 rue Duguesclin");
    CHECK((p.number == 3 && p.street == "rue duguesclin"));
    p = g::parse_address("rue du 8 mai 1945");
    CHECK((p.number == 0 && p.street == "rue du 8 mai 1945"));
    p = g::parse_address("12 r Brisson");  // "r" after the number is the street type, not a suffix
    CHECK((p.number == 12 && p.suffix == 0 && p.street == "rue brisson"));
    CHECK(g::suffix_code("b") == g::suffix_code("bis"));
    CHECK(g::suffix_code("q") == g::suffix_code("quater"));
    CHECK(g::suffix_code("c") == 12);
}

TEST_CASE("geocode: similarity = max(trigram Dice, edit similarity)", "[geocoder]") {
    CHECK(g::similarity("rue gare", "rue gare") == 1.0);
    CHECK(g::similarity("", "rue gare") == 0.0);
    // " rue gare " and " rue gard ": 8 trigrams each, 6 shared → Dice 2·6/16; one substitution in
    // 8 characters → edit similarity 7/8.
    CHECK(g::dice("rue gare", "rue gard") == Approx(0.75));
    CHECK(g::edit_similarity("rue gare", "rue gard") == Approx(7.0 / 8.0));
    CHECK(g::similarity("rue gare", "rue gard") == Approx(7.0 / 8.0));
    // A transposition counts once (optimal string alignment): "vignes" / "vinges".
    CHECK(g::edit_similarity("avenue vignes", "avenue vinges") == Approx(12.0 / 13.0));
    CHECK(g::edit_similarity("kitten", "sitting") == Approx(1.0 - 3.0 / 7.0));
    CHECK(g::similarity("rue victor hugo", "rue victor hugp") == g::similarity("rue victor hugp", "rue victor hugo"));
    CHECK(g::similarity("abc", "xyz") == 0.0);
    // " abc " → { " ab", "abc", "bc " }, " abd " → { " ab", "abd", "bd " }: 1 shared.
    CHECK(g::dice("abc", "abd") == Approx(2.0 / 6.0));
    CHECK(g::similarity("abc", "abd") == Approx(2.0 / 3.0));
}

namespace {

const char* kHeader =
    "id;id_fantoir;numero;rep;nom_voie;code_postal;code_insee;nom_commune;code_insee_ancienne_commune;"
    "nom_ancienne_commune;x;y;lon;lat;type_position;alias;nom_ld;libelle_acheminement;nom_afnor;"
    "source_position;source_nom_voie;certification_commune;cad_parcelles\n";

std::string row(const std::string& id, int number, const std::string& rep, const std::string& street,
                const std::string& postcode, const std::string& insee, const std::string& commune, double lon,
                double lat, const std::string& old = "") {
    char coords[64];
    std::snprintf(coords, sizeof coords, "%.6f;%.6f", lon, lat);
    return id + ";" + id.substr(0, 10) + ";" + std::to_string(number) + ";" + rep + ";" + street + ";" + postcode + ";" +
           insee + ";" + commune + ";" + old + ";;1;2;" + coords + ";entrée;;;" + commune + ";X;commune;commune;1;\n";
}

struct Fixture {
    std::filesystem::path file;
    detail::Transformer identity{"EPSG:4326", "EPSG:4326"};
    Geocoder geocoder;

    Fixture() {
        file = std::filesystem::temp_directory_path() / "territoire-test-ban.csv";
        std::ofstream out(file, std::ios::binary);
        out << "\xEF\xBB\xBF" << kHeader;
        out << row("79191_0420_00010", 10, "", "Rue Brisson", "79000", "79191", "Niort", -0.4641, 46.3257);
        out << row("79191_0420_00012", 12, "", "Rue Brisson", "79000", "79191", "Niort", -0.4642, 46.3258);
        out << row("79191_0420_00012_bis", 12, "bis", "Rue Brisson", "79000", "79191", "Niort", -0.46425, 46.3258);
        out << row("79191_0420_00016", 16, "", "Rue Brisson", "79000", "79191", "Niort", -0.4644, 46.3260);
        out << row("79191_0420_00020", 20, "", "Rue Brisson", "79000", "79191", "Niort", -0.4646, 46.3262);
        out << row("79191_0420_00030", 30, "", "Rue Brisson", "79000", "79191", "Niort", -0.4648, 46.3264);
        out << row("79191_1200_00001", 1, "", "Rue de la Gare", "79000", "79191", "Niort", -0.4510, 46.3190);
        out << row("79191_1200_00003", 3, "", "Rue de la Gare", "79000", "79191", "Niort", -0.4511, 46.3191);
        out << row("79191_1700_00010", 10, "", "Rue du Général de Gaulle", "79000", "79191", "Niort", -0.4590, 46.3210);
        out << row("79034_0100_00002", 2, "", "Rue de la Gare", "79000", "79034", "Bessines", -0.5110, 46.3030);
        out << row("79034_0100_00004", 4, "", "Rue de la Gare", "79000", "79034", "Bessines", -0.5111, 46.3031);
        out << row("79078_0080_00001", 1, "", "Rue des Écoles", "79360", "79078", "Plaine-d'Argenson", -0.4930, 46.1590,
                   "79217");
        // A commune nouvelle: "Place de la Mairie" in two former communes, numbers 1 and 2 in both.
        out << row("79217_0001_00001", 1, "", "Place de la Mairie", "79360", "79078", "Plaine-d'Argenson", -0.4901, 46.1501, "79217");
        out << row("79217_0001_00002", 2, "", "Place de la Mairie", "79360", "79078", "Plaine-d'Argenson", -0.4902, 46.1502, "79217");
        out << row("79032_0001_00001", 1, "", "Place de la Mairie", "79370", "79078", "Plaine-d'Argenson", -0.4801, 46.1801, "79032");
        out << row("79032_0001_00002", 2, "", "Place de la Mairie", "79370", "79078", "Plaine-d'Argenson", -0.4802, 46.1802, "79032");
        out << "79191_9999_00001;;1;;;79000;79191;Niort;;;;;;;;;;;;;;;\n";  // no street, no coordinates: skipped
        out.close();
        const BanFileStats stats = geocoder.load(file, "ban.csv", identity, nullptr);
        REQUIRE(stats.rows == 17);
        REQUIRE(stats.addresses == 16);
        REQUIRE(stats.skipped == 1);
        geocoder.finish();
    }
    ~Fixture() { std::filesystem::remove(file); }

    GeocodeResult run(const std::string& address, const std::string& postcode, const std::string& insee,
                      const std::string& city = "") {
        return geocoder.geocode(GeocodeQuery{address, postcode, insee, city});
    }
};

}  // namespace

TEST_CASE("geocode: matching against a BAN extract", "[geocoder]") {
    Fixture f;
    CHECK(f.geocoder.commune_count() == 3);
    CHECK(f.geocoder.street_count() == 7);  // the two "Place de la Mairie" stay two streets

    SECTION("exact house number: exactly the BAN point") {
        const auto r = f.run("12 RUE BRISSON", "79000", "79191");
        CHECK(r.precision == GeocodePrecision::housenumber);
        CHECK(r.score == 1.0);
        CHECK(r.ban_id == "79191_0420_00012");
        CHECK(r.x == -0.4642);
        CHECK(r.y == 46.3258);
    }
    SECTION("suffix: bis and B are the same; a suffix missing from the BAN gives the plain number, scored lower") {
        auto r = f.run("12 B RUE BRISSON", "", "79191");
        CHECK(r.ban_id == "79191_0420_00012_bis");
        CHECK(r.x == -0.46425);
        r = f.run("10 ter rue Brisson", "", "79191");
        CHECK(r.precision == GeocodePrecision::housenumber);
        CHECK(r.ban_id == "79191_0420_00010");
        CHECK(r.score == Approx(0.95));
    }
    SECTION("missing number: the nearest number's point, street precision") {
        auto r = f.run("14 rue Brisson", "79000", "79191");  // 12 and 16 at distance 2: the lower one
        CHECK(r.precision == GeocodePrecision::street);
        CHECK(r.nearest_number);
        CHECK(r.ban_number == 12);
        CHECK(r.x == -0.4642);
        CHECK(r.ban_id == "79191_0420");
        r = f.run("27 rue Brisson", "79000", "79191");
        CHECK(r.ban_number == 30);
        CHECK(r.x == -0.4648);
        r = f.run("2 rue Brisson", "79000", "79191");
        CHECK(r.ban_number == 10);
        r = f.run("99 rue Brisson", "79000", "79191");
        CHECK(r.ban_number == 30);
    }
    SECTION("no number: street position = the median-numbered address") {
        // Numbered addresses 10, 12, 12 bis, 16, 20, 30: the lower middle one is 12 bis (index 2 of 6).
        const auto r = f.run("rue Brisson", "79000", "79191");
        CHECK(r.precision == GeocodePrecision::street);
        CHECK(r.x == -0.46425);
        CHECK(r.score == 1.0);
    }
    SECTION("abbreviations and little words") {
        auto r = f.run("10 av du gal de gaulle", "79000", "79191");
        CHECK(r.precision == GeocodePrecision::housenumber);  // "avenue" vs "rue": still the best, scored
        CHECK(r.ban_id == "79191_1700_00010");
        CHECK(r.score < 1.0);
        CHECK(r.score > 0.7);
        CHECK(r.score == Approx(g::similarity(g::street_key("avenue du general de gaulle"),
                                              g::street_key("Rue du Général de Gaulle"))));
        r = f.run("10 r du gal de gaulle", "79000", "79191");
        CHECK(r.score == 1.0);
    }
    SECTION("misspelt street: matched with its similarity as score") {
        const auto r = f.run("3 rue de la Gard", "79000", "79191");
        CHECK(r.precision == GeocodePrecision::housenumber);
        CHECK(r.ban_id == "79191_1200_00003");
        CHECK(r.score == Approx(7.0 / 8.0));  // "rue gard" / "rue gare": one substitution in 8
        const auto s = f.run("rue Brison", "79000", "79191");
        CHECK(s.precision == GeocodePrecision::street);
        CHECK(s.street == "Rue Brisson");
        CHECK(s.score == Approx(10.0 / 11.0));  // one deletion in 11 characters
    }
    SECTION("unknown street: the commune") {
        const auto r = f.run("5 impasse des Lilas", "79000", "79191");
        CHECK(r.precision == GeocodePrecision::commune);
        CHECK(r.citycode == "79191");
        CHECK(r.ban_id == "79191");
        CHECK_FALSE(r.has_point);
        CHECK(r.score == 1.0);
    }
    SECTION("unknown commune: failed") {
        const auto r = f.run("12 rue Brisson", "86000", "86194");
        CHECK(r.precision == GeocodePrecision::failed);
        CHECK(r.score == 0.0);
        CHECK(r.ban_id.empty());
        CHECK_THAT(r.reason, Catch::Contains("adresses-86.csv"));
        const auto same_dep = f.run("12 rue Brisson", "", "79999");  // a 79 code absent from a loaded 79 file
        CHECK(same_dep.precision == GeocodePrecision::failed);
        CHECK(same_dep.reason == "commune introuvable dans la BAN");
    }
    SECTION("postcode only: the BAN's postcode↔INSEE pairs, the city name or the street choose") {
        auto r = f.run("2 rue de la Gare", "79000", "", "BESSINES");
        CHECK(r.citycode == "79034");
        CHECK(r.ban_id == "79034_0100_00002");
        r = f.run("1 rue de la Gare", "79000", "", "NIORT");
        CHECK(r.ban_id == "79191_1200_00001");
        r = f.run("16 rue Brisson", "79000", "");  // only Niort has it
        CHECK(r.ban_id == "79191_0420_00016");
        r = f.run("rue des Lilas", "79000", "");  // two communes, no city, no street: undecidable
        CHECK(r.precision == GeocodePrecision::failed);
        r = f.run("1 rue des Ecoles", "79360", "");
        CHECK(r.ban_id == "79078_0080_00001");
    }
    SECTION("codes: leading zero restored, former commune's code, city name alone") {
        auto r = f.run("1 rue des Écoles", "", "79217");  // code of the former commune
        CHECK(r.ban_id == "79078_0080_00001");
        r = f.run("1 rue des ecoles", "", "", "plaine d argenson");
        CHECK(r.ban_id == "79078_0080_00001");
    }
    SECTION("commune nouvelle: the same street name in two former communes") {
        auto r = f.run("2 pl de la mairie", "", "79032");  // the former commune's code chooses
        CHECK(r.ban_id == "79032_0001_00002");
        CHECK(r.x == -0.4802);
        r = f.run("2 place de la Mairie", "79360", "79078");  // else the postcode
        CHECK(r.ban_id == "79217_0001_00002");
        r = f.run("2 place de la Mairie", "79370", "79078");
        CHECK(r.ban_id == "79032_0001_00002");
        r = f.run("2 place de la Mairi", "79370", "79078");  // misspelt: the same preference on a tie
        CHECK(r.ban_id == "79032_0001_00002");
        r = f.run("place de la Mairie", "", "79078");  // nothing to choose: first in the file
        CHECK(r.ban_id == "79217_0001");
        CHECK(r.x == -0.4901);  // its own median (1 and 2: the lower), not a mix of both villages
    }
}

TEST_CASE("geocode: a file without the BAN columns is refused, naming the column", "[geocoder]") {
    const auto file = std::filesystem::temp_directory_path() / "territoire-test-notban.csv";
    {
        std::ofstream out(file);
        out << "id;numero;voie\n1;2;rue\n";
    }
    detail::Transformer identity("EPSG:4326", "EPSG:4326");
    Geocoder geocoder;
    CHECK_THROWS_WITH(geocoder.load(file, "x.csv", identity, nullptr), Catch::Contains("rep"));
    std::filesystem::remove(file);
}
