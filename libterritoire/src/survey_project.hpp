// survey_project.hpp — the [survey] block of the project file (docs/survey.md, docs/project-file.md).
// Internal: called by project.cpp once the source keys common to every block are read.
#pragma once

#include <toml++/toml.h>

#include <filesystem>
#include <set>
#include <string>

#include "territoire/project.hpp"

namespace territoire {

/// The keys of [survey] besides the common source keys and the location keys.
const std::set<std::string>& survey_keys();

/// Reads the survey-specific keys of `table` ([survey]) and its [survey.questions] sub-table, and
/// checks public_rule (syntax, questions) and headline. Throws ProjectError naming the file, line
/// and key.
SurveySpec parse_survey(const toml::table& table, SourceSpec source, const std::string& file,
                        const std::filesystem::path& base_dir);

}  // namespace territoire
