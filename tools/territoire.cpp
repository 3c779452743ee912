// territoire.cpp — the command-line program: `territoire run`, `territoire check`, `territoire init`.
// Messages are in French (the users' language); exit status 0 = success, 1 = error in the inputs or
// outputs, 2 = wrong command line, 3 = unexpected internal error.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>

#include "territoire/error.hpp"
#include "territoire/pipeline.hpp"
#include "territoire/project.hpp"

namespace {

std::string thousands(std::size_t n) {
    std::string s = std::to_string(n);
    for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(static_cast<std::size_t>(i), " ");
    return s;
}

// "0,729": a number with `decimals` decimals and a decimal comma, as French readers expect.
std::string french(double v, int decimals) {
    std::ostringstream s;
    s.setf(std::ios::fixed);
    s.precision(decimals);
    s << v;
    std::string text = s.str();
    if (const auto dot = text.find('.'); dot != std::string::npos) text[dot] = ',';
    return text;
}

// The network lines of the summary, from the network_summary table.
void print_network(const territoire::Diagnostic& d, std::ostream& out) {
    std::map<std::string, const territoire::Value*> v;
    for (const auto& t : d.tables)
        if (t.name == "network_summary")
            for (const auto& row : t.rows) v[std::get<std::string>(row[0])] = &row[2];
    auto num = [&](const char* code) -> std::optional<double> {
        const auto it = v.find(code);
        if (it == v.end() || !std::holds_alternative<double>(*it->second)) return std::nullopt;
        return std::get<double>(*it->second);
    };
    auto count = [&](const char* code) { return thousands(static_cast<std::size_t>(num(code).value_or(0))); };
    if (d.links.empty()) {
        out << "  réseau : aucun lien de coopération\n";
        return;
    }
    out << "  réseau " << (d.network.directed ? "orienté" : "non orienté") << " : densité "
        << french(num("density").value_or(0), 4) << " ; " << count("n_components") << " composantes, dont "
        << count("n_components_with_links") << " d'au moins deux acteurs (la plus grande : " << count("largest_component")
        << " acteurs) ; " << count("n_isolated") << " acteurs isolés\n";
    out << "  structure : " << count("n_cut_vertices") << " acteurs charnières, " << count("n_bridges") << " liens ponts ; "
        << count("n_communities") << " communautés (modularité " << french(d.network.modularity, 3) << ")";
    if (const auto r = num("family_assortativity")) out << " ; assortativité par famille " << french(*r, 3);
    if (const auto a = num("share_links_across_areas_pct")) out << " ; " << french(*a, 1) << " % des liens entre zones";
    out << "\n";
}

// The access lines of the summary (docs/access.md), from the access_summary table.
void print_access(const territoire::Diagnostic& d, std::ostream& out) {
    const territoire::Table* t = nullptr;
    for (const auto& table : d.tables)
        if (table.name == "access_summary") t = &table;
    if (!t) return;
    auto text = [](const territoire::Value& v) { return std::holds_alternative<std::string>(v) ? std::get<std::string>(v) : std::string(); };
    auto number = [](const territoire::Value& v) -> std::optional<double> {
        if (std::holds_alternative<double>(v)) return std::get<double>(v);
        return std::nullopt;
    };
    std::map<std::string, const std::vector<territoire::Value>*> general;
    std::map<std::string, std::map<std::string, std::optional<double>>> kinds;
    for (const auto& row : t->rows) {
        const std::string kind = text(row[1]);
        if (kind.empty()) general[text(row[0])] = &row;
        else kinds[kind][text(row[0])] = number(row[3]);
    }
    auto value = [&](const char* code) { return general.count(code) ? number((*general[code])[3]).value_or(0) : 0.0; };
    out << "  accessibilité à pied : distances " << (general.count("distance_mode") ? text((*general["distance_mode"])[4]) : "")
        << " ; " << thousands(static_cast<std::size_t>(value("n_cells"))) << " carreaux, "
        << thousands(static_cast<std::size_t>(std::llround(value("population")))) << " habitants";
    if (general.count("network_edges"))
        out << " ; réseau : " << thousands(static_cast<std::size_t>(value("network_edges"))) << " arcs, "
            << thousands(static_cast<std::size_t>(value("network_components"))) << " morceaux";
    out << "\n";
    // "6,0 min", or "—" when the value is unknown (beyond max_minutes, nobody reached…).
    auto show = [&](const std::optional<double>& v, int decimals, const char* unit = "") {
        return v ? french(*v, decimals) + unit : std::string("—");
    };
    for (const auto& [kind, v] : kinds) {
        auto get = [&](const char* code) { const auto it = v.find(code); return it == v.end() ? std::nullopt : it->second; };
        // The mean is over the inhabitants who reach a place within max_minutes: say so, and how many do not.
        out << "    " << kind << " : sans lieu à " << french(value("max_minutes"), value("max_minutes") == std::round(value("max_minutes")) ? 0 : 1) << " min ou moins "
            << show(get("unreached_pct"), 1, " %") << " des habitants ; temps moyen (des autres) "
            << show(get("time_mean_min"), 1, " min") << ", médian "
            << show(get("time_median_min"), 1, " min") << " ; à plus de 10 min " << show(get("beyond10_pct"), 1, " %")
            << ", à plus de 20 min " << show(get("beyond20_pct"), 1, " %") << " ; Gini " << show(get("gini_fca"), 3)
            << ", Theil " << show(get("theil_fca"), 3) << "\n";
    }
    for (const auto& table : d.tables) {
        if (table.name != "sheets_contrast") continue;
        out << "    " << table.title << " (rapports) :";
        std::string kind;
        for (const auto& row : table.rows) {
            if (text(row[0]).empty()) continue;
            if (text(row[0]) != kind) {
                kind = text(row[0]);
                out << "\n      " << kind << " : ";
            } else {
                out << " ; ";
            }
            const std::string code = text(row[1]);
            static const std::map<std::string, std::string> names = {
                {"time_mean_min", "temps moyen"}, {"unreached_pct", "sans lieu atteint"}, {"beyond10_pct", "à plus de 10 min"},
                {"beyond20_pct", "à plus de 20 min"}, {"fca_mean", "score 2SFCA"}, {"places_per_10k", "lieux pour 10 000 hab."}};
            const auto name = names.find(code);
            out << (name != names.end() ? name->second : code) << " ";
            // No ratio: the table's note says why (a set mostly out of reach, b nul…).
            if (!number(row[5]) && row.size() > 8 && !text(row[8]).empty()) out << "— (" << text(row[8]) << ")";
            else out << show(number(row[5]), 2);
        }
        out << "\n";
    }
}

// The survey lines of the summary (issue 8), from the survey_raking and survey_indicators tables.
void print_survey(const territoire::Diagnostic& d, std::ostream& out) {
    if (!d.project.survey) return;
    const territoire::Table* raking = nullptr;
    const territoire::Table* indicators = nullptr;
    for (const auto& t : d.tables) {
        if (t.name == "survey_raking") raking = &t;
        if (t.name == "survey_indicators") indicators = &t;
    }
    auto get = [](const territoire::Table& t, const std::vector<territoire::Value>& row, const char* field) {
        const int i = t.field_index(field);
        return i < 0 ? territoire::Value() : row[static_cast<std::size_t>(i)];
    };
    auto real = [](const territoire::Value& v) { return std::holds_alternative<double>(v) ? std::get<double>(v) : 0.0; };
    if (raking) {
        std::size_t n = 0, converged = 0;
        long long iterations = 0;
        double effective = 0, gap = 0;
        for (const auto& row : raking->rows) {
            n += static_cast<std::size_t>(std::get<std::int64_t>(get(*raking, row, "n")));
            converged += std::get<bool>(get(*raking, row, "converged"));
            iterations = std::max(iterations, static_cast<long long>(std::get<std::int64_t>(get(*raking, row, "iterations"))));
            effective += real(get(*raking, row, "effective_n"));
            gap = std::max(gap, real(get(*raking, row, "max_gap")));
        }
        char gap_text[32];
        std::snprintf(gap_text, sizeof gap_text, "%.1e", gap);
        for (char* c = gap_text; *c; ++c)
            if (*c == '.') *c = ',';
        out << "  enquête : " << thousands(n) << " répondants pondérés ; calage "
            << (raking->rows.size() > 1 ? "par zone (" + std::to_string(raking->rows.size()) + " zones)" : "sur le territoire")
            << (converged == raking->rows.size() ? " convergé" : " NON convergé") << " en " << iterations
            << " itérations (écart restant " << gap_text << ") ; taille effective (Kish) " << french(effective, 0)
            << ", effet de plan " << french(effective > 0 ? static_cast<double>(n) / effective : 0, 2) << "\n";
        std::size_t unmet = 0;  // trim bounds that cannot be met with the margins (docs/survey.md)
        for (const auto& row : raking->rows) {
            const auto& met = get(*raking, row, "bounds_met");
            unmet += std::holds_alternative<bool>(met) && !std::get<bool>(met);
        }
        if (unmet) {
            out << "  enquête : bornes d'écrêtage des poids non respectées (" << unmet
                << (unmet > 1 ? " calages" : " calage") << ") : voir data_quality, survey_trim_bounds_not_met\n";
        }
    }
    if (indicators) {
        std::size_t withheld = 0;
        for (const auto& row : indicators->rows) withheld += std::get<bool>(get(*indicators, row, "withheld"));
        out << "  enquête : " << thousands(indicators->rows.size()) << " cases d'indicateurs, dont " << thousands(withheld)
            << " non publiées (moins de " << d.project.survey->min_cell << " répondants, ou secret par différence)";
        std::size_t pinned = 0;  // published 0 % / 100 % cells withheld too (survey.cpp, secure_estimates)
        for (const auto& p : d.problems.problems())
            if (p.kind == "survey_pinned_cells_withheld") pinned += std::strtoul(p.message.c_str(), nullptr, 10);
        if (pinned) out << ", dont " << thousands(pinned) << " à 0 % ou 100 % qui fixaient des cases non publiées";
        out << "\n";
    }
}

void print_summary(const territoire::Diagnostic& d, std::ostream& out) {
    out << "Diagnostic « " << d.project.name << " » — système de travail " << d.project.crs << "\n";
    if (!d.project.crs_reason.empty()) out << "  système de travail : " << d.project.crs_reason << "\n";
    out << "  territoire : " << french(d.territory.area_km2, 1) << " km², " << thousands(d.areas.size()) << " zones\n";
    out << "  sources :\n";
    for (const auto& s : d.stats) {
        out << "    " << s.block << " (" << s.name << ") : " << thousands(s.read) << " lues, " << thousands(s.kept)
            << " retenues";
        if (s.outside) out << ", " << thousands(s.outside) << " hors territoire";
        if (s.unlocated) out << ", " << thousands(s.unlocated) << " sans localisation";
        if (s.rejected) out << ", " << thousands(s.rejected) << " rejetées";
        if (s.assigned) out << ", " << thousands(s.assigned) << " rattachées à une zone";
        out << "\n";
    }
    out << "  acteurs : " << thousands(d.actors.size()) << ", lieux : " << thousands(d.places.size())
        << ", liens : " << thousands(d.links.size());
    if (!d.objects.empty()) out << ", projets ou événements partagés : " << thousands(d.objects.size());
    out << "\n";
    print_network(d, out);
    print_access(d, out);
    print_survey(d, out);
    const auto counts = d.problems.count_by_kind();
    out << "  problèmes de données : " << d.problems.problems().size();
    if (!counts.empty()) {
        out << " (";
        bool first = true;
        for (const auto& [kind, n] : counts) {
            out << (first ? "" : ", ") << kind << " " << n;
            first = false;
        }
        out << ")";
    }
    out << "\n";
}

void print_problems(const territoire::Diagnostic& d, std::ostream& out, bool all) {
    std::map<std::string, std::size_t> shown;
    std::size_t hidden = 0;
    for (const auto& p : d.problems.problems()) {
        if (!all && shown[p.kind]++ >= 5) {
            ++hidden;
            continue;
        }
        out << "  [" << territoire::to_string(p.severity) << "] " << p.kind << " — " << p.source;
        if (!p.block.empty()) out << " [" << p.block << "]";
        if (!p.feature.empty()) out << ", " << p.feature;
        if (!p.field.empty()) out << ", champ '" << p.field << "'";
        out << " : " << p.message << "\n";
    }
    if (hidden) out << "  … et " << hidden << " autres (--all pour tout voir)\n";
}

// The project skeleton written by `territoire init`: every v1 block, commented, in French.
const char* const kSkeleton = R"(# Projet libterritoire — à compléter. Référence : docs/project-file.md
# Les chemins sont relatifs à ce fichier.

[project]
name = "Mon territoire"
crs = "EPSG:2154"                 # système de travail (Lambert-93 en métropole)

[territory]                       # le territoire étudié : toute source lisible par GDAL
path = "communes.geojson"
# where = "code = '79191'"        # filtre facultatif ; les entités retenues sont fusionnées

[areas]                           # les zones : IRIS, quartiers, communes membres
path = "communes.geojson"
id_field = "code"
name_field = "nom"
# population_field = "population"

[[places]]                        # un bloc par source de lieux
path = "lieux.csv"
name_field = "nom"
kind = "bibliothèque"             # ou kind_field = "type"
x_field = "longitude"             # ou wkt_field, ou latlon_field ("lat, lon") ;
y_field = "latitude"              # sans eux, la géométrie de la source

[[actors]]                        # un bloc par source d'acteurs
path = "acteurs.csv"
id_field = "id"
name_field = "nom"
family_field = "famille"          # ou family = "association"
x_field = "longitude"
y_field = "latitude"

# [links]                         # coopérations entre acteurs (facultatif)
# path = "liens.csv"
# source_field = "source"
# target_field = "cible"
# kind_field = "type"
# weight_field = "poids"
# directed = true                 # si « source → cible » a un sens (sollicite, finance…)

# [participations]                # acteurs × projets ou événements partagés (facultatif)
# path = "participations.csv"     # chaque projet relie ses participants deux à deux
# actor_field = "acteur"
# object_field = "projet"
# object_name_field = "nom_projet"
# year_field = "annee"
# projection = "count"            # poids = nombre de projets partagés ; ou "newman"

# [survey]                        # enquête auprès des habitants (facultatif) : docs/survey.md
# path = "reponses.csv"           # une ligne par répondant
# id_field = "id"                 # code pseudonyme du répondant
# area_field = "quartier"         # sa zone (ou x_field/y_field…)
# strata = ["age", "sexe"]        # variables de calage
# margins = "marges.csv"          # variable, category, population (et area_id pour un calage par zone)
# public_rule = "q12 != 'jamais'" # qui compte comme « public »
# min_cell = 10                   # en dessous, le chiffre n'est pas publié
# headline = ["q12=jamais"]       # indicateurs mis sur la couche des zones
#
# [survey.questions]
# q12 = { type = "single" }       # single, multi, likert (levels = [...]), yesno, number, text
)";

