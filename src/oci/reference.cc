// Reference grammar: distribution/reference's regular expressions, written
// out as small checks so that each error names the component at fault.
#include "oci/reference.h"

#include <fmt/format.h>

#include <algorithm>

namespace flint::oci {

namespace {

Error bad(std::string_view text, std::string_view why) {
  return make_error(ErrorCode::Usage, fmt::format("bad image reference `{}`: {}", text, why));
}

bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

/// One path component: `[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*`.
bool valid_component(std::string_view c) {
  if (c.empty() || !is_lower_alnum(c.front()) || !is_lower_alnum(c.back())) return false;
  for (size_t i = 0; i < c.size(); ++i) {
    char ch = c[i];
    if (is_lower_alnum(ch) || ch == '-') continue;
    if (ch == '.' || ch == '_') {
      // separators: '.', '_' or '__', between alphanumerics
      if (ch == '_' && i + 1 < c.size() && c[i + 1] == '_') ++i;
      if (i + 1 >= c.size() || !is_lower_alnum(c[i + 1])) return false;
      continue;
    }
    return false;
  }
  return true;
}

/// A tag: `[\w][\w.-]{0,127}`.
bool valid_tag(std::string_view t) {
  if (t.empty() || t.size() > 128) return false;
  auto word = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  };
  if (!word(t[0])) return false;
  return std::all_of(t.begin(), t.end(), [&](char c) { return word(c) || c == '.' || c == '-'; });
}

/// A registry host: letters, digits, '-', '.', an optional `:port`, or a
/// bracketed IPv6 address.
bool valid_registry(std::string_view r) {
  if (r.empty()) return false;
  std::string_view host = r, port;
  if (r.front() == '[') {
    size_t close = r.find(']');
    if (close == std::string_view::npos) return false;
    host = r.substr(1, close - 1);
    port = r.substr(close + 1);
    if (!port.empty() && port.front() != ':') return false;
    if (!port.empty()) port.remove_prefix(1);
    if (!std::all_of(host.begin(), host.end(),
                     [](char c) { return std::isxdigit(uint8_t(c)) || c == ':'; }))
      return false;
  } else {
    size_t colon = r.find(':');
    if (colon != std::string_view::npos) {
      host = r.substr(0, colon);
      port = r.substr(colon + 1);
      if (port.empty()) return false;
    }
    if (host.empty() || !std::all_of(host.begin(), host.end(), [](char c) {
          return std::isalnum(uint8_t(c)) || c == '-' || c == '.';
        }))
      return false;
  }
  if (!std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
      port.size() > 5)
    return false;
  return true;
}

}  // namespace

bool is_sha256_digest(std::string_view digest) {
  if (digest.size() != 71 || digest.substr(0, 7) != "sha256:") return false;
  return std::all_of(digest.begin() + 7, digest.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

bool names_registry(std::string_view text) {
  size_t slash = text.find('/');
  if (slash == std::string_view::npos) return false;
  std::string_view first = text.substr(0, slash);
  return first.find('.') != std::string_view::npos || first.find(':') != std::string_view::npos ||
         first == "localhost";
}

Result<Reference> parse_reference(std::string_view text) {
  if (text.empty()) return bad(text, "it is empty");
  if (text.size() > 512) return bad(text.substr(0, 64), "it is longer than 512 characters");
  Reference ref;
  std::string_view rest = text;
  if (size_t at = rest.find('@'); at != std::string_view::npos) {
    ref.digest = std::string(rest.substr(at + 1));
    rest = rest.substr(0, at);
    if (!is_sha256_digest(ref.digest))
      return bad(text, "the digest after '@' must be sha256: and 64 lower-case hex digits");
  }
  std::string_view name = rest;
  // The tag is after the last ':' that follows the last '/' (a ':' before
  // it is a registry's port).
  size_t last_slash = rest.rfind('/');
  size_t colon = rest.rfind(':');
  if (colon != std::string_view::npos &&
      (last_slash == std::string_view::npos || colon > last_slash)) {
    ref.tag = std::string(rest.substr(colon + 1));
    name = rest.substr(0, colon);
    if (!valid_tag(ref.tag))
      return bad(text, fmt::format("tag `{}` is not [A-Za-z0-9_][A-Za-z0-9_.-]{{0,127}}", ref.tag));
  }
  if (names_registry(name)) {
    size_t slash = name.find('/');
    ref.registry = std::string(name.substr(0, slash));
    name = name.substr(slash + 1);
    if (!valid_registry(ref.registry))
      return bad(text, fmt::format("registry `{}` is not HOST[:PORT]", ref.registry));
  } else {
    ref.registry = "registry-1.docker.io";
    if (name.find('/') == std::string_view::npos) ref.repository = "library/";
  }
  if (ref.registry == "docker.io" || ref.registry == "index.docker.io")
    ref.registry = "registry-1.docker.io";
  ref.repository += std::string(name);
  if (name.empty()) return bad(text, "the repository name is missing");
  size_t start = 0;
  while (start <= name.size()) {
    size_t end = name.find('/', start);
    if (end == std::string_view::npos) end = name.size();
    std::string_view component = name.substr(start, end - start);
    if (!valid_component(component))
      return bad(text, fmt::format("repository component `{}` must be lower-case letters and "
                                   "digits joined by '.', '_', '__' or '-'",
                                   component));
    start = end + 1;
  }
  if (ref.tag.empty() && ref.digest.empty()) ref.tag = "latest";
  return ref;
}

std::string Reference::to_string() const {
  std::string out = registry + "/" + repository;
  if (!tag.empty()) out += ":" + tag;
  if (!digest.empty()) out += "@" + digest;
  return out;
}

bool Reference::is_loopback() const {
  std::string_view host = registry;
  if (host.starts_with("[::1]")) return true;
  host = host.substr(0, host.find(':'));
  // 127.0.0.0/8 as a dotted address, not a name such as 127.example.com.
  bool numeric = std::all_of(host.begin(), host.end(),
                             [](char c) { return (c >= '0' && c <= '9') || c == '.'; });
  return host == "localhost" || (numeric && host.starts_with("127."));
}

}  // namespace flint::oci
