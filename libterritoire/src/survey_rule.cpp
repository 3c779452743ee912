// survey_rule.cpp — parser and evaluator of public_rule expressions (survey_rule.hpp): a tokenizer,
// a recursive-descent parser into a small tree, and three-valued evaluation.
#include "survey_rule.hpp"

#include <cctype>

#include "detail/text.hpp"

namespace territoire::survey {

struct Rule::Node {
    enum class Kind { op_and, op_or, op_not, compare, in } kind = Kind::compare;
    std::shared_ptr<const Node> left, right;  // and/or: both; not: left
    std::string question;
    std::string op;                           // == != < <= > >=
    bool negated = false;                     // not in
    struct Literal {
        std::string text;
        std::optional<double> number;         // set for a numeric literal
    };
    std::vector<Literal> values;              // compare: one; in: the list
};

namespace {

using Node = Rule::Node;
using NodePtr = std::shared_ptr<const Node>;

struct Token {
    enum class Kind { ident, string, number, op, lparen, rparen, lbracket, rbracket, comma, end } kind;
    std::string text;
    std::size_t offset = 0;  // byte offset
};

// 1-based character position of a byte offset (UTF-8 continuation bytes do not count).
std::size_t char_position(const std::string& text, std::size_t offset) {
    std::size_t pos = 1;
    for (std::size_t i = 0; i < offset && i < text.size(); ++i)
        if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++pos;
    return pos;
}

bool ident_char(unsigned char c) { return std::isalnum(c) || c == '_' || c == '.' || c >= 0x80; }

class Parser {
public:
    explicit Parser(const std::string& text) : text_(text) { tokenize(); }

    NodePtr parse() {
        if (tokens_.size() == 1) fail(tokens_[0], "règle vide");
        NodePtr n = parse_or();
        if (peek().kind != Token::Kind::end) fail(peek(), "« " + peek().text + " » inattendu (and, or ou fin de règle attendu)");
        return n;
    }

    std::vector<std::string> questions;
    std::vector<std::size_t> positions;

private:
    [[noreturn]] void fail(const Token& t, const std::string& message) const {
        throw RuleSyntaxError(char_position(text_, t.offset), message);
    }
    [[noreturn]] void fail_at(std::size_t offset, const std::string& message) const {
        throw RuleSyntaxError(char_position(text_, offset), message);
    }

    void tokenize() {
        std::size_t i = 0;
        while (i < text_.size()) {
            const unsigned char c = static_cast<unsigned char>(text_[i]);
            if (std::isspace(c)) { ++i; continue; }
            const std::size_t start = i;
            if (c == '\'' || c == '"') {
                const std::size_t close = text_.find(static_cast<char>(c), i + 1);
                if (close == std::string::npos) fail_at(start, "texte entre guillemets non refermé");
                tokens_.push_back({Token::Kind::string, text_.substr(i + 1, close - i - 1), start});
                i = close + 1;
            } else if (std::isdigit(c) || ((c == '-' || c == '+') && i + 1 < text_.size() && std::isdigit(static_cast<unsigned char>(text_[i + 1])))) {
                ++i;
                while (i < text_.size() && (std::isdigit(static_cast<unsigned char>(text_[i])) || text_[i] == '.' || text_[i] == ',')) ++i;
                tokens_.push_back({Token::Kind::number, text_.substr(start, i - start), start});
            } else if (ident_char(c)) {
                while (i < text_.size() && ident_char(static_cast<unsigned char>(text_[i]))) ++i;
                tokens_.push_back({Token::Kind::ident, text_.substr(start, i - start), start});
            } else if (c == '=' || c == '!' || c == '<' || c == '>') {
                std::string op(1, static_cast<char>(c));
                if (i + 1 < text_.size() && text_[i + 1] == '=') op += '=';
                if (op == "=" || op == "!") fail_at(start, "opérateur « " + op + " » inconnu (==, !=, <, <=, >, >= attendus)");
                tokens_.push_back({Token::Kind::op, op, start});
                i += op.size();
            } else if (c == '(') { tokens_.push_back({Token::Kind::lparen, "(", start}); ++i; }
            else if (c == ')') { tokens_.push_back({Token::Kind::rparen, ")", start}); ++i; }
            else if (c == '[') { tokens_.push_back({Token::Kind::lbracket, "[", start}); ++i; }
            else if (c == ']') { tokens_.push_back({Token::Kind::rbracket, "]", start}); ++i; }
            else if (c == ',') { tokens_.push_back({Token::Kind::comma, ",", start}); ++i; }
            else fail_at(start, std::string("caractère « ") + static_cast<char>(c) + " » inattendu");
        }
        tokens_.push_back({Token::Kind::end, "fin de règle", text_.size()});
    }

    const Token& peek() const { return tokens_[pos_]; }
    const Token& next() { return tokens_[pos_ < tokens_.size() - 1 ? pos_++ : pos_]; }
    bool keyword(const char* word) const { return peek().kind == Token::Kind::ident && peek().text == word; }

    NodePtr binary(Node::Kind kind, NodePtr a, NodePtr b) {
        auto n = std::make_shared<Node>();
        n->kind = kind;
        n->left = std::move(a);
        n->right = std::move(b);
        return n;
    }

