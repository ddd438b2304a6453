#include "spin_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *dup_n(const uint8_t *p, size_t n) {
  char *s = malloc(n + 1);
  memcpy(s, p, n);
  s[n] = 0;
  return s;
}

void respond(response_out_t out, uint16_t status, const char *body, size_t len) {
  wasi_http_types_own_fields_t headers = wasi_http_types_constructor_fields();
  wasi_http_types_field_key_t key;
  spin_http_string_set(&key, "content-type");
  wasi_http_types_field_value_t value = {(uint8_t *)"text/plain", 10};
  wasi_http_types_header_error_t header_err;
  wasi_http_types_method_fields_append(wasi_http_types_borrow_fields(headers), &key, &value, &header_err);

  wasi_http_types_own_outgoing_response_t response = wasi_http_types_constructor_outgoing_response(headers);
  wasi_http_types_borrow_outgoing_response_t borrowed = wasi_http_types_borrow_outgoing_response(response);
  wasi_http_types_method_outgoing_response_set_status_code(borrowed, status);
  wasi_http_types_own_outgoing_body_t outgoing_body;
  wasi_http_types_method_outgoing_response_body(borrowed, &outgoing_body);

  wasi_http_types_result_own_outgoing_response_error_code_t result = {.is_err = false};
  result.val.ok = response;
  wasi_http_types_static_response_outparam_set(out, &result);

  wasi_http_types_own_output_stream_t stream;
  if (wasi_http_types_method_outgoing_body_write(wasi_http_types_borrow_outgoing_body(outgoing_body), &stream)) {
    wasi_io_streams_borrow_output_stream_t s = wasi_io_streams_borrow_output_stream(stream);
    size_t done = 0;
    while (done < len) {  // blocking-write-and-flush takes at most 4096 bytes
      size_t n = len - done < 4096 ? len - done : 4096;
      spin_http_list_u8_t chunk = {(uint8_t *)body + done, n};
      wasi_io_streams_stream_error_t err;
      if (!wasi_io_streams_method_output_stream_blocking_write_and_flush(s, &chunk, &err)) {
        break;
      }
      done += n;
    }
    wasi_io_streams_output_stream_drop_own(stream);
  }
  wasi_http_types_error_code_t finish_err;
  wasi_http_types_static_outgoing_body_finish(outgoing_body, NULL, &finish_err);
}

void respond_str(response_out_t out, uint16_t status, const char *body) {
  respond(out, status, body, strlen(body));
}

char *request_path(request_t request) {
  spin_http_string_t path;
  char *result;
  if (wasi_http_types_method_incoming_request_path_with_query(wasi_http_types_borrow_incoming_request(request),
                                                              &path)) {
    result = dup_n(path.ptr, path.len);
    spin_http_string_free(&path);
  } else {
    result = dup_n((const uint8_t *)"/", 1);
  }
  return result;
}

