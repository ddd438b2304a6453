// Deadlines of stores (Store::set_deadline): one process-wide timer thread,
// started by the first deadline, sets a store's interruption flag when its
// time passes. The guest notices at its next function entry or loop head
// (Config::interruptible), so one guest is stopped without touching others
// and without a signal or a thread per store (wasmtime's epoch deadlines
// do the same job with a global counter the embedder advances).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace flint {

/// Clears `flag` and sets it to 1 once `deadline` passes, replacing an
/// earlier deadline of the same flag. Thread-safe.
void schedule_deadline(std::atomic<uint32_t>& flag, std::chrono::steady_clock::time_point deadline);
/// Forgets the deadline of `flag`, if any; after it returns the timer never
/// touches `flag` again. Thread-safe; costs nothing when no deadline was
/// ever set in the process.
void cancel_deadline(std::atomic<uint32_t>& flag);

}  // namespace flint
