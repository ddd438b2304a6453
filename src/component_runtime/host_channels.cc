// The host's ends of streams and futures (host_channels.h).
#include "component_runtime/host_channels.h"

#include <algorithm>
#include <bit>

#include "canon/layout.h"

namespace flint::component {

namespace {

/// How many elements one host read of a guest's stream takes at most: a
/// guest writing more sees a partial write and writes the rest next.
constexpr uint32_t kHostReadChunk = 64 * 1024;

}  // namespace

// ---- buffers ----------------------------------------------------------------

HostBuffer::HostBuffer(ValueTypePtr element, uint32_t capacity)
    : CopyBuffer(std::move(element), capacity) {
  if (!this->element()) return;
  if (plain_bytes(this->element()))
    bytes_.resize(size_t(element_size()) * capacity);
  else
    values_.resize(capacity);
}

std::unique_ptr<HostBuffer> HostBuffer::of_bytes(ValueTypePtr element, std::vector<uint8_t> bytes) {
  auto b = std::make_unique<HostBuffer>(std::move(element), 0);
  b->resize(uint32_t(bytes.size() / b->element_size()));
  b->bytes_ = std::move(bytes);
  return b;
}

std::unique_ptr<HostBuffer> HostBuffer::of_values(ValueTypePtr element,
                                                  std::vector<ComponentValue> values) {
  auto b = std::make_unique<HostBuffer>(std::move(element), 0);
  // A future of no payload still carries one (empty) element.
  b->resize(b->element() ? uint32_t(values.size()) : 1);
  b->values_ = std::move(values);
  return b;
}

uint32_t HostBuffer::element_size() const { return element() ? canon::size_of(*element()) : 1; }

std::span<const uint8_t> HostBuffer::bytes() const {
  return std::span<const uint8_t>(bytes_).first(
      std::min(bytes_.size(), size_t(progress()) * element_size()));
}

std::span<const ComponentValue> HostBuffer::values() const {
  return std::span<const ComponentValue>(values_).first(
      std::min(values_.size(), size_t(progress())));
}

std::span<uint8_t> HostBuffer::raw(uint32_t n) {
  const size_t size = element_size();
  return std::span<uint8_t>(bytes_).subspan(size * progress(), size * n);
}

Result<ComponentValue> HostBuffer::load(uint32_t i) { return values_.at(progress() + i); }

Status HostBuffer::store(uint32_t i, const ComponentValue& v) {
  values_.at(progress() + i) = v;
  return {};
}

// ---- values -----------------------------------------------------------------

ComponentValue channel_value(const std::shared_ptr<SharedChannel>& channel) {
  return ComponentValue{channel->future() ? TypeKind::Future : TypeKind::Stream,
                        SharedValue{channel}};
}

std::shared_ptr<SharedChannel> channel_of(const ComponentValue& value) {
  const auto* shared = std::get_if<SharedValue>(&value.payload);
  if (!shared || (value.kind != TypeKind::Stream && value.kind != TypeKind::Future)) return nullptr;
  return std::static_pointer_cast<SharedChannel>(shared->object);
}

// ---- a stream the host reads ------------------------------------------------

namespace {

/// A host reader's state, held by the callbacks of its pending read (never
/// by its own channel's owner: the channel holds it, not the other way).
struct StreamReader : std::enable_shared_from_this<StreamReader> {
  std::weak_ptr<SharedChannel> channel;
  HostBuffer buffer;
  SinkWrite on_bytes;
  std::function<void()> on_end;
  /// The loop that runs the sink's waits; null when it never waits.
  Store* store = nullptr;
  /// Bytes the sink has not taken yet: the read is re-armed once it has.
  std::vector<uint8_t> backlog;
  bool ended = false;

  StreamReader(ValueTypePtr element) : buffer(std::move(element), kHostReadChunk) {}

  void finish() {
    if (ended) return;
    ended = true;
    std::function<void()> end = std::move(on_end);
    end();
  }

  /// What became of the bytes offered to the sink.
  enum class Outcome { Taken, Stopped, Waiting };

  /// Offers `bytes` to the sink; what it leaves waits in the backlog, and
  /// a watch offers it again.
  Outcome offer(std::span<const uint8_t> bytes) {
    if (bytes.empty()) return Outcome::Taken;
    SinkResult r = on_bytes(bytes);
    if (r.stop) return Outcome::Stopped;
    if (r.taken >= bytes.size()) return Outcome::Taken;
    if (!r.wait || !store) return Outcome::Stopped;  // a sink that cannot go on
    backlog.assign(bytes.begin() + ptrdiff_t(r.taken), bytes.end());
    auto self = shared_from_this();
    Scheduler::of(*store).watch(*r.wait, [self] { return self->flush(); });
    return Outcome::Waiting;
  }

