// spin.toml version 2 parsing (spin/manifest.h): what Spin accepts is read
// field by field; what it refuses is refused naming the place.
#include "spin/manifest.h"

#include <gtest/gtest.h>

namespace flint::spin {
namespace {

constexpr const char* kFull = R"(
spin_manifest_version = 2

[application]
name = "shop"
version = "1.2.0"
description = "A shop"
authors = ["Ann <ann@example.com>"]

[variables]
api_host = { default = "example.com" }
token = { required = true, secret = true }

[[trigger.http]]
route = "/cart/..."
component = "cart"

[[trigger.http]]
id = "internal"
route = { private = true }
component = "cart"

[[trigger.http]]
route = "/cgi"
component = "legacy"
executor = { type = "wagi", argv = "${SCRIPT_NAME} -v ${ARGS}" }

[[trigger.http]]
route = "/ping"
static_response = { status = 204, headers = { x-a = "b" } }

[component.cart]
source = "target/cart.wasm"
description = "The cart"
files = ["static/**/*.html", { source = "assets", destination = "/assets" }]
exclude_files = ["static/secret.html"]
environment = { MODE = "prod" }
allowed_outbound_hosts = ["https://{{ api_host }}", "redis://localhost:6379"]
key_value_stores = ["default", "sessions"]
sqlite_databases = ["default"]
build = { command = "cargo build", workdir = "cart" }

[component.cart.variables]
api_url = "https://{{ api_host }}/v1"
secret = "{{ token }}"

[component.legacy]
source = "/abs/legacy.wasm"
)";

TEST(ManifestTest, ReadsEveryField) {
  auto m = parse_manifest(kFull, "/apps/shop/spin.toml");
  ASSERT_TRUE(m) << m.error().message();
  EXPECT_EQ(m->name, "shop");
  EXPECT_EQ(m->version, "1.2.0");
  EXPECT_EQ(m->directory, "/apps/shop");
  ASSERT_EQ(m->authors.size(), 1u);
  ASSERT_EQ(m->variables.size(), 2u);
  EXPECT_EQ(m->variables.at("api_host").default_value, "example.com");
  EXPECT_TRUE(m->variables.at("token").required);
  EXPECT_TRUE(m->variables.at("token").secret);

  ASSERT_EQ(m->http_triggers.size(), 4u);
  EXPECT_EQ(m->http_triggers[0].route, "/cart/...");
  EXPECT_EQ(m->http_triggers[0].component, "cart");
  EXPECT_FALSE(m->http_triggers[1].route);  // private
  EXPECT_EQ(m->http_triggers[1].id, "internal");
  ASSERT_TRUE(m->http_triggers[2].wagi);
  EXPECT_EQ(m->http_triggers[2].wagi->argv, "${SCRIPT_NAME} -v ${ARGS}");
  ASSERT_TRUE(m->http_triggers[3].static_response);
  EXPECT_EQ(m->http_triggers[3].static_response->status, 204);

  const Component* cart = m->find_component("cart");
  ASSERT_NE(cart, nullptr);
  EXPECT_EQ(cart->source, "/apps/shop/target/cart.wasm");
  ASSERT_EQ(cart->files.size(), 2u);
  EXPECT_EQ(cart->files[0].pattern, "static/**/*.html");
  EXPECT_EQ(cart->files[1].source, "/apps/shop/assets");
  EXPECT_EQ(cart->files[1].destination, "/assets");
  EXPECT_EQ(cart->environment.at(0), (std::pair<std::string, std::string>{"MODE", "prod"}));
  EXPECT_EQ(cart->allowed_outbound_hosts.size(), 2u);
  EXPECT_EQ(cart->key_value_stores.size(), 2u);
  EXPECT_EQ(cart->variables.at("api_url"), "https://{{ api_host }}/v1");
  ASSERT_TRUE(cart->build);
  EXPECT_EQ(cart->build->workdir, "/apps/shop/cart");
  EXPECT_EQ(m->find_component("legacy")->source, "/abs/legacy.wasm");
}

TEST(ManifestTest, InlineComponentsAreNamedAfterTheirTrigger) {
  auto m = parse_manifest(R"(
spin_manifest_version = 2
[application]
name = "x"
[[trigger.http]]
id = "hello"
route = "/"
component = { source = "hello.wasm" }
)",
                          "/a/spin.toml");
  ASSERT_TRUE(m) << m.error().message();
  EXPECT_EQ(m->http_triggers[0].component, "hello-component");
  EXPECT_NE(m->find_component("hello-component"), nullptr);
}

/// The error `text` gives, which must mention each of `words`.
void expect_error(const std::string& text, std::initializer_list<const char*> words) {
  auto m = parse_manifest(text, "/a/spin.toml");
  ASSERT_FALSE(m) << text;
  for (const char* w : words)
    EXPECT_NE(m.error().message().find(w), std::string::npos)
        << "missing `" << w << "` in: " << m.error().message();
}

TEST(ManifestTest, RefusesWhatSpinRefuses) {
  const std::string head = "spin_manifest_version = 2\n[application]\nname = \"x\"\n";
  const std::string trigger = "[[trigger.http]]\nroute = \"/\"\ncomponent = \"c\"\n";
  expect_error("spin_manifest_version = 1\n", {"version 2"});
  expect_error("[application]\nname = \"x\"\n", {"spin_manifest_version"});
  expect_error("spin_manifest_version = 2\n[application\n", {"/a/spin.toml:2"});
  expect_error(head + trigger + "[component.c]\nsource = \"c.wasm\"\nsorce = 1\n",
               {"component.c", "unknown field `sorce`"});
  expect_error(head + trigger, {"no component `c`"});
  expect_error(head + "[[trigger.http]]\ncomponent = \"c\"\n[component.c]\nsource = \"c.wasm\"\n",
               {"trigger.http[0]", "route"});
  expect_error(head + trigger + "[component.c]\nsource = \"c.wasm\"\nallowed_http_hosts = []\n",
               {"allowed_outbound_hosts"});
  expect_error(head + trigger + "[component.C]\nsource = \"c.wasm\"\n", {"kebab-case"});
  expect_error(head + "[variables]\nBad = { default = \"1\" }\n" + trigger, {"snake_case"});
  expect_error(head + "[variables]\nv = { required = true, default = \"1\" }\n" + trigger,
               {"variables.v"});
  expect_error(head + trigger + "[component.c]\nsource = \"c.wasm\"\n[component.c.variables]\n" +
                   "x = \"{{ nope }}\"\n",
               {"nope", "[variables]"});
  expect_error(head + "[[trigger.redis]]\ncomponent = \"c\"\n", {"HTTP triggers only"});
  expect_error(head + "[[trigger.http]]\nroute = { private = false }\ncomponent = \"c\"\n",
               {"private = true"});
  expect_error(head, {"nothing to serve"});
  expect_error(head + "[[trigger.http]]\nroute = \"/\"\ncomponent = \"c\"\n" +
                   "executor = { type = \"wagi\", entrypoint = \"main\" }\n" +
                   "[component.c]\nsource = \"c.wasm\"\n",
               {"entrypoint"});
}

}  // namespace
}  // namespace flint::spin
