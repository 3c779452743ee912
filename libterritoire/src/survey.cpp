// survey.cpp — step `survey` (survey.hpp, docs/survey.md): reads the respondents, gives each an
// area, checks the answers against the declared types and the strata against the margins, calls the
// statistics engine (survey_stats.hpp: rake, weighted estimates, protect) and turns the results into
// the survey_* tables, the headline fields of `areas` and the survey part of the area sheets.
// What leaves the run about a respondent: the pseudonymous code, the area and the weight
// (survey_respondents, a working table that deliver() writes only to DIR/travail/, never to the
// delivered files); free text only with consent, detached from the code (survey_texts).
#include "survey.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <memory>
#include <tuple>
#include <map>
#include <set>

#include "detail/text.hpp"
#include "style.hpp"
#include "survey_rule.hpp"
#include "survey_stats.hpp"
#include "tables.hpp"
#include "territoire/error.hpp"

namespace territoire {
namespace {

constexpr const char* kTerritoryName = "Territoire";
const char* const kGroups[] = {"all", "public", "non-public"};
const std::string kRareAnswers = "autres réponses";

struct Respondent {
    std::string code;
    std::string area_id;
    const Record* record = nullptr;
    double base_weight = 1;
    std::vector<int> strata;        // category index per stratum, in that stratum's category list
    std::optional<bool> is_public;  // unknown: the rule needs a missing answer (or no rule)
    double weight = 0;
};

// Census margins per area ("" = the whole territory), per stratum: categories and populations.
struct MarginSet {
    bool per_area = false;
    std::map<std::string, std::vector<survey::Margin>> by_area;  // margins in strata order
};

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// "oui"/"non" from the ways exports write them; empty when unrecognised.
std::string yes_no(const std::string& raw) {
    const std::string v = lower(detail::trim(raw));
    static const std::set<std::string> yes = {"oui", "o", "yes", "y", "1", "true", "vrai"};
    static const std::set<std::string> no = {"non", "n", "no", "0", "false", "faux"};
    if (yes.count(v)) return "oui";
    if (no.count(v)) return "non";
    return {};
}

std::vector<std::string> split_multi(const std::string& raw, const std::string& separator) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= raw.size()) {
        const std::size_t end = raw.find(separator, start);
        const std::string item = detail::trim(raw.substr(start, end == std::string::npos ? std::string::npos : end - start));
        if (!item.empty() && std::find(out.begin(), out.end(), item) == out.end()) out.push_back(item);
        if (end == std::string::npos) break;
        start = end + separator.size();
    }
    return out;
}

std::string column_list(const SourceData& data) {
    std::string out;
    for (const auto& c : data.columns) out += (out.empty() ? "" : ", ") + c;
    return out;
}

int require_column(const SourceData& data, const std::string& file, const std::string& name, const std::string& key) {
    const int col = data.column(name);
    if (col < 0) {
        throw InputError(Location{file, data.layer, {}, name},
                         "champ introuvable (" + key + " du bloc [survey]) ; champs présents : " + column_list(data));
    }
    return col;
}

MarginSet read_margins(const SurveySpec& spec, const std::set<std::string>& area_ids, ProblemReporter& problems) {
    SourceSpec ms;
    ms.block = "survey";
    ms.name = "marges";
    ms.path = spec.margins;
    ms.path_as_written = spec.margins_as_written;
    const SourceData data = read_source(ms);
    report_read_issues(problems, ms, data);
    const std::string& file = spec.margins_as_written;
    const int var_col = require_column(data, file, "variable", "margins");
    const int cat_col = require_column(data, file, "category", "margins");
    const int pop_col = require_column(data, file, "population", "margins");
    const int area_col = data.column("area_id");

    MarginSet out;
    out.per_area = area_col >= 0;
    std::set<std::string> unused_variables, unknown_areas;
    std::set<std::tuple<std::string, std::string, std::string>> seen;
    for (const auto& rec : data.records) {
        const std::string variable = detail::trim(rec.values[static_cast<std::size_t>(var_col)]);
        const std::string category = detail::trim(rec.values[static_cast<std::size_t>(cat_col)]);
        const std::string area = area_col >= 0 ? detail::trim(rec.values[static_cast<std::size_t>(area_col)]) : std::string();
        const auto s = std::find(spec.strata.begin(), spec.strata.end(), variable);
        if (s == spec.strata.end()) {
            if (!variable.empty()) unused_variables.insert(variable);
            continue;
        }
        if (category.empty()) throw InputError(Location{file, {}, rec.ref, "category"}, "catégorie vide pour la variable « " + variable + " »");
        if (out.per_area && area.empty()) throw InputError(Location{file, {}, rec.ref, "area_id"}, "zone vide : avec une colonne area_id, chaque marge est celle d'une zone");
        const auto population = detail::parse_number(rec.values[static_cast<std::size_t>(pop_col)]);
        if (!population || *population < 0 || !std::isfinite(*population)) {
            throw InputError(Location{file, {}, rec.ref, "population"}, "population illisible ou négative : « " +
                                                                            rec.values[static_cast<std::size_t>(pop_col)] + " »");
        }
        if (!seen.emplace(area, variable, category).second) {
            throw InputError(Location{file, {}, rec.ref, "category"}, "marge en double : " + variable + " = « " + category + " »" +
                                                                          (area.empty() ? "" : " pour la zone " + area));
        }
        if (out.per_area && !area_ids.count(area)) {
            unknown_areas.insert(area);
            continue;
        }
        auto& margins = out.by_area[area];
        if (margins.empty())
            for (const auto& v : spec.strata) margins.push_back(survey::Margin{v, {}, {}});
        auto& m = margins[static_cast<std::size_t>(s - spec.strata.begin())];
        m.categories.push_back(category);
        m.population.push_back(*population);
    }
    for (const auto& v : unused_variables) {
        problems.report(source_problem(ms, Severity::info, "survey_margin_unused", {}, "variable",
                                       "variable « " + v + " » des marges absente de strata : ignorée"));
    }
    for (const auto& a : unknown_areas) {
        problems.report(source_problem(ms, Severity::warning, "survey_margin_unknown_area", a, "area_id",
                                       "zone « " + a + " » des marges absente des zones du diagnostic : ignorée"));
    }
    if (out.by_area.empty()) throw InputError(Location{file, {}, {}, "variable"}, "aucune marge pour les variables de strata");
    for (const auto& [area, margins] : out.by_area)
        for (const auto& m : margins)
            if (m.categories.empty()) {
                throw InputError(Location{file, {}, area.empty() ? "" : "zone " + area, "variable"},
                                 "aucune marge pour la variable de calage « " + m.variable + " »");
            }
    return out;
}

