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
#include <span>
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

/// The elements of one copy (the spec's Buffer): `length` slots, `progress`
/// of them done, in a guest's memory (GuestBuffer) or the host's
/// (HostBuffer, host_channels.h): a copy moves elements between any two.
class CopyBuffer {
 public:
  virtual ~CopyBuffer() = default;

  uint32_t remain() const { return length_ - progress_; }
  bool zero_length() const { return length_ == 0; }
  uint32_t progress() const { return progress_; }
  uint32_t length() const { return length_; }
  const ValueTypePtr& element() const { return element_; }
  /// The instance whose memory holds the elements; null for the host's.
  virtual InstanceState* instance() const { return nullptr; }

  /// Moves `n` elements from `source` (a writer's buffer) into this one (a
  /// reader's): as bytes when they mean the same anywhere, else lifted out
  /// of one side and lowered into the other.
  Status take_from(CopyBuffer& source, uint32_t n);

 protected:
  CopyBuffer(ValueTypePtr element, uint32_t length)
      : element_(std::move(element)), length_(length) {}

  /// The bytes of the `n` elements from the current position on, for
  /// elements that plain_bytes() says are bytes anywhere.
  virtual std::span<uint8_t> raw(uint32_t n) = 0;
  /// The element `i` places after the current position, as a value.
  virtual Result<ComponentValue> load(uint32_t i) = 0;
  /// Stores `v` as the element `i` places after the current position.
  virtual Status store(uint32_t i, const ComponentValue& v) = 0;
  /// Starts over (a host buffer reused for the next copy).
  void rewind() { progress_ = 0; }
  void resize(uint32_t length) { length_ = length; }

 private:
  ValueTypePtr element_;  ///< null: elements carry no value
  uint32_t length_;
  uint32_t progress_ = 0;
};

/// Whether elements of type `t` are the same bytes in any memory (numbers,
/// or no payload at all): copied with memmove.
bool plain_bytes(const ValueTypePtr& t);

/// The elements of one copy in a guest's memory (the spec's
/// BufferGuestImpl), at `ptr`.
class GuestBuffer final : public CopyBuffer {
 public:
  /// Checks the range (alignment, bounds, the length limit) and makes it.
  /// `opts` are the options of the built-in making the copy, which the
  /// store keeps for its life: the buffer only points at them. Why not
  /// share them: the buffer lives in its end, in the instance's table, and
  /// the options hold the instance, so a copy still pending when the store
  /// goes (a trap, a deadlock) would keep the instance alive for ever.
  static Result<std::unique_ptr<GuestBuffer>> make(Store& store, const CanonOptions& opts,
                                                   ValueTypePtr element, uint32_t ptr,
                                                   uint32_t length);

  InstanceState* instance() const override { return opts_->instance.get(); }

 private:
  GuestBuffer(Store& store, const CanonOptions& opts, ValueTypePtr element, uint32_t ptr,
              uint32_t length)
      : CopyBuffer(std::move(element), length), store_(store), opts_(&opts), ptr_(ptr) {}

  std::span<uint8_t> raw(uint32_t n) override;
  Result<ComponentValue> load(uint32_t i) override;
  Status store(uint32_t i, const ComponentValue& v) override;
  /// The guest address of the element `i` places after the current position.
  uint32_t address(uint32_t i) const;

  Store& store_;
  const CanonOptions* opts_;
  uint32_t ptr_;
};

/// Tells a copy's end what happened: elements moved (`reclaim` ends the
/// partner's hold on the buffer), or the copy ended with a result.
using OnCopy = std::function<void(std::function<void()> reclaim)>;
using OnCopyDone = std::function<void(CopyResult)>;

/// The channel a stream's two ends share (the spec's SharedStreamImpl);
/// futures use it too with one-element buffers.
class SharedChannel : public std::enable_shared_from_this<SharedChannel> {
 public:
  SharedChannel(ValueTypePtr element, bool future)
      : element_(std::move(element)), future_(future) {}

  const ValueTypePtr& element() const { return element_; }
  bool future() const { return future_; }
  bool dropped() const { return dropped_; }

  /// A read (`reading`) or write with `buffer`: meets the pending copy of
  /// the other end, or becomes the pending one.
  Status copy(bool reading, CopyBuffer& buffer, OnCopy on_copy, OnCopyDone on_done);
  /// A host writer's hook (host_channels.h): called when a read of up to
  /// `wanted` elements finds no write waiting, so the host can produce
  /// elements for it then.
  using ReadPending = std::function<Status(SharedChannel&, uint32_t wanted)>;
  void on_read_pending(ReadPending hook) { read_pending_ = std::move(hook); }
  /// A host end's hook: called once, when either end is dropped (a host
  /// writer learns that its reader went away).
  void on_drop(std::function<void()> hook) { drop_hook_ = std::move(hook); }
  /// Ends the pending copy with CANCELLED.
  void cancel();
  /// Ends the pending copy with COMPLETED, whatever it moved so far (a
  /// host writer answering a zero-length read: the stream is ready).
  void complete_pending() { notify_pending(CopyResult::Completed); }
  /// How many elements the host's own pending read still takes (0: the
  /// pending copy, if any, is not a host read).
  uint32_t host_read_waiting() const {
    return pending_ && pending_reading_ && !pending_->instance() ? pending_->remain() : 0;
  }
  /// How many elements the pending copy still reads, when it is a read
  /// (guest's or host's); std::nullopt when no read is pending.
  std::optional<uint32_t> read_waiting() const {
    if (!pending_ || !pending_reading_) return std::nullopt;
    return pending_->remain();
  }
  /// One end dropped: the pending copy (the other end's) ends with DROPPED.
  void drop();

 private:
  void reset_pending();
  void notify_pending(CopyResult result);

  ValueTypePtr element_;
  bool future_;
  bool dropped_ = false;
  bool pending_reading_ = false;
  CopyBuffer* pending_ = nullptr;
  OnCopy pending_on_copy_;
  OnCopyDone pending_on_done_;
  ReadPending read_pending_;
  std::function<void()> drop_hook_;
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
