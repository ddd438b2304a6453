// wasi:filesystem@0.2 (wit/types.wit, preopens.wit): descriptors for the
// directories --dir granted and what is opened beneath them. Every path is
// resolved by preview 1's sandbox (wasi/sandbox_path.h: openat2 with
// RESOLVE_BENEATH, or its component walk), so the same paths are refused;
// a --dir-ro preopen and everything opened from it refuse every change
// with `not-permitted` (Wasmtime's answer for missing mutate rights).
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>

#include "wasi/sandbox_path.h"
#include "wasip2/host.h"

namespace flint::wasip2 {

using namespace component;
using wasi::Errno;
using wasi::ParentAndName;
using wasi::UniqueFd;

namespace {

using HostPtr = std::shared_ptr<Host>;
using Args = std::span<const ComponentValue>;
using Return = HostReturn;

/// The most bytes one `read` returns (the guest asks again for more).
constexpr uint64_t kMaxRead = 1 << 20;

// descriptor-type cases.
enum DescriptorType : uint32_t {
  kUnknown,
  kBlockDevice,
  kCharacterDevice,
  kDirectory,
  kFifo,
  kSymbolicLink,
  kRegularFile,
  kSocket
};
// Flag positions of descriptor-flags, open-flags and path-flags.
enum : size_t {
  kRead,
  kWrite,
  kFileIntegritySync,
  kDataIntegritySync,
  kRequestedWriteSync,
  kMutateDirectory
};
enum : size_t { kCreate, kOpenDirectory, kExclusive, kTruncate };

uint32_t type_of_mode(mode_t mode) {
  switch (mode & S_IFMT) {
    case S_IFBLK: return kBlockDevice;
    case S_IFCHR: return kCharacterDevice;
    case S_IFDIR: return kDirectory;
    case S_IFIFO: return kFifo;
    case S_IFLNK: return kSymbolicLink;
    case S_IFREG: return kRegularFile;
    case S_IFSOCK: return kSocket;
    default: return kUnknown;
  }
}

uint32_t type_of_dirent(int dir, const dirent& d) {
  switch (d.d_type) {
    case DT_BLK: return kBlockDevice;
    case DT_CHR: return kCharacterDevice;
    case DT_DIR: return kDirectory;
    case DT_FIFO: return kFifo;
    case DT_LNK: return kSymbolicLink;
    case DT_REG: return kRegularFile;
    case DT_SOCK: return kSocket;
    default: {  // some file systems leave the type to a stat
      struct stat st;
      if (fstatat(dir, d.d_name, &st, AT_SYMLINK_NOFOLLOW) == 0) return type_of_mode(st.st_mode);
      return kUnknown;
    }
  }
}

bool flag(const ComponentValue& flags, size_t i) {
  const auto& f = flags.as_flags();
  return i < f.size() && f[i];
}

Return fail(uint32_t code) { return val::err(val::enum_case(code)); }
Return fail(Errno e) { return fail(error_code_of(e)); }
Return fail_host() { return fail(error_code_of_host(errno)); }
Return done() { return val::ok(); }

/// The descriptor a `self` or descriptor argument names.
Result<Descriptor*> descriptor(Host& h, const ComponentValue& v) { return h.descriptors.get(v); }

/// For the *-at functions: `self` must be a directory.
Result<Descriptor*> directory(Host& h, const ComponentValue& v, uint32_t& failure) {
  FLINT_ASSIGN(Descriptor * d, descriptor(h, v));
  failure = d->directory ? UINT32_MAX : error_code::kNotDirectory;
  return d;
}

#define FS_DIR(var, value)                                               \
  uint32_t var##_failure;                                                \
  FLINT_ASSIGN(Descriptor* var, directory(*host, value, var##_failure)); \
  if (var##_failure != UINT32_MAX) return fail(var##_failure)

/// For changes beneath a directory: refused under a read-only preopen, with
/// not-permitted as Wasmtime answers a descriptor without mutate rights
/// (and so preview 1's EPERM through the adapter, as Flint's preview 1).
#define FS_MUTABLE(d) \
  if (!(d)->mutate) return fail(error_code::kNotPermitted)

#define FS_TRY(expr) \
  if (Errno e_ = (expr); e_ != Errno::Success) return fail(e_)

/// Changes to a name: a trailing slash says it must be a directory (as
/// preview 1's check).
Errno check_trailing_slash(const ParentAndName& p) {
  if (!p.trailing_slash) return Errno::Success;
  struct stat st;
  if (fstatat(p.parent.get(), p.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0)
    return wasi::last_host_errno();
  return S_ISDIR(st.st_mode) ? Errno::Success : Errno::NotDir;
}

std::optional<ComponentValue> timestamp(const timespec& ts) {
  return val::some(datetime(ts.tv_sec, uint32_t(ts.tv_nsec)));
}

ComponentValue stat_value(const struct stat& st) {
  return val::record({val::enum_case(type_of_mode(st.st_mode)), val::u64(st.st_nlink),
                      val::u64(uint64_t(st.st_size)), *timestamp(st.st_atim),
                      *timestamp(st.st_mtim), *timestamp(st.st_ctim)});
}

/// metadata-hash: an opaque value equal for the same file (device and
/// inode), as preview 1's filestat already exposes both.
ComponentValue hash_value(const struct stat& st) {
  return val::record({val::u64(uint64_t(st.st_ino)), val::u64(uint64_t(st.st_dev))});
}

/// A new-timestamp value as a utimensat timespec.
Result<timespec> new_timestamp(const ComponentValue& v) {
  const auto& c = v.as_case();
  timespec t{};
  switch (c.index) {
    case 0: t.tv_nsec = UTIME_OMIT; break;
    case 1: t.tv_nsec = UTIME_NOW; break;
    default: {
      const auto& fields = c.payload->items();
      uint64_t s = fields[0].as_unsigned();
      uint64_t ns = fields[1].as_unsigned();
      if (s > uint64_t(INT64_MAX) || ns >= 1'000'000'000)
        return make_error(ErrorCode::HostTrap, "set-times: timestamp out of range");
      t.tv_sec = time_t(s);
      t.tv_nsec = long(ns);
    }
  }
  return t;
}

Return open_at(Host& h, Descriptor& dir, Args a) {
  bool follow = flag(a[1], 0);
  const std::string& path = a[2].as_string();
  const ComponentValue& oflags = a[3];
  const ComponentValue& dflags = a[4];
  bool read = flag(dflags, kRead), write = flag(dflags, kWrite);
  bool create = flag(oflags, kCreate), truncate = flag(oflags, kTruncate);
  // As Wasmtime opens: neither reading nor writing asked for means reading
  // (a descriptor must be opened one way), and creating implies writing.
  if (!read && !write) read = true;
  if (create) write = true;
  if ((write || create || truncate || flag(dflags, kMutateDirectory)) && !dir.mutate)
    return fail(error_code::kNotPermitted);
  int flags = O_CLOEXEC | O_NOCTTY;
  flags |= write ? (read ? O_RDWR : O_WRONLY) : O_RDONLY;
  if (create) flags |= O_CREAT;
  if (flag(oflags, kExclusive)) flags |= O_EXCL;
  if (truncate) flags |= O_TRUNC;
  if (flag(oflags, kOpenDirectory)) flags |= O_DIRECTORY;
  if (flag(dflags, kFileIntegritySync)) flags |= O_SYNC;
  if (flag(dflags, kDataIntegritySync)) flags |= O_DSYNC;
  UniqueFd fd;
  Errno e = wasi::open_beneath(dir.fd->get(), path, flags, 0666, follow, fd);
  // A directory opened for reading only: O_RDONLY|O_DIRECTORY is how it opens.
  if (e == Errno::IsDir && !write && !create && !truncate)
    e = wasi::open_beneath(dir.fd->get(), path, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0, follow, fd);
  FS_TRY(e);
  struct stat st;
  if (fstat(fd.get(), &st) != 0) return fail_host();
  // What is beneath a writable preopen stays mutable (guests' libcs open
  // subdirectories without mutate-directory and still remove beneath
  // them); get-flags reports what was asked for.
  const bool is_dir = S_ISDIR(st.st_mode);
  Descriptor made{std::make_shared<UniqueFd>(std::move(fd)), is_dir, read, write, dir.mutate,
                  is_dir && flag(dflags, kMutateDirectory)};
  FLINT_ASSIGN(ComponentValue handle, h.descriptors.insert_own(std::move(made)));
  return val::ok(std::move(handle));
}

Return read_directory(Host& h, Descriptor& d) {
  if (!d.directory) return fail(error_code::kNotDirectory);
  int fd = openat(d.fd->get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return fail_host();
  DIR* dir = fdopendir(fd);
  if (!dir) {
    int saved = errno;
    close(fd);
    return fail(error_code_of_host(saved));
  }
  DirectoryEntries entries;
  errno = 0;
  while (const dirent* ent = readdir(dir)) {
    std::string_view name = ent->d_name;
    if (name == "." || name == "..") continue;  // WIT: never listed
    entries.entries.push_back({type_of_dirent(dirfd(dir), *ent), std::string(name)});
  }
  int saved = errno;
  closedir(dir);
  if (saved) return fail(error_code_of_host(saved));
  FLINT_ASSIGN(ComponentValue handle, h.directory_entries.insert_own(std::move(entries)));
  return val::ok(std::move(handle));
}

/// A path resolved to its parent directory and final name, beneath `dir`.
Errno parent_of(Descriptor& dir, const std::string& path, ParentAndName& out) {
  return wasi::resolve_parent(dir.fd->get(), path, out);
}

}  // namespace

HostInterface filesystem_types(const std::shared_ptr<Host>& host) {
  ResourceTypePtr desc = host->descriptors.type();
  ResourceTypePtr entries = host->directory_entries.type();
  ValueTypePtr code = filesystem_error_code_type();
  ValueTypePtr dtype = wit::enumeration({"unknown", "block-device", "character-device", "directory",
                                         "fifo", "symbolic-link", "regular-file", "socket"});
  ValueTypePtr dflags = wit::flags({"read", "write", "file-integrity-sync", "data-integrity-sync",
                                    "requested-write-sync", "mutate-directory"});
  ValueTypePtr pflags = wit::flags({"symlink-follow"});
  ValueTypePtr oflags = wit::flags({"create", "directory", "exclusive", "truncate"});
  ValueTypePtr opt_time = wit::option(datetime_type());
  ValueTypePtr stat = wit::record({{"type", dtype},
                                   {"link-count", wit::u64()},
                                   {"size", wit::u64()},
                                   {"data-access-timestamp", opt_time},
                                   {"data-modification-timestamp", opt_time},
                                   {"status-change-timestamp", opt_time}});
  ValueTypePtr new_ts =
      wit::variant({{"no-change", nullptr}, {"now", nullptr}, {"timestamp", datetime_type()}});
  ValueTypePtr entry = wit::record({{"type", dtype}, {"name", wit::string()}});
  ValueTypePtr advice =
      wit::enumeration({"normal", "sequential", "random", "will-need", "dont-need", "no-reuse"});
  ValueTypePtr hash = wit::record({{"lower", wit::u64()}, {"upper", wit::u64()}});
  auto res = [&](ValueTypePtr ok) { return wit::result(std::move(ok), code); };
  Param self{"self", wit::borrow(desc)};

  HostInterface iface("wasi:filesystem/types", kVersion);
  iface.resource("descriptor", desc);
  iface.resource("directory-entry-stream", entries);
  iface.resource("error", host->errors.type());
  iface.resource("input-stream", host->input_streams.type());
  iface.resource("output-stream", host->output_streams.type());
  iface.type("datetime", datetime_type());
  iface.type("filesize", wit::u64());
  iface.type("link-count", wit::u64());
  iface.type("error-code", code);
  iface.type("descriptor-type", dtype);
  iface.type("descriptor-flags", dflags);
  iface.type("path-flags", pflags);
  iface.type("open-flags", oflags);
  iface.type("descriptor-stat", stat);
  iface.type("new-timestamp", new_ts);
  iface.type("directory-entry", entry);
  iface.type("advice", advice);
  iface.type("metadata-hash-value", hash);

  // ---- Streams over a file ----
  iface.method("descriptor", "read-via-stream",
               wit::func({self, {"offset", wit::u64()}}, res(wit::own(host->input_streams.type()))),
               [host](Store&, Args a) -> Return {
                 FLINT_ASSIGN(Descriptor * d, descriptor(*host, a[0]));
                 if (d->directory) return fail(error_code::kIsDirectory);
                 if (!d->read) return fail(error_code::kBadDescriptor);
                 FLINT_ASSIGN(ComponentValue s,
                              host->input_streams.insert_own({d->fd, true, a[1].as_unsigned()}));
                 return val::ok(std::move(s));
               });
  iface.method(
      "descriptor", "write-via-stream",
      wit::func({self, {"offset", wit::u64()}}, res(wit::own(host->output_streams.type()))),
      [host](Store&, Args a) -> Return {
        FLINT_ASSIGN(Descriptor * d, descriptor(*host, a[0]));
        if (d->directory) return fail(error_code::kIsDirectory);
        if (!d->write) return fail(error_code::kBadDescriptor);
        FLINT_ASSIGN(ComponentValue s, host->output_streams.insert_own(
                                           {d->fd, OutputStream::Mode::At, a[1].as_unsigned()}));
        return val::ok(std::move(s));
      });
  iface.method("descriptor", "append-via-stream",
               wit::func({self}, res(wit::own(host->output_streams.type()))),
               [host](Store&, Args a) -> Return {
                 FLINT_ASSIGN(Descriptor * d, descriptor(*host, a[0]));
                 if (d->directory) return fail(error_code::kIsDirectory);
                 if (!d->write) return fail(error_code::kBadDescriptor);
                 // Appending is the descriptor's mode from now on: O_APPEND makes
                 // every write land at the end, whatever else writes the file.
                 int fl = fcntl(d->fd->get(), F_GETFL);
                 if (fl < 0 || fcntl(d->fd->get(), F_SETFL, fl | O_APPEND) != 0) return fail_host();
                 FLINT_ASSIGN(ComponentValue s, host->output_streams.insert_own(
                                                    {d->fd, OutputStream::Mode::Append, 0}));
                 return val::ok(std::move(s));
               });

  // ---- The descriptor itself ----
  iface.method("descriptor", "advise",
               wit::func({self, {"offset", wit::u64()}, {"length", wit::u64()}, {"advice", advice}},
                         res(nullptr)),
               [host](Store&, Args a) -> Return {
                 FLINT_ASSIGN(Descriptor * d, descriptor(*host, a[0]));
                 static constexpr int kAdvice[] = {POSIX_FADV_NORMAL,   POSIX_FADV_SEQUENTIAL,
                                                   POSIX_FADV_RANDOM,   POSIX_FADV_WILLNEED,
                                                   POSIX_FADV_DONTNEED, POSIX_FADV_NOREUSE};
                 if (d->directory) return fail(error_code::kBadDescriptor);
                 if (a[1].as_unsigned() > INT64_MAX || a[2].as_unsigned() > INT64_MAX)
                   return fail(error_code::kInvalid);
                 int rc = posix_fadvise(d->fd->get(), off_t(a[1].as_unsigned()),
                                        off_t(a[2].as_unsigned()), kAdvice[a[3].as_case().index]);
                 return rc ? fail(error_code_of_host(rc)) : done();
               });
  auto sync = [host](bool data_only) {
    return [host, data_only](Store&, Args a) -> Return {
      FLINT_ASSIGN(Descriptor * d, descriptor(*host, a[0]));
      int rc = data_only ? fdatasync(d->fd->get()) : fsync(d->fd->get());
      return rc ? fail_host() : done();
    };
  };
  iface.method("descriptor", "sync-data", wit::func({self}, res(nullptr)), sync(true));
  iface.method("descriptor", "sync", wit::func({self}, res(nullptr)), sync(false));
  iface.method(
      "descriptor", "get-flags", wit::func({self}, res(dflags)), [host](Store&, Args a) -> Return {
        FLINT_ASSIGN(Descriptor * d, descriptor(*host, a[0]));
        int fl = fcntl(d->fd->get(), F_GETFL);
        if (fl < 0) return fail_host();
        return val::ok(ComponentValue::flags({d->read, d->write, (fl & O_SYNC) == O_SYNC,
                                              (fl & O_DSYNC) != 0, false, d->mutate_flag}));
      });
  iface.method("descriptor", "get-type", wit::func({self}, res(dtype)),
               [host](Store&, Args a) -> Return {
                 FLINT_ASSIGN(Descriptor * d, descriptor(*host, a[0]));
                 struct stat st;
                 if (fstat(d->fd->get(), &st) != 0) return fail_host();
                 return val::ok(val::enum_case(type_of_mode(st.st_mode)));
               });
  iface.method("descriptor", "set-size", wit::func({self, {"size", wit::u64()}}, res(nullptr)),
               [host](Store&, Args a) -> Return {
                 FLINT_ASSIGN(Descriptor * d, descriptor(*host, a[0]));
                 if (d->directory) return fail(error_code::kIsDirectory);
                 FS_MUTABLE(d);  // beneath --dir-ro: not-permitted, as preview 1 answers
                 if (!d->write) return fail(error_code::kBadDescriptor);
                 if (a[1].as_unsigned() > INT64_MAX) return fail(error_code::kInvalid);
                 return ftruncate(d->fd->get(), off_t(a[1].as_unsigned())) ? fail_host() : done();
               });
  iface.method(
      "descriptor", "set-times",
      wit::func({self, {"data-access-timestamp", new_ts}, {"data-modification-timestamp", new_ts}},
                res(nullptr)),
      [host](Store&, Args a) -> Return {
        FLINT_ASSIGN(Descriptor * d, descriptor(*host, a[0]));
        FS_MUTABLE(d);
        timespec times[2];
        FLINT_ASSIGN(times[0], new_timestamp(a[1]));
        FLINT_ASSIGN(times[1], new_timestamp(a[2]));
        return futimens(d->fd->get(), times) ? fail_host() : done();
      });
  iface.method("descriptor", "read",
               wit::func({self, {"length", wit::u64()}, {"offset", wit::u64()}},
                         res(wit::tuple({wit::list(wit::u8()), wit::boolean()}))),
               [host](Store&, Args a) -> Return {
                 FLINT_ASSIGN(Descriptor * d, descriptor(*host, a[0]));
                 if (d->directory) return fail(error_code::kIsDirectory);
                 if (!d->read) return fail(error_code::kBadDescriptor);
                 uint64_t offset = a[2].as_unsigned();
                 if (offset > INT64_MAX) return fail(error_code::kInvalid);
                 std::vector<uint8_t> buf(std::min(a[1].as_unsigned(), kMaxRead));
                 ssize_t n;
                 do n = pread(d->fd->get(), buf.data(), buf.size(), off_t(offset));
                 while (n < 0 && errno == EINTR);
                 if (n < 0) return fail_host();
                 bool eof = size_t(n) < buf.size() || (buf.empty() && a[1].as_unsigned() > 0);
                 return val::ok(val::tuple({val::bytes(buf.data(), size_t(n)), val::boolean(eof)}));
               });
  iface.method(
      "descriptor", "write",
      wit::func({self, {"buffer", wit::list(wit::u8())}, {"offset", wit::u64()}}, res(wit::u64())),
      [host](Store&, Args a) -> Return {
        FLINT_ASSIGN(Descriptor * d, descriptor(*host, a[0]));
        if (d->directory) return fail(error_code::kIsDirectory);
        if (!d->write) return fail(error_code::kBadDescriptor);
        uint64_t offset = a[2].as_unsigned();
        if (offset > INT64_MAX) return fail(error_code::kInvalid);
        std::vector<uint8_t> data = val::to_bytes(a[1]);
        ssize_t n;
        do n = pwrite(d->fd->get(), data.data(), data.size(), off_t(offset));
        while (n < 0 && errno == EINTR);
        if (n < 0) return fail_host();
        return val::ok(val::u64(uint64_t(n)));
      });
  iface.method("descriptor", "read-directory", wit::func({self}, res(wit::own(entries))),
               [host](Store&, Args a) -> Return {
                 FLINT_ASSIGN(Descriptor * d, descriptor(*host, a[0]));
                 return read_directory(*host, *d);
               });
  iface.method("descriptor", "stat", wit::func({self}, res(stat)),
               [host](Store&, Args a) -> Return {
                 FLINT_ASSIGN(Descriptor * d, descriptor(*host, a[0]));
                 struct stat st;
                 if (fstat(d->fd->get(), &st) != 0) return fail_host();
                 return val::ok(stat_value(st));
               });
  iface.method("descriptor", "is-same-object",
               wit::func({self, {"other", wit::borrow(desc)}}, wit::boolean()),
               [host](Store&, Args a) -> Return {
                 FLINT_ASSIGN(Descriptor * x, descriptor(*host, a[0]));
                 FLINT_ASSIGN(Descriptor * y, descriptor(*host, a[1]));
                 struct stat sx, sy;
                 if (fstat(x->fd->get(), &sx) != 0 || fstat(y->fd->get(), &sy) != 0)
                   return val::boolean(false);
                 return val::boolean(sx.st_dev == sy.st_dev && sx.st_ino == sy.st_ino);
               });
  iface.method("descriptor", "metadata-hash", wit::func({self}, res(hash)),
               [host](Store&, Args a) -> Return {
                 FLINT_ASSIGN(Descriptor * d, descriptor(*host, a[0]));
                 struct stat st;
                 if (fstat(d->fd->get(), &st) != 0) return fail_host();
                 return val::ok(hash_value(st));
               });

  // ---- Paths beneath a directory ----
  // stat-at and metadata-hash-at: O_PATH opens the file (or, not following,
  // the final symlink itself) beneath the directory, and fstat describes it.
  auto stat_path = [host](Args a, struct stat& st) -> Result<Errno> {
    FLINT_ASSIGN(Descriptor * d, descriptor(*host, a[0]));
    if (!d->directory) return Errno::NotDir;
    UniqueFd target;
    Errno e = wasi::open_beneath(d->fd->get(), a[2].as_string(), O_PATH | O_CLOEXEC, 0,
                                 flag(a[1], 0), target);
    if (e != Errno::Success) return e;
    return fstat(target.get(), &st) ? wasi::last_host_errno() : Errno::Success;
  };
  iface.method("descriptor", "stat-at",
               wit::func({self, {"path-flags", pflags}, {"path", wit::string()}}, res(stat)),
               [stat_path](Store&, Args a) -> Return {
                 struct stat st;
                 FLINT_ASSIGN(Errno e, stat_path(a, st));
                 FS_TRY(e);
                 return val::ok(stat_value(st));
               });
  iface.method("descriptor", "metadata-hash-at",
               wit::func({self, {"path-flags", pflags}, {"path", wit::string()}}, res(hash)),
               [stat_path](Store&, Args a) -> Return {
                 struct stat st;
                 FLINT_ASSIGN(Errno e, stat_path(a, st));
                 FS_TRY(e);
                 return val::ok(hash_value(st));
               });
  iface.method("descriptor", "set-times-at",
               wit::func({self,
                          {"path-flags", pflags},
                          {"path", wit::string()},
                          {"data-access-timestamp", new_ts},
                          {"data-modification-timestamp", new_ts}},
                         res(nullptr)),
               [host](Store&, Args a) -> Return {
                 FS_DIR(d, a[0]);
                 FS_MUTABLE(d);
                 timespec times[2];
                 FLINT_ASSIGN(times[0], new_timestamp(a[3]));
                 FLINT_ASSIGN(times[1], new_timestamp(a[4]));
                 if (!flag(a[1], 0)) {
                   // Not following: the name itself, in its checked parent.
                   ParentAndName p;
                   FS_TRY(parent_of(*d, a[2].as_string(), p));
                   if (utimensat(p.parent.get(), p.name.c_str(), times, AT_SYMLINK_NOFOLLOW))
                     return fail_host();
                   return done();
                 }
                 UniqueFd target;
                 FS_TRY(wasi::open_beneath(d->fd->get(), a[2].as_string(), O_PATH | O_CLOEXEC, 0,
                                           true, target));
                 // An O_PATH descriptor cannot be given to futimens; its
                 // /proc/self/fd entry names exactly the file resolved beneath.
                 std::string self_path = "/proc/self/fd/" + std::to_string(target.get());
                 return utimensat(AT_FDCWD, self_path.c_str(), times, 0) ? fail_host() : done();
               });
  iface.method("descriptor", "open-at",
               wit::func({self,
                          {"path-flags", pflags},
                          {"path", wit::string()},
                          {"open-flags", oflags},
                          {"flags", dflags}},
                         res(wit::own(desc))),
               [host](Store&, Args a) -> Return {
                 FS_DIR(d, a[0]);
                 return open_at(*host, *d, a);
               });
  iface.method("descriptor", "create-directory-at",
               wit::func({self, {"path", wit::string()}}, res(nullptr)),
               [host](Store&, Args a) -> Return {
                 FS_DIR(d, a[0]);
                 FS_MUTABLE(d);
                 ParentAndName p;
                 FS_TRY(parent_of(*d, a[1].as_string(), p));
                 return mkdirat(p.parent.get(), p.name.c_str(), 0777) ? fail_host() : done();
               });
  iface.method(
      "descriptor", "remove-directory-at", wit::func({self, {"path", wit::string()}}, res(nullptr)),
      [host](Store&, Args a) -> Return {
        FS_DIR(d, a[0]);
        FS_MUTABLE(d);
        ParentAndName p;
        FS_TRY(parent_of(*d, a[1].as_string(), p));
        return unlinkat(p.parent.get(), p.name.c_str(), AT_REMOVEDIR) ? fail_host() : done();
      });
  iface.method("descriptor", "unlink-file-at",
               wit::func({self, {"path", wit::string()}}, res(nullptr)),
               [host](Store&, Args a) -> Return {
                 FS_DIR(d, a[0]);
                 FS_MUTABLE(d);
                 ParentAndName p;
                 FS_TRY(parent_of(*d, a[1].as_string(), p));
                 // "name/": a directory (unlinkat then refuses it, is-directory)
                 // or not-directory, as preview 1 answers.
                 FS_TRY(check_trailing_slash(p));
                 return unlinkat(p.parent.get(), p.name.c_str(), 0) ? fail_host() : done();
               });
  iface.method("descriptor", "rename-at",
               wit::func({self,
                          {"old-path", wit::string()},
                          {"new-descriptor", wit::borrow(desc)},
                          {"new-path", wit::string()}},
                         res(nullptr)),
               [host](Store&, Args a) -> Return {
                 FS_DIR(from_dir, a[0]);
                 FS_DIR(to_dir, a[2]);
                 FS_MUTABLE(from_dir);
                 FS_MUTABLE(to_dir);
                 ParentAndName from, to;
                 FS_TRY(parent_of(*from_dir, a[1].as_string(), from));
                 FS_TRY(parent_of(*to_dir, a[3].as_string(), to));
                 FS_TRY(check_trailing_slash(from));
                 if (to.trailing_slash && !from.trailing_slash) {
                   ParentAndName source{UniqueFd(dup(from.parent.get())), from.name, true};
                   FS_TRY(check_trailing_slash(source));
                 }
                 return renameat(from.parent.get(), from.name.c_str(), to.parent.get(),
                                 to.name.c_str())
                            ? fail_host()
                            : done();
               });
  iface.method("descriptor", "link-at",
               wit::func({self,
                          {"old-path-flags", pflags},
                          {"old-path", wit::string()},
                          {"new-descriptor", wit::borrow(desc)},
                          {"new-path", wit::string()}},
                         res(nullptr)),
               [host](Store&, Args a) -> Return {
                 FS_DIR(from_dir, a[0]);
                 FS_DIR(to_dir, a[3]);
                 FS_MUTABLE(from_dir);
                 FS_MUTABLE(to_dir);
                 // Following a symlink source would let linkat resolve it outside
                 // the sandbox: refused, as preview 1 and Wasmtime do.
                 if (flag(a[1], 0)) return fail(error_code::kInvalid);
                 ParentAndName from, to;
                 FS_TRY(parent_of(*from_dir, a[2].as_string(), from));
                 FS_TRY(parent_of(*to_dir, a[4].as_string(), to));
                 FS_TRY(check_trailing_slash(from));
                 if (to.trailing_slash) return fail(error_code::kNoEntry);
                 return linkat(from.parent.get(), from.name.c_str(), to.parent.get(),
                               to.name.c_str(), 0)
                            ? fail_host()
                            : done();
               });
  iface.method(
      "descriptor", "symlink-at",
      wit::func({self, {"old-path", wit::string()}, {"new-path", wit::string()}}, res(nullptr)),
      [host](Store&, Args a) -> Return {
        FS_DIR(d, a[0]);
        FS_MUTABLE(d);
        const std::string& target = a[1].as_string();
        FS_TRY(wasi::check_guest_path(target));
        // An absolute target never resolves inside the sandbox; a
        // relative one is checked whenever it is followed.
        if (!target.empty() && target.front() == '/') return fail(error_code::kNotPermitted);
        ParentAndName p;
        FS_TRY(parent_of(*d, a[2].as_string(), p));
        if (p.trailing_slash) return fail(error_code::kNoEntry);
        return symlinkat(target.c_str(), p.parent.get(), p.name.c_str()) ? fail_host() : done();
      });
  iface.method(
      "descriptor", "readlink-at", wit::func({self, {"path", wit::string()}}, res(wit::string())),
      [host](Store&, Args a) -> Return {
        FS_DIR(d, a[0]);
        ParentAndName p;
        FS_TRY(parent_of(*d, a[1].as_string(), p));
        std::string target(PATH_MAX, '\0');
        ssize_t n = readlinkat(p.parent.get(), p.name.c_str(), target.data(), target.size());
        if (n < 0) return fail_host();
        target.resize(size_t(n));
        return val::ok(val::string(std::move(target)));
      });

  iface.method(
      "directory-entry-stream", "read-directory-entry",
      wit::func({{"self", wit::borrow(entries)}}, res(wit::option(entry))),
      [host](Store&, Args a) -> Return {
        FLINT_ASSIGN(DirectoryEntries * s, host->directory_entries.get(a[0]));
        if (s->next >= s->entries.size()) return val::ok(val::none());
        const auto& e = s->entries[s->next++];
        return val::ok(val::some(val::record({val::enum_case(e.type), val::string(e.name)})));
      });
  iface.function("filesystem-error-code",
                 wit::func({{"err", wit::borrow(host->errors.type())}}, wit::option(code)),
                 [host](Store&, Args a) -> Return {
                   FLINT_ASSIGN(IoError * e, host->errors.get(a[0]));
                   if (!e->filesystem_code) return val::none();
                   return val::some(val::enum_case(*e->filesystem_code));
                 });
  return iface;
}

bool escapes_through_symlink(const Descriptor& d, const std::string& path) {
  ParentAndName p;
  if (wasi::resolve_parent(d.fd->get(), path, p) != wasi::Errno::Success) return false;
  struct stat st;
  if (fstatat(p.parent.get(), p.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 ||
      !S_ISLNK(st.st_mode))
    return false;
  wasi::UniqueFd target;
  return wasi::open_beneath(d.fd->get(), path, O_PATH | O_CLOEXEC, 0, true, target) ==
         wasi::Errno::Perm;
}

HostInterface filesystem_preopens(const std::shared_ptr<Host>& host) {
  ResourceTypePtr desc = host->descriptors.type();
  HostInterface iface("wasi:filesystem/preopens", kVersion);
  iface.resource("descriptor", desc);
  iface.function(
      "get-directories", wit::func({}, wit::list(wit::tuple({wit::own(desc), wit::string()}))),
      [host](Store&, Args) -> Return {
        // The --dir grants, in order (preview 1 numbers them from fd 3).
        std::vector<ComponentValue> dirs;
        for (uint32_t fd = 3; fd < 3 + wasi::FdTable::kMaxEntries; ++fd) {
          wasi::FdEntry* e = host->ctx->fds().get(fd);
          if (!e) break;
          if (!e->preopen_name || e->kind != wasi::FdEntry::Kind::Directory) continue;
          int dup_fd = fcntl(e->host.get(), F_DUPFD_CLOEXEC, 3);
          if (dup_fd < 0) return make_error(ErrorCode::HostTrap, "cannot duplicate a preopen");
          Descriptor d{
              std::make_shared<UniqueFd>(dup_fd), true, true, false, e->writable, e->writable};
          FLINT_ASSIGN(ComponentValue handle, host->descriptors.insert_own(std::move(d)));
          dirs.push_back(val::tuple({std::move(handle), val::string(*e->preopen_name)}));
        }
        return val::list(std::move(dirs));
      });
  return iface;
}

void define_filesystem(ComponentLinker& linker, const std::shared_ptr<Host>& host) {
  define(linker, filesystem_types(host));
  define(linker, filesystem_preopens(host));
}

}  // namespace flint::wasip2
