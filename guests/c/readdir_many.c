// fd_readdir's cookies: a directory with more entries than one buffer
// holds (wasi-libc reads 4 KiB at a time), names of every length, so entries
// are cut at buffer edges and resumed from their cookie. Expects a writable
// preopen at /work.
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void) {
  const int count = 300;
  char name[512], path[600];
  if (mkdir("/work/many", 0755) != 0) return 1;
  for (int i = 0; i < count; ++i) {
    int len = 1 + (i * 7) % 120;
    snprintf(name, sizeof name, "%04d-", i);
    for (int k = 5; k < len + 5; ++k) name[k] = (char)('a' + (i + k) % 26);
    name[len + 5] = 0;
    snprintf(path, sizeof path, "/work/many/%s", name);
    FILE* f = fopen(path, "w");
    if (!f) return 2;
    fclose(f);
  }
  DIR* d = opendir("/work/many");
  if (!d) return 3;
  int seen = 0, dots = 0;
  struct dirent* e;
  char found[300] = {0};
  while ((e = readdir(d)) != NULL) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) {
      ++dots;
      continue;
    }
    int index = atoi(e->d_name);
    if (index >= 0 && index < count && !found[index]) found[index] = 1;
    else printf("unexpected entry %s\n", e->d_name);
    ++seen;
  }
  closedir(d);
  int missing = 0;
  for (int i = 0; i < count; ++i) missing += !found[i];
  printf("entries %d, dot entries %d, missing %d\n", seen, dots, missing);
  // rewinddir and seekdir go back through the cookies.
  d = opendir("/work/many");
  long mark = -1;
  int first_pass = 0;
  while ((e = readdir(d)) != NULL) {
    if (++first_pass == 150) mark = telldir(d);
  }
  seekdir(d, mark);
  int rest = 0;
  while ((e = readdir(d)) != NULL) ++rest;
  rewinddir(d);
  int again = 0;
  while ((e = readdir(d)) != NULL) ++again;
  closedir(d);
  printf("after seekdir to entry 150: %d more; after rewinddir: %d\n", rest, again);
  return 0;
}
