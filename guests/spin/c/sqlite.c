// GET /sqlite: creates the table visits if absent, inserts a row and returns
// the row count (fermyon:spin/sqlite@2.0.0, the default database).
#include "spin_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool run(fermyon_spin_2_0_0_sqlite_borrow_connection_t db, const char *sql,
                fermyon_spin_2_0_0_sqlite_list_value_t *params, fermyon_spin_2_0_0_sqlite_query_result_t *result,
                char *error, size_t error_len) {
  spin_http_string_t statement;
  spin_http_string_set(&statement, sql);
  fermyon_spin_2_0_0_sqlite_list_value_t none = {NULL, 0};
  fermyon_spin_2_0_0_sqlite_error_t err;
  if (!fermyon_spin_2_0_0_sqlite_method_connection_execute(db, &statement, params ? params : &none, result, &err)) {
    snprintf(error, error_len, "sqlite execute failed (error %d): %s", err.tag, sql);
    return false;
  }
  return true;
}

void exports_wasi_http_incoming_handler_handle(request_t request, response_out_t out) {
  char *path = request_path(request);
  wasi_http_types_incoming_request_drop_own(request);

  spin_http_string_t name;
  spin_http_string_set(&name, "default");
  fermyon_spin_2_0_0_sqlite_own_connection_t connection;
  fermyon_spin_2_0_0_sqlite_error_t err;
  if (!fermyon_spin_2_0_0_sqlite_static_connection_open(&name, &connection, &err)) {
    char message[64];
    snprintf(message, sizeof message, "sqlite open failed (error %d)", err.tag);
    respond_str(out, 500, message);
    free(path);
    return;
  }
  fermyon_spin_2_0_0_sqlite_borrow_connection_t db = fermyon_spin_2_0_0_sqlite_borrow_connection(connection);
  char error[200];
  fermyon_spin_2_0_0_sqlite_query_result_t result;
  fermyon_spin_2_0_0_sqlite_value_t param = {.tag = FERMYON_SPIN_2_0_0_SQLITE_VALUE_TEXT};
  param.val.text.ptr = (uint8_t *)path;
  param.val.text.len = strlen(path);
  fermyon_spin_2_0_0_sqlite_list_value_t params = {&param, 1};
  long count = -1;
  bool ok = run(db, "CREATE TABLE IF NOT EXISTS visits (id INTEGER PRIMARY KEY AUTOINCREMENT, path TEXT NOT NULL)",
                NULL, &result, error, sizeof error);
  if (ok) {
    fermyon_spin_2_0_0_sqlite_query_result_free(&result);
    ok = run(db, "INSERT INTO visits (path) VALUES (?)", &params, &result, error, sizeof error);
  }
  if (ok) {
    fermyon_spin_2_0_0_sqlite_query_result_free(&result);
    ok = run(db, "SELECT COUNT(*) FROM visits", NULL, &result, error, sizeof error);
  }
  if (ok) {
    if (result.rows.len == 1 && result.rows.ptr[0].values.len == 1 &&
        result.rows.ptr[0].values.ptr[0].tag == FERMYON_SPIN_2_0_0_SQLITE_VALUE_INTEGER) {
      count = (long)result.rows.ptr[0].values.ptr[0].val.integer;
    }
    fermyon_spin_2_0_0_sqlite_query_result_free(&result);
  }
  fermyon_spin_2_0_0_sqlite_connection_drop_own(connection);
  free(path);
  if (!ok) {
    respond_str(out, 500, error);
    return;
  }
  char text[32];
  snprintf(text, sizeof text, "%ld", count);
  respond_str(out, 200, text);
}
