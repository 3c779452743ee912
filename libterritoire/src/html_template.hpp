// html_template.hpp — the small template language of the HTML sheets (a subset of Mustache), so
// that a consultant can change the wording of the sheets without touching the code
// (docs/sheets.md). Internal.
//
//   {{name}}            the value, HTML-escaped
//   {{{name}}}          the value as it is (only for HTML the program builds: the map's SVG)
//   {{#name}}…{{/name}} a list: the block once per item; a text: the block once if not empty
//   {{^name}}…{{/name}} the block only when the list or the text is empty
//   {{> other}}         the template other.html (or `other.css`…) of the same folder
//   {{! comment }}      nothing
//
// A name that the data does not define is an error naming the file and line: a typo in a template
// shows at once instead of leaving a blank on a printed sheet.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace territoire::sheets {

/// The values a template sees: texts and lists of nested data. Inside a list item, names not found
/// in the item are looked up in the enclosing data.
struct TemplateData {
    std::map<std::string, std::string> text;
    std::map<std::string, std::vector<TemplateData>> lists;

    TemplateData& set(const std::string& name, std::string value) {
        text[name] = std::move(value);
        return *this;
    }
};

/// HTML escaping of text for elements and attribute values (& < > " ').
std::string escape_html(const std::string& s);

/// The templates of one folder, parsed once and rendered many times.
class TemplateSet {
public:
    /// Parses every *.html and *.css file of `dir`. Throws OutputError naming the file and line of
    /// a malformed tag or an unclosed section.
    explicit TemplateSet(const std::filesystem::path& dir);

    /// Renders the template `name` (file name, e.g. "zone.html") with `data`, then `shared` for the
    /// names `data` does not define. Throws OutputError for a missing template or partial, or a
    /// name the data does not define.
    std::string render(const std::string& name, const TemplateData& data, const TemplateData* shared = nullptr) const;

    const std::filesystem::path& dir() const { return dir_; }

    /// A parsed piece of template: text, a value, a section or a partial.
    struct Node {
        enum class Kind { text, escaped, raw, section, inverted, partial } kind = Kind::text;
        std::string content;          ///< the text, or the name
        int line = 0;                 ///< line of the tag in its file
        std::vector<Node> children;   ///< sections
    };

private:
    std::filesystem::path dir_;
    std::map<std::string, std::vector<Node>> templates_;
    void render_nodes(const std::vector<Node>& nodes, std::vector<const TemplateData*>& stack, const std::string& file,
                      std::string& out, int depth) const;
};

}  // namespace territoire::sheets