    NodePtr parse_or() {
        NodePtr left = parse_and();
        while (keyword("or")) { next(); left = binary(Node::Kind::op_or, left, parse_and()); }
        return left;
    }
    NodePtr parse_and() {
        NodePtr left = parse_not();
        while (keyword("and")) { next(); left = binary(Node::Kind::op_and, left, parse_not()); }
        return left;
    }
    NodePtr parse_not() {
        if (keyword("not")) {
            next();
            auto n = std::make_shared<Node>();
            n->kind = Node::Kind::op_not;
            n->left = parse_not();
            return n;
        }
        return parse_primary();
    }
    Node::Literal literal() {
        const Token& t = next();
        if (t.kind == Token::Kind::string) return {t.text, std::nullopt};
        if (t.kind == Token::Kind::number) {
            const auto v = detail::parse_number(t.text);
            if (!v) fail(t, "nombre illisible « " + t.text + " »");
            return {t.text, v};
        }
        fail(t, "valeur attendue (texte entre guillemets ou nombre) au lieu de « " + t.text + " »");
    }
    NodePtr parse_primary() {
        const Token& t = next();
        if (t.kind == Token::Kind::lparen) {
            NodePtr inner = parse_or();
            if (peek().kind != Token::Kind::rparen) fail(peek(), "« ) » attendue au lieu de « " + peek().text + " »");
            next();
            return inner;
        }
        if (t.kind != Token::Kind::ident || t.text == "and" || t.text == "or" || t.text == "in") {
            fail(t, "nom de question attendu au lieu de « " + t.text + " »");
        }
        auto n = std::make_shared<Node>();
        n->question = t.text;
        bool seen = false;
        for (const auto& q : questions) seen = seen || q == t.text;
        if (!seen) {
            questions.push_back(t.text);
            positions.push_back(char_position(text_, t.offset));
        }
        if (keyword("not") || keyword("in")) {
            if (keyword("not")) {
                next();
                n->negated = true;
                if (!keyword("in")) fail(peek(), "« in » attendu après « not »");
            }
            next();  // in
            n->kind = Node::Kind::in;
            if (peek().kind != Token::Kind::lbracket) fail(peek(), "« [ » attendu après « in »");
            next();
            n->values.push_back(literal());
            while (peek().kind == Token::Kind::comma) { next(); n->values.push_back(literal()); }
            if (peek().kind != Token::Kind::rbracket) fail(peek(), "« ] » ou « , » attendu au lieu de « " + peek().text + " »");
            next();
            return n;
        }
        if (peek().kind != Token::Kind::op) fail(peek(), "opérateur attendu après « " + t.text + " » (==, !=, <, <=, >, >=, in, not in)");
        const Token& op = next();
        n->kind = Node::Kind::compare;
        n->op = op.text;
        const std::size_t at = peek().offset;
        n->values.push_back(literal());
        if (n->op != "==" && n->op != "!=" && !n->values[0].number) fail_at(at, "« " + n->op + " » compare des nombres : un nombre est attendu");
        return n;
    }

    const std::string& text_;
    std::vector<Token> tokens_;
    std::size_t pos_ = 0;
};

// Does one answer equal a literal? Numerically when the literal is a number and the answer one.
bool equals(const std::string& answer, const Node::Literal& lit) {
    if (lit.number) {
        const auto v = detail::parse_number(answer);
        if (v) return *v == *lit.number;
    }
    return detail::trim(answer) == lit.text;
}

std::optional<bool> eval(const Node& n, const Rule::Answers& answers) {
    switch (n.kind) {
        case Node::Kind::op_not: {
            const auto v = eval(*n.left, answers);
            return v ? std::optional<bool>(!*v) : std::nullopt;
        }
        case Node::Kind::op_and: {
            const auto a = eval(*n.left, answers), b = eval(*n.right, answers);
            if ((a && !*a) || (b && !*b)) return false;
            if (a && b) return true;
            return std::nullopt;
        }
        case Node::Kind::op_or: {
            const auto a = eval(*n.left, answers), b = eval(*n.right, answers);
            if ((a && *a) || (b && *b)) return true;
            if (a && b) return false;
            return std::nullopt;
        }
        case Node::Kind::in: {
            const auto values = answers(n.question);
            if (values.empty()) return std::nullopt;
            bool any = false;
            for (const auto& v : values)
                for (const auto& lit : n.values) any = any || equals(v, lit);
            return n.negated ? !any : any;
        }
        case Node::Kind::compare: {
            const auto values = answers(n.question);
            if (values.empty()) return std::nullopt;
            const auto& lit = n.values[0];
            if (n.op == "==" || n.op == "!=") {
                bool any = false;
                for (const auto& v : values) any = any || equals(v, lit);
                return n.op == "==" ? any : !any;
            }
            bool any = false, known = false;
            for (const auto& v : values) {
                const auto x = detail::parse_number(v);
                if (!x) continue;
                known = true;
                const double y = *lit.number;
                any = any || (n.op == "<" ? *x < y : n.op == "<=" ? *x <= y : n.op == ">" ? *x > y : *x >= y);
            }
            return known ? std::optional<bool>(any) : std::nullopt;
        }
    }
    return std::nullopt;
}

}  // namespace

Rule Rule::parse(const std::string& text) {
    Parser p(text);
    Rule r;
    r.root_ = p.parse();
    r.questions_ = std::move(p.questions);
    r.positions_ = std::move(p.positions);
    return r;
}

std::optional<bool> Rule::evaluate(const Answers& answers) const {
    if (!root_) return std::nullopt;
    return eval(*root_, answers);
}

}  // namespace territoire::survey
