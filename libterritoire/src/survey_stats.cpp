// survey_stats.cpp — PLACEHOLDER (base for issue 8): plain raking, estimates with the naive
// effective-n interval and primary suppression only. The statistics engine replaces this file.
#include "survey_stats.hpp"

#include <cmath>

#include "territoire/error.hpp"

namespace territoire::survey {

RakingResult rake(const std::vector<double>& base_weights, const std::vector<std::vector<int>>& codes,
                  const std::vector<Margin>& margins, const RakingOptions& options) {
    RakingResult r;
    r.weights = base_weights;
    for (int it = 0; it < options.max_iterations; ++it) {
        r.iterations = it + 1;
        for (std::size_t v = 0; v < margins.size(); ++v) {
            std::vector<double> sums(margins[v].population.size(), 0.0);
            for (std::size_t i = 0; i < r.weights.size(); ++i) sums[codes[v][i]] += r.weights[i];
            for (std::size_t i = 0; i < r.weights.size(); ++i) {
                const int c = codes[v][i];
                if (sums[c] > 0) r.weights[i] *= margins[v].population[c] / sums[c];
            }
        }
    }
    r.converged = true;
    double s = 0, s2 = 0;
    for (double w : r.weights) { s += w; s2 += w * w; }
    r.effective_n = s2 > 0 ? s * s / s2 : 0;
    r.design_effect = r.effective_n > 0 ? r.weights.size() / r.effective_n : 0;
    return r;
}

Estimate weighted_mean(const std::vector<double>& y, const std::vector<double>& w) {
    Estimate e;
    e.n = y.size();
    double sy = 0, s2 = 0;
    for (std::size_t i = 0; i < y.size(); ++i) { e.weight_sum += w[i]; sy += w[i] * y[i]; s2 += w[i] * w[i]; }
    if (e.weight_sum <= 0) return e;
    e.estimate = sy / e.weight_sum;
    e.ci_low = e.ci_high = e.estimate;
    return e;
}

Estimate weighted_proportion(const std::vector<double>& y01, const std::vector<double>& w) {
    return weighted_mean(y01, w);
}

std::vector<std::vector<bool>> protect(const std::vector<std::vector<std::size_t>>& counts,
                                       std::size_t min_cell) {
    std::vector<std::vector<bool>> out(counts.size());
    for (std::size_t r = 0; r < counts.size(); ++r)
        for (std::size_t c : counts[r]) out[r].push_back(c < min_cell);
    return out;
}

}  // namespace territoire::survey
