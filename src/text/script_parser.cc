// WAST scripts: the spec interpreter's script format (its README, "Scripts"):
// modules, register, actions and assertions, read into wast::Script.
#include "text/literals.h"
#include "text/module_parser.h"
#include "text/parse.h"

namespace flint::text {

namespace {

using wast::Action;
using wast::Expected;
using wast::ScriptModule;

class ScriptParser {
 public:
  explicit ScriptParser(const std::vector<Token>& tokens) : tokens_(tokens), cur_(tokens, 0) {}

  Result<wast::Script> run() {
    wast::Script script;
    if (starts_with_module_field()) {
      // A script may be just the fields of one module (inline-module.wast).
      ScriptModule m;
      m.line = cur_.peek().line;
      size_t end = 0;
      FLINT_ASSIGN(m.binary, encode_module_fields(tokens_, cur_.pos(), &end));
      cur_.seek(end);
      if (!cur_.at(TokenKind::Eof)) return cur_.unexpected();
      script.lines.push_back(m.line);
      script.commands.push_back(wast::ModuleCommand{std::move(m)});
      return script;
    }
    while (!cur_.at(TokenKind::Eof)) {
      uint32_t line = cur_.peek().line;
      FLINT_ASSIGN(wast::Command command, parse_command());
      script.commands.push_back(std::move(command));
      script.lines.push_back(line);
    }
    return script;
  }

 private:
  bool starts_with_module_field() const {
    static constexpr std::string_view kFields[] = {"type",   "import", "func",  "table", "memory",
                                                   "global", "export", "start", "elem",  "data"};
    if (!cur_.at(TokenKind::LParen)) return false;
    for (std::string_view f : kFields) {
      if (cur_.at_keyword(f, 1)) return true;
    }
    return false;
  }

  Result<wast::Command> parse_command() {
    if (!cur_.at(TokenKind::LParen)) return cur_.unexpected();
    std::string_view k = cur_.peek(1).text;
    if (k == "module") {
      FLINT_ASSIGN(ScriptModule m, parse_module());
      return wast::Command(wast::ModuleCommand{std::move(m)});
    }
    if (k == "invoke" || k == "get") {
      FLINT_ASSIGN(Action a, parse_action());
      return wast::Command(wast::ActionCommand{std::move(a)});
    }
    if (k == "register") return parse_register();
    const Token& head = cur_.peek(1);
    if (head.kind != TokenKind::Keyword) {
      cur_.next();
      return cur_.unexpected();
    }
    cur_.next();
    cur_.next();
    wast::Command command;
    if (k == "assert_return") {
      FLINT_ASSIGN(Action a, parse_action());
      std::vector<Expected> expected;
      while (cur_.at(TokenKind::LParen)) {
        FLINT_ASSIGN(Expected e, parse_expected());
        expected.push_back(std::move(e));
      }
      command = wast::AssertReturn{std::move(a), std::move(expected)};
    } else if (k == "assert_trap" && cur_.at_form("module")) {
      FLINT_ASSIGN(ScriptModule m, parse_module());
      FLINT_ASSIGN(std::string msg, cur_.expect_string());
      command = wast::AssertUninstantiable{std::move(m), std::move(msg)};
    } else if (k == "assert_trap" || k == "assert_exhaustion") {
      FLINT_ASSIGN(Action a, parse_action());
      FLINT_ASSIGN(std::string msg, cur_.expect_string());
      if (k == "assert_trap")
        command = wast::AssertTrap{std::move(a), std::move(msg)};
      else
        command = wast::AssertExhaustion{std::move(a), std::move(msg)};
    } else if (k == "assert_malformed" || k == "assert_invalid" || k == "assert_unlinkable") {
      FLINT_ASSIGN(ScriptModule m, parse_module());
      FLINT_ASSIGN(std::string msg, cur_.expect_string());
      if (k == "assert_malformed")
        command = wast::AssertMalformed{std::move(m), std::move(msg)};
      else if (k == "assert_invalid")
        command = wast::AssertInvalid{std::move(m), std::move(msg)};
      else
        command = wast::AssertUnlinkable{std::move(m), std::move(msg)};
    } else {
      return Cursor::unexpected_at(head);
    }
    FLINT_TRY(cur_.expect(TokenKind::RParen));
    return command;
  }

