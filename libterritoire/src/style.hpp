// style.hpp — the one visual vocabulary of the deliverables: the family palette and the
// choropleth classes shared by the QGIS styles, the rendered maps and the HTML sheets, so that a
// family has the same colour everywhere. docs/deliverables.md documents the choices.
#pragma once

#include <cstdint>

#include "territoire/pipeline.hpp"
#include <map>
#include <string>
#include <vector>

namespace territoire::style {

struct Rgb {
    std::uint8_t r = 0, g = 0, b = 0;
    std::string hex() const;  ///< "#rrggbb"
};

/// Qualitative palette for categories (families of actors, kinds of places): ColorBrewer "Set1"
/// then "Dark2" without their yellow and greys, 14 distinguishable colours; categories beyond cycle.
const std::vector<Rgb>& category_palette();

/// Colour of each category: the palette in byte order of the names, except `non renseigné`
/// (empty category), always grey. Same input set → same colours, in every deliverable.
std::map<std::string, Rgb> category_colours(const std::vector<std::string>& categories);

/// Sequential ramp for choropleths: ColorBrewer "YlOrRd" with `classes` colours (3 to 7).
std::vector<Rgb> sequential_ramp(int classes);

/// Upper bounds of `classes` quantile classes of the finite values (empty when there are none);
/// equal bounds are merged, so fewer classes may come back. Class i holds values in
/// (bound[i-1], bound[i]], the first one [min, bound[0]].
std::vector<double> quantile_breaks(std::vector<double> values, int classes);

/// The classes of every choropleth (maps, sheets, QGIS styles), so that an area has the same
/// colour everywhere: 5 quantile classes of the finite values; when some values are 0 and others
/// not, 0 is a class of its own and the rest get 4 quantile classes (a majority of empty areas
/// must not swallow the classes). Colours: sequential_ramp(n) for n ≥ 3 classes; with 2, the two
/// ends of the 3-colour ramp; with 1, its middle.
struct Classes {
    std::vector<double> upper;  ///< upper bound of each class, as quantile_breaks
    std::vector<Rgb> colours;   ///< one per class
    double min = 0;             ///< smallest finite value (lower bound of the first class)
    bool integers = true;       ///< every value is a whole number (counts)
    int decimals = 0;           ///< in labels: 0 for whole numbers, else 1 from 10 on, 2 below
};
Classes choropleth_classes(const std::vector<double>& values);

/// The labels of the classes, the same in maps, sheets and QGIS: the first class "de a à b" (or
/// "b" when a = b); then, for whole numbers, "de a+1 à b" (or "b"); otherwise "plus de a à b".
std::vector<std::string> class_labels(const Classes& c);

/// The indicator of the areas' choropleth, the same in maps, sheets and QGIS (default style):
/// actors when any actor lies in an area (places otherwise), per 10 000 inhabitants when any area
/// has a population (a count per area otherwise). `field` is the column of the `areas` layer.
struct AreaIndicator {
    std::string field;       ///< actors_per_10k, places_per_10k, n_actors or n_places
    bool actors = true;
    bool per_inhabitants = false;
};
AreaIndicator area_indicator(const Diagnostic& d);

/// A number as French readers write it: decimal comma, thousands grouped with a no-break space
/// (U+00A0), `decimals` decimals; "-0" is written "0".
std::string french_number(double v, int decimals);

/// Label of areas without value in a choropleth legend.
inline const char* kNoDataLabel = "sans valeur (population inconnue ou nulle)";

/// Grey of missing values and of categories `non renseigné`.
constexpr Rgb kNoData{189, 189, 189};

}  // namespace territoire::style
