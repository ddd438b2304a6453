#include "runtime/deadline_timer.h"

#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

namespace flint {

namespace {

using Clock = std::chrono::steady_clock;

class DeadlineTimer {
 public:
  DeadlineTimer() {
    std::thread([this] { run(); }).detach();
  }

  void schedule(std::atomic<uint32_t>& flag, Clock::time_point deadline) {
    std::lock_guard lock(mutex_);
    erase(flag);
    flag.store(0, std::memory_order_relaxed);
    by_flag_[&flag] = by_time_.emplace(deadline, &flag);
    wake_.notify_one();
  }

  void cancel(std::atomic<uint32_t>& flag) {
    std::lock_guard lock(mutex_);
    erase(flag);
  }

 private:
  void erase(std::atomic<uint32_t>& flag) {
    auto it = by_flag_.find(&flag);
    if (it == by_flag_.end()) return;
    by_time_.erase(it->second);
    by_flag_.erase(it);
  }

  [[noreturn]] void run() {
    std::unique_lock lock(mutex_);
    for (;;) {
      if (by_time_.empty()) {
        wake_.wait(lock);
        continue;
      }
      auto first = by_time_.begin();
      if (Clock::now() < first->first) {
        wake_.wait_until(lock, first->first);
        continue;
      }
      first->second->store(1, std::memory_order_relaxed);
      by_flag_.erase(first->second);
      by_time_.erase(first);
    }
  }

  std::mutex mutex_;
  std::condition_variable wake_;
  std::multimap<Clock::time_point, std::atomic<uint32_t>*> by_time_;
  std::map<std::atomic<uint32_t>*,
           std::multimap<Clock::time_point, std::atomic<uint32_t>*>::iterator>
      by_flag_;
};

std::atomic<DeadlineTimer*> timer{nullptr};

DeadlineTimer& started_timer() {
  static std::once_flag once;
  // Never destroyed: its thread runs until the process ends.
  std::call_once(once, [] { timer.store(new DeadlineTimer(), std::memory_order_release); });
  return *timer.load(std::memory_order_acquire);
}

}  // namespace

void schedule_deadline(std::atomic<uint32_t>& flag, Clock::time_point deadline) {
  started_timer().schedule(flag, deadline);
}

void cancel_deadline(std::atomic<uint32_t>& flag) {
  if (DeadlineTimer* t = timer.load(std::memory_order_acquire)) t->cancel(flag);
}

}  // namespace flint
