// survey_stats.hpp — the statistics of inhabitant surveys (issue 8, docs/survey.md): raking of
// base weights to census margins, weighted estimates with 95 % confidence intervals, and the
// protection of small cells. Pure computation: no file, no GDAL.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace territoire::survey {

/// The census margin of one raking variable ("age", "sexe"…).
struct Margin {
    std::string variable;
    std::vector<std::string> categories;
    std::vector<double> population;  ///< census population of each category (same order)
};

struct RakingOptions {
    double tolerance = 1e-6;   ///< stop when every weighted category share is within this of its census share
    int max_iterations = 100;  ///< full passes over the variables
    std::optional<double> trim_low;   ///< lower bound of weight / mean weight after raking (e.g. 0.2)
    std::optional<double> trim_high;  ///< upper bound of weight / mean weight after raking (e.g. 5)
};

/// Weighted vs census distribution of one category, before and after raking.
struct CategoryFit {
    std::string variable;
    std::string category;
    double census_share = 0;
    double raw_share = 0;       ///< with the base weights
    double weighted_share = 0;  ///< with the final weights
};

struct RakingResult {
    std::vector<double> weights;  ///< one per respondent; they sum to the margins' population total
    int iterations = 0;
    bool converged = false;
    double max_gap = 0;           ///< largest |weighted share − census share| at the end
    double effective_n = 0;       ///< Kish: (Σw)² / Σw²
    double design_effect = 0;     ///< Kish: n / effective_n
    std::vector<CategoryFit> fit; ///< every category of every margin, in margin order
    // Added by the statistics engine (issue 8), after the interface above:
    int trim_rounds = 0;          ///< rounds of "trim, then re-rake" (0 without trim bounds)
    bool bounds_met = true;       ///< every final weight / mean weight lies within the trim bounds (±0,1 %)
    double min_weight_ratio = 0;  ///< smallest final weight / mean weight
    double max_weight_ratio = 0;  ///< largest final weight / mean weight
};

/// Rakes `base_weights` so that, for every margin, the weighted count of each category equals its
/// census population. `codes[v][i]` is respondent i's category index in margins[v] (0-based).
/// Throws territoire::InputError naming the variable and category when a margin cannot be met
/// (a category with population and no respondent, margins with different totals beyond 1e-6
/// relative, or no convergence within max_iterations).
RakingResult rake(const std::vector<double>& base_weights, const std::vector<std::vector<int>>& codes,
                  const std::vector<Margin>& margins, const RakingOptions& options = {});

/// A weighted mean (a proportion when y is 0/1) and its 95 % confidence interval. The method is
/// documented in docs/survey.md.
struct Estimate {
    std::size_t n = 0;      ///< respondents
    double weight_sum = 0;
    double estimate = 0;
    double ci_low = 0;
    double ci_high = 0;
};
// (Statistics engine:) the methods are in docs/survey-method.md: linearisation for means, Wilson
// with Kish's effective n for proportions. Without respondent (or with Σw = 0) estimate and bounds
// are NaN; a mean of one respondent has NaN bounds. Weights must be finite and >= 0, proportions'
// answers in [0, 1] (std::invalid_argument otherwise).
Estimate weighted_mean(const std::vector<double>& y, const std::vector<double>& w);
Estimate weighted_proportion(const std::vector<double>& y01, const std::vector<double>& w);

/// Small-cell protection of a two-way table of respondent counts: rows are the areas plus a last
/// row for the territory, columns the groups (public, non-public) plus a last column for all.
/// Returns which cells to withhold: every cell with fewer than `min_cell` respondents (primary),
/// plus complementary cells so that no row or column has exactly one withheld cell, and so no
/// withheld cell can be recovered by difference from published totals.
std::vector<std::vector<bool>> protect(const std::vector<std::vector<std::size_t>>& counts,
                                       std::size_t min_cell);

}  // namespace territoire::survey
