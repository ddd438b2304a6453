// The host's ends of streams and futures: how a host function reads a
// stream a guest writes (wasi:cli/stdout's write-via-stream), writes one a
// guest reads (stdin's read-via-stream, a file's bytes, a directory's
// entries), and resolves a future (the result such a transfer reports).
//
// They meet guest ends in the same SharedChannel two guests share
// (streams.h); only the buffer differs: the host's elements live in a
// HostBuffer rather than in a guest's memory. The host answers at once:
// a guest's write into a host-read stream completes before it returns,
// and a guest's read of a host-written stream gets what the host produces
// when the read arrives (a blocking read of stdin or a file, as WASI 0.2's
// streams do), so a store needs no host event loop for them.
//
//   auto [stream, future] = ...;
//   read_stream(channel, [](std::span<const uint8_t> bytes) { ...; return true; },
//               [future] { future.write(val::ok()); });
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <vector>

#include "component_runtime/streams.h"

namespace flint::component {

/// Elements in the host's memory: a host end's side of a copy. Plain
/// elements (plain_bytes) are kept as their bytes, others as values.
class HostBuffer final : public CopyBuffer {
 public:
  /// An empty buffer a read fills with up to `capacity` elements.
  HostBuffer(ValueTypePtr element, uint32_t capacity);
  /// A buffer a write takes `bytes` from (plain elements, little-endian).
  static std::unique_ptr<HostBuffer> of_bytes(ValueTypePtr element, std::vector<uint8_t> bytes);
  /// A buffer a write takes `values` from.
  static std::unique_ptr<HostBuffer> of_values(ValueTypePtr element,
                                               std::vector<ComponentValue> values);

  /// The bytes of the elements read so far (plain elements).
  std::span<const uint8_t> bytes() const;
  /// The elements read so far (other elements).
  std::span<const ComponentValue> values() const;
  /// Empties it for the next read.
  void clear() { rewind(); }

 private:
  std::span<uint8_t> raw(uint32_t n) override;
  Result<ComponentValue> load(uint32_t i) override;
  Status store(uint32_t i, const ComponentValue& v) override;
  uint32_t element_size() const;

  std::vector<uint8_t> bytes_;
  std::vector<ComponentValue> values_;
};

/// A stream or future as a component value (what a host function returns
/// or receives for `stream<T>` / `future<T>`).
ComponentValue channel_value(const std::shared_ptr<SharedChannel>& channel);
/// The channel of such a value; null when it is not one.
std::shared_ptr<SharedChannel> channel_of(const ComponentValue& value);

/// Reads a stream<u8> whose readable end the host received until its
/// writer drops it. Each write's bytes go to `on_bytes` before the guest's
/// write returns; `on_bytes` answers false when the host can take no more
/// (a closed pipe): the host then drops its end, and the guest's next
/// write reports DROPPED. `on_end` runs once, when the writer dropped its
/// end or the host stopped reading.
void read_stream(const std::shared_ptr<SharedChannel>& channel,
                 std::function<bool(std::span<const uint8_t>)> on_bytes,
                 std::function<void()> on_end);

/// What a host sink did with the bytes it was offered: took the first
/// `taken`; with `stop`, it takes nothing more. Having taken fewer than
/// offered, it is offered the rest again once `wait` ends (a socket's
/// send buffer full: POLLOUT), and the guest's next write waits until
/// then (backpressure).
struct SinkResult {
  size_t taken = 0;
  bool stop = false;
  std::optional<HostWait> wait;
};
using SinkWrite = std::function<SinkResult(std::span<const uint8_t>)>;

/// read_stream for a sink that may not take everything at once: the rest
/// waits in the host for the sink's `wait`, run by `store`'s loop. The
/// writer dropping its end ends the stream only after the sink took all.
void read_stream(Store& store, const std::shared_ptr<SharedChannel>& channel, SinkWrite on_bytes,
                 std::function<void()> on_end);

/// Reads a future whose readable end the host received: `on_value` runs
/// once, with its value when the writer writes it (a future without a
/// payload type gives an empty value), or std::nullopt when the writer
/// dropped it unwritten.
void read_future(const std::shared_ptr<SharedChannel>& channel,
                 std::function<void(std::optional<ComponentValue>)> on_value);

/// What a host-written stream gives one read: elements (bytes for plain
/// element types, values otherwise) and whether it ends after them. A
/// chunk with nothing in it and a `wait` says "nothing yet": the read
/// stays pending, and `pull` is asked again once the wait ends (a socket
/// with no data yet: POLLIN).
struct SourceChunk {
  std::vector<uint8_t> bytes;
  std::vector<ComponentValue> values;
  bool end = false;
  std::optional<HostWait> wait;
};
/// Produces up to `max` elements for a read that is waiting.
using SourcePull = std::function<SourceChunk(uint32_t max)>;

/// A stream of `element` the host writes: whenever a guest read waits,
/// `pull` is asked for elements (what the read cannot take stays for the
/// next one); once a chunk says `end`, the host drops its end and the
/// reader sees DROPPED. Hand the channel to the guest with channel_value.
/// A pull that may answer with a `wait` needs the `store` whose loop
/// waits for it.
std::shared_ptr<SharedChannel> source_stream(ValueTypePtr element, SourcePull pull,
                                             Store* store = nullptr);

/// A stream of `element` that ends before giving anything (what a
/// transfer that could not start hands its reader).
ComponentValue ended_stream(ValueTypePtr element);

/// A stream of `element` giving `values` (as many as each read takes),
/// then ending: a result the host has whole, handed over as a stream
/// (Spin's get-keys, a query's rows).
ComponentValue stream_of(ValueTypePtr element, std::vector<ComponentValue> values);

/// A future the host writes once: give `value()` to the guest, and
/// `write` the result when it is known (the guest's read completes then,
/// or at once when it reads later). Copies share the one future.
class HostFuture {
 public:
  explicit HostFuture(ValueTypePtr element);

  ComponentValue value() const { return channel_value(channel_); }
  /// Writes `v`; a second write, or one after the reader dropped, does nothing.
  Status write(ComponentValue v) const;

 private:
  std::shared_ptr<SharedChannel> channel_;
  std::shared_ptr<bool> written_;
};

/// A future of `element` already resolved to `v`.
ComponentValue resolved_future(ValueTypePtr element, ComponentValue v);

}  // namespace flint::component
