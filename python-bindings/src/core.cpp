// core.cpp — territoire._core: the compiled part of the Python package. It exposes the pipeline
// (analyse, deliver) and the output tables as plain Python values; the package's Python layer
// (territoire/__init__.py) builds the user-facing API on top. C++ errors become the package's
// exceptions: Error, and its subclasses ProjectError, InputError, OutputError.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <memory>
#include <optional>

#include "network.hpp"  // internal: the _analyse_network test hook
#include "survey_stats.hpp"  // internal: the _rake, _weighted_* and _protect test hooks
#include "access_routing.hpp"  // internal: the _route and _read_streets test hooks (issue 7)
#include "access_streets.hpp"
#include "workspace.hpp"
#include "territoire/error.hpp"
#include "territoire/pipeline.hpp"
#include "territoire/project.hpp"

namespace py = pybind11;
using territoire::Diagnostic;

namespace {

const char* geometry_name(territoire::GeometryType t) {
    switch (t) {
        case territoire::GeometryType::point: return "Point";
        case territoire::GeometryType::linestring: return "LineString";
        case territoire::GeometryType::multipoint: return "MultiPoint";
        case territoire::GeometryType::multipolygon: return "MultiPolygon";
        case territoire::GeometryType::none: return "None";
    }
    return "None";
}

const char* type_name(territoire::FieldType t) {
    switch (t) {
        case territoire::FieldType::text: return "text";
        case territoire::FieldType::integer: return "integer";
        case territoire::FieldType::real: return "real";
        case territoire::FieldType::boolean: return "boolean";
    }
    return "text";
}

py::object to_python(const territoire::Value& v) {
    return std::visit(
        [](const auto& x) -> py::object {
            using V = std::decay_t<decltype(x)>;
            if constexpr (std::is_same_v<V, std::monostate>) return py::none();
            else return py::cast(x);
        },
        v);
}

const territoire::Table& find_table(const Diagnostic& d, const std::string& name) {
    for (const auto& t : d.tables)
        if (t.name == name) return t;
    throw py::key_error("pas de couche « " + name + " »");
}

py::dict table_dict(const Diagnostic& d, const std::string& name) {
    const territoire::Table& t = find_table(d, name);
    py::list fields;
    for (const auto& f : t.fields) fields.append(py::make_tuple(f.name, type_name(f.type), f.alias));
    py::list rows;
    for (const auto& row : t.rows) {
        py::tuple r(row.size());
        for (std::size_t i = 0; i < row.size(); ++i) r[i] = to_python(row[i]);
        rows.append(r);
    }
    py::list geometries;
    if (t.geometry_type != territoire::GeometryType::none) {
        for (const auto& g : t.geometries) {
            if (g.empty()) geometries.append(py::none());
            else geometries.append(territoire::wkb_to_geojson(g));
        }
    }
    py::dict out;
    out["name"] = t.name;
    out["title"] = t.title;
    out["description"] = t.description;
    out["geometry_type"] = geometry_name(t.geometry_type);
    out["fields"] = fields;
    out["rows"] = rows;
    out["geometries"] = geometries;
    return out;
}

// Raises `type` with the message and, as attributes, where the problem lies (None when unknown), so
// that scripts can point at the file, layer, feature and field without parsing the message.
void raise_located(const py::handle& type, const char* what, const territoire::Location* where) {
    py::object exc = py::reinterpret_borrow<py::object>(type)(what);
    auto attr = [](const std::string& v) -> py::object { return v.empty() ? py::object(py::none()) : py::object(py::str(v)); };
    exc.attr("file") = where ? attr(where->file) : py::none();
    exc.attr("layer") = where ? attr(where->layer) : py::none();
    exc.attr("feature") = where ? attr(where->feature) : py::none();
    exc.attr("field") = where ? attr(where->field) : py::none();
    PyErr_SetObject(type.ptr(), exc.ptr());
}

}  // namespace