  // (module $id? binary "..."*) | (module $id? quote "..."*) | (module $id? field*)
  Result<ScriptModule> parse_module() {
    ScriptModule m;
    m.line = cur_.peek().line;
    FLINT_TRY(cur_.expect_form("module"));
    m.id = cur_.take_id();
    if (cur_.at_keyword("binary") || cur_.at_keyword("quote")) {
      bool binary = cur_.next().text == "binary";
      m.form = binary ? ScriptModule::Form::Binary : ScriptModule::Form::Quote;
      std::string bytes;
      while (cur_.at(TokenKind::String)) bytes += cur_.next().value;
      if (binary)
        m.binary.assign(bytes.begin(), bytes.end());
      else
        m.quote = std::move(bytes);
    } else {
      m.form = ScriptModule::Form::Text;
      size_t end = 0;
      FLINT_ASSIGN(m.binary, encode_module_fields(tokens_, cur_.pos(), &end, m.id));
      cur_.seek(end);
    }
    FLINT_TRY(cur_.expect(TokenKind::RParen));
    return m;
  }

  Result<wast::Command> parse_register() {
    uint32_t line = cur_.peek().line;
    cur_.next();
    cur_.next();
    wast::RegisterCommand r;
    r.line = line;
    FLINT_ASSIGN(r.name, cur_.expect_name());
    r.module = cur_.take_id();
    FLINT_TRY(cur_.expect(TokenKind::RParen));
    return wast::Command(std::move(r));
  }

  // (invoke $id? "name" const*) | (get $id? "name")
  Result<Action> parse_action() {
    Action a;
    a.line = cur_.peek().line;
    if (cur_.at_form("invoke")) {
      a.kind = Action::Kind::Invoke;
    } else if (cur_.at_form("get")) {
      a.kind = Action::Kind::Get;
    } else {
      if (cur_.at(TokenKind::LParen)) cur_.next();
      return cur_.unexpected();
    }
    cur_.next();
    cur_.next();
    a.module = cur_.take_id();
    FLINT_ASSIGN(a.field, cur_.expect_name());
    if (a.kind == Action::Kind::Invoke) {
      while (cur_.at(TokenKind::LParen)) {
        FLINT_ASSIGN(Expected arg, parse_value(false));
        a.args.push_back(arg.value);
      }
    }
    FLINT_TRY(cur_.expect(TokenKind::RParen));
    return a;
  }

  Result<Expected> parse_expected() {
    if (!cur_.at_form("either")) return parse_value(true);
    cur_.next();
    cur_.next();
    Expected e;
    e.kind = Expected::Kind::Either;
    while (cur_.at(TokenKind::LParen)) {
      FLINT_ASSIGN(Expected alt, parse_value(true));
      e.alternatives.push_back(std::move(alt));
    }
    FLINT_TRY(cur_.expect(TokenKind::RParen));
    return e;
  }

