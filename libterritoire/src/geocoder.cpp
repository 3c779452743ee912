// geocoder.cpp — BAN reader, normalisation, indexes and matching (geocoder.hpp, docs/geocoding.md).
#include "geocoder.hpp"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <deque>
#include <fstream>
#include <map>
#include <optional>
#include <set>

#include "detail/proj.hpp"
#include "detail/text.hpp"
#include "territoire/error.hpp"

namespace territoire {

const char* precision_name(GeocodePrecision p) {
    switch (p) {
        case GeocodePrecision::housenumber: return "housenumber";
        case GeocodePrecision::street: return "street";
        case GeocodePrecision::commune: return "commune";
        case GeocodePrecision::failed: break;
    }
    return "failed";
}

namespace geocode {
namespace {

std::vector<std::string_view> split_words(std::string_view s) {
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && s[i] == ' ') ++i;
        const std::size_t start = i;
        while (i < s.size() && s[i] != ' ') ++i;
        if (i > start) out.push_back(s.substr(start, i - start));
    }
    return out;
}

bool all_digits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Street types, expanded when they are the first word only ("r" or "pl" elsewhere in a name
// mean something else, or nothing).
const std::map<std::string_view, std::string_view>& type_words() {
    static const std::map<std::string_view, std::string_view> m = {
        {"r", "rue"}, {"ru", "rue"},
        {"av", "avenue"}, {"ave", "avenue"}, {"avn", "avenue"}, {"aven", "avenue"},
        {"bd", "boulevard"}, {"bld", "boulevard"}, {"blvd", "boulevard"}, {"bvd", "boulevard"}, {"boul", "boulevard"},
        {"pl", "place"}, {"plc", "place"},
        {"imp", "impasse"}, {"impa", "impasse"},
        {"ch", "chemin"}, {"che", "chemin"}, {"chem", "chemin"}, {"chm", "chemin"},
        {"rte", "route"}, {"rt", "route"},
        {"fg", "faubourg"}, {"fbg", "faubourg"}, {"faub", "faubourg"},
        {"all", "allee"}, {"al", "allee"}, {"ale", "allee"}, {"allees", "allee"},
        {"sq", "square"}, {"crs", "cours"},
        {"qu", "quai"}, {"qua", "quai"}, {"qai", "quai"},
        {"pas", "passage"}, {"pass", "passage"}, {"psg", "passage"},
        {"res", "residence"}, {"resid", "residence"},
        {"lot", "lotissement"}, {"lotiss", "lotissement"},
        {"sen", "sentier"}, {"sent", "sentier"},
        {"ham", "hameau"}, {"vla", "villa"}, {"prom", "promenade"}, {"espl", "esplanade"},
        {"rpt", "rond point"}, {"rdpt", "rond point"}, {"mte", "montee"}, {"tsse", "terrasse"},
        {"tra", "traverse"}, {"dom", "domaine"}, {"cit", "cite"}, {"vc", "voie communale"},
        {"zi", "zone industrielle"}, {"za", "zone artisanale"}, {"zac", "zone d amenagement concerte"},
        {"pte", "porte"}, {"prv", "parvis"}, {"carr", "carrefour"}, {"car", "carrefour"},
    };
    return m;
}

// Words expanded wherever they are.
const std::map<std::string_view, std::string_view>& name_words() {
    static const std::map<std::string_view, std::string_view> m = {
        {"st", "saint"}, {"ste", "sainte"}, {"sts", "saints"}, {"stes", "saintes"},
        {"gal", "general"}, {"gen", "general"}, {"mal", "marechal"}, {"mar", "marechal"},
        {"pdt", "president"}, {"pres", "president"}, {"dr", "docteur"}, {"doc", "docteur"},
        {"prof", "professeur"}, {"cdt", "commandant"}, {"lt", "lieutenant"}, {"cne", "capitaine"},
        {"cap", "capitaine"}, {"col", "colonel"}, {"mgr", "monseigneur"}, {"nd", "notre dame"},
        {"gd", "grand"}, {"gde", "grande"}, {"gds", "grands"}, {"gdes", "grandes"},
        {"pt", "petit"}, {"pte", "petite"}, {"pts", "petits"}, {"ptes", "petites"},
        {"vx", "vieux"}, {"vve", "veuve"},
    };
    return m;
}

// Little words left out of matching keys.
bool is_little_word(std::string_view w) {
    static const std::set<std::string_view> s = {"de", "du", "des", "la", "le", "les", "l", "d",
                                                 "et", "a", "au", "aux", "en"};
    return s.count(w) > 0;
}

bool is_suffix_word(std::string_view w) {
    if (w == "bis" || w == "ter" || w == "quater" || w == "quinquies") return true;
    // A single letter after the number is a suffix ("12 B"), except those that start a street
    // name: r (rue), l and d (elisions).
    return w.size() == 1 && w[0] >= 'a' && w[0] <= 'z' && w[0] != 'r' && w[0] != 'l' && w[0] != 'd';
}

// Expands abbreviations of already folded words into one string.
std::string expand(const std::vector<std::string_view>& words, std::size_t from, bool street_types) {
    std::string out;
    for (std::size_t i = from; i < words.size(); ++i) {
        std::string_view w = words[i];
        if (street_types && i == from) {
            if (auto it = type_words().find(w); it != type_words().end()) w = it->second;
            else if (auto jt = name_words().find(w); jt != name_words().end()) w = jt->second;
        } else if (auto jt = name_words().find(w); jt != name_words().end()) {
            w = jt->second;
        }
        if (!out.empty()) out.push_back(' ');
        out += w;
    }
    return out;
}

std::string key_of_normalised(std::string_view normalised) {
    const auto words = split_words(normalised);
    std::size_t from = 0;
    if (!words.empty() && words[0] == "ld") from = 1;
    else if (words.size() > 1 && words[0] == "lieu" && words[1] == "dit") from = 2;
    std::string out;
    for (std::size_t i = from; i < words.size(); ++i) {
        if (is_little_word(words[i])) continue;
        if (!out.empty()) out.push_back(' ');
        out += words[i];
    }
    // A name made only of little words keeps them.
    return out.empty() ? std::string(normalised) : out;
}

// Commune names: abbreviations expanded (St → Saint), little words dropped.
std::string city_key(std::string_view name) {
    const std::string folded = fold(name);
    return key_of_normalised(expand(split_words(folded), 0, false));
}

// Pads a code written without its leading zero ("9000" for a postcode, "1004" for an INSEE code).
std::string pad_code(std::string_view s) {
    std::string out = detail::trim(s);
    if (out.size() == 4 && std::isdigit(static_cast<unsigned char>(out[0]))) out.insert(out.begin(), '0');
    return out;
}

}  // namespace

std::string fold(std::string_view text) {
    std::string s = detail::slug(text);  // lower-case ASCII, accents folded, other characters '_'
    std::replace(s.begin(), s.end(), '_', ' ');
    return s;
}

std::string normalise_street(std::string_view text) {
    const std::string folded = fold(text);
    return expand(split_words(folded), 0, true);
}

std::string street_key(std::string_view text) { return key_of_normalised(normalise_street(text)); }

int suffix_code(std::string_view w) {
    if (w.empty()) return 0;
    if (w == "bis" || w == "b") return 1;
    if (w == "ter" || w == "t") return 2;
    if (w == "quater" || w == "q") return 3;
    if (w == "quinquies") return 4;
    if (w.size() == 1 && w[0] >= 'a' && w[0] <= 'z') return 10 + (w[0] - 'a');
    return 0;
}

ParsedAddress parse_address(std::string_view line) {
    ParsedAddress out;
    const std::string folded = fold(line);
    const auto words = split_words(folded);
    std::size_t i = 0;
    if (words.size() > 1 && (words[0] == "n" || words[0] == "no" || words[0] == "numero") &&
        std::isdigit(static_cast<unsigned char>(words[1][0])))
        i = 1;
    if (i < words.size() && std::isdigit(static_cast<unsigned char>(words[i][0]))) {
        std::string_view w = words[i];
        std::size_t k = 0;
        while (k < w.size() && std::isdigit(static_cast<unsigned char>(w[k]))) ++k;
        const std::string_view digits = w.substr(0, std::min<std::size_t>(k, 6));
        std::from_chars(digits.data(), digits.data() + digits.size(), out.number);
        const std::string_view rest = w.substr(k);
        if (!rest.empty() && (is_suffix_word(rest) || rest.size() == 1)) out.suffix = suffix_code(rest);
        ++i;
        while (i < words.size()) {
            const std::string_view t = words[i];
            if (out.suffix == 0 && is_suffix_word(t) && i + 1 < words.size()) {
                out.suffix = suffix_code(t);
                ++i;
            } else if (all_digits(t) && i + 1 < words.size()) {
                ++i;  // second number of a range, "12-14" or "12 14"
            } else if ((t == "et" || t == "a" || t == "au") && i + 2 < words.size() && all_digits(words[i + 1])) {
                i += 2;  // "12 et 14", "12 a 14"
            } else {
                break;
            }
        }
    }
    out.street = expand(words, i, true);
    return out;
}

std::vector<std::uint32_t> trigrams(std::string_view key) {
    std::vector<std::uint32_t> out;
    if (key.empty()) return out;
    std::string padded;
    padded.reserve(key.size() + 2);
    padded.push_back(' ');
    padded.append(key);
    padded.push_back(' ');
    for (std::size_t i = 0; i + 3 <= padded.size(); ++i) {
        out.push_back((static_cast<std::uint32_t>(static_cast<unsigned char>(padded[i])) << 16) |
                      (static_cast<std::uint32_t>(static_cast<unsigned char>(padded[i + 1])) << 8) |
                      static_cast<unsigned char>(padded[i + 2]));
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

double dice(std::string_view a, std::string_view b) {
    if (a.empty() || b.empty()) return 0;
    if (a == b) return 1;
    const auto ta = trigrams(a), tb = trigrams(b);
    std::size_t shared = 0;
    for (std::size_t i = 0, j = 0; i < ta.size() && j < tb.size();) {
        if (ta[i] == tb[j]) ++shared, ++i, ++j;
        else if (ta[i] < tb[j]) ++i;
        else ++j;
    }
    return 2.0 * static_cast<double>(shared) / static_cast<double>(ta.size() + tb.size());
}

double edit_similarity(std::string_view a, std::string_view b) {
    if (a.empty() || b.empty()) return 0;
    if (a == b) return 1;
    // Optimal string alignment distance (Levenshtein plus transposition of two adjacent letters),
    // three rows.
    const std::size_t n = a.size(), m = b.size();
    std::vector<std::size_t> prev2(m + 1), prev(m + 1), cur(m + 1);
    for (std::size_t j = 0; j <= m; ++j) prev[j] = j;
    for (std::size_t i = 1; i <= n; ++i) {
        cur[0] = i;
        for (std::size_t j = 1; j <= m; ++j) {
            const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) cur[j] = std::min(cur[j], prev2[j - 2] + 1);
        }
        std::swap(prev2, prev);
        std::swap(prev, cur);
    }
    return 1.0 - static_cast<double>(prev[m]) / static_cast<double>(std::max(n, m));
}

double similarity(std::string_view a, std::string_view b) { return std::max(dice(a, b), edit_similarity(a, b)); }

}  // namespace geocode

// ---- the index ------------------------------------------------------------------------------

struct Geocoder::Impl {
    struct Address {
        std::string_view id;
        std::uint32_t street = 0;
        std::int32_t number = 0;  // 0: position of the street or locality itself
        std::int32_t suffix = 0;
        double x = 0, y = 0;
    };
    struct Street {
        std::uint32_t commune = 0;
        std::string_view name;      // as in the BAN
        std::string key;            // geocode::street_key
        std::uint32_t trigram_count = 0;
        std::uint32_t begin = 0, end = 0;           // addresses_ after finish()
        std::uint32_t numbered_begin = 0;           // first address with a number
        std::uint32_t position = 0;                 // the address giving the street's position
        std::string_view old_code;  // former commune (communes nouvelles: one street per former commune)
        std::string_view postcode;  // of its first address
    };
    struct Commune {
        std::string_view code;
        std::string_view name;
        std::string key;  // city_key
        std::uint32_t postings_begin = 0, postings_end = 0;
        std::int64_t first_street = -1;
    };
    struct Posting {
        std::uint32_t commune, trigram, street;
        bool operator<(const Posting& o) const {
            return commune != o.commune ? commune < o.commune
                                        : trigram != o.trigram ? trigram < o.trigram : street < o.street;
        }
    };
    struct StreetRef {
        std::uint32_t commune;
        std::string_view old_code;
        std::string_view name;
        bool operator==(const StreetRef& o) const {
            return commune == o.commune && old_code == o.old_code && name == o.name;
        }
    };
    struct StreetRefHash {
        std::size_t operator()(const StreetRef& r) const {
            return (std::hash<std::string_view>()(r.name) * 31u + std::hash<std::string_view>()(r.old_code)) * 31u +
                   r.commune;
        }
    };
    // What the query says that can choose between two streets of the same name in one commune
    // (communes nouvelles: one per former commune): its INSEE code, its postcode.
    struct Hint {
        std::string_view code, postcode;
    };

