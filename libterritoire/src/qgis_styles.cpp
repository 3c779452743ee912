// qgis_styles.cpp — PLACEHOLDER on branch deliverables-base: replaced by the real implementation before
// anything reaches main (see deliverables.hpp).
#include "deliverables.hpp"

#include "territoire/error.hpp"

namespace territoire {
void write_layer_styles(GDALDataset*, const Diagnostic&) {}
}  // namespace territoire
