// fermyon:spin/mqtt@2.0.0 over libmosquitto's blocking loop: each call
// drives the client's network loop until what it waits for happens or its
// deadline passes. A connection the broker dropped reconnects on the next
// publish.
#include "spinhost/mqtt.h"

#include <mosquitto.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <variant>

#include "component_runtime/host_interface.h"
#include "spinhost/outbound_access.h"
#include "spinhost/service_url.h"

namespace flint::spinhost {

namespace {

using namespace component;
using Clock = std::chrono::steady_clock;

constexpr auto kConnectTimeout = std::chrono::seconds(10);
constexpr auto kPublishTimeout = std::chrono::seconds(30);

// The cases of the WIT's `error` variant.
enum : uint32_t { kInvalidAddress, kTooManyConnections, kConnectionFailed, kOther };

ComponentValue error(uint32_t which, std::optional<ComponentValue> payload = std::nullopt) {
  return val::err(val::variant_case(which, std::move(payload)));
}
ComponentValue failed(std::string message) {
  return error(kConnectionFailed, val::string(std::move(message)));
}
ComponentValue other(std::string message) { return error(kOther, val::string(std::move(message))); }

/// One client and what its callbacks have seen.
struct Client {
  mosquitto* mosq = nullptr;
  std::string host;
  int port = 1883;
  int keep_alive = 60;
  int connack = -1;  ///< the CONNACK's code; -1 while waiting
  bool connected = false;
  std::set<int> completed;  ///< message ids whose publish completed

  ~Client() {
    if (mosq) {
      if (connected) mosquitto_disconnect(mosq);
      mosquitto_destroy(mosq);
    }
  }

  /// Runs the network loop until `done` or the deadline; an error message
  /// when the connection fails or time runs out.
  std::optional<std::string> pump(const std::function<bool()>& done, Clock::duration timeout) {
    auto deadline = Clock::now() + timeout;
    while (!done()) {
      if (Clock::now() >= deadline) return std::string("timed out waiting for the MQTT broker");
      int rc = mosquitto_loop(mosq, 100, 1);
      if (rc != MOSQ_ERR_SUCCESS && !done()) {
        connected = false;
        return std::string(mosquitto_strerror(rc));
      }
    }
    return std::nullopt;
  }

