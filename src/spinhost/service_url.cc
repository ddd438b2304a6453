// Service addresses (RFC 3986, section 3): scheme "://" authority path
// ["?" query].
#include "spinhost/service_url.h"

#include <cctype>

namespace flint::spinhost {

namespace {

Error malformed(std::string_view url, std::string_view why) {
  return make_error(ErrorCode::HostTrap,
                    "malformed address '" + std::string(url) + "': " + std::string(why));
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// `text` with every %XX replaced by its byte (a malformed escape is kept).
std::string percent_decode(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && hex_digit(text[i + 1]) >= 0 &&
        hex_digit(text[i + 2]) >= 0) {
      out += char(hex_digit(text[i + 1]) * 16 + hex_digit(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

}  // namespace

std::optional<std::string> ServiceUrl::query_param(std::string_view name) const {
  std::string_view rest = query;
  while (!rest.empty()) {
    size_t amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    size_t eq = pair.find('=');
    if (pair.substr(0, eq) == name)
      return eq == std::string_view::npos ? std::string() : percent_decode(pair.substr(eq + 1));
  }
  return std::nullopt;
}

Result<ServiceUrl> parse_service_url(std::string_view url) {
  ServiceUrl u;
  size_t colon = url.find("://");
  if (colon == std::string_view::npos || colon == 0) return malformed(url, "no scheme");
  for (char c : url.substr(0, colon)) u.scheme += char(std::tolower(uint8_t(c)));
  std::string_view rest = url.substr(colon + 3);
  size_t end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, end);
  rest = end == std::string_view::npos ? std::string_view() : rest.substr(end);
  if (size_t hash = rest.find('#'); hash != std::string_view::npos) rest = rest.substr(0, hash);
  size_t question = rest.find('?');
  u.path = std::string(rest.substr(0, question));
  if (question != std::string_view::npos) u.query = std::string(rest.substr(question + 1));

  if (size_t at = authority.rfind('@'); at != std::string_view::npos) {
    std::string_view info = authority.substr(0, at);
    authority = authority.substr(at + 1);
    size_t c = info.find(':');
    u.user = percent_decode(info.substr(0, c));
    if (c != std::string_view::npos) u.password = percent_decode(info.substr(c + 1));
  }
  std::string_view port;
  if (!authority.empty() && authority[0] == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return malformed(url, "unclosed '['");
    u.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') return malformed(url, "junk after ']'");
      port = after.substr(1);
    }
  } else {
    size_t c = authority.rfind(':');
    u.host = std::string(authority.substr(0, c));
    if (c != std::string_view::npos) port = authority.substr(c + 1);
  }
  if (u.host.empty()) return malformed(url, "no host");
  if (!port.empty()) {
    uint32_t p = 0;
    for (char c : port) {
      if (c < '0' || c > '9' || (p = p * 10 + uint32_t(c - '0')) > 65535)
        return malformed(url, "bad port");
    }
    u.port = uint16_t(p);
  }
  return u;
}

}  // namespace flint::spinhost
