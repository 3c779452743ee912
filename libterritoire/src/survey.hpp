// survey.hpp — step `survey` (issue 8, docs/survey.md): an inhabitants' survey read, assigned to
// areas, raked to census margins (survey_stats.hpp), turned into weighted indicators per area and
// for the territory, for all respondents, publics and non-publics, with small cells withheld.
// Internal.
#pragma once

#include "html_template.hpp"
#include "workspace.hpp"

namespace territoire {

/// Runs after build_tables: appends the survey_* tables (before data_quality), the headline fields
/// of `areas` and `sheets_areas`, and the survey's data problems. Does nothing without [survey].
/// Throws InputError / ProjectError when the survey cannot be used (docs/survey.md lists them).
void build_survey(Workspace& ws, Diagnostic& d);

/// The survey section of an area's sheet (data/templates/sheets/enquete.html): sets `has_survey`
/// and the list `survey_rows` from the survey_indicators table. Withheld cells read « non publié ».
void add_survey_section(sheets::TemplateData& data, const Diagnostic& d, const std::string& area_id);

}  // namespace territoire
