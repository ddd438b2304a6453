// GET /hello: a fixed body.
#include "spin_util.h"

void exports_wasi_http_incoming_handler_handle(request_t request, response_out_t out) {
  wasi_http_types_incoming_request_drop_own(request);
  respond_str(out, 200, "hello from c");
}
