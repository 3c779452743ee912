// bench_access.cpp — times the routing engine of issue 7 (access::Router) on the harness's street
// grid (bench/peers_access.py gen writes it):
//
//   bench_access LINES.bin ORIGINS.bin PLACES.bin MAX_M CATCHMENT_M OUT_PREFIX [THREADS]
//
// LINES.bin: float64 records (n_vertices, x0, y0, x1, y1, …) one per line; ORIGINS.bin: float64
// (x, y) pairs; PLACES.bin: float64 (x, y, kind) triples. Timed: building the Router (graph,
// components, snapping every origin and place), one nearest() per kind within MAX_M, then one
// catchment() per place within CATCHMENT_M (on THREADS threads, default 1). Writes
// OUT_PREFIX.nearest.bin (float64 per kind × origin, inf when unreachable) and
// OUT_PREFIX.catchment.bin (float64 per place: number of origins reached, then the sum of their
// costs) for bench/run's check against scipy, and prints one JSON object. Then, untimed in the
// total, isochrones of the first 50 places (seconds per place reported).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "access_routing.hpp"

namespace {

double cpu_now() {
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

std::vector<double> read_doubles(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot open " + path);
    std::vector<char> bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    std::vector<double> v(bytes.size() / sizeof(double));
    std::memcpy(v.data(), bytes.data(), v.size() * sizeof(double));
    return v;
}

void write_doubles(const std::string& path, const std::vector<double>& v) {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(v.data()), static_cast<std::streamsize>(v.size() * sizeof(double)));
    if (!out) throw std::runtime_error("cannot write " + path);
}

}  // namespace

int main(int argc, char** argv) {
    using territoire::Point;
    using namespace territoire::access;
    if (argc < 7) {
        std::cerr << "usage: bench_access LINES.bin ORIGINS.bin PLACES.bin MAX_M CATCHMENT_M OUT_PREFIX [THREADS]\n";
        return 2;
    }
    try {
        const std::vector<double> raw_lines = read_doubles(argv[1]);
        const std::vector<double> raw_origins = read_doubles(argv[2]);
        const std::vector<double> raw_places = read_doubles(argv[3]);
        const double max_m = std::stod(argv[4]), catchment_m = std::stod(argv[5]);
        const std::string out = argv[6];
        const unsigned threads = argc > 7 ? static_cast<unsigned>(std::stoul(argv[7])) : 1;

        std::vector<StreetLine> lines;
        for (std::size_t k = 0; k < raw_lines.size();) {
            const auto n = static_cast<std::size_t>(raw_lines[k++]);
            StreetLine l;
            for (std::size_t v = 0; v < n; ++v, k += 2) l.vertices.push_back(Point{raw_lines[k], raw_lines[k + 1]});
            lines.push_back(std::move(l));
        }
        std::vector<Point> origins, places;
        for (std::size_t k = 0; k + 1 < raw_origins.size(); k += 2) origins.push_back(Point{raw_origins[k], raw_origins[k + 1]});
        std::map<int, std::vector<std::size_t>> kinds;
        for (std::size_t k = 0; k + 2 < raw_places.size(); k += 3) {
            kinds[static_cast<int>(raw_places[k + 2])].push_back(places.size());
            places.push_back(Point{raw_places[k], raw_places[k + 1]});
        }

        const auto wall0 = std::chrono::steady_clock::now();
        const double cpu0 = cpu_now();
        auto since = [](std::chrono::steady_clock::time_point t) {
            return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
        };

        const Router router(lines, origins, places);
        const double build_s = since(wall0);

        const auto t1 = std::chrono::steady_clock::now();
        std::vector<double> nearest_costs;
        nearest_costs.reserve(kinds.size() * origins.size());
        std::size_t reached = 0;
        for (const auto& [kind, set] : kinds) {
            for (const auto& n : router.nearest(set, max_m)) {
                nearest_costs.push_back(n.cost_m);
                reached += n.destination != kNone;
            }
        }
        const double nearest_s = since(t1);

        const auto t2 = std::chrono::steady_clock::now();
        std::vector<double> catchments(2 * places.size(), 0.0);
        std::atomic<std::size_t> next{0};
        auto worker = [&] {
            for (std::size_t j; (j = next++) < places.size();) {
                const auto reach = router.catchment(j, catchment_m);
                double sum = 0;
                for (const auto& r : reach) sum += r.cost_m;
                catchments[2 * j] = static_cast<double>(reach.size());
                catchments[2 * j + 1] = sum;
            }
        };
        std::vector<std::thread> pool;
        for (unsigned t = 1; t < threads; ++t) pool.emplace_back(worker);
        worker();
        for (auto& t : pool) t.join();
        const double catchment_s = since(t2);
        const double seconds = since(wall0), cpu_seconds = cpu_now() - cpu0;

        // Not in the total (the peer has none): isochrones at 5 / 10 / 15 min of the first 50
        // places, buffered by 25 m, as the access_grid step would draw them.
        const auto t3 = std::chrono::steady_clock::now();
        const std::size_t iso_places = std::min<std::size_t>(50, places.size());
        std::size_t iso_bytes = 0;
        for (std::size_t j = 0; j < iso_places; ++j)
            for (const auto& w : router.isochrones(j, {catchment_m / 3, 2 * catchment_m / 3, catchment_m}, 25)) iso_bytes += w.size();
        const double iso_s = iso_places ? since(t3) / static_cast<double>(iso_places) : 0;

        write_doubles(out + ".nearest.bin", nearest_costs);
        write_doubles(out + ".catchment.bin", catchments);
        const auto& st = router.network_stats();
        std::printf(
            "{\"seconds\": %.6f, \"cpu_seconds\": %.6f, \"build_seconds\": %.6f, \"nearest_seconds\": %.6f, "
            "\"catchment_seconds\": %.6f, \"lines\": %zu, \"nodes\": %zu, \"edges\": %zu, \"components\": %zu, "
            "\"origins\": %zu, \"places\": %zu, \"kinds\": %zu, \"nearest_reached\": %zu, \"threads\": %u, "
            "\"isochrones_seconds_per_place\": %.6f, \"isochrones_wkb_bytes\": %zu}\n",
            seconds, cpu_seconds, build_s, nearest_s, catchment_s, st.lines, st.nodes, st.edges, st.components, origins.size(),
            places.size(), kinds.size(), reached, threads, iso_s, iso_bytes);
    } catch (const std::exception& e) {
        std::cerr << "bench_access: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
