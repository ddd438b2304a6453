// The fd_* and path_* calls the differential test cannot compare (Wasmtime
// answers ENOTSUP for fd_allocate and has no CPU-time clocks), and the
// corners of the others: raw wasi_snapshot_preview1 calls on a writable
// preopen at fd 3, one line per check with the errno or value seen.
// tests/wasi/fd_calls_test.cc holds the expected output.
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>

#define SHOW(label, expr) printf("%s: %d\n", label, (int)(expr))

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  const __wasi_rights_t rw = __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE;
  __wasi_fd_t f = 0;
  SHOW("create", __wasi_path_open(3, 0, "f.txt", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, rw, 0, 0, &f));
  __wasi_ciovec_t out[2] = {{(const uint8_t*)"hello ", 6}, {(const uint8_t*)"world", 5}};
  __wasi_size_t n = 0;
  SHOW("fd_write two iovecs", __wasi_fd_write(f, out, 2, &n));
  SHOW("written", n);
  __wasi_filesize_t pos = 0;
  SHOW("fd_tell", __wasi_fd_tell(f, &pos));
  SHOW("position", pos);
  SHOW("fd_seek end -5", __wasi_fd_seek(f, -5, __WASI_WHENCE_END, &pos));
  SHOW("position", pos);
  SHOW("fd_seek before start", __wasi_fd_seek(f, -100, __WASI_WHENCE_CUR, &pos));
  char buf[32] = {0};
  __wasi_iovec_t in = {(uint8_t*)buf, 3};
  SHOW("fd_pread at 6", __wasi_fd_pread(f, &in, 1, 6, &n));
  printf("pread read: %.*s\n", (int)n, buf);
  SHOW("fd_pwrite at 0", __wasi_fd_pwrite(f, out + 1, 1, 0, &n));
  SHOW("fd_advise sequential", __wasi_fd_advise(f, 0, 0, __WASI_ADVICE_SEQUENTIAL));
  SHOW("fd_allocate 4096", __wasi_fd_allocate(f, 0, 4096));
  __wasi_filestat_t st;
  SHOW("fd_filestat_get", __wasi_fd_filestat_get(f, &st));
  printf("size %llu type %d nlink %llu\n", (unsigned long long)st.size, st.filetype, (unsigned long long)st.nlink);
  SHOW("fd_filestat_set_size 4", __wasi_fd_filestat_set_size(f, 4));
  SHOW("fd_filestat_set_times", __wasi_fd_filestat_set_times(f, 5000000000ull, 7000000000ull,
                                                            __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM));
  SHOW("fd_filestat_set_times both", __wasi_fd_filestat_set_times(f, 0, 0, __WASI_FSTFLAGS_MTIM | __WASI_FSTFLAGS_MTIM_NOW));
  (void)__wasi_fd_filestat_get(f, &st);
  printf("size %llu atim %llu mtim %llu\n", (unsigned long long)st.size, (unsigned long long)st.atim,
         (unsigned long long)st.mtim);
  SHOW("fd_datasync", __wasi_fd_datasync(f));
  SHOW("fd_sync", __wasi_fd_sync(f));
  SHOW("fd_sync directory", __wasi_fd_sync(3));
  SHOW("fd_fdstat_set_flags append", __wasi_fd_fdstat_set_flags(f, __WASI_FDFLAGS_APPEND));
  __wasi_fdstat_t fs;
  (void)__wasi_fd_fdstat_get(f, &fs);
  printf("flags %d type %d\n", fs.fs_flags, fs.fs_filetype);
  SHOW("fd_fdstat_set_flags sync", __wasi_fd_fdstat_set_flags(f, __WASI_FDFLAGS_SYNC));
  SHOW("fd_fdstat_set_rights", __wasi_fd_fdstat_set_rights(f, 0, 0));

  // Symlink times without following, and through the link.
  SHOW("path_symlink", __wasi_path_symlink("f.txt", 3, "link"));
  SHOW("path_filestat_set_times nofollow",
       __wasi_path_filestat_set_times(3, 0, "link", 0, 3000000000ull, __WASI_FSTFLAGS_MTIM));
  SHOW("path_filestat_set_times follow",
       __wasi_path_filestat_set_times(3, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "link", 0, 9000000000ull,
                                      __WASI_FSTFLAGS_MTIM));
  (void)__wasi_path_filestat_get(3, 0, "link", &st);
  printf("link type %d mtim %llu\n", st.filetype, (unsigned long long)st.mtim);
  (void)__wasi_path_filestat_get(3, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "link", &st);
  printf("target type %d mtim %llu\n", st.filetype, (unsigned long long)st.mtim);

  // Renumbering moves the file onto another open descriptor.
  __wasi_fd_t g = 0;
  SHOW("open again", __wasi_path_open(3, 0, "f.txt", 0, __WASI_RIGHTS_FD_READ, 0, 0, &g));
  SHOW("fd_renumber", __wasi_fd_renumber(g, f));
  SHOW("old number closed", __wasi_fd_close(g));
  in.buf_len = 4;
  SHOW("read through renumbered", __wasi_fd_pread(f, &in, 1, 0, &n));
  printf("read: %.*s\n", (int)n, buf);
  SHOW("write to read-only", __wasi_fd_write(f, out, 1, &n));
  SHOW("fd_close", __wasi_fd_close(f));

  // Stdio: no seeking, no positional I/O.
  SHOW("fd_seek stdout", __wasi_fd_seek(1, 0, __WASI_WHENCE_SET, &pos));
  SHOW("fd_pwrite stdout", __wasi_fd_pwrite(1, out, 1, 0, &n));

  // poll_oneoff: a readable stdin (a file with data) and a far clock.
  __wasi_subscription_t subs[2];
  memset(subs, 0, sizeof subs);
  subs[0].userdata = 11;
  subs[0].u.tag = __WASI_EVENTTYPE_FD_READ;
  subs[0].u.u.fd_read.file_descriptor = 0;
  subs[1].userdata = 22;
  subs[1].u.tag = __WASI_EVENTTYPE_CLOCK;
  subs[1].u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
  subs[1].u.u.clock.timeout = 10000000000ull;
  __wasi_event_t events[2];
  SHOW("poll stdin or 10s", __wasi_poll_oneoff(subs, events, 2, &n));
  printf("events %d first userdata %llu type %d error %d nbytes %llu\n", (int)n,
         (unsigned long long)events[0].userdata, events[0].type, events[0].error,
         (unsigned long long)events[0].fd_readwrite.nbytes);
  subs[1].u.u.clock.timeout = 1000000;  // 1 ms, alone
  SHOW("poll 1ms clock", __wasi_poll_oneoff(subs + 1, events, 1, &n));
  printf("events %d userdata %llu type %d\n", (int)n, (unsigned long long)events[0].userdata, events[0].type);

  // CPU clocks exist and advance.
  __wasi_timestamp_t t1 = 0, t2 = 0, res = 0;
  SHOW("process cputime", __wasi_clock_time_get(__WASI_CLOCKID_PROCESS_CPUTIME_ID, 0, &t1));
  for (volatile int i = 0; i < 3000000; ++i) {
  }
  (void)__wasi_clock_time_get(__WASI_CLOCKID_PROCESS_CPUTIME_ID, 0, &t2);
  printf("process cputime advances: %d\n", t2 > t1);
  SHOW("thread cputime", __wasi_clock_time_get(__WASI_CLOCKID_THREAD_CPUTIME_ID, 0, &t1));
  SHOW("thread cputime resolution", __wasi_clock_res_get(__WASI_CLOCKID_THREAD_CPUTIME_ID, &res));
  SHOW("sched_yield", __wasi_sched_yield());
  SHOW("random_get 0 bytes", __wasi_random_get((uint8_t*)buf, 0));
  return 0;
}
