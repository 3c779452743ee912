// geocoder.hpp — offline geocoding against the Base Adresse Nationale (BAN), docs/geocoding.md.
//
// The BAN département files (`adresses-XX.csv`, 23 columns, `;`, UTF-8) are read by a streaming
// parser of our own: half a million rows must load in about a second, and detail/csv.hpp keeps
// every field of every row as a std::string (several times the file's size in memory). The file's
// bytes are kept and addresses point into them.
//
// Matching: commune (INSEE code, else the postcode's communes chosen by city name, else the city
// name), then street (exact normalised name, else the best trigram Dice similarity among the
// commune's streets), then house number (exact, else the nearest number of the street).
// Internal: not part of the public API.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace territoire {

namespace detail {
class Transformer;
}

enum class GeocodePrecision { housenumber, street, commune, failed };

/// "housenumber", "street", "commune" or "failed" (the values of the geocode_precision field).
const char* precision_name(GeocodePrecision p);

/// One address to geocode. Every part may be empty.
struct GeocodeQuery {
    std::string address;   ///< number, suffix and street, e.g. "12 B RUE DE LA GARE"
    std::string postcode;
    std::string citycode;  ///< INSEE code of the commune
    std::string city;
};

struct GeocodeResult {
    GeocodePrecision precision = GeocodePrecision::failed;
    double score = 0;           ///< 0–1: confidence of the match at its precision (docs/geocoding.md)
    bool has_point = false;     ///< housenumber and street precision: (x, y) in the working CRS
    double x = 0, y = 0;
    std::string ban_id;         ///< address id, street id (its first two parts) or INSEE code
    std::string citycode;       ///< INSEE code of the commune reached (empty when failed)
    std::string city;           ///< its BAN name
    std::string street;         ///< BAN name of the street reached
    int number = 0;             ///< number asked (0: none)
    int ban_number = 0;         ///< number of the BAN address used
    bool nearest_number = false;  ///< the number asked is not in the BAN: nearest number of the street
    std::string reason;         ///< French: why the precision is below housenumber
    /// Commune precision: one BAN address of the commune (the position of its first street in the
    /// file), to tell whether the commune lies in the territory; never a position for the record.
    bool has_commune_sample = false;
    double commune_sample_x = 0, commune_sample_y = 0;
};

namespace geocode {

/// Lower-case ASCII words: accents folded, punctuation and apostrophes as spaces, single spaces.
std::string fold(std::string_view text);

/// Street name as compared: fold(), then abbreviations expanded ("av" → "avenue", "st" →
/// "saint"…), e.g. "Av. du Gal de Gaulle" → "avenue du general de gaulle".
std::string normalise_street(std::string_view text);

/// A street name's matching key: normalise_street() without the little words (de, la, du, l…)
/// and the "lieu-dit" markers: "rue de la gare" → "rue gare".
std::string street_key(std::string_view text);

/// House-number suffix code: 0 none, 1 bis (b), 2 ter (t), 3 quater (q), 4 quinquies, 10 + n for
/// the letter 'a' + n. "bis" and "b" are the same suffix (both spellings are in the BAN).
int suffix_code(std::string_view folded_suffix);

/// An address line split into its number, suffix and street: "12 bis rue …", "12B rue …",
/// "12-14 rue …" (→ 12), "12 ter, av. …".
struct ParsedAddress {
    int number = 0;  ///< 0: none
    int suffix = 0;  ///< suffix_code()
    std::string street;  ///< normalise_street() of the rest
};
ParsedAddress parse_address(std::string_view line);

/// Trigram Dice coefficient 2|A∩B| / (|A| + |B|) of two keys, each padded with one space at both
/// ends; 1 for equal keys, 0 when either is empty.
double dice(std::string_view key_a, std::string_view key_b);

/// 1 − d / max(|a|, |b|), d the optimal-string-alignment distance (insertions, deletions,
/// substitutions and transpositions of adjacent characters, each counting 1); 0 when either is empty.
double edit_similarity(std::string_view key_a, std::string_view key_b);

/// The street and commune score: max(dice, edit_similarity).
double similarity(std::string_view key_a, std::string_view key_b);

/// The distinct trigrams of a key (padded as in similarity()), sorted.
std::vector<std::uint32_t> trigrams(std::string_view key);

}  // namespace geocode

struct GeocoderOptions {
    double min_score = 0.7;  ///< a street whose similarity is below this is not accepted
};

/// What was read from one BAN file.
struct BanFileStats {
    std::string file;
    std::size_t rows = 0;       ///< data rows
    std::size_t addresses = 0;  ///< kept
    std::size_t skipped = 0;    ///< without usable coordinates or commune
};

class Geocoder {
public:
    explicit Geocoder(GeocoderOptions options = {});
    ~Geocoder();
    Geocoder(const Geocoder&) = delete;
    Geocoder& operator=(const Geocoder&) = delete;

    /// Reads a BAN file. `from_wgs84` reprojects lon/lat to the working CRS; rows without lon/lat
    /// use x/y (Lambert-93 in metropolitan France) through `from_lambert93` when given. Throws
    /// InputError naming the file (and line) when the file is unreadable or lacks a BAN column.
    BanFileStats load(const std::filesystem::path& path, const std::string& as_written,
                      const detail::Transformer& from_wgs84, const detail::Transformer* from_lambert93);
    /// Builds the indexes; call once after every load().
    void finish();

    GeocodeResult geocode(const GeocodeQuery& query) const;

    std::size_t address_count() const;
    std::size_t street_count() const;
    std::size_t commune_count() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace territoire
