// Trailing slashes and other path corners on raw path_* calls, compared
// with Wasmtime by the differential test. Expects a writable preopen at fd 3.
#include <stdio.h>
#include <wasi/api.h>

#define SHOW(label, expr) printf("%-28s %d\n", label, (int)(expr))

int main(void) {
  __wasi_fd_t f;
  SHOW("create file", __wasi_path_open(3, 0, "file", __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_READ, 0, 0, &f));
  SHOW("mkdir d", __wasi_path_create_directory(3, "d"));
  SHOW("rename file -> x/", __wasi_path_rename(3, "file", 3, "x/"));
  SHOW("rename d -> y/", __wasi_path_rename(3, "d", 3, "y/"));
  SHOW("rename file/ -> z", __wasi_path_rename(3, "file/", 3, "z"));
  SHOW("link file -> h/", __wasi_path_link(3, 0, "file", 3, "h/"));
  SHOW("symlink file -> s/", __wasi_path_symlink("file", 3, "s/"));
  SHOW("unlink y/", __wasi_path_unlink_file(3, "y/"));
  SHOW("unlink file/", __wasi_path_unlink_file(3, "file/"));
  SHOW("mkdir m/", __wasi_path_create_directory(3, "m/"));
  SHOW("mkdir m//n//", __wasi_path_create_directory(3, "m//n//"));
  SHOW("open file/", __wasi_path_open(3, 0, "file/", 0, __WASI_RIGHTS_FD_READ, 0, 0, &f));
  SHOW("open m/n/", __wasi_path_open(3, 0, "m/n/", 0, __WASI_RIGHTS_FD_READ, 0, 0, &f));
  SHOW("open m/./n/.", __wasi_path_open(3, 0, "m/./n/.", 0, __WASI_RIGHTS_FD_READ, 0, 0, &f));
  SHOW("rmdir m (not empty)", __wasi_path_remove_directory(3, "m"));
  SHOW("rmdir file", __wasi_path_remove_directory(3, "file"));
  SHOW("unlink m", __wasi_path_unlink_file(3, "m"));
  SHOW("mkdir existing file", __wasi_path_create_directory(3, "file"));
  SHOW("rename onto itself", __wasi_path_rename(3, "file", 3, "file"));
  SHOW("rename dir into itself", __wasi_path_rename(3, "m", 3, "m/n/inner"));
  SHOW("rename missing", __wasi_path_rename(3, "missing", 3, "other"));
  SHOW("link missing", __wasi_path_link(3, 0, "missing", 3, "other"));
  SHOW("link onto existing", __wasi_path_link(3, 0, "file", 3, "m"));
  SHOW("symlink onto existing", __wasi_path_symlink("file", 3, "file"));
  SHOW("readlink on dir", __wasi_path_readlink(3, "m", (uint8_t*)&f, 4, (__wasi_size_t*)&f));
  return 0;
}
