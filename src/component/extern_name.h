// Extern names (component-model Explainer.md, "Import and Export
// Definitions"): the strings components import and export under, parsed into
// their structure. Version matching and resource method binding work on
// this structure, never on the raw string.
//
//   plainname      label | [constructor]label | [method]label.label | [static]label.label
//   interfacename  namespace:package/interface(@semver)?
//   depname        unlocked-dep=<pkg(@range)?> | locked-dep=<pkg(@version)?>(,integrity=<...>)?
//   urlname        url=<...>(,integrity=<...>)?
//   hashname       integrity=<...>
//
// A label is kebab-case: words separated by single '-', each word all
// lower-case or all upper-case letters and digits, the first word starting
// with a letter. (The `[async]` prefixes of earlier drafts are gone: async
// functions are now `(func async)` types, and wasm-tools rejects them.)
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "flint/result.h"

namespace flint::component {

/// A semantic version (semver.org 2.0.0), as interface names carry it.
struct SemVer {
  uint64_t major = 0, minor = 0, patch = 0;
  std::string pre;    ///< pre-release identifiers, dot-separated, without '-'
  std::string build;  ///< build metadata, without '+'

  friend bool operator==(const SemVer&, const SemVer&) = default;
};

/// Parses "1.2.3-rc.1+build"; errors in semver's words ("unexpected end of
/// input", "unexpected character 'x'", "empty identifier segment").
Result<SemVer> parse_semver(std::string_view text);
std::string to_string(const SemVer& v);

/// Whether `s` is a kebab-case label.
bool is_kebab(std::string_view s);

/// The structure of an extern name.
struct ExternName {
  enum class Kind : uint8_t {
    Label,        ///< a plain label: "run"
    Constructor,  ///< "[constructor]r": resource = "r"
    Method,       ///< "[method]r.m": resource = "r", label = "m"
    Static,       ///< "[static]r.f": resource = "r", label = "f"
    Interface,    ///< "ns:pkg/iface@1.2.3"
    Dependency,   ///< "unlocked-dep=<...>" or "locked-dep=<...>"
    Url,          ///< "url=<...>"
    Hash,         ///< "integrity=<...>"
  };
  Kind kind = Kind::Label;
  std::string text;      ///< the whole name, as written
  std::string label;     ///< Label, Method, Static: the function; Constructor: the resource
  std::string resource;  ///< Constructor, Method, Static
  std::string ns, package, interface;  ///< Interface (Dependency: ns and package)
  std::optional<SemVer> version;       ///< Interface, locked Dependency
  bool locked = false;                 ///< Dependency
  std::string range;                   ///< unlocked Dependency: "@*", "@{>=1.2.3}", ...
  std::string url;                     ///< Url
  std::string integrity;               ///< Url, locked Dependency, Hash

  /// The string compared for uniqueness: a label with the annotation
  /// removed ("[method]a.b" and "a" conflict), lower-cased.
  std::string uniqueness_key() const;
};

/// Whether versions `a` and `b` are on one compatibility track (semver's
/// rule as wasmparser applies it to interface names): the same major
/// version when it is not 0, else the same minor when it is not 0, else
/// the same patch; pre-releases match only themselves.
bool semver_compatible(const SemVer& a, const SemVer& b);

/// Whether an item named `offered` may satisfy an import named `wanted`:
/// the same name, or the same interface at a compatible version.
bool import_name_matches(const ExternName& wanted, const ExternName& offered);

/// Parses an import or export name. Errors are InvalidExternName or
/// NotKebabCase, with the name and the reason in the detail.
Result<ExternName> parse_extern_name(std::string_view text);

}  // namespace flint::component
