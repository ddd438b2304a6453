/* peak_rss OUT COMMAND [ARGS...]: runs COMMAND, writes its peak resident set
 * in KiB to OUT and exits with COMMAND's status. The figure is wait4's
 * ru_maxrss for COMMAND: the largest resident set of COMMAND and of the
 * descendants it waited for.
 *
 * Why a separate program: Linux keeps a process's RSS high-water mark across
 * exec, so anything forked (or vforked) from the Python harness, this
 * program included, starts with the harness's 50 MiB mark. A process forked
 * from this small static program after its exec starts from this program's
 * own few hundred KiB, below any runtime's. */
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s OUT COMMAND [ARGS...]\n", argv[0]);
    return 2;
  }
  pid_t pid = fork();
  if (pid < 0) {
    perror("fork");
    return 2;
  }
  if (pid == 0) {
    execvp(argv[2], argv + 2);
    perror(argv[2]);
    _exit(127);
  }
  int status = 0;
  struct rusage usage;
  if (wait4(pid, &status, 0, &usage) < 0) {
    perror("wait4");
    return 2;
  }
  FILE *out = fopen(argv[1], "w");
  if (out == NULL || fprintf(out, "%ld\n", usage.ru_maxrss) < 0 || fclose(out) != 0) {
    perror(argv[1]);
    return 2;
  }
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return WEXITSTATUS(status);
}
