// The wasi_snapshot_preview1 ABI as the guest sees it: the enumerations,
// flag bits and struct layouts of wasi_snapshot_preview1.witx (WASI repo,
// legacy/preview1/witx/typenames.witx). Offsets are those the witx tooling
// computes (wasi-libc's <wasi/api.h> asserts the same numbers).
#pragma once

#include <cstdint>

namespace flint::wasi {

/// errno (typenames.witx `$errno`, u16). Every value the witx defines.
enum class Errno : uint16_t {
  Success = 0, TooBig = 1, Acces = 2, AddrInUse = 3, AddrNotAvail = 4, AfNoSupport = 5,
  Again = 6, Already = 7, Badf = 8, BadMsg = 9, Busy = 10, Canceled = 11, Child = 12,
  ConnAborted = 13, ConnRefused = 14, ConnReset = 15, Deadlk = 16, DestAddrReq = 17,
  Dom = 18, Dquot = 19, Exist = 20, Fault = 21, Fbig = 22, HostUnreach = 23, Idrm = 24,
  Ilseq = 25, InProgress = 26, Intr = 27, Inval = 28, Io = 29, IsConn = 30, IsDir = 31,
  Loop = 32, Mfile = 33, Mlink = 34, MsgSize = 35, Multihop = 36, NameTooLong = 37,
  NetDown = 38, NetReset = 39, NetUnreach = 40, Nfile = 41, NoBufs = 42, NoDev = 43,
  NoEnt = 44, NoExec = 45, NoLck = 46, NoLink = 47, NoMem = 48, NoMsg = 49,
  NoProtoOpt = 50, NoSpc = 51, NoSys = 52, NotConn = 53, NotDir = 54, NotEmpty = 55,
  NotRecoverable = 56, NotSock = 57, NotSup = 58, NoTty = 59, Nxio = 60, Overflow = 61,
  OwnerDead = 62, Perm = 63, Pipe = 64, Proto = 65, ProtoNoSupport = 66, ProtoType = 67,
  Range = 68, Rofs = 69, Spipe = 70, Srch = 71, Stale = 72, TimedOut = 73, TxtBsy = 74,
  Xdev = 75, NotCapable = 76,
};

/// `$filetype` (u8).
enum class Filetype : uint8_t {
  Unknown = 0, BlockDevice = 1, CharacterDevice = 2, Directory = 3, RegularFile = 4,
  SocketDgram = 5, SocketStream = 6, SymbolicLink = 7,
};

/// `$rights` (u64): one bit per operation, in witx order.
namespace rights {
constexpr uint64_t kFdDatasync = 1ull << 0;
constexpr uint64_t kFdRead = 1ull << 1;
constexpr uint64_t kFdSeek = 1ull << 2;
constexpr uint64_t kFdFdstatSetFlags = 1ull << 3;
constexpr uint64_t kFdSync = 1ull << 4;
constexpr uint64_t kFdTell = 1ull << 5;
constexpr uint64_t kFdWrite = 1ull << 6;
constexpr uint64_t kFdAdvise = 1ull << 7;
constexpr uint64_t kFdAllocate = 1ull << 8;
constexpr uint64_t kPathCreateDirectory = 1ull << 9;
constexpr uint64_t kPathCreateFile = 1ull << 10;
constexpr uint64_t kPathLinkSource = 1ull << 11;
constexpr uint64_t kPathLinkTarget = 1ull << 12;
constexpr uint64_t kPathOpen = 1ull << 13;
constexpr uint64_t kFdReaddir = 1ull << 14;
constexpr uint64_t kPathReadlink = 1ull << 15;
constexpr uint64_t kPathRenameSource = 1ull << 16;
constexpr uint64_t kPathRenameTarget = 1ull << 17;
constexpr uint64_t kPathFilestatGet = 1ull << 18;
constexpr uint64_t kPathFilestatSetSize = 1ull << 19;
constexpr uint64_t kPathFilestatSetTimes = 1ull << 20;
constexpr uint64_t kFdFilestatGet = 1ull << 21;
constexpr uint64_t kFdFilestatSetSize = 1ull << 22;
constexpr uint64_t kFdFilestatSetTimes = 1ull << 23;
constexpr uint64_t kPathSymlink = 1ull << 24;
constexpr uint64_t kPathRemoveDirectory = 1ull << 25;
constexpr uint64_t kPathUnlinkFile = 1ull << 26;
constexpr uint64_t kPollFdReadwrite = 1ull << 27;
constexpr uint64_t kSockShutdown = 1ull << 28;
constexpr uint64_t kSockAccept = 1ull << 29;
/// Every bit the witx defines; anything above is an invalid flag value.
constexpr uint64_t kAll = (1ull << 30) - 1;
}  // namespace rights

/// `$fdflags` (u16).
namespace fdflags {
constexpr uint16_t kAppend = 1, kDsync = 2, kNonblock = 4, kRsync = 8, kSync = 16;
constexpr uint16_t kAll = 31;
}  // namespace fdflags

/// `$oflags` (u16).
namespace oflags {
constexpr uint16_t kCreat = 1, kDirectory = 2, kExcl = 4, kTrunc = 8;
constexpr uint16_t kAll = 15;
}  // namespace oflags

/// `$lookupflags` (u32).
constexpr uint32_t kLookupSymlinkFollow = 1;

/// `$fstflags` (u16).
namespace fstflags {
constexpr uint16_t kAtim = 1, kAtimNow = 2, kMtim = 4, kMtimNow = 8;
constexpr uint16_t kAll = 15;
}  // namespace fstflags

/// `$whence` (u8).
enum class Whence : uint8_t { Set = 0, Cur = 1, End = 2 };

/// `$clockid` (u32).
enum class ClockId : uint32_t { Realtime = 0, Monotonic = 1, ProcessCputime = 2, ThreadCputime = 3 };

/// `$advice` (u8).
enum class Advice : uint8_t { Normal = 0, Sequential = 1, Random = 2, WillNeed = 3, DontNeed = 4, NoReuse = 5 };

/// `$eventtype` (u8), `$subclockflags` (u16), `$eventrwflags` (u16).
enum class EventType : uint8_t { Clock = 0, FdRead = 1, FdWrite = 2 };
constexpr uint16_t kSubclockAbstime = 1;
constexpr uint16_t kEventFdReadwriteHangup = 1;

/// `$riflags`, `$roflags`, `$sdflags` (sockets).
constexpr uint16_t kRecvPeek = 1, kRecvWaitall = 2;
constexpr uint16_t kRecvDataTruncated = 1;
constexpr uint8_t kShutRd = 1, kShutWr = 2;

/// `$preopentype` (u8).
constexpr uint8_t kPreopenDir = 0;

/// `$signal` (u8), as proc_raise numbers them.
enum class Signal : uint8_t {
  None = 0, Hup, Int, Quit, Ill, Trap, Abrt, Bus, Fpe, Kill, Usr1, Segv, Usr2, Pipe, Alrm,
  Term, Chld, Cont, Stop, Tstp, Ttin, Ttou, Urg, Xcpu, Xfsz, Vtalrm, Prof, Winch, Poll, Pwr, Sys,
};

/// Struct layouts: size and field offsets of each witx record.
namespace layout {
// $iovec / $ciovec: buf (pointer), buf_len (size).
constexpr uint32_t kIovecSize = 8, kIovecBuf = 0, kIovecLen = 4;
// $fdstat.
constexpr uint32_t kFdstatSize = 24, kFdstatFiletype = 0, kFdstatFlags = 2, kFdstatRightsBase = 8,
                   kFdstatRightsInheriting = 16;
// $filestat.
constexpr uint32_t kFilestatSize = 64, kFilestatDev = 0, kFilestatIno = 8, kFilestatFiletype = 16,
                   kFilestatNlink = 24, kFilestatSize_ = 32, kFilestatAtim = 40, kFilestatMtim = 48,
                   kFilestatCtim = 56;
// $prestat: tag, then the dir variant's pr_name_len.
constexpr uint32_t kPrestatSize = 8, kPrestatTag = 0, kPrestatNameLen = 4;
// $dirent, followed in fd_readdir's buffer by d_namlen bytes of name.
constexpr uint32_t kDirentSize = 24, kDirentNext = 0, kDirentIno = 8, kDirentNamlen = 16, kDirentType = 20;
// $subscription: userdata, then the union's tag at 8 and contents at 16.
constexpr uint32_t kSubscriptionSize = 48, kSubUserdata = 0, kSubTag = 8, kSubClockId = 16,
                   kSubClockTimeout = 24, kSubClockPrecision = 32, kSubClockFlags = 40, kSubFd = 16;
// $event.
constexpr uint32_t kEventSize = 32, kEventUserdata = 0, kEventError = 8, kEventType = 10,
                   kEventNbytes = 16, kEventFlags = 24;
}  // namespace layout

}  // namespace flint::wasi
