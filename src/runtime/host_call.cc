#include "runtime/host_call.h"

#include "runtime/stack_limit.h"

namespace flint {

namespace {

// `n` elements on the native stack when few (nearly every call), on the
// heap otherwise: a call across the seam allocates nothing in the common case.
template <typename T>
class CallBuffer {
 public:
  explicit CallBuffer(size_t n) {
    if (n > kInline) heap_.resize(n);
  }
  T* data() { return heap_.empty() ? inline_ : heap_.data(); }

 private:
  static constexpr size_t kInline = 16;
  T inline_[kInline] = {};
  std::vector<T> heap_;
};

}  // namespace

Status call_host_function(FuncInst& func, ExecutionState& exec, InstanceImpl* caller,
                          uint64_t* slots) {
  const FuncType& type = func.type;
  size_t np = type.params.size(), nr = type.results.size();
  CallBuffer<Value> buffer(np + nr);  // arguments, then results
  Value* values = buffer.data();
  for (size_t i = 0, at = 0; i < np; at += slot_count(type.params[i]), ++i)
    values[i] = load_value(type.params[i], slots + at);
  for (size_t i = 0; i < nr; ++i) values[np + i] = Value::zero(type.results[i]);
  Caller context(exec.store, caller);
  Status status =
      func.host(context, std::span<const Value>(values, np), std::span<Value>(values + np, nr));
  if (!status) {
    Error error = std::move(status).error();
    if (error.phase() != Phase::Trap && error.phase() != Phase::Exhaustion &&
        error.code != ErrorCode::ProcExit)
      error = make_error(ErrorCode::HostTrap, error.message());
    return error;
  }
  for (size_t i = 0, at = 0; i < nr; at += slot_count(type.results[i]), ++i) {
    Value v = values[np + i];
    v.type = type.results[i];  // stored by the declared type
    store_value(v, slots + at);
  }
  return {};
}

Result<std::vector<Value>> call_with_values(FuncInst& func, ExecutionState& exec,
                                            InstanceImpl* caller, std::span<const Value> args) {
  const FuncType& type = func.type;
  if (exec.depth == 0) {
    // A call from the host with no wasm running: a new budget, a new stack bound.
    exec.native_stack_limit = exec.stack_floor
                                  ? fiber_stack_limit(exec.config.max_stack_bytes, exec.stack_floor)
                                  : native_stack_limit(exec.config.max_stack_bytes);
    // A fiber's calls run inside the host call that drives the event loop
    // (fiber.h, begin_host_call): one budget for all of them.
    if (!exec.stack_floor) exec.start_fuel_budget();
    exec.backtrace.clear();
  } else if (reinterpret_cast<uintptr_t>(__builtin_frame_address(0)) < exec.native_stack_limit) {
    return make_error(ErrorCode::CallStackExhausted);
  }
  CallBuffer<uint64_t> buffer(std::max(slot_count(type.params), slot_count(type.results)));
  uint64_t* slots = buffer.data();
  for (size_t i = 0, at = 0; i < args.size(); at += slot_count(type.params[i]), ++i)
    store_value(args[i], slots + at);
  ++exec.depth;
  Status status = func.entry(func, exec, caller, slots);
  --exec.depth;
  if (!status) {
    Error error = std::move(status).error();
    if (!exec.backtrace.empty() && !error.function) {
      error.function = exec.backtrace.front().function;
      if (exec.backtrace.front().offset) error.offset = *exec.backtrace.front().offset;
    }
    return error;
  }
  std::vector<Value> results;
  results.reserve(type.results.size());
  for (size_t i = 0, at = 0; i < type.results.size(); at += slot_count(type.results[i]), ++i)
    results.push_back(load_value(type.results[i], slots + at));
  return results;
}

}  // namespace flint
