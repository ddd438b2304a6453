// A wasi:http@0.3 service's instances, each serving many requests on its
// own thread's event loop (shared_instances.h).
#include "serve/shared_instances.h"

#include <poll.h>

#include <deque>
#include <thread>

#include "component_runtime/task.h"
#include "serve/request_instance.h"
#include "wasihttp/http03.h"
#include "wasip2/event.h"

namespace flint::serve {

using Clock = std::chrono::steady_clock;

/// A request waiting for its instance's thread.
struct SharedInstances::Queued {
  wasihttp::IncomingRequestData request;
  std::shared_ptr<wasihttp::AsyncResponseWriter> writer;
};

/// One instance's queue and counts, shared by dispatch() and its thread
/// (under SharedInstances::mutex_).
struct SharedInstances::Instance {
  std::deque<Queued> inbox;
  size_t assigned = 0;   ///< requests given to it in its life
  size_t in_flight = 0;  ///< requests given to it that have not ended (queued ones too)
  bool open = true;      ///< dispatch() may give it more
  /// Raised when the inbox gains a request or the instance is closed.
  wasip2::SharedFd wake = wasip2::new_event();
};

namespace {

/// The writer one call of `handle` gets: it passes everything on to the
/// server's writer until the exchange is over, and drops everything after,
/// so a guest abandoned by a timeout or a trap never writes into the
/// connection's next response.
class CallWriter : public wasihttp::AsyncResponseWriter {
 public:
  explicit CallWriter(std::shared_ptr<wasihttp::AsyncResponseWriter> inner)
      : inner_(std::move(inner)) {}

  void start(uint16_t status, const wasihttp::Fields& headers) override {
    if (over_) return;
    started_ = true;
    inner_->start(status, headers);
  }
  bool offer(std::span<const uint8_t> data) override { return over_ || inner_->offer(data); }
  int ready_fd() override { return over_ ? -1 : inner_->ready_fd(); }
  bool gone() override { return over_ || inner_->gone(); }
  void finish(const wasihttp::Fields* trailers) override {
    if (!over_) inner_->finish(trailers);
  }
  void done() override {
    if (over_) return;
    over_ = true;
    inner_->done();
    inner_.reset();  // the connection is not held while the guest lives on
  }

  /// Ends the exchange from outside the call: a 500 saying `why` when no
  /// response began, else the connection is cut mid-response.
  void abandon(std::string_view why) {
    if (over_) return;
    if (started_) return done();
    internal_error(*this, why);
  }
  bool over() const { return over_; }