  // A constant `(t.const ...)` or reference; with `patterns`, also the result
  // forms: nan:canonical / nan:arithmetic, per-lane NaN classes, and
  // (ref.func) / (ref.extern) without an index.
  Result<Expected> parse_value(bool patterns) {
    FLINT_TRY(cur_.expect(TokenKind::LParen));
    const Token& head = cur_.next();
    Expected e;
    std::string_view k = head.kind == TokenKind::Keyword ? head.text : std::string_view();
    if (k == "i32.const" || k == "i64.const") {
      const Token& t = cur_.peek();
      Literal<uint64_t> v = parse_integer(t.text, k == "i32.const" ? 32 : 64);
      if (t.kind != TokenKind::Number || !v.ok()) return literal_error(v.status, t);
      cur_.next();
      e.value =
          k == "i32.const" ? Value::i32_(static_cast<uint32_t>(v.value)) : Value::i64_(v.value);
    } else if (k == "f32.const" || k == "f64.const") {
      bool is32 = k == "f32.const";
      e.value.type = is32 ? ValType::F32 : ValType::F64;
      std::optional<Expected::Kind> nan = patterns ? nan_pattern(cur_.peek()) : std::nullopt;
      if (nan) {
        e.kind = *nan;
        cur_.next();
      } else {
        const Token& t = cur_.peek();
        const LaneShape& shape = *find_lane_shape(is32 ? "f32x4" : "f64x2");
        Literal<uint64_t> v = parse_lane(shape, t.text);
        if (!v.ok()) return literal_error(v.status, t);
        cur_.next();
        e.value =
            is32 ? Value::f32_bits_(static_cast<uint32_t>(v.value)) : Value::f64_bits_(v.value);
      }
    } else if (k == "v128.const") {
      FLINT_TRY(parse_v128(patterns, e));
    } else if (k == "ref.null") {
      if (cur_.at_keyword("func"))
        e.value = Value::null_(ValType::FuncRef);
      else if (cur_.at_keyword("extern"))
        e.value = Value::null_(ValType::ExternRef);
      else
        return cur_.unexpected();
      cur_.next();
    } else if (k == "ref.extern" || k == "ref.func") {
      ValType type = k == "ref.extern" ? ValType::ExternRef : ValType::FuncRef;
      if (patterns && cur_.at(TokenKind::RParen)) {
        e.kind = Expected::Kind::AnyRef;
        e.value = Value::null_(type);
      } else if (type == ValType::ExternRef) {
        // The host reference numbered N is the pointer value N + 1 (script.h).
        FLINT_ASSIGN(uint32_t n, cur_.expect_u32());
        e.value = Value::ref_(type, reinterpret_cast<void*>(static_cast<uintptr_t>(n) + 1));
      } else {
        return cur_.unexpected();  // a function reference has no script value
      }
    } else {
      return Cursor::unexpected_at(head);
    }
    FLINT_TRY(cur_.expect(TokenKind::RParen));
    return e;
  }

  Status parse_v128(bool patterns, Expected& e) {
    const Token& shape_token = cur_.next();
    const LaneShape* shape =
        shape_token.kind == TokenKind::Keyword ? find_lane_shape(shape_token.text) : nullptr;
    if (shape == nullptr) return Cursor::unexpected_at(shape_token);
    FLINT_TRY(check_lane_count(cur_, shape->lanes));
    V128 v;
    std::vector<Expected::Kind> lanes;
    bool any_pattern = false;
    for (unsigned i = 0; i < shape->lanes; ++i) {
      const Token& t = cur_.peek();
      std::optional<Expected::Kind> nan;
      if (patterns && shape->is_float) nan = nan_pattern(t);
      if (nan) {
        lanes.push_back(*nan);
        any_pattern = true;
        cur_.next();
        continue;
      }
      Literal<uint64_t> lane = parse_lane(*shape, t.text);
      if (!lane.ok()) return literal_error(lane.status, t);
      cur_.next();
      for (unsigned b = 0; b < shape->bytes; ++b) {
        v.bytes[i * shape->bytes + b] = static_cast<uint8_t>(lane.value >> (8 * b));
      }
      lanes.push_back(Expected::Kind::Exact);
    }
    e.value = Value::v128_(v);
    if (any_pattern) {
      e.kind = Expected::Kind::LanePatterns;
      e.lane_type = shape->bytes == 4 ? ValType::F32 : ValType::F64;
      e.lanes = std::move(lanes);
    }
    return {};
  }

  static std::optional<Expected::Kind> nan_pattern(const Token& t) {
    if (t.kind != TokenKind::Keyword) return std::nullopt;
    if (t.text == "nan:canonical") return Expected::Kind::CanonicalNan;
    if (t.text == "nan:arithmetic") return Expected::Kind::ArithmeticNan;
    return std::nullopt;
  }

  static Error literal_error(LiteralStatus status, const Token& t) {
    if (status == LiteralStatus::OutOfRange) {
      return error_at_token(ErrorCode::ConstantOutOfRange, t, std::string(t.text));
    }
    return Cursor::unexpected_at(t);
  }

  const std::vector<Token>& tokens_;
  Cursor cur_;
};

}  // namespace

Result<wast::Script> parse_wast(std::string_view source) {
  FLINT_ASSIGN(std::vector<Token> tokens, tokenize(source));
  return ScriptParser(tokens).run();
}

}  // namespace flint::text
