// AllowedHosts: Spin's allowed_outbound_hosts patterns, parsed and checked.
#include "outbound/allowed_hosts.h"

#include <gtest/gtest.h>

namespace flint::outbound {
namespace {

AllowedHosts hosts(std::vector<std::string> patterns) {
  auto h = AllowedHosts::parse(patterns);
  EXPECT_TRUE(h) << (h ? "" : h.error().describe());
  return h ? std::move(*h) : AllowedHosts();
}

TEST(AllowedHosts, NothingByDefault) {
  AllowedHosts none;
  EXPECT_TRUE(none.empty());
  EXPECT_FALSE(none.allows_url("http://localhost:8080/"));
  EXPECT_FALSE(none.allows_address("127.0.0.1", 80));
  EXPECT_FALSE(none.allows_any_name());
  EXPECT_TRUE(hosts({}).empty());
}

struct UrlCase {
  std::vector<std::string> patterns;
  std::string url;
  bool allowed;
};

class AllowsUrl : public testing::TestWithParam<UrlCase> {};

TEST_P(AllowsUrl, AsSpin) {
  const UrlCase& c = GetParam();
  EXPECT_EQ(hosts(c.patterns).allows_url(c.url), c.allowed)
      << c.url << " against " << testing::PrintToString(c.patterns);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, AllowsUrl,
    testing::Values(
        // The conformance tests' patterns.
        UrlCase{{"http://localhost:8080"}, "http://localhost:8080/", true},
        UrlCase{{"http://localhost:8080"}, "http://localhost:8080", true},
        UrlCase{{"http://localhost:8080"}, "http://localhost:8081/", false},
        UrlCase{{"http://localhost:8080"}, "https://localhost:8080/", false},
        UrlCase{{"http://localhost:8080"}, "http://LocalHost:8080/x?y=1", true},
        UrlCase{{"http://localhost:8080"}, "http://127.0.0.1:8080/", false},
        UrlCase{{"redis://localhost:6379"}, "redis://localhost:6379", true},
        UrlCase{{"redis://localhost:6379"}, "redis://localhost", true},
        UrlCase{{"redis://localhost"}, "redis://localhost:6379", true},
        UrlCase{{"redis://localhost:6379"}, "redis://localhost:6380", false},
        UrlCase{{"*://localhost:5432"}, "postgres://localhost:5432/db", true},
        UrlCase{{"*://localhost:5432"}, "postgres://user:pw@localhost/spin_dev", true},
        UrlCase{{"*://localhost:5432"}, "mysql://localhost/db", false},
        UrlCase{{"mqtt://localhost:1883"}, "mqtt://localhost:1883?client_id=spintest", true},
        UrlCase{{"mqtt://localhost:1883"}, "mqtt://localhost?client_id=x", true},
        UrlCase{{"*://127.0.0.0/24:7777"}, "tcp://127.0.0.1:7777", true},
        UrlCase{{"*://127.0.0.0/24:7777"}, "http://127.0.0.254:7777/", true},
        UrlCase{{"*://127.0.0.0/24:7777"}, "http://127.0.1.1:7777/", false},
        UrlCase{{"*://127.0.0.0/24:7777"}, "http://127.0.0.1:7778/", false},
        UrlCase{{"*://127.0.0.0/24:7777"}, "http://localhost:7777/", false},
        // Default ports.
        UrlCase{{"https://example.com"}, "https://example.com/", true},
        UrlCase{{"https://example.com"}, "https://example.com:443/", true},
        UrlCase{{"https://example.com"}, "https://example.com:8443/", false},
        UrlCase{{"http://example.com"}, "http://example.com", true},
        UrlCase{{"https://example.com/"}, "https://example.com", true},
        UrlCase{{"*://example.com:*"}, "ftp://example.com", true},
        UrlCase{{"*://example.com:443"}, "ftp://example.com", false},  // no well-known port
        // Wildcards.
        UrlCase{{"*://*:*"}, "gopher://anything.example:1/", true},
        UrlCase{{"http://*:*"}, "http://10.1.2.3:9/", true},
        UrlCase{{"http://*"}, "http://example.com/", true},
        UrlCase{{"http://*"}, "http://example.com:81/", false},
        UrlCase{{"http://*.example.com"}, "http://a.example.com/foo", true},
        UrlCase{{"http://*.example.com"}, "http://a.b.example.com/foo", true},
        UrlCase{{"http://*.example.com"}, "http://example.com/foo", false},
        UrlCase{{"http://*.example.com"}, "http://myexample.com/foo", false},
        UrlCase{{"http://*.example2.com:8383"}, "http://a.example2.com:8383/", true},
        UrlCase{{"http://*.example2.com:8383"}, "http://a.example2.com/", false},
        // Port ranges: half-open, as Spin's.
        UrlCase{{"http://localhost:8000..8080"}, "http://localhost:8000/", true},
        UrlCase{{"http://localhost:8000..8080"}, "http://localhost:8079/", true},
        UrlCase{{"http://localhost:8000..8080"}, "http://localhost:8080/", false},
        UrlCase{{"http://localhost:8000..8080"}, "http://localhost:7999/", false},
        // Several patterns: any may allow.
        UrlCase{{"*://spin.fermyon.dev:443", "http://example.com:8383"},
                "http://example.com:8383/foo/bar",
                true},
        UrlCase{{"*://spin.fermyon.dev:443", "http://example.com:8383"},
                "https://spin.fermyon.dev",
                true},
        UrlCase{
            {"*://spin.fermyon.dev:443", "http://example.com:8383"}, "http://example.com/", false},
        // IP addresses, compared as addresses.
        UrlCase{{"http://192.168.1.1"}, "http://192.168.1.1/", true},
        UrlCase{{"http://192.168.1.1:3002"}, "http://192.168.1.1:3002/", true},
        UrlCase{{"http://[::1]:8001"}, "http://[::1]:8001/", true},
        UrlCase{{"http://[::1]:8001"}, "http://[0:0::1]:8001/", true},
        UrlCase{{"http://[::1]"}, "http://[::1]/", true},
        UrlCase{{"*://ff00::/8:80"}, "http://[ff02::1]/", true},
        UrlCase{{"*://ff00::/8:80"}, "http://[fe80::1]/", false},
        UrlCase{{"*://[2001:db8::]/32:*"}, "http://[2001:db8:1::5]:9/", true},
        UrlCase{{"*://127.0.0.1/24:63551"}, "tcp://127.0.0.1:63551", true},
        UrlCase{{"http://127.0.0.1:80"}, "http://[::ffff:127.0.0.1]/", true},
        // userinfo, '@' in the path.
        UrlCase{{"mysql://xyz.com"}, "mysql://user:pass#word@xyz.com", true},
        UrlCase{{"https://example.com"}, "https://example.com/file@0.1.0.json", true},
        UrlCase{{"https://example.com"}, "https://evil.com/@example.com", false},
        UrlCase{{"https://example.com"}, "https://example.com@evil.com/", false},
        // Malformed URLs are never allowed.
        UrlCase{{"*://*:*"}, "example.com", false}, UrlCase{{"*://*:*"}, "http://", false},
        UrlCase{{"*://*:*"}, "http://example.com:99999/", false},
        UrlCase{{"*://*:*"}, "http://example.com:8x/", false},
        UrlCase{{"*://*:*"}, "http://[::1/", false},
        // Everything.
        UrlCase{{"insecure:allow-all"}, "https://anything.example:12/x", true},
        // service chaining's `self` allows no absolute URL.
        UrlCase{{"http://self"}, "http://self/", false}));

TEST(AllowedHosts, BadPatterns) {
  struct Bad {
    std::string pattern, why;
  };
  const Bad cases[] = {
      {"example.com", "no scheme"},
      {"example.com:80", "no scheme"},
      {"localhost", "no scheme"},
      {"://example.com", "scheme is empty"},
      {"ht1p://example.com", "letters only"},
      {"http://example.com/a", "path"},
      {"http://example.com:6666/a/b", "path"},
      {"http://*.example.com/a", "path"},
      {"*://127.0.0.0/24", "no port"},  // `*` has no well-known port
      {"*://example.com", "no port"},
      {"tcp://example.com", "no port"},
      {"http://ex*ample.com", "subdomains"},
      {"http://*.ex*ample.com", "prefixes"},
      {"http://example.com:port", "not a number"},
      {"http://example.com:70000", "not a number"},
      {"http://example.com:80..x", "port range"},
      {"http://example.com:90..80", "empty"},
      {"http://127.0.0.0/33:80", "prefix length"},
      {"http://:80", "no host"},
      {"http://[::1:80", "unclosed"},
      {"http://{a,b}", "host lists"},
      {"{http,https}://a", "scheme lists"},
      {"http://a.com:{80,81}", "port lists"},
  };
  for (const Bad& c : cases) {
    auto h = AllowedHosts::parse({"http://fine.example", c.pattern});
    ASSERT_FALSE(h) << c.pattern;
    EXPECT_NE(h.error().describe().find(c.pattern), std::string::npos) << h.error().describe();
    EXPECT_NE(h.error().describe().find(c.why), std::string::npos)
        << c.pattern << ": " << h.error().describe();
  }
}

TEST(AllowedHosts, Addresses) {
  AllowedHosts h = hosts({"*://127.0.0.1:7000", "tcp://10.0.0.0/8:*", "http://192.168.0.1:80"});
  EXPECT_TRUE(h.allows_address("127.0.0.1", 7000));
  EXPECT_FALSE(h.allows_address("127.0.0.1", 7001));
  EXPECT_FALSE(h.allows_address("127.0.0.2", 7000));
  EXPECT_TRUE(h.allows_address("::ffff:127.0.0.1", 7000));
  EXPECT_TRUE(h.allows_address("10.200.3.4", 1));
  EXPECT_TRUE(h.allows("tcp", "10.200.3.4", 1));
  EXPECT_FALSE(h.allows("udp", "10.200.3.4", 1));
  // An http pattern does not grant raw sockets (Spin's `tcp://` URL).
  EXPECT_FALSE(h.allows_address("192.168.0.1", 80));
  EXPECT_TRUE(h.allows("http", "192.168.0.1", 80));
  EXPECT_TRUE(h.allows("*", "192.168.0.1", 80));
  EXPECT_FALSE(h.allows_any_name());
}

TEST(AllowedHosts, ConformanceSocketPatterns) {
  EXPECT_TRUE(hosts({"*://127.0.0.0/24:7"}).allows_address("127.0.0.1", 7));
  EXPECT_TRUE(hosts({"*://127.0.0.1:7"}).allows_address("127.0.0.1", 7));
  EXPECT_FALSE(hosts({"*://127.0.0.2:6001"}).allows_address("127.0.0.1", 7));
  EXPECT_FALSE(hosts({"*://127.0.0.1:6002"}).allows_address("127.0.0.1", 7));
}

TEST(AllowedHosts, AnyName) {
  EXPECT_TRUE(hosts({"*://localhost:5432"}).allows_any_name());
  EXPECT_TRUE(hosts({"http://*.example.com"}).allows_any_name());
  EXPECT_TRUE(hosts({"*://*:*"}).allows_any_name());
  EXPECT_TRUE(hosts({"insecure:allow-all"}).allows_any_name());
  EXPECT_FALSE(hosts({"*://127.0.0.0/24:7"}).allows_any_name());
}

TEST(AllowedHosts, AllowAll) {
  AllowedHosts h = hosts({"insecure:allow-all"});
  EXPECT_FALSE(h.empty());
  EXPECT_TRUE(h.allows_address("8.8.8.8", 53));
  EXPECT_TRUE(h.allows("redis", "example.com", 1));
}

TEST(AllowedHosts, CaseAndWhitespace) {
  AllowedHosts h = hosts({"  HTTP://Example.COM:8080  "});
  EXPECT_TRUE(h.allows_url("http://example.com:8080/"));
  EXPECT_TRUE(h.allows_url("HTTP://EXAMPLE.com:8080/"));
  EXPECT_TRUE(h.allows("http", "example.com.", 8080));
}

}  // namespace
}  // namespace flint::outbound
