// error.hpp — the exception root of libterritoire and the cases callers tell apart.
// Every message names where the problem is: file, layer, line or feature, field.
#pragma once

#include <stdexcept>
#include <string>

namespace territoire {

/// Where in the inputs a problem lies. Empty members are left out of messages.
struct Location {
    std::string file;     ///< path as the user wrote it (or resolved)
    std::string layer;    ///< OGR layer name, when the source has several
    std::string feature;  ///< "ligne 12" for delimited text, "entité 3" otherwise
    std::string field;    ///< column or project-file key

    /// "fichier 'a.csv', ligne 12, champ 'Latitude'" — French, like every user-facing message.
    std::string describe() const;
};

/// Root of every error thrown by libterritoire.
class Error : public std::runtime_error {
public:
    explicit Error(const std::string& message) : std::runtime_error(message) {}
};

/// The project file is unreadable, malformed, or names something that does not exist.
class ProjectError : public Error {
public:
    ProjectError(Location where, const std::string& message);
    const Location& where() const noexcept { return where_; }

private:
    Location where_;
};

/// An input data source cannot be used at all (unreadable file, missing required field, unknown CRS).
class InputError : public Error {
public:
    InputError(Location where, const std::string& message);
    const Location& where() const noexcept { return where_; }

private:
    Location where_;
};

/// Outputs could not be written; nothing half-written is left behind.
class OutputError : public Error {
public:
    explicit OutputError(const std::string& message) : Error(message) {}
};

}  // namespace territoire
