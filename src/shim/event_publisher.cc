#include "shim/event_publisher.h"

#include <chrono>

#include "services/ttrpc/events/v1/events.pb.h"

namespace flint::shim {

namespace {

constexpr const char* kEventsService = "containerd.services.events.ttrpc.v1.Events";

}  // namespace

EventPublisher::EventPublisher(std::string address, std::string name_space)
    : name_space_(std::move(name_space)) {
  if (!address.empty()) client_ = std::make_unique<TtrpcClient>(std::move(address));
  thread_ = std::thread([this] { run(); });
}

EventPublisher::~EventPublisher() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

void EventPublisher::publish(const std::string& topic, const google::protobuf::Message& event) {
  if (!client_) return;
  containerd::services::events::ttrpc::v1::ForwardRequest request;
  auto* envelope = request.mutable_envelope();
  auto now = std::chrono::system_clock::now().time_since_epoch();
  auto nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(now).count();
  envelope->mutable_timestamp()->set_seconds(nanos / 1'000'000'000);
  envelope->mutable_timestamp()->set_nanos(static_cast<int32_t>(nanos % 1'000'000'000));
  envelope->set_namespace_(name_space_);
  envelope->set_topic(topic);
  // containerd's typeurl names its events by their full message name, with
  // no type.googleapis.com/ prefix.
  envelope->mutable_event()->set_type_url(event.GetTypeName());
  envelope->mutable_event()->set_value(event.SerializeAsString());
  {
    std::lock_guard lock(mutex_);
    queue_.push_back({request.SerializeAsString()});
  }
  changed_.notify_all();
}

void EventPublisher::flush() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [this] { return queue_.empty() && !busy_; });
}

void EventPublisher::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    changed_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;
    Queued next = std::move(queue_.front());
    queue_.pop_front();
    busy_ = true;
    lock.unlock();
    // A lost event is logged by containerd's side only; retrying forever
    // would stall every later event behind a containerd that is gone.
    (void)client_->call(kEventsService, "Forward", next.envelope);
    lock.lock();
    busy_ = false;
    changed_.notify_all();
  }
}

}  // namespace flint::shim
