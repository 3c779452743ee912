// html_template.cpp — parser and renderer of the sheets' templates (html_template.hpp).
#include "html_template.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "territoire/error.hpp"
#include "xml_builder.hpp"

namespace territoire::sheets {

namespace fs = std::filesystem;
using Node = TemplateSet::Node;

std::string escape_html(const std::string& s) { return xml::escape(s); }  // HTML text and attributes

namespace {

std::string trim(const std::string& s) {
    const auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) return {};
    return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

int line_at(const std::string& text, std::size_t pos) {
    return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(pos), '\n'));
}

// Parses a whole file into nodes; sections nest through an explicit stack of open sections.
std::vector<Node> parse(const std::string& text, const std::string& file) {
    std::vector<Node> root;
    std::vector<Node*> open;  // sections being filled, innermost last
    auto target = [&]() -> std::vector<Node>& { return open.empty() ? root : open.back()->children; };
    auto fail = [&](std::size_t pos, const std::string& why) {
        throw OutputError(file + ", ligne " + std::to_string(line_at(text, pos)) + " : " + why);
    };
    std::size_t pos = 0;
    while (pos < text.size()) {
        const std::size_t start = text.find("{{", pos);
        if (start == std::string::npos) {
            target().push_back({Node::Kind::text, text.substr(pos), 0, {}});
            break;
        }
        if (start > pos) target().push_back({Node::Kind::text, text.substr(pos, start - pos), 0, {}});
        const bool triple = text.compare(start, 3, "{{{") == 0;
        const std::string close = triple ? "}}}" : "}}";
        const std::size_t end = text.find(close, start);
        if (end == std::string::npos) fail(start, "balise « {{ » non fermée");
        std::string tag = text.substr(start + close.size(), end - start - close.size());
        pos = end + close.size();
        const int line = line_at(text, start);
        if (triple) {
            target().push_back({Node::Kind::raw, trim(tag), line, {}});
            continue;
        }
        const char sigil = tag.empty() ? '\0' : tag[0];
        const std::string name = trim(std::string("#^/>!").find(sigil) != std::string::npos ? tag.substr(1) : tag);
        if (sigil && std::string("#^/>!").find(sigil) != std::string::npos) {
            // A section, partial or comment tag alone on its line takes the whole line away (as in
            // Mustache), so that the templates' layout does not leave blank lines in the pages.
            const std::size_t line_begin = text.rfind('\n', start == 0 ? 0 : start - 1);
            const std::size_t from = (line_begin == std::string::npos || start == 0) ? 0 : line_begin + 1;
            const std::size_t line_end = std::min(text.find('\n', pos), text.size());
            auto blank = [&](std::size_t a, std::size_t b) {
                return text.find_first_not_of(" \t\r", a) >= b;
            };
            if (blank(from, start) && blank(pos, line_end)) {
                auto& nodes = target();
                if (start > from && !nodes.empty() && nodes.back().kind == Node::Kind::text)
                    nodes.back().content.resize(nodes.back().content.size() - (start - from));
                pos = std::min(line_end + 1, text.size());
            }
        }
        if (sigil == '!') continue;
        if (name.empty()) fail(start, "balise vide « {{" + tag + "}} »");
        if (name.find_first_of("{} ") != std::string::npos) fail(start, "nom invalide dans « {{" + tag + "}} »");
        switch (sigil) {
            case '#':
            case '^':
                target().push_back({sigil == '#' ? Node::Kind::section : Node::Kind::inverted, name, line, {}});
                open.push_back(&target().back());
                break;
            case '/':
                if (open.empty() || open.back()->content != name)
                    fail(start, "« {{/" + name + "}} » ne ferme pas la section ouverte" +
                                    (open.empty() ? std::string() : " « " + open.back()->content + " »"));
                open.pop_back();
                break;
            case '>': target().push_back({Node::Kind::partial, name, line, {}}); break;
            default: target().push_back({Node::Kind::escaped, name, line, {}});
        }
    }
    if (!open.empty())
        throw OutputError(file + ", ligne " + std::to_string(open.back()->line) + " : section « " + open.back()->content +
                          " » jamais fermée");
    return root;
}

