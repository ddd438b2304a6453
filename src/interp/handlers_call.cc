// Call handlers (spec 4.4.8). A direct call to a function of the same module
// is the hot path: the callee's frame starts at the caller's argument slots,
// so entering it means checking the limits and zeroing its declared locals.
#include <algorithm>
#include <span>

#include "interp/call.h"
#include "interp/executor.h"
#include "interp/handlers.h"
#include "interp/interp_module.h"
#include "runtime/host_call.h"
#include "runtime/tier_up.h"

namespace flint::interp {

namespace {

// Both stacks are bounded: the value stack by its end, the native stack
// (which grows by one handler frame per wasm call) by Config::max_stack_bytes.
inline bool stack_exhausted(const ExecContext* ctx, const uint64_t* frame,
                            const CompiledFunction* f) {
  return frame + f->frame_slots > ctx->stack_limit ||
         reinterpret_cast<uintptr_t>(__builtin_frame_address(0)) < ctx->native_limit;
}

inline void zero_locals(uint64_t* frame, const CompiledFunction* f) {
  for (uint32_t i = f->param_slots; i < f->local_slots; ++i) frame[i] = 0;
}

// A callee another engine runs, or a host function: called through its
// entry with its arguments where they are (the frame holds room for its
// results too), the fuel count handed over and back.
[[gnu::noinline]] uint32_t call_through_entry(ExecContext* ctx, const Word* ip, FuncInst* callee,
                                              uint64_t* frame) {
  // The callee may call back into the interpreter: its frames start above ours.
  uint64_t* saved_reentry = ctx->reentry_base;
  ctx->reentry_base =
      frame + std::max(slot_count(callee->type.params), slot_count(callee->type.results));
  ExecutionState& exec = *ctx->exec;
  exec.fuel = ctx->fuel;
  InstanceImpl* instance = ctx->instance;
  Status status = callee->entry(*callee, exec, instance, frame);
  ctx->fuel = exec.fuel;
  ctx->reentry_base = saved_reentry;
  ctx->enter(instance);  // the callee may have grown a memory
  if (!status) [[unlikely]] {
    ctx->trap = std::move(status).error();
    ctx->trap_ip = ip;  // the callee's frames are in the store's backtrace already
    return 1;
  }
  return 0;
}

}  // namespace

uint32_t unwind(ExecContext* ctx, const Word* ip, const CompiledFunction* function) {
  if (ctx->trap_ip && ctx->frames.size() < kMaxTrapFrames)
    ctx->frames.push_back(TrapFrame{function, ctx->trap_ip});
  ctx->trap_ip = ip;
  return 1;
}

uint32_t call_function(ExecContext* ctx, const Word* ip, FuncInst* callee, uint64_t* frame,
                       uint8_t* mem) {
  if (callee->entry != call_interpreted) return call_through_entry(ctx, ip, callee, frame);
  const auto* f = static_cast<const CompiledFunction*>(callee->code.code);
  if (stack_exhausted(ctx, frame, f)) return raise(ctx, ip, ErrorCode::CallStackExhausted);
  if (--ctx->fuel < 0) return raise(ctx, ip, ErrorCode::OutOfFuel);
  zero_locals(frame, f);
  InstanceImpl* caller = ctx->instance;
  uint32_t status;
  if (callee->instance == caller) {
    status = f->code[0].handler(f->code.data(), frame, ctx, mem);
  } else {
    uint8_t* callee_mem = ctx->enter(callee->instance);
    status = f->code[0].handler(f->code.data(), frame, ctx, callee_mem);
    ctx->enter(caller);
  }
  if (status) [[unlikely]]
    return unwind(ctx, ip, f);
  return 0;
}

namespace op {

FLINT_HANDLER(call_direct) {
  const auto* f = static_cast<const CompiledFunction*>(ip[1].ptr);
  uint64_t* frame = fp + ip[2].u32[0];
  if (stack_exhausted(ctx, frame, f)) [[unlikely]]
    return raise(ctx, ip, ErrorCode::CallStackExhausted);
  if (--ctx->fuel < 0) [[unlikely]]
    return raise(ctx, ip, ErrorCode::OutOfFuel);
  zero_locals(frame, f);
  const Word* entry = f->code.data();
  if (entry->handler(entry, frame, ctx, mem)) [[unlikely]]
    return unwind(ctx, ip, f);
  FLINT_NEXT(3);
}

namespace {

// Hotness (runtime/tier_up.h), counted per thread so that no two threads
// write one cache line: every tier_check, tier_loop and tier_count spends one unit,
// and the module running when the count is used up is reported hot, as a
// sampling profiler would find it. A thread's first use only arms the count,
// with that module's hot_after().
//
// Beside the count, the frames of tiered functions this thread is running,
// as far as tier_check saw them enter (oldest first, up to kTrackedFrames):
// a frame whose fp is at or above a new one's has returned, since a callee's
// frame lies above its caller's. The report names the frames that have run
// long, whose functions' compiled code gets loop entries to move them to.
// Only fps and the reporting tier's address are compared: a tier whose
// module is gone may still be named by a stale entry, never dereferenced.
struct TrackedFrame {
  const uint64_t* fp;
  const TierUp* tier;
  uint32_t function;  ///< index in its instance's function space
  uint64_t entered;   ///< the thread's units spent when it started
};
constexpr uint32_t kTrackedFrames = 64;
/// A frame that has run this many units (calls and loop iterations) is
/// reported as long: a kernel's compress() runs about 130 a call, its run()
/// the module's whole hot_after (at least 10,000) by the report.
constexpr uint64_t kLongFrameUnits = 1000;

struct HotCount {
  int64_t left = 0;
  bool armed = false;
  int64_t armed_with = 0;     ///< left's value when the count was armed
  uint64_t spent_before = 0;  ///< units spent before the count was armed

