// PROTOCOL.md "Message Frame": length (4), stream id (4), type (1), flags
// (1), all big-endian, then `length` bytes of data.
#include "shim/ttrpc_frame.h"

#include <unistd.h>

#include <cerrno>

namespace flint::shim {

namespace {

constexpr size_t kHeaderSize = 10;

void put_u32(char* out, uint32_t value) {
  for (int i = 0; i < 4; ++i) out[i] = static_cast<char>(value >> (24 - 8 * i));
}

uint32_t get_u32(const char* in) {
  uint32_t value = 0;
  for (int i = 0; i < 4; ++i) value = value << 8 | static_cast<uint8_t>(in[i]);
  return value;
}

/// Reads exactly `size` bytes; false at end of stream or on an error.
bool read_exact(int fd, char* out, size_t size) {
  while (size > 0) {
    ssize_t got = ::read(fd, out, size);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return false;
    out += got;
    size -= static_cast<size_t>(got);
  }
  return true;
}

}  // namespace

std::string encode_frame(const Frame& frame) {
  std::string bytes(kHeaderSize, '\0');
  put_u32(bytes.data(), static_cast<uint32_t>(frame.data.size()));
  put_u32(bytes.data() + 4, frame.stream_id);
  bytes[8] = static_cast<char>(frame.type);
  bytes[9] = static_cast<char>(frame.flags);
  bytes += frame.data;
  return bytes;
}

std::optional<Frame> read_frame(int fd) {
  char header[kHeaderSize];
  if (!read_exact(fd, header, kHeaderSize)) return std::nullopt;
  uint32_t length = get_u32(header);
  if (length > kMaxFrameData) return std::nullopt;
  Frame frame;
  frame.stream_id = get_u32(header + 4);
  frame.type = static_cast<FrameType>(header[8]);
  frame.flags = static_cast<uint8_t>(header[9]);
  frame.data.resize(length);
  if (!read_exact(fd, frame.data.data(), length)) return std::nullopt;
  return frame;
}

bool write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t wrote = ::write(fd, bytes.data(), bytes.size());
    if (wrote < 0 && errno == EINTR) continue;
    if (wrote <= 0) return false;
    bytes.remove_prefix(static_cast<size_t>(wrote));
  }
  return true;
}

}  // namespace flint::shim
