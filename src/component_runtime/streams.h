// Streams and futures (component-model CanonicalABI.md, "Buffer State",
// "Stream State", "Future State"): a shared channel between a writable and
// a readable end, each a waitable in an instance's table. A copy (read or
// write) meets the other end's pending copy and moves elements between the
// two guests' memories at once; with no partner yet it waits, pending.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "component/value.h"
#include "component/value_type.h"
#include "component_runtime/canon_options.h"
#include "component_runtime/task.h"

namespace flint::component {

/// How a copy ended (the low four bits of a stream or future event's payload).
enum class CopyResult : uint32_t { Completed = 0, Dropped = 1, Cancelled = 2 };

/// Where an end is in its copies.
enum class CopyState { Idle, SyncCopying, AsyncCopying, CancellingCopy, Done };

/// The elements of one copy in a guest's memory (the spec's
/// BufferGuestImpl): `length` slots at `ptr`, `progress` of them done.
class GuestBuffer {
 public:
  /// Checks the range (alignment, bounds, the length limit) and makes it.
  static Result<std::unique_ptr<GuestBuffer>> make(Store& store,
                                                   std::shared_ptr<const CanonOptions> opts,
                                                   ValueTypePtr element, uint32_t ptr,
                                                   uint32_t length);

  uint32_t remain() const { return length_ - progress_; }
  bool zero_length() const { return length_ == 0; }
  uint32_t progress() const { return progress_; }
  InstanceState* instance() const { return opts_->instance.get(); }

  /// Moves `n` elements from `source` (a writer's buffer) into this one (a
  /// reader's): lifted out of one memory, lowered into the other.
  Status take_from(GuestBuffer& source, uint32_t n);

 private:
  GuestBuffer(Store& store, std::shared_ptr<const CanonOptions> opts, ValueTypePtr element,
              uint32_t ptr, uint32_t length)
      : store_(store),
        opts_(std::move(opts)),
        element_(std::move(element)),
        ptr_(ptr),
        length_(length) {}

  Store& store_;
  std::shared_ptr<const CanonOptions> opts_;
  ValueTypePtr element_;  ///< null: elements carry no value
  uint32_t ptr_;
  uint32_t length_;
  uint32_t progress_ = 0;
};

/// Tells a copy's end what happened: elements moved (`reclaim` ends the
/// partner's hold on the buffer), or the copy ended with a result.
using OnCopy = std::function<void(std::function<void()> reclaim)>;
using OnCopyDone = std::function<void(CopyResult)>;

/// The channel a stream's two ends share (the spec's SharedStreamImpl);
/// futures use it too with one-element buffers.
class SharedChannel {
 public:
  SharedChannel(ValueTypePtr element, bool future)
      : element_(std::move(element)), future_(future) {}

  const ValueTypePtr& element() const { return element_; }
  bool future() const { return future_; }
  bool dropped() const { return dropped_; }

  /// A read (`reading`) or write with `buffer`: meets the pending copy of
  /// the other end, or becomes the pending one.
  Status copy(bool reading, GuestBuffer& buffer, OnCopy on_copy, OnCopyDone on_done);
  /// Ends the pending copy with CANCELLED.
  void cancel();
  /// One end dropped: the pending copy (the other end's) ends with DROPPED.
  void drop();

 private:
  void reset_pending();
  void notify_pending(CopyResult result);

  ValueTypePtr element_;
  bool future_;
  bool dropped_ = false;
  bool pending_reading_ = false;
  GuestBuffer* pending_ = nullptr;
  OnCopy pending_on_copy_;
  OnCopyDone pending_on_done_;
};

/// The AsyncValues of `instance`: stream and future ends and error
/// contexts lifted out of and lowered into its table.
std::unique_ptr<canon::AsyncValues> make_async_values(InstanceState& instance);

/// One end of a stream or future in an instance's table.
class ChannelEnd final : public Waitable {
 public:
  ChannelEnd(std::shared_ptr<SharedChannel> shared, bool readable)
      : shared_(std::move(shared)), readable_(readable) {}
  ~ChannelEnd() override;

  const std::shared_ptr<SharedChannel>& shared() const { return shared_; }
  bool readable() const { return readable_; }
  bool copying() const {
    return state == CopyState::SyncCopying || state == CopyState::AsyncCopying ||
           state == CopyState::CancellingCopy;
  }

  CopyState state = CopyState::Idle;
  /// The copy in progress's buffer (the channel points at it meanwhile).
  std::unique_ptr<GuestBuffer> buffer;

 private:
  std::shared_ptr<SharedChannel> shared_;
  bool readable_;
};

}  // namespace flint::component
