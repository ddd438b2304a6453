// Spin's `allowed_outbound_hosts` (spin-outbound-networking's
// AllowedHostConfig): parsing the patterns and checking URLs and socket
// addresses against them. The rules follow Spin's, including its corners:
// - a pattern splits at its last ':' into host and port, so an unbracketed
//   IPv6 CIDR works when a port follows (`*://ff00::/8:80`);
// - a port range `a..b` is half-open (b itself is not allowed), as Rust's
//   `Range` Spin uses;
// - `self` (service chaining) parses but allows no absolute URL;
// - a CIDR may have host bits set (`127.0.0.1/24` is `127.0.0.0/24`).
// IP addresses are compared as addresses, not as text: `http://[::1]:80`
// allows `http://[0:0::1]:80`, and an IPv4-mapped IPv6 address is its IPv4
// address.
#include "outbound/allowed_hosts.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>
#include <optional>

namespace flint::outbound {

namespace {

/// An IP address as 16 bytes (IPv4 in the last four) and its family.
struct Ip {
  std::array<uint8_t, 16> bytes{};
  bool v6 = false;
};

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = char(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

/// An IP literal (IPv4, IPv6, IPv6 in brackets); an IPv4-mapped IPv6
/// address is read as its IPv4 address.
std::optional<Ip> parse_ip(std::string_view text) {
  if (text.size() > 2 && text.front() == '[' && text.back() == ']')
    text = text.substr(1, text.size() - 2);
  std::string s(text);
  Ip ip;
  in_addr v4;
  in6_addr v6;
  if (inet_pton(AF_INET, s.c_str(), &v4) == 1) {
    std::memcpy(ip.bytes.data() + 12, &v4, 4);
    return ip;
  }
  if (inet_pton(AF_INET6, s.c_str(), &v6) != 1) return std::nullopt;
  std::memcpy(ip.bytes.data(), &v6, 16);
  static constexpr uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  ip.v6 = !std::equal(kMapped, kMapped + 12, ip.bytes.begin());
  if (!ip.v6) ip.bytes[10] = ip.bytes[11] = 0;  // as the IPv4 address
  return ip;
}

/// `digits` as a number no larger than `max`.
std::optional<uint32_t> parse_number(std::string_view digits, uint32_t max) {
  if (digits.empty() || digits.size() > 5) return std::nullopt;
  uint32_t n = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + uint32_t(c - '0');
  }
  if (n > max) return std::nullopt;
  return n;
}

/// Spin's well-known ports: a pattern or URL without a port uses its
/// scheme's.
std::optional<uint16_t> well_known_port(std::string_view scheme) {
  static constexpr std::pair<std::string_view, uint16_t> kPorts[] = {
      {"http", 80},   {"https", 443},  {"redis", 6379},
      {"mqtt", 1883}, {"mysql", 3306}, {"postgres", 5432}};
  for (const auto& [name, port] : kPorts)
    if (name == scheme) return port;
  return std::nullopt;
}

Error pattern_error(std::string_view pattern, std::string_view why) {
  return make_error(ErrorCode::Usage,
                    "allowed outbound host \"" + std::string(pattern) + "\": " + std::string(why));
}

/// Whether `name` can be a host name in a pattern: letters, digits, '-',
/// '_' and '.'.
bool plausible_name(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '-' || c == '_' || c == '.';
  });
}

}  // namespace

struct AllowedHosts::Pattern {
  enum class HostKind : uint8_t { Any, Subdomain, Name, Network, Self };
  std::string scheme;  ///< lower case; "*" for any
  HostKind host_kind = HostKind::Any;
  std::string name;  ///< Name: the host; Subdomain: ".domain"
  Ip network;        ///< Network: the address, masked
  unsigned prefix = 0;
  bool any_port = false;
  uint16_t port_low = 0, port_high = 0;  ///< inclusive

  bool scheme_allows(std::string_view s) const { return scheme == "*" || s == "*" || s == scheme; }
  bool host_allows(const std::string& host, const std::optional<Ip>& ip) const;
  bool port_allows(std::optional<uint16_t> port, std::string_view scheme) const;
};

