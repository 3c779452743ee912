// text.cpp — implementation of the text helpers.
#include <charconv>
#include "detail/text.hpp"

#include <cpl_conv.h>
#include <cpl_string.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "detail/gdal.hpp"
#include "territoire/error.hpp"

namespace territoire::detail {

int strip_boms(std::string& text) {
    static const std::string bom = "\xEF\xBB\xBF";
    int n = 0;
    std::size_t pos = 0;
    while (text.compare(pos, bom.size(), bom) == 0) {
        pos += bom.size();
        ++n;
    }
    if (pos) text.erase(0, pos);
    return n;
}

std::size_t invalid_utf8_at(std::string_view s) {
    std::size_t i = 0;
    const std::size_t n = s.size();
    while (i < n) {
        const auto c = static_cast<unsigned char>(s[i]);
        std::size_t len = 0;
        if (c < 0x80) len = 1;
        else if (c >= 0xC2 && c <= 0xDF) len = 2;
        else if (c >= 0xE0 && c <= 0xEF) len = 3;
        else if (c >= 0xF0 && c <= 0xF4) len = 4;
        else return i;
        if (i + len > n) return i;
        for (std::size_t k = 1; k < len; ++k) {
            if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return i;
        }
        i += len;
    }
    return std::string::npos;
}

std::string to_utf8(const std::string& text, const std::string& encoding) {
    std::string enc = encoding;
    std::transform(enc.begin(), enc.end(), enc.begin(), [](unsigned char c) { return std::toupper(c); });
    if (enc == "UTF-8" || enc == "UTF8") return text;
    // GDAL reports an unknown encoding as a mere warning and returns the bytes unchanged: trap
    // its messages and treat any of them as a failure.
    GdalErrorTrap trap;
    char* out = CPLRecode(text.c_str(), encoding.c_str(), CPL_ENC_UTF8);
    std::string result = out ? out : "";
    CPLFree(out);
    if (!out || !trap.failures().empty() || !trap.warnings().empty() || invalid_utf8_at(result) != std::string::npos)
        throw Error("encodage « " + encoding + " » inconnu ou conversion impossible");
    return result;
}

std::string trim(std::string_view s) {
    const char* ws = " \t\r\n\v\f";
    const auto b = s.find_first_not_of(ws);
    if (b == std::string_view::npos) return {};
    const auto e = s.find_last_not_of(ws);
    return std::string(s.substr(b, e - b + 1));
}

namespace {

// Spaces inside a number are only thousands separators: "1 234 567" yes, "12 34 5" no.
bool thousands_ok(std::string_view input) {
    const std::string t = trim(input);
    std::vector<std::size_t> groups;  // digit-run lengths between separators, integer part only
    std::size_t run = 0;
    bool separated = false;
    for (std::size_t i = 0; i < t.size(); ++i) {
        const auto c = static_cast<unsigned char>(t[i]);
        if (std::isdigit(c)) {
            ++run;
        } else if (c == ' ' || c == 0xC2 || c == 0xE2) {
            if (c == 0xC2) i += 1;
            if (c == 0xE2) i += 2;
            groups.push_back(run);
            run = 0;
            separated = true;
        } else if (c == '.' || c == ',' || c == 'e' || c == 'E') {
            break;  // decimals and exponent are not grouped
        } else if (c != '-' && c != '+') {
            break;
        }
    }
    if (!separated) return true;
    groups.push_back(run);
    if (groups.front() == 0 || groups.front() > 3) return false;
    for (std::size_t k = 1; k < groups.size(); ++k)
        if (groups[k] != 3) return false;
    return true;
}

}  // namespace

std::optional<double> parse_number(std::string_view input) {
    std::string s;
    s.reserve(input.size());
    // Drop ordinary and non-breaking spaces used as thousands separators.
    for (std::size_t i = 0; i < input.size(); ++i) {
        const char c = input[i];
        if (c == ' ' || c == '\t') continue;
        if (static_cast<unsigned char>(c) == 0xC2 && i + 1 < input.size() &&
            static_cast<unsigned char>(input[i + 1]) == 0xA0) {
            ++i;
            continue;
        }
        if (static_cast<unsigned char>(c) == 0xE2 && i + 2 < input.size() &&
            static_cast<unsigned char>(input[i + 1]) == 0x80 &&
            static_cast<unsigned char>(input[i + 2]) == 0xAF) {  // narrow no-break space
            i += 2;
            continue;
        }
        s.push_back(c);
    }
    if (s.empty() || s.find_first_of("xXpP") != std::string::npos) return std::nullopt;  // no hexadecimal
    if (!thousands_ok(input)) return std::nullopt;
    const bool has_dot = s.find('.') != std::string::npos;
    const auto commas = std::count(s.begin(), s.end(), ',');
    if (commas == 1 && !has_dot) s[s.find(',')] = '.';  // decimal comma
    else if (commas > 0) return std::nullopt;
    // std::from_chars, not strtod: it ignores the C locale, which a host program (QGIS's Python
    // console on a French desktop) may have set to one with a decimal comma.
    const char* first = s.c_str();
    if (*first == '+') ++first;
    double v = 0;
    const auto [end, ec] = std::from_chars(first, s.c_str() + s.size(), v);
    if (ec != std::errc() || end != s.c_str() + s.size() || !std::isfinite(v)) return std::nullopt;
    return v;
}

CLocaleScope::CLocaleScope() : c_locale_(newlocale(LC_ALL_MASK, "C", static_cast<locale_t>(nullptr))) {
    if (c_locale_) previous_ = uselocale(c_locale_);
}

CLocaleScope::~CLocaleScope() {
    if (!c_locale_) return;
    uselocale(previous_);
    freelocale(c_locale_);
}

namespace {

// Folds one Latin code point to ASCII, or returns nullptr.
const char* fold(unsigned cp) {
    switch (cp) {
        case 0xC0: case 0xC1: case 0xC2: case 0xC3: case 0xC4: case 0xC5:
        case 0xE0: case 0xE1: case 0xE2: case 0xE3: case 0xE4: case 0xE5: return "a";
        case 0xC6: case 0xE6: return "ae";
        case 0xC7: case 0xE7: return "c";
        case 0xC8: case 0xC9: case 0xCA: case 0xCB:
        case 0xE8: case 0xE9: case 0xEA: case 0xEB: return "e";
        case 0xCC: case 0xCD: case 0xCE: case 0xCF:
        case 0xEC: case 0xED: case 0xEE: case 0xEF: return "i";
        case 0xD1: case 0xF1: return "n";
        case 0xD2: case 0xD3: case 0xD4: case 0xD5: case 0xD6: case 0xD8:
        case 0xF2: case 0xF3: case 0xF4: case 0xF5: case 0xF6: case 0xF8: return "o";
        case 0xD9: case 0xDA: case 0xDB: case 0xDC:
        case 0xF9: case 0xFA: case 0xFB: case 0xFC: return "u";
        case 0xDD: case 0xFD: case 0xFF: case 0x178: return "y";
        case 0x152: case 0x153: return "oe";
        case 0xDF: return "ss";
        default: return nullptr;
    }
}

}  // namespace

std::string slug(std::string_view s) {
    std::string out;
    bool pending_sep = false;
    auto emit = [&](const char* piece) {
        if (pending_sep && !out.empty()) out.push_back('_');
        pending_sep = false;
        out += piece;
    };
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        unsigned cp = c;
        std::size_t len = 1;
        if (c >= 0xC0 && c < 0xE0 && i + 1 < s.size()) {
            cp = ((c & 0x1F) << 6) | (static_cast<unsigned char>(s[i + 1]) & 0x3F);
            len = 2;
        } else if (c >= 0xE0 && c < 0xF0 && i + 2 < s.size()) {
            cp = ((c & 0x0F) << 12) | ((static_cast<unsigned char>(s[i + 1]) & 0x3F) << 6) |
                 (static_cast<unsigned char>(s[i + 2]) & 0x3F);
            len = 3;
        } else if (c >= 0xF0) {
            len = std::min<std::size_t>(4, s.size() - i);
            cp = 0xFFFF;
        }
        i += len;
        if (cp < 0x80 && std::isalnum(static_cast<int>(cp))) {
            const char piece[2] = {static_cast<char>(std::tolower(static_cast<int>(cp))), 0};
            emit(piece);
        } else if (const char* f = fold(cp)) {
            emit(f);
        } else {
            pending_sep = true;
        }
    }
    return out;
}

std::size_t line_of(std::string_view text, std::size_t offset) {
    offset = std::min(offset, text.size());
    return 1 + static_cast<std::size_t>(std::count(text.begin(), text.begin() + static_cast<long>(offset), '\n'));
}

}  // namespace territoire::detail
