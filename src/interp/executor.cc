#include "interp/executor.h"

#include <fmt/format.h>
#include <sys/mman.h>

#include "interp/interp_module.h"
#include "runtime/stack_limit.h"

namespace flint::interp {

namespace {
// The value stack is reserved, not committed: pages are used as frames reach them.
constexpr size_t kValueStackBytes = size_t(64) << 20;
}  // namespace

Executor::Executor(const Config& config) : config_(config) {}

Executor::~Executor() {
  if (stack_) munmap(stack_, stack_bytes_);
}

Status Executor::ensure_stack() {
  if (stack_) return {};
  void* p = mmap(nullptr, kValueStackBytes, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) return make_error(ErrorCode::OutOfMemory, "cannot reserve the value stack");
  stack_ = static_cast<uint64_t*>(p);
  stack_bytes_ = kValueStackBytes;
  ctx_.stack_limit = stack_ + stack_bytes_ / sizeof(uint64_t);
  return {};
}

void Executor::start_fuel_budget() {
  ctx_.fuel = config_.fuel ? int64_t(std::min<uint64_t>(*config_.fuel, INT64_MAX)) : INT64_MAX;
}

std::optional<uint64_t> Executor::remaining_fuel() const {
  if (!config_.fuel) return std::nullopt;
  return ctx_.fuel < 0 ? 0 : uint64_t(ctx_.fuel);
}

Result<std::vector<Value>> Executor::call(FuncInst* func, std::span<const Value> args) {
  const FuncType& type = func->type;
  if (args.size() != type.params.size())
    return make_error(ErrorCode::Usage,
                      fmt::format("function {} takes {} arguments, {} given", to_string(type),
                                  type.params.size(), args.size()));
  for (size_t i = 0; i < args.size(); ++i)
    if (args[i].type != type.params[i])
      return make_error(ErrorCode::Usage,
                        fmt::format("argument {} is {}, the function takes {}", i,
                                    to_string(args[i].type), to_string(type.params[i])));
  if (func->is_host()) {
    std::vector<Value> results;
    for (ValType t : type.results) results.push_back(Value::zero(t));
    FLINT_TRY(func->host(args, results));
    return results;
  }
  FLINT_TRY(ensure_stack());

  uint64_t* frame;
  InstanceImpl* outer_instance = ctx_.instance;
  uint64_t* outer_reentry = ctx_.reentry_base;
  if (depth_ == 0) {
    ctx_.native_limit = native_stack_limit(config_.max_stack_bytes);
    if (native_depth_ == 0) start_fuel_budget();
    backtrace_.clear();
    frame = stack_;
  } else {
    // Called back from a host function: continue above the caller's frames.
    frame = ctx_.reentry_base;
    if (reinterpret_cast<uintptr_t>(__builtin_frame_address(0)) < ctx_.native_limit)
      return make_error(ErrorCode::CallStackExhausted);
  }
  ++depth_;
  auto result = run(func, args, frame);
  --depth_;
  if (outer_instance) ctx_.enter(outer_instance);
  ctx_.reentry_base = outer_reentry;
  return result;
}

Result<std::vector<Value>> Executor::run(FuncInst* func, std::span<const Value> args,
                                         uint64_t* frame) {
  const CompiledFunction* f = func->code;
  FLINT_TRY(f->module->ensure_translated());  // lazy modules (aot) translate on first use
  if (frame + f->frame_slots > ctx_.stack_limit) return make_error(ErrorCode::CallStackExhausted);
  if (--ctx_.fuel < 0) return make_error(ErrorCode::OutOfFuel);
  uint32_t slot = 0;
  for (const Value& v : args) {
    store_value(v, frame + slot);
    slot += slot_count(v.type);
  }
  for (uint32_t i = f->param_slots; i < f->local_slots; ++i) frame[i] = 0;

  uint8_t* mem = ctx_.enter(func->instance);
  ctx_.trap.reset();
  ctx_.trap_ip = nullptr;
  ctx_.frames.clear();
  if (f->code[0].handler(f->code.data(), frame, &ctx_, mem) != 0) {
    if (ctx_.trap_ip && ctx_.frames.size() < kMaxTrapFrames)
      ctx_.frames.push_back(TrapFrame{f, ctx_.trap_ip});
    backtrace_.clear();
    for (const TrapFrame& t : ctx_.frames) {
      const Module& m = t.function->module->module();
      backtrace_.push_back(BacktraceFrame{t.function->index, m.function_name(t.function->index),
                                          t.function->wasm_offset(t.ip)});
    }
    Error error = ctx_.trap ? *ctx_.trap : make_error(ErrorCode::HostTrap);
    if (!backtrace_.empty()) {
      error.function = backtrace_.front().function;
      if (backtrace_.front().offset) error.offset = *backtrace_.front().offset;
    }
    return error;
  }
  std::vector<Value> results;
  results.reserve(func->type.results.size());
  slot = 0;
  for (ValType t : func->type.results) {
    results.push_back(load_value(t, frame + slot));
    slot += slot_count(t);
  }
  return results;
}

}  // namespace flint::interp
