// project.cpp — reads project files (TOML v1) strictly: unknown keys and wrong types are errors
// that name the file, the line and the key, because a typo must not silently change a diagnostic.
#include "territoire/project.hpp"

#include <toml++/toml.h>

#include <fstream>
#include <set>
#include <sstream>

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

// Keys of presets, official codes, geocoding and matching (docs/presets.md): a list of columns, an
// inline table of identifiers, a boolean; the others are strings.
void parse_code_keys(const Context& ctx, const toml::table& table, const std::string& block, SourceSpec& spec) {
    auto opt = [&](const char* key) { return get_string(ctx, table, key, false, block); };
    if (const auto crosswalk = opt("crosswalk"); !crosswalk.empty()) {
        spec.crosswalk_as_written = crosswalk;
        spec.crosswalk = (fs::path(crosswalk).is_absolute() ? fs::path(crosswalk) : ctx.base_dir / crosswalk).lexically_normal();
    }
    spec.domain = opt("domain");
    spec.domain_field = opt("domain_field");
    spec.capacity_unit = opt("capacity_unit");
    spec.postcode_field = opt("postcode_field");
    spec.citycode_field = opt("citycode_field");
    spec.city_field = opt("city_field");
    if (const toml::node* node = table.get("include_dissolved")) {
        if (!node->is_boolean()) throw ProjectError(at(ctx, *node, "include_dissolved"), "true ou false attendu");
        spec.include_dissolved = **node->as_boolean();
    }
    if (const toml::node* node = table.get("address_fields")) {
        const toml::array* array = node->as_array();
        if (!array) throw ProjectError(at(ctx, *node, "address_fields"), "une liste de noms de colonnes est attendue");
        for (const auto& item : *array) {
            if (!item.is_string()) throw ProjectError(at(ctx, item, "address_fields"), "une chaîne de caractères est attendue");
            spec.address_fields.push_back(**item.as_string());
        }
    }
    if (const toml::node* node = table.get("ids")) {
        const toml::table* ids = node->as_table();
        if (!ids) throw ProjectError(at(ctx, *node, "ids"), "une table est attendue, par exemple ids = { siret = \"siret\" }");
        for (const auto& [kind, column] : *ids) {
            if (!column.is_string()) throw ProjectError(at(ctx, column, "ids." + std::string(kind.str())), "une chaîne de caractères est attendue");
            spec.ids[std::string(kind.str())] = **column.as_string();
        }
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
                                                "participations"};
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
                                                  "capacity_unit"};
    project.places = parse_array(ctx, root, "places", {&kCommon, &kLocation, &kPlaces, &kPreset, &kCodes});
    static const std::set<std::string> kActors = {"id_field", "name_field", "family", "family_field"};
    project.actors = parse_array(ctx, root, "actors", {&kCommon, &kLocation, &kActors, &kPreset, &kCodes});

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
