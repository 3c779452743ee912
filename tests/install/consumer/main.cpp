// main.cpp — uses the installed public API only: parses a project file given inline and prints
// the library version and the working CRS.
#include <territoire/error.hpp>
#include <territoire/pipeline.hpp>
#include <territoire/project.hpp>

#include <iostream>

int main() {
    const territoire::Project p = territoire::parse_project(
        "[territory]\npath = \"t.geojson\"\n[areas]\npath = \"t.geojson\"\nid_field = \"code\"\n", "/tmp/p.toml");
    std::cout << "libterritoire " << territoire::version() << " " << p.crs << "\n";
    try {
        territoire::load_project("/nonexistent/p.toml");
    } catch (const territoire::ProjectError& e) {
        std::cout << "ProjectError\n";
        return 0;
    }
    return 1;
}
