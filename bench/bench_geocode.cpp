// bench_geocode.cpp — times libterritoire's offline BAN geocoder (geocoder.hpp) for bench/run:
// load + index of a BAN file, then every query, as the pipeline does it.
//
//   bench_geocode BAN.csv QUERIES.csv OUT.csv
//
// QUERIES.csv: id;address;postcode;citycode;city;… (gen_ban.py). OUT.csv: id;precision;score;ban_id.
// Prints one JSON object: seconds (load + index + geocode), load_seconds, index_seconds,
// geocode_seconds, their CPU counterparts, addresses, streets, communes, queries. Reading the
// queries file is not timed.
#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "detail/proj.hpp"
#include "geocoder.hpp"

namespace {

double cpu_now() {
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

double wall_now() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::vector<std::string> split(const std::string& line) {
    std::vector<std::string> out;
    std::string field;
    std::istringstream in(line);
    while (std::getline(in, field, ';')) out.push_back(field);
    if (!line.empty() && line.back() == ';') out.emplace_back();
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 4) {
        std::cerr << "usage: bench_geocode BAN.csv QUERIES.csv OUT.csv\n";
        return 2;
    }
    try {
        std::vector<std::pair<std::string, territoire::GeocodeQuery>> queries;
        {
            std::ifstream in(argv[2]);
            std::string line;
            std::getline(in, line);  // header
            while (std::getline(in, line)) {
                const auto f = split(line);
                if (f.size() < 5) continue;
                queries.push_back({f[0], territoire::GeocodeQuery{f[1], f[2], f[3], f[4]}});
            }
        }
        territoire::detail::Transformer from_wgs84("EPSG:4326", "EPSG:2154");
        territoire::detail::Transformer from_l93("EPSG:2154", "EPSG:2154");

        const double w0 = wall_now(), c0 = cpu_now();
        territoire::Geocoder geocoder;
        geocoder.load(argv[1], argv[1], from_wgs84, &from_l93);
        const double w1 = wall_now(), c1 = cpu_now();
        geocoder.finish();
        const double w2 = wall_now(), c2 = cpu_now();
        std::vector<territoire::GeocodeResult> results;
        results.reserve(queries.size());
        for (const auto& [id, q] : queries) results.push_back(geocoder.geocode(q));
        const double w3 = wall_now(), c3 = cpu_now();

        std::ofstream out(argv[3]);
        out << "id;precision;score;ban_id\n";
        for (std::size_t i = 0; i < queries.size(); ++i) {
            char score[32];
            std::snprintf(score, sizeof score, "%.4f", results[i].score);
            out << queries[i].first << ';' << territoire::precision_name(results[i].precision) << ';' << score << ';'
                << results[i].ban_id << '\n';
        }
        std::printf(
            "{\"seconds\": %.6f, \"cpu_seconds\": %.6f, \"load_seconds\": %.6f, \"index_seconds\": %.6f, "
            "\"geocode_seconds\": %.6f, \"load_cpu_seconds\": %.6f, \"index_cpu_seconds\": %.6f, "
            "\"geocode_cpu_seconds\": %.6f, \"addresses\": %zu, \"streets\": %zu, \"communes\": %zu, \"queries\": %zu}\n",
            w3 - w0, c3 - c0, w1 - w0, w2 - w1, w3 - w2, c1 - c0, c2 - c1, c3 - c2, geocoder.address_count(), geocoder.street_count(),
            geocoder.commune_count(), queries.size());
    } catch (const std::exception& e) {
        std::cerr << "bench_geocode: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
