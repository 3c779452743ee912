// presets.cpp — presets of known sources and crosswalks of official codes (presets.hpp).
#include "presets.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "data_dir.hpp"
#include "detail/csv.hpp"
#include "detail/text.hpp"

namespace territoire {
namespace {

namespace fs = std::filesystem;

// Keys whose value is a column of the source, with whether the preset cannot do without it.
struct ColumnKey {
    const char* key;
    std::string SourceSpec::*member;
    bool required;
};

std::string* location_member(SourceSpec& spec, const std::string& key) {
    if (key == "x_field") return &spec.location.x_field;
    if (key == "y_field") return &spec.location.y_field;
    if (key == "wkt_field") return &spec.location.wkt_field;
    if (key == "latlon_field") return &spec.location.latlon_field;
    return nullptr;
}

const ColumnKey kColumnKeys[] = {
    {"id_field", &SourceSpec::id_field, false},  // absent: generated ids
    {"name_field", &SourceSpec::name_field, true},
    {"kind_field", &SourceSpec::kind_field, true},
    {"family_field", &SourceSpec::family_field, true},
    {"population_field", &SourceSpec::population_field, true},
    {"domain_field", &SourceSpec::domain_field, false},
    {"postcode_field", &SourceSpec::postcode_field, false},
    {"citycode_field", &SourceSpec::citycode_field, false},
    {"city_field", &SourceSpec::city_field, false},
    {"status_field", &SourceSpec::status_field, false},
    {"quality_field", &SourceSpec::quality_field, false},
    {"crs_field", &SourceSpec::crs_field, false},
};

const std::set<std::string> kLocationKeys = {"x_field", "y_field", "wkt_field", "latlon_field"};

// Constant keys and the explicit keys that replace them (a constant kind is replaced by an
// explicit kind_field and conversely).
const std::map<std::string, std::string> kRivals = {
    {"kind", "kind_field"}, {"kind_field", "kind"}, {"family", "family_field"}, {"family_field", "family"},
    {"domain", "domain_field"}, {"domain_field", "domain"}, {"capacities", "capacity_field"},
};

std::vector<std::string> strings_of(const toml::node& node) {
    std::vector<std::string> out;
    if (const auto* s = node.as_string()) {
        out.push_back(**s);
    } else if (const auto* a = node.as_array()) {
        for (const auto& item : *a)
            if (const auto* s2 = item.as_string()) out.push_back(**s2);
    }
    return out;
}

std::vector<std::string> strings_at(const toml::table& table, const char* key) {
    const toml::node* node = table.get(key);
    return node ? strings_of(*node) : std::vector<std::string>{};
}

std::string quoted_list(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& n : names) out += (out.empty() ? "'" : ", '") + n + "'";
    return out;
}

std::string available_presets() {
    std::set<std::string> names;
    for (const auto& dir : data_dirs()) {
        std::error_code ec;
        for (fs::directory_iterator it(dir / "nomenclatures" / "presets", ec), end; !ec && it != end; it.increment(ec))
            if (it->path().extension() == ".toml") names.insert(it->path().stem().string());
    }
    std::string out;
    for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
    return out.empty() ? "aucun (dossier data/nomenclatures/presets introuvable)" : out;
}

class Resolver {
public:
    Resolver(SourceSpec& spec, const std::set<std::string>& explicit_keys, const std::vector<std::string>& header,
             std::string preset)
        : spec_(spec), explicit_(explicit_keys), header_(header), preset_(std::move(preset)) {
        explicit_location_ = std::any_of(kLocationKeys.begin(), kLocationKeys.end(),
                                         [&](const std::string& k) { return explicit_.count(k) > 0; });
    }

    bool is_explicit(const std::string& key) const {
        if (explicit_.count(key)) return true;
        if (const auto it = kRivals.find(key); it != kRivals.end() && explicit_.count(it->second)) return true;
        return kLocationKeys.count(key) && explicit_location_;
    }

    // First candidate present in the header; without a header (file absent: read_source will say
    // so), the first candidate.
    std::string pick(const std::vector<std::string>& candidates) const {
        if (header_.empty()) return candidates.empty() ? std::string() : candidates.front();
        for (const auto& c : candidates)
            if (std::find(header_.begin(), header_.end(), c) != header_.end()) return c;
        return {};
    }

