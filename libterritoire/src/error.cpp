// error.cpp — messages of the error types, and the problem reporter.
#include "territoire/error.hpp"

#include "territoire/problems.hpp"

namespace territoire {

std::string Location::describe() const {
    std::string out;
    auto add = [&out](const std::string& part) {
        if (part.empty()) return;
        if (!out.empty()) out += ", ";
        out += part;
    };
    if (!file.empty()) add("fichier '" + file + "'");
    if (!layer.empty()) add("couche '" + layer + "'");
    add(feature);
    if (!field.empty()) add("champ '" + field + "'");
    return out;
}

namespace {
std::string with_location(const Location& where, const std::string& message) {
    const std::string loc = where.describe();
    return loc.empty() ? message : loc + " : " + message;
}
}  // namespace

ProjectError::ProjectError(Location where, const std::string& message)
    : Error(with_location(where, message)), where_(std::move(where)) {}

InputError::InputError(Location where, const std::string& message)
    : Error(with_location(where, message)), where_(std::move(where)) {}

const char* to_string(Severity s) noexcept {
    switch (s) {
        case Severity::info: return "info";
        case Severity::warning: return "warning";
        case Severity::error: return "error";
    }
    return "warning";
}

void ProblemReporter::report(Problem problem) {
    problems_.push_back(std::move(problem));
    if (listener_) listener_(problems_.back());
}

std::map<std::string, std::size_t> ProblemReporter::count_by_kind() const {
    std::map<std::string, std::size_t> counts;
    for (const auto& p : problems_) ++counts[p.kind];
    return counts;
}

}  // namespace territoire
