// matching.cpp — step `matching`: the same theatre or association found in the consultant's
// inventory, the RNA and Basilic becomes one actor (or place). Pairs of records from different
// sources are decided by (a) a shared identifier of one kind, else (b) close normalised names and
// near points; ambiguous pairs are listed for the consultant, whose override file settles them on
// the next run. Clusters are built by a union-find over the decided pairs, in a fixed order, never
// joining two records that an override calls different. docs/matching.md gives every rule.
#include "matching.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <numeric>
#include <optional>
#include <set>
#include <sstream>
#include <type_traits>
#include <unordered_map>

#include "detail/text.hpp"
#include "territoire/error.hpp"
#include "workspace.hpp"

namespace territoire {
namespace matching {
namespace {

// Words that say nothing about which actor a name designates: articles, prepositions, legal
// forms. Category words (théâtre, musée, cinéma…) are kept: they tell a museum from the library
// in the same building.
const std::set<std::string> kStopWords = {
    "le",    "la",     "les",   "l",    "de",    "du",     "des",   "d",     "et",     "en",      "a",
    "au",    "aux",    "sur",   "sous", "pour",  "par",    "un",    "une",   "the",    "of",      "and",
    "association", "associations", "asso", "assoc", "compagnie", "cie", "societe", "sarl", "sas",
    "sasu", "eurl",  "sa",    "scop", "scic",  "gip",    "epcc",  "loi",   "1901",
};

// n zeroed flags, on the stack up to N (names and tokens of usual length: the scores run for many
// pairs of names, without an allocation per pair), else on the heap.
template <std::size_t N>
class Flags {
public:
    explicit Flags(std::size_t n) {
        if (n > N) heap_.assign(n, 0);
    }
    unsigned char* data() { return heap_.empty() ? stack_ : heap_.data(); }

private:
    unsigned char stack_[N] = {};
    std::vector<unsigned char> heap_;
};

}  // namespace

// Names are folded by detail::slug, like field names (detail/text.cpp) and BAN street names
// (geocode::fold in geocoder.cpp): one folding of accents and ligatures for the whole library. What
// follows differs on purpose: the geocoder expands street-type abbreviations (av → avenue) and keeps
// word order, while matching drops articles and legal forms and compares unordered word sets.
std::vector<std::string> name_tokens(std::string_view name) {
    const std::string s = detail::slug(name);  // lower-case ASCII, accents folded, separators '_'
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= s.size()) {
        std::size_t end = s.find('_', start);
        if (end == std::string::npos) end = s.size();
        std::string token = s.substr(start, end - start);
        start = end + 1;
        if (token == "st") token = "saint";
        if (token == "ste") token = "sainte";
        if (token.size() < 2 || kStopWords.count(token)) continue;
        out.push_back(std::move(token));
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

double jaro_winkler(std::string_view a, std::string_view b) {
    if (a.empty() && b.empty()) return 1;
    if (a.empty() || b.empty()) return 0;
    const std::size_t window = std::max<std::size_t>(std::max(a.size(), b.size()) / 2, 1) - 1;
    Flags<64> flags_a(a.size()), flags_b(b.size());  // match flags
    unsigned char* ma = flags_a.data();
    unsigned char* mb = flags_b.data();
    std::size_t matches = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        const std::size_t lo = i > window ? i - window : 0;
        const std::size_t hi = std::min(b.size(), i + window + 1);
        for (std::size_t j = lo; j < hi; ++j) {
            if (mb[j] || a[i] != b[j]) continue;
            ma[i] = mb[j] = 1;
            ++matches;
            break;
        }
    }
    if (matches == 0) return 0;
    std::size_t transpositions = 0;
    for (std::size_t i = 0, j = 0; i < a.size(); ++i) {
        if (!ma[i]) continue;
        while (!mb[j]) ++j;
        if (a[i] != b[j]) ++transpositions;
        ++j;
    }
    const double m = static_cast<double>(matches);
    const double jaro = (m / static_cast<double>(a.size()) + m / static_cast<double>(b.size()) +
                         (m - static_cast<double>(transpositions) / 2) / m) / 3;
    std::size_t prefix = 0;
    while (prefix < 4 && prefix < a.size() && prefix < b.size() && a[prefix] == b[prefix]) ++prefix;
    return jaro + static_cast<double>(prefix) * 0.1 * (1 - jaro);
}

double token_similarity(const std::vector<std::string>& a, const std::vector<std::string>& b) {
    if (a.empty() || b.empty()) return 0;
    constexpr double kFuzzyToken = 0.92;
    constexpr std::size_t kFuzzyMinLength = 5;
    Flags<32> flags_a(a.size()), flags_b(b.size());  // tokens already paired
    unsigned char* used_a = flags_a.data();
    unsigned char* used_b = flags_b.data();
    std::size_t m = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {  // equal tokens
        const auto it = std::lower_bound(b.begin(), b.end(), a[i]);
        if (it != b.end() && *it == a[i]) {
            used_a[i] = used_b[static_cast<std::size_t>(it - b.begin())] = 1;
            ++m;
        }
    }
    for (std::size_t i = 0; i < a.size(); ++i) {  // then close ones, best first for each token of a
        if (used_a[i] || a[i].size() < kFuzzyMinLength) continue;
        double best = 0;
        std::size_t best_j = b.size();
        for (std::size_t j = 0; j < b.size(); ++j) {
            if (used_b[j] || b[j].size() < kFuzzyMinLength) continue;
            const double s = jaro_winkler(a[i], b[j]);
            if (s > best) best = s, best_j = j;
        }
        if (best >= kFuzzyToken) {
            used_a[i] = used_b[best_j] = 1;
            ++m;
        }
    }
    const double md = static_cast<double>(m);
    const double jaccard = md / static_cast<double>(a.size() + b.size() - m);
    const double overlap = md / static_cast<double>(std::min(a.size(), b.size()));
    return (jaccard + overlap) / 2;
}

double name_similarity(std::string_view a, std::string_view b) {
    return token_similarity(name_tokens(a), name_tokens(b));
}

Identifier normalise_identifier(const std::string& kind, std::string_view raw) {
    std::string v;
    for (std::size_t i = 0; i < raw.size(); ++i) {
        const auto c = static_cast<unsigned char>(raw[i]);
        if (std::isspace(c)) continue;
        if (c == 0xC2 && i + 1 < raw.size() && static_cast<unsigned char>(raw[i + 1]) == 0xA0) {  // U+00A0
            ++i;
            continue;
        }
        if (c == 0xE2 && i + 2 < raw.size() && static_cast<unsigned char>(raw[i + 1]) == 0x80 &&
            (static_cast<unsigned char>(raw[i + 2]) == 0xAF || static_cast<unsigned char>(raw[i + 2]) == 0x89)) {
            i += 2;  // U+202F narrow no-break space, U+2009 thin space
            continue;
        }
        v.push_back(static_cast<char>(std::toupper(c)));
    }
    if (v.empty()) return {};
    auto digits = [&](std::size_t n) {
        return v.size() == n && std::all_of(v.begin(), v.end(), [](unsigned char c) { return std::isdigit(c); });
    };
    if (kind == "siret" && !digits(14)) return {{}, "SIRET « " + std::string(raw) + " » : 14 chiffres attendus"};
    if (kind == "siren" && !digits(9)) return {{}, "SIREN « " + std::string(raw) + " » : 9 chiffres attendus"};
    if (kind == "rna") {
        const bool ok = v.size() == 10 && v[0] == 'W' &&
                        std::all_of(v.begin() + 1, v.end(), [](unsigned char c) { return std::isalnum(c); });
        if (!ok) return {{}, "identifiant RNA « " + std::string(raw) + " » : W suivi de 9 caractères attendu"};
    }
    return {v, {}};
}

}  // namespace matching

IdentifierReader::IdentifierReader(const SourceSpec& spec, const SourceData& data) : spec_(spec) {
    for (const auto& [kind, column] : spec.ids) columns_.emplace_back(kind, data.column(column));
}

std::map<std::string, std::string> IdentifierReader::read(const Record& rec, ProblemReporter& problems) const {
    std::map<std::string, std::string> out;
    for (const auto& [kind, col] : columns_) {
        if (col < 0) continue;
        const matching::Identifier id = matching::normalise_identifier(kind, rec.values[static_cast<std::size_t>(col)]);
        if (!id.error.empty()) {
            problems.report(source_problem(spec_, Severity::warning, "invalid_identifier", rec.ref, spec_.ids.at(kind),
                                           id.error + " : identifiant ignoré pour le rapprochement"));
        } else if (!id.value.empty()) {
            out.emplace(kind, id.value);
        }
    }
    return out;
}

namespace {

namespace fs = std::filesystem;

// The consultant's decisions: unordered pair of record ids → "same" / "different".
struct Override {
    std::string decision;
    std::string ref;  // line in the file
    bool used = false;
};
using Overrides = std::map<std::pair<std::string, std::string>, Override>;

std::pair<std::string, std::string> ordered(const std::string& a, const std::string& b) {
    return a < b ? std::pair{a, b} : std::pair{b, a};
}

SourceSpec overrides_spec(const Project& p) {
    SourceSpec spec;
    spec.block = "matching";
    spec.name = "décisions de rapprochement";
    spec.path = p.matching.overrides;
    spec.path_as_written = p.matching.overrides_as_written;
    return spec;
}

Overrides read_overrides(Diagnostic& d) {
    Overrides out;
    const MatchingSpec& m = d.project.matching;
    if (m.overrides.empty()) return out;
    const SourceSpec spec = overrides_spec(d.project);
    std::error_code ec;
    if (!fs::exists(spec.path, ec)) {
        d.problems.report(source_problem(spec, Severity::info, "overrides_missing", {}, "overrides",
                                         "fichier de décisions « " + spec.path_as_written +
                                             " » absent : aucune décision appliquée"));
        return out;
    }
    const SourceData data = read_source(spec);
    report_read_issues(d.problems, spec, data);
    int cols[3];
    const char* names[3] = {"id_a", "id_b", "decision"};
    for (int i = 0; i < 3; ++i) {
        cols[i] = data.column(names[i]);
        if (cols[i] < 0) {
            std::string present;
            for (const auto& c : data.columns) present += (present.empty() ? "'" : ", '") + c + "'";
            throw InputError(Location{spec.path_as_written, {}, {}, names[i]},
                             "colonne absente du fichier de décisions (colonnes attendues : id_a, id_b, decision) ; "
                             "champs présents : " + present);
        }
    }
    for (const auto& rec : data.records) {
        const std::string a = detail::trim(rec.values[static_cast<std::size_t>(cols[0])]);
        const std::string b = detail::trim(rec.values[static_cast<std::size_t>(cols[1])]);
        const std::string raw = detail::trim(rec.values[static_cast<std::size_t>(cols[2])]);
        const std::string word = detail::slug(raw);
        std::string decision;
        if (word == "same" || word == "meme" || word == "identique" || word == "oui") decision = "same";
        else if (word == "different" || word == "distinct" || word == "non") decision = "different";
        if (raw.empty()) continue;  // not decided yet
        if (a.empty() || b.empty() || a == b || decision.empty()) {
            d.problems.report(source_problem(
                spec, Severity::warning, "invalid_override", rec.ref, decision.empty() ? "decision" : "id_a",
                decision.empty() ? "décision « " + raw + " » inconnue (same ou different attendu) : ligne ignorée"
                                 : "deux identifiants distincts attendus : ligne ignorée"));
            continue;
        }
        const auto key = ordered(a, b);
        if (const auto it = out.find(key); it != out.end()) {
            d.problems.report(source_problem(spec, Severity::warning, "invalid_override", rec.ref, "id_a",
                                             "paire « " + a + " » / « " + b + " » déjà décidée (" + it->second.ref +
                                                 ") : la première décision est gardée"));
            continue;
        }
        out.emplace(key, Override{decision, rec.ref, false});
    }
    return out;
}

// What matching needs of an actor or a place.
std::optional<Point> location_of(const Actor& a) { return a.location; }
std::optional<Point> location_of(const Place& p) { return p.location; }
std::string& category_of(Actor& a) { return a.family; }
std::string& category_of(Place& p) { return p.kind; }

struct Rec {
    std::size_t source = 0;            // index of the source block, project order
    std::optional<Point> location;
    std::vector<std::string> tokens;
    bool commune_only = false;         // geocoded to its commune only: its point is the commune's
};

// A record geocoded to its commune only (geocode_precision = commune) stands at the commune's point,
// which says nothing of where it really is: it takes no part in the name + distance rule (it would
// match any namesake near that point); identifiers still link it.
bool placed_at_commune(const Provenance& p) { return p.geocode_precision == "commune"; }

// The merged record takes another record's point when its own is missing or only its commune's and
// the other's is better (housenumber, street or real coordinates).
template <class T>
bool better_location(const T& kept, const T& other) {
    if (!location_of(other) || placed_at_commune(other.provenance)) return false;
    return !location_of(kept) || placed_at_commune(kept.provenance);
}

struct Edge {
    std::size_t a = 0, b = 0;          // record indices, a < b
    std::string rule;                  // id:<kind>[+<kind>] | name_distance | name_commune | override
    std::optional<double> score, distance_m;
    bool accepted = false;             // automatic: decided "same"
    std::string reason;                // why not accepted (French)
    std::string suggested;
    std::string decision;              // override
};

std::string join_identifiers(const std::map<std::string, std::string>& ids) {
    std::string out;
    for (const auto& [k, v] : ids) out += (out.empty() ? "" : "; ") + k + "=" + v;
    return out;
}

std::string format_m(double m) {
    std::ostringstream s;
    s << static_cast<long long>(std::llround(m)) << " m";
    return s.str();
}

// Finds the pairs, applies the overrides, builds the clusters and merges them, for one collection.
template <class T>
void match_collection(Diagnostic& d, std::vector<T>& items, const std::vector<SourceSpec>& specs,
                      const char* plural, const char* collection, Overrides& overrides, std::map<std::string, std::string>& aliases) {
    const MatchingSpec& cfg = d.project.matching;
    const bool several_sources = specs.size() > 1;
    if (!several_sources && overrides.empty()) return;  // nothing to match: no cost on one-source runs
    std::map<std::string, std::size_t> source_index;
    for (std::size_t i = 0; i < specs.size(); ++i) source_index.emplace(specs[i].name, i);
    std::map<std::string, std::size_t> by_id;
    std::vector<Rec> recs(items.size());
    for (std::size_t i = 0; i < items.size(); ++i) {
        recs[i].source = source_index.count(items[i].provenance.source) ? source_index.at(items[i].provenance.source) : 0;
        recs[i].location = location_of(items[i]);
        recs[i].tokens = matching::name_tokens(items[i].name);
        recs[i].commune_only = placed_at_commune(items[i].provenance);
        by_id.emplace(items[i].id, i);
    }
    auto distance = [&](std::size_t i, std::size_t j) -> std::optional<double> {
        if (!recs[i].location || !recs[j].location) return std::nullopt;
        return std::hypot(recs[i].location->x - recs[j].location->x, recs[i].location->y - recs[j].location->y);
    };
    // Kinds both records have with different values.
    auto conflicts = [&](std::size_t i, std::size_t j) {
        std::string out;
        for (const auto& [kind, v] : items[i].identifiers) {
            const auto it = items[j].identifiers.find(kind);
            if (it != items[j].identifiers.end() && it->second != v)
                out += (out.empty() ? "" : ", ") + kind + " " + v + " ≠ " + it->second;
        }
        return out;
    };

    std::map<std::pair<std::size_t, std::size_t>, Edge> edges;

    // (a) A shared identifier of one kind.
    constexpr std::size_t kMaxIdGroup = 50;
    std::map<std::pair<std::string, std::string>, std::vector<std::size_t>> groups;  // (kind, value) → records
    if (several_sources)
        for (std::size_t i = 0; i < items.size(); ++i)
            for (const auto& [kind, v] : items[i].identifiers) groups[{kind, v}].push_back(i);
    for (const auto& [key, members] : groups) {
        if (members.size() < 2) continue;
        if (members.size() > kMaxIdGroup) {
            d.problems.report(Problem{Severity::warning, "identifier_shared", "rapprochement", "matching", key.second, key.first,
                                      std::to_string(members.size()) + " " + plural + " partagent l'identifiant " + key.first +
                                          " « " + key.second + " » : identifiant ignoré pour le rapprochement"});
            continue;
        }
        for (std::size_t x = 0; x < members.size(); ++x)
            for (std::size_t y = x + 1; y < members.size(); ++y) {
                const std::size_t i = members[x], j = members[y];
                if (recs[i].source == recs[j].source) continue;
                Edge& e = edges[{i, j}];
                e.a = i, e.b = j;
                e.rule = e.rule.empty() ? "id:" + key.first : e.rule + "+" + key.first;
            }
    }
    for (auto& [key, e] : edges) {
        e.distance_m = distance(e.a, e.b);
        e.score = matching::token_similarity(recs[e.a].tokens, recs[e.b].tokens);
        if (const std::string c = conflicts(e.a, e.b); !c.empty()) {
            e.reason = "identifiants contradictoires (" + c + ")";
            e.suggested = "different";
        } else if (e.distance_m && *e.distance_m > cfg.id_distance_m) {
            e.reason = "même identifiant mais à " + format_m(*e.distance_m) + " l'un de l'autre";
            e.suggested = "same";
        } else {
            e.accepted = true;
        }
    }

    // (b) Close names and near points, for pairs without an identifier rule.
    if (several_sources && cfg.distance_m > 0) {
        const double cell = cfg.distance_m;
        const double max_d2 = cfg.distance_m * cfg.distance_m * (1 + 1e-9);
        auto cell_of = [&](const Point& p) {
            return std::pair<std::int64_t, std::int64_t>{static_cast<std::int64_t>(std::floor(p.x / cell)),
                                                         static_cast<std::int64_t>(std::floor(p.y / cell))};
        };
        struct PairHash {
            std::size_t operator()(const std::pair<std::int64_t, std::int64_t>& k) const {
                return std::hash<std::uint64_t>()(static_cast<std::uint64_t>(k.first) * 1000003u +
                                                  static_cast<std::uint64_t>(k.second));
            }
        };
        std::unordered_map<std::pair<std::int64_t, std::int64_t>, std::vector<std::size_t>, PairHash> grid;
        auto by_name = [&](const Rec& r) { return r.location && !r.commune_only && !r.tokens.empty(); };
        for (std::size_t i = 0; i < recs.size(); ++i)
            if (by_name(recs[i])) grid[cell_of(*recs[i].location)].push_back(i);
        for (std::size_t i = 0; i < recs.size(); ++i) {
            if (!by_name(recs[i])) continue;
            const auto [cx, cy] = cell_of(*recs[i].location);
            for (std::int64_t dx = -1; dx <= 1; ++dx)
                for (std::int64_t dy = -1; dy <= 1; ++dy) {
                    const auto it = grid.find({cx + dx, cy + dy});
                    if (it == grid.end()) continue;
                    const Point& p = *recs[i].location;
                    for (const std::size_t j : it->second) {
                        if (j <= i || recs[j].source == recs[i].source) continue;
                        const double dx_m = recs[j].location->x - p.x, dy_m = recs[j].location->y - p.y;
                        if (dx_m * dx_m + dy_m * dy_m > max_d2) continue;  // cheap test first
                        const double dist = *distance(i, j);
                        if (dist > cfg.distance_m) continue;
                        const double score = matching::token_similarity(recs[i].tokens, recs[j].tokens);
                        if (score < cfg.grey_zone || score <= 0 || edges.count({i, j})) continue;
                        Edge e;
                        e.a = i, e.b = j, e.rule = "name_distance", e.score = score, e.distance_m = dist;
                        if (const std::string c = conflicts(i, j); !c.empty()) {
                            if (score < cfg.name_similarity) continue;  // different ids and only roughly close names
                            e.reason = "noms proches mais identifiants différents (" + c + ")";
                            e.suggested = "different";
                        } else if (score < cfg.name_similarity) {
                            e.reason = "noms assez proches seulement";
                            e.suggested = score >= (cfg.grey_zone + cfg.name_similarity) / 2 ? "same" : "different";
                        } else {
                            e.accepted = true;
                        }
                        edges.emplace(std::pair{i, j}, std::move(e));
                    }
                }
        }
    }

    // (c) A record placed at its commune only takes no part in (b), but a close name in the same
    // area is still shown to the consultant: never merged automatically, settled by the override file.
    // Only records sharing a word, or the first three letters of a long word (the fuzzy words of
    // token_similarity), are scored: a commune of thousands of records is not compared pair by pair.
    if (several_sources) {
        auto keys_of = [](const Rec& r) {
            std::set<std::string> keys;
            for (const auto& t : r.tokens) {
                keys.insert("w:" + t);
                if (t.size() >= 5) keys.insert("p:" + t.substr(0, 3));
            }
            return keys;
        };
        std::map<std::string, std::map<std::string, std::vector<std::size_t>>> by_area;  // area → key → records
        std::map<std::string, std::vector<std::size_t>> commune_only;                      // area → such records
        for (std::size_t i = 0; i < items.size(); ++i) {
            if (items[i].area_id.empty() || recs[i].tokens.empty()) continue;
            for (const auto& k : keys_of(recs[i])) by_area[items[i].area_id][k].push_back(i);
            if (recs[i].commune_only) commune_only[items[i].area_id].push_back(i);
        }
        for (const auto& [area, list] : commune_only) {
            const auto& index = by_area[area];
            for (const std::size_t i : list) {
                std::set<std::size_t> others;
                for (const auto& k : keys_of(recs[i]))
                    for (const std::size_t j : index.at(k))
                        if (j != i && recs[j].source != recs[i].source) others.insert(j);
                for (const std::size_t j : others) {
                    const std::pair<std::size_t, std::size_t> key{std::min(i, j), std::max(i, j)};
                    if (edges.count(key)) continue;  // an identifier pair, or met from the other record
                    const double score = matching::token_similarity(recs[i].tokens, recs[j].tokens);
                    if (score < cfg.grey_zone || score <= 0) continue;
                    Edge e;
                    e.a = key.first, e.b = key.second, e.rule = "name_commune", e.score = score;
                    e.distance_m = distance(key.first, key.second);
                    e.reason = "fiche placée à sa commune seulement : à vérifier";
                    if (const std::string c = conflicts(key.first, key.second); !c.empty()) {
                        if (score < cfg.name_similarity) continue;  // as in (b)
                        e.reason += " ; identifiants différents (" + c + ")";
                        e.suggested = "different";
                    } else if (score < cfg.name_similarity) {
                        e.reason += " ; noms assez proches seulement";
                        e.suggested = score >= (cfg.grey_zone + cfg.name_similarity) / 2 ? "same" : "different";
                    } else {
                        e.suggested = "same";
                    }
                    edges.emplace(key, std::move(e));
                }
            }
        }
    }

    // One record matched automatically to several records of one other source: none is merged.
    std::map<std::pair<std::size_t, std::size_t>, std::vector<std::pair<std::size_t, std::size_t>>> fan;
    for (const auto& [key, e] : edges) {
        if (!e.accepted) continue;
        fan[{e.a, recs[e.b].source}].push_back(key);
        fan[{e.b, recs[e.a].source}].push_back(key);
    }
    for (const auto& [who, keys] : fan) {
        if (keys.size() < 2) continue;
        double best = -1;
        int best_count = 0;
        for (const auto& k : keys) {
            const double s = edges[k].rule == "name_distance" ? *edges[k].score : 2.0;  // identifiers first
            if (s > best) best = s, best_count = 1;
            else if (s == best) ++best_count;
        }
        for (const auto& k : keys) {
            Edge& e = edges[k];
            e.accepted = false;
            e.reason = "« " + items[who.first].id + " » ressemble à plusieurs " + plural + " de la source « " +
                       specs[who.second].name + " »";
            const double s = e.rule == "name_distance" ? *e.score : 2.0;
            e.suggested = (s == best && best_count == 1) ? "same" : "";
        }
    }

    // The consultant's decisions.
    for (auto& [ids, ov] : overrides) {
        const auto ia = by_id.find(ids.first), ib = by_id.find(ids.second);
        if (ia == by_id.end() || ib == by_id.end()) continue;
        ov.used = true;
        const std::size_t i = std::min(ia->second, ib->second), j = std::max(ia->second, ib->second);
        Edge& e = edges[{i, j}];
        if (e.rule.empty()) {
            e.a = i, e.b = j, e.rule = "override", e.distance_m = distance(i, j);
            e.score = matching::token_similarity(recs[i].tokens, recs[j].tokens);
        }
        e.decision = ov.decision;
    }

    // Clusters: override "same" pairs first, then identifiers, then names by decreasing score; a pair
    // is not joined when its two clusters hold records an override calls different, or (for an
    // automatic pair) two records of one source.
    std::vector<const Edge*> order;
    for (const auto& [key, e] : edges)
        if (e.decision == "same" || (e.accepted && e.decision.empty())) order.push_back(&e);
    auto rank = [](const Edge* e) { return e->decision == "same" ? 0 : (e->rule == "name_distance" ? 2 : 1); };
    std::stable_sort(order.begin(), order.end(), [&](const Edge* x, const Edge* y) {
        if (rank(x) != rank(y)) return rank(x) < rank(y);
        if (rank(x) == 2 && *x->score != *y->score) return *x->score > *y->score;
        // Then pairs of the first sources in project order: their records are the ones kept.
        const auto sx = std::minmax(recs[x->a].source, recs[x->b].source);
        const auto sy = std::minmax(recs[y->a].source, recs[y->b].source);
        return sx < sy;  // then (a, b) order, from the map
    });
    std::vector<std::size_t> parent(items.size());
    std::iota(parent.begin(), parent.end(), 0);
    std::vector<std::vector<std::size_t>> members(items.size());
    for (std::size_t i = 0; i < items.size(); ++i) members[i] = {i};
    std::function<std::size_t(std::size_t)> find = [&](std::size_t x) {
        while (parent[x] != x) x = parent[x] = parent[parent[x]];
        return x;
    };
    std::set<std::pair<std::size_t, std::size_t>> different;
    for (const auto& [key, e] : edges)
        if (e.decision == "different") different.insert(key);
    std::vector<const Edge*> joined_by(items.size(), nullptr);  // the pair through which a record joined
    std::vector<std::size_t> partner(items.size(), 0);
    std::vector<std::pair<const Edge*, std::string>> refused;
    for (const Edge* e : order) {
        std::size_t ra = find(e->a), rb = find(e->b);
        if (ra == rb) continue;
        std::string why;
        for (const std::size_t x : members[ra]) {
            for (const std::size_t y : members[rb]) {
                if (different.count({std::min(x, y), std::max(x, y)})) {
                    why = "« " + items[x].id + " » et « " + items[y].id + " » sont déclarés différents";
                } else if (e->decision != "same" && recs[x].source == recs[y].source) {
                    why = "réunirait « " + items[x].id + " » et « " + items[y].id + " », de la même source";
                }
                if (!why.empty()) break;
            }
            if (!why.empty()) break;
        }
        if (!why.empty()) {
            refused.emplace_back(e, why);
            continue;
        }
        if (members[ra].size() < members[rb].size()) std::swap(ra, rb);
        for (const std::size_t x : members[rb]) members[ra].push_back(x);
        members[rb].clear();
        parent[rb] = ra;
        for (const std::size_t x : {e->a, e->b}) {
            if (joined_by[x]) continue;
            joined_by[x] = e;
            partner[x] = x == e->a ? e->b : e->a;
        }
    }

    // Candidates for the consultant: ambiguous pairs, refused joins and every decided pair.
    std::set<std::pair<std::size_t, std::size_t>> listed;
    auto candidate = [&](const Edge& e, const std::string& reason, bool report) {
        if (!listed.insert({e.a, e.b}).second) return;
        MatchCandidate c;
        c.collection = collection;
        c.id_a = items[e.a].id, c.name_a = items[e.a].name, c.source_a = items[e.a].provenance.source;
        c.id_b = items[e.b].id, c.name_b = items[e.b].name, c.source_b = items[e.b].provenance.source;
        c.distance_m = e.distance_m;
        c.score = e.score;
        c.rule = e.rule;
        c.reason = reason;
        c.suggested = e.suggested;
        c.decision = e.decision;
        if (report) {
            d.problems.report(Problem{Severity::warning, "match_ambiguous", c.source_a, "matching", c.id_a, {},
                                      std::string(plural) + " « " + c.id_a + " » (" + c.source_a + ") et « " + c.id_b +
                                          " » (" + c.source_b + ") peut-être identiques : " + reason +
                                          " ; non fusionnés, à trancher dans le fichier de décisions (match_candidates)"});
        }
        d.match_candidates.push_back(std::move(c));
    };
    for (const auto& [e, why] : refused) {
        if (e->decision == "same") {
            d.problems.report(Problem{Severity::warning, "match_split", items[e->a].provenance.source, "matching",
                                      items[e->a].id, {},
                                      "décision « same » pour « " + items[e->a].id + " » et « " + items[e->b].id +
                                          " » non appliquée : " + why});
            candidate(*e, "décision non appliquée : " + why, false);
        } else {
            d.problems.report(Problem{Severity::info, "match_split", items[e->a].provenance.source, "matching",
                                      items[e->a].id, {},
                                      std::string(plural) + " « " + items[e->a].id + " » et « " + items[e->b].id +
                                          " » non fusionnés : " + why});
            candidate(*e, why, false);
        }
    }
    for (const auto& [key, e] : edges) {
        if (!e.decision.empty()) candidate(e, e.reason.empty() ? "décision du consultant" : e.reason, false);
        else if (!e.accepted) candidate(e, e.reason, true);
    }

    // Merge each cluster of two records or more into its first record in project order.
    std::vector<bool> remove(items.size(), false);
    std::size_t clusters = 0, merged_away = 0;
    for (std::size_t r = 0; r < items.size(); ++r) {
        std::vector<std::size_t> group = members[r];
        if (group.size() < 2) continue;
        std::sort(group.begin(), group.end(), [&](std::size_t x, std::size_t y) {
            return recs[x].source != recs[y].source ? recs[x].source < recs[y].source : x < y;
        });
        ++clusters;
        T& kept = items[group[0]];
        std::vector<SourceRecord> sources;
        for (std::size_t g = 0; g < group.size(); ++g) {
            const std::size_t x = group[g];
            const T& item = items[x];
            SourceRecord s;
            s.id = item.id;
            s.name = item.name;
            s.provenance = item.provenance;
            s.identifiers = item.identifiers;
            if (const Edge* e = joined_by[x]) {
                s.rule = e->decision == "same" ? "override" : e->rule;
                s.score = e->score;
                s.distance_m = e->distance_m;
                s.matched_with = items[partner[x]].id;
            }
            if (g == 0) {  // the record the others were merged into
                s.rule = "kept";
                s.score.reset();
                s.distance_m.reset();
                s.matched_with.clear();
            }
            sources.push_back(std::move(s));
        }
        std::vector<std::string> used(group.size());
        used[0] = "tous (fiche retenue)";
        auto take = [&](std::size_t g, const char* field) { used[g] += (used[g].empty() ? "" : ", ") + std::string(field); };
        for (std::size_t g = 1; g < group.size(); ++g) {
            T& other = items[group[g]];
            if (kept.name == kept.id && other.name != other.id) kept.name = other.name, take(g, "nom");
            if (category_of(kept) == "non renseigné" && category_of(other) != "non renseigné")
                category_of(kept) = category_of(other), take(g, "catégorie");
            if (better_location(kept, other)) {
                kept.location = other.location;
                kept.area_id = other.area_id;
                const std::string source = kept.provenance.source, ref = kept.provenance.source_ref;
                kept.provenance = other.provenance;  // method and geocode fields of the point taken
                kept.provenance.source = source, kept.provenance.source_ref = ref;
                take(g, "localisation");
            }
            if constexpr (std::is_same_v<T, Place>) {
                if (!kept.capacity && other.capacity) kept.capacity = other.capacity, take(g, "capacité");
            }
            for (const auto& [kind, v] : other.identifiers)
                if (kept.identifiers.emplace(kind, v).second) take(g, ("identifiant " + kind).c_str());
        }
        for (std::size_t g = 0; g < group.size(); ++g) sources[g].fields_used = used[g];
        for (std::size_t g = 1; g < group.size(); ++g) {
            aliases.emplace(items[group[g]].id, kept.id);
            remove[group[g]] = true;
            ++merged_away;
        }
        kept.sources = std::move(sources);
    }
    if (clusters) {
        d.problems.report(Problem{Severity::info, "records_merged", "rapprochement", "matching", {}, {},
                                  std::to_string(merged_away + clusters) + " fiches de sources différentes fusionnées en " +
                                      std::to_string(clusters) + " " + plural + " (voir " + collection + "_sources)"});
    }
    std::size_t w = 0;
    for (std::size_t i = 0; i < items.size(); ++i)
        if (!remove[i]) {
            if (w != i) items[w] = std::move(items[i]);
            ++w;
        }
    items.resize(w);
}

}  // namespace

void build_matching(Workspace& /*ws*/, Diagnostic& d) {
    Overrides overrides = read_overrides(d);
    match_collection(d, d.actors, d.project.actors, "acteurs", "actor", overrides, d.actor_aliases);
    match_collection(d, d.places, d.project.places, "lieux", "place", overrides, d.place_aliases);
    if (!overrides.empty()) {
        const SourceSpec spec = overrides_spec(d.project);
        std::set<std::string> known;
        for (const auto& a : d.actors) known.insert(a.id);
        for (const auto& p : d.places) known.insert(p.id);
        for (const auto& [alias, kept] : d.actor_aliases) known.insert(alias);
        for (const auto& [alias, kept] : d.place_aliases) known.insert(alias);
        for (const auto& [ids, ov] : overrides) {
            if (ov.used) continue;
            std::string which;
            for (const auto* id : {&ids.first, &ids.second})
                if (!known.count(*id)) which += (which.empty() ? "« " : ", « ") + *id + " »";
            d.problems.report(source_problem(
                spec, Severity::warning, "override_unknown_id", ov.ref, "id_a",
                which.empty() ? "« " + ids.first + " » et « " + ids.second +
                                    " » ne sont pas tous deux des acteurs ou tous deux des lieux : décision ignorée"
                              : "identifiant(s) " + which + " inconnu(s) dans le diagnostic : décision ignorée"));
        }
    }
}

namespace {

Value opt(const std::optional<double>& v) { return v ? Value(*v) : Value(); }
Value text(const std::string& s) { return s.empty() ? Value() : Value(s); }

template <class T>
Table sources_table(const std::vector<T>& items, const char* name, const char* key, const char* title,
                    const char* description) {
    Table t{name, title, description, GeometryType::none, {}, {}, {}};
    t.fields = {
        {key, FieldType::text, "Identifiant retenu"},
        {"record_id", FieldType::text, "Identifiant dans la source"},
        {"source", FieldType::text, "Source"},
        {"source_ref", FieldType::text, "Ligne ou entité"},
        {"record_name", FieldType::text, "Nom dans la source"},
        {"identifiers", FieldType::text, "Identifiants"},
        {"rule", FieldType::text, "Règle de rapprochement"},
        {"matched_with", FieldType::text, "Rapproché de"},
        {"score", FieldType::real, "Similarité des noms"},
        {"distance_m", FieldType::real, "Distance (m)"},
        {"location_method", FieldType::text, "Localisation"},
        {"fields_used", FieldType::text, "Champs repris"},
        // The record's own geocoding (docs/geocoding.md): how precisely each source placed it.
        {"geocode_precision", FieldType::text, "Précision du géocodage"},
        {"geocode_score", FieldType::real, "Score du géocodage"},
    };
    for (const auto& item : items)
        for (const auto& s : item.sources)
            t.rows.push_back({item.id, s.id, s.provenance.source, s.provenance.source_ref, s.name,
                              text(join_identifiers(s.identifiers)), s.rule, text(s.matched_with), opt(s.score),
                              opt(s.distance_m), s.provenance.location_method, text(s.fields_used),
                              text(s.provenance.geocode_precision), opt(s.provenance.geocode_score)});
    return t;
}

}  // namespace

std::vector<Table> matching_tables(const Diagnostic& d) {
    Table c{"match_candidates", "Rapprochements à trancher",
            "Paires de fiches de sources différentes peut-être identiques, non fusionnées automatiquement, "
            "et décisions du consultant",
            GeometryType::none, {}, {}, {}};
    c.fields = {
        {"collection", FieldType::text, "Acteur ou lieu"},
        {"id_a", FieldType::text, "Identifiant A"},
        {"name_a", FieldType::text, "Nom A"},
        {"source_a", FieldType::text, "Source A"},
        {"id_b", FieldType::text, "Identifiant B"},
        {"name_b", FieldType::text, "Nom B"},
        {"source_b", FieldType::text, "Source B"},
        {"distance_m", FieldType::real, "Distance (m)"},
        {"score", FieldType::real, "Similarité des noms"},
        {"rule", FieldType::text, "Règle"},
        {"reason", FieldType::text, "Motif"},
        {"suggested", FieldType::text, "Suggestion"},
        {"decision", FieldType::text, "Décision"},
    };
    for (const auto& m : d.match_candidates)
        c.rows.push_back({m.collection, m.id_a, m.name_a, m.source_a, m.id_b, m.name_b, m.source_b, opt(m.distance_m),
                          opt(m.score), m.rule, m.reason, text(m.suggested), text(m.decision)});
    return {std::move(c),
            sources_table(d.actors, "actor_sources", "actor_id", "Sources des acteurs fusionnés",
                          "Fiches des différentes sources réunies en un acteur, avec la règle qui les a rapprochées"),
            sources_table(d.places, "place_sources", "place_id", "Sources des lieux fusionnés",
                          "Fiches des différentes sources réunies en un lieu, avec la règle qui les a rapprochées")};
}

}  // namespace territoire