namespace {

/// `ip` with all bits beyond `prefix` cleared (prefix counts from the start
/// of the family's address: IPv4's from byte 12).
Ip masked(Ip ip, unsigned prefix) {
  unsigned start = ip.v6 ? 0 : 12;
  for (unsigned i = 0; i < 16 - start; ++i) {
    unsigned bit = i * 8;
    uint8_t& b = ip.bytes[start + i];
    if (bit >= prefix)
      b = 0;
    else if (prefix - bit < 8)
      b &= uint8_t(0xff << (8 - (prefix - bit)));
  }
  return ip;
}

}  // namespace

bool AllowedHosts::Pattern::host_allows(const std::string& host,
                                        const std::optional<Ip>& ip) const {
  switch (host_kind) {
    case HostKind::Any: return true;
    case HostKind::Self: return false;  // only relative URLs, which Flint does not send
    case HostKind::Subdomain: return !ip && host.size() > name.size() && host.ends_with(name);
    case HostKind::Name: return !ip && host == name;
    case HostKind::Network:
      return ip && ip->v6 == network.v6 && masked(*ip, prefix).bytes == network.bytes;
  }
  return false;
}

bool AllowedHosts::Pattern::port_allows(std::optional<uint16_t> port,
                                        std::string_view scheme_used) const {
  if (any_port) return true;
  if (!port) port = well_known_port(scheme_used);
  return port && *port >= port_low && *port <= port_high;
}

AllowedHosts::AllowedHosts() = default;
AllowedHosts::~AllowedHosts() = default;
AllowedHosts::AllowedHosts(AllowedHosts&&) noexcept = default;
AllowedHosts& AllowedHosts::operator=(AllowedHosts&&) noexcept = default;