  /// Connects (or reconnects) and waits for the CONNACK.
  std::optional<std::string> connect(bool again) {
    connack = -1;
    int rc =
        again ? mosquitto_reconnect(mosq) : mosquitto_connect(mosq, host.c_str(), port, keep_alive);
    if (rc != MOSQ_ERR_SUCCESS)
      return rc == MOSQ_ERR_ERRNO ? std::string(strerror(errno)) : mosquitto_strerror(rc);
    if (auto e = pump([this] { return connack >= 0; }, kConnectTimeout)) return e;
    if (connack != 0) return std::string(mosquitto_connack_string(connack));
    connected = true;
    return std::nullopt;
  }
};

void on_connect(mosquitto*, void* obj, int rc) { static_cast<Client*>(obj)->connack = rc; }
void on_disconnect(mosquitto*, void* obj, int) { static_cast<Client*>(obj)->connected = false; }
void on_publish(mosquitto*, void* obj, int mid) {
  static_cast<Client*>(obj)->completed.insert(mid);
}

struct MqttHost {
  explicit MqttHost(std::shared_ptr<const SpinHostContext> c)
      : context(std::move(c)), connections("fermyon:spin/mqtt.connection") {}
  std::shared_ptr<const SpinHostContext> context;
  HostResourceTable<std::unique_ptr<Client>> connections;
};

/// A connected client for `address`, or the WIT error.
std::variant<std::unique_ptr<Client>, ComponentValue> open(const std::string& address,
                                                           const std::string& username,
                                                           const std::string& password,
                                                           uint64_t keep_alive) {
  static std::once_flag init;
  std::call_once(init, [] { mosquitto_lib_init(); });
  auto url = parse_service_url(address);
  if (!url || url->scheme != "mqtt") return error(kInvalidAddress);
  auto client = std::make_unique<Client>();
  client->host = url->host;
  client->port = url->port.value_or(1883);
  // libmosquitto takes 5..65535 seconds, or 0 for none.
  client->keep_alive = keep_alive == 0 ? 0 : int(std::clamp<uint64_t>(keep_alive, 5, 65535));
  std::optional<std::string> id = url->query_param("client_id");
  client->mosq = mosquitto_new(id && !id->empty() ? id->c_str() : nullptr, true, client.get());
  if (!client->mosq) return other("cannot make an MQTT client");
  mosquitto_connect_callback_set(client->mosq, on_connect);
  mosquitto_disconnect_callback_set(client->mosq, on_disconnect);
  mosquitto_publish_callback_set(client->mosq, on_publish);
  if (!username.empty())
    mosquitto_username_pw_set(client->mosq, username.c_str(),
                              password.empty() ? nullptr : password.c_str());
  if (auto e = client->connect(false)) return failed(*e);
  return client;
}

/// Defines `name`@`version`; `async`: its functions are `async func`s
/// (spin:mqtt@3.0.0).
void define_version(ComponentLinker& linker, const std::shared_ptr<MqttHost>& host,
                    const std::string& name, const std::string& version, bool async) {
  ValueTypePtr payload = wit::list(wit::u8());
  ValueTypePtr error_type = wit::variant({{"invalid-address", nullptr},
                                          {"too-many-connections", nullptr},
                                          {"connection-failed", wit::string()},
                                          {"other", wit::string()}});
  ValueTypePtr qos = wit::enumeration({"at-most-once", "at-least-once", "exactly-once"});
  ResourceTypePtr connection = host->connections.type();

  HostInterface iface(name, version);
  iface.resource("connection", connection);
  iface.type("error", error_type);
  iface.type("payload", payload);
  iface.type("qos", qos);
  iface.static_function(
      "connection", "open",
      wit::async_if(wit::func({{"address", wit::string()},
                               {"username", wit::string()},
                               {"password", wit::string()},
                               {"keep-alive-interval-in-secs", wit::u64()}},
                              wit::result(wit::own(connection), error_type)),
                    async),
      [host](Store&, std::span<const ComponentValue> a) -> HostReturn {
        const std::string& address = a[0].as_string();
        if (!may_reach(*host->context, address))
          return failed("address " + address + " is not permitted");
        auto made = open(address, a[1].as_string(), a[2].as_string(), a[3].as_unsigned());
        if (auto* e = std::get_if<ComponentValue>(&made)) return std::move(*e);
        auto handle =
            host->connections.insert_own(std::move(std::get<std::unique_ptr<Client>>(made)));
        if (!handle) return error(kTooManyConnections);
        return val::ok(std::move(*handle));
      });
  iface.method("connection", "publish",
               wit::async_if(wit::func({{"self", wit::borrow(connection)},
                                        {"topic", wit::string()},
                                        {"payload", payload},
                                        {"qos", qos}},
                                       wit::result(nullptr, error_type)),
                             async),
               [host](Store&, std::span<const ComponentValue> a) -> HostReturn {
                 FLINT_ASSIGN(std::unique_ptr<Client> * found, host->connections.get(a[0]));
                 Client& c = **found;
                 if (!c.connected) {
                   if (auto e = c.connect(true)) return failed(*e);
                 }
                 std::vector<uint8_t> body = val::to_bytes(a[2]);
                 int qos_level = int(a[3].as_case().index);
                 int mid = 0;
                 int rc = mosquitto_publish(c.mosq, &mid, a[1].as_string().c_str(),
                                            int(body.size()), body.data(), qos_level, false);
                 if (rc == MOSQ_ERR_NO_CONN) {
                   if (auto e = c.connect(true)) return failed(*e);
                   rc = mosquitto_publish(c.mosq, &mid, a[1].as_string().c_str(), int(body.size()),
                                          body.data(), qos_level, false);
                 }
                 if (rc != MOSQ_ERR_SUCCESS) return other(mosquitto_strerror(rc));
                 if (auto e = c.pump([&] { return c.completed.count(mid) > 0; }, kPublishTimeout))
                   return other(*e);
                 c.completed.erase(mid);
                 return val::ok();
               });
  define(linker, iface);
}

}  // namespace

void define_mqtt(ComponentLinker& linker, const std::shared_ptr<const SpinHostContext>& context) {
  auto host = std::make_shared<MqttHost>(context);
  linker.renew_with_each_store(host->connections.clearer());
  define_version(linker, host, "fermyon:spin/mqtt", "2.0.0", false);
  define_version(linker, host, "spin:mqtt/mqtt", "3.0.0", true);
}

}  // namespace flint::spinhost
