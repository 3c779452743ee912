// sheets_html.cpp — PLACEHOLDER on branch deliverables-base: replaced by the real implementation before
// anything reaches main (see deliverables.hpp).
#include "deliverables.hpp"

#include "territoire/error.hpp"

namespace territoire {
std::filesystem::path write_html_sheets(const Diagnostic&, const std::filesystem::path&) { return {}; }
}  // namespace territoire
