// Extern names (component-model Explainer.md, "Import and Export
// Definitions") and the semantic versions interface names carry
// (semver.org 2.0.0). The error words follow the reference scripts, which
// are wasmparser's and the Rust semver crate's.
#include "component/extern_name.h"

#include <fmt/format.h>

#include <cctype>

namespace flint::component {

namespace {

bool is_lower_word(std::string_view w) {
  for (char c : w)
    if (!(std::islower(uint8_t(c)) || std::isdigit(uint8_t(c)))) return false;
  return true;
}
bool is_upper_word(std::string_view w) {
  for (char c : w)
    if (!(std::isupper(uint8_t(c)) || std::isdigit(uint8_t(c)))) return false;
  return true;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = char(std::tolower(uint8_t(c)));
  return out;
}

// ---- semver ---------------------------------------------------------------

class SemVerParser {
 public:
  explicit SemVerParser(std::string_view s) : s_(s) {}

  Result<SemVer> parse() {
    if (s_.empty()) return fail("empty string, expected a semver version");
    SemVer v;
    FLINT_ASSIGN(v.major, number("major"));
    FLINT_TRY(dot("major"));
    FLINT_ASSIGN(v.minor, number("minor"));
    FLINT_TRY(dot("minor"));
    FLINT_ASSIGN(v.patch, number("patch"));
    if (pos_ < s_.size() && s_[pos_] == '-') {
      ++pos_;
      FLINT_ASSIGN(v.pre, identifiers("pre-release identifier"));
    }
    if (pos_ < s_.size() && s_[pos_] == '+') {
      ++pos_;
      FLINT_ASSIGN(v.build, identifiers("build metadata"));
    }
    if (pos_ < s_.size())
      return fail(fmt::format("unexpected character '{}' after patch version number", s_[pos_]));
    return v;
  }

 private:
  Error fail(std::string detail) const {
    return make_error(ErrorCode::InvalidExternName, std::move(detail));
  }

  Result<uint64_t> number(const char* which) {
    if (pos_ >= s_.size())
      return fail(fmt::format("unexpected end of input while parsing {} version number", which));
    if (!std::isdigit(uint8_t(s_[pos_])))
      return fail(fmt::format("unexpected character '{}' while parsing {} version number", s_[pos_],
                              which));
    const size_t start = pos_;
    uint64_t v = 0;
    while (pos_ < s_.size() && std::isdigit(uint8_t(s_[pos_]))) {
      const uint64_t digit = uint64_t(s_[pos_] - '0');
      if (v > (UINT64_MAX - digit) / 10)
        return fail(fmt::format("value of {} version number exceeds u64::MAX", which));
      v = v * 10 + digit;
      ++pos_;
    }
    if (pos_ - start > 1 && s_[start] == '0')
      return fail(fmt::format("invalid leading zero in {} version number", which));
    return v;
  }

  Status dot(const char* after) {
    if (pos_ >= s_.size())
      return fail(fmt::format("unexpected end of input while parsing {} version number",
                              after == std::string_view("major") ? "minor" : "patch"));
    if (s_[pos_] != '.')
      return fail(
          fmt::format("unexpected character '{}' after {} version number", s_[pos_], after));
    ++pos_;
    return {};
  }

  // Dot-separated non-empty identifiers of [0-9A-Za-z-].
  Result<std::string> identifiers(const char* what) {
    const size_t start = pos_;
    size_t segment = pos_;
    while (true) {
      while (pos_ < s_.size() && (std::isalnum(uint8_t(s_[pos_])) || s_[pos_] == '-')) ++pos_;
      if (pos_ == segment) return fail(fmt::format("empty identifier segment in {}", what));
      if (pos_ < s_.size() && s_[pos_] == '.') {
        segment = ++pos_;
        continue;
      }
      break;
    }
    return std::string(s_.substr(start, pos_ - start));
  }

