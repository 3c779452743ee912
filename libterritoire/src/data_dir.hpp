// data_dir.hpp — where the tool's own data files are found (sheets' templates, nomenclatures and
// presets): $TERRITOIRE_DATA_DIR, then the installed copy, then the source tree's, so that builds and
// tests work without installing.
#pragma once

#include <filesystem>
#include <vector>

namespace territoire {

/// The data folders to search, in order: $TERRITOIRE_DATA_DIR, <prefix>/share/territoire, <source>/data.
std::vector<std::filesystem::path> data_dirs();

/// First `dir / relative` that exists among data_dirs(); empty if none. `tried` lists the paths tried.
std::filesystem::path find_data_file(const std::filesystem::path& relative, std::string* tried = nullptr);

}  // namespace territoire
