// csv.hpp — delimited-text reader for the files consultants really get: RFC 4180 quoting (separators
// and line breaks inside quotes), CRLF, one or more UTF-8 BOMs, separator detection, Latin-1.
// GDAL's CSV driver (3.6) has no separator option and mis-detects some French files, hence ours.
#pragma once

#include <string>
#include <vector>

namespace territoire::detail {

struct CsvRow {
    std::size_t line = 0;             ///< 1-based line where the record starts
    std::vector<std::string> fields;
};

struct CsvTable {
    std::vector<std::string> header;
    std::vector<CsvRow> rows;
    char separator = ',';
};

/// A record whose field count differs from the header's.
struct CsvRaggedRow {
    std::size_t line;
    std::size_t expected;
    std::size_t found;
};

/// Parses UTF-8 text (BOMs already stripped). `separator` 0 means: detect from the header line
/// among ';' ',' '\t' '|'. Throws Error with the line number on an unterminated quote or an empty
/// header. Ragged rows are not kept and are listed in `ragged`.
CsvTable parse_csv(const std::string& text, char separator, std::vector<CsvRaggedRow>& ragged);

/// The separator the header line suggests (most frequent candidate outside quotes; ';' on a tie).
char detect_separator(const std::string& text);

}  // namespace territoire::detail