namespace {

using Pattern = AllowedHosts::Pattern;

Status parse_host(std::string_view pattern, std::string_view host, Pattern& p) {
  host = trim(host);
  if (host.ends_with('/')) host.remove_suffix(1);
  if (host.empty()) return pattern_error(pattern, "no host (use `*` for any host)");
  if (host == "*") {
    p.host_kind = Pattern::HostKind::Any;
    return {};
  }
  if (host == "self" || host == "self.alt") {
    p.host_kind = Pattern::HostKind::Self;
    return {};
  }
  if (host.front() == '{') return pattern_error(pattern, "host lists are not yet supported");
  // An address, or a network: ADDRESS/PREFIX (IPv6 with or without brackets).
  std::string_view address = host, prefix_text;
  if (size_t slash = host.find('/'); slash != std::string_view::npos) {
    address = host.substr(0, slash);
    prefix_text = host.substr(slash + 1);
  }
  if (std::optional<Ip> ip = parse_ip(address)) {
    unsigned max = ip->v6 ? 128 : 32;
    unsigned prefix = max;
    if (host.find('/') != std::string_view::npos) {
      auto n = parse_number(prefix_text, max);
      if (!n)
        return pattern_error(pattern, "the network prefix length \"" + std::string(prefix_text) +
                                          "\" is not a number 0-" + std::to_string(max));
      prefix = *n;
    }
    p.host_kind = Pattern::HostKind::Network;
    p.prefix = prefix;
    p.network = masked(*ip, p.prefix);
    return {};
  }
  if (!prefix_text.empty() || host.find('/') != std::string_view::npos)
    return pattern_error(pattern, "a host must not contain a path");
  if (host.starts_with("*.")) {
    std::string_view domain = host.substr(2);
    if (domain.find('*') != std::string_view::npos)
      return pattern_error(pattern, "wildcards are allowed only as prefixes (`*.example.com`)");
    if (!plausible_name(domain))
      return pattern_error(pattern, "\"" + std::string(domain) + "\" is not a domain name");
    p.host_kind = Pattern::HostKind::Subdomain;
    p.name = "." + lower(domain);
    return {};
  }
  if (host.find('*') != std::string_view::npos)
    return pattern_error(pattern, "wildcards are allowed only as subdomains (`*.example.com`)");
  if (host.front() == '[')
    return pattern_error(pattern, "\"" + std::string(host) + "\" is not an IPv6 address");
  if (!plausible_name(host))
    return pattern_error(pattern, "\"" + std::string(host) + "\" is not a host name");
  p.host_kind = Pattern::HostKind::Name;
  p.name = lower(host);
  if (p.name.size() > 1 && p.name.back() == '.') p.name.pop_back();
  return {};
}

Status parse_port(std::string_view pattern, std::string_view port, Pattern& p) {
  if (port.empty()) {
    auto known = well_known_port(p.scheme);
    if (!known)
      return pattern_error(
          pattern, "no port was given and the scheme \"" + p.scheme + "\" has no well-known port");
    p.port_low = p.port_high = *known;
    return {};
  }
  if (port == "*") {
    p.any_port = true;
    return {};
  }
  if (port.front() == '{') return pattern_error(pattern, "port lists are not yet supported");
  if (size_t dots = port.find(".."); dots != std::string_view::npos) {
    auto low = parse_number(port.substr(0, dots), 65535);
    auto high = parse_number(port.substr(dots + 2), 65535);
    if (!low || !high)
      return pattern_error(pattern, "the port range \"" + std::string(port) +
                                        "\" is not two numbers 0-65535 (`8000..8080`)");
    // Half-open, as Spin's Rust range: `8000..8080` allows 8000 to 8079.
    if (*high <= *low)
      return pattern_error(pattern, "the port range \"" + std::string(port) + "\" is empty");
    p.port_low = uint16_t(*low);
    p.port_high = uint16_t(*high - 1);
    return {};
  }
  auto n = parse_number(port, 65535);
  if (!n)
    return pattern_error(pattern, "the port \"" + std::string(port) + "\" is not a number 0-65535");
  p.port_low = p.port_high = uint16_t(*n);
  return {};
}

Result<Pattern> parse_pattern(std::string_view original) {
  std::string_view text = trim(original);
  Pattern p;
  size_t sep = text.find("://");
  if (sep == std::string_view::npos)
    return pattern_error(original, "no scheme (write e.g. `https://` or `*://` before the host)");
  std::string_view scheme = text.substr(0, sep), rest = text.substr(sep + 3);
  if (scheme.empty()) return pattern_error(original, "the scheme is empty (use `*` for any)");
  if (scheme.front() == '{') return pattern_error(original, "scheme lists are not yet supported");
  if (scheme != "*" &&
      !std::all_of(scheme.begin(), scheme.end(), [](unsigned char c) { return std::isalpha(c); }))
    return pattern_error(original,
                         "the scheme \"" + std::string(scheme) + "\" is not letters only");
  p.scheme = lower(scheme);
  // HOST[:PORT][/]: a bracketed IPv6 host ends at its ']'; otherwise the
  // port follows the last ':' (Spin's split).
  std::string_view host, port;
  if (rest.starts_with('[')) {
    size_t close = rest.find(']');
    if (close == std::string_view::npos) return pattern_error(original, "an unclosed '['");
    std::string_view after = rest.substr(close + 1);
    // "[v6]/PREFIX:PORT": the prefix length belongs to the host.
    size_t host_end = close + 1;
    if (after.starts_with('/') && after.size() > 1 && std::isdigit(uint8_t(after[1]))) {
      size_t colon = after.find(':');
      host_end += colon == std::string_view::npos ? after.size() : colon;
      after = rest.substr(host_end);
    }
    host = rest.substr(0, host_end);
    if (after == "/") after = {};
    if (!after.empty()) {
      if (after.front() != ':') return pattern_error(original, "expected ':' after ']'");
      port = after.substr(1);
    }
  } else if (size_t colon = rest.rfind(':'); colon != std::string_view::npos) {
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
  } else {
    host = rest;
  }
  if (size_t slash = port.find('/'); slash != std::string_view::npos) {
    if (slash + 1 != port.size()) return pattern_error(original, "a pattern must not have a path");
    port = port.substr(0, slash);
  }
  FLINT_TRY(parse_host(original, host, p));
  FLINT_TRY(parse_port(original, trim(port), p));
  return p;
}

/// scheme://[userinfo@]host[:port][/path][?query][#fragment], as parts.
struct Url {
  std::string scheme, host;
  std::optional<uint16_t> port;
};

std::optional<Url> parse_url(std::string_view text) {
  text = trim(text);
  size_t sep = text.find("://");
  if (sep == std::string_view::npos || sep == 0) return std::nullopt;
  Url url;
  url.scheme = lower(text.substr(0, sep));
  if (!std::all_of(url.scheme.begin(), url.scheme.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '+' || c == '-' || c == '.';
      }))
    return std::nullopt;
  std::string_view rest = text.substr(sep + 3);
  // Userinfo ends at the last '@' before the path (a password may hold '#',
  // '?' or '@').
  size_t path = rest.find('/');
  size_t at = rest.substr(0, path).rfind('@');
  if (at != std::string_view::npos) rest = rest.substr(at + 1);
  std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  std::string_view host = authority, port;
  if (authority.starts_with('[')) {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = authority.substr(0, close + 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return std::nullopt;
      port = after.substr(1);
    }
    if (!parse_ip(host)) return std::nullopt;
  } else if (size_t colon = authority.find(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty()) return std::nullopt;
  url.host = std::string(host);
  if (!port.empty()) {
    auto n = parse_number(port, 65535);
    if (!n) return std::nullopt;
    url.port = uint16_t(*n);
  }
  return url;
}

}  // namespace