void fetch(const char *url, fetch_result_t *result) {
  memset(result, 0, sizeof *result);
  const char *rest;
  wasi_http_types_scheme_t scheme = {0};
  if (strncmp(url, "http://", 7) == 0) {
    scheme.tag = WASI_HTTP_TYPES_SCHEME_HTTP;
    rest = url + 7;
  } else if (strncmp(url, "https://", 8) == 0) {
    scheme.tag = WASI_HTTP_TYPES_SCHEME_HTTPS;
    rest = url + 8;
  } else {
    snprintf(result->error, sizeof result->error, "not an http(s) URL: %s", url);
    return;
  }
  const char *slash = strchr(rest, '/');
  size_t authority_len = slash ? (size_t)(slash - rest) : strlen(rest);
  const char *path = slash ? slash : "/";

  wasi_http_types_own_outgoing_request_t request =
      wasi_http_types_constructor_outgoing_request(wasi_http_types_constructor_fields());
  wasi_http_types_borrow_outgoing_request_t borrowed = wasi_http_types_borrow_outgoing_request(request);
  wasi_http_types_method_t method = {.tag = WASI_HTTP_TYPES_METHOD_GET};
  wasi_http_types_method_outgoing_request_set_method(borrowed, &method);
  wasi_http_types_method_outgoing_request_set_scheme(borrowed, &scheme);
  spin_http_string_t authority = {(uint8_t *)rest, authority_len};
  wasi_http_types_method_outgoing_request_set_authority(borrowed, &authority);
  spin_http_string_t path_with_query = {(uint8_t *)path, strlen(path)};
  wasi_http_types_method_outgoing_request_set_path_with_query(borrowed, &path_with_query);

  wasi_http_outgoing_handler_own_future_incoming_response_t future;
  wasi_http_outgoing_handler_error_code_t error;
  if (!wasi_http_outgoing_handler_handle(request, NULL, &future, &error)) {
    snprintf(result->error, sizeof result->error, "outgoing-handler.handle failed (error-code %d)", error.tag);
    wasi_http_types_error_code_free(&error);
    return;
  }
  wasi_http_types_borrow_future_incoming_response_t future_borrow =
      wasi_http_types_borrow_future_incoming_response(future);
  wasi_http_types_result_result_own_incoming_response_error_code_void_t got;
  while (!wasi_http_types_method_future_incoming_response_get(future_borrow, &got)) {
    wasi_io_poll_own_pollable_t ready = wasi_http_types_method_future_incoming_response_subscribe(future_borrow);
    wasi_io_poll_method_pollable_block(wasi_io_poll_borrow_pollable(ready));
    wasi_io_poll_pollable_drop_own(ready);
  }
  wasi_http_types_future_incoming_response_drop_own(future);
  if (got.is_err || got.val.ok.is_err) {
    snprintf(result->error, sizeof result->error, "the outbound request failed (error-code %d)",
             got.is_err ? -1 : got.val.ok.val.err.tag);
    if (!got.is_err) {
      wasi_http_types_error_code_free(&got.val.ok.val.err);
    }
    return;
  }
  wasi_http_types_own_incoming_response_t response = got.val.ok.val.ok;
  wasi_http_types_borrow_incoming_response_t response_borrow = wasi_http_types_borrow_incoming_response(response);
  result->status = wasi_http_types_method_incoming_response_status(response_borrow);

  wasi_http_types_own_incoming_body_t body;
  if (wasi_http_types_method_incoming_response_consume(response_borrow, &body)) {
    wasi_http_types_own_input_stream_t stream;
    if (wasi_http_types_method_incoming_body_stream(wasi_http_types_borrow_incoming_body(body), &stream)) {
      wasi_io_streams_borrow_input_stream_t s = wasi_io_streams_borrow_input_stream(stream);
      for (;;) {
        spin_http_list_u8_t chunk;
        wasi_io_streams_stream_error_t err;
        if (!wasi_io_streams_method_input_stream_blocking_read(s, 65536, &chunk, &err)) {
          break;  // closed: the whole body was read (or it failed)
        }
        result->body = realloc(result->body, result->len + chunk.len + 1);
        memcpy(result->body + result->len, chunk.ptr, chunk.len);
        result->len += chunk.len;
        spin_http_list_u8_free(&chunk);
      }
      wasi_io_streams_input_stream_drop_own(stream);
    }
    wasi_http_types_future_trailers_drop_own(wasi_http_types_static_incoming_body_finish(body));
  }
  wasi_http_types_incoming_response_drop_own(response);
  if (!result->body) {
    result->body = malloc(1);
  }
  result->body[result->len] = 0;
}

char *variable(const char *name, char *error, size_t error_len) {
  spin_http_string_t key, value;
  spin_http_string_set(&key, name);
  fermyon_spin_2_0_0_variables_error_t err;
  if (!fermyon_spin_2_0_0_variables_get(&key, &value, &err)) {
    snprintf(error, error_len, "variables.get(%s) failed (error %d)", name, err.tag);
    return NULL;
  }
  char *s = dup_n(value.ptr, value.len);
  spin_http_string_free(&value);
  return s;
}

// `wit-bindgen c --no-object-file` leaves out the object that carries the
// component type (`wasm-tools component embed` adds it instead), but the
// bindings still reference its force-link symbol.
void __component_type_object_force_link_spin_http(void) {}