// One published cell of survey_indicators before protection.
struct Cell {
    std::size_t question = 0;
    std::string answer;      // empty for a mean
    bool mean = false;
    std::size_t row = 0;     // index in the rows (areas with respondents, then the territory)
    std::size_t group = 0;   // 0 all, 1 public, 2 non-public
    survey::Estimate estimate;
};

class SurveyBuilder {
public:
    SurveyBuilder(Workspace& ws, Diagnostic& d) : ws_(ws), d_(d), spec_(*d.project.survey) {}

    void run() {
        read_respondents();
        read_answers();
        classify_public();
        weight();
        indicators();
        if (withheld_for_pins_)  // one count for the whole survey: per question it would hint which cells sit at an end
            problem(Severity::info, "survey_pinned_cells_withheld", {}, {},
                    std::to_string(withheld_for_pins_) + " case(s) d'indicateurs à 0 % ou 100 % (ou moyenne au niveau extrême) "
                    "non publiée(s), toutes questions confondues : elles fixaient la valeur de cases non publiées");
        texts();
        tables();
    }

private:
    void problem(Severity sev, const char* kind, const std::string& feature, const std::string& field, const std::string& msg) {
        d_.problems.report(source_problem(spec_.source, sev, kind, feature, field, msg));
    }

    void read_respondents() {
        const SourceSpec& src = spec_.source;
        data_ = read_source(src);
        stats_ = SourceStats{src.block, src.name, data_.records.size() + data_.malformed_lines.size(), 0, 0, 0, 0, 0};
        stats_.rejected += report_read_issues(d_.problems, src, data_);
        const std::string& file = src.path_as_written;
        const int id_col = data_.column(src.id_field);
        const int weight_col = src.weight_field.empty() ? -1 : data_.column(src.weight_field);
        const int area_col = spec_.area_field.empty() ? -1 : require_column(data_, file, spec_.area_field, "area_field");
        std::vector<int> strata_cols;
        for (const auto& s : spec_.strata) strata_cols.push_back(require_column(data_, file, s, "strata"));
        for (const auto& q : spec_.questions) question_cols_.push_back(require_column(data_, file, q.name, "[survey.questions]"));
        consent_col_ = spec_.consent_field.empty() ? -1 : require_column(data_, file, spec_.consent_field, "consent_field");

        std::set<std::string> area_ids;
        for (const auto& a : d_.areas) area_ids.insert(a.id);
        std::unique_ptr<RecordLocator> locator;
        if (area_col < 0) locator = std::make_unique<RecordLocator>(ws_, src, data_);
        margins_ = read_margins(spec_, area_ids, d_.problems);

        std::set<std::string> codes;
        for (const auto& rec : data_.records) {
            auto drop = [&](const char* kind, const std::string& field, const std::string& msg) {
                problem(Severity::warning, kind, rec.ref, field, msg + " : répondant écarté");
                ++stats_.rejected;
            };
            Respondent r;
            r.record = &rec;
            r.code = detail::trim(rec.values[static_cast<std::size_t>(id_col)]);
            if (r.code.empty()) { drop("survey_missing_id", src.id_field, "code de répondant absent"); continue; }
            if (!codes.insert(r.code).second) { drop("survey_duplicate_id", src.id_field, "code de répondant « " + r.code + " » déjà vu"); continue; }
            if (area_col >= 0) {
                r.area_id = detail::trim(rec.values[static_cast<std::size_t>(area_col)]);
                if (r.area_id.empty()) { drop("survey_missing_area", spec_.area_field, "zone du répondant absente"); continue; }
                if (!area_ids.count(r.area_id)) {
                    drop("survey_unknown_area", spec_.area_field, "zone « " + r.area_id + " » inconnue (absente de la couche des zones)");
                    continue;
                }
            } else {
                const RecordLocation where = locator->locate(rec);
                if (!where.located) { ++stats_.unlocated; drop("survey_unlocated", where.field, "répondant sans localisation utilisable"); continue; }
                const auto area = ws_.area_index ? ws_.area_index->locate(where.x, where.y) : std::nullopt;
                if (!area) { ++stats_.outside; drop("survey_outside_areas", where.field, "répondant localisé hors des zones"); continue; }
                r.area_id = d_.areas[*area].id;  // the point itself is discarded here
            }
            if (weight_col >= 0) {
                const auto w = detail::parse_number(rec.values[static_cast<std::size_t>(weight_col)]);
                if (!w || !(*w > 0) || !std::isfinite(*w)) {
                    drop("survey_invalid_weight", src.weight_field, "poids de départ illisible ou non positif « " +
                                                                        rec.values[static_cast<std::size_t>(weight_col)] + " »");
                    continue;
                }
                r.base_weight = *w;
            }
            const std::string margin_area = margins_.per_area ? r.area_id : std::string();
            const auto m = margins_.by_area.find(margin_area);
            if (m == margins_.by_area.end()) {
                drop("survey_area_without_margins", spec_.area_field.empty() ? std::string() : spec_.area_field,
                     "zone « " + r.area_id + " » sans marges dans " + spec_.margins_as_written);
                continue;
            }
            bool ok = true;
            for (std::size_t s = 0; s < spec_.strata.size() && ok; ++s) {
                const std::string value = detail::trim(rec.values[static_cast<std::size_t>(strata_cols[s])]);
                if (value.empty()) {
                    drop("survey_missing_stratum", spec_.strata[s], "variable de calage « " + spec_.strata[s] + " » non renseignée");
                    ok = false;
                    break;
                }
                const auto& cats = m->second[s].categories;
                const auto it = std::find(cats.begin(), cats.end(), value);
                if (it == cats.end()) {
                    std::string list;
                    for (const auto& c : cats) list += (list.empty() ? "« " : ", « ") + c + " »";
                    throw InputError(Location{src.path_as_written, data_.layer, rec.ref, spec_.strata[s]},
                                     "catégorie « " + value + " » absente des marges " + spec_.margins_as_written +
                                         (margin_area.empty() ? "" : " (zone " + margin_area + ")") + " ; catégories des marges : " + list +
                                         " (harmonisez les libellés de l'enquête et des marges)");
                }
                r.strata.push_back(static_cast<int>(it - cats.begin()));
            }
            if (!ok) continue;
            respondents_.push_back(std::move(r));
        }
        if (respondents_.empty()) {
            throw InputError(Location{src.path_as_written, data_.layer, {}, {}},
                             "aucun répondant utilisable (" + std::to_string(data_.records.size()) +
                                 " lignes lues, toutes écartées : voir la table data_quality)");
        }
        std::sort(respondents_.begin(), respondents_.end(), [](const Respondent& a, const Respondent& b) { return a.code < b.code; });
        stats_.kept = stats_.assigned = respondents_.size();
    }

