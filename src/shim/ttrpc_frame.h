// ttrpc's wire format (github.com/containerd/ttrpc PROTOCOL.md): what
// containerd speaks to a shim and a shim to containerd's event service. A
// stream socket carries frames: a 10-byte big-endian header (data length,
// stream id, message type, flags) and then the data, a protobuf
// ttrpc.Request or ttrpc.Response. Every Task call is unary: one Request
// frame on a client-chosen odd stream id, one Response frame on the same id.
// No C or C++ ttrpc library exists, so this file is the whole framing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace flint::shim {

/// The message types of PROTOCOL.md, "Message Types".
enum class FrameType : uint8_t { Request = 1, Response = 2, Data = 3 };

/// The largest data a frame may carry (ttrpc's messageLengthMax, 4 MiB).
inline constexpr uint32_t kMaxFrameData = 4 << 20;

/// One frame, its header decoded.
struct Frame {
  uint32_t stream_id = 0;
  FrameType type = FrameType::Request;
  uint8_t flags = 0;
  std::string data;
};

/// The header and data of `frame`, ready to write.
std::string encode_frame(const Frame& frame);

/// Reads one whole frame from `fd`. nullopt at end of stream, on a read
/// error, or when the header announces more than kMaxFrameData: the peer is
/// then not speaking ttrpc and the connection is dropped (a frame's length
/// cannot be skipped safely without reading it).
std::optional<Frame> read_frame(int fd);

/// Writes all of `bytes` to `fd`, retrying short writes and EINTR; false
/// when the peer is gone.
bool write_all(int fd, std::string_view bytes);

}  // namespace flint::shim
