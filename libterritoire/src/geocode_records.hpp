// geocode_records.hpp — places the records of a [[places]] or [[actors]] block that have an
// address and no usable coordinates, with the BAN files of [geocoding] (docs/geocoding.md).
// Internal: not part of the public API.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "geocoder.hpp"
#include "workspace.hpp"

namespace territoire {

/// True when the block names address columns (address_fields, postcode, INSEE code or city).
bool has_address_fields(const SourceSpec& spec);

/// The BAN index of the project's [geocoding], loaded into `ws` on first call (each file's reading
/// is reported in `problems`). Throws InputError for an unreadable or malformed BAN file.
const Geocoder& project_geocoder(Workspace& ws, const Project& project, ProblemReporter& problems);

/// The address of one record as a geocoder query (address fields joined with spaces).
GeocodeQuery address_query(const SourceSpec& spec, const SourceData& data, const Record& rec);

/// Geocodes the records of one block. Inactive when the block has no address fields. Without
/// [geocoding], a block that has address fields and no coordinate keys is an InputError.
class SourceGeocoder {
public:
    SourceGeocoder(Workspace& ws, Diagnostic& d, const SourceSpec& spec, const SourceData& data);

    bool active() const { return geocoder_ != nullptr; }

    /// Locates `rec` from its address: method "ban" and the point of the BAN address or street,
    /// or of the commune (point on the surface of the area whose id is its INSEE code, or of the
    /// territory when the territory is that commune: every area id is a 9-character IRIS code
    /// starting with the INSEE code, or the project's name is the commune's); fills the geocode fields of `provenance` and
    /// reports street and commune precision to data_quality. Not located: problem geocode_failed,
    /// or geocode_commune when the commune has no known geometry.
    RecordLocation locate(const Record& rec, Provenance& provenance);

private:
    std::optional<Point> commune_point(const std::string& insee, const std::string& name);

    Workspace& ws_;
    Diagnostic& d_;
    const SourceSpec& spec_;
    const SourceData& data_;
    const Geocoder* geocoder_ = nullptr;
    std::map<std::string, std::optional<Point>> commune_points_;
    std::string territory_commune_;  ///< INSEE code of the territory when it is one commune (see .cpp)
};

}  // namespace territoire
