// csv.cpp — implementation of the delimited-text reader.
#include "detail/csv.hpp"

#include <array>

#include "detail/text.hpp"
#include "territoire/error.hpp"

namespace territoire::detail {

char detect_separator(const std::string& text) {
    const std::array<char, 4> candidates = {';', ',', '\t', '|'};
    std::array<std::size_t, 4> counts{};
    bool quoted = false;
    for (char c : text) {
        if (c == '"') quoted = !quoted;
        if (!quoted && (c == '\n' || c == '\r')) break;
        if (quoted) continue;
        for (std::size_t k = 0; k < candidates.size(); ++k)
            if (c == candidates[k]) ++counts[k];
    }
    std::size_t best = 0;  // ';' wins ties: French files use it most
    for (std::size_t k = 1; k < candidates.size(); ++k)
        if (counts[k] > counts[best]) best = k;
    return candidates[best];
}

CsvTable parse_csv(const std::string& text, char separator, std::vector<CsvRaggedRow>& ragged) {
    CsvTable table;
    table.separator = separator ? separator : detect_separator(text);
    const char sep = table.separator;

    std::vector<std::string> record;
    std::string field;
    std::size_t line = 1;        // current physical line
    std::size_t record_line = 1;
    bool in_quotes = false;
    bool field_was_quoted = false;
    std::size_t quote_start_line = 0;
    bool header_done = false;

    auto end_field = [&] {
        record.push_back(field_was_quoted ? field : trim(field));
        field.clear();
        field_was_quoted = false;
    };
    auto end_record = [&] {
        end_field();
        const bool blank = record.size() == 1 && record[0].empty();
        if (!header_done) {
            if (blank) throw Error("ligne " + std::to_string(record_line) + " : en-tête vide");
            table.header = std::move(record);
            header_done = true;
        } else if (!blank) {
            if (record.size() != table.header.size()) {
                ragged.push_back({record_line, table.header.size(), record.size()});
            } else {
                table.rows.push_back({record_line, std::move(record)});
            }
        }
        record.clear();
    };

    const std::size_t n = text.size();
    for (std::size_t i = 0; i < n; ++i) {
        const char c = text[i];
        if (in_quotes) {
            if (c == '"') {
                if (i + 1 < n && text[i + 1] == '"') {
                    field.push_back('"');
                    ++i;
                } else {
                    in_quotes = false;
                }
            } else {
                if (c == '\n') ++line;
                field.push_back(c);
            }
            continue;
        }
        if (c == '"' && trim(field).empty()) {
            field.clear();
            in_quotes = true;
            field_was_quoted = true;
            quote_start_line = line;
        } else if (c == sep) {
            end_field();
        } else if (c == '\r' || c == '\n') {
            if (c == '\r' && i + 1 < n && text[i + 1] == '\n') ++i;
            end_record();
            ++line;
            record_line = line;
        } else {
            field.push_back(c);
        }
    }
    if (in_quotes) {
        throw Error("ligne " + std::to_string(quote_start_line) +
                    " : guillemet ouvert jamais refermé (fichier tronqué ou mal formé ?)");
    }
    if (!field.empty() || !record.empty()) end_record();
    if (!header_done) throw Error("fichier vide : aucune ligne d'en-tête");
    return table;
}

}  // namespace territoire::detail