    std::string require(const std::string& key, const std::vector<std::string>& candidates) const {
        std::string column = pick(candidates);
        if (column.empty()) {
            throw InputError(Location{spec_.path_as_written, spec_.layer, {}, key},
                             "aucune des colonnes attendues par le préréglage « " + preset_ + " » (clé " + key +
                                 ") n'est présente : " + quoted_list(candidates) + " ; colonnes du fichier : " +
                                 quoted_list(header_) + ". Indiquez la colonne vous-même : " + key + " = \"…\"");
        }
        return column;
    }

    void apply(const toml::table& section, const fs::path& preset_dir) {
        for (const auto& [k, node] : section) {
            const std::string key(k.str());
            if (key == "variants" || is_explicit(key)) continue;
            apply_key(key, node, preset_dir);
        }
    }

private:
    void apply_key(const std::string& key, const toml::node& node, const fs::path& preset_dir) {
        for (const auto& ck : kColumnKeys) {
            if (key != ck.key) continue;
            const auto candidates = strings_of(node);
            spec_.*(ck.member) = ck.required ? require(key, candidates) : pick(candidates);
            return;
        }
        if (std::string* loc = location_member(spec_, key)) {
            *loc = require(key, strings_of(node));
            return;
        }
        const auto text = [&]() { return node.as_string() ? **node.as_string() : std::string(); };
        if (key == "separator") spec_.separator = text();
        else if (key == "encoding") spec_.encoding = text();
        else if (key == "fallback_encoding") spec_.fallback_encoding = text();
        else if (key == "kind") spec_.kind = text();
        else if (key == "family") spec_.family = text();
        else if (key == "domain") spec_.domain = text();
        else if (key == "crs") spec_.location.crs = text();
        else if (key == "capacity_unit") spec_.capacity_unit = text();
        else if (key == "crosswalk") {
            spec_.crosswalk = (preset_dir / text()).lexically_normal();
            // Shown relative to the data folder: outputs do not depend on where the tool is installed.
            spec_.crosswalk_as_written = (fs::path("nomenclatures") / "presets" / text()).lexically_normal().generic_string();
        } else if (key == "excluded_status") spec_.excluded_status = strings_of(node);
        else if (key == "poor_quality_values") spec_.poor_quality_values = strings_of(node);
        else if (key == "address_fields") {
            spec_.address_fields.clear();
            if (const auto* a = node.as_array())
                for (const auto& item : *a)
                    if (auto c = pick(strings_of(item)); !c.empty()) spec_.address_fields.push_back(c);
        } else if (key == "ids") {
            if (const auto* t = node.as_table())
                for (const auto& [kind, cols] : *t)
                    if (auto c = pick(strings_of(cols)); !c.empty()) spec_.ids[std::string(kind.str())] = c;
        } else if (key == "capacities") {
            spec_.capacity_columns.clear();
            if (const auto* a = node.as_array())
                for (const auto& item : *a) {
                    const auto* t = item.as_table();
                    if (!t) continue;
                    const auto c = pick(strings_at(*t, "columns"));
                    if (!c.empty()) spec_.capacity_columns.emplace_back(c, (*t)["unit"].value_or(std::string()));
                }
        } else if (key == "code_widths") {
            if (const auto* t = node.as_table())
                for (const auto& [col, width] : *t)
                    if (const auto* w = width.as_integer()) spec_.code_widths[std::string(col.str())] = static_cast<int>(**w);
        } else if (key == "list_fields") {
            if (const auto* t = node.as_table())
                for (const auto& [col, sep] : *t)
                    if (const auto* s = sep.as_string()) spec_.list_fields[std::string(col.str())] = **s;
        }
        // Other keys (documentation such as `notes`) are ignored.
    }

    SourceSpec& spec_;
    const std::set<std::string>& explicit_;
    const std::vector<std::string>& header_;
    std::string preset_;
    bool explicit_location_ = false;
};

}  // namespace

