// project.cpp — reads project files (TOML v1) strictly: unknown keys and wrong types are errors
// that name the file, the line and the key, because a typo must not silently change a diagnostic.
#include "territoire/project.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cstdio>
#include <cctype>
#include <fstream>
#include <set>
#include <sstream>

#include "survey_project.hpp"
#include "legal_crs.hpp"
#include "presets.hpp"
#include "territoire/error.hpp"

namespace territoire {
namespace {

namespace fs = std::filesystem;

struct Context {
    std::string file;  // as shown in messages
    fs::path base_dir;
};

Location at(const Context& ctx, const toml::node& node, const std::string& key) {
    Location loc{ctx.file, {}, {}, key};
    if (node.source().begin.line) loc.feature = "ligne " + std::to_string(node.source().begin.line);
    return loc;
}

const std::set<std::string> kCommon = {"path", "layer", "where", "separator", "encoding", "name"};
const std::set<std::string> kLocation = {"x_field", "y_field", "wkt_field", "latlon_field", "crs"};
const std::set<std::string> kAddress = {"address_fields", "postcode_field", "citycode_field", "city_field"};
// Presets (docs/presets.md) on [territory], [areas], [[places]], [[actors]]; official codes, geocoding
// and matching keys on [[places]] and [[actors]].
const std::set<std::string> kPreset = {"preset"};
const std::set<std::string> kCodes = {"crosswalk", "domain", "domain_field", "include_dissolved", "address_fields",
                                      "postcode_field", "citycode_field", "city_field", "ids"};

void check_keys(const Context& ctx, const toml::table& table, const std::string& block,
                std::initializer_list<const std::set<std::string>*> allowed) {
    for (const auto& [key, node] : table) {
        bool ok = false;
        for (const auto* set : allowed) ok = ok || set->count(std::string(key.str()));
        if (!ok) {
            throw ProjectError(at(ctx, node, std::string(key.str())),
                               "clé inconnue dans le bloc [" + block + "] (faute de frappe ?)");
        }
    }
}

std::string get_string(const Context& ctx, const toml::table& table, const std::string& key,
                       bool required, const std::string& block) {
    const toml::node* node = table.get(key);
    if (!node) {
        if (required) {
            Location loc{ctx.file, {}, {}, key};
            if (table.source().begin.line) loc.feature = "ligne " + std::to_string(table.source().begin.line);
            throw ProjectError(loc, "clé obligatoire absente du bloc [" + block + "]");
        }
        return {};
    }
    if (!node->is_string()) throw ProjectError(at(ctx, *node, key), "une chaîne de caractères est attendue");
    std::string value = **node->as_string();
    if (required && value.empty()) throw ProjectError(at(ctx, *node, key), "valeur vide");
    return value;
}

// `ids = { siret = "col", rna = "col", origin = "col" }`: identifier kind → column (docs/matching.md).
std::map<std::string, std::string> parse_ids(const Context& ctx, const toml::table& table) {
    std::map<std::string, std::string> ids;
    const toml::node* node = table.get("ids");
    if (!node) return ids;
    if (!node->is_table()) {
        throw ProjectError(at(ctx, *node, "ids"), "une table est attendue, par exemple ids = { siret = \"SIRET\" }");
    }
    for (const auto& [key, value] : *node->as_table()) {
        const std::string kind(key.str());
        const bool well_formed = !kind.empty() && std::islower(static_cast<unsigned char>(kind[0])) &&
                                 std::all_of(kind.begin(), kind.end(), [](unsigned char c) {
                                     return std::islower(c) || std::isdigit(c) || c == '_';
                                 });
        if (!well_formed) {
            throw ProjectError(at(ctx, value, "ids." + kind),
                               "type d'identifiant en minuscules attendu (siret, siren, rna, origin ou un nom à vous)");
        }
        if (!value.is_string() || (**value.as_string()).empty()) {
            throw ProjectError(at(ctx, value, "ids." + kind), "nom de colonne attendu (chaîne non vide)");
        }
        ids.emplace(kind, **value.as_string());
    }
    return ids;
}

// [matching]: thresholds of the merge across sources and the consultant's override file.
MatchingSpec parse_matching(const Context& ctx, const toml::node& node) {
    if (!node.is_table()) throw ProjectError(at(ctx, node, "matching"), "[matching] doit être une table");
    const auto& t = *node.as_table();
    static const std::set<std::string> kMatching = {"distance_m", "name_similarity", "grey_zone", "id_distance_m",
                                                    "overrides"};
    check_keys(ctx, t, "matching", {&kMatching});
    MatchingSpec m;
    auto number = [&](const char* key, double& out, double min, double max) {
        const toml::node* n = t.get(key);
        if (!n) return;
        if (!n->is_number()) throw ProjectError(at(ctx, *n, key), "un nombre est attendu");
        const double v = n->is_integer() ? static_cast<double>(**n->as_integer()) : **n->as_floating_point();
        if (!(v >= min && v <= max)) {
            std::ostringstream range;
            range << "valeur hors de l'intervalle [" << min << ", " << max << "]";
            throw ProjectError(at(ctx, *n, key), range.str());
        }
        out = v;
    };
    number("distance_m", m.distance_m, 0, 100000);
    number("name_similarity", m.name_similarity, 0.01, 1);
    number("grey_zone", m.grey_zone, 0, 1);
    number("id_distance_m", m.id_distance_m, 0, 1e7);
    if (m.grey_zone > m.name_similarity) {
        throw ProjectError(at(ctx, *t.get("grey_zone"), "grey_zone"), "grey_zone doit être inférieur ou égal à name_similarity");
    }
    m.overrides_as_written = get_string(ctx, t, "overrides", false, "matching");
    if (!m.overrides_as_written.empty()) {
        m.overrides = fs::path(m.overrides_as_written).is_absolute() ? fs::path(m.overrides_as_written)
                                                                     : ctx.base_dir / m.overrides_as_written;
        m.overrides = m.overrides.lexically_normal();
    }
    return m;
}

// Keys of presets and official codes (docs/presets.md; the geocoding and matching keys are read by
// parse_source): a boolean; the others are strings.
void parse_code_keys(const Context& ctx, const toml::table& table, const std::string& block, SourceSpec& spec) {
    auto opt = [&](const char* key) { return get_string(ctx, table, key, false, block); };
    if (const auto crosswalk = opt("crosswalk"); !crosswalk.empty()) {
        spec.crosswalk_as_written = crosswalk;
        spec.crosswalk = (fs::path(crosswalk).is_absolute() ? fs::path(crosswalk) : ctx.base_dir / crosswalk).lexically_normal();
    }
    spec.domain = opt("domain");
    spec.domain_field = opt("domain_field");
    spec.capacity_unit = opt("capacity_unit");
    if (const toml::node* node = table.get("include_dissolved")) {
        if (!node->is_boolean()) throw ProjectError(at(ctx, *node, "include_dissolved"), "true ou false attendu");
        spec.include_dissolved = **node->as_boolean();
    }
}

SourceSpec parse_source(const Context& ctx, const toml::table& table, const std::string& block,
                        std::initializer_list<const std::set<std::string>*> allowed) {
    check_keys(ctx, table, block, allowed);
    SourceSpec spec;
    spec.block = block;
    spec.line = static_cast<int>(table.source().begin.line);
    spec.path_as_written = get_string(ctx, table, "path", true, block);
    spec.path = fs::path(spec.path_as_written).is_absolute() ? fs::path(spec.path_as_written)
                                                               : ctx.base_dir / spec.path_as_written;
    spec.path = spec.path.lexically_normal();
    spec.name = get_string(ctx, table, "name", false, block);
    if (spec.name.empty()) spec.name = fs::path(spec.path_as_written).stem().string();
    spec.layer = get_string(ctx, table, "layer", false, block);
    spec.where = get_string(ctx, table, "where", false, block);
    spec.separator = get_string(ctx, table, "separator", false, block);
    if (!spec.separator.empty() && spec.separator != "\\t" && spec.separator.size() != 1) {
        throw ProjectError(at(ctx, *table.get("separator"), "separator"),
                           "un seul caractère est attendu (ou \"\\t\" pour la tabulation)");
    }
    spec.encoding = get_string(ctx, table, "encoding", false, block);
    auto opt = [&](const char* key) { return get_string(ctx, table, key, false, block); };
    spec.location.x_field = opt("x_field");
    spec.location.y_field = opt("y_field");
    spec.location.wkt_field = opt("wkt_field");
    spec.location.latlon_field = opt("latlon_field");
    spec.location.crs = opt("crs");
    spec.id_field = opt("id_field");
    spec.name_field = opt("name_field");
    spec.population_field = opt("population_field");
    spec.kind = opt("kind");
    spec.kind_field = opt("kind_field");
    spec.capacity_field = opt("capacity_field");
    spec.family = opt("family");
    spec.family_field = opt("family_field");
    spec.source_field = opt("source_field");
    spec.target_field = opt("target_field");
    spec.weight_field = opt("weight_field");
    spec.actor_field = opt("actor_field");
    spec.object_field = opt("object_field");
    spec.object_name_field = opt("object_name_field");
    spec.year_field = opt("year_field");
    spec.role_field = opt("role_field");
    spec.ids = parse_ids(ctx, table);
    spec.postcode_field = opt("postcode_field");
    spec.citycode_field = opt("citycode_field");
    spec.city_field = opt("city_field");
    if (const toml::node* node = table.get("address_fields")) {
        const toml::array* array = node->as_array();
        if (!array) throw ProjectError(at(ctx, *node, "address_fields"), "une liste de noms de colonnes est attendue");
        for (const auto& item : *array) {
            if (!item.is_string()) throw ProjectError(at(ctx, item, "address_fields"), "une chaîne de caractères est attendue");
            spec.address_fields.push_back(**item.as_string());
        }
    }
    if (const toml::node* node = table.get("directed")) {
        if (!node->is_boolean()) throw ProjectError(at(ctx, *node, "directed"), "true ou false attendu");
        spec.directed = **node->as_boolean();
    }
    if (const auto projection = opt("projection"); !projection.empty()) {
        if (projection != "count" && projection != "newman") {
            throw ProjectError(at(ctx, *table.get("projection"), "projection"),
                               "« " + projection + " » inconnu : \"count\" (nombre d'objets partagés) ou \"newman\" attendu");
        }
        spec.projection = projection;
    }

    parse_code_keys(ctx, table, block, spec);
    if (const auto preset = opt("preset"); !preset.empty()) {
        std::set<std::string> explicit_keys;
        for (const auto& [key, node] : table) explicit_keys.insert(std::string(key.str()));
        spec.preset = preset;
        apply_preset(spec, explicit_keys, block.substr(0, block.find('[')), at(ctx, *table.get("preset"), "preset"));
    }

    const auto& loc = spec.location;
    if (loc.x_field.empty() != loc.y_field.empty()) {
        throw ProjectError(at(ctx, table, loc.x_field.empty() ? "x_field" : "y_field"),
                           "x_field et y_field vont ensemble");
    }
    const int methods = !loc.x_field.empty() + !loc.wkt_field.empty() + !loc.latlon_field.empty();
    if (methods > 1) {
        throw ProjectError(at(ctx, table, "x_field"),
                           "une seule façon de localiser : x_field/y_field, wkt_field ou latlon_field");
    }
    if (!loc.latlon_field.empty() && !loc.crs.empty() && loc.crs != "EPSG:4326") {
        throw ProjectError(at(ctx, table, "crs"), "latlon_field est toujours en WGS 84 (EPSG:4326)");
    }
    return spec;
}

const toml::table& require_table(const Context& ctx, const toml::table& root, const std::string& key) {
    const toml::node* node = root.get(key);
    if (!node) throw ProjectError(Location{ctx.file, {}, {}, key}, "bloc [" + key + "] absent");
    if (!node->is_table()) throw ProjectError(at(ctx, *node, key), "[" + key + "] doit être une table");
    return *node->as_table();
}

std::vector<SourceSpec> parse_array(const Context& ctx, const toml::table& root, const std::string& key,
                                    std::initializer_list<const std::set<std::string>*> allowed) {
    std::vector<SourceSpec> out;
    const toml::node* node = root.get(key);
    if (!node) return out;
    const toml::array* array = node->as_array();
    if (!array || !array->is_array_of_tables()) {
        throw ProjectError(at(ctx, *node, key), "[[" + key + "]] attendu (un bloc par source)");
    }
    for (std::size_t i = 0; i < array->size(); ++i) {
        const std::string block = key + "[" + std::to_string(i + 1) + "]";
        out.push_back(parse_source(ctx, *array->get(i)->as_table(), block, allowed));
    }
    return out;
}


// ---- Access blocks ([population], [network], [access], [contrast]; docs/access.md) ----

const toml::table* optional_table(const Context& ctx, const toml::table& root, const std::string& key) {
    const toml::node* node = root.get(key);
    if (!node) return nullptr;
    if (!node->is_table()) throw ProjectError(at(ctx, *node, key), "[" + key + "] doit être une table");
    return node->as_table();
}

int line_of(const toml::node& node) { return static_cast<int>(node.source().begin.line); }

// A positive number (integer or float) or the default.
double get_positive(const Context& ctx, const toml::table& table, const std::string& key, double fallback) {
    const toml::node* node = table.get(key);
    if (!node) return fallback;
    double v = 0;
    if (node->is_integer()) v = static_cast<double>(**node->as_integer());
    else if (node->is_floating_point()) v = **node->as_floating_point();
    else throw ProjectError(at(ctx, *node, key), "un nombre est attendu");
    if (!(v > 0)) throw ProjectError(at(ctx, *node, key), "un nombre strictement positif est attendu");
    return v;
}

std::vector<std::string> get_string_list(const Context& ctx, const toml::table& table, const std::string& key) {
    std::vector<std::string> out;
    const toml::node* node = table.get(key);
    if (!node) return out;
    const toml::array* array = node->as_array();
    if (!array) throw ProjectError(at(ctx, *node, key), "une liste de chaînes est attendue, par exemple [\"a\", \"b\"]");
    for (const auto& item : *array) {
        if (!item.is_string()) throw ProjectError(at(ctx, *node, key), "une liste de chaînes est attendue");
        out.push_back(**item.as_string());
    }
    return out;
}

void parse_access_blocks(const Context& ctx, const toml::table& root, Project& project) {
    static const std::set<std::string> kPopulation = {"id_field", "population_field", "preset"};
    if (const toml::table* t = optional_table(ctx, root, "population")) {
        PopulationSpec pop;
        pop.source = parse_source(ctx, *t, "population", {&kCommon, &kLocation, &kPopulation});
        pop.preset = get_string(ctx, *t, "preset", false, "population");
        if (!pop.preset.empty() && pop.preset != "filosofi") {
            throw ProjectError(at(ctx, *t->get("preset"), "preset"),
                               "« " + pop.preset + " » inconnu : seul \"filosofi\" (carroyage INSEE à 200 m) existe");
        }
        if (pop.preset.empty() && pop.source.population_field.empty()) {
            throw ProjectError(Location{ctx.file, {}, "ligne " + std::to_string(pop.source.line), "population_field"},
                               "indiquez population_field (le champ des habitants) ou preset = \"filosofi\" dans le bloc [population]");
        }
        project.population = std::move(pop);
    }
    static const std::set<std::string> kNetwork = {"speed_kmh"};
    if (const toml::table* t = optional_table(ctx, root, "network")) {
        NetworkSpec net;
        net.source = parse_source(ctx, *t, "network", {&kCommon, &kNetwork});
        net.speed_kmh = get_positive(ctx, *t, "speed_kmh", net.speed_kmh);
        project.network = std::move(net);
    }
    static const std::set<std::string> kAccess = {"kinds", "max_minutes", "catchment_minutes", "decay",
                                                  "isochrone_minutes"};
    if (const toml::table* t = optional_table(ctx, root, "access")) {
        check_keys(ctx, *t, "access", {&kAccess});
        AccessSpec& a = project.access;
        a.line = line_of(*t);
        a.kinds = get_string_list(ctx, *t, "kinds");
        if (const toml::node* n = t->get("kinds")) a.kinds_line = line_of(*n);
        a.max_minutes = get_positive(ctx, *t, "max_minutes", a.max_minutes);
        a.catchment_minutes = get_positive(ctx, *t, "catchment_minutes", a.catchment_minutes);
        if (const auto decay = get_string(ctx, *t, "decay", false, "access"); !decay.empty()) {
            if (decay != "gaussian" && decay != "step") {
                throw ProjectError(at(ctx, *t->get("decay"), "decay"),
                                   "« " + decay + " » inconnu : \"gaussian\" (2SFCA amélioré) ou \"step\" (2SFCA classique)");
            }
            a.decay = decay;
        }
        if (const toml::node* n = t->get("isochrone_minutes")) {
            const toml::array* array = n->as_array();
            if (!array) throw ProjectError(at(ctx, *n, "isochrone_minutes"), "une liste de nombres est attendue, par exemple [5, 10, 15]");
            a.isochrone_minutes.clear();
            for (const auto& item : *array) {
                double v = 0;
                if (item.is_integer()) v = static_cast<double>(**item.as_integer());
                else if (item.is_floating_point()) v = **item.as_floating_point();
                else throw ProjectError(at(ctx, *n, "isochrone_minutes"), "une liste de nombres est attendue");
                if (!(v > 0)) throw ProjectError(at(ctx, *n, "isochrone_minutes"), "des minutes strictement positives sont attendues");
                a.isochrone_minutes.push_back(v);
            }
            std::sort(a.isochrone_minutes.begin(), a.isochrone_minutes.end());
            a.isochrone_minutes.erase(std::unique(a.isochrone_minutes.begin(), a.isochrone_minutes.end()),
                                      a.isochrone_minutes.end());
        }
    }
    static const std::set<std::string> kContrast = {"a", "b", "a_name", "b_name"};
    if (const toml::table* t = optional_table(ctx, root, "contrast")) {
        check_keys(ctx, *t, "contrast", {&kContrast});
        ContrastSpec c;
        for (const char* key : {"a", "b"}) {
            const toml::node* n = t->get(key);
            auto& ids = key[0] == 'a' ? c.a : c.b;
            ids = get_string_list(ctx, *t, key);
            if (ids.empty()) {
                Location loc{ctx.file, {}, "ligne " + std::to_string(line_of(*t)), key};
                if (n) loc = at(ctx, *n, key);
                throw ProjectError(loc, std::string("[contrast] : la liste ") + key + " des identifiants de zones est vide ou absente");
            }
            (key[0] == 'a' ? c.a_line : c.b_line) = n ? line_of(*n) : line_of(*t);
        }
        if (const auto name = get_string(ctx, *t, "a_name", false, "contrast"); !name.empty()) c.a_name = name;
        if (const auto name = get_string(ctx, *t, "b_name", false, "contrast"); !name.empty()) c.b_name = name;
        // The two sets are compared: an area in both would blur the contrast.
        for (const auto& id : c.a) {
            if (std::find(c.b.begin(), c.b.end(), id) == c.b.end()) continue;
            throw ProjectError(Location{ctx.file, {}, "ligne " + std::to_string(c.b_line), "b"},
                               "[contrast] : la zone « " + id + " » est à la fois dans a et dans b ; les deux ensembles "
                               "doivent être disjoints");
        }
        project.contrast = std::move(c);
    }
    // Access settings without population measure nothing: a forgotten block must not pass silently.
    if (!project.population) {
        for (const char* key : {"network", "access", "contrast"}) {
            if (const toml::node* n = root.get(key)) {
                throw ProjectError(at(ctx, *n, key), std::string("[") + key +
                                                         "] demande un bloc [population] (où habitent les gens)");
            }
        }
    }
    // Searches stop at max_minutes: a wider catchment would count places without a time.
    if (const AccessSpec& a = project.access; a.catchment_minutes > a.max_minutes) {
        const toml::table* t = root.get("access") ? root.get("access")->as_table() : nullptr;
        const toml::node* n = t ? t->get("catchment_minutes") : nullptr;
        auto minutes = [](double v) {
            char buf[32];
            std::snprintf(buf, sizeof buf, "%g", v);
            std::string text = buf;
            std::replace(text.begin(), text.end(), '.', ',');
            return text;
        };
        throw ProjectError(n ? at(ctx, *n, "catchment_minutes")
                             : Location{ctx.file, {}, "ligne " + std::to_string(a.line), "catchment_minutes"},
                           "[access] : catchment_minutes (" + minutes(a.catchment_minutes) + " min) dépasse max_minutes (" +
                               minutes(a.max_minutes) + " min) : le bassin doit tenir dans le temps maximal cherché");
    }
}

// [geocoding]: path = "adresses-79.csv" or a list of paths, min_score (docs/geocoding.md).
GeocodingSpec parse_geocoding(const Context& ctx, const toml::node& node) {
    if (!node.is_table()) throw ProjectError(at(ctx, node, "geocoding"), "[geocoding] doit être une table");
    const auto& t = *node.as_table();
    static const std::set<std::string> kGeocoding = {"path", "min_score"};
    check_keys(ctx, t, "geocoding", {&kGeocoding});
    GeocodingSpec spec;
    spec.line = static_cast<int>(t.source().begin.line);
    const toml::node* path = t.get("path");
    if (!path) get_string(ctx, t, "path", true, "geocoding");  // throws: required
    if (path->is_string()) {
        spec.paths_as_written.push_back(**path->as_string());
    } else if (const toml::array* array = path->as_array()) {
        for (const auto& item : *array) {
            if (!item.is_string()) throw ProjectError(at(ctx, item, "path"), "une chaîne de caractères est attendue");
            spec.paths_as_written.push_back(**item.as_string());
        }
    } else {
        throw ProjectError(at(ctx, *path, "path"), "un chemin ou une liste de chemins de fichiers BAN est attendu");
    }
    if (spec.paths_as_written.empty()) throw ProjectError(at(ctx, *path, "path"), "liste de fichiers BAN vide");
    for (const auto& p : spec.paths_as_written) {
        if (p.empty()) throw ProjectError(at(ctx, *path, "path"), "valeur vide");
        spec.paths.push_back((fs::path(p).is_absolute() ? fs::path(p) : ctx.base_dir / p).lexically_normal());
    }
    if (const toml::node* n = t.get("min_score")) {
        const auto v = n->value<double>();
        if (!v || *v < 0 || *v > 1) throw ProjectError(at(ctx, *n, "min_score"), "un nombre entre 0 et 1 est attendu");
        spec.min_score = *v;
    }
    return spec;
}

}  // namespace

Project parse_project(const std::string& text, const fs::path& file) {
    Context ctx{file.string(), file.has_parent_path() ? file.parent_path() : fs::path(".")};
    toml::table root;
    try {
        root = toml::parse(text, file.string());
    } catch (const toml::parse_error& e) {
        Location loc{ctx.file, {}, "ligne " + std::to_string(e.source().begin.line), {}};
        throw ProjectError(loc, "TOML invalide : " + std::string(e.description()));
    }
    static const std::set<std::string> kRoot = {"project", "territory", "areas", "places", "actors", "links",
                                                "participations", "population", "network", "access", "contrast",
                                                "matching", "geocoding", "survey"};
    check_keys(ctx, root, "racine", {&kRoot});

    Project project;
    project.file = file;
    project.base_dir = ctx.base_dir;

    static const std::set<std::string> kProject = {"name", "crs"};
    if (const toml::node* node = root.get("project")) {
        if (!node->is_table()) throw ProjectError(at(ctx, *node, "project"), "[project] doit être une table");
        const auto& t = *node->as_table();
        check_keys(ctx, t, "project", {&kProject});
        project.name = get_string(ctx, t, "name", false, "project");
        if (const auto crs = get_string(ctx, t, "crs", false, "project"); !crs.empty()) {
            project.crs = crs;
            project.crs_explicit = true;
        }
    }
    if (project.name.empty()) project.name = fs::absolute(file).parent_path().filename().string();

    static const std::set<std::string> kTerritory = {"crs", "wkt_field"};
    project.territory = parse_source(ctx, require_table(ctx, root, "territory"), "territory", {&kCommon, &kTerritory, &kPreset});

    static const std::set<std::string> kAreas = {"id_field", "name_field", "population_field", "crs", "wkt_field"};
    const auto& areas = require_table(ctx, root, "areas");
    project.areas = parse_source(ctx, areas, "areas", {&kCommon, &kAreas, &kPreset});
    if (project.areas.id_field.empty()) get_string(ctx, areas, "id_field", true, "areas");

    static const std::set<std::string> kPlaces = {"id_field", "name_field", "kind", "kind_field", "capacity_field",
                                                  "capacity_unit", "ids"};
    project.places = parse_array(ctx, root, "places", {&kCommon, &kLocation, &kPlaces, &kPreset, &kCodes, &kAddress});
    static const std::set<std::string> kActors = {"id_field", "name_field", "family", "family_field", "ids"};
    project.actors = parse_array(ctx, root, "actors", {&kCommon, &kLocation, &kActors, &kPreset, &kCodes, &kAddress});

    auto check_one_of = [&](const SourceSpec& s, const std::string& a, const std::string& b,
                            const std::string& va, const std::string& vb) {
        if (va.empty() == vb.empty()) {
            throw ProjectError(Location{ctx.file, {}, "ligne " + std::to_string(s.line), a},
                               "indiquez soit " + a + " soit " + b + " dans le bloc [[" + s.block + "]]");
        }
    };
    // Source names go into provenance and generated ids (`<name>:<line>`): two blocks of the same kind
    // must not share one, or their generated ids would collide.
    for (const auto* blocks : {&project.places, &project.actors}) {
        std::set<std::string> names;
        for (const auto& b : *blocks) {
            if (!names.insert(b.name).second) {
                Location loc{ctx.file, {}, "ligne " + std::to_string(b.line), "name"};
                throw ProjectError(loc, "nom de source « " + b.name + " » déjà utilisé par un autre bloc [[" +
                                            b.block.substr(0, b.block.find('[')) +
                                            "]] ; donnez à chaque bloc un name = \"…\" distinct");
            }
        }
    }
    for (const auto& p : project.places) check_one_of(p, "kind", "kind_field", p.kind, p.kind_field);
    for (const auto& a : project.actors)
        check_one_of(a, "family", "family_field", a.family, a.family_field);

    if (const toml::node* node = root.get("links")) {
        if (!node->is_table()) throw ProjectError(at(ctx, *node, "links"), "[links] doit être une table");
        static const std::set<std::string> kLinks = {"source_field", "target_field", "kind_field", "weight_field",
                                                     "directed"};
        const auto& t = *node->as_table();
        project.links = parse_source(ctx, t, "links", {&kCommon, &kLinks});
        get_string(ctx, t, "source_field", true, "links");
        get_string(ctx, t, "target_field", true, "links");
        if (project.links->source_field == project.links->target_field) {
            throw ProjectError(at(ctx, *t.get("target_field"), "target_field"),
                               "source_field et target_field désignent le même champ");
        }
    }
    if (const toml::node* node = root.get("participations")) {
        if (!node->is_table()) {
            throw ProjectError(at(ctx, *node, "participations"), "[participations] doit être une table");
        }
        static const std::set<std::string> kParticipations = {"actor_field", "object_field", "object_name_field",
                                                              "year_field", "role_field", "projection"};
        const auto& t = *node->as_table();
        project.participations = parse_source(ctx, t, "participations", {&kCommon, &kParticipations});
        get_string(ctx, t, "actor_field", true, "participations");
        get_string(ctx, t, "object_field", true, "participations");
        if (project.links && project.links->directed) {
            throw ProjectError(at(ctx, t, "participations"),
                               "[participations] donne des liens non orientés : incompatible avec directed = true dans [links]");
        }
    }
    parse_access_blocks(ctx, root, project);
    if (const toml::node* node = root.get("matching")) project.matching = parse_matching(ctx, *node);
    if (const toml::node* node = root.get("geocoding")) project.geocoding = parse_geocoding(ctx, *node);
    if (const toml::node* node = root.get("survey")) {  // issue 8: survey_project.cpp
        if (!node->is_table()) throw ProjectError(at(ctx, *node, "survey"), "[survey] doit être une table");
        const auto& t = *node->as_table();
        SourceSpec source = parse_source(ctx, t, "survey", {&kCommon, &kLocation, &survey_keys()});
        project.survey = parse_survey(t, std::move(source), ctx.file, ctx.base_dir);
    }
    choose_legal_crs(project);
    return project;
}

Project load_project(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw ProjectError(Location{file.string(), {}, {}, {}}, "fichier de projet introuvable ou illisible");
    std::ostringstream ss;
    ss << in.rdbuf();
    return parse_project(ss.str(), file);
}

}  // namespace territoire
