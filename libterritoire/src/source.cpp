// source.cpp — step `load`: OGR datasets and delimited text into records.
#include "source.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <optional>
#include <sstream>

#include <cpl_conv.h>

#include "detail/csv.hpp"
#include "detail/gdal.hpp"
#include "detail/text.hpp"
#include "presets.hpp"
#include "territoire/error.hpp"
#include "territoire/problems.hpp"

namespace territoire {
namespace {

Location where_of(const SourceSpec& spec, const std::string& field = {}) {
    return Location{spec.path_as_written, spec.layer, {}, field};
}

std::string list_columns(const std::vector<std::string>& columns) {
    std::string out;
    for (std::size_t i = 0; i < columns.size() && i < 40; ++i) {
        if (i) out += ", ";
        out += "'" + columns[i] + "'";
    }
    if (columns.size() > 40) out += ", …";
    return out;
}

std::string read_file(const SourceSpec& spec) {
    std::ifstream in(spec.path, std::ios::binary);
    if (!in) throw InputError(where_of(spec), "fichier introuvable ou illisible");
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// Keeps the records that match an OGR SQL `where`, evaluated by GDAL on an in-memory copy so that
// delimited text accepts exactly the same filters as any OGR source.
void filter_delimited(const SourceSpec& spec, SourceData& data) {
    detail::ensure_gdal();
    detail::GdalErrorTrap trap;
    GDALDriver* mem = GetGDALDriverManager()->GetDriverByName("Memory");
    detail::DatasetPtr ds(mem->Create("", 0, 0, 0, GDT_Unknown, nullptr));
    OGRLayer* layer = ds->CreateLayer("records", nullptr, wkbNone, nullptr);
    for (const auto& c : data.columns) {
        OGRFieldDefn def(c.c_str(), OFTString);
        layer->CreateField(&def);
    }
    for (std::size_t i = 0; i < data.records.size(); ++i) {
        detail::FeaturePtr f(OGRFeature::CreateFeature(layer->GetLayerDefn()));
        f->SetFID(static_cast<GIntBig>(i));
        for (std::size_t k = 0; k < data.columns.size(); ++k)
            if (!data.records[i].values[k].empty()) f->SetField(static_cast<int>(k), data.records[i].values[k].c_str());
        if (layer->CreateFeature(f.get()) != OGRERR_NONE) throw InputError(where_of(spec, "where"), "filtre : copie en mémoire impossible");
    }
    if (layer->SetAttributeFilter(spec.where.c_str()) != OGRERR_NONE) {
        throw InputError(where_of(spec, "where"),
                         "filtre « " + spec.where + " » invalide : " + trap.failures());
    }
    std::vector<Record> kept;
    layer->ResetReading();
    while (OGRFeature* raw = layer->GetNextFeature()) {
        detail::FeaturePtr f(raw);
        kept.push_back(std::move(data.records[static_cast<std::size_t>(f->GetFID())]));
    }
    data.records = std::move(kept);
}

SourceData read_delimited(const SourceSpec& spec) {
    SourceData data;
    data.file = spec.path_as_written;
    data.delimited = true;
    std::string text = read_file(spec);
    data.bom_count = detail::strip_boms(text);
    if (!spec.encoding.empty()) {
        try {
            text = detail::to_utf8(text, spec.encoding);
        } catch (const Error& e) {
            throw InputError(where_of(spec, "encoding"), e.what());
        }
    } else if (const auto bad = detail::invalid_utf8_at(text); bad != std::string::npos && !spec.fallback_encoding.empty()) {
        // A preset's second encoding (RNA files come in ISO-8859-1 or UTF-8 with a BOM).
        text = detail::to_utf8(text, spec.fallback_encoding);
    } else if (bad != std::string::npos) {
        Location loc = where_of(spec);
        loc.feature = "ligne " + std::to_string(detail::line_of(text, bad));
        throw InputError(loc, "texte non UTF-8 ; indiquez l'encodage du fichier, par exemple encoding = \"ISO-8859-1\"");
    }
    char sep = 0;
    if (!spec.separator.empty()) {
        sep = spec.separator == "\\t" ? '\t' : spec.separator[0];
    }
    std::vector<detail::CsvRaggedRow> ragged;
    detail::CsvTable table;
    try {
        table = detail::parse_csv(text, sep, ragged);
    } catch (const Error& e) {
        throw InputError(where_of(spec), e.what());
    }
    data.columns = std::move(table.header);
    data.records.reserve(table.rows.size());
    for (auto& row : table.rows) {
        data.records.push_back(Record{"ligne " + std::to_string(row.line), std::move(row.fields), {}});
    }
    for (const auto& r : ragged) data.malformed_lines.push_back(r.line);
    if (!spec.where.empty()) filter_delimited(spec, data);
    return data;
}

// A GDAL configuration option set for the calling thread only, restored when it goes out of scope.
class ThreadConfig {
public:
    ThreadConfig(const char* name, const char* value) : name_(name) {
        if (!name_) return;
        if (const char* old = CPLGetThreadLocalConfigOption(name_, nullptr)) old_ = old;
        CPLSetThreadLocalConfigOption(name_, value);
    }
    ~ThreadConfig() {
        if (name_) CPLSetThreadLocalConfigOption(name_, old_ ? old_->c_str() : nullptr);
    }
    ThreadConfig(const ThreadConfig&) = delete;
    ThreadConfig& operator=(const ThreadConfig&) = delete;

private:
    const char* name_;
    std::optional<std::string> old_;
};

SourceData read_ogr(const SourceSpec& spec) {
    detail::ensure_gdal();
    detail::GdalErrorTrap trap;
    SourceData data;
    data.file = spec.path_as_written;
    // `encoding` is honoured by the Shapefile driver (a .dbf without .cpg); other OGR formats define
    // their own encoding, so the key is refused there rather than silently ignored.
    std::vector<std::string> open_options;
    if (!spec.encoding.empty()) open_options.push_back("ENCODING=" + spec.encoding);
    // A spreadsheet's first row names the columns, as the project file's *_field keys expect. GDAL's
    // XLSX and ODS drivers guess it otherwise, and take it for data when every column is text.
    // GDAL 3.6 has no HEADERS open option for them (later versions add one): its configuration
    // option, set for this thread only while the file is read.
    std::string ext = spec.path.extension().string();
    for (auto& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const char* headers_option = ext == ".xlsx" || ext == ".xlsm" ? "OGR_XLSX_HEADERS" : ext == ".ods" ? "OGR_ODS_HEADERS" : nullptr;
    const ThreadConfig force_headers(headers_option, "FORCE");
    std::vector<const char*> option_ptrs;
    for (const auto& o : open_options) option_ptrs.push_back(o.c_str());
    option_ptrs.push_back(nullptr);
    const char* const shapefile_only[] = {"ESRI Shapefile", nullptr};
    detail::DatasetPtr ds(GDALDataset::Open(spec.path.string().c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY,
                                            spec.encoding.empty() ? nullptr : shapefile_only, option_ptrs.data(),
                                            nullptr));
    if (!ds && !spec.encoding.empty()) {
        // Blame `encoding` only when another driver can read the file.
        detail::DatasetPtr other(GDALDataset::Open(spec.path.string().c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY,
                                                   nullptr, nullptr, nullptr));
        if (other) {
            throw InputError(where_of(spec, "encoding"),
                             "encoding ne s'applique qu'aux textes délimités (.csv, .tsv, .txt) et aux Shapefiles");
        }
    }
    if (ds && !spec.encoding.empty()) {
        try {
            detail::to_utf8("\xE9", spec.encoding);  // the Shapefile driver would ignore an unknown name
        } catch (const Error& e) {
            throw InputError(where_of(spec, "encoding"), e.what());
        }
    }
    if (!ds) {
        const std::string why = trap.failures();
        throw InputError(where_of(spec), "source illisible" + (why.empty() ? std::string(" (fichier absent ou format non reconnu)") : " : " + why));
    }
    OGRLayer* layer = nullptr;
    if (!spec.layer.empty()) {
        layer = ds->GetLayerByName(spec.layer.c_str());
        if (!layer) {
            std::vector<std::string> names;
            for (auto* l : ds->GetLayers()) names.push_back(l->GetName());
            throw InputError(where_of(spec, "layer"), "couche introuvable ; couches présentes : " + list_columns(names));
        }
    } else {
        if (ds->GetLayerCount() == 0) throw InputError(where_of(spec), "aucune couche vectorielle dans ce fichier");
        layer = ds->GetLayer(0);
    }
    data.layer = layer->GetName();
    if (!spec.where.empty() && layer->SetAttributeFilter(spec.where.c_str()) != OGRERR_NONE) {
        throw InputError(where_of(spec, "where"), "filtre « " + spec.where + " » invalide : " + trap.failures());
    }
    OGRFeatureDefn* defn = layer->GetLayerDefn();
    for (int i = 0; i < defn->GetFieldCount(); ++i) data.columns.emplace_back(defn->GetFieldDefn(i)->GetNameRef());
    if (const OGRSpatialReference* srs = layer->GetSpatialRef()) {
        char* wkt = nullptr;
        const char* options[] = {"FORMAT=WKT2_2019", nullptr};
        if (srs->exportToWkt(&wkt, options) == OGRERR_NONE && wkt) data.crs = wkt;
        CPLFree(wkt);
    }
    layer->ResetReading();
    while (OGRFeature* raw = layer->GetNextFeature()) {
        detail::FeaturePtr f(raw);
        Record rec;
        rec.ref = "FID " + std::to_string(f->GetFID());
        rec.values.resize(data.columns.size());
        for (int i = 0; i < defn->GetFieldCount(); ++i) {
            if (f->IsFieldSetAndNotNull(i)) rec.values[static_cast<std::size_t>(i)] = f->GetFieldAsString(i);
        }
        if (OGRGeometry* g = f->GetGeometryRef(); g && !g->IsEmpty()) {
            std::unique_ptr<OGRGeometry> linear;
            if (g->hasCurveGeometry()) {
                linear.reset(g->getLinearGeometry());
                g = linear.get();
            }
            g->flattenTo2D();
            rec.geometry.resize(static_cast<std::size_t>(g->WkbSize()));
            g->exportToWkb(wkbNDR, rec.geometry.data(), wkbVariantIso);
        }
        data.records.push_back(std::move(rec));
    }
    if (const std::string why = trap.failures(); !why.empty()) {
        throw InputError(where_of(spec), "erreur de lecture : " + why);
    }
    data.warnings = trap.warnings();
    return data;
}

// Every column a block names, with its project-file key; `carried` marks those whose values are
// written to outputs. One list, so that the checks below cannot drift apart.
struct MappedField {
    const char* key;
    const std::string* column;
    bool carried;
};

std::vector<MappedField> mapped_fields(const SourceSpec& spec) {
    const MappedField all[] = {
        {"id_field", &spec.id_field, true},           {"name_field", &spec.name_field, true},
        {"population_field", &spec.population_field, false}, {"kind_field", &spec.kind_field, true},
        {"capacity_field", &spec.capacity_field, true}, {"family_field", &spec.family_field, true},
        {"source_field", &spec.source_field, true},   {"target_field", &spec.target_field, true},
        {"weight_field", &spec.weight_field, false},  {"x_field", &spec.location.x_field, false},
        {"y_field", &spec.location.y_field, false},   {"wkt_field", &spec.location.wkt_field, false},
        {"latlon_field", &spec.location.latlon_field, false},
        {"actor_field", &spec.actor_field, true},     {"object_field", &spec.object_field, true},
        {"object_name_field", &spec.object_name_field, true}, {"year_field", &spec.year_field, true},
        {"role_field", &spec.role_field, true},
        {"domain_field", &spec.domain_field, true},   {"status_field", &spec.status_field, false},
        {"quality_field", &spec.quality_field, false}, {"crs_field", &spec.crs_field, false},
        // Geocoding: the address is quoted in data_quality when it is not found, hence carried.
        {"postcode_field", &spec.postcode_field, true}, {"citycode_field", &spec.citycode_field, true},
        {"city_field", &spec.city_field, true},
    };
    std::vector<MappedField> out;
    for (const auto& f : all)
        if (!f.column->empty()) out.push_back(f);
    for (const auto& id : spec.ids) out.push_back({"ids", &id.second, true});  // identifiers (docs/matching.md)
    for (const auto& column : spec.address_fields)
        if (!column.empty()) out.push_back({"address_fields", &column, true});
    for (const auto& [column, unit] : spec.capacity_columns) out.push_back({"capacity_field", &column, true});
    return out;
}

void check_fields(const SourceSpec& spec, const SourceData& data) {
    for (const auto& f : mapped_fields(spec)) {
        if (f.carried && is_personal_column(*f.column)) {
            throw InputError(Location{spec.path_as_written, data.layer, {}, *f.column},
                             std::string("champ de données personnelles : il ne peut pas être repris dans les sorties (clé ") +
                                 f.key + " du bloc [" + spec.block + "])");
        }
        if (data.column(*f.column) >= 0) continue;
        throw InputError(Location{spec.path_as_written, data.layer, {}, *f.column},
                         std::string("champ introuvable (clé ") + f.key + " du bloc [" + spec.block +
                             "]) ; champs présents : " + list_columns(data.columns));
    }
}

// Text of the columns the block uses must be UTF-8 (delimited text is checked whole when read); a
// column the tool never reads may hold anything.
void check_utf8(const SourceSpec& spec, const SourceData& data) {
    std::vector<std::pair<int, std::string>> used;
    for (const auto& f : mapped_fields(spec)) used.emplace_back(data.column(*f.column), *f.column);
    for (const auto& rec : data.records) {
        for (const auto& [col, name] : used) {
            if (detail::invalid_utf8_at(rec.values[static_cast<std::size_t>(col)]) == std::string::npos) continue;
            throw InputError(Location{spec.path_as_written, data.layer, rec.ref, name},
                             spec.encoding.empty()
                                 ? "texte non UTF-8 ; indiquez l'encodage de la source, par exemple encoding = \"ISO-8859-1\" "
                                   "(textes délimités et Shapefiles)"
                                 : "texte non UTF-8 malgré encoding = \"" + spec.encoding + "\" : vérifiez l'encodage");
        }
    }
}

}  // namespace

// Columns that hold personal data in French sources (RNA manager and declarant fields, contact
// details, civility and first names): they are never carried into outputs, so mapping one into an
// output field is refused.
bool is_personal_column(const std::string& name) {
    std::string n;
    for (char c : name) n.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    auto starts = [&](const char* p) { return n.rfind(p, 0) == 0; };
    auto has = [&](const char* p) { return n.find(p) != std::string::npos; };
    return starts("dir_") || starts("adrg_") || has("mail") || has("courriel") || has("telephone") ||
           has("téléphone") || n == "tel" || n == "tél" || has("dirigeant") || has("declarant") || has("déclarant") ||
           has("civilite") || has("civilité") || has("prenom") || has("prénom") || has("nom_naissance") ||
           has("date_naissance");
}

int SourceData::column(const std::string& name) const {
    const auto it = std::find(columns.begin(), columns.end(), name);
    return it == columns.end() ? -1 : static_cast<int>(it - columns.begin());
}

std::vector<std::string> read_columns(const SourceSpec& spec) {
    if (is_delimited_text(spec)) {
        std::ifstream in(spec.path, std::ios::binary);
        if (!in) throw InputError(where_of(spec), "fichier introuvable ou illisible");
        std::string text(1 << 20, '\0');
        in.read(&text[0], static_cast<std::streamsize>(text.size()));
        text.resize(static_cast<std::size_t>(in.gcount()));
        detail::strip_boms(text);
        if (const auto end = text.find_first_of("\r\n"); end != std::string::npos) text.resize(end);
        try {
            if (!spec.encoding.empty()) text = detail::to_utf8(text, spec.encoding);
            else if (detail::invalid_utf8_at(text) != std::string::npos && !spec.fallback_encoding.empty())
                text = detail::to_utf8(text, spec.fallback_encoding);
        } catch (const Error& e) {
            throw InputError(where_of(spec, "encoding"), e.what());
        }
        if (detail::invalid_utf8_at(text) != std::string::npos) {
            Location loc = where_of(spec);
            loc.feature = "ligne 1";
            throw InputError(loc, "texte non UTF-8 ; indiquez l'encodage du fichier, par exemple encoding = \"ISO-8859-1\"");
        }
        const char sep = spec.separator.empty() ? 0 : (spec.separator == "\\t" ? '\t' : spec.separator[0]);
        std::vector<detail::CsvRaggedRow> ragged;
        try {
            return detail::parse_csv(text, sep, ragged).header;
        } catch (const Error& e) {
            throw InputError(where_of(spec), e.what());
        }
    }
    detail::ensure_gdal();
    detail::GdalErrorTrap trap;
    detail::DatasetPtr ds(GDALDataset::Open(spec.path.string().c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr,
                                            nullptr, nullptr));
    if (!ds || ds->GetLayerCount() == 0) return {};  // read_source says why
    OGRLayer* layer = spec.layer.empty() ? ds->GetLayer(0) : ds->GetLayerByName(spec.layer.c_str());
    if (!layer) return {};
    std::vector<std::string> columns;
    OGRFeatureDefn* defn = layer->GetLayerDefn();
    for (int i = 0; i < defn->GetFieldCount(); ++i) columns.emplace_back(defn->GetFieldDefn(i)->GetNameRef());
    return columns;
}

bool is_delimited_text(const SourceSpec& spec) {
    std::string ext = spec.path.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
    return ext == ".csv" || ext == ".tsv" || ext == ".txt";
}

SourceData read_source(const SourceSpec& spec) {
    if (std::error_code ec; !std::filesystem::is_regular_file(spec.path, ec) && !std::filesystem::is_directory(spec.path, ec)) {
        throw InputError(where_of(spec), "fichier introuvable");
    }
    SourceData data = is_delimited_text(spec) ? read_delimited(spec) : read_ogr(spec);
    check_fields(spec, data);
    apply_record_rules(spec, data);
    if (!data.delimited) check_utf8(spec, data);
    return data;
}

Problem source_problem(const SourceSpec& spec, Severity severity, std::string kind, std::string feature,
                       std::string field, std::string message) {
    return Problem{severity, std::move(kind), spec.name, spec.block, std::move(feature), std::move(field), std::move(message)};
}

std::size_t report_read_issues(ProblemReporter& problems, const SourceSpec& spec, const SourceData& data) {
    for (std::size_t line : data.malformed_lines) {
        problems.report(source_problem(spec, Severity::warning, "malformed_row", "ligne " + std::to_string(line), {},
                                       "nombre de champs différent de l'en-tête : ligne ignorée"));
    }
    if (data.excluded) {
        std::string detail;
        for (const auto& [status, n] : data.excluded_by_status)
            detail += (detail.empty() ? "" : ", ") + status + " : " + std::to_string(n);
        problems.report(source_problem(spec, Severity::info, "dissolved", {}, spec.status_field,
                                       std::to_string(data.excluded) +
                                           " enregistrement(s) dissous ou supprimé(s) laissé(s) de côté (" + spec.status_field +
                                           " " + detail + ") ; include_dissolved = true pour les garder"));
    }
    for (const auto& w : data.warnings) {
        problems.report(source_problem(spec, Severity::warning, "reader_warning", {}, {}, "GDAL : " + w));
    }
    return data.malformed_lines.size();
}

}  // namespace territoire
