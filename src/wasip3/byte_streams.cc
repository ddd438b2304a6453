// WASI 0.3's byte transfers over WASI 0.2's host streams (byte_streams.h).
#include "wasip3/byte_streams.h"

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

ComponentValue read_to_stream(wasip2::InputStream in, ValueTypePtr result_type, ErrorOf error_of) {
  HostFuture future(std::move(result_type));
  auto stream = std::make_shared<wasip2::InputStream>(std::move(in));
  std::shared_ptr<SharedChannel> channel =
      source_stream(wit::u8(), [stream, future, error_of = std::move(error_of)](uint32_t max) {
        SourceChunk chunk;
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
      });
  // A reader that stops early has still succeeded.
  channel->on_drop([future] { (void)future.write(val::ok()); });
  return val::tuple({channel_value(channel), future.value()});
}

}  // namespace flint::wasip3
