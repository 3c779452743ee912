// legal_crs.cpp — see legal_crs.hpp.
#include "legal_crs.hpp"

#include <ogr_geometry.h>
#include <ogr_spatialref.h>

#include <algorithm>
#include <memory>

#include "detail/gdal.hpp"
#include "detail/text.hpp"
#include "source.hpp"
#include "territoire/error.hpp"

namespace territoire {
namespace {

// Legal projections (décret n° 2006-272 modifié; EPSG codes checked with `projinfo`), with a WGS 84
// box around each territory for the choice by location.
struct LegalCrs {
    const char* department;
    const char* crs;
    const char* label;
    double min_lon, min_lat, max_lon, max_lat;
};

const LegalCrs kOverseas[] = {
    {"971", "EPSG:5490", "RGAF09 / UTM zone 20N, Guadeloupe", -61.95, 15.8, -60.95, 16.55},
    {"972", "EPSG:5490", "RGAF09 / UTM zone 20N, Martinique", -61.3, 14.35, -60.75, 14.95},
    {"973", "EPSG:2972", "RGFG95 / UTM zone 22N, Guyane", -54.7, 2.05, -51.5, 5.85},
    {"974", "EPSG:2975", "RGR92 / UTM zone 40S, La Réunion", 55.15, -21.45, 55.9, -20.8},
    {"976", "EPSG:4471", "RGM04 / UTM zone 38S, Mayotte", 44.95, -13.05, 45.35, -12.6},
};
const char* kMetropole = "EPSG:2154";
const char* kMetropoleLabel = "RGF93 v1 / Lambert-93, France métropolitaine";

// Columns that hold an INSEE code of commune, département or IRIS in French files.
bool is_code_column(const std::string& name) {
    const std::string n = detail::slug(name);
    for (const char* c : {"code", "code_insee", "insee", "insee_com", "code_commune", "codgeo", "depcom", "com",
                          "code_iris", "code_departement", "code_dep", "dep", "insee_dep"})
        if (n == c) return true;
    return false;
}

void set(Project& p, const char* crs, const std::string& reason) {
    p.crs = crs;
    p.crs_reason = reason;
}

}  // namespace

void choose_legal_crs(Project& project) {
    if (project.crs_explicit) {
        project.crs_reason = "indiqué dans le fichier de projet ([project] crs)";
        return;
    }
    set(project, kMetropole, std::string(kMetropoleLabel) + " : système par défaut");
    SourceData data;
    try {
        data = read_source(project.territory);
    } catch (const Error&) {
        return;  // the run reports the territory's problem
    }
    // 1. An INSEE code in the territory's records.
    for (std::size_t c = 0; c < data.columns.size(); ++c) {
        if (!is_code_column(data.columns[c])) continue;
        for (const auto& rec : data.records) {
            const std::string code = detail::trim(rec.values[c]);
            if (code.size() < 2 || !std::isdigit(static_cast<unsigned char>(code[0]))) {
                if (code.rfind("2A", 0) == 0 || code.rfind("2B", 0) == 0) {
                    set(project, kMetropole, std::string(kMetropoleLabel) + ", choisi d'après le code INSEE « " + code +
                                                 " » du territoire (colonne " + data.columns[c] + ")");
                    return;
                }
                continue;
            }
            for (const auto& o : kOverseas) {
                if (code.rfind(o.department, 0) == 0) {
                    set(project, o.crs, std::string(o.crs) + " (" + o.label + "), choisi d'après le code INSEE « " +
                                            code + " » du territoire (colonne " + data.columns[c] + ")");
                    return;
                }
            }
            if (code.rfind("97", 0) == 0 || code.rfind("98", 0) == 0) break;  // other overseas: by location
            set(project, kMetropole, std::string(kMetropoleLabel) + ", choisi d'après le code INSEE « " + code +
                                         " » du territoire (colonne " + data.columns[c] + ")");
            return;
        }
    }
    // 2. The location of the territory: the centre of its bounding box in WGS 84.
    OGREnvelope box;
    bool any = false;
    for (const auto& rec : data.records) {
        if (rec.geometry.empty()) continue;
        OGRGeometry* g = nullptr;
        if (OGRGeometryFactory::createFromWkb(rec.geometry.data(), nullptr, &g, rec.geometry.size()) != OGRERR_NONE || !g)
            continue;
        OGREnvelope e;
        g->getEnvelope(&e);
        OGRGeometryFactory::destroyGeometry(g);
        if (any) box.Merge(e);
        else box = e;
        any = true;
    }
    if (!any) return;
    double x = (box.MinX + box.MaxX) / 2, y = (box.MinY + box.MaxY) / 2;
    const std::string source_crs = !project.territory.location.crs.empty() ? project.territory.location.crs : data.crs;
    if (!source_crs.empty()) {
        detail::ensure_gdal();
        OGRSpatialReference from, to;
        if (from.SetFromUserInput(source_crs.c_str()) != OGRERR_NONE) return;
        to.importFromEPSG(4326);
        from.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        to.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        std::unique_ptr<OGRCoordinateTransformation> t(OGRCreateCoordinateTransformation(&from, &to));
        if (!t || !t->Transform(1, &x, &y)) return;
    }
    for (const auto& o : kOverseas) {
        if (x >= o.min_lon && x <= o.max_lon && y >= o.min_lat && y <= o.max_lat) {
            set(project, o.crs, std::string(o.crs) + " (" + o.label + "), choisi d'après la position du territoire");
            return;
        }
    }
    if (x >= -5.5 && x <= 10 && y >= 41 && y <= 51.5)
        set(project, kMetropole, std::string(kMetropoleLabel) + ", choisi d'après la position du territoire");
}

}  // namespace territoire