void apply_preset(SourceSpec& spec, const std::set<std::string>& explicit_keys, const std::string& block_kind,
                  const Location& where) {
    const std::string& name = spec.preset;
    if (name.empty() || name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_-") != std::string::npos) {
        throw ProjectError(where, "préréglage « " + name + " » inconnu ; préréglages disponibles : " + available_presets());
    }
    std::string tried;
    const fs::path file = find_data_file(fs::path("nomenclatures") / "presets" / (name + ".toml"), &tried);
    if (file.empty()) {
        throw ProjectError(where, "préréglage « " + name + " » inconnu ; préréglages disponibles : " + available_presets());
    }
    toml::table preset;
    try {
        preset = toml::parse_file(file.string());
    } catch (const toml::parse_error& e) {
        throw ProjectError(Location{file.string(), {}, "ligne " + std::to_string(e.source().begin.line), {}},
                           "préréglage illisible : " + std::string(e.description()));
    }
    const toml::table* section = preset[block_kind].as_table();
    if (!section) {
        std::string kinds;
        for (const char* k : {"territory", "areas", "places", "actors"})
            if (preset[k].as_table()) kinds += (kinds.empty() ? "[" : ", [") + std::string(k) + "]";
        throw ProjectError(where, "le préréglage « " + name + " » ne s'applique pas au bloc [" + spec.block +
                                      "] ; il s'applique à : " + kinds);
    }
    spec.preset_file = file.string();
    const fs::path preset_dir = file.parent_path();

    // Reading constants first: the header is read with them.
    for (auto [key, member] : {std::pair{"separator", &SourceSpec::separator}, std::pair{"encoding", &SourceSpec::encoding},
                               std::pair{"fallback_encoding", &SourceSpec::fallback_encoding}}) {
        if (const auto* value = (*section)[key].as_string(); value && !explicit_keys.count(key)) spec.*member = **value;
    }
    std::vector<std::string> header;
    std::error_code ec;
    if (fs::exists(spec.path, ec)) header = read_columns(spec);

    // The variant (e.g. rna_waldec / rna_import) whose marker columns are all in the header.
    const toml::table* variant = nullptr;
    if (const toml::array* variants = (*section)["variants"].as_array(); variants && !header.empty()) {
        std::string markers;
        for (const auto& v : *variants) {
            const toml::table* t = v.as_table();
            if (!t) continue;
            const auto when = strings_at(*t, "when");
            markers += (markers.empty() ? "" : " ou ") + quoted_list(when);
            if (std::all_of(when.begin(), when.end(), [&](const std::string& c) {
                    return std::find(header.begin(), header.end(), c) != header.end();
                })) {
                variant = t;
                break;
            }
        }
        if (!variant) {
            throw InputError(Location{spec.path_as_written, spec.layer, {}, "preset"},
                             "le fichier ne ressemble à aucune variante du préréglage « " + name +
                                 " » (colonnes attendues : " + markers + ") ; colonnes du fichier : " +
                                 quoted_list(header));
        }
    }
    Resolver resolver(spec, explicit_keys, header, name);
    resolver.apply(*section, preset_dir);
    if (variant) {
        spec.preset_variant = (*variant)["name"].value_or(std::string());
        resolver.apply(*variant, preset_dir);
    }
}

void apply_record_rules(const SourceSpec& spec, SourceData& data) {
    for (const auto& [column, width] : spec.code_widths) {
        const int col = data.column(column);
        if (col < 0) continue;
        for (auto& rec : data.records) {
            std::string& v = rec.values[static_cast<std::size_t>(col)];
            // Drivers that type codes as numbers give "1234" or "1234.0" for "01234".
            if (v.size() > 2 && v.compare(v.size() - 2, 2, ".0") == 0) v.resize(v.size() - 2);
            if (!v.empty() && v.size() < static_cast<std::size_t>(width) &&
                v.find_first_not_of("0123456789") == std::string::npos)
                v.insert(0, static_cast<std::size_t>(width) - v.size(), '0');
        }
    }
    for (const auto& [column, separator] : spec.list_fields) {
        const int col = data.column(column);
        if (col < 0 || separator.empty()) continue;
        for (auto& rec : data.records) {
            std::string& v = rec.values[static_cast<std::size_t>(col)];
            if (const auto pos = v.find(separator); pos != std::string::npos) v = detail::trim(v.substr(0, pos));
        }
    }
    const int status_col = spec.status_field.empty() ? -1 : data.column(spec.status_field);
    if (status_col < 0 || spec.excluded_status.empty() || spec.include_dissolved) return;
    std::vector<Record> kept;
    kept.reserve(data.records.size());
    for (auto& rec : data.records) {
        const std::string status = detail::trim(rec.values[static_cast<std::size_t>(status_col)]);
        if (std::find(spec.excluded_status.begin(), spec.excluded_status.end(), status) != spec.excluded_status.end()) {
            ++data.excluded;
            ++data.excluded_by_status[status];
        } else {
            kept.push_back(std::move(rec));
        }
    }
    data.records = std::move(kept);
}

