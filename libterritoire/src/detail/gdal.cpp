// gdal.cpp — implementation of the GDAL helpers.
#include "detail/gdal.hpp"

#include <mutex>

namespace territoire::detail {

void ensure_gdal() {
    static std::once_flag once;
    std::call_once(once, [] { GDALAllRegister(); });
}

GdalErrorTrap::GdalErrorTrap() { CPLPushErrorHandlerEx(&GdalErrorTrap::handler, this); }

GdalErrorTrap::~GdalErrorTrap() { CPLPopErrorHandler(); }

void CPL_STDCALL GdalErrorTrap::handler(CPLErr level, CPLErrorNum, const char* message) {
    auto* self = static_cast<GdalErrorTrap*>(CPLGetErrorHandlerUserData());
    if (!self) return;
    const std::string text = message ? message : "";
    if (level >= CE_Failure) self->failures_.push_back(text);
    else if (level == CE_Warning) self->warnings_.push_back(text);
}

std::string GdalErrorTrap::failures() const {
    std::string out;
    for (const auto& m : failures_) {
        if (!out.empty()) out += " ; ";
        out += m;
    }
    return out;
}

}  // namespace territoire::detail
