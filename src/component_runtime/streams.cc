#include "component_runtime/streams.h"

#include <algorithm>
#include <cstring>

#include "canon/layout.h"
#include "canon/load_store.h"

namespace flint::component {

namespace {

// The spec's Buffer.MAX_LENGTH: a copy's progress fits in 28 bits.
constexpr uint32_t kMaxBufferLength = (1u << 28) - 1;

/// Elements whose bytes mean the same in any memory: copied as bytes.
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

}  // namespace

Result<std::unique_ptr<GuestBuffer>> GuestBuffer::make(Store& store,
                                                       std::shared_ptr<const CanonOptions> opts,
                                                       ValueTypePtr element, uint32_t ptr,
                                                       uint32_t length) {
  if (length > kMaxBufferLength)
    return make_error(ErrorCode::ComponentTrap, "buffer length exceeds the maximum");
  if (element && length > 0) {
    if (!opts->memory) return make_error(ErrorCode::ComponentTrap, "no memory option");
    const uint64_t size = canon::size_of(*element);
    if (ptr % canon::alignment_of(*element) != 0)
      return make_error(ErrorCode::ComponentTrap, "unaligned pointer");
    if (ptr + size * length > store.memory_data(*opts->memory).size())
      return make_error(ErrorCode::ComponentTrap, "pointer out of bounds");
  }
  return std::unique_ptr<GuestBuffer>(
      new GuestBuffer(store, std::move(opts), std::move(element), ptr, length));
}

Status GuestBuffer::take_from(GuestBuffer& source, uint32_t n) {
  if (element_ && n > 0) {
    const uint32_t size = canon::size_of(*element_);
    if (plain_bytes(element_)) {
      std::span<uint8_t> from = store_.memory_data(*source.opts_->memory);
      std::span<uint8_t> to = store_.memory_data(*opts_->memory);
      std::memmove(to.data() + ptr_, from.data() + source.ptr_, size_t(size) * n);
    } else {
      canon::CallScope from_scope, to_scope;
      std::optional<StoreMemory> from_memory, to_memory;
      canon::CallContext from = source.opts_->context(store_, from_scope, from_memory);
      canon::CallContext to = opts_->context(store_, to_scope, to_memory);
      for (uint32_t i = 0; i < n; ++i) {
        FLINT_ASSIGN(ComponentValue v, canon::load(from, *element_, source.ptr_ + i * size));
        opts_->instance->may_leave = false;
        Status stored = canon::store(to, v, *element_, ptr_ + i * size);
        opts_->instance->may_leave = true;
        FLINT_TRY(std::move(stored));
      }
    }
    ptr_ += size * n;
    source.ptr_ += size * n;
  }
  progress_ += n;
  source.progress_ += n;
  return {};
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
}

Status SharedChannel::copy(bool reading, GuestBuffer& buffer, OnCopy on_copy, OnCopyDone on_done) {
  if (dropped_) {
    on_done(CopyResult::Dropped);
    return {};
  }
  if (!pending_) {
    pending_ = &buffer;
    pending_reading_ = reading;
    pending_on_copy_ = std::move(on_copy);
    pending_on_done_ = std::move(on_done);
    return {};
  }
  if (pending_->instance() == buffer.instance() && !plain_bytes(element_))
    return make_error(ErrorCode::ComponentTrap,
                      future_ ? "cannot read from and write to intra-component future"
                              : "cannot read from and write to intra-component stream");
  GuestBuffer& reader = reading ? buffer : *pending_;
  GuestBuffer& writer = reading ? *pending_ : buffer;
  if (future_) {
    FLINT_TRY(reader.take_from(writer, 1));
    notify_pending(CopyResult::Completed);
    on_done(CopyResult::Completed);
    return {};
  }
  if (pending_->remain() > 0) {
    if (buffer.remain() > 0) {
      FLINT_TRY(reader.take_from(writer, std::min(buffer.remain(), pending_->remain())));
      pending_on_copy_([this] { reset_pending(); });
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
