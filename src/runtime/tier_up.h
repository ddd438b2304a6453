// Tiering's seam between the engines (issue 16): the interpreter runs a
// module at once and reports when it becomes hot; its compiled code is then
// made elsewhere, and once it is ready each function switches to it at its
// next call. The interpreter only sees this interface (it never includes
// the compiler), and the tiered engine (src/tiered) implements it.
#pragma once

#include <atomic>
#include <cstdint>
#include <span>

#include "flint/result.h"

namespace flint {

class InstanceImpl;
struct ExecutionState;
struct FuncInst;

/// A module's faster code, ready or not, and how an instance that started
/// in the interpreter switches to it.
class TierUp {
 public:
  virtual ~TierUp() = default;

  /// Calls and loop iterations the interpreter runs, on one thread, before
  /// the module it is running when they are used up is reported hot.
  uint64_t hot_after() const { return hot_after_; }

  /// Where the module is on its way to the faster code; it only moves on.
  enum class Stage : uint8_t {
    Cold,      ///< not reported hot: the interpreter counts and tracks its frames
    Reported,  ///< reported hot, its faster code being made: nothing to count
    Ready,     ///< the faster code is ready
  };
  /// Where the module is now (an acquire: a reader that sees Ready sees the
  /// faster code too).
  Stage stage() const { return stage_.load(std::memory_order_acquire); }
  /// Whether the faster code is ready: set once, after which it stays.
  bool ready() const { return stage() == Stage::Ready; }

  /// Reports the module hot: the first report (any thread) starts the
  /// making of its faster code (heat); later ones change nothing.
  /// `long_frames`: the function indices (in the instances' function
  /// space) of this module's frames that the reporting thread has been
  /// running long, oldest first, a recursive function once per frame: those
  /// that may need to move to the faster code at a loop (enter_loop).
  void report_hot(std::span<const uint32_t> long_frames) const {
    Stage cold = Stage::Cold;
    if (stage_.compare_exchange_strong(cold, Stage::Reported, std::memory_order_acq_rel))
      heat(long_frames);
  }

  /// Gives `instance`'s defined functions the faster code: their FuncInst
  /// entries change, so every later call (from the host, another engine, a
  /// table or the interpreter's own calls) runs it; frames already running
  /// finish in the interpreter. Called on the store's thread, once ready().
  /// An error (a memory without the full reservation compiled code needs,
  /// under ulimit -v) leaves the instance interpreted, changed in nothing;
  /// its later calls try again.
  virtual Status switch_instance(InstanceImpl& instance, ExecutionState& exec) const = 0;

  /// What enter_loop did.
  enum class LoopMove : uint8_t {
    Entered,  ///< the faster code ran the rest of the call
    Refused,  ///< it cannot enter that loop: nothing ran, and never will
    Later,    ///< it cannot yet (its loop entry is still being made): ask again
  };
  /// Continues a call of `func`, function `function` of its instance
  /// (switched: its entry is the faster code's), that the interpreter is
  /// running, from the head of its loop at byte offset `loop`, with the
  /// frame's locals in `slots` (parameters first, slot_count each), to the
  /// function's end: Entered, its results then over slots[0...]; Refused or
  /// Later when nothing ran (the interpreter goes on); an error when it
  /// trapped, its frames in exec's backtrace. On-stack replacement, so that a
  /// loop running long in one call reaches the faster code.
  virtual Result<LoopMove> enter_loop(FuncInst& func, uint32_t function, ExecutionState& exec,
                                      uint64_t* slots, uint32_t loop) const = 0;

 protected:
  explicit TierUp(uint64_t hot_after) : hot_after_(hot_after) {}
  /// Starts the making of the faster code (report_hot's first report, once).
  virtual void heat(std::span<const uint32_t> long_frames) const = 0;
  /// Publishes the faster code: called once it can be switched to.
  void mark_ready() { stage_.store(Stage::Ready, std::memory_order_release); }

 private:
  uint64_t hot_after_;
  /// Changed by report_hot, which the interpreter calls on a const tier.
  mutable std::atomic<Stage> stage_{Stage::Cold};
};

}  // namespace flint