    GeocoderOptions options;
    std::vector<std::unique_ptr<std::string>> buffers;  // the files' bytes: addresses point into them
    std::deque<std::string> unquoted;                   // quoted fields with doubled quotes, unescaped
    std::vector<Address> addresses;
    std::vector<Street> streets;
    std::vector<Commune> communes;
    std::unordered_map<std::string_view, std::uint32_t> commune_by_code;
    std::unordered_map<std::string_view, std::uint32_t> commune_by_old_code;  // merged communes
    std::unordered_map<std::string_view, std::vector<std::uint32_t>> communes_by_postcode;
    std::unordered_map<StreetRef, std::uint32_t, StreetRefHash> street_by_name;
    // After finish():
    std::vector<Posting> postings;
    std::unordered_map<std::string, std::vector<std::uint32_t>> street_by_key;  // commune index + '|' + key
    std::unordered_map<std::string, std::vector<std::uint32_t>> communes_by_key;
    bool finished = false;

    std::uint32_t commune_of(std::string_view code, std::string_view name) {
        auto [it, inserted] = commune_by_code.try_emplace(code, static_cast<std::uint32_t>(communes.size()));
        if (inserted) communes.push_back(Commune{code, name, {}, 0, 0, -1});
        return it->second;
    }

    std::string exact_key(std::uint32_t commune, const std::string& key) const {
        return std::to_string(commune) + '|' + key;
    }

