// text.hpp — text helpers for real-world inputs: byte-order marks, encodings, French numbers,
// and ASCII slugs for field names.
#pragma once

#include <locale.h>

#include <optional>
#include <string>
#include <string_view>

namespace territoire::detail {

/// Removes every leading UTF-8 byte-order mark (some files carry two); returns how many.
int strip_boms(std::string& text);

/// Byte offset of the first invalid UTF-8 sequence, or std::string::npos.
std::size_t invalid_utf8_at(std::string_view text);

/// Converts `text` from `encoding` (e.g. "ISO-8859-1", "CP1252") to UTF-8; throws Error if unknown.
std::string to_utf8(const std::string& text, const std::string& encoding);

std::string trim(std::string_view s);

/// Parses a number as French files write them: "12.5", "12,5", "1 234", "-0.45"; nullopt if not one.
std::optional<double> parse_number(std::string_view s);

/// The "C" locale for the current thread while alive (POSIX uselocale), restored after: the
/// library reads and writes numbers with a decimal point whatever locale the host program set
/// (Qt sets the user's, e.g. fr_FR with a decimal comma, for printf, strtod and snprintf).
class CLocaleScope {
public:
    CLocaleScope();
    ~CLocaleScope();
    CLocaleScope(const CLocaleScope&) = delete;
    CLocaleScope& operator=(const CLocaleScope&) = delete;

private:
    locale_t c_locale_;
    locale_t previous_ = nullptr;
};

/// Lower-case ASCII slug: accents folded ("Bibliothèque" → "bibliotheque"), other characters → '_'.
std::string slug(std::string_view s);

/// 1-based line number of a byte offset in `text`.
std::size_t line_of(std::string_view text, std::size_t offset);

}  // namespace territoire::detail
