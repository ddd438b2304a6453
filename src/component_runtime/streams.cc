#include "component_runtime/streams.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "canon/layout.h"
#include "canon/load_store.h"

namespace flint::component {

namespace {

// The spec's Buffer.MAX_LENGTH: a copy's progress fits in 28 bits.
constexpr uint32_t kMaxBufferLength = (1u << 28) - 1;

}  // namespace

bool plain_bytes(const ValueTypePtr& t) {
  if (!t) return true;
  switch (t->kind) {
    case TypeKind::U8:
    case TypeKind::U16:
    case TypeKind::U32:
    case TypeKind::U64:
    case TypeKind::S8:
    case TypeKind::S16:
    case TypeKind::S32:
    case TypeKind::S64:
    case TypeKind::F32:
    case TypeKind::F64: return true;
    default: return false;
  }
}

Status CopyBuffer::take_from(CopyBuffer& source, uint32_t n) {
  if (element_ && n > 0) {
    if (plain_bytes(element_)) {
      std::span<uint8_t> from = source.raw(n);
      std::span<uint8_t> to = raw(n);
      std::memmove(to.data(), from.data(), std::min(from.size(), to.size()));
    } else {
      for (uint32_t i = 0; i < n; ++i) {
        FLINT_ASSIGN(ComponentValue v, source.load(i));
        FLINT_TRY(store(i, v));
      }
    }
  }
  progress_ += n;
  source.progress_ += n;
  return {};
}

Result<std::unique_ptr<GuestBuffer>> GuestBuffer::make(Store& store, const CanonOptions& opts,
                                                       ValueTypePtr element, uint32_t ptr,
                                                       uint32_t length) {
  if (length > kMaxBufferLength)
    return make_error(ErrorCode::ComponentTrap, "buffer length exceeds the maximum");
  if (element && length > 0) {
    if (!opts.memory) return make_error(ErrorCode::ComponentTrap, "no memory option");
    const uint64_t size = canon::size_of(*element);
    if (ptr % canon::alignment_of(*element) != 0)
      return make_error(ErrorCode::ComponentTrap, "unaligned pointer");
    if (ptr + size * length > store.memory_data(*opts.memory).size())
      return make_error(ErrorCode::ComponentTrap, "pointer out of bounds");
  }
  return std::unique_ptr<GuestBuffer>(
      new GuestBuffer(store, opts, std::move(element), ptr, length));
}

uint32_t GuestBuffer::address(uint32_t i) const {
  return ptr_ + canon::size_of(*element()) * (progress() + i);
}

std::span<uint8_t> GuestBuffer::raw(uint32_t n) {
  // make() checked the whole range; memory only grows.
  return store_.memory_data(*opts_->memory).subspan(address(0), canon::size_of(*element()) * n);
}

Result<ComponentValue> GuestBuffer::load(uint32_t i) {
  canon::CallScope scope;
  std::optional<StoreMemory> memory;
  canon::CallContext cx = opts_->context(store_, scope, memory);
  return canon::load(cx, *element(), address(i));
}

Status GuestBuffer::store(uint32_t i, const ComponentValue& v) {
  canon::CallScope scope;
  std::optional<StoreMemory> memory;
  canon::CallContext cx = opts_->context(store_, scope, memory);
  // Storing may call realloc, which may not call out of the instance.
  opts_->instance->may_leave = false;
  Status stored = canon::store(cx, v, *element(), address(i));
  opts_->instance->may_leave = true;
  return stored;
}

void SharedChannel::reset_pending() {
  pending_ = nullptr;
  pending_on_copy_ = nullptr;
  pending_on_done_ = nullptr;
}

void SharedChannel::notify_pending(CopyResult result) {
  OnCopyDone done = std::move(pending_on_done_);
  reset_pending();
  if (done) done(result);
}

void SharedChannel::cancel() { notify_pending(CopyResult::Cancelled); }

void SharedChannel::drop() {
  if (dropped_) return;
  dropped_ = true;
  if (pending_) notify_pending(CopyResult::Dropped);
  if (drop_hook_) std::exchange(drop_hook_, nullptr)();
}

Status SharedChannel::copy(bool reading, CopyBuffer& buffer, OnCopy on_copy, OnCopyDone on_done) {
  if (dropped_) {
    on_done(CopyResult::Dropped);
    return {};
  }
  if (!pending_) {
    pending_ = &buffer;
    pending_reading_ = reading;
    pending_on_copy_ = std::move(on_copy);
    pending_on_done_ = std::move(on_done);
    // A host writer produces what this read waits for now, if it can.
    if (reading && read_pending_) return read_pending_(*this, buffer.remain());
    return {};
  }
  // Only between two ends in one guest: the host may pass values to itself.
  if (buffer.instance() && pending_->instance() == buffer.instance() && !plain_bytes(element_))
    return make_error(ErrorCode::ComponentTrap,
                      future_ ? "cannot read from and write to intra-component future"
                              : "cannot read from and write to intra-component stream");
  CopyBuffer& reader = reading ? buffer : *pending_;
  CopyBuffer& writer = reading ? *pending_ : buffer;
  if (future_) {
    FLINT_TRY(reader.take_from(writer, 1));
    notify_pending(CopyResult::Completed);
    on_done(CopyResult::Completed);
    return {};
  }
  if (pending_->remain() > 0) {
    if (buffer.remain() > 0) {
      FLINT_TRY(reader.take_from(writer, std::min(buffer.remain(), pending_->remain())));
      // A copy of the callback: a host reader's may end its own pending
      // copy while it runs.
      OnCopy notify = pending_on_copy_;
      notify([this] { reset_pending(); });
    }
    on_done(CopyResult::Completed);
    return {};
  }
  if (!reading && buffer.zero_length() && pending_->zero_length()) {
    on_done(CopyResult::Completed);
    return {};
  }
  notify_pending(CopyResult::Completed);
  pending_ = &buffer;
  pending_reading_ = reading;
  pending_on_copy_ = std::move(on_copy);
  pending_on_done_ = std::move(on_done);
  if (reading && read_pending_) return read_pending_(*this, buffer.remain());
  return {};
}

ChannelEnd::~ChannelEnd() = default;

namespace {

Error trap(std::string words) { return make_error(ErrorCode::ComponentTrap, std::move(words)); }

class InstanceAsyncValues final : public canon::AsyncValues {
 public:
  explicit InstanceAsyncValues(InstanceState& instance) : instance_(instance) {}