    // 2 when the street lies in the former commune the query's INSEE code names, + 1 when its
    // postcode is the query's.
    int preference(std::uint32_t s, const Hint& hint) const {
        const Street& street = streets[s];
        return 2 * (!street.old_code.empty() && street.old_code == hint.code) +
               (!hint.postcode.empty() && street.postcode == hint.postcode);
    }

    // Best street of a commune for a key: exact key, else the best similarity among the best
    // trigram Dice candidates. Ties: the preference() of the hint, then the street that comes first
    // in the BAN file.
    std::pair<std::int64_t, double> best_street(std::uint32_t c, const std::string& key,
                                                const std::vector<std::uint32_t>& query_trigrams,
                                                const Hint& hint) const {
        if (auto it = street_by_key.find(exact_key(c, key)); it != street_by_key.end()) {
            std::uint32_t best = it->second.front();
            for (const auto s : it->second)
                if (preference(s, hint) > preference(best, hint)) best = s;
            return {best, 1.0};
        }
        const Commune& commune = communes[c];
        const auto first = postings.begin() + commune.postings_begin;
        const auto last = postings.begin() + commune.postings_end;
        std::unordered_map<std::uint32_t, std::uint32_t> shared;
        for (const std::uint32_t t : query_trigrams) {
            auto lo = std::lower_bound(first, last, Posting{c, t, 0});
            for (; lo != last && lo->trigram == t; ++lo) ++shared[lo->street];
        }
        // Candidates ranked by trigram Dice; the best kBest are scored with similarity() (the
        // larger of Dice and the edit similarity, which forgives a typo in a short name better).
        constexpr std::size_t kBest = 8;
        std::vector<std::pair<double, std::uint32_t>> ranked;
        ranked.reserve(shared.size());
        for (const auto& [s, n] : shared)
            ranked.emplace_back(2.0 * n / static_cast<double>(query_trigrams.size() + streets[s].trigram_count), s);
        const std::size_t keep = std::min(kBest, ranked.size());
        std::partial_sort(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(keep), ranked.end(),
                          [](const auto& x, const auto& y) { return x.first != y.first ? x.first > y.first : x.second < y.second; });
        std::int64_t best = -1;
        double best_score = 0;
        for (std::size_t i = 0; i < keep; ++i) {
            const std::uint32_t s = ranked[i].second;
            const double score = std::max(ranked[i].first, geocode::edit_similarity(key, streets[s].key));
            const bool tie = score == best_score && best >= 0;
            const int pref = tie ? preference(s, hint) : 0, best_pref = tie ? preference(static_cast<std::uint32_t>(best), hint) : 0;
            if (score > best_score || (tie && (pref > best_pref || (pref == best_pref && s < best)))) {
                best_score = score;
                best = s;
            }
        }
        return {best, best_score};
    }
};

Geocoder::Geocoder(GeocoderOptions options) : impl_(std::make_unique<Impl>()) { impl_->options = options; }
Geocoder::~Geocoder() = default;

std::size_t Geocoder::address_count() const { return impl_->addresses.size(); }
std::size_t Geocoder::street_count() const { return impl_->streets.size(); }
std::size_t Geocoder::commune_count() const { return impl_->communes.size(); }

namespace {

// Splits one line (no line break) on ';'. Quoted fields are unquoted; doubled quotes inside them
// are unescaped into `store`.
void split_line(std::string_view line, std::vector<std::string_view>& fields, std::deque<std::string>& store) {
    fields.clear();
    std::size_t i = 0;
    while (true) {
        if (i < line.size() && line[i] == '"') {
            std::size_t j = i + 1;
            bool doubled = false;
            while (j < line.size()) {
                if (line[j] == '"') {
                    if (j + 1 < line.size() && line[j + 1] == '"') {
                        doubled = true;
                        j += 2;
                        continue;
                    }
                    break;
                }
                ++j;
            }
            std::string_view inner = line.substr(i + 1, j - i - 1);
            if (doubled) {
                std::string s;
                for (std::size_t k = 0; k < inner.size(); ++k) {
                    s.push_back(inner[k]);
                    if (inner[k] == '"' && k + 1 < inner.size() && inner[k + 1] == '"') ++k;
                }
                store.push_back(std::move(s));
                inner = store.back();
            }
            fields.push_back(inner);
            const std::size_t next = line.find(';', j);
            if (next == std::string_view::npos) return;
            i = next + 1;
        } else {
            const std::size_t next = line.find(';', i);
            if (next == std::string_view::npos) {
                fields.push_back(line.substr(i));
                return;
            }
            fields.push_back(line.substr(i, next - i));
            i = next + 1;
        }
    }
}

std::optional<double> to_double(std::string_view s) {
    double v = 0;
    const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    if (r.ec == std::errc() && r.ptr == s.data() + s.size()) return v;
    return detail::parse_number(s);  // "46,32" or spaces: rare, slower
}

}  // namespace

BanFileStats Geocoder::load(const std::filesystem::path& path, const std::string& as_written,
                            const detail::Transformer& from_wgs84, const detail::Transformer* from_lambert93) {
    Impl& m = *impl_;
    BanFileStats stats;
    stats.file = as_written;
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(Location{as_written, {}, {}, {}}, "fichier BAN introuvable ou illisible ([geocoding])");
    auto buffer = std::make_unique<std::string>();
    in.seekg(0, std::ios::end);
    buffer->resize(static_cast<std::size_t>(in.tellg()));
    in.seekg(0);
    in.read(buffer->data(), static_cast<std::streamsize>(buffer->size()));
    detail::strip_boms(*buffer);
    const std::string_view text = *buffer;
    m.buffers.push_back(std::move(buffer));

    std::size_t pos = 0, line_no = 0;
    auto next_line = [&](std::string_view& line) {
        if (pos >= text.size()) return false;
        std::size_t end = text.find('\n', pos);
        if (end == std::string_view::npos) end = text.size();
        line = text.substr(pos, end - pos);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        pos = end + 1;
        ++line_no;
        return true;
    };
    std::string_view line;
    std::vector<std::string_view> fields;
    if (!next_line(line)) throw InputError(Location{as_written, {}, {}, {}}, "fichier BAN vide");
    split_line(line, fields, m.unquoted);
    std::map<std::string_view, int> col;
    for (std::size_t i = 0; i < fields.size(); ++i) col.emplace(fields[i], static_cast<int>(i));
    auto need = [&](const char* name) {
        auto it = col.find(name);
        if (it == col.end()) {
            throw InputError(Location{as_written, {}, "ligne 1", name},
                             std::string("colonne « ") + name +
                                 " » absente : un fichier adresses-XX.csv de la BAN (séparateur ;) est attendu");
        }
        return it->second;
    };
    auto optional = [&](const char* name) {
        auto it = col.find(name);
        return it == col.end() ? -1 : it->second;
    };
    const int c_id = need("id"), c_num = need("numero"), c_rep = need("rep"), c_voie = need("nom_voie"),
              c_cp = need("code_postal"), c_insee = need("code_insee"), c_commune = need("nom_commune");
    const int c_old = optional("code_insee_ancienne_commune");
    const int c_lon = optional("lon"), c_lat = optional("lat"), c_x = optional("x"), c_y = optional("y");
    if ((c_lon < 0 || c_lat < 0) && (c_x < 0 || c_y < 0)) need("lon"), need("lat");
    const std::size_t width = fields.size();

    m.addresses.reserve(m.addresses.size() + text.size() / 120);
    while (next_line(line)) {
        if (line.empty()) continue;
        ++stats.rows;
        split_line(line, fields, m.unquoted);
        if (fields.size() != width) {
            ++stats.skipped;
            continue;
        }
        auto f = [&](int c) { return c < 0 ? std::string_view() : fields[static_cast<std::size_t>(c)]; };
        const std::string_view code = f(c_insee), voie = f(c_voie);
        if (code.empty() || voie.empty()) {
            ++stats.skipped;
            continue;
        }
        Impl::Address a;
        bool located = false;
        if (!f(c_lon).empty() && !f(c_lat).empty()) {
            const auto lon = to_double(f(c_lon)), lat = to_double(f(c_lat));
            if (lon && lat) {
                a.x = *lon;
                a.y = *lat;
                located = from_wgs84.transform(a.x, a.y);
            }
        }
        if (!located && from_lambert93 && !f(c_x).empty() && code.substr(0, 2) != "97") {
            const auto x = to_double(f(c_x)), y = to_double(f(c_y));
            if (x && y) {
                a.x = *x;
                a.y = *y;
                located = from_lambert93->transform(a.x, a.y);
            }
        }
        if (!located) {
            ++stats.skipped;
            continue;
        }
        const std::uint32_t commune = m.commune_of(code, f(c_commune));
        if (const auto old = f(c_old); !old.empty() && old != code) m.commune_by_old_code.emplace(old, commune);
        if (const auto cp = f(c_cp); !cp.empty()) {
            auto& list = m.communes_by_postcode[cp];
            if (std::find(list.begin(), list.end(), commune) == list.end()) list.push_back(commune);
        }
        const std::string_view old_code = f(c_old) == code ? std::string_view() : f(c_old);
        auto [it, inserted] = m.street_by_name.try_emplace(Impl::StreetRef{commune, old_code, voie},
                                                           static_cast<std::uint32_t>(m.streets.size()));
        if (inserted) {
            Impl::Street s;
            s.commune = commune;
            s.name = voie;
            s.old_code = old_code;
            s.postcode = f(c_cp);
            m.streets.push_back(std::move(s));
        }
        a.street = it->second;
        a.id = f(c_id);
        const std::string_view num = f(c_num);
        std::from_chars(num.data(), num.data() + num.size(), a.number);
        if (a.number < 0 || a.number >= 99999) a.number = 0;  // 99999: the position of a locality
        const std::string rep = geocode::fold(f(c_rep));
        a.suffix = geocode::suffix_code(rep);
        m.addresses.push_back(a);
        ++stats.addresses;
    }
    m.finished = false;
    return stats;
}

void Geocoder::finish() {
    Impl& m = *impl_;
    // Addresses grouped by street, by number and suffix; the file order settles the rest.
    std::stable_sort(m.addresses.begin(), m.addresses.end(), [](const Impl::Address& a, const Impl::Address& b) {
        if (a.street != b.street) return a.street < b.street;
        if (a.number != b.number) return a.number < b.number;
        return a.suffix < b.suffix;
    });
    std::uint32_t i = 0;
    const auto n = static_cast<std::uint32_t>(m.addresses.size());
    m.postings.clear();
    m.street_by_key.clear();
    for (std::uint32_t s = 0; s < m.streets.size(); ++s) {
        auto& street = m.streets[s];
        street.begin = i;
        while (i < n && m.addresses[i].street == s) ++i;
        street.end = i;
        street.numbered_begin = street.begin;
        while (street.numbered_begin < street.end && m.addresses[street.numbered_begin].number == 0)
            ++street.numbered_begin;
        // The street's position: its median-numbered address (the lower middle one), else the
        // position of the street or locality itself.
        const std::uint32_t numbered = street.end - street.numbered_begin;
        street.position = numbered ? street.numbered_begin + (numbered - 1) / 2 : street.begin;
        street.key = geocode::street_key(street.name);
        const auto tri = geocode::trigrams(street.key);
        street.trigram_count = static_cast<std::uint32_t>(tri.size());
        for (const auto t : tri) m.postings.push_back(Impl::Posting{street.commune, t, s});
        m.street_by_key[m.exact_key(street.commune, street.key)].push_back(s);
        if (m.communes[street.commune].first_street < 0) m.communes[street.commune].first_street = s;
    }
    std::sort(m.postings.begin(), m.postings.end());
    std::size_t p = 0;
    m.communes_by_key.clear();
    for (std::uint32_t c = 0; c < m.communes.size(); ++c) {
        auto& commune = m.communes[c];
        commune.key = geocode::city_key(commune.name);
        m.communes_by_key[commune.key].push_back(c);
        commune.postings_begin = static_cast<std::uint32_t>(p);
        while (p < m.postings.size() && m.postings[p].commune == c) ++p;
        commune.postings_end = static_cast<std::uint32_t>(p);
    }
    m.finished = true;
}

namespace {

std::string_view street_id(std::string_view address_id) {
    const auto first = address_id.find('_');
    if (first == std::string_view::npos) return address_id;
    const auto second = address_id.find('_', first + 1);
    return second == std::string_view::npos ? address_id : address_id.substr(0, second);
}

}  // namespace

GeocodeResult Geocoder::geocode(const GeocodeQuery& q) const {
    const Impl& m = *impl_;
    if (!m.finished) throw Error("Geocoder::finish() non appelé");
    GeocodeResult r;
    const auto parsed = geocode::parse_address(q.address);
    r.number = parsed.number;
    const std::string key = geocode::key_of_normalised(parsed.street);

    // 1. The commune(s).
    std::vector<std::uint32_t> candidates;
    double commune_score = 1;
    const std::string code = geocode::pad_code(q.citycode);
    if (!code.empty()) {
        if (auto it = m.commune_by_code.find(code); it != m.commune_by_code.end()) candidates = {it->second};
        else if (auto jt = m.commune_by_old_code.find(code); jt != m.commune_by_old_code.end()) candidates = {jt->second};
    }
    const std::string city = geocode::city_key(q.city);
    const std::string postcode = geocode::pad_code(q.postcode);
    if (candidates.empty() && !postcode.empty()) {
        if (auto it = m.communes_by_postcode.find(postcode); it != m.communes_by_postcode.end()) {
            candidates = it->second;
            if (candidates.size() > 1 && !city.empty()) {
                // Several communes share the postcode: the city name chooses, when it is close enough.
                double best = 0;
                std::uint32_t chosen = 0;
                for (const auto c : candidates) {
                    const double s = geocode::similarity(city, m.communes[c].key);
                    if (s > best) best = s, chosen = c;
                }
                if (best >= m.options.min_score) {
                    candidates = {chosen};
                    commune_score = best;
                }
            }
        }
    }
    if (candidates.empty() && !city.empty()) {
        if (auto it = m.communes_by_key.find(city); it != m.communes_by_key.end()) candidates = it->second;
    }
    if (candidates.empty()) {
        r.reason = "commune introuvable dans la BAN";
        // A code of a département whose BAN file was not given: say which file would help.
        const std::string& from = !code.empty() ? code : postcode;
        if (from.size() == 5) {
            const std::string dep = from.substr(0, from.compare(0, 2, "97") == 0 ? 3 : 2);
            const bool loaded = std::any_of(m.communes.begin(), m.communes.end(), [&](const Impl::Commune& c) {
                return c.code.substr(0, dep.size()) == dep;
            });
            if (!loaded && dep != "20") r.reason += " (fichier adresses-" + dep + ".csv absent de [geocoding] ?)";
        }
        return r;
    }

    // 2. The street, in every candidate commune (several only when a postcode is shared).
    std::int64_t street = -1;
    double street_score = 0;
    if (!key.empty()) {
        const auto tri = geocode::trigrams(key);
        for (const auto c : candidates) {
            const auto [s, score] = m.best_street(c, key, tri, Impl::Hint{code, postcode});
            if (s >= 0 && score > street_score) street = s, street_score = score;
        }
    }
    if (street < 0 || street_score < m.options.min_score) {
        if (candidates.size() > 1) {
            r.reason = "code postal commun à " + std::to_string(candidates.size()) +
                       " communes et voie introuvable : commune indécidable";
            return r;
        }
        const auto& c = m.communes[candidates[0]];
        r.precision = GeocodePrecision::commune;
        r.score = commune_score;
        r.citycode = std::string(c.code);
        r.city = std::string(c.name);
        r.ban_id = r.citycode;
        if (c.first_street >= 0) {
            const auto& sample = m.addresses[m.streets[static_cast<std::size_t>(c.first_street)].position];
            r.has_commune_sample = true;
            r.commune_sample_x = sample.x;
            r.commune_sample_y = sample.y;
        }
        r.reason = key.empty() ? "adresse sans nom de voie"
                               : street < 0 ? "voie introuvable dans la commune"
                                            : "voie introuvable dans la commune (la plus proche, « " +
                                                  std::string(m.streets[static_cast<std::size_t>(street)].name) +
                                                  " », n'est similaire qu'à " +
                                                  std::to_string(static_cast<int>(street_score * 100 + 0.5)) + " %)";
        return r;
    }
    const auto& s = m.streets[static_cast<std::size_t>(street)];
    const auto& c = m.communes[s.commune];
    r.citycode = std::string(c.code);
    r.city = std::string(c.name);
    r.street = std::string(s.name);
    r.score = commune_score * street_score;
    r.has_point = true;
    auto at = [&](std::uint32_t a) {
        r.x = m.addresses[a].x;
        r.y = m.addresses[a].y;
        r.ban_number = m.addresses[a].number;
    };

    // 3. The house number.
    if (parsed.number > 0 && s.numbered_begin < s.end) {
        const auto first = m.addresses.begin() + s.numbered_begin, last = m.addresses.begin() + s.end;
        auto lo = std::lower_bound(first, last, parsed.number,
                                   [](const Impl::Address& a, int n) { return a.number < n; });
        if (lo != last && lo->number == parsed.number) {
            auto hit = lo;
            for (auto it = lo; it != last && it->number == parsed.number; ++it)
                if (it->suffix == parsed.suffix) {
                    hit = it;
                    break;
                }
            at(static_cast<std::uint32_t>(hit - m.addresses.begin()));
            r.precision = GeocodePrecision::housenumber;
            r.ban_id = std::string(hit->id);
            if (hit->suffix != parsed.suffix) {
                r.score *= 0.95;
                r.reason = "indice de répétition (bis, ter…) absent de la BAN pour ce numéro";
            }
            return r;
        }
        // Nearest number: the number just below or just above, whichever is closer (the lower one
        // on a tie).
        auto best = last;
        auto better = [&](const Impl::Address& a, const Impl::Address& b) {  // a closer than b?
            const long da = std::labs(static_cast<long>(a.number) - parsed.number);
            const long db = std::labs(static_cast<long>(b.number) - parsed.number);
            return da != db ? da < db : a.number < b.number;
        };
        for (auto cand : {lo, lo == first ? last : lo - 1}) {
            if (cand == last) continue;
            while (cand != first && (cand - 1)->number == cand->number) --cand;  // its first suffix
            if (best == last || better(*cand, *best)) best = cand;
        }
        at(static_cast<std::uint32_t>(best - m.addresses.begin()));
        r.precision = GeocodePrecision::street;
        r.nearest_number = true;
        r.ban_id = std::string(street_id(best->id));
        r.reason = "numéro " + std::to_string(parsed.number) + " absent de la BAN : point du numéro le plus proche (" +
                   std::to_string(best->number) + ")";
        return r;
    }
    at(s.position);
    r.precision = GeocodePrecision::street;
    r.ban_id = std::string(street_id(m.addresses[s.position].id));
    r.reason = parsed.number > 0 ? "aucun numéro dans la BAN pour cette voie : position de la voie"
                                 : "adresse sans numéro : position de la voie (numéro médian)";
    return r;
}

}  // namespace territoire