PYBIND11_MODULE(_core, m) {
    m.doc() = "Compiled core of the territoire package (private: use the territoire package).";

    static py::exception<territoire::Error> error(m, "Error");
    static py::exception<territoire::ProjectError> project_error(m, "ProjectError", error.ptr());
    static py::exception<territoire::InputError> input_error(m, "InputError", error.ptr());
    static py::exception<territoire::OutputError> output_error(m, "OutputError", error.ptr());
    py::register_exception_translator([](std::exception_ptr p) {
        try {
            if (p) std::rethrow_exception(p);
        } catch (const territoire::ProjectError& e) {
            raise_located(project_error, e.what(), &e.where());
        } catch (const territoire::InputError& e) {
            raise_located(input_error, e.what(), &e.where());
        } catch (const territoire::OutputError& e) {
            raise_located(output_error, e.what(), nullptr);
        } catch (const territoire::Error& e) {
            raise_located(error, e.what(), nullptr);
        }
    });

    m.def("version", &territoire::version);

    py::class_<Diagnostic, std::shared_ptr<Diagnostic>>(m, "Diagnostic")
        .def_property_readonly("name", [](const Diagnostic& d) { return d.project.name; })
        .def_property_readonly("crs", [](const Diagnostic& d) { return d.project.crs; })
        .def_property_readonly("crs_wkt", [](const Diagnostic& d) { return d.working_crs_wkt; })
        .def_property_readonly("crs_reason", [](const Diagnostic& d) { return d.project.crs_reason; })
        .def_property_readonly("project_file", [](const Diagnostic& d) { return d.project.file; })
        .def_property_readonly("directed", [](const Diagnostic& d) { return d.network.directed; })
        .def("table_names",
             [](const Diagnostic& d) {
                 std::vector<std::string> names;
                 for (const auto& t : d.tables) names.push_back(t.name);
                 return names;
             })
        .def("table", &table_dict, py::arg("name"))
        .def("problems",
             [](const Diagnostic& d) {
                 py::list out;
                 for (const auto& p : d.problems.problems()) {
                     py::dict row;
                     row["severity"] = territoire::to_string(p.severity);
                     row["kind"] = p.kind;
                     row["source"] = p.source;
                     row["block"] = p.block;
                     row["feature"] = p.feature;
                     row["field"] = p.field;
                     row["message"] = p.message;
                     out.append(row);
                 }
                 return out;
             })
        .def("sources",
             [](const Diagnostic& d) {
                 py::list out;
                 for (const auto& s : d.stats) {
                     py::dict row;
                     row["block"] = s.block;
                     row["name"] = s.name;
                     row["read"] = s.read;
                     row["kept"] = s.kept;
                     row["outside_territory"] = s.outside;
                     row["unlocated"] = s.unlocated;
                     row["rejected"] = s.rejected;
                     row["assigned_to_area"] = s.assigned;
                     out.append(row);
                 }
                 return out;
             })
        .def(
            "write",
            [](const Diagnostic& d, const std::filesystem::path& dir, bool geojson, bool maps, bool sheets, bool workbook) {
                territoire::DeliverOptions options;
                options.geojson = geojson;
                options.maps = maps;
                options.sheets = sheets;
                options.workbook = workbook;
                territoire::Delivery out;
                {
                    py::gil_scoped_release release;
                    out = territoire::deliver(d, dir, options);
                }
                py::dict paths;
                paths["geopackage"] = out.geopackage;
                paths["geojson"] = out.geojson;
                paths["manifest"] = out.manifest;
                paths["graphml"] = out.graphml;
                paths["gexf"] = out.gexf;
                paths["maps"] = out.maps;
                paths["sheets"] = out.sheets.empty() ? py::object(py::none()) : py::cast(out.sheets);
                paths["workbook"] = out.workbook.empty() ? py::object(py::none()) : py::cast(out.workbook);
                return paths;
            },
            py::arg("output_dir"), py::arg("geojson") = true, py::arg("maps") = true, py::arg("sheets") = true,
            py::arg("workbook") = true);

    // Private hook for the tests: the measures of any graph, to compare with networkx on graphs of
    // every shape without writing a project. Nodes 0..n-1; edges as (u, v) pairs.
    m.def(
        "_analyse_network",
        [](std::size_t n, const std::vector<std::pair<std::size_t, std::size_t>>& edges, const std::vector<double>& weights,
           bool directed, unsigned threads) {
            for (const auto& [u, v] : edges)
                if (u >= n || v >= n || u == v) throw py::value_error("arête invalide");
            if (weights.size() != edges.size()) throw py::value_error("un poids par arête");
            territoire::NetworkAnalysis a;
            {
                py::gil_scoped_release release;
                a = territoire::analyse_network(territoire::NetworkInput{n, directed, edges, weights}, threads);
            }
            py::list measures;
            for (const auto& m : a.measures) {
                py::dict r;
                r["degree"] = m.degree;
                r["in_degree"] = m.in_degree;
                r["out_degree"] = m.out_degree;
                r["strength"] = m.strength;
                r["betweenness"] = m.betweenness;
                r["betweenness_w"] = m.betweenness_w;
                r["closeness"] = m.closeness;
                r["harmonic"] = m.harmonic;
                r["pagerank"] = m.pagerank;
                r["eigenvector"] = m.eigenvector ? py::object(py::float_(*m.eigenvector)) : py::object(py::none());
                r["clustering"] = m.clustering;
                r["core_number"] = m.core_number;
                r["component"] = m.component;
                r["is_cut_vertex"] = m.is_cut_vertex;
                r["community"] = m.community;
                measures.append(r);
            }
            py::dict out;
            out["measures"] = measures;
            out["bridges"] = a.edge_is_bridge;
            out["modularity"] = a.modularity;
            out["communities"] = a.communities;
            out["components"] = a.components;
            return out;
        },
        py::arg("n"), py::arg("edges"), py::arg("weights"), py::arg("directed") = false, py::arg("threads") = 0);

    // Private hooks for the tests of the survey statistics (issue 8): raking, estimates and
    // small-cell protection on any input, to compare with numpy written in the tests.
    // margins: list of (variable, [categories], [populations]); codes[v][i] as in survey::rake.
    m.def(
        "_rake",
        [](const std::vector<double>& base, const std::vector<std::vector<int>>& codes,
           const std::vector<std::tuple<std::string, std::vector<std::string>, std::vector<double>>>& margins,
           double tolerance, int max_iterations, std::optional<double> trim_low, std::optional<double> trim_high) {
            std::vector<territoire::survey::Margin> ms;
            for (const auto& [variable, categories, population] : margins)
                ms.push_back(territoire::survey::Margin{variable, categories, population});
            territoire::survey::RakingOptions o;
            o.tolerance = tolerance;
            o.max_iterations = max_iterations;
            o.trim_low = trim_low;
            o.trim_high = trim_high;
            const territoire::survey::RakingResult r = territoire::survey::rake(base, codes, ms, o);
            py::list fit;
            for (const auto& f : r.fit)
                fit.append(py::make_tuple(f.variable, f.category, f.census_share, f.raw_share, f.weighted_share));
            py::dict out;
            out["weights"] = r.weights;
            out["iterations"] = r.iterations;
            out["converged"] = r.converged;
            out["max_gap"] = r.max_gap;
            out["effective_n"] = r.effective_n;
            out["design_effect"] = r.design_effect;
            out["fit"] = fit;
            out["trim_rounds"] = r.trim_rounds;
            out["bounds_met"] = r.bounds_met;
            out["min_weight_ratio"] = r.min_weight_ratio;
            out["max_weight_ratio"] = r.max_weight_ratio;
            out["kept_round"] = r.kept_round;
            out["bounds_message"] = r.bounds_message;
            return out;
        },
        py::arg("base"), py::arg("codes"), py::arg("margins"), py::arg("tolerance") = 1e-6,
        py::arg("max_iterations") = territoire::survey::RakingOptions{}.max_iterations, py::arg("trim_low") = py::none(), py::arg("trim_high") = py::none());
    auto estimate_tuple = [](const territoire::survey::Estimate& e) {
        return py::make_tuple(e.n, e.weight_sum, e.estimate, e.ci_low, e.ci_high);
    };
    m.def("_weighted_mean", [estimate_tuple](const std::vector<double>& y, const std::vector<double>& w) {
        return estimate_tuple(territoire::survey::weighted_mean(y, w));
    });
    m.def("_weighted_proportion", [estimate_tuple](const std::vector<double>& y, const std::vector<double>& w) {
        return estimate_tuple(territoire::survey::weighted_proportion(y, w));
    });
    m.def("_protect", &territoire::survey::protect, py::arg("counts"), py::arg("min_cell"));
    // Private hooks for the routing tests (issue 7): the Router on any set of lines and points, to
    // compare with networkx; and the street reader on any file. Lines: lists of (x, y); `one_way`
    // per line: 0 both ways, 1 first → last vertex only, -1 last → first only. `lines=None`:
    // straight-line mode. `subsets`: destination sets for nearest(); catchments of every destination.
    m.def(
        "_route",
        [](const std::optional<std::vector<std::vector<std::pair<double, double>>>>& lines,
           const std::vector<std::pair<double, double>>& origins, const std::vector<std::pair<double, double>>& destinations,
           double max_m, const std::vector<int>& one_way, const std::vector<std::vector<std::size_t>>& subsets,
           const std::vector<double>& isochrones, double buffer_m) {
            auto points = [](const std::vector<std::pair<double, double>>& xy) {
                std::vector<territoire::Point> out;
                for (const auto& [x, y] : xy) out.push_back(territoire::Point{x, y});
                return out;
            };
            std::unique_ptr<territoire::access::Router> router;
            if (lines) {
                std::vector<territoire::access::StreetLine> street;
                for (std::size_t k = 0; k < lines->size(); ++k) {
                    territoire::access::StreetLine l;
                    l.vertices = points((*lines)[k]);
                    const int w = k < one_way.size() ? one_way[k] : 0;
                    l.forward = w >= 0;
                    l.backward = w <= 0;
                    street.push_back(std::move(l));
                }
                router = std::make_unique<territoire::access::Router>(street, points(origins), points(destinations));
            } else {
                router = std::make_unique<territoire::access::Router>(points(origins), points(destinations));
            }
            auto cost = [](double c) { return c == territoire::access::kUnreachable ? py::object(py::none()) : py::object(py::float_(c)); };
            py::dict out;
            const auto& st = router->network_stats();
            py::dict stats;
            stats["lines"] = st.lines;
            stats["nodes"] = st.nodes;
            stats["edges"] = st.edges;
            stats["components"] = st.components;
            stats["largest_component_nodes"] = st.largest_component_nodes;
            stats["length_m"] = st.length_m;
            out["stats"] = stats;
            for (const char* key : {"origin_snaps", "destination_snaps"}) {
                const auto& snaps = std::string(key) == "origin_snaps" ? router->origin_snaps() : router->destination_snaps();
                py::list l;
                for (const auto& sn : snaps) l.append(py::make_tuple(sn.distance_m, sn.component));
                out[key] = l;
            }
            py::list nearest;
            for (const auto& set : subsets) {
                for (std::size_t j : set)
                    if (j >= destinations.size()) throw py::value_error("destination inconnue");
                py::list l;
                for (const auto& n : router->nearest(set, max_m))
                    l.append(py::make_tuple(cost(n.cost_m), n.destination == territoire::access::kNone ? py::object(py::none())
                                                                                                        : py::object(py::int_(n.destination))));
                nearest.append(l);
            }
            out["nearest"] = nearest;
            py::list catchments, iso;
            for (std::size_t j = 0; j < destinations.size(); ++j) {
                py::list l;
                for (const auto& r : router->catchment(j, max_m)) l.append(py::make_tuple(r.origin, r.cost_m));
                catchments.append(l);
                if (!isochrones.empty()) {
                    py::list polys;
                    for (const auto& w : router->isochrones(j, isochrones, buffer_m))
                        polys.append(py::bytes(reinterpret_cast<const char*>(w.data()), w.size()));
                    iso.append(polys);
                }
            }
            out["catchments"] = catchments;
            out["isochrones"] = iso;
            return out;
        },
        py::arg("lines"), py::arg("origins"), py::arg("destinations"), py::arg("max_m"),
        py::arg("one_way") = std::vector<int>{}, py::arg("subsets") = std::vector<std::vector<std::size_t>>{},
        py::arg("isochrones") = std::vector<double>{}, py::arg("buffer_m") = 25.0);
    m.def(
        "_read_streets",
        [](const std::filesystem::path& path, const std::string& working_crs, const std::string& layer) {
            territoire::Workspace ws(working_crs);
            territoire::SourceSpec spec;
            spec.block = "network";
            spec.name = path.stem().string();
            spec.path = path;
            spec.path_as_written = path.string();
            spec.layer = layer;
            territoire::ProblemReporter problems;
            const auto lines = territoire::access::read_street_lines(ws, spec, problems);
            py::list ls;
            for (const auto& l : lines) {
                py::list pts;
                for (const auto& p : l.vertices) pts.append(py::make_tuple(p.x, p.y));
                ls.append(py::make_tuple(pts, l.forward, l.backward));
            }
            py::list ps;
            for (const auto& p : problems.problems()) ps.append(py::make_tuple(p.kind, p.field, p.message));
            py::dict out;
            out["lines"] = ls;
            out["problems"] = ps;
            return out;
        },
        py::arg("path"), py::arg("working_crs") = "EPSG:2154", py::arg("layer") = "");

    m.def(
        "analyse",
        [](const std::filesystem::path& project_file) {
            py::gil_scoped_release release;
            const territoire::Project project = territoire::load_project(project_file);
            return std::make_shared<Diagnostic>(territoire::analyse(project));
        },
        py::arg("project_file"), "Runs the pipeline up to the analysis; writes nothing.");
}
