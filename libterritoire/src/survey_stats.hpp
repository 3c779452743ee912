// survey_stats.hpp — the statistics of inhabitant surveys (issue 8): raking of base weights to
// census margins, weighted estimates with 95 % confidence intervals, and the protection of small
// cells. Pure computation: no file, no GDAL. The method, formulas and limits are stated in full in
// docs/survey-method.md (self-sufficient); docs/survey.md describes the survey files and outputs.
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
    int max_iterations = 1000; ///< full passes over the variables (slow but feasible margins can need a few hundred)
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
    // Added after review (additive): what happens when the trim bounds cannot be met.
    /// When bounds_met is false: the weights returned are those of the round (0 = the untrimmed
    /// raked weights) with the smallest design effect, every round meeting the margins, so trimming
    /// never leaves the weights more spread than no trimming. kept_round says which one.
    int kept_round = 0;
    /// French explanation when the bounds are not met (empty otherwise): the categories whose
    /// average weight ratio, census share / sample share, lies outside the bounds (no weights can
    /// then meet them), or else that the rounds did not reach them.
    std::string bounds_message;
};

/// Rakes `base_weights` so that, for every margin, the weighted count of each category equals its
/// census population. `codes[v][i]` is respondent i's category index in margins[v] (0-based).
/// Throws territoire::InputError naming the variable and category when a margin cannot be met
/// (a category with population and no respondent, margins with different totals beyond 1e-6
/// relative, or no convergence within max_iterations; the message then tells a gap still falling,
/// « la convergence est lente : augmentez max_iterations », from a stalled one, « les marges sont
/// sans doute incompatibles »). Errors about one respondent name it "répondant k" in
/// Location::feature, k = i + 1 for index i of the vectors given here: the caller maps it to a
/// file row (and rewrites the location) when the vectors are not the file's rows in order.
/// The tolerance is absolute on shares: loose for a category of a very small share (1e-6 on a
/// share of 1e-4 is 1 % of it); weighted_share in `fit` shows the result.
RakingResult rake(const std::vector<double>& base_weights, const std::vector<std::vector<int>>& codes,
                  const std::vector<Margin>& margins, const RakingOptions& options = {});

/// A weighted mean (a proportion when y is 0/1) and its 95 % confidence interval. The method is
/// documented in docs/survey-method.md.
struct Estimate {
    std::size_t n = 0;      ///< answers given (y.size()), weights of 0 included; the variance of a
                            ///< mean uses the count of positive weights (docs/survey-method.md §2)
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
/// Mean of a score bounded by [lo, hi] (likert levels 1..k): the Wilson interval (Kish n_eff) of the
/// mean rescaled to [0, 1], mapped back; never of zero width. Answers must be in [lo, hi].
Estimate weighted_scale_mean(const std::vector<double>& y, const std::vector<double>& w, double lo, double hi);

/// Small-cell protection of a two-way table of respondent counts: rows are the areas plus a last
/// row for the territory, columns the groups (public, non-public) plus a last column for all.
/// Returns which cells to withhold: every cell with fewer than `min_cell` respondents (primary),
/// plus complementary cells so that no row or column has exactly one withheld cell, no withheld
/// cell can be recovered from the published cells, the sum relations and counts >= 0, and every
/// primary cell can, for such a reader, be min_cell or more (protection level).
/// Limits (docs/survey-method.md §3): the rule is deterministic and public, so a reader who
/// re-runs it on every table compatible with the published cells can sometimes narrow a withheld
/// cell, rarely to one value; nothing protects against other tables sharing cells.
std::vector<std::vector<bool>> protect(const std::vector<std::vector<std::size_t>>& counts,
                                       std::size_t min_cell);

}  // namespace territoire::survey
