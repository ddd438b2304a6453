// Files and directories through wasi-libc's POSIX calls: create, write,
// read, seek, append, truncate, stat, rename, link, symlink, readlink,
// utimes, readdir, unlink, rmdir. Expects a writable preopen at /work that
// holds data.txt ("line one\nline two\n"); prints what it sees, sorted
// where the host's order would show through.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int failures = 0;

#define CHECK(expr)                                                          \
  do {                                                                       \
    if (!(expr)) {                                                           \
      printf("FAILED %s (line %d): %s\n", #expr, __LINE__, strerror(errno)); \
      ++failures;                                                            \
    }                                                                        \
  } while (0)

static int compare_names(const void* a, const void* b) {
  return strcmp(*(char* const*)a, *(char* const*)b);
}

static void list(const char* path) {
  DIR* d = opendir(path);
  CHECK(d != NULL);
  if (!d) return;
  char* names[64];
  int n = 0;
  struct dirent* e;
  while ((e = readdir(d)) != NULL && n < 64) {
    char type = e->d_type == DT_DIR ? 'd' : e->d_type == DT_LNK ? 'l' : e->d_type == DT_REG ? 'f' : '?';
    names[n] = malloc(strlen(e->d_name) + 3);
    sprintf(names[n], "%c %s", type, e->d_name);
    ++n;
  }
  closedir(d);
  qsort(names, n, sizeof *names, compare_names);
  printf("%s:", path);
  for (int i = 0; i < n; ++i) {
    printf(" [%s]", names[i]);
    free(names[i]);
  }
  printf("\n");
}

int main(void) {
  char buf[256];
  // Read an existing file, line by line.
  FILE* f = fopen("/work/data.txt", "r");
  CHECK(f != NULL);
  if (f) {
    while (fgets(buf, sizeof buf, f)) printf("data: %s", buf);
    fclose(f);
  }

  // Write, append, seek, read back.
  int fd = open("/work/new.txt", O_CREAT | O_RDWR | O_TRUNC, 0644);
  CHECK(fd >= 0);
  CHECK(write(fd, "hello, ", 7) == 7);
  CHECK(write(fd, "world\n", 6) == 6);
  CHECK(lseek(fd, 0, SEEK_CUR) == 13);
  CHECK(lseek(fd, 7, SEEK_SET) == 7);
  ssize_t n = read(fd, buf, sizeof buf);
  CHECK(n == 6);
  printf("read back after seek: %.*s", (int)n, buf);
  CHECK(pwrite(fd, "W", 1, 7) == 1);
  CHECK(pread(fd, buf, 5, 7) == 5);
  printf("pread: %.5s\n", buf);
  struct stat st;
  CHECK(fstat(fd, &st) == 0);
  printf("size %lld regular %d\n", (long long)st.st_size, S_ISREG(st.st_mode));
  CHECK(ftruncate(fd, 5) == 0);
  CHECK(fstat(fd, &st) == 0);
  printf("truncated size %lld\n", (long long)st.st_size);
  close(fd);

  fd = open("/work/new.txt", O_WRONLY | O_APPEND);
  CHECK(fd >= 0);
  CHECK(write(fd, "!\n", 2) == 2);
  close(fd);
  f = fopen("/work/new.txt", "r");
  CHECK(f && fgets(buf, sizeof buf, f));
  printf("after append: %s", buf);
  if (f) fclose(f);

  // Exclusive creation of an existing file fails.
  errno = 0;
  CHECK(open("/work/new.txt", O_CREAT | O_EXCL | O_WRONLY, 0644) < 0);
  printf("O_EXCL on existing: %s\n", strerror(errno));
  errno = 0;
  CHECK(open("/work/missing.txt", O_RDONLY) < 0);
  printf("open missing: %s\n", strerror(errno));

  // Directories.
  CHECK(mkdir("/work/dir", 0755) == 0);
  CHECK(mkdir("/work/dir/inner", 0755) == 0);
  errno = 0;
  CHECK(mkdir("/work/dir", 0755) != 0);
  printf("mkdir existing: %s\n", strerror(errno));
  CHECK(rename("/work/new.txt", "/work/dir/moved.txt") == 0);
  CHECK(link("/work/dir/moved.txt", "/work/dir/hard.txt") == 0);
  CHECK(stat("/work/dir/hard.txt", &st) == 0);
  printf("hard link count %llu\n", (unsigned long long)st.st_nlink);
  CHECK(symlink("moved.txt", "/work/dir/soft") == 0);
  n = readlink("/work/dir/soft", buf, sizeof buf);
  CHECK(n > 0);
  printf("readlink: %.*s\n", (int)n, buf);
  CHECK(lstat("/work/dir/soft", &st) == 0);
  printf("lstat symlink: %d\n", S_ISLNK(st.st_mode));
  CHECK(stat("/work/dir/soft", &st) == 0);
  printf("stat through symlink: regular %d size %lld\n", S_ISREG(st.st_mode), (long long)st.st_size);

  // Times: set an exact modification time and read it back.
  struct timespec times[2] = {{1000000000, 0}, {1234567890, 500}};
  CHECK(utimensat(AT_FDCWD, "/work/dir/moved.txt", times, 0) == 0);
  CHECK(stat("/work/dir/moved.txt", &st) == 0);
  printf("mtime %lld.%09ld atime %lld\n", (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
         (long long)st.st_atim.tv_sec);

  list("/work");
  list("/work/dir");

  errno = 0;
  CHECK(rmdir("/work/dir") != 0);
  printf("rmdir non-empty: %s\n", strerror(errno));
  CHECK(unlink("/work/dir/soft") == 0);
  CHECK(unlink("/work/dir/hard.txt") == 0);
  CHECK(rmdir("/work/dir/inner") == 0);
  list("/work/dir");
  printf("failures: %d\n", failures);
  return failures ? 1 : 0;
}
