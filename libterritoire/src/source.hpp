// source.hpp — step `load`: reads any source of the project file (OGR dataset or delimited text)
// into plain records: attribute values as text (codes keep their leading zeros) and the source
// geometry as WKB in the source CRS.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "territoire/model.hpp"
#include "territoire/problems.hpp"
#include "territoire/project.hpp"

namespace territoire {

struct Record {
    std::string ref;                  ///< "ligne 12" (delimited text) or "FID 3" (OGR feature id)
    std::vector<std::string> values;  ///< one per column; empty = missing
    Wkb geometry;                     ///< source geometry, 2D, source CRS; empty if none
};

struct SourceData {
    std::string file;                  ///< path as written in the project file
    std::string layer;                 ///< layer read (OGR sources)
    std::vector<std::string> columns;
    std::vector<Record> records;
    std::string crs;                   ///< CRS of `geometry` (WKT or definition); empty if none
    bool delimited = false;            ///< read by our CSV reader
    int bom_count = 0;                 ///< UTF-8 BOMs stripped at the start (delimited text)
    std::vector<std::size_t> malformed_lines;  ///< delimited rows whose field count differs from the header's
    std::vector<std::string> warnings;         ///< GDAL's warnings while reading (OGR sources)
    std::size_t excluded = 0;                  ///< records left out by their status (dissolved associations)
    std::map<std::string, std::size_t> excluded_by_status;

    /// Column index, or -1.
    int column(const std::string& name) const;
};

/// Reads a source, applying `where`, and checks that every field the block names exists.
/// Throws InputError naming the file, layer, line and field. Malformed rows and GDAL warnings do
/// not make the file unusable: they are listed in the result and reported by report_read_issues.
SourceData read_source(const SourceSpec& spec);

/// A problem found in a record of `spec`'s source (source name and block filled in).
Problem source_problem(const SourceSpec& spec, Severity severity, std::string kind, std::string feature,
                       std::string field, std::string message);

/// Reports the malformed rows and reader warnings of `data`; returns the number of rows lost.
std::size_t report_read_issues(ProblemReporter& problems, const SourceSpec& spec, const SourceData& data);

/// The column names of a source without reading its records (presets resolve their candidate
/// columns with it). Throws InputError like read_source.
std::vector<std::string> read_columns(const SourceSpec& spec);

/// True for a column name that marks personal data (RNA manager and declarant fields, contact
/// details, civility, first names): such a column never reaches an output.
bool is_personal_column(const std::string& name);

/// True for the file extensions read as delimited text (.csv, .tsv, .txt).
bool is_delimited_text(const SourceSpec& spec);

}  // namespace territoire
