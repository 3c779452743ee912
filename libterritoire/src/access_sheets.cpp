// access_sheets.cpp — see access_sheets.hpp.
#include "access_sheets.hpp"

#include <cmath>
#include <functional>
#include <variant>

#include "style.hpp"

namespace territoire {
namespace {

const Table* find_table(const Diagnostic& d, const std::string& name) {
    for (const auto& t : d.tables)
        if (t.name == name) return &t;
    return nullptr;
}

std::string text_of(const Value& v) {
    const auto* s = std::get_if<std::string>(&v);
    return s ? *s : std::string();
}

const double* number_of(const Value& v) { return std::get_if<double>(&v); }

// Minutes and percentages with one decimal; other values (scores, ratios, populations) whole when
// they are, else with two decimals below 10 and one from 10 on: French numbers.
std::string decimal(double v) {
    if (v == std::floor(v)) return style::french_number(v, 0);
    return style::french_number(v, std::fabs(v) < 10 ? 2 : 1);
}
std::string minutes(double v) { return style::french_number(v, 1) + "\u00a0min"; }
std::string percent(double v) { return style::french_number(v, 1) + "\u00a0%"; }
std::string max_label(double v) { return style::french_number(v, v == std::floor(v) ? 0 : 1); }

}  // namespace

AccessSections::AccessSections(const Diagnostic& d) : d_(d) {
    areas_ = find_table(d, "areas");
    contrast_ = find_table(d, "sheets_contrast");
    if (const Table* summary = find_table(d, "access_summary")) {
        const int code = summary->field_index("indicator"), text = summary->field_index("text");
        for (const auto& row : summary->rows)
            if (code >= 0 && text >= 0 && text_of(row[static_cast<std::size_t>(code)]) == "distance_mode")
                mode_ = text_of(row[static_cast<std::size_t>(text)]);
    }
    if (!areas_) return;
    // The kinds in the order of the fields (access.cpp writes them per kind); the kind itself from
    // the alias of fca_mean_<slug>, "Accessibilité 2SFCA moyenne : <kind>".
    const std::string prefix = "Accessibilité 2SFCA moyenne : ";
    for (const auto& f : areas_->fields) {
        if (f.name.rfind("fca_mean_", 0) != 0) continue;
        const std::string slug = f.name.substr(std::string("fca_mean_").size());
        Kind k;
        k.name = f.alias.rfind(prefix, 0) == 0 ? f.alias.substr(prefix.size()) : slug;
        k.mean = areas_->field_index("time_mean_min_" + slug);
        k.unreached = areas_->field_index("unreached_pct_" + slug);
        k.beyond10 = areas_->field_index("beyond10_pct_" + slug);
        k.beyond20 = areas_->field_index("beyond20_pct_" + slug);
        k.fca = areas_->field_index(f.name);
        kinds_.push_back(k);
    }
    const int id = areas_->field_index("area_id");
    if (id >= 0)
        for (std::size_t r = 0; r < areas_->rows.size(); ++r) row_of_area_[text_of(areas_->rows[r][static_cast<std::size_t>(id)])] = r;
}

void AccessSections::add(sheets::TemplateData& data, const std::string& area_id) const {
    const double max_minutes = d_.project.access.max_minutes;
    data.set("has_access", "").set("access_mode", mode_).set("access_max_minutes", max_label(max_minutes));
    data.set("access_catchment_minutes", max_label(d_.project.access.catchment_minutes));
    data.set("access_no_cells", "");
    std::vector<sheets::TemplateData> rows;
    const auto found = row_of_area_.find(area_id);
    if (kinds_.empty() || found == row_of_area_.end()) {
        data.lists["access_rows"] = std::move(rows);
        return;
    }
    const auto& row = areas_->rows[found->second];
    auto cell = [&](int col, const std::function<std::string(double)>& format, const std::string& missing) {
        if (col < 0) return missing;
        const double* v = number_of(row[static_cast<std::size_t>(col)]);
        return v && std::isfinite(*v) ? format(*v) : missing;
    };
    bool any_value = false;
    for (const Kind& k : kinds_) {
        any_value = any_value || (k.unreached >= 0 && number_of(row[static_cast<std::size_t>(k.unreached)]));
        rows.push_back(sheets::TemplateData()
                           .set("kind", k.name)
                           .set("mean", cell(k.mean, minutes, "aucun habitant à " + max_label(max_minutes) + "\u00a0min ou moins"))
                           .set("unreached", cell(k.unreached, percent, "—"))
                           .set("beyond10", cell(k.beyond10, percent, "non mesuré"))
                           .set("beyond20", cell(k.beyond20, percent, "non mesuré"))
                           .set("fca", cell(k.fca, decimal, "—")));
    }
    // An area without inhabited cell has no figure: one sentence instead of a table of dashes.
    data.set("has_access", "oui");
    if (!any_value) {
        data.set("access_no_cells", "oui");
        rows.clear();
    }
    data.lists["access_rows"] = std::move(rows);
}

void AccessSections::add_contrast(sheets::TemplateData& data) const {
    data.set("has_contrast", "").set("contrast_title", "").set("contrast_a", "").set("contrast_b", "").set("contrast_mode", mode_);
    std::vector<sheets::TemplateData> rows;
    if (!contrast_ || !d_.project.contrast) {
        data.lists["contrast_rows"] = std::move(rows);
        return;
    }
    const auto& c = *d_.project.contrast;
    data.set("has_contrast", "oui").set("contrast_title", c.a_name + " et " + c.b_name).set("contrast_a", c.a_name).set("contrast_b", c.b_name);
    const Table& t = *contrast_;
    const int kind = t.field_index("kind"), label = t.field_index("label"), a = t.field_index("value_a"),
              b = t.field_index("value_b"), ratio = t.field_index("ratio_a_b"), note = t.field_index("note");
    const int code = t.field_index("indicator");
    // Times and shares with one decimal, as on the area sheets; the rest (ratios, scores) by decimal().
    auto num = [&](const std::vector<Value>& row, int col, bool ratio_col) {
        const double* v = col < 0 ? nullptr : number_of(row[static_cast<std::size_t>(col)]);
        if (!v || !std::isfinite(*v)) return std::string("—");
        const std::string indicator = code < 0 ? std::string() : text_of(row[static_cast<std::size_t>(code)]);
        const bool one_decimal = !ratio_col && (indicator.rfind("time_", 0) == 0 || (indicator.size() > 4 && indicator.compare(indicator.size() - 4, 4, "_pct") == 0));
        return one_decimal ? style::french_number(*v, 1) : decimal(*v);
    };
    std::string last_kind = "\x01";
    for (const auto& row : t.rows) {
        const std::string k = kind < 0 ? std::string() : text_of(row[static_cast<std::size_t>(kind)]);
        rows.push_back(sheets::TemplateData()
                           .set("kind", k == last_kind ? "" : (k.empty() ? "ensemble" : k))  // the kind on its first line only
                           .set("label", label < 0 ? "" : text_of(row[static_cast<std::size_t>(label)]))
                           .set("value_a", num(row, a, false))
                           .set("value_b", num(row, b, false))
                           .set("ratio", num(row, ratio, true))
                           .set("note", note < 0 ? "" : text_of(row[static_cast<std::size_t>(note)])));
        last_kind = k;
    }
    data.lists["contrast_rows"] = std::move(rows);
}

}  // namespace territoire
