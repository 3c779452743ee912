// survey.hpp — step `survey` (issue 8, docs/survey.md): an inhabitants' survey read, assigned to
// areas, raked to census margins (survey_stats.hpp), turned into weighted indicators per area and
// for the territory, for all respondents, publics and non-publics, with small cells withheld.
// Internal.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "html_template.hpp"
#include "workspace.hpp"

namespace territoire {

/// Runs after build_tables: appends the survey_* tables (before data_quality), the headline fields
/// of `areas` and `sheets_areas`, and the survey's data problems. Does nothing without [survey].
/// Throws InputError / ProjectError when the survey cannot be used (docs/survey.md lists them).
void build_survey(Workspace& ws, Diagnostic& d);

/// The survey section of the area sheets (data/templates/sheets/enquete.html), from the
/// survey_indicators table, indexed by area once (not scanned per page). Withheld cells read
/// « non publié ».
class SurveySections {
public:
    explicit SurveySections(const Diagnostic& d);
    /// Sets `has_survey` and the list `survey_rows` of one area's page.
    void add(sheets::TemplateData& data, const std::string& area_id) const;

private:
    const Diagnostic& d_;
    const Table* table_ = nullptr;
    std::map<std::string, std::vector<std::size_t>> rows_by_area_;  // area_id → rows, in table order
};

}  // namespace territoire
