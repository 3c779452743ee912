// zip_store.cpp — see zip_store.hpp. Layout: for each entry a local file header and the data, then
// the central directory (one header per entry) and the end-of-central-directory record; all
// integers little-endian.
#include "zip_store.hpp"

#include <array>
#include <stdexcept>

namespace territoire::zip {
namespace {

void put16(std::string& out, std::uint32_t v) {
    out += static_cast<char>(v & 0xff);
    out += static_cast<char>((v >> 8) & 0xff);
}

void put32(std::string& out, std::uint32_t v) {
    put16(out, v & 0xffff);
    put16(out, v >> 16);
}

constexpr std::uint32_t kDosTime = 0;               // 00:00:00
constexpr std::uint32_t kDosDate = (0 << 9) | (1 << 5) | 1;  // 1980-01-01
constexpr std::uint32_t kVersion = 10;              // 1.0: stored entries

}  // namespace

std::uint32_t crc32(const std::string& data) {
    static const std::array<std::uint32_t, 256> table = [] {
        std::array<std::uint32_t, 256> t{};
        for (std::uint32_t n = 0; n < 256; ++n) {
            std::uint32_t c = n;
            for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
            t[n] = c;
        }
        return t;
    }();
    std::uint32_t c = 0xffffffffu;
    for (unsigned char b : data) c = table[(c ^ b) & 0xff] ^ (c >> 8);
    return c ^ 0xffffffffu;
}

std::string stored_archive(const std::vector<std::pair<std::string, std::string>>& entries) {
    std::string out, directory;
    for (const auto& [name, content] : entries) {
        if (content.size() >= 0xffffffffu || name.size() >= 0xffff) throw std::length_error("zip: entry too large");
        const auto offset = static_cast<std::uint32_t>(out.size());
        const std::uint32_t crc = crc32(content);
        const auto size = static_cast<std::uint32_t>(content.size());
        // Local file header.
        put32(out, 0x04034b50);
        put16(out, kVersion);
        put16(out, 0);  // flags
        put16(out, 0);  // method: stored
        put16(out, kDosTime);
        put16(out, kDosDate);
        put32(out, crc);
        put32(out, size);  // compressed size
        put32(out, size);  // uncompressed size
        put16(out, static_cast<std::uint32_t>(name.size()));
        put16(out, 0);  // extra field length
        out += name;
        out += content;
        // Central directory header.
        put32(directory, 0x02014b50);
        put16(directory, kVersion);  // made by (MS-DOS, 1.0)
        put16(directory, kVersion);  // needed to extract
        put16(directory, 0);
        put16(directory, 0);
        put16(directory, kDosTime);
        put16(directory, kDosDate);
        put32(directory, crc);
        put32(directory, size);
        put32(directory, size);
        put16(directory, static_cast<std::uint32_t>(name.size()));
        put16(directory, 0);  // extra
        put16(directory, 0);  // comment
        put16(directory, 0);  // disk number
        put16(directory, 0);  // internal attributes
        put32(directory, 0);  // external attributes
        put32(directory, offset);
        directory += name;
    }
    if (out.size() >= 0xffffffffu) throw std::length_error("zip: archive too large");
    const auto directory_offset = static_cast<std::uint32_t>(out.size());
    out += directory;
    put32(out, 0x06054b50);
    put16(out, 0);
    put16(out, 0);
    put16(out, static_cast<std::uint32_t>(entries.size()));
    put16(out, static_cast<std::uint32_t>(entries.size()));
    put32(out, static_cast<std::uint32_t>(directory.size()));
    put32(out, directory_offset);
    put16(out, 0);  // comment length
    return out;
}

}  // namespace territoire::zip
