// workbook.cpp — the consultant's workbook DIR/diagnostic.xlsx, written with libxlsxwriter: a
// « Sommaire » sheet listing every sheet (with links), then one sheet per delivered table, in the
// order of Diagnostic::tables: typed cells, the French field aliases as headers, frozen header row,
// autofilter, number formats, and longitude/latitude for point layers. docs/workbook.md.
#include "workbook.hpp"

#include <xlsxwriter.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <ctime>
#include <map>
#include <optional>
#include <set>

#include "deliverables.hpp"
#include "detail/proj.hpp"
#include "output_file.hpp"
#include "territoire/error.hpp"

namespace territoire {
namespace workbook {
namespace {

// Excel compares sheet names case-insensitively: ASCII and the Latin-1 letters of French
// (À…Þ, two UTF-8 bytes C3 80–C3 9E) are folded to lower case.
std::string fold_case(const std::string& s) {
    std::string out = s;
    for (std::size_t i = 0; i < out.size(); ++i) {
        const auto c = static_cast<unsigned char>(out[i]);
        if (c >= 'A' && c <= 'Z') out[i] = static_cast<char>(c - 'A' + 'a');
        if (c == 0xC3 && i + 1 < out.size()) {
            const auto n = static_cast<unsigned char>(out[i + 1]);
            if (n >= 0x80 && n <= 0x9E && n != 0x97) out[i + 1] = static_cast<char>(n + 0x20);
            ++i;
        }
    }
    return out;
}

// Byte length of the UTF-8 sequence starting with `lead` (1 for a stray continuation byte).
std::size_t sequence_length(unsigned char lead) {
    if (lead >= 0xF0) return 4;
    if (lead >= 0xE0) return 3;
    if (lead >= 0xC0) return 2;
    return 1;
}

std::string trim_name(std::string s) {
    const auto junk = [](char c) { return c == ' ' || c == '\'' || c == '-'; };
    while (!s.empty() && junk(s.back())) s.pop_back();
    std::size_t start = 0;
    while (start < s.size() && junk(s[start])) ++start;
    return s.substr(start);
}

bool ends_with(const std::string& s, const std::string& tail) {
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

}  // namespace

std::string excel_prefix(const std::string& s, std::size_t units) {
    std::size_t i = 0, used = 0;
    while (i < s.size()) {
        const std::size_t len = sequence_length(static_cast<unsigned char>(s[i]));
        const std::size_t w = len == 4 ? 2 : 1;
        if (used + w > units) break;
        used += w;
        i += len;
    }
    return s.substr(0, std::min(i, s.size()));
}

std::size_t excel_length(const std::string& text) {
    std::size_t units = 0;
    for (std::size_t i = 0; i < text.size();) {
        const std::size_t len = sequence_length(static_cast<unsigned char>(text[i]));
        units += len == 4 ? 2 : 1;
        i += len;
    }
    return units;
}

bool fit_cell_text(std::string& text) {
    if (excel_length(text) <= kMaxCellText) return false;
    const std::string ellipsis = " […]";
    text = excel_prefix(text, kMaxCellText - excel_length(ellipsis)) + ellipsis;
    return true;
}

std::string cut_at_word(const std::string& text, std::size_t units) {
    if (excel_length(text) <= units) return text;
    const std::string ellipsis = "\u2026";  // one unit
    std::string head = excel_prefix(text, units - excel_length(ellipsis));
    // Back to the last space when the cut falls inside a word, unless that leaves too little.
    if (head.size() < text.size() && text[head.size()] != ' ') {
        const std::size_t space = head.rfind(' ');
        if (space != std::string::npos && excel_length(head.substr(0, space)) >= units / 2) head.erase(space);
    }
    // A title cut after « de », « et »… reads badly: drop such trailing words (and separators).
    static const std::set<std::string> weak{"de", "du", "des", "d'", "la", "le", "les", "l'", "et", "ou", "à", "au",
                                            "aux", "en", "par", "pour", "sur", "-"};
    for (;;) {
        head = trim_name(head);
        const std::size_t space = head.rfind(' ');
        if (space == std::string::npos || excel_length(head.substr(0, space)) < units / 2) break;
        if (!weak.count(fold_case(head.substr(space + 1)))) break;
        head.erase(space);
    }
    return head + ellipsis;
}

std::vector<std::string> sheet_names(const std::vector<std::string>& titles, const std::vector<std::string>& reserved) {
    std::set<std::string> taken;
    for (const auto& r : reserved) taken.insert(fold_case(r));
    std::vector<std::string> names;
    for (const auto& title : titles) {
        std::string clean;
        for (char c : title) {
            if (c == '/' || c == '\\' || c == ':') c = '-';
            if (c == '[' || c == ']' || c == '*' || c == '?' || static_cast<unsigned char>(c) < 0x20) c = ' ';
            if (c != ' ' || (!clean.empty() && clean.back() != ' ')) clean += c;
        }
        // Too long: cut at a word boundary, marked « … » (cut_at_word).
        std::string base = trim_name(clean);
        if (base.empty()) base = "Feuille";
        std::string name = cut_at_word(base, kMaxSheetName);
        for (int k = 2; !taken.insert(fold_case(name)).second; ++k) {
            const std::string suffix = " (" + std::to_string(k) + ")";
            name = cut_at_word(base, kMaxSheetName - suffix.size()) + suffix;
        }
        names.push_back(name);
    }
    return names;
}

std::string number_format(const Field& field) {
    const std::string& n = field.name;
    switch (field.type) {
        case FieldType::text:
        case FieldType::boolean: return "";
        case FieldType::integer: return n.rfind("n_", 0) == 0 ? "#,##0" : "0";  // counts, or ranks and ids
        case FieldType::real: break;
    }
    static const std::set<std::string> centralities{"betweenness", "betweenness_w", "closeness", "harmonic",
                                                    "pagerank",    "eigenvector",   "clustering"};
    if (ends_with(n, "_pct") || n.find("per_10k") != std::string::npos) return "0.0";
    if (centralities.count(n)) return "0.0000";
    if (n == "population" || n == "capacity" || ends_with(n, "_m")) return "#,##0";
    if (ends_with(n, "_km2")) return "#,##0.00";
    if (n == "weight" || n == "strength" || n == "weight_sum" || n == "mean_degree" || n == "expected_links" ||
        n == "ratio_observed_expected")
        return "#,##0.00";
    return "General";
}

}  // namespace workbook

namespace {

namespace fs = std::filesystem;
using workbook::excel_length;

// Document creation date: fixed (2000-01-01 00:00:00 UTC) so that two runs on the same inputs
// give the same bytes; libxlsxwriter would otherwise write the current time.
constexpr std::time_t kCreationTime = 946684800;

// Column widths in characters of the default font; long headers wrap beyond kMaxHeaderWidth.
constexpr double kMinWidth = 8, kMaxWidth = 60, kMaxHeaderWidth = 24;
constexpr double kLineHeight = 15;  // points, one line of the default font (Calibri 11)
constexpr std::uint8_t kPaperA4 = 9;
constexpr const char* kDegrees = "0.000000";  // about 0.1 m

// One column of a sheet: its header and number format, and the widest content seen.
struct Column {
    std::string header;
    std::string format;  // number format code; "" for text and booleans
    double content_width = 0;
};

// Estimated width in characters of `v` shown with number format `code`.
double shown_width(double v, const std::string& code) {
    if (code == "General") return 11;
    const double digits = std::abs(v) < 1 ? 1 : std::floor(std::log10(std::abs(v))) + 1;
    const bool grouped = code.find(',') != std::string::npos;
    const auto point = code.find('.');
    const double decimals = point == std::string::npos ? 0 : static_cast<double>(code.size() - point);
    return digits + (grouped ? std::floor((digits - 1) / 3) : 0) + decimals + (v < 0 ? 1 : 0);
}

// Longitude and latitude (WGS 84) of a point WKB as tables.cpp writes it (NDR, 2D); nullopt for
// an empty geometry, another geometry type, or a point PROJ cannot transform.
std::optional<Point> lon_lat(const Wkb& wkb, const detail::Transformer& to_wgs84) {
    std::uint32_t type = 0;
    if (wkb.size() != 21 || wkb[0] != 1) return std::nullopt;
    std::memcpy(&type, wkb.data() + 1, 4);
    if (type != 1) return std::nullopt;
    Point p;
    std::memcpy(&p.x, wkb.data() + 5, 8);
    std::memcpy(&p.y, wkb.data() + 13, 8);
    if (!to_wgs84.transform(p.x, p.y)) return std::nullopt;
    return p;
}

// Text for a printed page header or footer: '&' introduces a code there, and Excel allows 255
// characters in all.
std::string page_text(const std::string& s) {
    std::string out;
    for (char c : s) out += c == '&' ? std::string("&&") : std::string(1, c);
    return workbook::excel_prefix(out, 100);
}

const char* geometry_label(GeometryType t) {
    switch (t) {
        case GeometryType::point: return "Points";
        case GeometryType::linestring: return "Lignes";
        case GeometryType::multipoint: return "Multipoints";
        case GeometryType::multipolygon: return "Polygones";
        case GeometryType::none: return "Aucune (table)";
    }
    return "";
}

// The workbook being written and its formats. Every libxlsxwriter failure becomes an OutputError
// naming the final file; the destructor frees an unclosed workbook without writing anything.
class Book {
public:
    Book(const std::string& tmp, std::string file) : file_(std::move(file)) {
        wb_ = workbook_new(tmp.c_str());
        if (!wb_) throw OutputError(file_ + " : création du classeur impossible");
        header_ = workbook_add_format(wb_);
        format_set_bold(header_);
        format_set_text_wrap(header_);
        format_set_align(header_, LXW_ALIGN_VERTICAL_TOP);
        format_set_bg_color(header_, 0xE7E6E6);
        format_set_bottom(header_, LXW_BORDER_THIN);
        link_ = workbook_add_format(wb_);
        format_set_underline(link_, LXW_UNDERLINE_SINGLE);
        format_set_font_color(link_, LXW_COLOR_BLUE);
        bold_ = workbook_add_format(wb_);
        format_set_bold(bold_);
    }
    ~Book() {
        if (wb_) lxw_workbook_free(wb_);
    }
    Book(const Book&) = delete;
    Book& operator=(const Book&) = delete;

