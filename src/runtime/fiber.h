// Stackful fibers for wasm code (component-model CanonicalABI.md, "Thread
// State"): a component-model thread that may block (waitable-set.wait, a
// synchronous call of an async function, backpressure) runs on a fiber of
// its own, so blocking switches to another thread of the same store on the
// same OS thread instead of holding it. Boost.Context switches the stacks.
//
// A store's ExecutionState keeps what belongs to the thread of execution
// running now (native stack bound, call depth, the interpreter's value
// stack, the engines' thread-locals); resume() and suspend() swap it with
// the fiber's, so each fiber's wasm frames, traps and stack checks are its
// own and a trap never unwinds into another fiber.
#pragma once

#include <memory>

#include "flint/result.h"
#include "flint/runtime.h"

namespace flint {

/// What a call from the host into wasm starts with (a fresh fuel budget),
/// for a host call whose wasm runs on fibers, which start none of their own.
void begin_host_call(Store& store);

class WasmFiber {
 public:
  /// What the fiber runs; returning ends the fiber.
  using Body = std::function<void()>;

  /// A fiber of `store` that will run `body` at its first resume().
  WasmFiber(Store& store, Body body);
  /// A fiber must have finished (or never started): destroying a suspended
  /// one would abandon its frames. abandon() makes a suspended one finish.
  ~WasmFiber();
  WasmFiber(const WasmFiber&) = delete;
  WasmFiber& operator=(const WasmFiber&) = delete;

  /// From outside the fiber: runs it until it suspends or finishes.
  void resume();
  /// From inside the fiber: returns to the resume() that ran it, until it is
  /// resumed again. An error when it was resumed only to finish
  /// (abandon()): the caller unwinds with it, as from a trap.
  Status suspend();
  /// From outside, on a suspended fiber: resumes it with suspend() failing,
  /// repeatedly, until its body returns.
  void abandon();

  bool started() const;
  bool finished() const;
  /// The fiber running now on this OS thread, or null on the thread's own stack.
  static WasmFiber* current();

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace flint
