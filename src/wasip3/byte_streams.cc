// WASI 0.3's byte transfers over WASI 0.2's host streams (byte_streams.h).
#include "wasip3/byte_streams.h"

#include <poll.h>

namespace flint::wasip3 {

using namespace component;

ComponentValue write_from_stream(const std::shared_ptr<SharedChannel>& data,
                                 wasip2::OutputStream out, ValueTypePtr result_type,
                                 ErrorOf error_of) {
  HostFuture future(std::move(result_type));
  auto stream = std::make_shared<wasip2::OutputStream>(std::move(out));
  auto failure = std::make_shared<int>(0);
  read_stream(
      data,
      [stream, failure](std::span<const uint8_t> bytes) {
        *failure = wasip2::write_bytes(*stream, bytes);
        return *failure == 0;
      },
      [future, failure, error_of = std::move(error_of)] {
        (void)future.write(*failure ? val::err(error_of(*failure)) : val::ok());
      });
  return future.value();
}

ComponentValue read_to_stream(Store& store, wasip2::InputStream in, ValueTypePtr result_type,
                              ErrorOf error_of) {
  HostFuture future(std::move(result_type));
  auto stream = std::make_shared<wasip2::InputStream>(std::move(in));
  // What a read may wait for: a pipe's or terminal's descriptor (stdin),
  // an embedder's source's own; a file read at an offset never waits long.
  wasip2::SharedFd ready = stream->source       ? stream->source->ready_fd()
                           : stream->positional ? nullptr
                                                : stream->fd;
  std::shared_ptr<SharedChannel> channel = source_stream(
      wit::u8(),
      [stream, ready, future, error_of = std::move(error_of)](uint32_t max) {
        SourceChunk chunk;
        // Nothing to read yet: the loop comes back when there is, and the
        // guest's other tasks run meanwhile.
        if (ready) {
          pollfd p{ready->get(), POLLIN, 0};
          if (::poll(&p, 1, 0) == 0) {
            chunk.wait = HostWait{std::nullopt, ready->get(), POLLIN};
            return chunk;
          }
        }
        int error = 0;
        chunk.bytes = wasip2::read_some(*stream, max, error);
        if (error) {
          chunk.end = true;
          (void)future.write(val::err(error_of(error)));
        } else if (stream->closed) {
          chunk.end = true;
          (void)future.write(val::ok());
        }
        return chunk;
      },
      &store);
  // A reader that stops early has still succeeded.
  channel->on_drop([future] { (void)future.write(val::ok()); });
  return val::tuple({channel_value(channel), future.value()});
}

}  // namespace flint::wasip3