  uint64_t spent() const { return spent_before + uint64_t(armed_with - left); }
};
[[gnu::tls_model("initial-exec")]] thread_local HotCount hot_count;

struct TrackedFrames {
  uint32_t depth = 0;
  TrackedFrame frames[kTrackedFrames];

  /// Forgets the frames at or above `fp`: they have returned.
  void pop_returned(const uint64_t* fp) {
    while (depth > 0 && frames[depth - 1].fp >= fp) --depth;
  }
};
// Not initial-exec, unlike hot_count: 2 KiB is more than the static TLS a
// library loaded later may take.
thread_local TrackedFrames tracked_frames;

[[gnu::cold, gnu::noinline]] void count_used_up(const TierUp* tier, const uint64_t* fp) {
  if (hot_count.armed) {
    // fp is the running frame's: what lies above it has returned.
    TrackedFrames& tracked = tracked_frames;
    tracked.pop_returned(fp + 1);
    uint32_t long_frames[kTrackedFrames];
    uint32_t n = 0;
    uint64_t now = hot_count.spent();
    for (uint32_t i = 0; i < tracked.depth; ++i) {
      const TrackedFrame& f = tracked.frames[i];
      if (f.tier == tier && now - f.entered >= kLongFrameUnits) long_frames[n++] = f.function;
    }
    tier->report_hot(std::span<const uint32_t>(long_frames, n));
  }
  hot_count.spent_before = hot_count.spent();
  hot_count.armed = true;
  hot_count.left = int64_t(std::min<uint64_t>(tier->hot_after(), INT64_MAX));
  hot_count.armed_with = hot_count.left;
}

/// One unit of hotness: a load, a decrement and a branch.
inline void spend_hotness_unit(const TierUp* tier, const uint64_t* fp) {
  if (--hot_count.left < 0) [[unlikely]]
    count_used_up(tier, fp);
}

/// Notes a tiered function's frame starting at `fp` (tier_check).
inline void track_frame(const TierUp* tier, const uint64_t* fp, uint32_t function) {
  TrackedFrames& tracked = tracked_frames;
  tracked.pop_returned(fp);
  if (tracked.depth < kTrackedFrames)
    tracked.frames[tracked.depth++] = TrackedFrame{fp, tier, function, hot_count.spent()};
}

}  // namespace

// tier_check [function, -] [TierUp*]: a tiered module's function entry.
// Until the module is reported hot it notes the frame and counts the call
// towards the module's hotness (a load, a decrement and a branch); while
// its compile runs it does nothing; then the instance switches (once) and
// this call, like every later one reaching the interpreted code, runs the
// compiled function in this frame: the arguments are where it reads them
// and its results go where the interpreted function's would.
FLINT_HANDLER(tier_check) {
  const auto* tier = static_cast<const TierUp*>(ip[2].ptr);
  TierUp::Stage stage = tier->stage();
  if (stage != TierUp::Stage::Ready) [[likely]] {
    if (stage == TierUp::Stage::Cold) {
      track_frame(tier, fp, ip[1].u32[0]);
      spend_hotness_unit(tier, fp);
    }
    FLINT_NEXT(3);
  }
  FuncInst* self = ctx->funcs[ip[1].u32[0]];
  if (self->entry == call_interpreted && !tier->switch_instance(*ctx->instance, *ctx->exec))
    FLINT_NEXT(3);  // stays interpreted
  if (self->entry == call_interpreted) FLINT_NEXT(3);
  if (call_through_entry(ctx, ip, self, fp)) {
    // The compiled frames are in the store's backtrace already: this
    // function's interpreted frame, which ran nothing, is not added.
    ctx->trap_ip = nullptr;
    return 1;
  }
  return 0;
}

// tier_count [TierUp*]: a tiered module's loop head where the frame cannot
// move to compiled code (tier_loop's are the others), counting the
// iteration towards the module's hotness until it is reported, so that a
// long loop makes its module hot as calls do.
FLINT_HANDLER(tier_count) {
  const auto* tier = static_cast<const TierUp*>(ip[1].ptr);
  if (tier->stage() == TierUp::Stage::Cold) spend_hotness_unit(tier, fp);
  FLINT_NEXT(2);
}

namespace {

enum class LoopMove : uint8_t { Stayed, Returned, Trapped };

// The slow path of tier_loop once the compiled code is ready: the instance
// switches (as tier_check would) and this frame continues in the
// function's loop entry, which runs it to its end. The interpreted frame
// then returns what the compiled one left in its slots.
[[gnu::cold, gnu::noinline]] LoopMove move_loop_to_compiled(ExecContext* ctx, const Word* ip,
                                                            uint64_t* fp, const TierUp* tier) {
  FuncInst* self = ctx->funcs[ip[1].u32[1]];
  if (self->entry == call_interpreted) (void)tier->switch_instance(*ctx->instance, *ctx->exec);
  if (self->entry == call_interpreted) {  // the switch failed: stays interpreted
    ctx->loop_refused = ip;
    return LoopMove::Stayed;
  }
  // The compiled code may call back into the interpreter: those frames
  // start above this one's locals and results.
  uint64_t* saved_reentry = ctx->reentry_base;
  ctx->reentry_base = fp + ip[2].u32[0];
  ExecutionState& exec = *ctx->exec;
  exec.fuel = ctx->fuel;
  InstanceImpl* instance = ctx->instance;
  Result<TierUp::LoopMove> entered = tier->enter_loop(*self, ip[1].u32[1], exec, fp, ip[1].u32[0]);
  ctx->fuel = exec.fuel;
  ctx->reentry_base = saved_reentry;
  ctx->enter(instance);
  if (!entered) [[unlikely]] {
    // The compiled frames, this function's among them, are in the store's
    // backtrace already: the interpreted frame is not added again.
    ctx->trap = std::move(entered).error();
    ctx->trap_ip = nullptr;
    return LoopMove::Trapped;
  }
  switch (*entered) {
    case TierUp::LoopMove::Entered: return LoopMove::Returned;
    case TierUp::LoopMove::Refused: ctx->loop_refused = ip; return LoopMove::Stayed;
    case TierUp::LoopMove::Later: return LoopMove::Stayed;  // the next iteration asks again
  }
  return LoopMove::Stayed;
}

}  // namespace

// tier_loop [loop offset, function] [reentry slots, -] [TierUp*]: counts as
// tier_count does until the module is reported hot; once its compiled code
// is ready, the function's frame moves to it at this loop head (on-stack
// replacement), and this handler returns as the function's own return
// would.
FLINT_HANDLER(tier_loop) {
  const auto* tier = static_cast<const TierUp*>(ip[3].ptr);
  TierUp::Stage stage = tier->stage();
  if (stage != TierUp::Stage::Ready) [[likely]] {
    if (stage == TierUp::Stage::Cold) spend_hotness_unit(tier, fp);
    FLINT_NEXT(4);
  }
  if (ip == ctx->loop_refused) FLINT_NEXT(4);
  switch (move_loop_to_compiled(ctx, ip, fp, tier)) {
    case LoopMove::Stayed: break;
    case LoopMove::Returned: return 0;
    case LoopMove::Trapped: return 1;
  }
  FLINT_NEXT(4);
}

FLINT_HANDLER(call_import) {
  if (call_function(ctx, ip, ctx->funcs[ip[1].u32[0]], fp + ip[1].u32[1], mem)) return 1;
  FLINT_NEXT(2);
}

FLINT_HANDLER(call_indirect) {
  TableInst* table = ctx->tables[ip[1].u32[1]];
  uint32_t index = uint32_t(fp[ip[2].u32[0]]);
  if (index >= table->elements.size()) return raise(ctx, ip, ErrorCode::UndefinedElement);
  auto* callee = static_cast<FuncInst*>(table->elements[index]);
  if (!callee) return raise(ctx, ip, ErrorCode::UninitializedElement);
  if (callee->type_id != ip[1].u32[0]) return raise(ctx, ip, ErrorCode::IndirectCallTypeMismatch);
  if (call_function(ctx, ip, callee, fp + ip[2].u32[1], mem)) return 1;
  FLINT_NEXT(3);
}

}  // namespace op

void restart_hotness_count() {
  op::hot_count = op::HotCount{};
  op::tracked_frames.depth = 0;
}

}  // namespace flint::interp