  std::string_view s_;
  size_t pos_ = 0;
};

// ---- names ----------------------------------------------------------------

Error invalid(std::string_view name, std::string reason) {
  return make_error(ErrorCode::InvalidExternName, fmt::format("`{}`: {}", name, reason));
}
Error not_kebab(std::string_view name, std::string_view part) {
  return invalid(name, fmt::format("`{}` is not in kebab case", part));
}

Status expect_kebab(std::string_view name, std::string_view part) {
  if (!is_kebab(part)) return not_kebab(name, part);
  return {};
}

// "[method]r.m" and "[static]r.f" after the annotation.
Status split_resource_function(std::string_view name, std::string_view rest, ExternName& out) {
  const size_t dot = rest.find('.');
  if (dot == std::string_view::npos) return invalid(name, "failed to find `.` character");
  out.resource = rest.substr(0, dot);
  out.label = rest.substr(dot + 1);
  FLINT_TRY(expect_kebab(name, out.resource));
  return expect_kebab(name, out.label);
}

// A namespace or package name: kebab-case of lower-case letters and digits,
// starting with a letter (wasmparser's rule, stricter than a label's:
// "A:b/c", "ns:1/a" and "ns:pkg-A/b" are not valid names; "ns-1-a" is).
Status expect_package_word(std::string_view name, std::string_view part) {
  FLINT_TRY(expect_kebab(name, part));
  for (char c : part) {
    if (c >= 'A' && c <= 'Z')
      return invalid(name, fmt::format("`{}` is not a valid package or namespace name", part));
  }
  if (part.empty() || !(part[0] >= 'a' && part[0] <= 'z'))
    return invalid(name, fmt::format("`{}` is not a valid package or namespace name", part));
  return {};
}

// namespace:package, with `/` required after the package when `interface`.
Status parse_package(std::string_view name, std::string_view& rest, ExternName& out) {
  const size_t colon = rest.find(':');
  out.ns = rest.substr(0, colon);
  FLINT_TRY(expect_package_word(name, out.ns));
  rest.remove_prefix(colon + 1);
  size_t end = 0;
  while (end < rest.size() && rest[end] != '/' && rest[end] != '@' && rest[end] != ':' &&
         rest[end] != '>')
    ++end;
  out.package = rest.substr(0, end);
  FLINT_TRY(expect_package_word(name, out.package));
  rest.remove_prefix(end);
  return {};
}

Status parse_interface(std::string_view name, ExternName& out) {
  out.kind = ExternName::Kind::Interface;
  std::string_view rest = name;
  FLINT_TRY(parse_package(name, rest, out));
  if (rest.empty() || rest.front() != '/') return invalid(name, "expected `/` after package name");
  rest.remove_prefix(1);
  size_t end = 0;
  while (end < rest.size() && rest[end] != '/' && rest[end] != '@') ++end;
  out.interface = rest.substr(0, end);
  FLINT_TRY(expect_kebab(name, out.interface));
  rest.remove_prefix(end);
  if (!rest.empty() && rest.front() == '@') {
    Result<SemVer> v = parse_semver(rest.substr(1));
    if (!v) return invalid(name, v.error().detail);
    out.version = std::move(*v);
    return {};
  }
  if (!rest.empty()) return invalid(name, fmt::format("trailing characters found: `{}`", rest));
  return {};
}

// `prefix<body>` at the start of `rest`: the body, and `rest` moved past it.
bool take_bracketed(std::string_view& rest, std::string_view prefix, std::string_view& body) {
  if (rest.substr(0, prefix.size()) != prefix) return false;
  const size_t close = rest.find('>', prefix.size());
  if (close == std::string_view::npos) return false;
  body = rest.substr(prefix.size(), close - prefix.size());
  rest.remove_prefix(close + 1);
  return true;
}

// An optional ",integrity=<...>" after a locked dependency or a URL.
Status parse_integrity_suffix(std::string_view name, std::string_view rest, ExternName& out) {
  if (rest.empty()) return {};
  std::string_view body;
  if (rest.front() != ',')
    return invalid(name, fmt::format("trailing characters found: `{}`", rest));
  rest.remove_prefix(1);
  if (!take_bracketed(rest, "integrity=<", body) || !rest.empty())
    return invalid(name, "expected `integrity=<...>`");
  out.integrity = body;
  return {};
}

Status parse_dependency(std::string_view name, bool locked, std::string_view body,
                        std::string_view rest, ExternName& out) {
  out.kind = ExternName::Kind::Dependency;
  out.locked = locked;
  std::string_view pkg = body;
  FLINT_TRY(parse_package(name, pkg, out));
  if (!pkg.empty()) {
    if (pkg.front() != '@')
      return invalid(name, fmt::format("trailing characters found: `{}`", pkg));
    if (locked) {
      Result<SemVer> v = parse_semver(pkg.substr(1));
      if (!v) return invalid(name, v.error().detail);
      out.version = std::move(*v);
    } else {
      out.range = pkg;
    }
  }
  if (!locked && !rest.empty())
    return invalid(name, fmt::format("trailing characters found: `{}`", rest));
  return parse_integrity_suffix(name, rest, out);
}

}  // namespace

Result<SemVer> parse_semver(std::string_view text) { return SemVerParser(text).parse(); }

std::string to_string(const SemVer& v) {
  std::string s = fmt::format("{}.{}.{}", v.major, v.minor, v.patch);
  if (!v.pre.empty()) s += "-" + v.pre;
  if (!v.build.empty()) s += "+" + v.build;
  return s;
}

bool is_kebab(std::string_view s) {
  if (s.empty()) return false;
  size_t start = 0;
  bool first = true;
  while (true) {
    const size_t dash = s.find('-', start);
    std::string_view word = s.substr(start, dash == std::string_view::npos ? dash : dash - start);
    if (word.empty()) return false;
    if (first && !std::isalpha(uint8_t(word.front()))) return false;
    if (!is_lower_word(word) && !is_upper_word(word)) return false;
    if (dash == std::string_view::npos) return true;
    start = dash + 1;
    first = false;
  }
}

std::string ExternName::uniqueness_key() const {
  switch (kind) {
    case Kind::Label: return lower(label);
    case Kind::Constructor: return "[constructor]" + lower(resource);
    // "[method]a.a" names the function `a` of resource `a`, and conflicts
    // with a plain `a` (the reference scripts, annotated-names.wast).
    case Kind::Method:
    case Kind::Static:
      return lower(resource) == lower(label) ? lower(label) : lower(resource) + "." + lower(label);
    case Kind::Interface:
    case Kind::Dependency:
    case Kind::Url:
    case Kind::Hash: break;
  }
  return lower(text);
}

Result<ExternName> parse_extern_name(std::string_view text) {
  ExternName out;
  out.text = text;
  std::string_view rest = text;
  std::string_view body;
  // A version range may hold '>' itself ("@{>=1.2.3}"), and nothing
  // follows an unlocked dependency: its body ends at the last '>'.
  constexpr std::string_view kUnlocked = "unlocked-dep=<";
  if (text.substr(0, kUnlocked.size()) == kUnlocked && text.back() == '>') {
    body = text.substr(kUnlocked.size(), text.size() - kUnlocked.size() - 1);
    FLINT_TRY(parse_dependency(text, false, body, {}, out));
    return out;
  }
  if (take_bracketed(rest, "locked-dep=<", body)) {
    FLINT_TRY(parse_dependency(text, true, body, rest, out));
    return out;
  }
  if (take_bracketed(rest, "url=<", body)) {
    out.kind = ExternName::Kind::Url;
    out.url = body;
    FLINT_TRY(parse_integrity_suffix(text, rest, out));
    return out;
  }
  if (take_bracketed(rest, "integrity=<", body)) {
    if (!rest.empty()) return invalid(text, fmt::format("trailing characters found: `{}`", rest));
    out.kind = ExternName::Kind::Hash;
    out.integrity = body;
    return out;
  }
  if (text.find(':') != std::string_view::npos) {
    FLINT_TRY(parse_interface(text, out));
    return out;
  }
  constexpr std::string_view kConstructor = "[constructor]", kMethod = "[method]",
                             kStatic = "[static]";
  if (text.substr(0, kConstructor.size()) == kConstructor) {
    out.kind = ExternName::Kind::Constructor;
    out.resource = out.label = text.substr(kConstructor.size());
    FLINT_TRY(expect_kebab(text, out.resource));
    return out;
  }
  if (text.substr(0, kMethod.size()) == kMethod) {
    out.kind = ExternName::Kind::Method;
    FLINT_TRY(split_resource_function(text, text.substr(kMethod.size()), out));
    return out;
  }
  if (text.substr(0, kStatic.size()) == kStatic) {
    out.kind = ExternName::Kind::Static;
    FLINT_TRY(split_resource_function(text, text.substr(kStatic.size()), out));
    return out;
  }
  out.kind = ExternName::Kind::Label;
  out.label = text;
  FLINT_TRY(expect_kebab(text, text));
  return out;
}

bool semver_compatible(const SemVer& a, const SemVer& b) {
  if (!a.pre.empty() || !b.pre.empty()) return a == b;
  if (a.major != b.major) return false;
  if (a.major != 0) return true;
  if (a.minor != b.minor) return false;
  return a.minor != 0 || a.patch == b.patch;
}

bool import_name_matches(const ExternName& wanted, const ExternName& offered) {
  if (wanted.text == offered.text) return true;
  if (wanted.kind != ExternName::Kind::Interface || offered.kind != ExternName::Kind::Interface)
    return false;
  if (wanted.ns != offered.ns || wanted.package != offered.package ||
      wanted.interface != offered.interface || !wanted.version || !offered.version)
    return false;
  return semver_compatible(*wanted.version, *offered.version);
}

}  // namespace flint::component
