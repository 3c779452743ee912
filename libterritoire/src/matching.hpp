// matching.hpp — step `matching`: one actor (or place), several sources. Records of different
// sources that share an identifier (SIRET, RNA id, the ministry's origin id…) or whose normalised
// names are close and whose points are near are merged into one, every provenance kept; ambiguous
// pairs are left to the consultant (match_candidates, override file). docs/matching.md.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "source.hpp"
#include "territoire/pipeline.hpp"

namespace territoire {

class Workspace;

namespace matching {

/// Tokens of a name as compared: UTF-8 folded to lower-case ASCII (accents, ligatures), split on
/// anything that is not a letter or a digit, "st"/"ste" read as "saint"/"sainte", stop words
/// (articles, prepositions, legal forms such as association or compagnie) and one-letter tokens
/// dropped; sorted, without repeats.
std::vector<std::string> name_tokens(std::string_view name);

/// Jaro-Winkler similarity of two ASCII strings (prefix scale 0.1, prefix up to 4), in [0, 1].
double jaro_winkler(std::string_view a, std::string_view b);

/// Similarity of two token lists in [0, 1]: tokens are paired one to one, equal ones first, then
/// those of at least 5 letters with a Jaro-Winkler similarity of at least 0.92; with m pairs,
/// score = (m / (|A| + |B| − m) + m / min(|A|, |B|)) / 2, the mean of the Jaccard and overlap
/// coefficients. 0 when either list is empty.
double token_similarity(const std::vector<std::string>& a, const std::vector<std::string>& b);

/// token_similarity(name_tokens(a), name_tokens(b)).
double name_similarity(std::string_view a, std::string_view b);

/// An identifier as compared, or why it is unusable.
struct Identifier {
    std::string value;  ///< normalised; empty when the cell is empty or the value malformed
    std::string error;  ///< French, when malformed
};

/// Normalises an identifier of `kind`: white space removed (also no-break spaces), upper-case.
/// siret: 14 digits; siren: 9 digits; rna: W and 9 letters or digits; other kinds: any text.
Identifier normalise_identifier(const std::string& kind, std::string_view raw);

}  // namespace matching

/// Reads the identifiers (`ids = { kind = "column" }`) of a source's records; columns resolved once.
class IdentifierReader {
public:
    IdentifierReader(const SourceSpec& spec, const SourceData& data);
    /// The record's normalised identifiers; malformed ones are reported (invalid_identifier) and left out.
    std::map<std::string, std::string> read(const Record& rec, ProblemReporter& problems) const;

private:
    const SourceSpec& spec_;
    std::vector<std::pair<std::string, int>> columns_;  // kind, column
};

/// Step `matching`: merges actors, then places, of different sources (after they are located,
/// before links are read). Fills Actor/Place::sources, Diagnostic::actor_aliases, place_aliases and
/// match_candidates; reports ambiguous pairs and the override file's problems.
void build_matching(Workspace& ws, Diagnostic& d);

/// The tables match_candidates, actor_sources and place_sources.
std::vector<Table> matching_tables(const Diagnostic& d);

}  // namespace territoire