 private:
  std::shared_ptr<wasihttp::AsyncResponseWriter> inner_;
  bool started_ = false, over_ = false;
};

}  // namespace

SharedInstances::SharedInstances(std::shared_ptr<const component::CompiledComponent> component,
                                 std::shared_ptr<const HandlerOptions> options)
    : component_(std::move(component)), options_(std::move(options)) {}

SharedInstances::~SharedInstances() {
  std::unique_lock lock(mutex_);
  closing_ = true;
  for (const auto& instance : open_) {
    instance->open = false;
    wasip2::raise_event(instance->wake);
  }
  open_.clear();
  all_ended_.wait(lock, [this] { return threads_ == 0; });
}

void SharedInstances::close_locked(Instance& instance) {
  instance.open = false;
  std::erase_if(open_, [&](const auto& i) { return i.get() == &instance; });
}

void SharedInstances::dispatch(wasihttp::IncomingRequestData request,
                               std::shared_ptr<wasihttp::AsyncResponseWriter> writer) {
  std::shared_ptr<Instance> target;
  bool fresh = false;
  {
    std::lock_guard lock(mutex_);
    if (!closing_) {
      // The first instance with room: requests pack into few instances.
      for (const auto& i : open_)
        if (i->in_flight < options_->reuse.max_concurrent) {
          target = i;
          break;
        }
      if (!target) {
        target = std::make_shared<Instance>();
        open_.push_back(target);
        ++threads_;
        fresh = true;
      }
      target->inbox.push_back({std::move(request), writer});
      ++target->assigned;
      ++target->in_flight;
      if (target->assigned >= options_->reuse.max_requests) close_locked(*target);
    }
  }
  if (!target) return internal_error(*writer, "the server is stopping");
  if (fresh)
    std::thread([this, target] { run(target); }).detach();
  else
    wasip2::raise_event(target->wake);
}

void SharedInstances::run(std::shared_ptr<Instance> instance) {
  Instance& self = *instance;
  // Requests that reached this instance and were not started: another
  // instance serves them when this one failed.
  std::deque<Queued> orphans;
  std::vector<std::shared_ptr<CallWriter>> calls;  ///< the requests in flight
  bool stop = false;

  /// A request ended (answered, cut or abandoned).
  auto ended = [&](const std::shared_ptr<CallWriter>& call) {
    std::erase(calls, call);
    std::lock_guard lock(mutex_);
    if (--self.in_flight == 0 && !self.open) stop = true;
  };
  /// The instance is done for: it serves nothing more.
  auto fail_all = [&](std::string_view why) {
    {
      std::lock_guard lock(mutex_);
      close_locked(self);
      orphans = std::move(self.inbox);
      self.inbox.clear();
      self.in_flight = 0;
    }
    for (const auto& call : std::vector(calls)) call->abandon(why);
    calls.clear();
  };

  auto r = instantiate(component_, *options_);
  if (!r) {
    log_failure(*options_, r.error(), nullptr);
    fail_all("the component could not be instantiated");
    // Not passed on: the next instance would most likely fail the same way.
    for (Queued& q : orphans) internal_error(*q.writer, "the component could not be instantiated");
    orphans.clear();
  } else {
    RequestInstance& ri = **r;
    component::Scheduler& loop = component::Scheduler::of(ri.store);
    const HandlerOptions& o = *options_;
    // With --timeout, the store's deadline moves on as long as the loop
    // gets control back: a guest that keeps it longer is interrupted (a
    // trap, ending the instance), while each request's own deadline is a
    // watch of the loop.
    std::function<Status()> heartbeat = [&] {
      ri.store.set_deadline(Clock::now() + *o.timeout);
      loop.watch({.deadline = Clock::now() + *o.timeout / 2}, heartbeat);
      return Status{};
    };
    if (o.timeout) (void)heartbeat();
    uint64_t idle_generation = 0;
    bool woken = true, armed = false;
    std::optional<Error> trap;

    auto start = [&](Queued q) -> Status {
      auto call = std::make_shared<CallWriter>(std::move(q.writer));
      calls.push_back(call);
      auto on_end = [&, call](wasihttp::Outcome out) {
        if (call->over()) return;
        answer(o, out, *call, &ri.store);
        ended(call);
        std::lock_guard lock(mutex_);
        if (self.in_flight == 0 && self.open) {
          // Idle: kept for reuse a while, then dropped.
          loop.watch({.deadline = Clock::now() + o.reuse.idle_timeout},
                     [&, generation = ++idle_generation] {
                       std::lock_guard lock(mutex_);
                       if (generation == idle_generation && self.in_flight == 0 && self.open) {
                         close_locked(self);
                         stop = true;
                       }
                       return Status{};
                     });
        }
      };
      FLINT_TRY(wasihttp::v03::start_handle(ri.store, *ri.instance, *ri.http3, std::move(q.request),
                                            call, std::move(on_end)));
      if (o.timeout)
        loop.watch({.deadline = Clock::now() + *o.timeout}, [&, call] {
          if (call->over()) return Status{};
          std::fprintf(stderr, "flint serve: %s: a request ran longer than --timeout %s\n",
                       o.name.c_str(), o.timeout_spec.c_str());
          call->abandon("the request ran longer than its time limit");
          ended(call);
          return Status{};
        });
      return {};
    };

    while (!trap) {
      if (woken) {
        woken = false;
        wasip2::clear_event(self.wake);
        std::deque<Queued> taken;
        {
          std::lock_guard lock(mutex_);
          taken.swap(self.inbox);
          if (!self.open && self.in_flight == 0) stop = true;
        }
        while (!taken.empty() && !trap) {
          Status started = start(std::move(taken.front()));
          taken.pop_front();
          // A call that cannot start leaves the instance unusable (a trap
          // in its first steps poisons it, as the spec has it).
          if (!started) trap = std::move(started).error();
        }
        // Not started because an earlier one broke the instance.
        for (Queued& q : taken) orphans.push_back(std::move(q));
        if (trap) break;
      }
      if (stop) break;
      if (!armed) {
        armed = true;
        loop.watch({.deadline = std::nullopt, .fd = self.wake->get(), .events = POLLIN}, [&] {
          armed = false;
          woken = true;
          return Status{};
        });
      }
      if (Status s = loop.run_until([&] { return woken || stop; }); !s) trap = std::move(s).error();
    }

    if (trap) {
      log_failure(o, *trap, &ri.store);
      bool interrupted = trap->code == ErrorCode::Interrupt;
      std::deque<Queued> unstarted = std::move(orphans);
      fail_all(interrupted ? "the request ran longer than its time limit" : "the guest trapped");
      for (Queued& q : unstarted) orphans.push_back(std::move(q));
    } else {
      // Let the guest finish what it does after its last response.
      for (;;) {
        Result<bool> ran = loop.tick();
        if (!ran || !*ran) break;
      }
    }
    // The instance goes with this thread's stack: its store is dropped here.
    r->reset();
  }

  // Requests it never started go to another instance.
  for (Queued& q : orphans) dispatch(std::move(q.request), std::move(q.writer));
  std::lock_guard lock(mutex_);
  if (--threads_ == 0) all_ended_.notify_all();
}

}  // namespace flint::serve
