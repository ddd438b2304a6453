// Small helpers over the wit-bindgen C bindings of Spin's `spin-http` world
// (fermyon:spin@2.0.0): answering a request and making an outbound one over
// wasi:http@0.2.0. Shared by the C components of this app.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "spin_http.h"

typedef exports_wasi_http_incoming_handler_own_incoming_request_t request_t;
typedef exports_wasi_http_incoming_handler_own_response_outparam_t response_out_t;

// Sends `status` with a text/plain body of `len` bytes and consumes `out`.
void respond(response_out_t out, uint16_t status, const char *body, size_t len);
// The same for a NUL-terminated body.
void respond_str(response_out_t out, uint16_t status, const char *body);

// The request's path with its query (a malloc'd NUL-terminated string).
char *request_path(request_t request);

// GETs `url` (http://host[:port]/path) over wasi:http/outgoing-handler.
// Returns the status (0 with *error set on failure) and a malloc'd body.
typedef struct {
  uint16_t status;
  char *body;
  size_t len;
  char error[160];
} fetch_result_t;
void fetch(const char *url, fetch_result_t *result);

// A Spin variable (fermyon:spin/variables@2.0.0) as a malloc'd string, or
// NULL with a message in `error`.
char *variable(const char *name, char *error, size_t error_len);
