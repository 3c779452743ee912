// workbook.hpp — the rules of the consultant's workbook (workbook.cpp) that do not need
// libxlsxwriter: sheet names, number formats, cell text limits. Internal; unit-tested in
// tests/unit/test_workbook.cpp. docs/workbook.md describes the result.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "territoire/table.hpp"

namespace territoire::workbook {

/// Excel's limits: characters of a sheet name, UTF-16 code units of a cell's text.
constexpr std::size_t kMaxSheetName = 31;
constexpr std::size_t kMaxCellText = 32767;

/// Name of the first sheet, the table of contents.
inline const char* const kSummarySheet = "Sommaire";

/// Excel sheet names for the French `titles`, in order: of the characters Excel forbids, / \ and :
/// become '-', [ ] * ? and control characters a space; runs of spaces become one; spaces,
/// apostrophes and hyphens are trimmed at both ends; names over 31 characters are cut by cut_at_word, and a name already taken (compared case-insensitively, like Excel, including
/// `reserved`) gets " (2)", " (3)"… An empty title gives "Feuille". Same titles → same names.
std::vector<std::string> sheet_names(const std::vector<std::string>& titles,
                                     const std::vector<std::string>& reserved = {kSummarySheet});

/// `text` when it has at most `units` UTF-16 code units; otherwise cut at the last word boundary
/// that fits (mid-word only when that would keep less than half), trailing « de », « et », « - »…
/// dropped, and « … » appended: "Contraste - Niort - Première couronne" → "Contraste - Niort - Première…".
std::string cut_at_word(const std::string& text, std::size_t units);

/// Excel number format code of a numeric field ("#,##0", "0.0"…; Excel and LibreOffice show the
/// reader's own separators), from its type and name (docs/workbook.md); "" for text and booleans.
std::string number_format(const Field& field);

/// Length of `text` as Excel counts it (UTF-16 code units of UTF-8 text).
std::size_t excel_length(const std::string& text);

/// The longest prefix of `text` of at most `units` UTF-16 code units, cut between characters.
std::string excel_prefix(const std::string& text, std::size_t units);

/// Cuts `text` to Excel's limit of a cell, ending it with " […]"; true when it was cut.
bool fit_cell_text(std::string& text);

}  // namespace territoire::workbook
