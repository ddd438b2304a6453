// The host's ends of streams and futures (component_runtime/host_channels.h),
// met by a reader or writer that copies as a guest's end does: one copy at
// a time on the shared channel, each ending COMPLETED, DROPPED or pending.
#include "component_runtime/host_channels.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>

#include "component_runtime/host_interface.h"
#include "component_runtime/task.h"

namespace flint::component {
namespace {

std::vector<uint8_t> bytes_of(const std::string& s) { return {s.begin(), s.end()}; }
std::string text_of(std::span<const uint8_t> b) { return {b.begin(), b.end()}; }

/// One read as a guest makes it: up to `capacity` elements, noting how it ended.
struct Read {
  HostBuffer buffer;
  bool notified = false;  ///< a write met it while it was pending
  std::optional<CopyResult> done;

  Read(ValueTypePtr element, uint32_t capacity) : buffer(std::move(element), capacity) {}

  Status start(SharedChannel& channel) {
    return channel.copy(
        true, buffer,
        [this](std::function<void()> reclaim) {
          notified = true;
          reclaim();  // the guest took its event: the channel lets go of the buffer
        },
        [this](CopyResult r) { done = r; });
  }
  bool got_data() const { return notified || done == CopyResult::Completed; }
};

TEST(HostChannels, SourceStreamGivesWhatEachReadTakesAndKeepsTheRest) {
  std::vector<std::string> chunks = {"abc", "de"};
  size_t pulls = 0;
  auto channel = source_stream(wit::u8(), [&](uint32_t max) {
    SourceChunk c;
    c.bytes = bytes_of(chunks.at(pulls));
    c.end = ++pulls == chunks.size();
    EXPECT_GE(max, 1u);
    return c;
  });
  std::string got;
  for (int i = 0; i < 3; ++i) {
    Read r(wit::u8(), 2);
    ASSERT_TRUE(r.start(*channel));
    ASSERT_TRUE(r.got_data()) << "read " << i;
    got += text_of(r.buffer.bytes());
  }
  EXPECT_EQ(got, "abcde");
  EXPECT_EQ(pulls, 2u);
  // The source ended with nothing left: the next read sees the writer gone.
  Read last(wit::u8(), 2);
  ASSERT_TRUE(last.start(*channel));
  EXPECT_EQ(last.done, CopyResult::Dropped);
  EXPECT_EQ(last.buffer.progress(), 0u);
}

TEST(HostChannels, ZeroLengthReadOfASourceCompletesWithoutPulling) {
  size_t pulls = 0;
  auto channel = source_stream(wit::u8(), [&](uint32_t) {
    ++pulls;
    return SourceChunk{bytes_of("x"), {}, false, std::nullopt};
  });
  Read probe(wit::u8(), 0);
  ASSERT_TRUE(probe.start(*channel));
  EXPECT_EQ(probe.done, CopyResult::Completed);
  EXPECT_EQ(pulls, 0u);
}

TEST(HostChannels, SourceStreamOfValues) {
  ValueTypePtr entry = wit::record({{"name", wit::string()}});
  bool given = false;
  auto channel = source_stream(entry, [&](uint32_t) {
    SourceChunk c;
    if (!given) c.values = {val::record({val::string("a")}), val::record({val::string("b")})};
    given = c.end = true;
    return c;
  });
  Read r(entry, 8);
  ASSERT_TRUE(r.start(*channel));
  ASSERT_EQ(r.buffer.values().size(), 2u);
  EXPECT_EQ(r.buffer.values()[1].items()[0].as_string(), "b");
}

TEST(HostChannels, ReadStreamTakesEveryWriteUntilTheWriterDrops) {
  auto channel = std::make_shared<SharedChannel>(wit::u8(), false);
  std::string got;
  int ends = 0;
  read_stream(
      channel,
      [&](std::span<const uint8_t> b) {
        got += text_of(b);
        return true;
      },
      [&] { ++ends; });
  for (const char* text : {"hello", ", ", "world"}) {
    std::unique_ptr<HostBuffer> w = HostBuffer::of_bytes(wit::u8(), bytes_of(text));
    std::optional<CopyResult> done;
    ASSERT_TRUE(
        channel->copy(false, *w, [](std::function<void()>) {}, [&](CopyResult r) { done = r; }));
    EXPECT_EQ(done, CopyResult::Completed);  // the host took it before the write returned
    EXPECT_EQ(w->remain(), 0u);
  }
  EXPECT_EQ(got, "hello, world");
  EXPECT_EQ(ends, 0);
  channel->drop();
  EXPECT_EQ(ends, 1);
}

TEST(HostChannels, ReadStreamThatStopsDropsItsEnd) {
  auto channel = std::make_shared<SharedChannel>(wit::u8(), false);
  int ends = 0;
  read_stream(channel, [](std::span<const uint8_t>) { return false; }, [&] { ++ends; });
  std::unique_ptr<HostBuffer> w = HostBuffer::of_bytes(wit::u8(), bytes_of("lost"));
  ASSERT_TRUE(channel->copy(false, *w, [](std::function<void()>) {}, [](CopyResult) {}));
  EXPECT_EQ(ends, 1);
  std::optional<CopyResult> next;
  std::unique_ptr<HostBuffer> w2 = HostBuffer::of_bytes(wit::u8(), bytes_of("more"));
  ASSERT_TRUE(
      channel->copy(false, *w2, [](std::function<void()>) {}, [&](CopyResult r) { next = r; }));
  EXPECT_EQ(next, CopyResult::Dropped);
  EXPECT_EQ(ends, 1);
}

TEST(HostChannels, ReadStreamLargerThanItsChunkArrivesWhole) {
  auto channel = std::make_shared<SharedChannel>(wit::u8(), false);
  std::vector<uint8_t> got;
  read_stream(
      channel,
      [&](std::span<const uint8_t> b) {
        got.insert(got.end(), b.begin(), b.end());
        return true;
      },
      [] {});
  std::vector<uint8_t> big(200'000);
  for (size_t i = 0; i < big.size(); ++i) big[i] = uint8_t(i * 7);
  std::unique_ptr<HostBuffer> w = HostBuffer::of_bytes(wit::u8(), big);
  // A partial write leaves the rest for the writer's next write, as a guest would.
  for (int writes = 0; w->remain() > 0; ++writes) {
    ASSERT_LT(writes, 10);
    ASSERT_TRUE(channel->copy(false, *w, [](std::function<void()>) {}, [](CopyResult) {}));
  }
  EXPECT_EQ(got, big);
}

TEST(HostChannels, TheHostReadingItsOwnSourceGetsAllOfIt) {
  // A request body passed on as a response body: the host's source meets
  // the host's reader, which never comes back for more as a guest would.
  int pulls = 0;
  auto channel = source_stream(wit::u8(), [&](uint32_t) {
    SourceChunk c;
    c.bytes = bytes_of("chunk" + std::to_string(pulls));
    c.end = ++pulls == 3;
    return c;
  });
  std::string got;
  bool ended = false;
  read_stream(
      channel,
      [&](std::span<const uint8_t> b) {
        got += text_of(b);
        return true;
      },
      [&] { ended = true; });
  EXPECT_EQ(got, "chunk0chunk1chunk2");
  EXPECT_TRUE(ended);
}

TEST(HostChannels, FutureWrittenBeforeOrAfterTheReadArrives) {
  ValueTypePtr result = wit::result(nullptr, wit::enumeration({"io", "pipe"}));
  {
    HostFuture future(result);
    ASSERT_TRUE(future.write(val::err(val::enum_case(1))));
    Read r(result, 1);
    ASSERT_TRUE(r.start(*channel_of(future.value())));
    EXPECT_EQ(r.done, CopyResult::Completed);
    ASSERT_EQ(r.buffer.values().size(), 1u);
    EXPECT_EQ(r.buffer.values()[0].as_case().index, 1u);
  }
  {
    HostFuture future(result);
    Read r(result, 1);
    ASSERT_TRUE(r.start(*channel_of(future.value())));
    EXPECT_FALSE(r.done);  // pending until the host knows
    ASSERT_TRUE(future.write(val::ok()));
    ASSERT_TRUE(future.write(val::err(val::enum_case(0))));  // a second write does nothing
    EXPECT_EQ(r.done, CopyResult::Completed);
    EXPECT_EQ(r.buffer.values()[0].as_case().index, 0u);
  }
}

TEST(HostChannels, DropHookRunsOnceWhicheverEndDrops) {
  auto channel = source_stream(wit::u8(), [](uint32_t) { return SourceChunk{}; });
  int drops = 0;
  channel->on_drop([&] { ++drops; });
  channel->drop();
  channel->drop();
  EXPECT_EQ(drops, 1);
}

TEST(HostChannels, ChannelValuesRoundTrip) {
  auto channel = std::make_shared<SharedChannel>(nullptr, true);
  ComponentValue v = channel_value(channel);
  EXPECT_EQ(v.kind, TypeKind::Future);
  EXPECT_EQ(channel_of(v), channel);
  EXPECT_EQ(channel_of(val::u32(1)), nullptr);
}

// ---- waiting on the store's loop ------------------------------------------

/// A connected pair of non-blocking stream sockets, closed at the end.
struct SocketPair {
  int fd[2] = {-1, -1};
  SocketPair() { EXPECT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fd), 0); }
  ~SocketPair() {
    close(fd[0]);
    close(fd[1]);
  }
};

TEST(HostChannels, AWatchRunsWhenItsDescriptorIsReadyAndTheLoopWaitsForIt) {
  Store store{Config{}};
  Scheduler& loop = Scheduler::of(store);
  SocketPair pair;
  int fired = 0;
  loop.watch(HostWait{std::nullopt, pair.fd[0], POLLIN}, [&] {
    ++fired;
    return Status{};
  });
  ASSERT_EQ(write(pair.fd[1], "x", 1), 1);
  ASSERT_TRUE(loop.run_until([&] { return fired > 0; }));
  EXPECT_EQ(fired, 1);
  // Once run, it is gone: with nothing left to wait for, the loop deadlocks.
  Status stuck = loop.run_until([] { return false; });
  ASSERT_FALSE(stuck);
  EXPECT_EQ(stuck.error().code, ErrorCode::Deadlock);
}

TEST(HostChannels, AWatchWithADeadlineRunsOnceItPasses) {
  Store store{Config{}};
  Scheduler& loop = Scheduler::of(store);
  const auto start = std::chrono::steady_clock::now();
  bool fired = false;
  loop.watch(HostWait{start + std::chrono::milliseconds(20), -1, 0}, [&] {
    fired = true;
    return Status{};
  });
  ASSERT_TRUE(loop.run_until([&] { return fired; }));
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(20));
}

