// problems.hpp — data-quality problems: reported, counted and kept, never thrown.
// They end up in the `data_quality` table of the GeoPackage and in the command-line summary.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace territoire {

enum class Severity { info, warning, error };

/// "info", "warning" or "error".
const char* to_string(Severity s) noexcept;

/// One problem found in the inputs. `kind` is a stable snake_case code (e.g. `missing_coordinates`);
/// `message` is the French sentence shown to users.
struct Problem {
    Severity severity = Severity::warning;
    std::string kind;
    std::string source;   ///< source name (e.g. `bibliotheques`)
    std::string block;    ///< project-file block (e.g. `places[1]`), which tells apart two blocks reading one file
    std::string feature;  ///< "ligne 12" / "entité 3" / an id
    std::string field;    ///< column concerned, if any
    std::string message;
};

/// Collects problems in the order they are found; optionally forwards each to a listener
/// (a log, a progress display) as it arrives.
class ProblemReporter {
public:
    void report(Problem problem);
    const std::vector<Problem>& problems() const noexcept { return problems_; }
    /// Number of problems per kind, ordered by kind.
    std::map<std::string, std::size_t> count_by_kind() const;
    void set_listener(std::function<void(const Problem&)> listener) { listener_ = std::move(listener); }

private:
    std::vector<Problem> problems_;
    std::function<void(const Problem&)> listener_;
};

}  // namespace territoire