    const std::string& file() const { return file_; }
    lxw_workbook* get() const { return wb_; }
    lxw_format* header() const { return header_; }
    lxw_format* link() const { return link_; }
    lxw_format* bold() const { return bold_; }

    /// The cell format of a number format code; "" is text ("@"), so that codes typed later stay text.
    lxw_format* cell_format(const std::string& code) {
        auto [it, added] = formats_.emplace(code, nullptr);
        if (added) {
            it->second = workbook_add_format(wb_);
            format_set_num_format(it->second, code.empty() ? "@" : code.c_str());
        }
        return it->second;
    }

    lxw_worksheet* add_sheet(const std::string& name) {
        lxw_worksheet* ws = workbook_add_worksheet(wb_, name.c_str());
        if (!ws) throw OutputError(file_ + " : feuille « " + name + " » impossible à créer");
        return ws;
    }

    void check(lxw_error err, const std::string& sheet) const {
        if (err != LXW_NO_ERROR) throw OutputError(file_ + " : feuille « " + sheet + " » : " + lxw_strerror(err));
    }

    /// Writes the file (workbook_close frees the workbook whatever happens).
    void close() {
        lxw_workbook* wb = wb_;
        wb_ = nullptr;
        const lxw_error err = workbook_close(wb);
        if (err != LXW_NO_ERROR) throw OutputError(file_ + " : écriture du classeur impossible : " + lxw_strerror(err));
    }

private:
    std::string file_;
    lxw_workbook* wb_ = nullptr;
    lxw_format* header_ = nullptr;
    lxw_format* link_ = nullptr;
    lxw_format* bold_ = nullptr;
    std::map<std::string, lxw_format*> formats_;
};

// Writes one cell of a data sheet; NULL (and a non-finite number) stays an empty cell. Counts the
// texts cut to Excel's limit in `cut`.
void write_value(Book& book, lxw_worksheet* ws, const std::string& sheet, lxw_row_t row, lxw_col_t col,
                 const Value& value, Column& column, std::size_t& cut) {
    std::visit(
        [&](const auto& v) {
            using V = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<V, std::string>) {
                std::string text = v;
                if (workbook::fit_cell_text(text)) ++cut;
                column.content_width = std::max(column.content_width, static_cast<double>(excel_length(text)));
                book.check(worksheet_write_string(ws, row, col, text.c_str(), book.cell_format("")), sheet);
            } else if constexpr (std::is_same_v<V, std::int64_t> || std::is_same_v<V, double>) {
                const double x = static_cast<double>(v);
                if (!std::isfinite(x)) return;
                column.content_width = std::max(column.content_width, shown_width(x, column.format));
                book.check(worksheet_write_number(ws, row, col, x, book.cell_format(column.format)), sheet);
            } else if constexpr (std::is_same_v<V, bool>) {
                column.content_width = std::max(column.content_width, 5.0);  // VRAI, FAUX, FALSE
                book.check(worksheet_write_boolean(ws, row, col, v ? 1 : 0, nullptr), sheet);
            }
        },
        value);
}

// The header row, column widths and formats, frozen header row, autofilter over `rows` data rows,
// and the page setup (A4 landscape, one page wide, header row repeated on every page).
void finish_sheet(Book& book, lxw_worksheet* ws, const std::string& sheet, const std::string& title,
                  const std::vector<Column>& columns, std::size_t rows) {
    double lines = 1;
    for (std::size_t c = 0; c < columns.size(); ++c) {
        const Column& col = columns[c];
        const auto i = static_cast<lxw_col_t>(c);
        const double header = static_cast<double>(excel_length(col.header));
        const double width = std::clamp(std::max(std::min(header, kMaxHeaderWidth), col.content_width) + 2, kMinWidth, kMaxWidth);
        lines = std::max(lines, std::ceil(header / (width - 1)));
        book.check(worksheet_write_string(ws, 0, i, col.header.c_str(), book.header()), sheet);
        // The column format applies to cells left empty, e.g. what a user types later.
        book.check(worksheet_set_column(ws, i, i, width, col.format.empty() ? nullptr : book.cell_format(col.format)), sheet);
    }
    book.check(worksheet_set_row(ws, 0, kLineHeight * lines, nullptr), sheet);
    worksheet_freeze_panes(ws, 1, 0);
    const auto last_col = static_cast<lxw_col_t>(columns.empty() ? 0 : columns.size() - 1);
    book.check(worksheet_autofilter(ws, 0, 0, static_cast<lxw_row_t>(rows), last_col), sheet);
    // Codes such as INSEE "01004" are text on purpose: no green "number stored as text" marks.
    book.check(worksheet_ignore_errors(ws, LXW_IGNORE_NUMBER_STORED_AS_TEXT, "A1:XFD1048576"), sheet);
    worksheet_set_landscape(ws);
    worksheet_set_paper(ws, kPaperA4);
    worksheet_fit_to_pages(ws, 1, 0);
    book.check(worksheet_repeat_rows(ws, 0, 0), sheet);
    book.check(worksheet_set_header(ws, ("&L&B" + page_text(title)).c_str()), sheet);
    book.check(worksheet_set_footer(ws, "&RPage &P / &N"), sheet);
}

// Rows of data an Excel sheet can hold under its header (1 048 576 rows in all).
constexpr std::size_t kMaxDataRows = 1048575;

// One sheet per table: one column per field (its French alias as header), plus longitude and
// latitude for point layers when `to_wgs84` is given. A table longer than a sheet keeps its first
// kMaxDataRows rows; the sheet's name goes to `truncated` (the GeoPackage has every row).
void write_table_sheet(Book& book, const std::string& sheet, const Table& t, const detail::Transformer* to_wgs84,
                       std::size_t& cut, std::vector<std::string>& truncated) {
    lxw_worksheet* ws = book.add_sheet(sheet);
    std::vector<Column> columns;
    for (const auto& f : t.fields) columns.push_back({f.alias.empty() ? f.name : f.alias, workbook::number_format(f), 0});
    const bool coordinates = t.geometry_type == GeometryType::point && to_wgs84;
    if (coordinates) {
        columns.push_back({"Longitude (WGS 84)", kDegrees, 0});
        columns.push_back({"Latitude (WGS 84)", kDegrees, 0});
    }
    const std::size_t rows = std::min(t.rows.size(), kMaxDataRows);
    if (rows < t.rows.size()) truncated.push_back(sheet);
    for (std::size_t r = 0; r < rows; ++r) {
        const auto row = static_cast<lxw_row_t>(r + 1);
        for (std::size_t c = 0; c < t.fields.size(); ++c)
            write_value(book, ws, sheet, row, static_cast<lxw_col_t>(c), t.rows[r][c], columns[c], cut);
        if (!coordinates) continue;
        if (const auto p = lon_lat(t.geometries[r], *to_wgs84)) {
            const auto c = static_cast<lxw_col_t>(t.fields.size());
            write_value(book, ws, sheet, row, c, Value(p->x), columns[c], cut);
            write_value(book, ws, sheet, row, c + 1, Value(p->y), columns[c + 1], cut);
        }
    }
    finish_sheet(book, ws, sheet, t.title, columns, rows);
}

// The « Sommaire »: one row per table sheet (link, title, description, rows, GeoPackage layer,
// geometry), then a few notes on how to read the workbook.
void write_summary_sheet(Book& book, lxw_worksheet* ws, const Diagnostic& d, const std::vector<std::string>& sheets,
                         std::size_t cut, const std::vector<std::string>& truncated) {
    const std::string sheet = workbook::kSummarySheet;
    std::vector<Column> columns{{"Feuille", "", 0},           {"Contenu", "", 0},
                                {"Description", "", 0},       {"Lignes", "#,##0", 0},
                                {"Couche de diagnostic.gpkg", "", 0}, {"Géométrie", "", 0}};
    for (std::size_t i = 0; i < d.tables.size(); ++i) {
        const Table& t = d.tables[i];
        const auto row = static_cast<lxw_row_t>(i + 1);
        std::string quoted;
        for (char c : sheets[i]) quoted += c == '\'' ? std::string("''") : std::string(1, c);
        const std::string target = "internal:'" + quoted + "'!A1";
        book.check(worksheet_write_url_opt(ws, row, 0, target.c_str(), book.link(), sheets[i].c_str(), nullptr), sheet);
        columns[0].content_width = std::max(columns[0].content_width, static_cast<double>(excel_length(sheets[i])));
        std::size_t ignored = 0;
        write_value(book, ws, sheet, row, 1, t.title, columns[1], ignored);
        write_value(book, ws, sheet, row, 2, t.description, columns[2], ignored);
        write_value(book, ws, sheet, row, 3, static_cast<std::int64_t>(t.rows.size()), columns[3], ignored);
        write_value(book, ws, sheet, row, 4, t.name, columns[4], ignored);
        write_value(book, ws, sheet, row, 5, std::string(geometry_label(t.geometry_type)), columns[5], ignored);
    }
    std::vector<std::string> notes{"Projet : " + d.project.name};
    if (d.territory.name != d.project.name) notes.push_back("Territoire : " + d.territory.name);
    notes.push_back(std::string("Produit par libterritoire ") + version() +
                    " à partir des mêmes données que diagnostic.gpkg, une feuille par couche ou table.");
    notes.push_back("Les géométries sont dans diagnostic.gpkg ; les acteurs et les lieux ont ici leur longitude et leur "
                    "latitude en degrés (WGS 84).");
    notes.push_back("Cellule vide : valeur non renseignée. VRAI / FAUX : oui / non. Les codes (INSEE, IRIS…) sont du texte.");
    if (cut > 0)
        notes.push_back(std::to_string(cut) + " texte(s) plus long(s) que la limite d'Excel (32 767 caractères) "
                        "coupé(s), marqué(s) « […] » ; le texte entier est dans diagnostic.gpkg.");
    for (const auto& name : truncated)
        notes.push_back("Feuille « " + name + " » : seules les " + std::to_string(kMaxDataRows) +
                        " premières lignes (limite d'Excel) ; toutes sont dans diagnostic.gpkg.");
    for (std::size_t i = 0; i < notes.size(); ++i) {
        std::string text = notes[i];
        workbook::fit_cell_text(text);
        const auto row = static_cast<lxw_row_t>(d.tables.size() + 2 + i);
        book.check(worksheet_write_string(ws, row, 0, text.c_str(), i == 0 ? book.bold() : nullptr), sheet);
    }
    finish_sheet(book, ws, sheet, "Sommaire du diagnostic", columns, d.tables.size());
}

void set_properties(Book& book, const Diagnostic& d) {
    std::string title = d.project.name.empty() ? std::string("Diagnostic culturel") : d.project.name;
    std::string subject = "Diagnostic culturel de territoire : " + d.territory.name;
    std::string author = "libterritoire";
    std::string comments = std::string("Tableaux du diagnostic, une feuille par couche de diagnostic.gpkg ; produit par "
                                       "libterritoire ") + version();
    std::string keywords = "diagnostic culturel, territoire, acteurs, lieux, réseau de coopération";
    lxw_doc_properties properties{};
    properties.title = title.data();
    properties.subject = subject.data();
    properties.author = author.data();
    properties.comments = comments.data();
    properties.keywords = keywords.data();
    properties.created = kCreationTime;
    book.check(workbook_set_properties(book.get(), &properties), "propriétés du document");
}

}  // namespace

void write_workbook(const Diagnostic& d, const fs::path& file) {
    const std::string tmp = temp_name(file);
    std::error_code ec;
    fs::remove(tmp, ec);
    try {
        std::optional<detail::Transformer> to_wgs84;
        try {
            to_wgs84.emplace(d.project.crs, "EPSG:4326");
        } catch (const Error& e) {
            throw OutputError(file.string() + " : longitudes et latitudes impossibles à calculer : " + e.what());
        }
        std::vector<std::string> titles;
        for (const auto& t : d.tables) titles.push_back(t.title);
        const std::vector<std::string> sheets = workbook::sheet_names(titles);

        Book book(tmp, file.string());
        set_properties(book, d);
        lxw_worksheet* summary = book.add_sheet(workbook::kSummarySheet);
        std::size_t cut = 0;
        std::vector<std::string> truncated;
        for (std::size_t i = 0; i < d.tables.size(); ++i)
            write_table_sheet(book, sheets[i], d.tables[i], &*to_wgs84, cut, truncated);
        write_summary_sheet(book, summary, d, sheets, cut, truncated);
        book.close();
    } catch (...) {
        fs::remove(tmp, ec);
        throw;
    }
    commit_file(tmp, file);
}

}  // namespace territoire
