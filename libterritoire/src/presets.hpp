// presets.hpp — presets of known French sources and crosswalks of official codes (docs/presets.md).
// A preset is a data file, data/nomenclatures/presets/<name>.toml, naming its source and giving,
// for each kind of block, candidate column names (the first one present in the file's header is
// used), constants (separator, encoding…), record rules (codes padded with zeros, dissolved
// associations left out) and a crosswalk from official codes to kinds, families and domains.
#pragma once

#include <map>
#include <set>
#include <string>

#include "source.hpp"
#include "territoire/error.hpp"
#include "territoire/project.hpp"

namespace territoire {

/// Fills the keys of `spec` that the block does not set itself (`explicit_keys`) from the preset
/// `spec.preset`, resolving candidate columns against the source's header. `block_kind` is
/// "territory", "areas", "places" or "actors"; `where` locates the `preset` key for messages.
/// Throws ProjectError (unknown preset, block kind not covered) or InputError (no candidate column
/// present in the file, naming the file and the candidates).
void apply_preset(SourceSpec& spec, const std::set<std::string>& explicit_keys, const std::string& block_kind,
                  const Location& where);

/// Rules applied to the records once read: numeric codes padded with zeros (`code_widths`), list
/// columns reduced to their first item (`list_fields`), records whose status is excluded left out
/// unless `include_dissolved` (counted in data.excluded).
void apply_record_rules(const SourceSpec& spec, SourceData& data);

/// One row of a crosswalk.
struct CrosswalkEntry {
    std::string code;
    std::string label;
    std::string kind;    ///< place kind
    std::string family;  ///< actor family
    std::string domain;
    std::size_t line = 0;
};

/// A code → kind/family/domain table: CSV with a header `code;label;kind;family;domain` (label, kind,
/// family and domain optional), `#` comment lines first (the source of the nomenclature). Codes
/// are compared without case, accents or punctuation; a code made of letters and digits only that is
/// absent is looked up by its longest listed prefix (RNA 006030 → theme 006).
class Crosswalk {
public:
    Crosswalk() = default;
    /// Reads `spec.crosswalk`; throws InputError naming the file and line.
    explicit Crosswalk(const SourceSpec& spec);
    bool empty() const { return entries_.empty(); }
    const CrosswalkEntry* find(const std::string& code) const;
    const std::string& file() const { return file_; }

private:
    std::string file_;
    std::map<std::string, CrosswalkEntry> entries_;  // by normalised code
};

/// The kind or family given to a code absent from the crosswalk: « non classé (<code>) », the code
/// kept visible (docs/presets.md).
std::string unclassified_category(const std::string& code);

}  // namespace territoire
