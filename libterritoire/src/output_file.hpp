// output_file.hpp — how deliver() and the deliverables write a file safely: under a temporary name
// in the target folder, renamed to its final name only when complete (deliver.cpp).
#pragma once

#include <filesystem>
#include <string>

namespace territoire {

/// Temporary name next to `target`: ".<stem>.tmp-<pid><extension>".
std::string temp_name(const std::filesystem::path& target);

/// Renames `tmp` to `target`, or removes `tmp` and throws OutputError naming `target`.
void commit_file(const std::filesystem::path& tmp, const std::filesystem::path& target);

}  // namespace territoire
