// wasi:http/client@0.3's `send` (src/wasihttp/http03_client.cc) called as a
// guest's lowered import calls it: deny by default (HTTP-request-denied,
// also reported by the request's transmission future), and a malformed
// request refused before anything is sent. The official suite's
// http-client tests send real requests through it (tests/wasi_testsuite).
#include <gtest/gtest.h>

#include "../common/linked_functions.h"
#include "wasihttp/http03.h"

namespace flint::wasihttp::v03 {
namespace {

using namespace component;

constexpr const char* kTypes = "wasi:http/types@0.3.0";

class Client03 : public ::testing::Test {
 protected:
  void start(std::shared_ptr<const outbound::AllowedHosts> allowed) {
    host_ = define_http(linker_, std::move(allowed));
  }

  ComponentValue call(const std::string& iface, const std::string& name,
                      std::vector<ComponentValue> args) {
    auto r = testing::call_linked(linker_, store_, iface, name, std::move(args));
    EXPECT_TRUE(r.ok()) << name << ": " << (r.ok() ? "" : r.error().describe());
    return r.ok() && *r ? **r : val::none();
  }

  /// A bodiless GET request to `authority`, and its transmission future.
  std::pair<ComponentValue, ComponentValue> request(const std::string& authority) {
    HostFuture trailers(
        wit::result(wit::option(wit::own(host_->fields.type())), error_code_type()));
    (void)trailers.write(val::ok(val::none()));
    ComponentValue made =
        call(kTypes, "[static]request.new",
             {call(kTypes, "[constructor]fields", {}), val::none(), trailers.value(), val::none()});
    ComponentValue q = made.items()[0];
    call(kTypes, "[method]request.set-scheme", {q, val::some(val::variant_case(0))});
    call(kTypes, "[method]request.set-authority", {q, val::some(val::string(authority))});
    return {q, made.items()[1]};
  }

  /// The value a future holds (it is written by the time this is asked).
  std::optional<ComponentValue> value_of(const ComponentValue& future) {
    std::optional<ComponentValue> got;
    read_future(channel_of(future), [&](std::optional<ComponentValue> v) { got = std::move(v); });
    return got;
  }

  /// The error-code case of a failed result.
  static uint32_t error(const ComponentValue& result) {
    EXPECT_EQ(result.as_case().index, 1u);
    return result.as_case().index == 1 ? result.as_case().payload->as_case().index : ~0u;
  }

  ComponentLinker linker_;
  std::shared_ptr<HttpHost> host_;
  Store store_;
};

TEST_F(Client03, NothingIsSentWithoutAnAllowedHost) {
  start(nullptr);
  auto [q, transmitted] = request("127.0.0.1:9");
  ComponentValue sent = call("wasi:http/client@0.3.0", "send", {q});
  EXPECT_EQ(error(sent), kHttpRequestDenied);
  std::optional<ComponentValue> outcome = value_of(transmitted);
  ASSERT_TRUE(outcome);
  EXPECT_EQ(error(*outcome), kHttpRequestDenied);
}

TEST_F(Client03, AnAllowedHostStillNeedsAWellFormedRequest) {
  auto allowed = outbound::AllowedHosts::parse({"http://127.0.0.1:*"});
  ASSERT_TRUE(allowed.ok());
  start(std::make_shared<const outbound::AllowedHosts>(std::move(*allowed)));
  // An authority the request accepted (userinfo) is more than curl should get.
  auto [q, transmitted] = request("user@127.0.0.1:9");
  EXPECT_EQ(error(call("wasi:http/client@0.3.0-rc-2026-03-15", "send", {q})),
            19u);  // HTTP-request-URI-invalid
  // Allowed and well formed, but nothing listens: connection-refused.
  auto [q2, transmitted2] = request("127.0.0.1:9");
  EXPECT_EQ(error(call("wasi:http/client@0.3.0", "send", {q2})), 6u);
}

}  // namespace
}  // namespace flint::wasihttp::v03
