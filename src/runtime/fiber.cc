#include "runtime/fiber.h"

#include <sys/mman.h>
#include <unistd.h>

#include <boost/context/fiber.hpp>
#include <boost/context/stack_context.hpp>
#include <utility>
#include <vector>

#include "runtime/engine_thread.h"
#include "runtime/execution.h"
#include "runtime/store_state.h"

namespace flint {

namespace {

// Room a fiber's stack keeps below wasm's deepest frame for host functions
// and the runtime, as native_stack_limit leaves on the OS thread's stack.
constexpr size_t kHostMargin = 512 * 1024;
// Stacks kept for reuse per OS thread: a fiber per async task must not cost
// an mmap and munmap, and blocked tasks are few at a time.
constexpr size_t kPooledStacks = 16;

/// A stack reserved (not committed: pages are used as frames reach them)
/// with an inaccessible guard page at its low end.
struct StackMemory {
  void* base = nullptr;
  size_t size = 0;
};

thread_local std::vector<StackMemory> tls_stack_pool;

/// Boost.Context's StackAllocator over pooled StackMemory.
class PooledStack {
 public:
  explicit PooledStack(size_t size) : size_(size) {}

  boost::context::stack_context allocate() {
    StackMemory m;
    auto& pool = tls_stack_pool;
    for (size_t i = 0; i < pool.size(); ++i) {
      if (pool[i].size != size_) continue;
      m = pool[i];
      pool.erase(pool.begin() + ptrdiff_t(i));
      break;
    }
    if (!m.base) {
      void* p = mmap(nullptr, size_, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
      if (p == MAP_FAILED) throw std::bad_alloc();
      mprotect(p, size_t(sysconf(_SC_PAGESIZE)), PROT_NONE);
      m = {p, size_};
    }
    boost::context::stack_context sc;
    sc.size = m.size;
    sc.sp = static_cast<char*>(m.base) + m.size;
    return sc;
  }

  void deallocate(boost::context::stack_context& sc) {
    void* base = static_cast<char*>(sc.sp) - sc.size;
    if (tls_stack_pool.size() < kPooledStacks) {
      // Pages the fiber touched are given back; the reservation stays.
      madvise(static_cast<char*>(base) + sysconf(_SC_PAGESIZE),
              sc.size - size_t(sysconf(_SC_PAGESIZE)), MADV_DONTNEED);
      tls_stack_pool.push_back({base, sc.size});
      return;
    }
    munmap(base, sc.size);
  }

 private:
  size_t size_;
};

thread_local WasmFiber* tls_current_fiber = nullptr;

}  // namespace

/// What an ExecutionState keeps for the thread of execution running now:
/// while a fiber runs, the resumer's is parked here, and while it is
/// suspended, the fiber's own.
struct ParkedThread {
  uintptr_t native_stack_limit = 0;
  uintptr_t stack_floor = 0;
  uint32_t depth = 0;
  std::unique_ptr<EngineStoreState> engine_states[2];
  EngineThreadLocals engine_locals;

  void swap_with(ExecutionState& exec) {
    std::swap(native_stack_limit, exec.native_stack_limit);
    std::swap(stack_floor, exec.stack_floor);
    std::swap(depth, exec.depth);
    for (size_t i = 0; i < 2; ++i) std::swap(engine_states[i], exec.engine_states[i]);
    std::swap(engine_locals, tls_engine_thread);
  }
};

struct WasmFiber::Impl {
  Impl(Store& s, Body b) : exec(s.internal_state().exec), body(std::move(b)) {}

  ExecutionState& exec;
  Body body;
  boost::context::fiber self;    ///< the fiber while suspended or not started
  boost::context::fiber parent;  ///< the resumer while the fiber runs
  ParkedThread parked;
  WasmFiber* outer = nullptr;  ///< the fiber current when this one was resumed
  bool started = false;
  bool finished = false;
  bool abandoning = false;

  static void rearm(const ExecutionState& exec) {
    if (engine_thread_resume_hook)
      engine_thread_resume_hook(tls_engine_thread, exec.native_stack_limit);
  }
};

void begin_host_call(Store& store) {
  ExecutionState& exec = store.internal_state().exec;
  if (exec.depth == 0 && !exec.stack_floor) exec.start_fuel_budget();
}

WasmFiber::WasmFiber(Store& store, Body body)
    : impl_(std::make_unique<Impl>(store, std::move(body))) {
  const size_t size = store.config().max_stack_bytes + kHostMargin;
  const size_t page = size_t(sysconf(_SC_PAGESIZE));
  const size_t rounded = (size + page - 1) / page * page;
  Impl* impl = impl_.get();
  impl->self = boost::context::fiber(std::allocator_arg, PooledStack(rounded),
                                     [impl, rounded, page](boost::context::fiber&& resumer) {
                                       impl->parent = std::move(resumer);
                                       // The stack ends `rounded` bytes below its top (this frame,
                                       // give or take a few bytes), guard page first; host code
                                       // keeps its margin.
                                       const auto top =
                                           reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
                                       impl->exec.stack_floor = top - rounded + page + kHostMargin;
                                       impl->body();
                                       impl->finished = true;
                                       return std::move(impl->parent);
                                     });
}

WasmFiber::~WasmFiber() {
  if (impl_->started && !impl_->finished) abandon();
}

void WasmFiber::resume() {
  Impl& f = *impl_;
  if (f.finished) return;
  f.started = true;
  f.parked.swap_with(f.exec);
  f.outer = std::exchange(tls_current_fiber, this);
  f.self = std::move(f.self).resume();
  tls_current_fiber = f.outer;
  f.parked.swap_with(f.exec);
  Impl::rearm(f.exec);
}

Status WasmFiber::suspend() {
  Impl& f = *impl_;
  f.parent = std::move(f.parent).resume();
  Impl::rearm(f.exec);
  if (f.abandoning)
    return make_error(ErrorCode::HostTrap, "the store was dropped while this thread was blocked");
  return {};
}

void WasmFiber::abandon() {
  Impl& f = *impl_;
  f.abandoning = true;
  while (f.started && !f.finished) resume();
}

bool WasmFiber::started() const { return impl_->started; }
bool WasmFiber::finished() const { return impl_->finished; }
WasmFiber* WasmFiber::current() { return tls_current_fiber; }

}  // namespace flint
