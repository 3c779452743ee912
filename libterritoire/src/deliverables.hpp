// deliverables.hpp — what deliver() writes beyond the layers: QGIS styles and project inside the
// GeoPackage, rendered maps, HTML identity sheets and the consultant's workbook. Internal; each
// function has its own source file and throws OutputError naming the file it could not write.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "territoire/pipeline.hpp"

class GDALDataset;

namespace territoire {

/// Fills the `layer_styles` table of the open GeoPackage `ds` (inside deliver's transaction): for
/// each spatial layer a default style and alternatives, QML and SLD (qgis_styles.cpp).
void write_layer_styles(GDALDataset* ds, const Diagnostic& d);

/// Fills the `qgis_projects` table of the open GeoPackage `ds`: a project that loads every layer of
/// the same file, grouped, styled, with a print layout and an atlas over the areas
/// (qgis_project.cpp). `gpkg_path` is the final path of the GeoPackage.
void write_qgis_project(GDALDataset* ds, const Diagnostic& d, const std::filesystem::path& gpkg_path);

/// Renders the maps into `dir` (PNG, SVG, PDF with Cairo); returns the files written (maps.cpp).
std::vector<std::filesystem::path> write_maps(const Diagnostic& d, const std::filesystem::path& dir);

/// Writes the HTML identity sheets and their index into `dir`; returns the index (sheets_html.cpp).
std::filesystem::path write_html_sheets(const Diagnostic& d, const std::filesystem::path& dir);

/// Writes the workbook (one sheet per table) to `file` (workbook.cpp).
void write_workbook(const Diagnostic& d, const std::filesystem::path& file);

}  // namespace territoire