Result<AllowedHosts> AllowedHosts::parse(const std::vector<std::string>& patterns) {
  AllowedHosts hosts;
  for (const std::string& text : patterns) {
    // Older Spin's spelling of "everything" (newer Spin asks for `*://*:*`).
    if (trim(text) == "insecure:allow-all") {
      hosts.allow_all_ = true;
      continue;
    }
    FLINT_ASSIGN(Pattern p, parse_pattern(text));
    hosts.patterns_.push_back(std::move(p));
  }
  return hosts;
}

namespace {

/// The form hosts are compared in: lower case, no brackets, no trailing dot.
std::string normal_host(std::string_view host) {
  std::string h = lower(host);
  if (h.size() > 1 && h.back() == '.') h.pop_back();
  return h;
}

}  // namespace

bool AllowedHosts::allows(std::string_view scheme, std::string_view host, uint16_t port) const {
  if (allow_all_) return true;
  std::string h = normal_host(host), s = lower(scheme);
  std::optional<Ip> ip = parse_ip(h);
  return std::any_of(patterns_.begin(), patterns_.end(), [&](const Pattern& p) {
    return p.scheme_allows(s) && p.host_allows(h, ip) && p.port_allows(port, s);
  });
}

bool AllowedHosts::allows_url(std::string_view text) const {
  std::optional<Url> url = parse_url(text);
  if (!url) return false;
  if (allow_all_) return true;
  std::string h = normal_host(url->host);
  std::optional<Ip> ip = parse_ip(h);
  return std::any_of(patterns_.begin(), patterns_.end(), [&](const Pattern& p) {
    return p.scheme_allows(url->scheme) && p.host_allows(h, ip) &&
           p.port_allows(url->port, url->scheme);
  });
}

bool AllowedHosts::allows_address(std::string_view ip, uint16_t port) const {
  return allows("tcp", ip, port) || allows("udp", ip, port);
}

bool AllowedHosts::allows_any_name() const {
  if (allow_all_) return true;
  return std::any_of(patterns_.begin(), patterns_.end(), [](const Pattern& p) {
    return p.host_kind == Pattern::HostKind::Any || p.host_kind == Pattern::HostKind::Subdomain ||
           p.host_kind == Pattern::HostKind::Name;
  });
}

bool AllowedHosts::empty() const { return !allow_all_ && patterns_.empty(); }

}  // namespace flint::outbound
