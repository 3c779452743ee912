// bench_ours.cpp — times one stage of libterritoire on the harness's data files, with the same
// internal code the pipeline uses (linked against the static library, internal headers from src/).
// One stage per process, so that the harness measures each stage's peak memory on its own.
//
//   bench_ours load      ACTORS.csv                       read_source() of a delimited-text block
//   bench_ours reproject LONLAT.bin OUT.bin               Transformer EPSG:4326 → EPSG:2154, point by point
//   bench_ours assign    AREAS.wkb POINTS.bin OUT.bin     AreaIndex build + locate() for every point
//   bench_ours assign-batch …                            the same through AreaIndex::locate_all()
//   bench_ours betweenness GRAPH.txt OUT.bin              Brandes betweenness on every core (as igraph's betweenness())
//   bench_ours measures  GRAPH.txt OUT.bin                analyse_network(): every measure (betweenness written out)
//   bench_ours export    POINTS.bin N DIR                 deliver(): GeoPackage alone, then GeoPackage + GeoJSON
//
// Prints one JSON object on stdout with the timed seconds (the reading of the inputs is not timed).
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "detail/geos.hpp"
#include "detail/proj.hpp"
#include "network.hpp"
#include "source.hpp"
#include "territoire/error.hpp"
#include "territoire/pipeline.hpp"
#include "workspace.hpp"

namespace {

// Wall-clock and CPU seconds (every thread of the process) since construction or restart().
class Stopwatch {
public:
    Stopwatch() { restart(); }
    void restart() {
        wall0_ = std::chrono::steady_clock::now();
        cpu0_ = cpu_now();
    }
    double wall() const { return std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0_).count(); }
    double cpu() const { return cpu_now() - cpu0_; }

private:
    static double cpu_now() {
        timespec t{};
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
        return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
    }
    std::chrono::steady_clock::time_point wall0_;
    double cpu0_ = 0;
};

std::vector<char> slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot open " + path);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<double> read_doubles(const std::string& path) {
    const std::vector<char> bytes = slurp(path);
    std::vector<double> v(bytes.size() / sizeof(double));
    std::memcpy(v.data(), bytes.data(), v.size() * sizeof(double));
    return v;
}

template <typename T>
void write_array(const std::string& path, const std::vector<T>& v) {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(v.data()), static_cast<std::streamsize>(v.size() * sizeof(T)));
    if (!out) throw std::runtime_error("cannot write " + path);
}

int load(const std::string& csv) {
    territoire::SourceSpec spec;
    spec.block = "actors[1]";
    spec.name = "actors";
    spec.path = csv;
    spec.path_as_written = csv;
    spec.id_field = "actor_id";
    spec.name_field = "nom";
    spec.family_field = "famille";
    spec.location.x_field = "longitude";
    spec.location.y_field = "latitude";
    const Stopwatch clock;
    const territoire::SourceData data = territoire::read_source(spec);
    std::printf("{\"seconds\": %.6f, \"cpu_seconds\": %.6f, \"records\": %zu}\n", clock.wall(), clock.cpu(), data.records.size());
    return 0;
}

int reproject(const std::string& in, const std::string& out) {
    std::vector<double> xy = read_doubles(in);
    const territoire::detail::Transformer to_l93("EPSG:4326", "EPSG:2154");
    std::size_t failed = 0;
    const Stopwatch clock;
    for (std::size_t i = 0; i + 1 < xy.size(); i += 2)
        if (!to_l93.transform(xy[i], xy[i + 1])) ++failed;
    const double s = clock.wall(), cpu = clock.cpu();
    write_array(out, xy);
    std::printf("{\"seconds\": %.6f, \"cpu_seconds\": %.6f, \"points\": %zu, \"failed\": %zu}\n", s, cpu, xy.size() / 2, failed);
    return 0;
}