    // answers_[q][i]: respondent i's normalised answers to question q (empty = missing or invalid).
    void read_answers() {
        answers_.assign(spec_.questions.size(), std::vector<std::vector<std::string>>(respondents_.size()));
        for (std::size_t q = 0; q < spec_.questions.size(); ++q) {
            const SurveyQuestion& question = spec_.questions[q];
            const auto col = static_cast<std::size_t>(question_cols_[q]);
            for (std::size_t i = 0; i < respondents_.size(); ++i) {
                const Record& rec = *respondents_[i].record;
                const std::string raw = detail::trim(rec.values[col]);
                if (raw.empty()) continue;
                auto invalid = [&](const std::string& why) {
                    // A label-like value (« moyennement ») is quoted; a longer one may be a free text
                    // typed by the respondent (data_quality is delivered): only its length is said.
                    const bool label_like = raw.size() <= 40 && std::count(raw.begin(), raw.end(), ' ') <= 3;
                    const std::string shown = label_like ? "réponse « " + raw + " »"
                                                         : "réponse en texte libre (" + std::to_string(raw.size()) + " octets, non reprise)";
                    problem(Severity::warning, "survey_invalid_answer", rec.ref, question.name,
                            shown + " à la question « " + question.name + " » : " + why + " ; comptée comme non-réponse");
                };
                auto& out = answers_[q][i];
                if (question.type == "single" || question.type == "text") {
                    out.push_back(raw);
                } else if (question.type == "multi") {
                    out = split_multi(raw, question.separator);
                } else if (question.type == "yesno") {
                    const std::string v = yes_no(raw);
                    if (v.empty()) invalid("oui ou non attendu");
                    else out.push_back(v);
                } else if (question.type == "likert") {
                    if (std::find(question.levels.begin(), question.levels.end(), raw) == question.levels.end()) {
                        std::string list;
                        for (const auto& l : question.levels) list += (list.empty() ? "« " : ", « ") + l + " »";
                        invalid("niveau non déclaré (niveaux : " + list + ")");
                    } else {
                        out.push_back(raw);
                    }
                } else if (question.type == "number") {
                    if (!detail::parse_number(raw)) invalid("nombre attendu");
                    else out.push_back(raw);
                }
            }
        }
    }

    void classify_public() {
        if (spec_.public_rule.empty()) return;
        const survey::Rule rule = survey::Rule::parse(spec_.public_rule);  // checked when the project was read
        std::map<std::string, std::size_t> qindex;
        for (std::size_t q = 0; q < spec_.questions.size(); ++q) qindex[spec_.questions[q].name] = q;
        std::size_t unknown = 0;
        for (std::size_t i = 0; i < respondents_.size(); ++i) {
            respondents_[i].is_public = rule.evaluate([&](const std::string& name) { return answers_[qindex.at(name)][i]; });
            if (!respondents_[i].is_public) ++unknown;
        }
        if (unknown) {
            problem(Severity::info, "survey_public_unknown", {}, {},
                    std::to_string(unknown) + " répondant(s) sans réponse aux questions de public_rule : comptés dans l'ensemble, "
                    "ni dans les publics ni dans les non-publics");
        }
    }

    // The engine's defaults (survey_stats.hpp) unless the project file sets the key.
    survey::RakingOptions raking_options() const {
        survey::RakingOptions o;
        if (spec_.tolerance) o.tolerance = *spec_.tolerance;
        if (spec_.max_iterations) o.max_iterations = *spec_.max_iterations;
        o.trim_low = spec_.trim_low;
        o.trim_high = spec_.trim_high;
        return o;
    }

    // The engine names a respondent « répondant k »: position k (from 1) in the vectors given to
    // rake(), here `members` of one margin area, sorted by code. The user gets the survey file's
    // line (or FID) and the respondent's code instead, and the column (weight_field or stratum).
    InputError engine_error(const InputError& e, const std::string& area, const std::vector<std::size_t>& members) const {
        const Location& where = e.where();
        std::string message = e.what();
        const std::string prefix = where.describe() + " : ";
        if (!where.describe().empty() && message.compare(0, prefix.size(), prefix) == 0) message.erase(0, prefix.size());
        const std::string tag = "répondant ";
        if (where.feature.compare(0, tag.size(), tag) == 0) {
            const auto k = detail::parse_number(where.feature.substr(tag.size()));
            if (k && *k >= 1 && *k <= static_cast<double>(members.size())) {
                const Respondent& r = respondents_[members[static_cast<std::size_t>(*k) - 1]];
                const bool weight = std::find(spec_.strata.begin(), spec_.strata.end(), where.field) == spec_.strata.end();
                const std::string field = weight ? (spec_.source.weight_field.empty() ? where.field : spec_.source.weight_field) : where.field;
                return InputError(Location{spec_.source.path_as_written, data_.layer, r.record->ref + " (répondant « " + r.code + " »)", field},
                                  "calage impossible : " + message);
            }
        }
        return InputError(Location{spec_.margins_as_written, {}, area.empty() ? "" : "zone " + area, where.field},
                          "calage impossible : " + message);
    }

    void weight() {
        const survey::RakingOptions options = raking_options();
        std::map<std::string, std::vector<std::size_t>> groups;  // margin area → respondents
        for (std::size_t i = 0; i < respondents_.size(); ++i) groups[margins_.per_area ? respondents_[i].area_id : ""].push_back(i);
        for (const auto& [area, margins] : margins_.by_area) {
            const auto g = groups.find(area);
            if (g == groups.end()) {
                problem(Severity::info, "survey_margins_without_respondents", "zone " + area, "area_id",
                        "marges de la zone « " + area + " » sans aucun répondant : pas de calage pour cette zone");
                continue;
            }
            const auto& members = g->second;
            std::vector<double> base;
            std::vector<std::vector<int>> codes(spec_.strata.size());
            for (std::size_t i : members) {
                base.push_back(respondents_[i].base_weight);
                for (std::size_t s = 0; s < spec_.strata.size(); ++s) codes[s].push_back(respondents_[i].strata[s]);
            }
            survey::RakingResult result;
            try {
                result = survey::rake(base, codes, margins, options);
            } catch (const InputError& e) {
                throw engine_error(e, area, members);
            }
            if (!result.converged) {
                problem(Severity::warning, "survey_raking_not_converged", area.empty() ? "" : "zone " + area, {},
                        "calage non convergé en " + std::to_string(result.iterations) + " itérations (écart restant " +
                            style::french_number(result.max_gap, 6) + ")");
            }
            if (!result.bounds_met) {
                problem(Severity::warning, "survey_trim_bounds_not_met", area.empty() ? "" : "zone " + area, {},
                        "bornes d'écrêtage des poids non respectées (rapport poids / poids moyen de " +
                            style::french_number(result.min_weight_ratio, 2) + " à " + style::french_number(result.max_weight_ratio, 2) +
                            ", étape gardée : " + std::to_string(result.kept_round) + ") : " + result.bounds_message);
            }
            for (std::size_t k = 0; k < members.size(); ++k) respondents_[members[k]].weight = result.weights[k];
            raking_.push_back({area, members, result});
        }
    }

