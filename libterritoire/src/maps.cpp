// maps.cpp — PLACEHOLDER on branch deliverables-base: replaced by the real implementation before
// anything reaches main (see deliverables.hpp).
#include "deliverables.hpp"

#include "territoire/error.hpp"

namespace territoire {
std::vector<std::filesystem::path> write_maps(const Diagnostic&, const std::filesystem::path&) { return {}; }
}  // namespace territoire
