// survey_rule.hpp — the small expression language of [survey] public_rule (docs/survey.md):
//   q12 != 'jamais'
//   q12 in ['souvent', 'parfois'] and not (age < 18)
// Comparisons ==, != (text or number), < <= > >= (numbers), in [...], not in [...]; and, or, not;
// parentheses. Values are quoted text ('…' or "…") or numbers. A comparison on a missing answer
// is unknown, and unknown propagates as in SQL (three-valued logic): a respondent whose rule is
// unknown belongs to neither the public nor the non-public group (only to "all").
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace territoire::survey {

/// A syntax error; `position` is the 1-based character where reading stopped.
class RuleSyntaxError : public std::runtime_error {
public:
    RuleSyntaxError(std::size_t at, const std::string& message)
        : std::runtime_error(message), position(at) {}
    std::size_t position;
};

class Rule {
public:
    /// Parses `text`; throws RuleSyntaxError.
    static Rule parse(const std::string& text);

    /// The question names the rule reads, in order of first use.
    const std::vector<std::string>& questions() const { return questions_; }
    /// 1-based position of the first use of each question in questions().
    const std::vector<std::size_t>& positions() const { return positions_; }

    /// The answers of one respondent to a question: empty when missing; several for a multi
    /// question (a comparison is true when one of them satisfies it).
    using Answers = std::function<std::vector<std::string>(const std::string& question)>;
    /// True, false, or unknown (nullopt) when an answer the rule needs is missing or not a number.
    std::optional<bool> evaluate(const Answers& answers) const;

    struct Node;

private:
    std::shared_ptr<const Node> root_;
    std::vector<std::string> questions_;
    std::vector<std::size_t> positions_;
};

}  // namespace territoire::survey
