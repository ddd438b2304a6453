// Spin's conformance components (../shared/spin-conformance/components)
// instantiated as `flint up` will (WASI 0.2, wasi:http, Spin's host world)
// and run against real services: one request each, as the conformance
// tests send it, with the response they expect.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "conformance_harness.h"
#include "service_calls.h"
#include "services.h"

namespace flint::spinhost::testing {
namespace {

const std::string kPostgresInit = FLINT_SPEC_DIR "/../spin-conformance/services/postgres-init";

using conformance::load;
using conformance::Response;

/// One request to a fresh instance of the suite's component `name`.
Response serve(const std::string& name, std::shared_ptr<const SpinHostContext> context,
               std::vector<std::pair<std::string, std::string>> headers) {
  return conformance::serve(load(name), std::move(context), std::move(headers));
}

TEST(ConformanceComponents, Instantiate) {
  for (const char* name : {"outbound-redis", "outbound-mqtt", "postgres"}) {
    auto compiled = load(name);
    if (!compiled) GTEST_SKIP() << "no conformance components";
    Store store;
    component::ComponentLinker linker;
    auto wasi_ctx = wasi::WasiContext::create({});
    auto wasi = wasip2::define_wasip2(linker, *wasi_ctx);
    wasihttp::define_wasihttp(linker, wasi);
    define_spin(linker, context_allowing({}));
    auto instance = component::instantiate(store, compiled, linker);
    EXPECT_TRUE(instance.ok()) << name << ": " << (instance ? "" : instance.error().describe());
  }
}

TEST(ConformanceComponents, OutboundRedis) {
  Started redis = start_redis();
  if (!redis.service) GTEST_SKIP() << redis.why_not;
  std::string port = std::to_string(redis.service->port());
  Response ok = serve("outbound-redis", context_allowing({"redis://localhost:" + port}),
                      {{"redis_address", "redis://localhost:" + port}});
  EXPECT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.body, "");
  Response denied = serve("outbound-redis", context_allowing({}),
                          {{"redis_address", "redis://localhost:" + port}});
  EXPECT_EQ(denied.status, 500);
  EXPECT_EQ(denied.body, "Error::InvalidAddress");
}

TEST(ConformanceComponents, OutboundMqtt) {
  Started mqtt = start_mosquitto();
  if (!mqtt.service) GTEST_SKIP() << mqtt.why_not;
  std::string port = std::to_string(mqtt.service->port());
  std::vector<std::pair<std::string, std::string>> headers{
      {"mqtt_address", "mqtt://localhost:" + port + "?client_id=spintest"},
      {"mqtt_username", "user"},
      {"mqtt_password", "password"}};
  Response ok = serve("outbound-mqtt", context_allowing({"mqtt://localhost:" + port}), headers);
  EXPECT_EQ(ok.status, 200) << ok.body;
  headers[0].second = "mqtt://localhost:1883?client_id=spintest";
  Response denied = serve("outbound-mqtt", context_allowing({}), headers);
  EXPECT_EQ(denied.status, 500);
  EXPECT_EQ(denied.body,
            "Error::ConnectionFailed(\"address mqtt://localhost:1883?client_id=spintest is not "
            "permitted\")");
}

}  // namespace
}  // namespace flint::spinhost::testing

namespace flint::spinhost::testing {
namespace {

TEST(ConformanceComponents, Postgres) {
  Started pg = start_postgres(kPostgresInit);
  if (!pg.service) GTEST_SKIP() << pg.why_not;
  std::string port = std::to_string(pg.service->port());
  std::string conn =
      "host=localhost port=" + port + " user=postgres password=postgres dbname=spin_dev";
  Response ok = serve("postgres", context_allowing({"*://localhost:" + port}),
                      {{"pg_connection_string", conn}});
  EXPECT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.body, "");
  Response denied = serve("postgres", context_allowing({}), {{"pg_connection_string", conn}});
  EXPECT_EQ(denied.status, 500);
  EXPECT_EQ(denied.body, "Error::ConnectionFailed(\"address postgres://localhost:" + port +
                             " is not permitted\")");
}

}  // namespace
}  // namespace flint::spinhost::testing
