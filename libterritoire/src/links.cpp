// links.cpp — step `links`: cooperation between actors, from an edge list ([links]) and from
// participations in shared projects or events ([participations], projected onto actor pairs).
// Undirected links are stored once with source_id < target_id; directed ones as given. Duplicate
// pairs are merged (weights summed, kinds joined); self-loops, unknown ids and invalid weights are
// reported and left out.
#include <algorithm>
#include <map>
#include <set>

#include "detail/text.hpp"
#include "workspace.hpp"

namespace territoire {
namespace {

// The kind given to links that come from shared objects.
const char* const kSharedObjectKind = "projet ou événement commun";

// Accepted link weights. Outside this range the measures lose their meaning in floating point
// (a path of lengths 1/w that differ by more than 2^53, Louvain's m² overflowing), and real
// cooperation weights (counts, intensities, 1/(k-1) shares) are far inside it.
constexpr double kMinWeight = 1e-6;
constexpr double kMaxWeight = 1e6;

struct Merged {
    double weight = 0;
    std::set<std::string> kinds;
    std::size_t from_links = 0;
    std::size_t from_participations = 0;
};
using MergedLinks = std::map<std::pair<std::string, std::string>, Merged>;

// Checks that an actor id read from a link or participation row is an actor of the diagnostic.
class ActorCheck {
public:
    ActorCheck(const Diagnostic& d, const std::map<std::string, std::string>& dropped)
        : dropped_(dropped), aliases_(d.actor_aliases) {
        for (const auto& a : d.actors) ids_.insert(a.id);
        // Ids dropped by an actors block's own `where` never reach us: say so in the message.
        const bool any_where = std::any_of(d.project.actors.begin(), d.project.actors.end(),
                                           [](const SourceSpec& a) { return !a.where.empty(); });
        hint_ = any_where ? " (absent des sources d'acteurs, ou écarté par leur filtre where)" : "";
    }

    /// Reports the first id of `ids` that is not usable and returns false; true when all are.
    template <class Report>
    bool all_known(const std::vector<std::pair<std::string, std::string>>& ids, const std::string& what, Report report) const {
        // An id that no source knows is a worse problem than an actor left outside: report it first.
        for (const auto& [id, field] : ids) {
            if (!ids_.count(id) && !dropped_.count(id)) {
                report(Severity::warning, "unknown_actor", field, "acteur « " + id + " » inconnu" + hint_ + " : " + what);
                return false;
            }
        }
        for (const auto& [id, field] : ids) {
            if (!ids_.count(id)) {
                report(Severity::info, "link_actor_outside", field, "acteur « " + id + " » hors du territoire ou écarté : " + what);
                return false;
            }
        }
        return true;
    }