// The innermost value of `name`: a text or a list (one of the two pointers is set).
struct Lookup {
    const std::string* text = nullptr;
    const std::vector<TemplateData>* list = nullptr;
};

Lookup find(const std::vector<const TemplateData*>& stack, const std::string& name) {
    for (auto it = stack.rbegin(); it != stack.rend(); ++it) {
        if (const auto t = (*it)->text.find(name); t != (*it)->text.end()) return {&t->second, nullptr};
        if (const auto l = (*it)->lists.find(name); l != (*it)->lists.end()) return {nullptr, &l->second};
    }
    return {};
}

}  // namespace

TemplateSet::TemplateSet(const fs::path& dir) : dir_(dir) {
    std::error_code ec;
    std::vector<fs::path> files;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        const auto ext = it->path().extension();
        if (it->is_regular_file() && (ext == ".html" || ext == ".css")) files.push_back(it->path());
    }
    if (ec) throw OutputError(dir.string() + " : dossier de modèles illisible");
    for (const auto& f : files) {
        std::ifstream in(f, std::ios::binary);
        std::ostringstream text;
        text << in.rdbuf();
        if (!in) throw OutputError(f.string() + " : modèle illisible");
        templates_[f.filename().string()] = parse(text.str(), f.string());
    }
}

std::string TemplateSet::render(const std::string& name, const TemplateData& data, const TemplateData* shared) const {
    const auto it = templates_.find(name);
    if (it == templates_.end()) throw OutputError((dir_ / name).string() + " : modèle introuvable");
    std::vector<const TemplateData*> stack;
    if (shared) stack.push_back(shared);
    stack.push_back(&data);
    std::string out;
    render_nodes(it->second, stack, name, out, 0);
    return out;
}

void TemplateSet::render_nodes(const std::vector<Node>& nodes, std::vector<const TemplateData*>& stack,
                               const std::string& file, std::string& out, int depth) const {
    for (const Node& n : nodes) {
        if (n.kind == Node::Kind::text) {
            out += n.content;
            continue;
        }
        auto where = [&] { return (dir_ / file).string() + ", ligne " + std::to_string(n.line); };
        if (n.kind == Node::Kind::partial) {
            const std::string partial = n.content.find('.') == std::string::npos ? n.content + ".html" : n.content;
            const auto it = templates_.find(partial);
            if (it == templates_.end()) throw OutputError(where() + " : modèle inclus « " + partial + " » introuvable");
            if (depth > 16) throw OutputError(where() + " : inclusions trop profondes (boucle ?)");
            render_nodes(it->second, stack, partial, out, depth + 1);
            continue;
        }
        const Lookup v = find(stack, n.content);
        if (!v.text && !v.list) throw OutputError(where() + " : « " + n.content + " » n'est pas une donnée des fiches");
        switch (n.kind) {
            case Node::Kind::escaped:
            case Node::Kind::raw:
                if (!v.text) throw OutputError(where() + " : « " + n.content + " » est une liste : utilisez {{#" + n.content + "}}");
                out += n.kind == Node::Kind::raw ? *v.text : escape_html(*v.text);
                break;
            case Node::Kind::section:
                if (v.list) {
                    for (const TemplateData& item : *v.list) {
                        stack.push_back(&item);
                        render_nodes(n.children, stack, file, out, depth);
                        stack.pop_back();
                    }
                } else if (!v.text->empty()) {
                    render_nodes(n.children, stack, file, out, depth);
                }
                break;
            case Node::Kind::inverted:
                if (v.list ? v.list->empty() : v.text->empty()) render_nodes(n.children, stack, file, out, depth);
                break;
            default: break;
        }
    }
}

}  // namespace territoire::sheets
