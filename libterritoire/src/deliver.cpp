// deliver.cpp — step `deliver`: the GeoPackage (one transaction), RFC 7946 GeoJSON files and the
// manifest. Each file is written under a temporary name in the target folder and renamed only when
// complete, so a failed run never leaves a half-written deliverable behind.
#include <geos_c.h>
#include <nlohmann/json.hpp>
#include <openssl/evp.h>
#include <proj.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <functional>
#include <future>
#include <iomanip>
#include <optional>
#include <sstream>

#include "detail/gdal.hpp"
#include "detail/text.hpp"
#include "deliverables.hpp"
#include "graph_export.hpp"
#include "output_file.hpp"
#include "detail/geos.hpp"
#include "territoire/error.hpp"
#include "territoire/pipeline.hpp"

namespace territoire {
namespace {

namespace fs = std::filesystem;

OGRwkbGeometryType ogr_type(GeometryType t) {
    switch (t) {
        case GeometryType::point: return wkbPoint;
        case GeometryType::linestring: return wkbLineString;
        case GeometryType::multipoint: return wkbMultiPoint;
        case GeometryType::multipolygon: return wkbMultiPolygon;
        case GeometryType::none: return wkbNone;
    }
    return wkbNone;
}

// Writes one table as a new layer of `ds`. Throws OutputError naming the layer and row.
void write_layer(GDALDataset* ds, const Table& table, const OGRSpatialReference* srs,
                 const std::vector<std::string>& options, detail::GdalErrorTrap& trap, const std::string& file) {
    std::vector<const char*> opts;
    for (const auto& o : options) opts.push_back(o.c_str());
    opts.push_back(nullptr);
    const bool spatial = table.geometry_type != GeometryType::none;
    OGRLayer* layer = ds->CreateLayer(table.name.c_str(), spatial ? const_cast<OGRSpatialReference*>(srs) : nullptr, ogr_type(table.geometry_type),
                                      const_cast<char**>(opts.data()));
    if (!layer) throw OutputError(file + " : création de la couche '" + table.name + "' impossible : " + trap.failures());
    for (const auto& f : table.fields) {
        OGRFieldDefn def(f.name.c_str(), OFTString);
        switch (f.type) {
            case FieldType::text: def.SetType(OFTString); break;
            case FieldType::integer: def.SetType(OFTInteger64); break;
            case FieldType::real: def.SetType(OFTReal); break;
            case FieldType::boolean:
                def.SetType(OFTInteger);
                def.SetSubType(OFSTBoolean);
                break;
        }
        if (!f.alias.empty()) def.SetAlternativeName(f.alias.c_str());
        if (layer->CreateField(&def) != OGRERR_NONE)
            throw OutputError(file + " : champ '" + f.name + "' de la couche '" + table.name + "' : " + trap.failures());
    }
    for (std::size_t r = 0; r < table.rows.size(); ++r) {
        detail::FeaturePtr feature(OGRFeature::CreateFeature(layer->GetLayerDefn()));
        const auto& row = table.rows[r];
        for (std::size_t i = 0; i < row.size(); ++i) {
            const int k = static_cast<int>(i);
            std::visit(
                [&](const auto& v) {
                    using V = std::decay_t<decltype(v)>;
                    if constexpr (std::is_same_v<V, std::monostate>) feature->SetFieldNull(k);
                    else if constexpr (std::is_same_v<V, std::string>) feature->SetField(k, v.c_str());
                    else if constexpr (std::is_same_v<V, std::int64_t>) feature->SetField(k, static_cast<GIntBig>(v));
                    else if constexpr (std::is_same_v<V, double>) feature->SetField(k, v);
                    else if constexpr (std::is_same_v<V, bool>) feature->SetField(k, v ? 1 : 0);
                },
                row[i]);
        }
        if (spatial && !table.geometries[r].empty()) {
            OGRGeometry* g = nullptr;
            const auto& wkb = table.geometries[r];
            if (OGRGeometryFactory::createFromWkb(wkb.data(), nullptr, &g, wkb.size()) != OGRERR_NONE) {
                throw OutputError(file + " : géométrie illisible, couche '" + table.name + "', ligne " + std::to_string(r + 1));
            }
            feature->SetGeometryDirectly(g);
        }
        if (layer->CreateFeature(feature.get()) != OGRERR_NONE) {
            throw OutputError(file + " : écriture impossible, couche '" + table.name + "', ligne " +
                              std::to_string(r + 1) + " : " + trap.failures());
        }
    }
}

// French column titles in the GeoPackage schema extension (gpkg_data_columns.title): GDAL 3.6 does
// not store OGR alternative names in GeoPackages, so we write the standard tables ourselves (in a
// way that still works when a newer GDAL has created them).
void write_data_columns(GDALDataset* ds, const std::vector<Table>& tables, detail::GdalErrorTrap& trap,
                        const std::string& file) {
    auto sql = [&](const std::string& statement) {
        OGRLayer* result = ds->ExecuteSQL(statement.c_str(), nullptr, nullptr);
        if (result) ds->ReleaseResultSet(result);
        if (const auto why = trap.failures(); !why.empty()) throw OutputError(file + " : " + why);
    };
    auto quote = [](const std::string& s) {
        std::string out = "'";
        for (char c : s) out += (c == '\'' ? std::string("''") : std::string(1, c));
        return out + "'";
    };
    sql("CREATE TABLE IF NOT EXISTS gpkg_data_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, name TEXT, "
        "title TEXT, description TEXT, mime_type TEXT, constraint_name TEXT, "
        "CONSTRAINT pk_gdc PRIMARY KEY (table_name, column_name), CONSTRAINT gdc_tn UNIQUE (table_name, name))");
    sql("CREATE TABLE IF NOT EXISTS gpkg_data_column_constraints (constraint_name TEXT NOT NULL, constraint_type TEXT NOT NULL, "
        "value TEXT, min NUMERIC, min_is_inclusive BOOLEAN, max NUMERIC, max_is_inclusive BOOLEAN, description TEXT, "
        "CONSTRAINT gdcc_ntv UNIQUE (constraint_name, constraint_type, value))");
    sql("CREATE TABLE IF NOT EXISTS gpkg_extensions (table_name TEXT, column_name TEXT, extension_name TEXT NOT NULL, "
        "definition TEXT NOT NULL, scope TEXT NOT NULL, CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name))");
    for (const char* table : {"gpkg_data_columns", "gpkg_data_column_constraints"}) {
        sql(std::string("INSERT OR IGNORE INTO gpkg_extensions VALUES ('") + table +
            "', NULL, 'gpkg_schema', 'http://www.geopackage.org/spec121/#extension_schema', 'read-write')");
    }
    for (const auto& t : tables) {
        for (const auto& f : t.fields) {
            if (f.alias.empty()) continue;
            // OR REPLACE: GDAL 3.7+ writes alternative names there itself.
            sql("INSERT OR REPLACE INTO gpkg_data_columns (table_name, column_name, name, title) VALUES (" + quote(t.name) + ", " +
                quote(f.name) + ", " + quote(f.name) + ", " + quote(f.alias) + ")");
        }
    }
}

std::string sha256_of(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return {};
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
    std::vector<char> buf(1 << 16);
    while (in) {
        in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
        EVP_DigestUpdate(ctx, buf.data(), static_cast<std::size_t>(in.gcount()));
    }
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned len = 0;
    EVP_DigestFinal_ex(ctx, digest, &len);
    EVP_MD_CTX_free(ctx);
    std::ostringstream hex;
    for (unsigned i = 0; i < len; ++i) hex << std::hex << std::setw(2) << std::setfill('0') << static_cast<int>(digest[i]);
    return hex.str();
}

// The access_summary table as {indicator: value or text}, per kind under "kinds" (docs/access.md);
// null without [population].
nlohmann::json access_manifest(const Diagnostic& d) {
    using nlohmann::json;
    for (const auto& t : d.tables) {
        if (t.name != "access_summary") continue;
        json out = json::object();
        json kinds = json::object();
        for (const auto& row : t.rows) {
            json v = nullptr;
            if (const auto* x = std::get_if<double>(&row[3])) v = *x;
            if (const auto* s = std::get_if<std::string>(&row[4])) v = *s;
            const std::string& code = std::get<std::string>(row[0]);
            if (const auto* kind = std::get_if<std::string>(&row[1])) kinds[*kind][code] = v;
            else out[code] = v;
        }
        out["kinds"] = kinds;
        return out;
    }
    return nullptr;
}

nlohmann::json manifest_of(const Diagnostic& d) {
    using nlohmann::json;
    const Project& p = d.project;
    json inputs = json::array();
    auto add = [&](const SourceSpec& s) {
        json in{{"block", s.block}, {"name", s.name}, {"path", s.path_as_written}, {"sha256", sha256_of(s.path)}};
        std::error_code ec;
        in["bytes"] = fs::file_size(s.path, ec);
        if (ec) in["bytes"] = nullptr;
        if (!s.layer.empty()) in["layer"] = s.layer;
        if (!s.where.empty()) in["where"] = s.where;
        if (!s.preset.empty()) in["preset"] = s.preset_variant.empty() ? s.preset : s.preset + " (" + s.preset_variant + ")";
        inputs.push_back(in);
    };
    add(p.territory);
    add(p.areas);
    for (const auto& s : p.places) add(s);
    for (const auto& s : p.actors) add(s);
    if (p.links) add(*p.links);
    if (p.participations) add(*p.participations);
    if (p.population) add(p.population->source);
    if (p.network) add(p.network->source);
    if (!p.matching.overrides.empty()) {  // the consultant's matching decisions (docs/matching.md)
        SourceSpec decisions;
        decisions.block = "matching";
        decisions.name = "overrides";
        decisions.path = p.matching.overrides;
        decisions.path_as_written = p.matching.overrides_as_written;
        add(decisions);
    }
    if (p.geocoding) {  // the BAN files (docs/geocoding.md)
        for (std::size_t i = 0; i < p.geocoding->paths.size(); ++i) {
            SourceSpec ban;
            ban.block = "geocoding";
            ban.name = fs::path(p.geocoding->paths_as_written[i]).stem().string();
            ban.path = p.geocoding->paths[i];
            ban.path_as_written = p.geocoding->paths_as_written[i];
            add(ban);
        }
    }
    if (p.survey) {  // issue 8: the survey export and its margins
        add(p.survey->source);
        SourceSpec margins;
        margins.block = "survey.margins";
        margins.name = fs::path(p.survey->margins_as_written).stem().string();
        margins.path = p.survey->margins;
        margins.path_as_written = p.survey->margins_as_written;
        add(margins);
    }
    json counts = json::object();
    for (const auto& t : d.tables) counts[t.name] = t.rows.size();
    json sources = json::array();
    for (const auto& s : d.stats) {
        sources.push_back({{"block", s.block}, {"name", s.name}, {"read", s.read}, {"kept", s.kept},
                           {"outside_territory", s.outside}, {"unlocated", s.unlocated}, {"rejected", s.rejected},
                           {"assigned_to_area", s.assigned}});
    }
    json problems = json::object();
    for (const auto& [kind, n] : d.problems.count_by_kind()) problems[kind] = n;
    return json{{"tool", "libterritoire"},
                {"version", version()},
                {"libraries", {{"gdal", GDALVersionInfo("RELEASE_NAME")}, {"proj", proj_info().version},
                               {"geos", GEOSversion()}}},
                {"project", {{"name", p.name}, {"file", p.file.string()}, {"sha256", sha256_of(p.file)}}},
                {"working_crs", p.crs},
                {"working_crs_reason", p.crs_reason},
                {"inputs", inputs},
                {"sources", sources},
                {"layers", counts},
                {"network", {{"directed", d.network.directed},
                             {"projection", d.network.projection.empty() ? json(nullptr) : json(d.network.projection)},
                             {"louvain_seed", d.network.louvain_seed},
                             {"modularity", d.network.modularity}}},
                {"problems", problems},
                {"access", access_manifest(d)}};
}

}  // namespace

std::string temp_name(const fs::path& target) {
    return (target.parent_path() / ("." + target.stem().string() + ".tmp-" + std::to_string(::getpid()) +
                                    target.extension().string()))
        .string();
}

// Renames `tmp` to `target`, or removes `tmp` and throws.
void commit_file(const fs::path& tmp, const fs::path& target) {
    std::error_code ec;
    fs::rename(tmp, target, ec);
    if (ec) {
        fs::remove(tmp, ec);
        throw OutputError(target.string() + " : renommage du fichier temporaire impossible");
    }
}

namespace {

// Writes a text file under a temporary name through `write`, then renames it.
void write_text_file(const fs::path& target, const std::function<void(std::ostream&)>& write) {
    const std::string tmp = temp_name(target);
    {
        std::ofstream f(tmp, std::ios::binary);
        try {
            write(f);
        } catch (...) {
            f.close();
            std::error_code ec;
            fs::remove(tmp, ec);
            throw;
        }
        f.close();
        if (!f) {
            std::error_code ec;
            fs::remove(tmp, ec);
            throw OutputError(target.string() + " : écriture impossible");
        }
    }
    commit_file(tmp, target);
}

void write_text_file(const fs::path& target, const std::string& text) {
    write_text_file(target, [&text](std::ostream& os) { os << text; });
}

// The working tables: what the consultant needs to check the survey but must not circulate (one
// respondent's area and weight undo the small-cell protection of survey_indicators).
bool is_working_table(const std::string& name) { return name == "survey_respondents"; }

std::string working_file_name(const std::string& table) {
    return table == "survey_respondents" ? "travail/enquete-repondants.csv" : "travail/" + table + ".csv";
}

nlohmann::json working_file_names(const Diagnostic& d) {
    nlohmann::json names = nlohmann::json::array();
    for (const auto& t : d.tables)
        if (is_working_table(t.name)) names.push_back(working_file_name(t.name));
    return names;
}

std::string csv_cell(const Value& v) {
    if (std::holds_alternative<std::monostate>(v)) return {};
    if (const auto* b = std::get_if<bool>(&v)) return *b ? "1" : "0";
    if (const auto* i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
    if (const auto* x = std::get_if<double>(&v)) {
        char buf[40];
        std::snprintf(buf, sizeof buf, "%.10g", *x);  // C locale: decimal point
        return buf;
    }
    const std::string& text = std::get<std::string>(v);
    if (text.find_first_of(";\"\r\n") == std::string::npos) return text;
    std::string quoted = "\"";
    for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    return quoted + "\"";
}

// Each working table as a UTF-8 CSV (separator ';', decimal point) in DIR/travail/, rows sorted by
// area_id then respondent_id (when the table has them).
std::vector<fs::path> write_working_files(const Diagnostic& d, const fs::path& dir) {
    std::vector<fs::path> files;
    for (const auto& t : d.tables) {
        if (!is_working_table(t.name)) continue;
        const fs::path target = dir / working_file_name(t.name);
        std::error_code ec;
        fs::create_directories(target.parent_path(), ec);
        if (ec) throw OutputError(target.parent_path().string() + " : dossier impossible à créer");
        std::vector<std::size_t> order(t.rows.size());
        for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
        const int area = t.field_index("area_id"), code = t.field_index("respondent_id");
        auto key = [&](std::size_t row, int field) { return field < 0 ? std::string() : csv_cell(t.rows[row][static_cast<std::size_t>(field)]); };
        std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
            return std::make_pair(key(a, area), key(a, code)) < std::make_pair(key(b, area), key(b, code));
        });
        write_text_file(target, [&](std::ostream& os) {
            for (std::size_t f = 0; f < t.fields.size(); ++f) os << (f ? ";" : "") << t.fields[f].name;
            os << "\n";
            for (std::size_t row : order) {
                for (std::size_t f = 0; f < t.fields.size(); ++f) os << (f ? ";" : "") << csv_cell(t.rows[row][f]);
                os << "\n";
            }
        });
        files.push_back(target);
    }
    return files;
}

OGRSpatialReference working_srs(const Diagnostic& d) {
    OGRSpatialReference srs;
    srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    if (srs.SetFromUserInput(d.project.crs.c_str()) != OGRERR_NONE)
        throw OutputError("système de coordonnées « " + d.project.crs + " » inconnu de GDAL");
    return srs;
}

void write_geopackage(const Diagnostic& d, const fs::path& target, const std::string& manifest) {
    detail::ensure_gdal();
    detail::GdalErrorTrap trap;
    const std::string tmp = temp_name(target);
    fs::remove(tmp);
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("GPKG");
    const OGRSpatialReference srs = working_srs(d);
    try {
        detail::DatasetPtr ds(driver->Create(tmp.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
        if (!ds) throw OutputError(target.string() + " : création impossible : " + trap.failures());
        if (ds->StartTransaction() != OGRERR_NONE)
            throw OutputError(target.string() + " : transaction impossible : " + trap.failures());
        for (const auto& t : d.tables) {
            std::vector<std::string> options{"IDENTIFIER=" + t.title, "DESCRIPTION=" + t.description, "FID=fid"};
            if (t.geometry_type != GeometryType::none) options.push_back("GEOMETRY_NAME=geom");
            write_layer(ds.get(), t, &srs, options, trap, target.string());
        }
        write_data_columns(ds.get(), d.tables, trap, target.string());
        write_layer_styles(ds.get(), d);
        write_qgis_project(ds.get(), d, target);
        ds->SetMetadataItem("TERRITOIRE_MANIFEST", manifest.c_str());
        if (ds->CommitTransaction() != OGRERR_NONE)
            throw OutputError(target.string() + " : validation de la transaction impossible : " + trap.failures());
        ds.reset();
        if (const auto why = trap.failures(); !why.empty()) throw OutputError(target.string() + " : " + why);
    } catch (...) {
        std::error_code ec;
        fs::remove(tmp, ec);
        throw;
    }
    commit_file(tmp, target);
}

fs::path write_geojson(const Diagnostic& d, const Table& table, const fs::path& dir) {
    detail::ensure_gdal();
    detail::GdalErrorTrap trap;
    const fs::path target = dir / (table.name + ".geojson");
    const std::string tmp = temp_name(target);
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("GeoJSON");
    const OGRSpatialReference srs = working_srs(d);
    try {
        detail::DatasetPtr ds(driver->Create(tmp.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
        if (!ds) throw OutputError(target.string() + " : création impossible : " + trap.failures());
        // RFC7946=YES: WGS 84 lon/lat, counter-clockwise exterior rings, no crs member.
        write_layer(ds.get(), table, &srs, {"RFC7946=YES", "WRITE_NAME=NO", "COORDINATE_PRECISION=7"}, trap,
                    target.string());
        ds.reset();
        if (const auto why = trap.failures(); !why.empty()) throw OutputError(target.string() + " : " + why);
    } catch (...) {
        std::error_code ec;
        fs::remove(tmp, ec);
        throw;
    }
    commit_file(tmp, target);
    return target;
}

}  // namespace

Delivery deliver(const Diagnostic& full, const fs::path& dir, const DeliverOptions& options, const ProgressFn& progress) {
    const detail::CLocaleScope c_locale;  // numbers written with a decimal point, whatever the host's locale
    // Working tables (survey_respondents, issue 8) stay in the Diagnostic (Python, sheets) but reach
    // no delivered file: they go to DIR/travail/ (write_working_files), listed apart in the manifest.
    std::optional<Diagnostic> published;
    if (std::any_of(full.tables.begin(), full.tables.end(), [](const Table& t) { return is_working_table(t.name); })) {
        published.emplace(full);
        auto& tables = published->tables;
        tables.erase(std::remove_if(tables.begin(), tables.end(), [](const Table& t) { return is_working_table(t.name); }),
                     tables.end());
    }
    const Diagnostic& d = published ? *published : full;
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec || !fs::is_directory(dir)) throw OutputError(dir.string() + " : dossier de sortie impossible à créer");
    auto say = [&](const std::string& msg) {
        if (progress) progress("deliver", msg);
    };
    Delivery out;
    nlohmann::json manifest_json = manifest_of(d);  // hashes every input once
    // What this run writes besides the GeoPackage, relative to `dir` (maps: the folder, since
    // which maps exist depends on the data).
    const bool has_network = std::any_of(d.tables.begin(), d.tables.end(), [](const Table& t) { return t.name == "actors"; });
    nlohmann::json outputs = nlohmann::json::array({"diagnostic.gpkg"});
    if (options.geojson) outputs.push_back("geojson/");
    if (has_network) {
        outputs.push_back("network.graphml");
        outputs.push_back("network.gexf");
    }
    if (options.maps) outputs.push_back("maps/");
    if (options.sheets) outputs.push_back("sheets/index.html");
    if (options.workbook) outputs.push_back("diagnostic.xlsx");
    manifest_json["outputs"] = outputs;
    if (published) manifest_json["working_files"] = working_file_names(full);
    const std::string manifest = manifest_json.dump(2);
    const std::string manifest_compact = manifest_json.dump();

    // What depends on the consultant's own files (the sheets' templates) or may fail for lack of
    // room comes first, so that a failure leaves the GeoPackage, GeoJSON and manifest of the
    // previous run untouched.
    if (options.sheets) {
        say("fiches d'identité dans " + (dir / "sheets").string());
        out.sheets = write_html_sheets(d, dir / "sheets");
    }
    if (options.maps) {
        say("cartes dans " + (dir / "maps").string());
        out.maps = write_maps(d, dir / "maps");
    }
    if (options.workbook) {
        out.workbook = dir / "diagnostic.xlsx";
        say("classeur " + out.workbook.string());
        write_workbook(d, out.workbook);
    }

    // The GeoJSON files do not depend on the GeoPackage: they are written on another thread
    // meanwhile (each GDAL dataset is used by one thread; GDAL's error handlers and the C locale
    // are per thread). On national files this takes the GeoJSON off the critical path.
    std::future<std::vector<fs::path>> geojson;
    if (options.geojson) {
        const fs::path gdir = dir / "geojson";
        fs::create_directories(gdir, ec);
        if (ec) throw OutputError(gdir.string() + " : dossier impossible à créer");
        say("écriture des GeoJSON dans " + gdir.string());
        geojson = std::async(std::launch::async, [&d, gdir] {
            const detail::CLocaleScope thread_c_locale;
            std::vector<fs::path> files;
            for (const auto& t : d.tables)
                if (t.geometry_type != GeometryType::none) files.push_back(write_geojson(d, t, gdir));
            return files;
        });
    }
    out.geopackage = dir / "diagnostic.gpkg";
    say("écriture de " + out.geopackage.string());
    try {
        write_geopackage(d, out.geopackage, manifest_compact);
    } catch (...) {
        if (geojson.valid()) geojson.wait();  // the thread reads `d`: it must end first
        throw;
    }
    if (geojson.valid()) out.geojson = geojson.get();

    // The network files need the actors and links tables, which every analysed diagnostic has
    // (a diagnostic assembled by hand, as in the benchmarks, may not).
    if (has_network) {
        out.graphml = dir / "network.graphml";
        out.gexf = dir / "network.gexf";
        say("écriture du réseau : " + out.graphml.filename().string() + ", " + out.gexf.filename().string());
        write_text_file(out.graphml, [&d](std::ostream& os) { write_graphml(d, os); });
        write_text_file(out.gexf, [&d](std::ostream& os) { write_gexf(d, os); });
    }

    if (published) out.working_files = write_working_files(full, dir);

    out.manifest = dir / "manifest.json";
    write_text_file(out.manifest, manifest + "\n");
    return out;
}

std::string wkb_to_geojson(const Wkb& wkb) {
    if (wkb.empty()) return "null";
    detail::GeosContext ctx;
    detail::GeomPtr g = detail::from_wkb(ctx, wkb);
    GEOSGeoJSONWriter* writer = GEOSGeoJSONWriter_create_r(ctx.handle());
    char* text = GEOSGeoJSONWriter_writeGeometry_r(ctx.handle(), writer, g.get(), -1);
    GEOSGeoJSONWriter_destroy_r(ctx.handle(), writer);
    if (!text) throw Error("GEOS : conversion GeoJSON impossible : " + ctx.last_error());
    std::string out = text;
    GEOSFree_r(ctx.handle(), text);
    return out;
}

}  // namespace territoire
