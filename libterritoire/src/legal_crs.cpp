// legal_crs.cpp — see legal_crs.hpp.
#include "legal_crs.hpp"

#include <ogr_geometry.h>
#include <ogr_spatialref.h>

#include <algorithm>
#include <memory>
#include <utility>
#include <vector>

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
const std::string kMetropoleLabel = "RGF93 v1 / Lambert-93, France métropolitaine";

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

// What the choice needs from the territory source: INSEE codes of its first records, its extent
// and CRS. OGR sources are probed without reading every feature (national files are large).
struct Probe {
    std::vector<std::pair<std::string, std::string>> codes;  // (column, value), records in order
    bool has_extent = false;
    OGREnvelope extent;
    std::string crs;
};

constexpr std::size_t kProbedRecords = 20;

void probe_delimited(const SourceSpec& spec, Probe& probe) {
    const SourceData data = read_source(spec);
    for (std::size_t r = 0; r < data.records.size() && r < kProbedRecords; ++r)
        for (std::size_t c = 0; c < data.columns.size(); ++c)
            if (is_code_column(data.columns[c])) probe.codes.emplace_back(data.columns[c], data.records[r].values[c]);
    const int wkt = spec.location.wkt_field.empty() ? -1 : data.column(spec.location.wkt_field);
    for (const auto& rec : data.records) {
        if (wkt < 0) break;
        OGRGeometry* g = nullptr;
        const std::string& text = rec.values[static_cast<std::size_t>(wkt)];
        if (OGRGeometryFactory::createFromWkt(text.c_str(), nullptr, &g) != OGRERR_NONE || !g) continue;
        OGREnvelope e;
        g->getEnvelope(&e);
        OGRGeometryFactory::destroyGeometry(g);
        if (probe.has_extent) probe.extent.Merge(e);
        else probe.extent = e;
        probe.has_extent = true;
    }
    probe.crs = spec.location.crs.empty() ? "EPSG:4326" : spec.location.crs;
}

void probe_ogr(const SourceSpec& spec, Probe& probe) {
    detail::ensure_gdal();
    detail::GdalErrorTrap trap;
    detail::DatasetPtr ds(GDALDataset::Open(spec.path.string().c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr,
                                            nullptr, nullptr));
    if (!ds || ds->GetLayerCount() == 0) return;
    OGRLayer* layer = spec.layer.empty() ? ds->GetLayer(0) : ds->GetLayerByName(spec.layer.c_str());
    if (!layer) return;
    if (!spec.where.empty() && layer->SetAttributeFilter(spec.where.c_str()) != OGRERR_NONE) return;
    OGRFeatureDefn* defn = layer->GetLayerDefn();
    layer->ResetReading();
    for (std::size_t r = 0; r < kProbedRecords; ++r) {
        detail::FeaturePtr f(layer->GetNextFeature());
        if (!f) break;
        for (int i = 0; i < defn->GetFieldCount(); ++i) {
            const std::string name = defn->GetFieldDefn(i)->GetNameRef();
            if (is_code_column(name) && f->IsFieldSetAndNotNull(i)) probe.codes.emplace_back(name, f->GetFieldAsString(i));
        }
    }
    if (spec.where.empty()) {
        probe.has_extent = layer->GetExtent(&probe.extent, TRUE) == OGRERR_NONE;
    } else {
        // Some drivers' GetExtent ignores the attribute filter: the filtered features, one by one.
        layer->ResetReading();
        while (detail::FeaturePtr f{layer->GetNextFeature()}) {
            const OGRGeometry* g = f->GetGeometryRef();
            if (!g || g->IsEmpty()) continue;
            OGREnvelope e;
            g->getEnvelope(&e);
            if (probe.has_extent) probe.extent.Merge(e);
            else probe.extent = e;
            probe.has_extent = true;
        }
    }
    if (!spec.location.crs.empty()) {
        probe.crs = spec.location.crs;
    } else if (const OGRSpatialReference* srs = layer->GetSpatialRef()) {
        char* wkt = nullptr;
        if (srs->exportToWkt(&wkt) == OGRERR_NONE && wkt) probe.crs = wkt;
        CPLFree(wkt);
    }
}

}  // namespace

void choose_legal_crs(Project& project) {
    if (project.crs_explicit) {
        project.crs_reason = "indiqué dans le fichier de projet ([project] crs)";
        return;
    }
    set(project, kMetropole, kMetropoleLabel + " : système par défaut");
    Probe probe;
    try {
        if (is_delimited_text(project.territory)) probe_delimited(project.territory, probe);
        else probe_ogr(project.territory, probe);
    } catch (const Error&) {
        return;  // the run reports the territory's problem
    }
    // 1. An INSEE code in the territory's first records.
    for (const auto& [column, value] : probe.codes) {
        const std::string code = detail::trim(value);
        const std::string from_code = ", choisi d'après le code INSEE « " + code + " » du territoire (colonne " + column + ")";
        if (code.rfind("2A", 0) == 0 || code.rfind("2B", 0) == 0) {
            set(project, kMetropole, kMetropoleLabel + from_code);
            return;
        }
        if (code.size() < 2 || code.find_first_not_of("0123456789") != std::string::npos) continue;
        for (const auto& o : kOverseas) {
            if (code.rfind(o.department, 0) == 0) {
                set(project, o.crs, std::string(o.crs) + " (" + o.label + ")" + from_code);
                return;
            }
        }
        if (code.rfind("97", 0) == 0 || code.rfind("98", 0) == 0) break;  // other overseas: by location
        set(project, kMetropole, kMetropoleLabel + from_code);
        return;
    }
    // 2. The location of the territory: the centre of its extent in WGS 84.
    if (!probe.has_extent) return;
    double x = (probe.extent.MinX + probe.extent.MaxX) / 2, y = (probe.extent.MinY + probe.extent.MaxY) / 2;
    if (probe.crs.empty()) return;
    OGRSpatialReference from, to;
    if (from.SetFromUserInput(probe.crs.c_str()) != OGRERR_NONE) return;
    to.importFromEPSG(4326);
    from.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    to.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    std::unique_ptr<OGRCoordinateTransformation> t(OGRCreateCoordinateTransformation(&from, &to));
    if (!t || !t->Transform(1, &x, &y)) return;
    for (const auto& o : kOverseas) {
        if (x >= o.min_lon && x <= o.max_lon && y >= o.min_lat && y <= o.max_lat) {
            set(project, o.crs, std::string(o.crs) + " (" + o.label + "), choisi d'après la position du territoire");
            return;
        }
    }
    if (x >= -5.5 && x <= 10 && y >= 41 && y <= 51.5)
        set(project, kMetropole, kMetropoleLabel + ", choisi d'après la position du territoire");
}

}  // namespace territoire