  /// Hands what arrived to the host.
  Outcome deliver() {
    Outcome o = offer(buffer.bytes());
    buffer.clear();
    return o;
  }

  /// Offers the backlog again; once the sink took it all, reads on.
  Status flush() {
    std::vector<uint8_t> rest = std::move(backlog);
    backlog.clear();
    switch (offer(rest)) {
      case Outcome::Taken: return read();
      case Outcome::Stopped: stop(); return {};
      case Outcome::Waiting: return {};
    }
    return {};
  }

  /// Waits (pending) for the guest's next write.
  Status read() {
    std::shared_ptr<SharedChannel> c = channel.lock();
    if (!c) return {};
    auto self = shared_from_this();
    // A write met this pending read: it stays pending for the next one,
    // unless the host stopped or the sink must catch up first.
    OnCopy on_copy = [self](std::function<void()> reclaim) {
      Outcome o = self->deliver();
      if (o == Outcome::Taken) return;
      reclaim();
      if (o == Outcome::Stopped) self->stop();
    };
    // This read met a write that was waiting, or the copy ended.
    OnCopyDone on_done = [self](CopyResult result) {
      if (result != CopyResult::Completed) return self->finish();
      switch (self->deliver()) {
        case Outcome::Taken: (void)self->read(); return;
        case Outcome::Stopped: self->stop(); return;
        case Outcome::Waiting: return;
      }
    };
    return c->copy(true, buffer, std::move(on_copy), std::move(on_done));
  }

  void stop() {
    if (std::shared_ptr<SharedChannel> c = channel.lock()) c->drop();
    finish();
  }
};

}  // namespace

void read_stream(Store& store, const std::shared_ptr<SharedChannel>& channel, SinkWrite on_bytes,
                 std::function<void()> on_end) {
  auto reader = std::make_shared<StreamReader>(channel->element());
  reader->channel = channel;
  reader->on_bytes = std::move(on_bytes);
  reader->on_end = std::move(on_end);
  reader->store = &store;
  // Registering a read calls nothing that can fail: no guest memory is touched
  // until a write arrives.
  (void)reader->read();
}

void read_stream(const std::shared_ptr<SharedChannel>& channel,
                 std::function<bool(std::span<const uint8_t>)> on_bytes,
                 std::function<void()> on_end) {
  auto reader = std::make_shared<StreamReader>(channel->element());
  reader->channel = channel;
  reader->on_bytes = [on_bytes = std::move(on_bytes)](std::span<const uint8_t> bytes) {
    SinkResult r;
    r.stop = !on_bytes(bytes);
    r.taken = bytes.size();
    return r;
  };
  reader->on_end = std::move(on_end);
  (void)reader->read();
}

void read_future(const std::shared_ptr<SharedChannel>& channel,
                 std::function<void(std::optional<ComponentValue>)> on_value) {
  auto buffer = std::make_shared<HostBuffer>(channel->element(), 1);
  OnCopyDone done = [buffer, on_value = std::move(on_value)](CopyResult result) {
    if (result != CopyResult::Completed) return on_value(std::nullopt);
    if (buffer->values().empty()) return on_value(ComponentValue{});
    on_value(buffer->values()[0]);
  };
  // A future's copy ends with on_done, never with on_copy.
  (void)channel->copy(true, *buffer, [](std::function<void()>) {}, std::move(done));
}

// ---- a stream the host writes -----------------------------------------------

namespace {

struct StreamSource : std::enable_shared_from_this<StreamSource> {
  ValueTypePtr element;
  SourcePull pull;
  /// The loop that runs the pull's waits.
  Store* store = nullptr;
  /// What the last read could not take.
  std::unique_ptr<HostBuffer> left;
  bool ended = false;
  /// Whether a watch will ask `pull` again.
  bool watching = false;

  Status give(SharedChannel& channel, uint32_t wanted) {
    // A guest's read takes what it can and comes back for more; the host's
    // own reader (read_stream of this stream) keeps waiting instead, so it
    // is given everything now.
    for (;;) {
      FLINT_ASSIGN(bool gave, give_once(channel, wanted));
      wanted = channel.host_read_waiting();
      if (!gave || !wanted || channel.dropped()) return {};
    }
  }

