// links.cpp — step `links`: cooperation between actors. Undirected: each pair is stored once with
// source_id < target_id, duplicate pairs merged (weights summed, kinds joined); self-loops, unknown
// ids and invalid weights are reported and left out.
#include <algorithm>
#include <map>
#include <set>

#include "detail/text.hpp"
#include "workspace.hpp"

namespace territoire {

void build_links(Workspace& /*ws*/, Diagnostic& d, const std::map<std::string, std::string>& dropped_actor_ids) {
    if (!d.project.links) return;
    const SourceSpec& spec = *d.project.links;
    const SourceData data = read_source(spec);
    SourceStats stats{spec.block, spec.name, data.records.size() + data.malformed_lines.size(), 0, 0, 0, 0, 0};
    stats.rejected += report_read_issues(d.problems, spec, data);
    // Ids dropped by an actors block's own `where` never reach us: say so in the message.
    const bool any_where = std::any_of(d.project.actors.begin(), d.project.actors.end(),
                                       [](const SourceSpec& a) { return !a.where.empty(); });
    const std::string unknown_hint = any_where ? " (absent des sources d'acteurs, ou écarté par leur filtre where)" : "";
    std::set<std::string> actor_ids;
    for (const auto& a : d.actors) actor_ids.insert(a.id);

    const int s_col = data.column(spec.source_field);
    const int t_col = data.column(spec.target_field);
    const int k_col = spec.kind_field.empty() ? -1 : data.column(spec.kind_field);
    const int w_col = spec.weight_field.empty() ? -1 : data.column(spec.weight_field);

    struct Merged {
        double weight = 0;
        std::set<std::string> kinds;
    };
    std::map<std::pair<std::string, std::string>, Merged> merged;
    for (const auto& rec : data.records) {
        auto problem = [&](Severity sev, const char* kind, const std::string& field, const std::string& msg) {
            d.problems.report(source_problem(spec, sev, kind, rec.ref, field, msg));
            ++stats.rejected;
        };
        const std::string s = detail::trim(rec.values[static_cast<std::size_t>(s_col)]);
        const std::string t = detail::trim(rec.values[static_cast<std::size_t>(t_col)]);
        if (s.empty() || t.empty()) {
            problem(Severity::warning, "missing_id", s.empty() ? spec.source_field : spec.target_field,
                    "lien sans identifiant d'acteur : ignoré");
            continue;
        }
        if (s == t) {
            problem(Severity::warning, "self_loop", spec.target_field, "lien de « " + s + " » vers lui-même : ignoré");
            continue;
        }
        // An id that no source knows is a worse problem than an actor left outside: report it first.
        bool ok = true;
        for (const auto& [id, field] : {std::pair{s, spec.source_field}, std::pair{t, spec.target_field}}) {
            if (ok && !actor_ids.count(id) && !dropped_actor_ids.count(id)) {
                problem(Severity::warning, "unknown_actor", field, "acteur « " + id + " » inconnu" + unknown_hint + " : lien ignoré");
                ok = false;
            }
        }
        for (const auto& [id, field] : {std::pair{s, spec.source_field}, std::pair{t, spec.target_field}}) {
            if (ok && !actor_ids.count(id)) {
                problem(Severity::info, "link_actor_outside", field,
                        "acteur « " + id + " » hors du territoire ou écarté : lien ignoré");
                ok = false;
            }
        }
        if (!ok) continue;
        double weight = 1;
        if (w_col >= 0) {
            const std::string& text = rec.values[static_cast<std::size_t>(w_col)];
            if (!detail::trim(text).empty()) {
                const auto v = detail::parse_number(text);
                if (!v || *v <= 0) {
                    problem(Severity::warning, "invalid_weight", spec.weight_field,
                            "poids « " + text + " » invalide (nombre positif attendu) : lien ignoré");
                    continue;
                }
                weight = *v;
            }
        }
        const auto key = s < t ? std::pair{s, t} : std::pair{t, s};
        auto [it, inserted] = merged.try_emplace(key);
        if (!inserted) {
            d.problems.report(source_problem(spec, Severity::info, "duplicate_link", rec.ref, {},
                                      "lien « " + key.first + " » – « " + key.second +
                                          " » déjà présent : poids additionnés"));
        }
        it->second.weight += weight;
        if (k_col >= 0) {
            const std::string kind = detail::trim(rec.values[static_cast<std::size_t>(k_col)]);
            if (!kind.empty()) it->second.kinds.insert(kind);
        }
        ++stats.kept;
    }
    for (const auto& [key, m] : merged) {
        Link link{key.first, key.second, {}, m.weight};
        for (const auto& k : m.kinds) link.kind += (link.kind.empty() ? "" : "; ") + k;
        d.links.push_back(std::move(link));
    }
    d.stats.push_back(stats);
}

}  // namespace territoire