// ---------------------------------------------------------------------------------------------
// Crosswalks

namespace {

std::string normalise_code(const std::string& code) { return detail::slug(detail::trim(code)); }

bool is_plain_code(const std::string& code) {
    return !code.empty() && std::all_of(code.begin(), code.end(), [](unsigned char c) { return std::isalnum(c); });
}

}  // namespace

Crosswalk::Crosswalk(const SourceSpec& spec) : file_(spec.crosswalk_as_written) {
    std::ifstream in(spec.crosswalk, std::ios::binary);
    if (!in) throw InputError(Location{file_, {}, {}, "crosswalk"}, "table de correspondance introuvable ou illisible");
    std::ostringstream ss;
    ss << in.rdbuf();
    std::string text = ss.str();
    detail::strip_boms(text);
    // Leading `#` lines name the source of the nomenclature; they are skipped, line numbers kept.
    std::size_t skipped = 0, pos = 0;
    while (pos < text.size() && text[pos] == '#') {
        const auto end = text.find('\n', pos);
        pos = end == std::string::npos ? text.size() : end + 1;
        ++skipped;
    }
    text.erase(0, pos);
    if (const auto bad = detail::invalid_utf8_at(text); bad != std::string::npos) {
        throw InputError(Location{file_, {}, "ligne " + std::to_string(skipped + detail::line_of(text, bad)), {}},
                         "table de correspondance non UTF-8");
    }
    std::vector<detail::CsvRaggedRow> ragged;
    detail::CsvTable table;
    try {
        table = detail::parse_csv(text, 0, ragged);
    } catch (const Error& e) {
        throw InputError(Location{file_, {}, {}, "crosswalk"}, e.what());
    }
    if (!ragged.empty()) {
        throw InputError(Location{file_, {}, "ligne " + std::to_string(skipped + ragged.front().line), {}},
                         "nombre de champs différent de l'en-tête");
    }
    auto col = [&](const char* name) {
        const auto it = std::find(table.header.begin(), table.header.end(), name);
        return it == table.header.end() ? -1 : static_cast<int>(it - table.header.begin());
    };
    const int code = col("code"), label = col("label"), kind = col("kind"), family = col("family"), domain = col("domain");
    if (code < 0) {
        throw InputError(Location{file_, {}, "ligne " + std::to_string(skipped + 1), "code"},
                         "colonne 'code' absente de la table de correspondance (en-tête attendu : code;label;kind;family;domain)");
    }
    auto get = [](const detail::CsvRow& row, int c) { return c < 0 ? std::string() : row.fields[static_cast<std::size_t>(c)]; };
    for (const auto& row : table.rows) {
        CrosswalkEntry e{get(row, code), get(row, label), get(row, kind), get(row, family), get(row, domain),
                         skipped + row.line};
        const std::string key = normalise_code(e.code);
        if (key.empty()) continue;
        if (!entries_.emplace(key, e).second) {
            throw InputError(Location{file_, {}, "ligne " + std::to_string(e.line), "code"},
                             "code « " + e.code + " » déjà présent dans la table de correspondance");
        }
    }
}

const CrosswalkEntry* Crosswalk::find(const std::string& code) const {
    std::string key = normalise_code(code);
    if (const auto it = entries_.find(key); it != entries_.end()) return &it->second;
    if (!is_plain_code(detail::trim(code))) return nullptr;
    while (key.size() > 1) {
        key.pop_back();
        if (const auto it = entries_.find(key); it != entries_.end()) return &it->second;
    }
    return nullptr;
}

std::string unclassified_category(const std::string& code) { return "non classé (" + code + ")"; }

}  // namespace territoire
