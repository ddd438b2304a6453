// GET /outbound: fetches the URL in the component variable upstream_url over
// wasi:http/outgoing-handler and returns its body.
#include "spin_util.h"

#include <stdio.h>
#include <stdlib.h>

void exports_wasi_http_incoming_handler_handle(request_t request, response_out_t out) {
  wasi_http_types_incoming_request_drop_own(request);
  char error[160];
  char *url = variable("upstream_url", error, sizeof error);
  if (!url) {
    respond_str(out, 500, error);
    return;
  }
  fetch_result_t upstream;
  fetch(url, &upstream);
  free(url);
  if (upstream.status == 0) {
    respond_str(out, 502, upstream.error);
  } else if (upstream.status != 200) {
    char message[64];
    snprintf(message, sizeof message, "upstream answered %u", upstream.status);
    respond_str(out, 502, message);
  } else {
    respond(out, 200, upstream.body, upstream.len);
  }
  free(upstream.body);
}
