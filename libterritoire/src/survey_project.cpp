// survey_project.cpp — reads [survey] and [survey.questions] strictly, like the rest of the project
// file: unknown keys, wrong types, an unparsable public_rule or a rule naming an undeclared question
// stop with a message naming the file, the line and the key.
#include "survey_project.hpp"

#include <algorithm>

#include "survey_rule.hpp"
#include "territoire/error.hpp"

namespace territoire {
namespace {

namespace fs = std::filesystem;

struct Reader {
    const std::string& file;
    const toml::table& table;

    Location at(const toml::node& node, const std::string& key) const {
        Location loc{file, {}, {}, key};
        if (node.source().begin.line) loc.feature = "ligne " + std::to_string(node.source().begin.line);
        return loc;
    }
    Location at_block(const std::string& key) const { return at(table, key); }

    std::string text(const toml::table& t, const std::string& key, const std::string& block) const {
        const toml::node* node = t.get(key);
        if (!node) return {};
        if (!node->is_string()) throw ProjectError(at(*node, key), "une chaîne de caractères est attendue dans [" + block + "]");
        return **node->as_string();
    }
    std::vector<std::string> texts(const toml::table& t, const std::string& key, const std::string& block) const {
        std::vector<std::string> out;
        const toml::node* node = t.get(key);
        if (!node) return out;
        const toml::array* array = node->as_array();
        if (!array) throw ProjectError(at(*node, key), "une liste de chaînes est attendue dans [" + block + "], par exemple [\"a\", \"b\"]");
        for (const auto& item : *array) {
            if (!item.is_string()) throw ProjectError(at(item, key), "une liste de chaînes est attendue dans [" + block + "]");
            out.push_back(**item.as_string());
        }
        return out;
    }
    std::optional<double> number(const std::string& key) const {
        const toml::node* node = table.get(key);
        if (!node) return std::nullopt;
        if (node->is_integer()) return static_cast<double>(**node->as_integer());
        if (node->is_floating_point()) return **node->as_floating_point();
        throw ProjectError(at(*node, key), "un nombre est attendu");
    }
};

const std::set<std::string> kQuestionTypes = {"single", "multi", "likert", "yesno", "number", "text"};

SurveyQuestion parse_question(const Reader& r, const std::string& name, const toml::node& node) {
    SurveyQuestion q;
    q.name = name;
    q.line = static_cast<int>(node.source().begin.line);
    if (node.is_string()) {
        q.type = **node.as_string();
    } else if (const toml::table* t = node.as_table()) {
        static const std::set<std::string> kKeys = {"type", "label", "separator", "levels"};
        for (const auto& [key, value] : *t) {
            if (!kKeys.count(std::string(key.str()))) {
                throw ProjectError(r.at(value, std::string(key.str())),
                                   "clé inconnue pour la question « " + name + " » (type, label, separator, levels)");
            }
        }
        const std::string block = "survey.questions." + name;
        q.type = r.text(*t, "type", block);
        q.label = r.text(*t, "label", block);
        if (t->get("separator")) q.separator = r.text(*t, "separator", block);
        q.levels = r.texts(*t, "levels", block);
        if (q.type.empty()) throw ProjectError(r.at(node, name), "type de la question absent (type = \"single\", \"multi\", \"likert\", \"yesno\", \"number\" ou \"text\")");
        if (t->get("levels") && q.type != "likert") throw ProjectError(r.at(*t->get("levels"), "levels"), "levels ne sert qu'aux questions de type \"likert\"");
        if (t->get("separator") && (q.type != "multi" || q.separator.empty())) throw ProjectError(r.at(*t->get("separator"), "separator"), "separator (non vide) ne sert qu'aux questions de type \"multi\"");
    } else {
        throw ProjectError(r.at(node, name), "{ type = \"…\" } ou \"type\" attendu pour la question « " + name + " »");
    }
    if (!kQuestionTypes.count(q.type)) {
        throw ProjectError(r.at(node, name), "type « " + q.type + " » inconnu pour la question « " + name +
                                                 " » : single, multi, likert, yesno, number ou text");
    }
    if (q.type == "likert") {
        if (q.levels.size() < 2) throw ProjectError(r.at(node, name), "une question likert déclare ses niveaux dans l'ordre : levels = [\"pas du tout\", \"peu\", \"assez\", \"très\"]");
        for (std::size_t i = 0; i < q.levels.size(); ++i)
            for (std::size_t j = 0; j < i; ++j)
                if (q.levels[i] == q.levels[j]) throw ProjectError(r.at(node, name), "niveau « " + q.levels[i] + " » répété");
    }
    if (q.label.empty()) q.label = name;
    return q;
}

}  // namespace

const std::set<std::string>& survey_keys() {
    static const std::set<std::string> keys = {"id_field", "weight_field", "area_field", "strata", "margins",
                                               "public_rule", "min_cell", "tolerance", "max_iterations", "trim_low",
                                               "trim_high", "consent_field", "headline", "questions"};
    return keys;
}

SurveySpec parse_survey(const toml::table& table, SourceSpec source, const std::string& file, const fs::path& base_dir) {
    const Reader r{file, table};
    SurveySpec s;
    s.source = std::move(source);
    if (s.source.id_field.empty()) throw ProjectError(r.at_block("id_field"), "clé obligatoire absente du bloc [survey] (le code pseudonyme du répondant)");
    s.area_field = r.text(table, "area_field", "survey");
    // Without area_field nor location keys, the survey file's own geometry (points) is used.
    if (!s.area_field.empty() && s.source.location.uses_fields()) {
        throw ProjectError(r.at_block("area_field"), "indiquez soit area_field (la zone du répondant) soit une localisation "
                                                     "(x_field/y_field, wkt_field ou latlon_field), pas les deux");
    }
    s.strata = r.texts(table, "strata", "survey");
    if (s.strata.empty()) throw ProjectError(r.at_block("strata"), "clé obligatoire absente ou vide du bloc [survey] : les variables de calage, par exemple strata = [\"age\", \"sexe\"]");
    for (std::size_t i = 0; i < s.strata.size(); ++i)
        for (std::size_t j = 0; j < i; ++j)
            if (s.strata[i] == s.strata[j]) throw ProjectError(r.at(*table.get("strata"), "strata"), "variable « " + s.strata[i] + " » répétée");
    s.margins_as_written = r.text(table, "margins", "survey");
    if (s.margins_as_written.empty()) throw ProjectError(r.at_block("margins"), "clé obligatoire absente du bloc [survey] : le fichier des marges du recensement");
    s.margins = (fs::path(s.margins_as_written).is_absolute() ? fs::path(s.margins_as_written) : base_dir / s.margins_as_written).lexically_normal();
    s.consent_field = r.text(table, "consent_field", "survey");
    s.headline = r.texts(table, "headline", "survey");

    if (const auto v = r.number("min_cell")) {
        if (*v < 1 || *v != static_cast<int>(*v)) throw ProjectError(r.at(*table.get("min_cell"), "min_cell"), "un entier d'au moins 1 est attendu");
        s.min_cell = static_cast<int>(*v);
    }
    if (const auto v = r.number("tolerance")) {
        if (!(*v > 0 && *v < 1)) throw ProjectError(r.at(*table.get("tolerance"), "tolerance"), "un nombre entre 0 et 1 (exclus) est attendu, par exemple 1e-6");
        s.tolerance = *v;
    }
    if (const auto v = r.number("max_iterations")) {
        if (*v < 1 || *v != static_cast<int>(*v)) throw ProjectError(r.at(*table.get("max_iterations"), "max_iterations"), "un entier d'au moins 1 est attendu");
        s.max_iterations = static_cast<int>(*v);
    }
    s.trim_low = r.number("trim_low");
    s.trim_high = r.number("trim_high");
    if (s.trim_low && !(*s.trim_low > 0 && *s.trim_low < 1)) throw ProjectError(r.at(*table.get("trim_low"), "trim_low"), "un rapport au poids moyen entre 0 et 1 est attendu, par exemple 0.2");
    if (s.trim_high && !(*s.trim_high > 1)) throw ProjectError(r.at(*table.get("trim_high"), "trim_high"), "un rapport au poids moyen supérieur à 1 est attendu, par exemple 5");

    const toml::node* qnode = table.get("questions");
    if (!qnode || !qnode->is_table() || qnode->as_table()->empty()) {
        throw ProjectError(r.at_block("questions"), "bloc [survey.questions] absent ou vide : déclarez chaque question et son type");
    }
    for (const auto& [key, node] : *qnode->as_table()) s.questions.push_back(parse_question(r, std::string(key.str()), node));
    // toml++ tables are sorted by key: keep the project file's order.
    std::stable_sort(s.questions.begin(), s.questions.end(), [](const SurveyQuestion& a, const SurveyQuestion& b) { return a.line < b.line; });
    auto question = [&](const std::string& name) -> const SurveyQuestion* {
        for (const auto& q : s.questions)
            if (q.name == name) return &q;
        return nullptr;
    };
    auto declared = [&]() {
        std::string out;
        for (const auto& q : s.questions) out += (out.empty() ? "" : ", ") + q.name;
        return out;
    };
    for (const auto& stratum : s.strata)
        if (question(stratum)) throw ProjectError(r.at(*table.get("strata"), "strata"), "« " + stratum + " » est à la fois une variable de calage et une question");

    if (const toml::node* node = table.get("public_rule")) {
        s.public_rule = r.text(table, "public_rule", "survey");
        s.public_rule_line = static_cast<int>(node->source().begin.line);
        try {
            const auto rule = survey::Rule::parse(s.public_rule);
            for (std::size_t i = 0; i < rule.questions().size(); ++i) {
                const auto* q = question(rule.questions()[i]);
                if (!q) {
                    throw ProjectError(r.at(*node, "public_rule"),
                                       "position " + std::to_string(rule.positions()[i]) + " : question « " + rule.questions()[i] +
                                           " » inconnue (questions déclarées dans [survey.questions] : " + declared() + ")");
                }
                if (q->type == "text") throw ProjectError(r.at(*node, "public_rule"), "la question « " + q->name + " » est en texte libre : elle ne peut pas servir à la règle");
            }
        } catch (const survey::RuleSyntaxError& e) {
            throw ProjectError(r.at(*node, "public_rule"), "règle illisible, position " + std::to_string(e.position) + " : " + e.what() +
                                                               " (syntaxe : docs/survey.md)");
        }
    }

    for (const auto& h : s.headline) {
        const auto eq = h.find('=');
        const std::string name = h.substr(0, eq == std::string::npos ? h.size() : eq);
        std::string answer = eq == std::string::npos ? std::string() : h.substr(eq + 1);
        auto trim = [](std::string x) {
            while (!x.empty() && x.back() == ' ') x.pop_back();
            while (!x.empty() && x.front() == ' ') x.erase(0, 1);
            return x;
        };
        const auto* q = question(trim(name));
        const Location loc = r.at(*table.get("headline"), "headline");
        if (!q) throw ProjectError(loc, "« " + h + " » : question inconnue (questions déclarées : " + declared() + ")");
        answer = trim(answer);
        if (q->type == "text") throw ProjectError(loc, "« " + h + " » : une question en texte libre n'a pas d'indicateur");
        if ((q->type == "single" || q->type == "multi") && answer.empty()) throw ProjectError(loc, "« " + h + " » : précisez la réponse, par exemple \"" + q->name + "=…\"");
        if (q->type == "number" && !answer.empty()) throw ProjectError(loc, "« " + h + " » : une question numérique donne une moyenne, sans réponse à préciser");
        if (q->type == "likert" && !answer.empty() && std::find(q->levels.begin(), q->levels.end(), answer) == q->levels.end())
            throw ProjectError(loc, "« " + h + " » : « " + answer + " » n'est pas un niveau déclaré de la question");
        if (q->type == "yesno" && !answer.empty() && answer != "oui" && answer != "non") throw ProjectError(loc, "« " + h + " » : \"oui\" ou \"non\" attendu");
    }
    return s;
}

}  // namespace territoire
