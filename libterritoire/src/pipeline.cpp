// pipeline.cpp — runs the steps in order: territory → areas → places → actors → links →
// network, indicators and sheets. Delivery is separate (deliver.cpp) so that `check` and the Python
// bindings can stop before writing.
#include "territoire/pipeline.hpp"

#include "access.hpp"
#include "detail/proj.hpp"
#include "detail/text.hpp"
#include "matching.hpp"
#include "survey.hpp"
#include "territoire/error.hpp"
#include "workspace.hpp"

namespace territoire {

const char* version() noexcept { return "0.1.0"; }

Diagnostic analyse(const Project& project, const ProgressFn& progress) {
    const detail::CLocaleScope c_locale;  // numbers read and written with a decimal point
    auto say = [&](const char* step, const std::string& msg) {
        if (progress) progress(step, msg);
    };
    Diagnostic d;
    d.project = project;
    std::string wkt;
    try {
        wkt = detail::crs_to_wkt(project.crs);
    } catch (const Error& e) {
        throw ProjectError(Location{project.file.string(), {}, {}, "crs"}, e.what());
    }
    if (!detail::is_projected_metric(project.crs)) {
        throw ProjectError(Location{project.file.string(), {}, {}, "crs"},
                           "le système de travail « " + project.crs +
                               " » doit être projeté, en mètres (par exemple EPSG:2154, Lambert-93)");
    }
    Workspace ws(project.crs);
    d.working_crs_wkt = ws.working_crs_wkt;

    say("territory", "territoire : " + project.territory.path_as_written);
    build_territory(ws, d);
    say("areas", "zones : " + project.areas.path_as_written);
    build_areas(ws, d);
    say("places", "lieux : " + std::to_string(project.places.size()) + " source(s)");
    build_places(ws, d);
    say("actors", "acteurs : " + std::to_string(project.actors.size()) + " source(s)");
    std::map<std::string, std::string> dropped;
    build_actors(ws, d, dropped);
    say("matching", "rapprochement des sources (acteurs et lieux)");
    build_matching(ws, d);  // before links: a merged-away actor id resolves to the kept actor
    if (project.links) say("links", "liens : " + project.links->path_as_written);
    if (project.participations) say("links", "participations : " + project.participations->path_as_written);
    build_links(ws, d, dropped);
    say("network", "mesures du réseau, indicateurs et fiches");
    if (project.population) say("access", "accessibilité : " + project.population->source.path_as_written);
    AccessOutcome access = build_access(ws, d);  // docs/access.md; before the tables: may fill areas' population
    build_tables(ws, d);
    add_access_tables(std::move(access), d);
    if (project.survey) {  // issue 8: survey.cpp
        say("survey", "enquête : " + project.survey->source.path_as_written);
        build_survey(ws, d);
    }
    return d;
}

}  // namespace territoire
