// Clocks and randomness. Values differ from run to run, so the guest
// prints only what must hold: the clocks advance, sleeping sleeps, random
// bytes are not constant. (The CPU-time clocks are left out: Wasmtime does
// not provide them, Flint does; tests/wasi/run_command_test.cc covers them.)
#include <poll.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <wasi/api.h>

static uint64_t ns(clockid_t clock) {
  struct timespec ts;
  clock_gettime(clock, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + ts.tv_nsec;
}

int main(void) {
  uint64_t wall = ns(CLOCK_REALTIME);
  printf("realtime after 2020: %d\n", wall > 1577836800ull * 1000000000u);
  uint64_t t0 = ns(CLOCK_MONOTONIC);
  struct timespec nap = {0, 20 * 1000 * 1000};
  nanosleep(&nap, NULL);
  uint64_t t1 = ns(CLOCK_MONOTONIC);
  printf("nanosleep 20ms took at least 20ms: %d\n", t1 - t0 >= 20000000u);
  printf("and less than 2s: %d\n", t1 - t0 < 2000000000u);
  struct timespec res;
  printf("monotonic resolution at most 1ms: %d\n",
         clock_getres(CLOCK_MONOTONIC, &res) == 0 && res.tv_sec == 0 && res.tv_nsec <= 1000000);

  // poll() with no descriptors is a sleep (poll_oneoff with one clock).
  t0 = ns(CLOCK_MONOTONIC);
  poll(NULL, 0, 15);
  printf("poll 15ms slept: %d\n", ns(CLOCK_MONOTONIC) - t0 >= 15000000u);

  unsigned char a[32], b[32], zero[32] = {0};
  printf("getentropy: %d %d\n", getentropy(a, sizeof a), getentropy(b, sizeof b));
  printf("random bytes differ: %d\n", memcmp(a, b, sizeof a) != 0 && memcmp(a, zero, sizeof a) != 0);
  printf("sched_yield: %d\n", sched_yield());
  return 0;
}
