// wasi:http/types' fields and their rules.
#include "wasihttp/fields.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace flint::wasihttp {

namespace {

// RFC 9110 section 5.6.2: tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" /
// "+" / "-" / "." / "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA.
bool tchar(unsigned char c) {
  if (std::isalnum(c)) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(char(c)) != std::string_view::npos;
}

}  // namespace

std::string lowercase(std::string_view name) {
  std::string s(name);
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
  return s;
}

bool valid_field_name(std::string_view name) {
  return !name.empty() &&
         std::all_of(name.begin(), name.end(), [](char c) { return tchar((unsigned char)c); });
}

bool valid_field_value(const std::vector<uint8_t>& value) {
  // As the `http` crate's HeaderValue::from_bytes (what Wasmtime checks
  // with): tab and 0x20..0xff except DEL.
  return std::all_of(value.begin(), value.end(),
                     [](uint8_t b) { return b == '\t' || (b >= 0x20 && b != 0x7f); });
}

bool forbidden_field(std::string_view name) {
  static constexpr std::array<std::string_view, 9> kForbidden = {
      "connection",          "keep-alive",       "proxy-authenticate",
      "proxy-authorization", "proxy-connection", "te",
      "transfer-encoding",   "upgrade",          "http2-settings"};
  return std::find(kForbidden.begin(), kForbidden.end(), name) != kForbidden.end();
}

std::optional<HeaderError> Fields::from_list(std::vector<Entry> entries, Fields& out) {
  const bool forbid_host = out.forbid_host_;
  out = Fields();
  out.forbid_host_ = forbid_host;
  for (auto& [name, value] : entries) {
    if (!valid_field_name(name) || !valid_field_value(value)) return HeaderError::InvalidSyntax;
    std::string lower = lowercase(name);
    if (out.forbidden(lower)) return HeaderError::Forbidden;
    out.entries_.emplace_back(std::move(lower), std::move(value));
  }
  return std::nullopt;
}

void Fields::add_unchecked(std::string_view name, std::vector<uint8_t> value) {
  entries_.emplace_back(lowercase(name), std::move(value));
}

std::vector<std::vector<uint8_t>> Fields::get(std::string_view name) const {
  std::string lower = lowercase(name);
  std::vector<std::vector<uint8_t>> values;
  for (const auto& [n, v] : entries_)
    if (n == lower) values.push_back(v);
  return values;
}

bool Fields::has(std::string_view name) const {
  std::string lower = lowercase(name);
  return std::any_of(entries_.begin(), entries_.end(),
                     [&](const Entry& e) { return e.first == lower; });
}

std::optional<HeaderError> Fields::check_change(std::string_view name) const {
  if (immutable_) return HeaderError::Immutable;
  if (!valid_field_name(name)) return HeaderError::InvalidSyntax;
  if (forbidden(lowercase(name))) return HeaderError::Forbidden;
  return std::nullopt;
}

std::optional<HeaderError> Fields::set(std::string_view name,
                                       std::vector<std::vector<uint8_t>> values) {
  if (auto e = check_change(name)) return e;
  for (const auto& v : values)
    if (!valid_field_value(v)) return HeaderError::InvalidSyntax;
  std::string lower = lowercase(name);
  std::erase_if(entries_, [&](const Entry& e) { return e.first == lower; });
  for (auto& v : values) entries_.emplace_back(lower, std::move(v));
  return std::nullopt;
}

std::optional<HeaderError> Fields::remove(std::string_view name) {
  if (auto e = check_change(name)) return e;
  std::string lower = lowercase(name);
  std::erase_if(entries_, [&](const Entry& e) { return e.first == lower; });
  return std::nullopt;
}

std::optional<HeaderError> Fields::append(std::string_view name, std::vector<uint8_t> value) {
  if (auto e = check_change(name)) return e;
  if (!valid_field_value(value)) return HeaderError::InvalidSyntax;
  entries_.emplace_back(lowercase(name), std::move(value));
  return std::nullopt;
}

}  // namespace flint::wasihttp