// `batch`: AreaIndex::locate_all() (points visited along a Hilbert curve, the sort timed) instead
// of locate() point by point in file order, which is what the pipeline does today.
int assign(const std::string& areas_path, const std::string& points_path, const std::string& out, bool batch) {
    territoire::detail::GeosContext ctx;
    const std::vector<char> wkb = slurp(areas_path);
    std::vector<territoire::detail::GeomPtr> areas;
    for (std::size_t off = 0; off < wkb.size();) {
        std::uint32_t n = 0;
        std::memcpy(&n, wkb.data() + off, 4);
        off += 4;
        const territoire::Wkb one(wkb.begin() + static_cast<std::ptrdiff_t>(off), wkb.begin() + static_cast<std::ptrdiff_t>(off + n));
        areas.push_back(territoire::detail::from_wkb(ctx, one));
        off += n;
    }
    std::vector<const GEOSGeometry*> borrowed;
    for (const auto& a : areas) borrowed.push_back(a.get());
    const std::vector<double> xy = read_doubles(points_path);
    std::vector<std::int32_t> result(xy.size() / 2, -1);

    const Stopwatch clock;
    const territoire::AreaIndex index(ctx, borrowed);  // areas are in id order, as the index requires
    const double build = clock.wall();
    if (batch) {
        std::vector<territoire::Point> points(result.size());
        for (std::size_t i = 0; i < points.size(); ++i) points[i] = {xy[2 * i], xy[2 * i + 1]};
        const auto found = index.locate_all(points);
        for (std::size_t i = 0; i < found.size(); ++i)
            if (found[i]) result[i] = static_cast<std::int32_t>(*found[i]);
    } else {
        for (std::size_t i = 0; i < result.size(); ++i)
            if (const auto a = index.locate(xy[2 * i], xy[2 * i + 1])) result[i] = static_cast<std::int32_t>(*a);
    }
    const double s = clock.wall(), cpu = clock.cpu();
    write_array(out, result);
    std::printf("{\"seconds\": %.6f, \"cpu_seconds\": %.6f, \"index_seconds\": %.6f, \"points\": %zu, \"areas\": %zu}\n", s,
                cpu, build, result.size(), areas.size());
    return 0;
}

using Edges = std::vector<std::pair<std::size_t, std::size_t>>;

Edges read_graph(const std::string& graph, std::size_t& n) {
    std::ifstream in(graph);
    std::size_t m = 0;
    in >> n >> m;
    Edges edges(m);
    for (auto& [u, v] : edges) in >> u >> v;
    if (!in) throw std::runtime_error("cannot read " + graph);
    return edges;
}

// Betweenness alone, as igraph's betweenness(): Brandes on every core (network.cpp), normalised
// as networkx.
int betweenness(const std::string& graph, const std::string& out) {
    std::size_t n = 0;
    const Edges edges = read_graph(graph, n);
    const std::vector<double> weights(edges.size(), 1.0);
    const Stopwatch clock;
    const auto csr = territoire::net::make_csr(n, edges, weights, true);
    std::vector<double> values = territoire::net::betweenness_raw(csr, false, 0);
    const double scale = n > 2 ? 1.0 / (static_cast<double>(n - 1) * static_cast<double>(n - 2)) : 1.0;
    for (double& v : values) v *= scale;
    const double s = clock.wall(), cpu = clock.cpu();
    write_array(out, values);
    std::printf("{\"seconds\": %.6f, \"cpu_seconds\": %.6f, \"nodes\": %zu, \"edges\": %zu}\n", s, cpu, n, edges.size());
    return 0;
}

// Every measure of the actors layer (analyse_network): degree, strength, betweenness plain and
// weighted, closeness, harmonic, PageRank, eigenvector, clustering, core number, components, cut
// vertices, bridges, Louvain (8 seeded runs). Writes the betweenness for the check.
int measures(const std::string& graph, const std::string& out) {
    std::size_t n = 0;
    const Edges edges = read_graph(graph, n);
    const std::vector<double> weights(edges.size(), 1.0);
    const Stopwatch clock;
    const auto result = territoire::analyse_network(territoire::NetworkInput{n, false, edges, weights});
    const double s = clock.wall(), cpu = clock.cpu();
    std::vector<double> values;
    for (const auto& r : result.measures) values.push_back(r.betweenness);
    write_array(out, values);
    std::printf("{\"seconds\": %.6f, \"cpu_seconds\": %.6f, \"nodes\": %zu, \"edges\": %zu, \"modularity\": %.6f}\n", s, cpu, n,
                edges.size(), result.modularity);
    return 0;
}

