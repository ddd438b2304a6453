// flint_error_t (include/flint.h): an Error with its message and, for
// traps, the store's backtrace at the time.
#include <cstring>

#include "capi/capi.h"

using namespace flint;

namespace flint::capi {

flint_error_t* to_c(Error error) {
  auto* e = new flint_error{};
  Phase phase = error.phase();
  // Text and bytes are errors with a place worth reading; a trap's place is
  // its backtrace.
  bool in_module = phase == Phase::Parse || phase == Phase::Decode || phase == Phase::Validate;
  // The API's own usage errors read as their detail alone.
  e->message = in_module                        ? error.describe()
               : error.code == ErrorCode::Usage ? error.detail
                                                : error.message();
  e->error = std::move(error);
  return e;
}

flint_error_t* usage(std::string detail) {
  auto* e = new flint_error{};
  e->error = make_error(ErrorCode::Usage, std::move(detail));
  e->message = e->error.detail;
  return e;
}

}  // namespace flint::capi

extern "C" {

flint_error_t* flint_error_new(const char* message) {
  auto* e = new flint_error{};
  e->error = make_error(ErrorCode::HostTrap, message ? message : "");
  e->message = e->error.detail;
  return e;
}

void flint_error_delete(flint_error_t* error) { delete error; }

const char* flint_error_message(const flint_error_t* error) {
  return error ? error->message.c_str() : "";
}

flint_phase_t flint_error_phase(const flint_error_t* error) {
  return error ? flint_phase_t(error->error.phase()) : FLINT_PHASE_HOST;
}

const char* flint_error_code(const flint_error_t* error) {
  static const char* const kNames[] = {
#define FLINT_ERROR(id, phase, text) #id,
#include "flint/errors.def"
#undef FLINT_ERROR
  };
  return error ? kNames[size_t(error->error.code)] : "";
}

bool flint_error_is_trap(const flint_error_t* error) {
  return error &&
         (error->error.phase() == Phase::Trap || error->error.phase() == Phase::Exhaustion);
}

bool flint_error_exit_status(const flint_error_t* error, int* status) {
  if (!error || !error->exit_status) return false;
  if (status) *status = *error->exit_status;
  return true;
}

size_t flint_error_frame_count(const flint_error_t* error) {
  return error ? error->frames.size() : 0;
}

bool flint_error_frame(const flint_error_t* error, size_t index, flint_frame_t* out) {
  if (!error || !out || index >= error->frames.size()) return false;
  const BacktraceFrame& f = error->frames[index];
  out->func_index = f.function;
  out->func_name = f.name.c_str();
  out->has_offset = f.offset.has_value();
  out->offset = f.offset.value_or(0);
  return true;
}

}  // extern "C"

static_assert(int(FLINT_PHASE_PARSE) == int(Phase::Parse) &&
                  int(FLINT_PHASE_TRAP) == int(Phase::Trap) &&
                  int(FLINT_PHASE_HOST) == int(Phase::Host),
              "flint_phase_t numbers the phases as flint::Phase does");