    /// The kept actor's id for an id merged away by matching.cpp; other ids unchanged.
    std::string resolve(std::string id) const {
        const auto it = aliases_.find(id);
        return it == aliases_.end() ? id : it->second;
    }

private:
    std::set<std::string> ids_;
    const std::map<std::string, std::string>& dropped_;
    const std::map<std::string, std::string>& aliases_;
    std::string hint_;
};

// A cell's trimmed text, or empty when the column is not mapped (-1).
std::string field_value(const Record& rec, int col) {
    return col < 0 ? std::string() : detail::trim(rec.values[static_cast<std::size_t>(col)]);
}

// Counters of a block just read, its malformed rows and reader warnings already reported.
SourceStats block_stats(Diagnostic& d, const SourceSpec& spec, const SourceData& data) {
    SourceStats stats{spec.block, spec.name, data.records.size() + data.malformed_lines.size(), 0, 0, 0, 0, 0};
    stats.rejected += report_read_issues(d.problems, spec, data);
    return stats;
}

void read_links(Diagnostic& d, const ActorCheck& check, MergedLinks& merged) {
    const SourceSpec& spec = *d.project.links;
    const SourceData data = read_source(spec);
    SourceStats stats = block_stats(d, spec, data);

    const int s_col = data.column(spec.source_field);
    const int t_col = data.column(spec.target_field);
    const int k_col = spec.kind_field.empty() ? -1 : data.column(spec.kind_field);
    const int w_col = spec.weight_field.empty() ? -1 : data.column(spec.weight_field);
    for (const auto& rec : data.records) {
        auto problem = [&](Severity sev, const char* kind, const std::string& field, const std::string& msg) {
            d.problems.report(source_problem(spec, sev, kind, rec.ref, field, msg));
            ++stats.rejected;
        };
        const std::string raw_s = field_value(rec, s_col), raw_t = field_value(rec, t_col);
        const std::string s = check.resolve(raw_s);  // ids merged away by matching.cpp → the kept actor
        const std::string t = check.resolve(raw_t);
        if (s.empty() || t.empty()) {
            problem(Severity::warning, "missing_id", s.empty() ? spec.source_field : spec.target_field,
                    "lien sans identifiant d'acteur : ignoré");
            continue;
        }
        if (s == t) {
            problem(Severity::warning, "self_loop", spec.target_field,
                    raw_s == raw_t ? "lien de « " + s + " » vers lui-même : ignoré"
                                   : "« " + raw_s + " » et « " + raw_t + " » sont un même acteur « " + s +
                                         " » (fiches rapprochées) : lien ignoré");
            continue;
        }
        if (!check.all_known({{s, spec.source_field}, {t, spec.target_field}}, "lien ignoré", problem)) continue;
        double weight = 1;
        if (w_col >= 0) {
            const std::string& text = rec.values[static_cast<std::size_t>(w_col)];
            if (!detail::trim(text).empty()) {
                const auto v = detail::parse_number(text);
                if (!v || !(*v >= kMinWeight && *v <= kMaxWeight)) {
                    problem(Severity::warning, "invalid_weight", spec.weight_field,
                            "poids « " + text + " » invalide (nombre entre 0,000001 et 1 000 000 attendu) : lien ignoré");
                    continue;
                }
                weight = *v;
            }
        }
        const auto key = (spec.directed || s < t) ? std::pair{s, t} : std::pair{t, s};
        auto [it, inserted] = merged.try_emplace(key);
        if (!inserted) {
            d.problems.report(source_problem(spec, Severity::info, "duplicate_link", rec.ref, {},
                                             "lien « " + key.first + (spec.directed ? " » → « " : " » – « ") +
                                                 key.second + " » déjà présent : poids additionnés"));
        }
        it->second.weight += weight;
        ++it->second.from_links;
        if (const std::string kind = field_value(rec, k_col); !kind.empty()) it->second.kinds.insert(kind);
        ++stats.kept;
    }
    d.stats.push_back(stats);
}

// Participations: actor × object rows. Each object with k ≥ 2 distinct participants adds, to each
// pair of them, 1 ("count": the number of shared objects, networkx weighted_projected_graph) or
// 1/(k-1) ("newman": Newman's collaboration weighting, networkx
// collaboration_weighted_projected_graph).
void read_participations(Diagnostic& d, const ActorCheck& check, MergedLinks& merged) {
    const SourceSpec& spec = *d.project.participations;
    const SourceData data = read_source(spec);
    SourceStats stats = block_stats(d, spec, data);

    const int a_col = data.column(spec.actor_field);
    const int o_col = data.column(spec.object_field);
    const int n_col = spec.object_name_field.empty() ? -1 : data.column(spec.object_name_field);
    const int y_col = spec.year_field.empty() ? -1 : data.column(spec.year_field);
    const int r_col = spec.role_field.empty() ? -1 : data.column(spec.role_field);
    struct Acc {
        std::string name;
        std::set<std::string> actors, years, roles;
        std::size_t rows = 0;
    };
    std::map<std::string, Acc> objects;
    std::set<std::pair<std::string, std::string>> seen;
    for (const auto& rec : data.records) {
        auto problem = [&](Severity sev, const char* kind, const std::string& field, const std::string& msg) {
            d.problems.report(source_problem(spec, sev, kind, rec.ref, field, msg));
            ++stats.rejected;
        };
        const std::string actor = check.resolve(field_value(rec, a_col));
        const std::string object = field_value(rec, o_col);
        if (actor.empty() || object.empty()) {
            problem(Severity::warning, "missing_id", actor.empty() ? spec.actor_field : spec.object_field,
                    actor.empty() ? "participation sans identifiant d'acteur : ignorée"
                                  : "participation sans identifiant de projet ou d'événement : ignorée");
            continue;
        }
        if (!check.all_known({{actor, spec.actor_field}}, "participation ignorée", problem)) continue;
        // Only accepted rows describe an object: one whose participants were all rejected does not
        // appear in the diagnostic.
        Acc& acc = objects[object];
        ++acc.rows;
        if (const std::string name = field_value(rec, n_col); !name.empty() && acc.name.empty()) acc.name = name;
        if (const std::string year = field_value(rec, y_col); !year.empty()) acc.years.insert(year);
        if (const std::string role = field_value(rec, r_col); !role.empty()) acc.roles.insert(role);
        if (!seen.insert({actor, object}).second) {
            d.problems.report(source_problem(spec, Severity::info, "duplicate_participation", rec.ref, spec.actor_field,
                                             "« " + actor + " » déjà participant de « " + object + " » : compté une fois"));
        }
        acc.actors.insert(actor);
        ++stats.kept;
    }
    for (auto& [id, acc] : objects) {
        CooperationObject o{id, acc.name.empty() ? id : acc.name,
                            std::vector<std::string>(acc.actors.begin(), acc.actors.end()),
                            std::vector<std::string>(acc.years.begin(), acc.years.end()),
                            std::vector<std::string>(acc.roles.begin(), acc.roles.end()), acc.rows};
        const std::size_t k = o.actor_ids.size();
        if (k >= 2) {
            const double weight = spec.projection == "newman" ? 1.0 / static_cast<double>(k - 1) : 1.0;
            for (std::size_t i = 0; i < k; ++i)
                for (std::size_t j = i + 1; j < k; ++j) {  // ids sorted: (i, j) is (smaller, larger)
                    Merged& m = merged[{o.actor_ids[i], o.actor_ids[j]}];
                    m.weight += weight;
                    ++m.from_participations;
                    m.kinds.insert(kSharedObjectKind);
                }
        }
        d.objects.push_back(std::move(o));
    }
    d.stats.push_back(stats);
}

}  // namespace

void build_links(Workspace& /*ws*/, Diagnostic& d, const std::map<std::string, std::string>& dropped_actor_ids) {
    d.network.directed = d.project.links && d.project.links->directed;
    d.network.projection = d.project.participations ? d.project.participations->projection : "";
    if (!d.project.links && !d.project.participations) return;
    const ActorCheck check(d, dropped_actor_ids);
    MergedLinks merged;
    if (d.project.links) read_links(d, check, merged);
    if (d.project.participations) read_participations(d, check, merged);
    for (const auto& [key, m] : merged) {
        Link link{key.first, key.second, {}, m.weight, m.from_links, m.from_participations};
        for (const auto& k : m.kinds) link.kind += (link.kind.empty() ? "" : "; ") + k;
        d.links.push_back(std::move(link));
    }
}

}  // namespace territoire
