// qgis_project.cpp — PLACEHOLDER on branch deliverables-base: replaced by the real implementation before
// anything reaches main (see deliverables.hpp).
#include "deliverables.hpp"

#include "territoire/error.hpp"

namespace territoire {
void write_qgis_project(GDALDataset*, const Diagnostic&, const std::filesystem::path&) {}
}  // namespace territoire