    // The rows of the indicator tables: areas with at least one respondent (by id), then the territory.
    void indicators() {
        std::set<std::string> with_respondents;
        for (const auto& r : respondents_) with_respondents.insert(r.area_id);
        for (const auto& a : d_.areas)
            if (with_respondents.count(a.id)) rows_.push_back(a.id);
        rows_.push_back("");  // the territory
        std::map<std::string, std::size_t> row_of;
        for (std::size_t k = 0; k < rows_.size(); ++k) row_of[rows_[k]] = k;
        // The questions public_rule reads get no public/non-public split: it would be 0 % / 100 % by
        // definition, and its n would give the raw share of the rule's answers (docs/survey.md).
        std::set<std::string> rule_questions;
        if (!spec_.public_rule.empty()) {
            const survey::Rule rule = survey::Rule::parse(spec_.public_rule);
            rule_questions.insert(rule.questions().begin(), rule.questions().end());
        }
        // members[row][group]: respondents of the cell
        std::vector<std::vector<std::vector<std::size_t>>> members(rows_.size(), std::vector<std::vector<std::size_t>>(3));
        for (std::size_t i = 0; i < respondents_.size(); ++i) {
            for (std::size_t row : {row_of.at(respondents_[i].area_id), rows_.size() - 1}) {
                members[row][0].push_back(i);
                if (respondents_[i].is_public) members[row][*respondents_[i].is_public ? 1 : 2].push_back(i);
            }
        }
        for (std::size_t q = 0; q < spec_.questions.size(); ++q) {
            const SurveyQuestion& question = spec_.questions[q];
            if (question.type == "text") continue;
            const auto& ans = answers_[q];
            const bool split = !spec_.public_rule.empty() && !rule_questions.count(question.name);
            const std::size_t ngroups = split ? 3 : 1;
            // Respondents per cell who answered: what protect() sees, in its layout (groups public,
            // non-public, then all; a single column without public_rule).
            std::vector<std::vector<std::size_t>> counts(rows_.size());
            std::vector<std::vector<std::vector<std::size_t>>> answered(rows_.size(), std::vector<std::vector<std::size_t>>(3));
            for (std::size_t row = 0; row < rows_.size(); ++row) {
                for (std::size_t g = 0; g < 3; ++g)
                    for (std::size_t i : members[row][g])
                        if (!ans[i].empty()) answered[row][g].push_back(i);
                if (split) counts[row] = {answered[row][1].size(), answered[row][2].size(), answered[row][0].size()};
                else counts[row] = {answered[row][0].size()};
            }
            // The statistics of the question: (answer, mean?, y per respondent).
            std::vector<std::tuple<std::string, bool, std::vector<double>>> stats;
            auto share_of = [&](const std::string& option) {
                std::vector<double> y(respondents_.size(), 0.0);
                for (std::size_t i = 0; i < respondents_.size(); ++i)
                    y[i] = std::find(ans[i].begin(), ans[i].end(), option) != ans[i].end() ? 1.0 : 0.0;
                stats.emplace_back(option, false, std::move(y));
            };
            if (question.type == "likert") {
                std::vector<double> y(respondents_.size(), 0.0);
                for (std::size_t i = 0; i < respondents_.size(); ++i)
                    if (!ans[i].empty())
                        y[i] = 1.0 + static_cast<double>(std::find(question.levels.begin(), question.levels.end(), ans[i][0]) - question.levels.begin());
                stats.emplace_back("", true, std::move(y));
                for (const auto& level : question.levels) share_of(level);
            } else if (question.type == "number") {
                std::vector<double> y(respondents_.size(), 0.0);
                for (std::size_t i = 0; i < respondents_.size(); ++i)
                    if (!ans[i].empty()) y[i] = *detail::parse_number(ans[i][0]);
                stats.emplace_back("", true, std::move(y));
            } else if (question.type == "yesno") {
                share_of("oui");
                share_of("non");
            } else {
                // single, multi: the answers as given. One given by fewer than min_cell respondents
                // in the whole survey is not published under its own label (it may be a free text
                // typed in an « autre » box): such answers are grouped.
                std::map<std::string, std::size_t> chosen;
                for (const auto& a : ans)
                    for (const auto& o : a) ++chosen[o];
                std::set<std::string> rare;
                for (const auto& [o, n] : chosen)
                    if (n < static_cast<std::size_t>(spec_.min_cell)) rare.insert(o);
                for (const auto& [o, n] : chosen)
                    if (!rare.count(o)) share_of(o);
                if (!rare.empty()) {
                    std::vector<double> y(respondents_.size(), 0.0);
                    for (std::size_t i = 0; i < respondents_.size(); ++i)
                        for (const auto& o : ans[i]) y[i] = rare.count(o) ? 1.0 : y[i];
                    stats.emplace_back(kRareAnswers, false, std::move(y));
                    problem(Severity::info, "survey_rare_answers_grouped", {}, question.name,
                            std::to_string(rare.size()) + " réponse(s) à la question « " + question.name + " » données par moins de " +
                                std::to_string(spec_.min_cell) + " répondants : regroupées sous « " + kRareAnswers + " » (libellés non publiés)");
                }
            }
            auto withheld = survey::protect(counts, static_cast<std::size_t>(spec_.min_cell));
            secure_estimates(withheld, counts, answered, stats, question, split);
            auto is_withheld = [&](std::size_t row, std::size_t g) {
                const std::size_t col = split ? (g == 0 ? 2 : g - 1) : 0;
                return bool(withheld[row][col]);
            };
            for (const auto& [answer, mean, y] : stats) {
                for (std::size_t row = 0; row < rows_.size(); ++row) {
                    for (std::size_t g = 0; g < ngroups; ++g) {
                        Cell c{q, answer, mean, row, g, {}};
                        std::vector<double> yy, ww;
                        for (std::size_t i : answered[row][g]) {
                            yy.push_back(y[i]);
                            ww.push_back(respondents_[i].weight);
                        }
                        if (!yy.empty())
                            c.estimate = !mean ? survey::weighted_proportion(yy, ww)
                                         : question.type == "likert" && question.levels.size() >= 2
                                             ? survey::weighted_scale_mean(yy, ww, 1.0, static_cast<double>(question.levels.size()))
                                             : survey::weighted_mean(yy, ww);
                        c.estimate.n = yy.size();
                        cells_.push_back(c);
                        withheld_.push_back(is_withheld(row, g));
                    }
                }
            }
        }
    }

