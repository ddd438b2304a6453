// fermyon:spin/mqtt@2.0.0 against a real Mosquitto broker: publishes at
// each QoS reach a subscriber, credentials are checked by the broker, and
// a denied address is Spin's connection-failed message.
#include "spinhost/mqtt.h"

#include <gtest/gtest.h>
#include <mosquitto.h>

#include <condition_variable>
#include <mutex>

#include "service_calls.h"
#include "services.h"

namespace flint::spinhost::testing {
namespace {

using namespace component;

constexpr const char* kMqtt = "fermyon:spin/mqtt@2.0.0";

/// A subscriber to `topic` on its own network thread.
class Subscriber {
 public:
  Subscriber(uint16_t port, const char* topic) {
    mosquitto_lib_init();
    mosq_ = mosquitto_new("flint-test-subscriber", true, this);
    mosquitto_message_callback_set(mosq_, [](mosquitto*, void* obj, const mosquitto_message* m) {
      auto* self = static_cast<Subscriber*>(obj);
      std::lock_guard lock(self->mutex_);
      self->messages_.push_back(std::string(static_cast<const char*>(m->payload), m->payloadlen));
      self->changed_.notify_all();
    });
    mosquitto_subscribe_callback_set(mosq_, [](mosquitto*, void* obj, int, int, const int*) {
      auto* self = static_cast<Subscriber*>(obj);
      std::lock_guard lock(self->mutex_);
      self->subscribed_ = true;
      self->changed_.notify_all();
    });
    topic_ = topic;
    mosquitto_connect_callback_set(mosq_, [](mosquitto* m, void* obj, int) {
      mosquitto_subscribe(m, nullptr, static_cast<Subscriber*>(obj)->topic_.c_str(), 1);
    });
    mosquitto_connect(mosq_, "127.0.0.1", port, 30);
    mosquitto_loop_start(mosq_);
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, std::chrono::seconds(10), [&] { return subscribed_; });
  }
  ~Subscriber() {
    mosquitto_disconnect(mosq_);
    mosquitto_loop_stop(mosq_, true);
    mosquitto_destroy(mosq_);
  }
  /// The messages so far, once there are `n` (or after 10 s).
  std::vector<std::string> wait_for(size_t n) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, std::chrono::seconds(10), [&] { return messages_.size() >= n; });
    return messages_;
  }

 private:
  mosquitto* mosq_;
  std::string topic_;
  std::mutex mutex_;
  std::condition_variable changed_;
  bool subscribed_ = false;
  std::vector<std::string> messages_;
};

class MqttTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new Started(start_mosquitto()); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override {
    if (!server_->service) GTEST_SKIP() << server_->why_not;
    port_ = server_->service->port();
  }
  std::string address() const {
    return "mqtt://localhost:" + std::to_string(port_) + "?client_id=spintest";
  }
  ComponentValue open(HostCalls& h, const std::string& user, const std::string& password) {
    return h.call(kMqtt, "[static]connection.open",
                  {val::string(address()), val::string(user), val::string(password), val::u64(30)});
  }

  static Started* server_;
  uint16_t port_ = 0;
};
Started* MqttTest::server_ = nullptr;

TEST_F(MqttTest, PublishesAtEachQosReachASubscriber) {
  Subscriber sub(port_, "flint/#");
  HostCalls h;
  define_mqtt(h.linker, context_allowing({"mqtt://localhost:" + std::to_string(port_)}));
  ComponentValue opened = open(h, "user", "password");
  ASSERT_EQ(case_of(opened), 0u) << case_of(payload(opened));
  const HandleValue& own = payload(opened).as_handle();
  ComponentValue self = ComponentValue::handle(TypeKind::Borrow, own.resource, own.rep);
  for (uint32_t qos : {0u, 1u, 2u}) {
    ComponentValue r =
        h.call(kMqtt, "[method]connection.publish",
               {self, val::string("flint/test"), bytes_of("message at qos " + std::to_string(qos)),
                val::enum_case(qos)});
    EXPECT_EQ(case_of(r), 0u) << "qos " << qos;
  }
  EXPECT_EQ(sub.wait_for(3),
            (std::vector<std::string>{"message at qos 0", "message at qos 1", "message at qos 2"}));
}

TEST_F(MqttTest, AnonymousClientsAreAccepted) {
  HostCalls h;
  define_mqtt(h.linker, context_allowing({"mqtt://localhost:" + std::to_string(port_)}));
  EXPECT_EQ(case_of(open(h, "", "")), 0u);
}

TEST_F(MqttTest, WrongPasswordIsConnectionFailed) {
  HostCalls h;
  define_mqtt(h.linker, context_allowing({"mqtt://localhost:" + std::to_string(port_)}));
  ComponentValue r = open(h, "user", "wrong");
  ASSERT_EQ(case_of(r), 1u);
  EXPECT_EQ(case_of(payload(r)), 2u);  // connection-failed
}

TEST_F(MqttTest, NotAllowedIsSpinsConnectionFailedMessage) {
  HostCalls h;
  define_mqtt(h.linker, context_allowing({}));
  ComponentValue r = h.call(kMqtt, "[static]connection.open",
                            {val::string("mqtt://localhost:1883?client_id=spintest"),
                             val::string("user"), val::string("password"), val::u64(30)});
  ASSERT_EQ(case_of(r), 1u);
  ASSERT_EQ(case_of(payload(r)), 2u);
  EXPECT_EQ(payload(payload(r)).as_string(),
            "address mqtt://localhost:1883?client_id=spintest is not permitted");
}

}  // namespace
}  // namespace flint::spinhost::testing

namespace flint::spinhost::testing {
namespace {

TEST_F(MqttTest, SpinMqtt3PublishesToo) {
  Subscriber sub(port_, "v3/#");
  HostCalls h;
  define_mqtt(h.linker, context_allowing({"mqtt://localhost:" + std::to_string(port_)}));
  constexpr const char* kV3 = "spin:mqtt/mqtt@3.0.0";
  ComponentValue opened =
      h.call(kV3, "[static]connection.open",
             {val::string(address()), val::string("user"), val::string("password"), val::u64(30)});
  ASSERT_EQ(case_of(opened), 0u);
  const HandleValue& own = payload(opened).as_handle();
  ComponentValue self = ComponentValue::handle(TypeKind::Borrow, own.resource, own.rep);
  EXPECT_EQ(case_of(h.call(kV3, "[method]connection.publish",
                           {self, val::string("v3/x"), bytes_of("hello"), val::enum_case(1)})),
            0u);
  EXPECT_EQ(sub.wait_for(1), (std::vector<std::string>{"hello"}));
}

}  // namespace
}  // namespace flint::spinhost::testing
