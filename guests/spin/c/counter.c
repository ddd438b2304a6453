// GET /counter: increments "count" in the default key-value store
// (fermyon:spin/key-value@2.0.0) and returns it.
#include "spin_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void exports_wasi_http_incoming_handler_handle(request_t request, response_out_t out) {
  wasi_http_types_incoming_request_drop_own(request);
  spin_http_string_t label, key;
  spin_http_string_set(&label, "default");
  spin_http_string_set(&key, "count");
  fermyon_spin_2_0_0_key_value_own_store_t store;
  fermyon_spin_2_0_0_key_value_error_t err;
  if (!fermyon_spin_2_0_0_key_value_static_store_open(&label, &store, &err)) {
    char message[64];
    snprintf(message, sizeof message, "key-value open failed (error %d)", err.tag);
    respond_str(out, 500, message);
    return;
  }
  fermyon_spin_2_0_0_key_value_borrow_store_t s = fermyon_spin_2_0_0_key_value_borrow_store(store);
  long count = 0;
  spin_http_option_list_u8_t current;
  if (fermyon_spin_2_0_0_key_value_method_store_get(s, &key, &current, &err) && current.is_some) {
    char digits[32] = {0};
    size_t n = current.val.len < sizeof digits - 1 ? current.val.len : sizeof digits - 1;
    memcpy(digits, current.val.ptr, n);
    count = strtol(digits, NULL, 10);
    spin_http_list_u8_free(&current.val);
  }
  count += 1;
  char text[32];
  int len = snprintf(text, sizeof text, "%ld", count);
  spin_http_list_u8_t value = {(uint8_t *)text, (size_t)len};
  bool stored = fermyon_spin_2_0_0_key_value_method_store_set(s, &key, &value, &err);
  fermyon_spin_2_0_0_key_value_store_drop_own(store);
  if (!stored) {
    respond_str(out, 500, "key-value set failed");
    return;
  }
  respond(out, 200, text, (size_t)len);
}
