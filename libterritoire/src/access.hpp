// access.hpp — step `access` (issue 7, docs/access.md): who is far from culture. Population cells
// ([population]) are joined to the places of each measured kind through access::Router (street
// network from [network], or straight lines), giving per cell the nearest place, the places within
// the catchment and the two-step floating catchment accessibility (2SFCA); then per area the
// population-weighted times, the territory's inequality indices and the contrast between two sets
// of areas ([contrast]). Internal.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "access_routing.hpp"
#include "territoire/table.hpp"

namespace territoire {
class Workspace;
struct Diagnostic;

namespace access {

enum class Decay { step, gaussian };

/// Weight of a cost `t` within the catchment `t0` (same unit): step 1 for t ≤ t0; gaussian
/// G(t) = (exp(-½(t/t0)²) − exp(-½)) / (1 − exp(-½)) for t ≤ t0 (1 at 0, 0 at t0); 0 beyond t0.
double decay_weight(Decay decay, double t, double t0);

/// Two-step floating catchment accessibility of every origin (not scaled). `catchments[j]` lists
/// the origins whose cost origin → destination j is at most t0, with that cost (Router::catchment).
/// Step 1: R_j = S_j / Σ_k w(t_kj) P_k (0 when no inhabitant reaches j); step 2:
/// A_i = Σ_j w(t_ij) R_j. With Decay::step this is exactly the classic 2SFCA.
std::vector<double> two_step_fca(const std::vector<double>& population, const std::vector<double>& supply,
                                 const std::vector<std::vector<Router::Reach>>& catchments, double t0, Decay decay);

/// Gini index of `values` over `weights` (inhabitants): Σ_i Σ_j w_i w_j |x_i − x_j| / (2 W² μ),
/// μ the weighted mean. Empty when W = 0 or μ = 0. Entries with weight ≤ 0 are ignored.
std::optional<double> weighted_gini(const std::vector<double>& values, const std::vector<double>& weights);
/// Theil index T = (1/W) Σ_i w_i (x_i/μ) ln(x_i/μ), with 0·ln 0 = 0. Empty when W = 0 or μ = 0.
std::optional<double> weighted_theil(const std::vector<double>& values, const std::vector<double>& weights);

/// Population-weighted median: the smallest value whose cumulative weight reaches half the total
/// (values may be +∞: unreachable); empty when the total weight is 0 or when half or more of it is
/// unreachable (exactly half included: the median then lies between a time and "beyond"). Weights
/// are compared to half the total with a relative tolerance of 1e-9.
std::optional<double> weighted_median(const std::vector<double>& values, const std::vector<double>& weights);

/// Theil index split between and within groups (areas): T = between + within, with
/// between = Σ_g s_g ln(μ_g/μ) and within = Σ_g s_g T_g, s_g = W_g μ_g / (W μ) the group's share of
/// the total score, μ_g and T_g the group's weighted mean and own Theil index. `groups[i]` is the
/// group of entry i. Both empty when W = 0 or μ = 0.
struct TheilParts {
    std::optional<double> between, within;
};
TheilParts theil_decomposition(const std::vector<double>& values, const std::vector<double>& weights,
                               const std::vector<std::size_t>& groups);

/// An INSPIRE grid cell code as INSEE writes it in Filosofi, "CRS3035RES200mN2029800E4252400":
/// EPSG code, resolution in metres, northing and easting of the SOUTH-WEST corner.
struct GridCellCode {
    int epsg = 0;
    double resolution_m = 0;
    double north = 0;
    double east = 0;
};
std::optional<GridCellCode> parse_grid_cell_code(const std::string& code);

}  // namespace access

/// What the access step computed, turned into tables once the others exist.
struct AccessOutcome {
    bool enabled = false;
    std::vector<Table> tables;                           ///< access_grid, isochrones, access_summary, sheets_contrast
    std::vector<Field> area_fields;                      ///< appended to `areas`
    std::map<std::string, std::vector<Value>> area_values;  ///< by area id, parallel to area_fields
};

/// Runs the access step (nothing without [population]); fills areas' missing population from the
/// grid when no area has one. Throws ProjectError for an unknown kind or contrast area, InputError
/// for unusable population or street sources.
AccessOutcome build_access(Workspace& ws, Diagnostic& d);

/// Adds the access tables and the areas' access fields to d.tables (after build_tables).
void add_access_tables(AccessOutcome&& outcome, Diagnostic& d);

}  // namespace territoire
