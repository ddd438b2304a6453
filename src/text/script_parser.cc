// WAST scripts: the spec interpreter's script format (its README, "Scripts"):
// modules, register, actions and assertions, read into wast::Script.
#include <map>

#include "text/component_parser.h"
#include "text/literals.h"
#include "text/module_parser.h"
#include "text/parse.h"

namespace flint::text {

namespace {

using wast::Action;
using wast::ComponentLiteral;
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
    if (k == "module" || k == "component") {
      if (cur_.at_keyword("instance", 2)) return parse_instance_command();
      if (cur_.at_keyword("definition", 2)) {
        FLINT_ASSIGN(ScriptModule m, parse_module());
        if (m.id) components_[*m.id] = m.component;
        return wast::Command(wast::DefinitionCommand{std::move(m)});
      }
      FLINT_ASSIGN(ScriptModule m, parse_module());
      note_current(m.id, m.component);
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
      std::vector<ComponentLiteral> component_expected;
      while (cur_.at(TokenKind::LParen)) {
        if (a.component) {
          FLINT_ASSIGN(ComponentLiteral v, parse_component_value());
          component_expected.push_back(std::move(v));
          continue;
        }
        FLINT_ASSIGN(Expected e, parse_expected());
        expected.push_back(std::move(e));
      }
      command =
          wast::AssertReturn{std::move(a), std::move(expected), std::move(component_expected)};
    } else if (k == "assert_trap" && (cur_.at_form("module") || cur_.at_form("component"))) {
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
    } else if (k == "assert_exception") {
      FLINT_ASSIGN(Action a, parse_action());
      command = wast::AssertException{std::move(a)};
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

  // (module $id? binary "..."*) | (module $id? quote "..."*) | (module $id? field*),
  // and the same of `component`; `definition` may follow the keyword.
  Result<ScriptModule> parse_module() {
    ScriptModule m;
    m.line = cur_.peek().line;
    m.component = cur_.at_form("component");
    FLINT_TRY(cur_.expect_form(m.component ? "component" : "module"));
    if (cur_.at_keyword("definition")) cur_.next();
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
      if (m.component) {
        FLINT_ASSIGN(m.binary, encode_component_fields(tokens_, cur_.pos(), &end, m.id));
      } else {
        FLINT_ASSIGN(m.binary, encode_module_fields(tokens_, cur_.pos(), &end, m.id));
      }
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

  // (component instance $inst $def?) | (module instance $inst $def?)
  Result<wast::Command> parse_instance_command() {
    wast::InstanceCommand c;
    c.line = cur_.peek().line;
    c.component = cur_.at_keyword("component", 1);
    cur_.next();
    cur_.next();
    cur_.next();
    c.instance = cur_.take_id();
    c.definition = cur_.take_id();
    FLINT_TRY(cur_.expect(TokenKind::RParen));
    note_current(c.instance, c.component);
    return wast::Command(std::move(c));
  }

  // Which instances are components: an action on one takes component values.
  void note_current(const std::optional<std::string>& id, bool component) {
    current_component_ = component;
    if (id) components_[*id] = component;
  }
  bool targets_component(const std::optional<std::string>& id) const {
    if (!id) return current_component_;
    auto it = components_.find(*id);
    return it != components_.end() && it->second;
  }

  // A component value (component_literal.h) in parentheses.
  Result<ComponentLiteral> parse_component_value() {
    FLINT_TRY(cur_.expect(TokenKind::LParen));
    FLINT_ASSIGN(ComponentLiteral v, parse_component_value_body());
    FLINT_TRY(cur_.expect(TokenKind::RParen));
    return v;
  }

  // `kind.const payload...` without the parentheses (record fields write
  // their value this way).
  Result<ComponentLiteral> parse_component_value_body() {
    using Kind = ComponentLiteral::Kind;
    const Token& head = cur_.next();
    if (head.kind != TokenKind::Keyword) return Cursor::unexpected_at(head);
    std::string_view k = head.text;
    struct IntForm {
      std::string_view word;
      Kind kind;
      unsigned bits;
      bool is_signed;
    };
    static constexpr IntForm kInts[] = {
        {"u8.const", Kind::U8, 8, false},    {"s8.const", Kind::S8, 8, true},
        {"u16.const", Kind::U16, 16, false}, {"s16.const", Kind::S16, 16, true},
        {"u32.const", Kind::U32, 32, false}, {"s32.const", Kind::S32, 32, true},
        {"u64.const", Kind::U64, 64, false}, {"s64.const", Kind::S64, 64, true},
    };
    ComponentLiteral v;
    for (const IntForm& f : kInts) {
      if (f.word != k) continue;
      const Token& t = cur_.peek();
      // Signed forms take any integer of the width (two's complement);
      // unsigned ones no sign.
      Literal<uint64_t> lit =
          f.is_signed ? parse_integer(t.text, f.bits) : parse_unsigned(t.text, f.bits);
      if (t.kind != TokenKind::Number || !lit.ok()) return literal_error(lit.status, t);
      cur_.next();
      v.kind = f.kind;
      v.scalar = f.bits == 64 ? lit.value : lit.value & ((uint64_t{1} << f.bits) - 1);
      return v;
    }
    if (k == "f32.const" || k == "f64.const") {
      const bool is32 = k == "f32.const";
      v.kind = is32 ? Kind::F32 : Kind::F64;
      std::optional<Expected::Kind> nan = nan_pattern(cur_.peek());
      if (nan) {
        v.nan = *nan == Expected::Kind::CanonicalNan ? ComponentLiteral::Nan::Canonical
                                                     : ComponentLiteral::Nan::Arithmetic;
        cur_.next();
        return v;
      }
      const Token& t = cur_.peek();
      Literal<uint64_t> bits = parse_lane(*find_lane_shape(is32 ? "f32x4" : "f64x2"), t.text);
      if (!bits.ok()) return literal_error(bits.status, t);
      cur_.next();
      v.scalar = bits.value;
      return v;
    }
    if (k == "bool.const") {
      v.kind = Kind::Bool;
      if (cur_.at_keyword("true"))
        v.scalar = 1;
      else if (!cur_.at_keyword("false"))
        return cur_.unexpected();
      cur_.next();
      return v;
    }
    if (k == "char.const") {
      v.kind = Kind::Char;
      const Token& t = cur_.peek();
      FLINT_ASSIGN(std::string text, cur_.expect_name());
      std::optional<uint32_t> code = single_code_point(text);
      if (!code) return error_at_token(ErrorCode::UnexpectedToken, t, "one character expected");
      v.scalar = *code;
      return v;
    }
    if (k == "str.const") {
      v.kind = Kind::String;
      FLINT_ASSIGN(v.label, cur_.expect_name());
      return v;
    }
    if (k == "list.const" || k == "tuple.const") {
      v.kind = k == "list.const" ? Kind::List : Kind::Tuple;
      FLINT_TRY(parse_component_children(v));
      return v;
    }
    if (k == "record.const") {
      v.kind = Kind::Record;
      while (cur_.at_form("field")) {
        cur_.next();
        cur_.next();
        ComponentLiteral field;
        field.kind = Kind::Field;
        FLINT_ASSIGN(field.label, cur_.expect_name());
        FLINT_ASSIGN(ComponentLiteral value, parse_component_value_body());
        field.children.push_back(std::move(value));
        FLINT_TRY(cur_.expect(TokenKind::RParen));
        v.children.push_back(std::move(field));
      }
      return v;
    }
    if (k == "variant.const" || k == "enum.const") {
      v.kind = k == "enum.const" ? Kind::Enum : Kind::Variant;
      FLINT_ASSIGN(v.label, cur_.expect_name());
      if (v.kind == Kind::Variant) FLINT_TRY(parse_component_children(v));
      return v;
    }
    if (k == "flags.const") {
      v.kind = Kind::Flags;
      while (cur_.at(TokenKind::String)) {
        FLINT_ASSIGN(std::string flag, cur_.expect_name());
        v.flags.push_back(std::move(flag));
      }
      return v;
    }
    if (k == "option.none") {
      v.kind = Kind::OptionNone;
      return v;
    }
    if (k == "option.some" || k == "result.ok" || k == "result.err") {
      v.kind = k == "option.some" ? Kind::OptionSome
               : k == "result.ok" ? Kind::ResultOk
                                  : Kind::ResultErr;
      FLINT_TRY(parse_component_children(v));
      if (v.kind == Kind::OptionSome && v.children.size() != 1) return cur_.unexpected();
      if (v.children.size() > 1) return cur_.unexpected();
      return v;
    }
    return Cursor::unexpected_at(head);
  }

  Status parse_component_children(ComponentLiteral& v) {
    while (cur_.at(TokenKind::LParen)) {
      FLINT_ASSIGN(ComponentLiteral child, parse_component_value());
      v.children.push_back(std::move(child));
    }
    return {};
  }

  // The code point of a string holding exactly one UTF-8 character.
  static std::optional<uint32_t> single_code_point(std::string_view s) {
    if (s.empty()) return std::nullopt;
    const auto b0 = static_cast<uint8_t>(s[0]);
    size_t n = b0 < 0x80 ? 1 : b0 < 0xE0 ? 2 : b0 < 0xF0 ? 3 : 4;
    if (s.size() != n) return std::nullopt;
    uint32_t cp = n == 1 ? b0 : n == 2 ? (b0 & 0x1F) : n == 3 ? (b0 & 0x0F) : (b0 & 0x07);
    for (size_t i = 1; i < n; ++i) cp = (cp << 6) | (static_cast<uint8_t>(s[i]) & 0x3F);
    return cp;
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
    a.component = targets_component(a.module);
    if (a.component) {
      while (cur_.at(TokenKind::LParen)) {
        FLINT_ASSIGN(ComponentLiteral arg, parse_component_value());
        a.component_args.push_back(std::move(arg));
      }
    } else if (a.kind == Action::Kind::Invoke) {
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
  /// Named modules and components (true), and whether the latest is one.
  std::map<std::string, bool> components_;
  bool current_component_ = false;
};

}  // namespace

Result<wast::Script> parse_wast(std::string_view source) {
  FLINT_ASSIGN(std::vector<Token> tokens, tokenize(source));
  return ScriptParser(tokens).run();
}

}  // namespace flint::text