  /// Gives the waiting read what there is; false when nothing was given.
  Result<bool> give_once(SharedChannel& channel, uint32_t wanted) {
    const bool exhausted = !left || left->remain() == 0;
    if (wanted == 0) {
      // A zero-length read asks whether the stream is still open: it is,
      // unless it ended with nothing left.
      if (exhausted && ended)
        channel.drop();
      else
        channel.complete_pending();
      return false;
    }
    if (exhausted) {
      left.reset();
      if (ended) {
        channel.drop();
        return false;
      }
      SourceChunk chunk = pull(wanted);
      ended = chunk.end;
      if (chunk.wait && !chunk.end && chunk.bytes.empty() && chunk.values.empty())
        return wait_then_give(channel, *chunk.wait);
      if (plain_bytes(element))
        left = HostBuffer::of_bytes(element, std::move(chunk.bytes));
      else
        left = HostBuffer::of_values(element, std::move(chunk.values));
      if (left->remain() == 0) {
        left.reset();
        if (ended) channel.drop();
        return false;
      }
    }
    // Meets the waiting read, which takes what fits; the rest stays.
    FLINT_TRY(channel.copy(false, *left, [](std::function<void()>) {}, [](CopyResult) {}));
    return true;
  }

  /// Nothing yet: the read stays pending, and once `wait` ends, whatever
  /// read is pending then is given what `pull` has.
  Result<bool> wait_then_give(SharedChannel& channel, const HostWait& wait) {
    if (!store) return make_error(ErrorCode::HostTrap, "a host stream waits without a store");
    if (watching) return false;
    watching = true;
    std::weak_ptr<SharedChannel> weak = channel.weak_from_this();
    auto self = shared_from_this();
    Scheduler::of(*store).watch(wait, [self, weak]() -> Status {
      self->watching = false;
      std::shared_ptr<SharedChannel> c = weak.lock();
      if (!c || c->dropped()) return {};
      std::optional<uint32_t> wanted = c->read_waiting();
      if (!wanted) return {};  // the read was cancelled: the next one pulls
      return self->give(*c, *wanted);
    });
    return false;
  }
};

}  // namespace

std::shared_ptr<SharedChannel> source_stream(ValueTypePtr element, SourcePull pull, Store* store) {
  auto channel = std::make_shared<SharedChannel>(element, /*future=*/false);
  auto source = std::make_shared<StreamSource>();
  source->element = std::move(element);
  source->pull = std::move(pull);
  source->store = store;
  channel->on_read_pending(
      [source](SharedChannel& c, uint32_t wanted) { return source->give(c, wanted); });
  return channel;
}

ComponentValue ended_stream(ValueTypePtr element) {
  return channel_value(source_stream(std::move(element), [](uint32_t) {
    SourceChunk chunk;
    chunk.end = true;
    return chunk;
  }));
}

ComponentValue stream_of(ValueTypePtr element, std::vector<ComponentValue> values) {
  auto left = std::make_shared<std::vector<ComponentValue>>(std::move(values));
  // Numbers go as their bytes; a stream without payload has none to give.
  const bool plain = element && plain_bytes(element);
  ValueTypePtr type = element;
  return channel_value(source_stream(std::move(element), [left, plain, type](uint32_t) {
    // All at once: what the read cannot take stays in the source for the next.
    SourceChunk chunk;
    if (plain) {
      for (const ComponentValue& v : *left) {
        // A number's little-endian bytes, as linear memory holds it.
        uint64_t bits = 0;
        switch (type->kind) {
          case TypeKind::F32: bits = std::bit_cast<uint32_t>(v.as_f32()); break;
          case TypeKind::F64: bits = std::bit_cast<uint64_t>(v.as_f64()); break;
          case TypeKind::S8:
          case TypeKind::S16:
          case TypeKind::S32:
          case TypeKind::S64: bits = uint64_t(v.as_signed()); break;
          default: bits = v.as_unsigned(); break;
        }
        for (uint32_t i = 0; i < canon::size_of(*type); ++i)
          chunk.bytes.push_back(uint8_t(bits >> (8 * i)));
      }
    } else {
      chunk.values = std::move(*left);
    }
    left->clear();
    chunk.end = true;
    return chunk;
  }));
}

// ---- a future the host writes -----------------------------------------------

HostFuture::HostFuture(ValueTypePtr element)
    : channel_(std::make_shared<SharedChannel>(std::move(element), /*future=*/true)),
      written_(std::make_shared<bool>(false)) {}

Status HostFuture::write(ComponentValue v) const {
  if (*written_ || channel_->dropped()) return {};
  *written_ = true;
  std::vector<ComponentValue> values;
  if (channel_->element()) values.push_back(std::move(v));
  std::shared_ptr<HostBuffer> buffer =
      HostBuffer::of_values(channel_->element(), std::move(values));
  // Pending until the guest reads, unless it waits already; the callback
  // keeps the buffer alive for as long as the channel points at it.
  return channel_->copy(false, *buffer, [](std::function<void()>) {}, [buffer](CopyResult) {});
}

ComponentValue resolved_future(ValueTypePtr element, ComponentValue v) {
  HostFuture future(std::move(element));
  (void)future.write(std::move(v));
  return future.value();
}

}  // namespace flint::component