    // protect() works on the counts; the published n of every cell and the answers' range give the
    // reader more about the ESTIMATES (docs/survey.md, « Ce qui est publié »). Along a line (an area's
    // row: all = public + non-public [+ unknown group]; a group's column: territory = Σ areas), the
    // weighted sums S = Σ w·y of the withheld cells are known together, by difference. A withheld
    // cell is then recovered when it is the only unknown of a line (the others being published, of
    // n = 0, or recovered), or pinned when all the withheld cells of a line sit at the same end of
    // the answers' range (all 0 % or all 100 % of a share; all the lowest or all the highest level
    // of a likert score): their sum is then at that end too, and so is each. This adds withheld
    // cells (the published cell of the line with fewest respondents that breaks the deduction) until
    // no withheld estimate can be deduced so, for any answer of the question. A pin that no
    // published cell can break (every cell of the line at that end: a published 0 % says it of the
    // whole line) is left, as the attribute disclosure of a published cell (docs/survey.md).
    void secure_estimates(std::vector<std::vector<bool>>& withheld, const std::vector<std::vector<std::size_t>>& counts,
                          const std::vector<std::vector<std::vector<std::size_t>>>& answered,
                          const std::vector<std::tuple<std::string, bool, std::vector<double>>>& stats,
                          const SurveyQuestion& question, bool split) {
        const std::size_t nrows = counts.size(), ncols = split ? 3 : 1;
        auto members = [&](std::size_t row, std::size_t col) -> const std::vector<std::size_t>& {
            return answered[row][split ? (col == 2 ? 0 : col + 1) : 0];
        };
        std::vector<std::vector<std::pair<std::size_t, std::size_t>>> lines;
        if (split)
            for (std::size_t r = 0; r < nrows; ++r) lines.push_back({{r, 0}, {r, 1}, {r, 2}});
        for (std::size_t c = 0; c < ncols; ++c) {
            lines.emplace_back();
            for (std::size_t r = 0; r < nrows; ++r) lines.back().push_back({r, c});
        }
        // Per statistic, per cell: every answer at the low end (0 / level 1), at the high end.
        struct Ends { std::vector<std::vector<bool>> low, high; };
        std::vector<Ends> ends;
        for (const auto& [answer, mean, y] : stats) {
            const bool bounded = !mean || question.type == "likert";  // a number's range is unknown to the reader
            const double lo = mean ? 1.0 : 0.0, hi = mean ? static_cast<double>(question.levels.size()) : 1.0;
            Ends e{std::vector<std::vector<bool>>(nrows, std::vector<bool>(ncols)), std::vector<std::vector<bool>>(nrows, std::vector<bool>(ncols))};
            for (std::size_t r = 0; r < nrows; ++r)
                for (std::size_t c = 0; c < ncols; ++c) {
                    bool all_lo = bounded, all_hi = bounded;
                    for (std::size_t i : members(r, c)) {
                        all_lo = all_lo && y[i] == lo;
                        all_hi = all_hi && y[i] == hi;
                    }
                    e.low[r][c] = all_lo;
                    e.high[r][c] = all_hi;
                }
            ends.push_back(std::move(e));
        }
        // The published cell of a line with fewest respondents (first on ties) among those `ok` accepts.
        auto smallest_published = [&](const std::vector<std::pair<std::size_t, std::size_t>>& line, const auto& ok)
            -> std::optional<std::pair<std::size_t, std::size_t>> {
            std::optional<std::pair<std::size_t, std::size_t>> best;
            for (const auto& [r, c] : line) {
                if (withheld[r][c] || counts[r][c] == 0 || !ok(r, c)) continue;
                if (!best || counts[r][c] < counts[best->first][best->second]) best = std::make_pair(r, c);
            }
            return best;
        };
        for (bool changed = true; changed;) {
            changed = false;
            for (std::size_t s = 0; s < ends.size() && !changed; ++s) {
                const Ends& e = ends[s];
                std::vector<std::vector<bool>> known(nrows, std::vector<bool>(ncols));
                for (std::size_t r = 0; r < nrows; ++r)
                    for (std::size_t c = 0; c < ncols; ++c) known[r][c] = !withheld[r][c] || counts[r][c] == 0;
                for (bool progress = true; progress && !changed;) {
                    progress = false;
                    for (const auto& line : lines) {
                        std::vector<std::pair<std::size_t, std::size_t>> unknown;
                        for (const auto& [r, c] : line)
                            if (!known[r][c]) unknown.push_back({r, c});
                        if (unknown.empty()) continue;
                        bool all_low = true, all_high = true;
                        for (const auto& [r, c] : unknown) {
                            all_low = all_low && e.low[r][c];
                            all_high = all_high && e.high[r][c];
                        }
                        // Several unknowns are pinned only under a known total (the last cell of the
                        // line): with the total unknown too, total − parts = known leaves them free.
                        const auto [tr, tc] = line.back();
                        if (unknown.size() >= 2 && (!known[tr][tc] || (!all_low && !all_high))) continue;
                        // Recovered (one unknown) or pinned (all at one end): withhold a cell that breaks it.
                        const auto pick = smallest_published(line, [&](std::size_t r, std::size_t c) {
                            return unknown.size() == 1 || (all_low ? !e.low[r][c] : !e.high[r][c]);
                        });
                        if (pick) {
                            withheld[pick->first][pick->second] = true;
                            changed = true;
                            break;
                        }
                        // Every published cell of the line sits at that end (a published 0 % or
                        // 100 %, a likert mean at its lowest or highest level): it pins the withheld
                        // ones. Withhold it too (the line's total — last of the line: the « all »
                        // column, the territory row — whose end says it of every cell; else the
                        // smallest) and look again.
                        const bool total_published = !withheld[tr][tc] && counts[tr][tc] > 0;
                        if (const auto pin = total_published ? std::make_optional(line.back())
                                                             : smallest_published(line, [](std::size_t, std::size_t) { return true; })) {
                            withheld[pin->first][pin->second] = true;
                            ++withheld_for_pins_;
                            changed = true;
                            break;
                        }
                        // Nothing published left on the line (the rest has no respondent).
                        for (const auto& [r, c] : unknown) known[r][c] = true;
                        progress = true;
                    }
                }
            }
        }
    }

    void texts() {
        bool any_text = false;
        for (const auto& q : spec_.questions) any_text = any_text || q.type == "text";
        if (!any_text) return;
        if (consent_col_ < 0) {
            problem(Severity::info, "survey_text_without_consent", {}, {},
                    "réponses en texte libre non reprises : aucun consent_field ne dit que les répondants l'acceptent");
            return;
        }
        for (std::size_t q = 0; q < spec_.questions.size(); ++q) {
            if (spec_.questions[q].type != "text") continue;
            for (std::size_t i = 0; i < respondents_.size(); ++i) {
                if (answers_[q][i].empty()) continue;
                if (yes_no(respondents_[i].record->values[static_cast<std::size_t>(consent_col_)]) != "oui") continue;
                texts_.emplace_back(spec_.questions[q].name, respondents_[i].area_id, answers_[q][i][0]);
            }
        }
        std::sort(texts_.begin(), texts_.end());  // order detached from the respondents'
    }

