// Which network destinations a guest may reach: Spin's
// `allowed_outbound_hosts` (deny by default, issue 13). One AllowedHosts is
// built per component from its manifest patterns (with `{{ variable }}`
// templates already expanded) and checked by every outbound path: wasi:http's
// outgoing-handler, wasi:sockets' connect, and Spin's redis, mqtt, postgres
// and mysql interfaces.
//
// Pattern syntax, as Spin's (spin-outbound-networking's `AllowedHostConfig`):
//   SCHEME://HOST[:PORT]
//   - SCHEME: a scheme name (`http`, `https`, `redis`, `mqtt`, `postgres`,
//     `mysql`) or `*` for any;
//   - HOST: a name (`example.com`), `*` for any, `*.example.com` for any
//     subdomain, an IP address, or an IPv4/IPv6 CIDR range
//     (`127.0.0.0/24`);
//   - PORT: a number, a range `8000..8080`, or `*`; without it the scheme's
//     well-known port (http 80, https 443, redis 6379, mqtt 1883,
//     postgres 5432, mysql 3306); a scheme without a well-known port must
//     give one.
//   - `insecure:allow-all` allows everything.
// A path is not allowed in a pattern; a malformed pattern is an error naming
// it, at start-up.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "flint/result.h"

namespace flint::outbound {

/// A component's set of allowed outbound destinations.
class AllowedHosts {
 public:
  /// Nothing allowed (the default).
  AllowedHosts();
  ~AllowedHosts();
  AllowedHosts(AllowedHosts&&) noexcept;
  AllowedHosts& operator=(AllowedHosts&&) noexcept;

  /// Parses `patterns` (templates already expanded); an error names the
  /// first malformed one and why.
  static Result<AllowedHosts> parse(const std::vector<std::string>& patterns);

  /// Whether `url` ("https://example.com:8443/x", "redis://localhost:6379",
  /// "mqtt://localhost:1883?client_id=x") may be reached. A URL without a
  /// port uses its scheme's well-known port. A malformed URL is not allowed.
  bool allows_url(std::string_view url) const;

  /// Whether `scheme` may reach `host` (a name or an IP literal) on `port`;
  /// `scheme` "*" asks whether any pattern's host and port match, whatever
  /// its scheme.
  bool allows(std::string_view scheme, std::string_view host, uint16_t port) const;

  /// Whether a socket may connect to the IP address `ip` (text form) on
  /// `port`: as Spin, a socket's URL is `tcp://IP:PORT` or `udp://IP:PORT`,
  /// so patterns of scheme `*`, `tcp` or `udp` can allow it (wasi:sockets
  /// asks allows("tcp" or "udp", ...) for its protocol).
  bool allows_address(std::string_view ip, uint16_t port) const;

  /// Whether any pattern names a host by name (so that wasi:sockets'
  /// ip-name-lookup is useful), or everything is allowed.
  bool allows_any_name() const;

  /// Whether nothing is allowed.
  bool empty() const;

  /// One parsed pattern (allowed_hosts.cc).
  struct Pattern;

 private:
  std::vector<Pattern> patterns_;
  bool allow_all_ = false;
};

}  // namespace flint::outbound