// A point as ISO WKB (little endian).
territoire::Wkb point_wkb(double x, double y) {
    territoire::Wkb w(21);
    w[0] = 1;
    const std::uint32_t type = 1;
    std::memcpy(&w[1], &type, 4);
    std::memcpy(&w[5], &x, 8);
    std::memcpy(&w[13], &y, 8);
    return w;
}

int export_points(const std::string& points_path, std::size_t n, const std::filesystem::path& dir) {
    static const char* kinds[] = {"bibliothèque", "musée", "salle de spectacle", "cinéma", "école de musique"};
    const std::vector<double> xy = read_doubles(points_path);
    if (2 * n > xy.size()) throw std::runtime_error("not enough points in " + points_path);
    territoire::Diagnostic d;
    d.project.name = "bench";
    d.project.crs = "EPSG:2154";
    territoire::Table t;
    t.name = "points";
    t.title = "Points";
    t.description = "Points du banc d'essai";
    t.geometry_type = territoire::GeometryType::point;
    t.fields = {{"id", territoire::FieldType::text, "Identifiant"},
                {"name", territoire::FieldType::text, "Nom"},
                {"kind", territoire::FieldType::text, "Type"},
                {"value", territoire::FieldType::real, "Valeur"}};
    t.rows.reserve(n);
    t.geometries.reserve(n);
    char id[32];
    for (std::size_t i = 0; i < n; ++i) {
        std::snprintf(id, sizeof id, "P%07zu", i);
        t.rows.push_back({std::string(id), "Lieu " + std::to_string(i), std::string(kinds[i % 5]), 0.5 * static_cast<double>(i)});
        t.geometries.push_back(point_wkb(xy[2 * i], xy[2 * i + 1]));
    }
    d.tables.push_back(std::move(t));

    Stopwatch clock;
    // The GeoPackage alone, then with the GeoJSON; no maps, sheets or workbook (not timed here).
    territoire::deliver(d, dir / "gpkg", territoire::DeliverOptions{false, false, false, false});
    const double gpkg = clock.wall(), gpkg_cpu = clock.cpu();
    clock.restart();
    territoire::deliver(d, dir / "both", territoire::DeliverOptions{true, false, false, false});
    const double both = clock.wall(), both_cpu = clock.cpu();
    std::printf("{\"seconds\": %.6f, \"cpu_seconds\": %.6f, \"gpkg_seconds\": %.6f, \"gpkg_cpu_seconds\": %.6f, "
                "\"geojson_seconds\": %.6f, \"geojson_cpu_seconds\": %.6f, \"features\": %zu}\n",
                gpkg, gpkg_cpu, gpkg, gpkg_cpu, both - gpkg, both_cpu - gpkg_cpu, n);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    const std::vector<std::string> a(argv + 1, argv + argc);
    try {
        if (a.size() == 2 && a[0] == "load") return load(a[1]);
        if (a.size() == 3 && a[0] == "reproject") return reproject(a[1], a[2]);
        if (a.size() == 4 && a[0] == "assign") return assign(a[1], a[2], a[3], false);
        if (a.size() == 4 && a[0] == "assign-batch") return assign(a[1], a[2], a[3], true);
        if (a.size() == 3 && a[0] == "betweenness") return betweenness(a[1], a[2]);
        if (a.size() == 3 && a[0] == "measures") return measures(a[1], a[2]);
        if (a.size() == 4 && a[0] == "export") return export_points(a[1], std::stoull(a[2]), a[3]);
    } catch (const std::exception& e) {
        std::cerr << "bench_ours: " << e.what() << "\n";
        return 1;
    }
    std::cerr << "usage: bench_ours load|reproject|assign|betweenness|measures|export … (see the header of bench_ours.cpp)\n";
    return 2;
}
