// gdal.hpp — a thin RAII layer over GDAL/OGR: registration once, datasets closed by unique_ptr,
// and GDAL's error messages captured on a stack so that our errors can quote them.
#pragma once

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <memory>
#include <string>
#include <vector>

namespace territoire::detail {

/// Registers GDAL's drivers once (thread-safe).
void ensure_gdal();

struct DatasetCloser {
    void operator()(GDALDataset* ds) const noexcept { GDALClose(GDALDataset::ToHandle(ds)); }
};
using DatasetPtr = std::unique_ptr<GDALDataset, DatasetCloser>;

struct FeatureDeleter {
    void operator()(OGRFeature* f) const noexcept { OGRFeature::DestroyFeature(f); }
};
using FeaturePtr = std::unique_ptr<OGRFeature, FeatureDeleter>;

/// While alive, collects GDAL's warnings and errors raised on this thread instead of printing them.
class GdalErrorTrap {
public:
    GdalErrorTrap();
    ~GdalErrorTrap();
    GdalErrorTrap(const GdalErrorTrap&) = delete;
    GdalErrorTrap& operator=(const GdalErrorTrap&) = delete;

    /// The messages of failures (CE_Failure and worse), joined; empty if none.
    std::string failures() const;
    const std::vector<std::string>& warnings() const noexcept { return warnings_; }

private:
    static void CPL_STDCALL handler(CPLErr level, CPLErrorNum, const char* message);
    std::vector<std::string> failures_;
    std::vector<std::string> warnings_;
};

}  // namespace territoire::detail