    std::string area_name(const std::string& id) {
        if (area_names_.empty())
            for (const auto& a : d_.areas) area_names_[a.id] = a.name;
        const auto it = area_names_.find(id);
        return it == area_names_.end() ? id : it->second;
    }
    static Value pct(double share) { return finite(100.0 * share); }
    // The engine gives NaN where nothing can be estimated (no respondent, Σw = 0, the interval of a
    // mean of one respondent): tables get NULL, never NaN (invalid JSON, « nan » in a workbook).
    static Value finite(double v) { return std::isfinite(v) ? Value(v) : Value(); }

    void tables() {
        std::vector<Table> out;
        {
            Table t{"survey_respondents", "Enquête : répondants",
                    "Les répondants retenus : code pseudonyme, zone et poids après calage (aucune réponse, aucune identité)",
                    GeometryType::none, {}, {}, {}};
            add_field(t, "respondent_id", FieldType::text, "Code du répondant (pseudonyme)");
            add_field(t, "area_id", FieldType::text, "Zone");
            add_field(t, "weight", FieldType::real, "Poids après calage");
            for (const auto& r : respondents_) t.rows.push_back({r.code, r.area_id, r.weight});
            out.push_back(std::move(t));
        }
        {
            Table t{"survey_indicators", "Enquête : indicateurs",
                    "Part des répondants (%) ou moyenne, pondérées, avec intervalle de confiance à 95 %, par zone et pour le "
                    "territoire, pour l'ensemble, les publics et les non-publics ; les cases de moins de " +
                        std::to_string(spec_.min_cell) + " répondants ne sont pas publiées",
                    GeometryType::none, {}, {}, {}};
            add_field(t, "question", FieldType::text, "Question");
            add_field(t, "question_label", FieldType::text, "Intitulé");
            add_field(t, "answer", FieldType::text, "Réponse");
            add_field(t, "statistic", FieldType::text, "Statistique (part en % ou moyenne)");
            add_field(t, "area_id", FieldType::text, "Zone (vide : le territoire)");
            add_field(t, "area_name", FieldType::text, "Nom de la zone");
            add_field(t, "group", FieldType::text, "Groupe (all, public, non-public)");
            add_field(t, "n", FieldType::integer, "Répondants");
            add_field(t, "estimate", FieldType::real, "Estimation");
            add_field(t, "ci_low", FieldType::real, "Borne basse (IC 95 %)");
            add_field(t, "ci_high", FieldType::real, "Borne haute (IC 95 %)");
            add_field(t, "withheld", FieldType::boolean, "Non publié (secret statistique)");
            for (std::size_t k = 0; k < cells_.size(); ++k) {
                const Cell& c = cells_[k];
                const SurveyQuestion& q = spec_.questions[c.question];
                const std::string& area = rows_[c.row];
                const double scale = c.mean ? 1.0 : 100.0;
                const bool hidden = withheld_[k] || c.estimate.n == 0 || !std::isfinite(c.estimate.estimate);
                t.rows.push_back({q.name, q.label, opt_text(c.answer), std::string(c.mean ? "moyenne" : "proportion"), opt_text(area),
                                  area.empty() ? std::string(kTerritoryName) : area_name(area), std::string(kGroups[c.group]),
                                  withheld_[k] ? Value() : count_value(c.estimate.n), hidden ? Value() : finite(scale * c.estimate.estimate),
                                  hidden ? Value() : finite(scale * c.estimate.ci_low), hidden ? Value() : finite(scale * c.estimate.ci_high),
                                  Value(bool(withheld_[k]))});
            }
            out.push_back(std::move(t));
        }
        {
            Table t{"survey_representativeness", "Enquête : représentativité",
                    "Répartition par variable de calage : recensement, échantillon brut, échantillon pondéré (%)",
                    GeometryType::none, {}, {}, {}};
            add_field(t, "area_id", FieldType::text, "Zone des marges (vide : le territoire)");
            add_field(t, "stratum", FieldType::text, "Variable de calage");
            add_field(t, "category", FieldType::text, "Catégorie");
            add_field(t, "census_share", FieldType::real, "Part au recensement (%)");
            add_field(t, "raw_share", FieldType::real, "Part dans l'échantillon brut (%)");
            add_field(t, "weighted_share", FieldType::real, "Part dans l'échantillon pondéré (%)");
            add_field(t, "n", FieldType::integer, "Répondants");
            for (const auto& rk : raking_) {
                const auto& margins = margins_.by_area.at(rk.area);
                for (std::size_t s = 0; s < margins.size(); ++s) {
                    const auto& m = margins[s];
                    double census = 0, raw = 0, weighted = 0;
                    std::vector<double> raw_c(m.categories.size()), w_c(m.categories.size());
                    std::vector<std::size_t> n_c(m.categories.size());
                    for (double p : m.population) census += p;
                    for (std::size_t i : rk.members) {
                        const auto c = static_cast<std::size_t>(respondents_[i].strata[s]);
                        raw_c[c] += respondents_[i].base_weight;
                        w_c[c] += respondents_[i].weight;
                        ++n_c[c];
                        raw += respondents_[i].base_weight;
                        weighted += respondents_[i].weight;
                    }
                    for (std::size_t c = 0; c < m.categories.size(); ++c) {
                        t.rows.push_back({opt_text(rk.area), m.variable, m.categories[c],
                                          census > 0 ? pct(m.population[c] / census) : Value(), raw > 0 ? pct(raw_c[c] / raw) : Value(),
                                          weighted > 0 ? pct(w_c[c] / weighted) : Value(), count_value(n_c[c])});
                    }
                }
            }
            out.push_back(std::move(t));
        }
        {
            Table t{"survey_raking", "Enquête : calage",
                    "Le calage des poids sur les marges : itérations, convergence, écart restant, taille effective (Kish)",
                    GeometryType::none, {}, {}, {}};
            add_field(t, "area_id", FieldType::text, "Zone des marges (vide : le territoire)");
            add_field(t, "n", FieldType::integer, "Répondants");
            add_field(t, "iterations", FieldType::integer, "Itérations");
            add_field(t, "converged", FieldType::boolean, "Convergé");
            add_field(t, "max_gap", FieldType::real, "Plus grand écart restant (part)");
            add_field(t, "effective_n", FieldType::real, "Taille effective (Kish)");
            add_field(t, "design_effect", FieldType::real, "Effet de plan (Kish)");
            add_field(t, "weight_min", FieldType::real, "Poids minimal");
            add_field(t, "weight_max", FieldType::real, "Poids maximal");
            add_field(t, "tolerance", FieldType::real, "Tolérance demandée");
            add_field(t, "max_iterations", FieldType::integer, "Itérations au plus");
            // Trimming (docs/survey-method.md): whether the bounds were met, and which round was kept.
            add_field(t, "trim_low", FieldType::real, "Borne basse (poids / poids moyen)");
            add_field(t, "trim_high", FieldType::real, "Borne haute (poids / poids moyen)");
            add_field(t, "bounds_met", FieldType::boolean, "Bornes respectées");
            add_field(t, "kept_round", FieldType::integer, "Étape d'écrêtage gardée");
            add_field(t, "bounds_message", FieldType::text, "Pourquoi les bornes ne sont pas respectées");
            const survey::RakingOptions options = raking_options();
            for (const auto& rk : raking_) {
                const auto& w = rk.result.weights;
                const auto [lo, hi] = std::minmax_element(w.begin(), w.end());
                t.rows.push_back({opt_text(rk.area), count_value(rk.members.size()), Value(static_cast<std::int64_t>(rk.result.iterations)),
                                  Value(rk.result.converged), finite(rk.result.max_gap), finite(rk.result.effective_n), finite(rk.result.design_effect),
                                  w.empty() ? Value() : Value(*lo), w.empty() ? Value() : Value(*hi), options.tolerance,
                                  Value(static_cast<std::int64_t>(options.max_iterations)),
                                  options.trim_low ? Value(*options.trim_low) : Value(), options.trim_high ? Value(*options.trim_high) : Value(),
                                  Value(rk.result.bounds_met), Value(static_cast<std::int64_t>(rk.result.kept_round)),
                                  opt_text(rk.result.bounds_message)});
            }
            out.push_back(std::move(t));
        }
        if (!texts_.empty()) {
            Table t{"survey_texts", "Enquête : réponses libres",
                    "Réponses en texte libre des répondants qui l'ont accepté, sans leur code, triées par question, zone et texte",
                    GeometryType::none, {}, {}, {}};
            add_field(t, "question", FieldType::text, "Question");
            add_field(t, "area_id", FieldType::text, "Zone");
            add_field(t, "answer", FieldType::text, "Réponse");
            for (const auto& [q, a, text] : texts_) t.rows.push_back({q, a, text});
            out.push_back(std::move(t));
        }
        headline_fields();
        // Before data_quality, which is rebuilt with the survey's problems.
        auto dq = std::find_if(d_.tables.begin(), d_.tables.end(), [](const Table& t) { return t.name == "data_quality"; });
        const auto at = dq - d_.tables.begin();
        d_.tables.insert(d_.tables.begin() + at, out.begin(), out.end());
        d_.stats.push_back(stats_);
        refresh_data_quality();
    }

