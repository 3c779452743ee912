// zip_store.hpp — a ZIP archive without compression ("stored" entries, PKWARE APPNOTE 6.3), enough
// for QGIS's .qgz (a zip holding the .qgs). Entries carry a fixed date (1980-01-01) so that the same
// content gives the same bytes.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace territoire::zip {

/// CRC-32 (ISO 3309, the one of ZIP and PNG) of `data`.
std::uint32_t crc32(const std::string& data);

/// The bytes of a ZIP archive holding `entries` (name, content) in order, uncompressed.
/// Names must be ASCII paths with '/' separators; contents under 4 GiB (no ZIP64).
std::string stored_archive(const std::vector<std::pair<std::string, std::string>>& entries);

}  // namespace territoire::zip
