// GET /variables: the component variable "message".
#include "spin_util.h"

#include <stdlib.h>

void exports_wasi_http_incoming_handler_handle(request_t request, response_out_t out) {
  wasi_http_types_incoming_request_drop_own(request);
  char error[160];
  char *message = variable("message", error, sizeof error);
  if (!message) {
    respond_str(out, 500, error);
    return;
  }
  respond_str(out, 200, message);
  free(message);
}