int init_project(const std::string& dir) {
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::create_directories(dir, ec);
    const fs::path file = fs::path(dir) / "project.toml";
    if (fs::exists(file)) {
        std::cerr << "territoire : erreur : fichier '" << file.string() << "' : existe déjà, rien n'est écrasé\n";
        return 1;
    }
    std::ofstream out(file);
    out << kSkeleton;
    out.close();
    if (!out) {
        std::cerr << "territoire : erreur : fichier '" << file.string() << "' : écriture impossible\n";
        return 1;
    }
    std::cout << "Squelette de projet écrit : " << file.string()
              << "\nComplétez-le, puis : territoire check " << file.string() << "\n";
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"territoire — diagnostic culturel de territoire (libterritoire " + std::string(territoire::version()) + ")"};
    app.set_version_flag("--version", std::string("territoire ") + territoire::version());
    app.require_subcommand(1);

    std::string project_path, out_dir;
    bool no_geojson = false, no_maps = false, no_sheets = false, no_xlsx = false, quiet = false, all = false;

    auto* run = app.add_subcommand("run", "Exécute le diagnostic et écrit le GeoPackage (styles et projet QGIS compris), les GeoJSON, le réseau, les cartes, les fiches, le classeur et le manifeste");
    run->add_option("project", project_path, "Fichier de projet (TOML)")->required();
    run->add_option("-o,--output", out_dir, "Dossier de sortie")->required();
    run->add_flag("--no-geojson", no_geojson, "N'écrit pas les fichiers GeoJSON");
    run->add_flag("--no-maps", no_maps, "N'écrit pas les cartes (maps/)");
    run->add_flag("--no-sheets", no_sheets, "N'écrit pas les fiches HTML (sheets/)");
    run->add_flag("--no-xlsx", no_xlsx, "N'écrit pas le classeur diagnostic.xlsx");
    run->add_flag("-q,--quiet", quiet, "N'affiche que les erreurs");

    auto* check = app.add_subcommand("check", "Vérifie le projet et ses données, affiche les problèmes, n'écrit rien");
    check->add_option("project", project_path, "Fichier de projet (TOML)")->required();
    check->add_flag("--all", all, "Affiche tous les problèmes (sinon 5 par type)");

    std::string init_dir;
    auto* init = app.add_subcommand("init", "Écrit un squelette de fichier de projet commenté dans DIR");
    init->add_option("dir", init_dir, "Dossier du projet")->required();

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int code = app.exit(e);  // prints help, version or the usage error
        return code == 0 ? 0 : 2;      // one documented status for every command-line error
    }
    if (*init) return init_project(init_dir);

    territoire::ProgressFn progress;
    if (!quiet) progress = [](const std::string&, const std::string& msg) { std::cerr << "… " << msg << "\n"; };
    try {
        const territoire::Project project = territoire::load_project(project_path);
        const territoire::Diagnostic d = territoire::analyse(project, progress);
        if (*check) {
            print_summary(d, std::cout);
            print_problems(d, std::cout, all);
            return 0;
        }
        territoire::DeliverOptions options;
        options.geojson = !no_geojson;
        options.maps = !no_maps;
        options.sheets = !no_sheets;
        options.workbook = !no_xlsx;
        const territoire::Delivery out = territoire::deliver(d, out_dir, options, progress);
        if (!quiet) {
            print_summary(d, std::cout);
            std::cout << "Résultats :\n  " << out.geopackage.string()
                      << " (couches, styles et projet QGIS : Projet > Ouvrir depuis > GeoPackage)\n";
            if (!out.geojson.empty()) std::cout << "  " << (out.geojson.front().parent_path().string()) << "/ ("
                                                << out.geojson.size() << " fichiers GeoJSON)\n";
            std::cout << "  " << out.graphml.string() << " et " << out.gexf.filename().string()
                      << " (réseau pour Gephi et networkx)\n";
            if (!out.maps.empty())
                std::cout << "  " << (out.maps.front().parent_path().string()) << "/ (" << out.maps.size()
                          << " fichiers de cartes : PNG, SVG, PDF)\n";
            if (!out.sheets.empty()) std::cout << "  " << out.sheets.string() << " (fiches d'identité, à ouvrir dans un navigateur)\n";
            if (!out.workbook.empty())
                std::cout << "  " << out.workbook.string() << " (classeur pour le tableur)\n";
            std::cout << "  " << out.manifest.string() << "\n";
            for (const auto& f : out.working_files)
                std::cout << "  " << f.string() << " (fichier de travail : ne pas diffuser)\n";
        }
        return 0;
    } catch (const territoire::Error& e) {
        std::cerr << "territoire : erreur : " << e.what() << "\n";
        return 1;
    } catch (const std::exception& e) {
        std::cerr << "territoire : erreur interne : " << e.what() << "\n";
        return 3;
    }
}
