// WASI 0.3's byte transfers over WASI 0.2's host streams: a guest's
// stream<u8> written into a host descriptor (cli stdout/stderr's and a
// file's write-via-stream), and a host descriptor read into a stream<u8>
// the guest reads (stdin's and a file's read-via-stream). Each reports
// its outcome in a future<result<_, error-code>>, whose error-code type
// is the interface's own.
#pragma once

#include <functional>
#include <memory>

#include "component_runtime/host_channels.h"
#include "wasip2/host.h"

namespace flint::wasip3 {

/// The interface's error-code value for a host errno.
using ErrorOf = std::function<component::ComponentValue(int host_errno)>;

/// Writes what the guest writes into `data` to `out` until it drops its
/// end; returns the future<result<_, E>> (`result_type`) that then
/// reports success, or the first failed write (after which the guest's
/// writes see the stream dropped).
component::ComponentValue write_from_stream(const std::shared_ptr<component::SharedChannel>& data,
                                            wasip2::OutputStream out,
                                            component::ValueTypePtr result_type, ErrorOf error_of);

/// The tuple<stream<u8>, future<result<_, E>>> of reading `in` to its end:
/// reads happen when the guest reads. A read of a pipe or terminal (stdin)
/// with nothing there yet waits on `store`'s loop, the guest's other tasks
/// running meanwhile; a file's reads do not wait. The future reports the
/// end (or the reader dropping the stream first) as success, a failed read
/// as its error.
component::ComponentValue read_to_stream(Store& store, wasip2::InputStream in,
                                         component::ValueTypePtr result_type, ErrorOf error_of);

}  // namespace flint::wasip3