    // Headline indicators ("q12=jamais") as fields of `areas` and `sheets_areas`.
    void headline_fields() {
        Table* areas = nullptr;
        Table* sheet = nullptr;
        for (auto& t : d_.tables) {
            if (t.name == "areas") areas = &t;
            if (t.name == "sheets_areas") sheet = &t;
        }
        std::map<std::string, std::size_t> n_area;
        for (const auto& r : respondents_) ++n_area[r.area_id];
        auto add_to = [&](Table* t, const std::string& name, FieldType type, const std::string& alias,
                          const std::function<Value(const std::string& area_id)>& value) {
            if (!t) return;
            const int id_col = t->field_index("area_id");
            if (id_col < 0) return;
            add_field(*t, name, type, alias);
            for (auto& row : t->rows) {
                const auto* id = std::get_if<std::string>(&row[static_cast<std::size_t>(id_col)]);
                row.push_back(id ? value(*id) : Value());
            }
        };
        auto count = [&](const std::string& id) { return count_value(n_area.count(id) ? n_area.at(id) : 0); };
        add_to(areas, "survey_n", FieldType::integer, "Enquête : répondants", count);
        add_to(sheet, "survey_n", FieldType::integer, "Enquête : répondants", count);
        for (const auto& h : spec_.headline) {
            const auto eq = h.find('=');
            const std::string qname = detail::trim(h.substr(0, eq == std::string::npos ? h.size() : eq));
            std::string answer = eq == std::string::npos ? std::string() : detail::trim(h.substr(eq + 1));
            std::size_t q = 0;
            while (spec_.questions[q].name != qname) ++q;
            const SurveyQuestion& question = spec_.questions[q];
            if (question.type == "yesno" && answer.empty()) answer = "oui";
            const bool mean = answer.empty();
            std::map<std::string, std::size_t> cell_of_area;  // the group-`all` cell of this indicator, per area id
            for (std::size_t k = 0; k < cells_.size(); ++k) {
                const Cell& c = cells_[k];
                if (c.question == q && c.group == 0 && c.mean == mean && c.answer == answer) cell_of_area.emplace(rows_[c.row], k);
            }
            auto find = [&](const std::string& id) -> std::optional<std::size_t> {
                const auto it = cell_of_area.find(id);
                return it == cell_of_area.end() ? std::nullopt : std::optional<std::size_t>(it->second);
            };
            const std::string unit = mean ? (question.type == "likert" ? " (score moyen de 1 à " + std::to_string(question.levels.size()) + ")" : " (moyenne)") : " (%)";
            const std::string alias = "Enquête : " + question.label + (mean ? "" : " = " + answer) + unit;
            const std::string name = "survey_" + detail::slug(qname) + (mean ? "" : "_" + detail::slug(answer));
            add_to(areas, name, FieldType::real, alias, [&](const std::string& id) -> Value {
                const auto k = find(id);
                if (!k || withheld_[*k] || cells_[*k].estimate.n == 0) return {};
                return finite((mean ? 1.0 : 100.0) * cells_[*k].estimate.estimate);
            });
            add_to(sheet, name, FieldType::text, alias, [&](const std::string& id) -> Value {
                const auto k = find(id);
                if (!k || cells_[*k].estimate.n == 0) return {};
                return describe(*k);
            });
        }
        if (areas) make_field_names_unique(*areas);
        if (sheet) make_field_names_unique(*sheet);
    }

public:
    // "43,2 % (IC 95 % : 38,1 à 48,3 ; 57 répondants)" or « non publié (moins de 10 répondants, ou secret statistique) ».
    static std::string describe_estimate(const survey::Estimate& e, bool mean, bool withheld, int min_cell) {
        // One text for every withheld cell: telling « fewer than min_cell » from « protects a
        // neighbour » would say on which side of min_cell its count is (its n is not published).
        if (withheld) return "non publié (moins de " + std::to_string(min_cell) + " répondants, ou secret statistique)";
        // Plain spaces: the text is also a cell of sheets_areas, searched and compared as typed.
        const double s = mean ? 1.0 : 100.0;
        const std::string unit = mean ? "" : " %";
        auto number = [](double v) {
            std::string t = style::french_number(v, 1);
            for (std::size_t p; (p = t.find("\u00a0")) != std::string::npos;) t.replace(p, 2, " ");
            return t;
        };
        const std::string people = std::to_string(e.n) + " répondant" + (e.n > 1 ? "s" : "") + ")";
        if (!std::isfinite(e.estimate)) return "pas d'estimation (" + people;
        if (!std::isfinite(e.ci_low) || !std::isfinite(e.ci_high))
            return number(s * e.estimate) + unit + " (IC 95 % non calculable ; " + people;
        return number(s * e.estimate) + unit + " (IC 95 % : " + number(s * e.ci_low) + " à " + number(s * e.ci_high) + unit + " ; " + people;
    }

private:
    std::string describe(std::size_t k) const {
        return describe_estimate(cells_[k].estimate, cells_[k].mean, withheld_[k], spec_.min_cell);
    }

