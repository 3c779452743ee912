// access_sheets.hpp — the access figures of the HTML sheets (issue 7, docs/access.md,
// docs/sheets.md): the « Accès à pied » section of each area's sheet (data/templates/sheets/
// acces.html), from the access fields of the `areas` table, and the contrast between two sets of
// areas on the index (contraste.html), from `sheets_contrast`. Internal.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "html_template.hpp"
#include "territoire/pipeline.hpp"

namespace territoire {

class AccessSections {
public:
    explicit AccessSections(const Diagnostic& d);
    /// Sets `has_access`, `access_mode`, `access_max_minutes` and the list `access_rows` (one per
    /// measured kind) of one area's page; `has_access` is empty without access measures.
    void add(sheets::TemplateData& data, const std::string& area_id) const;
    /// Sets `has_contrast`, `contrast_title`, `contrast_a`, `contrast_b`, `contrast_mode` and the
    /// list `contrast_rows` of the index page; `has_contrast` is empty without [contrast].
    void add_contrast(sheets::TemplateData& data) const;

private:
    struct Kind {
        std::string name;  ///< as the user wrote it
        int mean = -1, unreached = -1, beyond10 = -1, beyond20 = -1, fca = -1;  ///< columns of `areas`
    };
    const Diagnostic& d_;
    const Table* areas_ = nullptr;
    const Table* contrast_ = nullptr;
    std::vector<Kind> kinds_;
    std::map<std::string, std::size_t> row_of_area_;
    std::string mode_;  ///< « réseau de rues » or « ligne droite (…) », from access_summary
};

}  // namespace territoire
