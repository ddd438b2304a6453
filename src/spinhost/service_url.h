// The URL form of a service address that Spin's outbound interfaces take:
// `redis://[user[:password]@]host[:port][/db]`,
// `mqtt://host[:port]?client_id=ID`, `mysql://user:password@host/db`
// (RFC 3986's authority, path and query; no fragment). Only what the
// clients need: no percent-decoding beyond the user info, no IDNA.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "flint/result.h"

namespace flint::spinhost {

/// A service address split into its parts.
struct ServiceUrl {
  std::string scheme;                   ///< lower-cased: "redis"
  std::string user;                     ///< percent-decoded; empty: none
  std::optional<std::string> password;  ///< percent-decoded
  std::string host;                     ///< a name or an IP (IPv6 without brackets)
  std::optional<uint16_t> port;
  std::string path;   ///< "/0"; empty: none
  std::string query;  ///< without the '?': "client_id=x"

  /// The value of query parameter `name`, percent-decoded.
  std::optional<std::string> query_param(std::string_view name) const;
};

/// Parses `url`; an error says what is malformed.
Result<ServiceUrl> parse_service_url(std::string_view url);

}  // namespace flint::spinhost