TEST(HostChannels, ASourceWithNothingYetKeepsTheReadPendingUntilItsWaitEnds) {
  Store store{Config{}};
  SocketPair pair;
  int pulls = 0;
  auto channel = source_stream(
      wit::u8(),
      [&](uint32_t max) {
        ++pulls;
        SourceChunk c;
        c.bytes.resize(max);
        ssize_t n = recv(pair.fd[0], c.bytes.data(), max, 0);
        c.bytes.resize(n > 0 ? size_t(n) : 0);
        if (n < 0) c.wait = HostWait{std::nullopt, pair.fd[0], POLLIN};
        return c;
      },
      &store);
  Read r(wit::u8(), 16);
  ASSERT_TRUE(r.start(*channel));
  EXPECT_FALSE(r.got_data());
  EXPECT_EQ(pulls, 1);
  ASSERT_EQ(write(pair.fd[1], "late", 4), 4);
  ASSERT_TRUE(Scheduler::of(store).run_until([&] { return r.got_data(); }));
  EXPECT_EQ(text_of(r.buffer.bytes()), "late");
  EXPECT_EQ(pulls, 2);
}

TEST(HostChannels, ASinkThatTakesLessHoldsTheWriterBackUntilItCaughtUp) {
  Store store{Config{}};
  auto channel = std::make_shared<SharedChannel>(wit::u8(), false);
  std::string got;
  bool ended = false;
  // Takes 3 bytes an offer, then asks to be offered the rest at once
  // (a deadline already passed): a socket whose buffer fills.
  read_stream(
      store, channel,
      [&](std::span<const uint8_t> b) {
        SinkResult r;
        r.taken = std::min<size_t>(b.size(), 3);
        got += text_of(b.first(r.taken));
        if (r.taken < b.size()) r.wait = HostWait{std::chrono::steady_clock::now(), -1, 0};
        return r;
      },
      [&] { ended = true; });
  auto write = [&](const std::string& text, std::optional<CopyResult>& done) {
    auto w = std::shared_ptr<HostBuffer>(HostBuffer::of_bytes(wit::u8(), bytes_of(text)));
    return channel->copy(
        false, *w, [w](std::function<void()>) {}, [w, &done](CopyResult r) { done = r; });
  };
  std::optional<CopyResult> first, second;
  ASSERT_TRUE(write("abcdefgh", first));
  EXPECT_EQ(first, CopyResult::Completed);  // the host holds what the sink left
  EXPECT_EQ(got, "abc");
  ASSERT_TRUE(write("ij", second));
  EXPECT_FALSE(second);  // backpressure: no read until the sink caught up
  ASSERT_TRUE(Scheduler::of(store).run_until([&] { return second.has_value(); }));
  EXPECT_EQ(got, "abcdefghij");
  EXPECT_FALSE(ended);
  channel->drop();
  EXPECT_TRUE(ended);
}

}  // namespace
}  // namespace flint::component
