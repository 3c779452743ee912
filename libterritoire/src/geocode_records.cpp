// geocode_records.cpp — the geocoding of records without coordinates (geocode_records.hpp).
#include "geocode_records.hpp"

#include <algorithm>

#include "detail/text.hpp"
#include "territoire/error.hpp"

namespace territoire {

bool has_address_fields(const SourceSpec& spec) {
    return !spec.address_fields.empty() || !spec.postcode_field.empty() || !spec.citycode_field.empty() ||
           !spec.city_field.empty();
}

const Geocoder& project_geocoder(Workspace& ws, const Project& project, ProblemReporter& problems) {
    if (ws.geocoder) return *ws.geocoder;
    const GeocodingSpec& spec = *project.geocoding;
    auto geocoder = std::make_shared<Geocoder>(GeocoderOptions{spec.min_score});
    const detail::Transformer& from_wgs84 = ws.to_working("EPSG:4326");
    const detail::Transformer& from_lambert93 = ws.to_working("EPSG:2154");
    for (std::size_t i = 0; i < spec.paths.size(); ++i) {
        const BanFileStats stats = geocoder->load(spec.paths[i], spec.paths_as_written[i], from_wgs84, &from_lambert93);
        Problem p{Severity::info, "ban_read", "BAN", "geocoding", {}, {},
                  "fichier BAN « " + spec.paths_as_written[i] + " » : " + std::to_string(stats.addresses) +
                      " adresses sur " + std::to_string(stats.rows) + " lignes"};
        if (stats.skipped) p.message += " (" + std::to_string(stats.skipped) + " lignes sans coordonnées ou commune ignorées)";
        problems.report(std::move(p));
    }
    geocoder->finish();
    ws.geocoder = std::move(geocoder);
    return *ws.geocoder;
}

GeocodeQuery address_query(const SourceSpec& spec, const SourceData& data, const Record& rec) {
    auto value = [&](const std::string& field) {
        const int col = field.empty() ? -1 : data.column(field);
        return col < 0 ? std::string() : detail::trim(rec.values[static_cast<std::size_t>(col)]);
    };
    GeocodeQuery q;
    for (const auto& field : spec.address_fields) {
        const std::string v = value(field);
        if (v.empty()) continue;
        if (!q.address.empty()) q.address.push_back(' ');
        q.address += v;
    }
    q.postcode = value(spec.postcode_field);
    q.citycode = value(spec.citycode_field);
    q.city = value(spec.city_field);
    return q;
}

namespace {

// "12 B RUE DE LA GARE, 79000 Niort (79191)" for messages.
std::string describe(const GeocodeQuery& q) {
    std::string out = q.address.empty() ? std::string("(sans voie)") : q.address;
    std::string commune;
    for (const std::string* part : {&q.postcode, &q.city}) {
        if (part->empty()) continue;
        if (!commune.empty()) commune.push_back(' ');
        commune += *part;
    }
    if (!q.citycode.empty()) commune += commune.empty() ? q.citycode : " (" + q.citycode + ")";
    if (!commune.empty()) out += ", " + commune;
    return "« " + out + " »";
}

std::string percent(double score) { return std::to_string(static_cast<int>(score * 100 + 0.5)) + " %"; }

}  // namespace

SourceGeocoder::SourceGeocoder(Workspace& ws, Diagnostic& d, const SourceSpec& spec, const SourceData& data)
    : ws_(ws), d_(d), spec_(spec), data_(data) {
    if (!has_address_fields(spec)) return;
    if (!d.project.geocoding) {
        if (spec.location.uses_fields() || !data.delimited) return;  // coordinates or geometries: nothing to geocode
        // A hard error rather than records kept unlocated: an RNA file would otherwise give a
        // diagnostic with every association off the map (docs/geocoding.md).
        const std::string what = spec.preset.empty() ? "adresses sans coordonnées (bloc [" + spec.block + "])"
                                                     : "le préréglage « " + spec.preset + " » donne des adresses sans "
                                                       "coordonnées (bloc [" + spec.block + "])";
        throw InputError(Location{spec.path_as_written, {}, {}, "address_fields"},
                         what + " : ajoutez au projet un bloc [geocoding] avec path = \"adresses-XX.csv\" (fichier BAN "
                                "du département) pour les localiser");
    }
    geocoder_ = &project_geocoder(ws, d.project, d.problems);
    // The territory is one commune when every area is an IRIS of it: 9-character ids sharing
    // their first five characters, the commune's INSEE code (IRIS code = INSEE code + 4 digits).
    if (!d.areas.empty() && std::all_of(d.areas.begin(), d.areas.end(), [&](const Area& a) {
            return a.id.size() == 9 && a.id.compare(0, 5, d.areas.front().id, 0, 5) == 0;
        }))
        territory_commune_ = d.areas.front().id.substr(0, 5);
}

std::optional<Point> SourceGeocoder::commune_point(const std::string& insee, const std::string& name) {
    if (auto it = commune_points_.find(insee); it != commune_points_.end()) return it->second;
    std::optional<Point> point;
    const auto area = std::lower_bound(d_.areas.begin(), d_.areas.end(), insee,
                                       [](const Area& a, const std::string& id) { return a.id < id; });
    Point p;
    if (area != d_.areas.end() && area->id == insee) {
        const auto i = static_cast<std::size_t>(area - d_.areas.begin());
        if (i < ws_.area_geoms.size() && ws_.area_geoms[i] && representative_point(ws_.geos, ws_.area_geoms[i].get(), p))
            point = p;
    } else if (ws_.territory && (insee == territory_commune_ || (!name.empty() && geocode::fold(d_.territory.name) ==
                                                                                     geocode::fold(name))) &&
               representative_point(ws_.geos, ws_.territory.get(), p)) {
        point = p;  // the territory is that commune: its IRIS are the areas, or the project bears its name
    }
    commune_points_.emplace(insee, point);
    return point;
}

RecordLocation SourceGeocoder::locate(const Record& rec, Provenance& provenance) {
    const GeocodeQuery query = address_query(spec_, data_, rec);
    const GeocodeResult r = geocoder_->geocode(query);
    provenance.geocode_precision = precision_name(r.precision);
    provenance.geocode_score = r.score;
    provenance.ban_id = r.ban_id;
    const std::string field = !spec_.address_fields.empty() ? spec_.address_fields.front()
                              : !spec_.citycode_field.empty() ? spec_.citycode_field
                              : !spec_.postcode_field.empty() ? spec_.postcode_field
                                                              : spec_.city_field;
    RecordLocation where;
    where.method = "ban";
    where.field = field;
    auto report = [&](Severity sev, const char* kind, const std::string& message) {
        d_.problems.report(source_problem(spec_, sev, kind, rec.ref, field, message));
    };
    switch (r.precision) {
        case GeocodePrecision::housenumber:
        case GeocodePrecision::street:
            where.located = true;
            where.x = r.x;
            where.y = r.y;
            if (r.precision == GeocodePrecision::street || !r.reason.empty()) {
                report(Severity::info, r.precision == GeocodePrecision::street ? "geocode_street" : "geocode_approximate",
                       "adresse " + describe(query) + " géocodée à la voie « " + r.street + " » (" + r.city +
                           ", score " + percent(r.score) + ") : " + r.reason);
            }
            return where;
        case GeocodePrecision::commune:
            if (const auto p = commune_point(r.citycode, r.city)) {
                where.located = true;
                where.x = p->x;
                where.y = p->y;
                report(Severity::warning, "geocode_commune",
                       "adresse " + describe(query) + " placée sur la commune " + r.city + " (" + r.citycode +
                           ") : " + r.reason);
                return where;
            }
            // No geometry for the commune: if its BAN addresses lie outside the territory, the
            // record is outside too (dropped and counted like any record outside); otherwise it is
            // kept without a point.
            if (r.has_commune_sample && !ws_.in_territory(r.commune_sample_x, r.commune_sample_y)) {
                where.located = true;
                where.x = r.commune_sample_x;
                where.y = r.commune_sample_y;
                return where;
            }
            where.problem = "geocode_commune";
            where.message = "adresse " + describe(query) + " trouvée seulement à la commune " + r.city + " (" + r.citycode +
                            ", " + r.reason + ") et aucune zone n'a ce code INSEE";
            return where;
        case GeocodePrecision::failed:
            break;
    }
    where.problem = "geocode_failed";
    where.message = "adresse " + describe(query) + " introuvable dans la BAN (" + r.reason + ")";
    return where;
}

}  // namespace territoire
