// data_dir.cpp — see data_dir.hpp.
#include "data_dir.hpp"

#include <cstdlib>
#include <string>

#ifndef TERRITOIRE_INSTALL_DATA_DIR
#define TERRITOIRE_INSTALL_DATA_DIR ""
#endif
#ifndef TERRITOIRE_SOURCE_DATA_DIR
#define TERRITOIRE_SOURCE_DATA_DIR ""
#endif

namespace territoire {

namespace fs = std::filesystem;

std::vector<fs::path> data_dirs() {
    std::vector<fs::path> dirs;
    if (const char* env = std::getenv("TERRITOIRE_DATA_DIR"); env && *env) dirs.emplace_back(env);
    if (*TERRITOIRE_INSTALL_DATA_DIR) dirs.emplace_back(TERRITOIRE_INSTALL_DATA_DIR);
    if (*TERRITOIRE_SOURCE_DATA_DIR) dirs.emplace_back(TERRITOIRE_SOURCE_DATA_DIR);
    return dirs;
}

fs::path find_data_file(const fs::path& relative, std::string* tried) {
    for (const auto& dir : data_dirs()) {
        const fs::path candidate = dir / relative;
        std::error_code ec;
        if (fs::exists(candidate, ec)) return candidate;
        if (tried) *tried += (tried->empty() ? "" : ", ") + candidate.string();
    }
    return {};
}

}  // namespace territoire