  Result<ComponentValue> lift(const ValueType& type, uint32_t index) override {
    FLINT_ASSIGN(canon::Handle * h, instance_.handles.get(index));
    if (type.kind == TypeKind::ErrorContext) {
      // An error context is shared, not moved: the sender keeps its handle.
      auto e = std::dynamic_pointer_cast<ErrorContext>(h->object);
      if (!e) return trap("handle index " + std::to_string(index) + " is not an error context");
      return ComponentValue{TypeKind::ErrorContext, SharedValue{std::move(e)}};
    }
    const bool future = type.kind == TypeKind::Future;
    const std::string noun = future ? "future" : "stream";
    auto* e = dynamic_cast<ChannelEnd*>(h->object.get());
    if (!e || !e->readable() || e->shared()->future() != future)
      return trap("handle index " + std::to_string(index) + " is not a readable " + noun + " end");
    const ValueTypePtr& have = e->shared()->element();
    if (!have != !type.element || (have && !equal(*have, *type.element)))
      return trap(noun + " used with the wrong type");
    if (e->set()) return trap("cannot lift " + noun + " while it's in a waitable set");
    if (e->state == CopyState::Done)
      return trap(future ? "cannot lift future after previous read succeeded"
                         : "cannot lift stream after being notified that the writable end dropped");
    if (e->state != CopyState::Idle) return trap("cannot remove busy " + noun);
    std::shared_ptr<SharedChannel> shared = e->shared();
    FLINT_ASSIGN(canon::Handle removed, instance_.handles.remove(index));
    return ComponentValue{type.kind, SharedValue{std::move(shared)}};
  }

  Result<uint32_t> lower(const ComponentValue& value, const ValueType& type) override {
    const auto* shared = std::get_if<SharedValue>(&value.payload);
    if (!shared || !shared->object) return trap("not a stream, future or error context value");
    canon::Handle h;
    if (type.kind == TypeKind::ErrorContext)
      h.object = std::static_pointer_cast<ErrorContext>(shared->object);
    else
      h.object = std::make_shared<ChannelEnd>(
          std::static_pointer_cast<SharedChannel>(shared->object), true);
    return instance_.handles.add(std::move(h));
  }

 private:
  InstanceState& instance_;
};

}  // namespace

std::unique_ptr<canon::AsyncValues> make_async_values(InstanceState& instance) {
  return std::make_unique<InstanceAsyncValues>(instance);
}

}  // namespace flint::component