    void refresh_data_quality() {
        for (auto& t : d_.tables) {
            if (t.name != "data_quality") continue;
            // Same layout as tables.cpp's data_quality_table: the survey's problems are appended.
            for (std::size_t n = t.rows.size(); n < d_.problems.problems().size(); ++n) {
                const Problem& p = d_.problems.problems()[n];
                t.rows.push_back({static_cast<std::int64_t>(n + 1), std::string(to_string(p.severity)), p.kind, opt_text(p.source),
                                  opt_text(p.block), opt_text(p.feature), opt_text(p.field), p.message});
            }
        }
    }

    struct Raking {
        std::string area;
        std::vector<std::size_t> members;
        survey::RakingResult result;
    };

    Workspace& ws_;
    Diagnostic& d_;
    const SurveySpec& spec_;
    SourceData data_;
    SourceStats stats_;
    MarginSet margins_;
    std::vector<int> question_cols_;
    int consent_col_ = -1;
    std::vector<Respondent> respondents_;
    std::vector<std::vector<std::vector<std::string>>> answers_;
    std::vector<Raking> raking_;
    std::vector<std::string> rows_;
    std::vector<Cell> cells_;
    std::vector<bool> withheld_;
    std::size_t withheld_for_pins_ = 0;  // published 0 % / 100 % cells withheld because they pinned withheld ones
    std::vector<std::tuple<std::string, std::string, std::string>> texts_;
    std::map<std::string, std::string> area_names_;
};

}  // namespace

void build_survey(Workspace& ws, Diagnostic& d) {
    if (!d.project.survey) return;
    SurveyBuilder(ws, d).run();
}

namespace {
// How a mean reads in a sheet: « score moyen (1 à 4) » for a likert question, « moyenne » otherwise.
std::string mean_label(const SurveySpec& spec, const std::string& question) {
    for (const auto& q : spec.questions)
        if (q.name == question && q.type == "likert") return "score moyen (1 à " + std::to_string(q.levels.size()) + ")";
    return "moyenne";
}
}  // namespace

SurveySections::SurveySections(const Diagnostic& d) : d_(d) {
    for (const auto& table : d.tables)
        if (table.name == "survey_indicators") table_ = &table;
    if (!table_) return;
    const int f_area = table_->field_index("area_id");
    for (std::size_t r = 0; r < table_->rows.size(); ++r) {
        const auto* id = std::get_if<std::string>(&table_->rows[r][static_cast<std::size_t>(f_area)]);
        if (id) rows_by_area_[*id].push_back(r);  // the territory's rows (area_id NULL) have no page
    }
}

void SurveySections::add(sheets::TemplateData& data, const std::string& area_id) const {
    const Diagnostic& d = d_;
    const Table* t = table_;
    data.set("has_survey", "");
    data.set("survey_min_cell", d.project.survey ? std::to_string(d.project.survey->min_cell) : "");
    data.set("survey_has_groups", d.project.survey && !d.project.survey->public_rule.empty() ? "oui" : "");
    if (!t) return;
    const auto found = rows_by_area_.find(area_id);
    if (found == rows_by_area_.end()) return;
    const int f_q = t->field_index("question_label"), f_answer = t->field_index("answer"),
              f_stat = t->field_index("statistic"), f_group = t->field_index("group"), f_n = t->field_index("n"),
              f_est = t->field_index("estimate"), f_lo = t->field_index("ci_low"), f_hi = t->field_index("ci_high"),
              f_w = t->field_index("withheld"), f_qname = t->field_index("question");
    auto text = [](const Value& v) { const auto* s = std::get_if<std::string>(&v); return s ? *s : std::string(); };
    // NULL (withheld, or nothing to estimate) reads NaN: describe_estimate says so rather than « 0 ».
    auto num = [](const Value& v) { const auto* x = std::get_if<double>(&v); return x ? *x : std::nan(""); };
    std::vector<sheets::TemplateData> rows;
    std::map<std::pair<std::string, std::string>, std::size_t> index;  // (question, answer) → row
    std::string last_question;
    for (const std::size_t r : found->second) {
        const auto& row = t->rows[r];
        const std::string question = text(row[static_cast<std::size_t>(f_q)]);
        const bool mean = text(row[static_cast<std::size_t>(f_stat)]) == "moyenne";
        const std::string answer = mean ? mean_label(*d.project.survey, text(row[static_cast<std::size_t>(f_qname)]))
                                        : text(row[static_cast<std::size_t>(f_answer)]);
        const auto key = std::make_pair(question, answer);
        if (!index.count(key)) {
            // The question is written on its first line only.
            const bool first = rows.empty() || last_question != question;
            last_question = question;
            index[key] = rows.size();
            rows.push_back(sheets::TemplateData().set("question", first ? question : "").set("answer", answer).set("all", "").set("public", "").set("non_public", ""));
        }
        survey::Estimate e;
        const bool withheld = std::get<bool>(row[static_cast<std::size_t>(f_w)]);
        const auto* n = std::get_if<std::int64_t>(&row[static_cast<std::size_t>(f_n)]);  // NULL when withheld
        e.n = n ? static_cast<std::size_t>(*n) : 0;
        if (e.n == 0 && !withheld) continue;
        e.estimate = (mean ? 1.0 : 0.01) * num(row[static_cast<std::size_t>(f_est)]);
        e.ci_low = (mean ? 1.0 : 0.01) * num(row[static_cast<std::size_t>(f_lo)]);
        e.ci_high = (mean ? 1.0 : 0.01) * num(row[static_cast<std::size_t>(f_hi)]);
        const std::string group = text(row[static_cast<std::size_t>(f_group)]);
        rows[index[key]].set(group == "all" ? "all" : group == "public" ? "public" : "non_public",
                             SurveyBuilder::describe_estimate(e, mean, withheld, d.project.survey->min_cell));
    }
    if (!rows.empty()) data.set("has_survey", "oui");
    data.lists["survey_rows"] = std::move(rows);
}

}  // namespace territoire
