// access_routing.cpp — PLACEHOLDER (base for issue 7): straight-line costs by brute force and no
// street network yet. The routing engine replaces this whole file.
#include "access_routing.hpp"

#include <algorithm>
#include <cmath>

#include "territoire/error.hpp"

namespace territoire::access {

struct Router::Impl {
    std::vector<Point> origins;
    std::vector<Point> destinations;
    std::vector<Snap> origin_snaps;
    std::vector<Snap> destination_snaps;
    NetworkStats stats;
};

Router::Router(std::vector<Point> origins, std::vector<Point> destinations) : impl_(new Impl) {
    impl_->origin_snaps.assign(origins.size(), Snap{});
    impl_->destination_snaps.assign(destinations.size(), Snap{});
    impl_->origins = std::move(origins);
    impl_->destinations = std::move(destinations);
}

Router::Router(const std::vector<StreetLine>&, std::vector<Point>, std::vector<Point>) {
    throw Error("réseau de rues : pas encore disponible");
}

Router::~Router() = default;
Router::Router(Router&&) noexcept = default;
Router& Router::operator=(Router&&) noexcept = default;

bool Router::uses_network() const { return false; }
const NetworkStats& Router::network_stats() const { return impl_->stats; }
const std::vector<Snap>& Router::origin_snaps() const { return impl_->origin_snaps; }
const std::vector<Snap>& Router::destination_snaps() const { return impl_->destination_snaps; }

std::vector<Router::Nearest> Router::nearest(const std::vector<std::size_t>& destinations, double max_m) const {
    std::vector<Nearest> out(impl_->origins.size());
    for (std::size_t i = 0; i < impl_->origins.size(); ++i) {
        for (std::size_t j : destinations) {
            const double d = std::hypot(impl_->origins[i].x - impl_->destinations[j].x,
                                        impl_->origins[i].y - impl_->destinations[j].y);
            if (d <= max_m && (d < out[i].cost_m || (d == out[i].cost_m && j < out[i].destination)))
                out[i] = Nearest{d, j};
        }
    }
    return out;
}

std::vector<Router::Reach> Router::catchment(std::size_t j, double max_m) const {
    std::vector<Reach> out;
    for (std::size_t i = 0; i < impl_->origins.size(); ++i) {
        const double d = std::hypot(impl_->origins[i].x - impl_->destinations[j].x,
                                    impl_->origins[i].y - impl_->destinations[j].y);
        if (d <= max_m) out.push_back(Reach{i, d});
    }
    return out;
}

std::vector<Wkb> Router::isochrones(std::size_t, const std::vector<double>& max_m, double) const {
    return std::vector<Wkb>(max_m.size());  // placeholder: empty geometries
}

}  // namespace territoire::access
