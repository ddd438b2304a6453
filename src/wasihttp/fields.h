// wasi:http/types' `fields` (headers and trailers) as a plain value, with
// the rules its methods enforce (wasi-http types.wit, "resource fields"):
// names are HTTP tokens and values field-values (RFC 9110 section 5.1 and
// 5.5), else `invalid-syntax`; hop-by-hop headers a guest may not set are
// `forbidden` (Wasmtime's list, so guests behave the same under both);
// fields the host handed out read-only are `immutable`. Names compare
// case-insensitively and are kept lowercased, as Wasmtime's (the `http`
// crate's) are.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace flint::wasihttp {

/// wasi:http/types.header-error, in WIT case order.
enum class HeaderError : uint32_t { InvalidSyntax = 0, Forbidden = 1, Immutable = 2 };

/// Whether `name` is an HTTP token (one or more tchar).
bool valid_field_name(std::string_view name);
/// Whether `value` is a field-value as Wasmtime's `http::HeaderValue`
/// accepts it: any byte but control characters other than tab (so no CR,
/// LF or NUL, which would split or end the header line).
bool valid_field_value(const std::vector<uint8_t>& value);
/// Whether a guest may not set `name` (lowercase): connection, keep-alive,
/// proxy-authenticate, proxy-authorization, proxy-connection, te,
/// transfer-encoding, upgrade, http2-settings. The server frames the
/// message itself; these would contradict it.
bool forbidden_field(std::string_view name);

/// An ordered multimap of field names to values.
class Fields {
 public:
  using Entry = std::pair<std::string, std::vector<uint8_t>>;

  Fields() = default;
  /// Empty fields under WASI 0.3's rules, which forbid `host` too (its
  /// copies and clones keep them).
  static Fields wasi03() {
    Fields f;
    f.forbid_host_ = true;
    return f;
  }
  /// Fields the guest may read but not change (a request's headers, a
  /// response's once passed to the host).
  static Fields immutable_copy(const Fields& f) {
    Fields c = f;
    c.immutable_ = true;
    return c;
  }

  /// from-list: every entry checked into `out` (whose rules it keeps); the
  /// error of the first bad one.
  static std::optional<HeaderError> from_list(std::vector<Entry> entries, Fields& out);

  /// Adds without checks (the host's own fields: a request's headers as
  /// received). The name is lowercased.
  void add_unchecked(std::string_view name, std::vector<uint8_t> value);

  /// Every value of `name`, in order (none for a name that is not a token).
  std::vector<std::vector<uint8_t>> get(std::string_view name) const;
  /// Whether `name` has a value.
  bool has(std::string_view name) const;
  /// Replaces every value of `name` with `values` (none: removes it); on an
  /// error nothing changes.
  std::optional<HeaderError> set(std::string_view name, std::vector<std::vector<uint8_t>> values);
  /// Removes every value of `name` (wasi:http's `delete`).
  std::optional<HeaderError> remove(std::string_view name);
  /// Adds one value of `name` after the others.
  std::optional<HeaderError> append(std::string_view name, std::vector<uint8_t> value);
  /// Every (lowercase name, value), in insertion order.
  const std::vector<Entry>& entries() const { return entries_; }
  /// Whether changes are refused with `immutable`.
  bool immutable() const { return immutable_; }
  /// A mutable copy (wasi:http's `clone`).
  Fields clone() const {
    Fields c = *this;
    c.immutable_ = false;
    return c;
  }

 private:
  /// The error a change of `name` meets, if any.
  std::optional<HeaderError> check_change(std::string_view name) const;
  /// Whether a guest may not set `lower` here.
  bool forbidden(std::string_view lower) const {
    return forbidden_field(lower) || (forbid_host_ && lower == "host");
  }

  std::vector<Entry> entries_;
  bool immutable_ = false;
  bool forbid_host_ = false;
};

/// `name` lowercased (ASCII).
std::string lowercase(std::string_view name);

}  // namespace flint::wasihttp
