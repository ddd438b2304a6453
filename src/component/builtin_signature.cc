// Core signatures of the canon built-ins.
#include "component/builtin_signature.h"

namespace flint::component {

std::optional<flint::FuncType> builtin_signature(CanonKind kind) {
  using flint::ValType;
  const ValType i32 = ValType::I32;
  auto sig = [](std::vector<ValType> params, std::vector<ValType> results) {
    return flint::FuncType{std::move(params), std::move(results)};
  };
  switch (kind) {
    case CanonKind::Lift:
    case CanonKind::Lower:
    case CanonKind::TaskReturn:
    case CanonKind::ThreadSpawnRef:
    case CanonKind::ThreadSpawnIndirect: return std::nullopt;
    case CanonKind::ResourceNew:
    case CanonKind::ResourceRep: return sig({i32}, {i32});
    case CanonKind::ResourceDrop: return sig({i32}, {});
    case CanonKind::TaskCancel:
    case CanonKind::BackpressureInc:
    case CanonKind::BackpressureDec: return sig({}, {});
    case CanonKind::ContextGet: return sig({}, {i32});
    case CanonKind::ContextSet: return sig({i32}, {});
    // A packed pair of handles: readable end low, writable end high.
    case CanonKind::StreamNew:
    case CanonKind::FutureNew: return sig({}, {ValType::I64});
    case CanonKind::StreamRead:
    case CanonKind::StreamWrite: return sig({i32, i32, i32}, {i32});
    case CanonKind::FutureRead:
    case CanonKind::FutureWrite:
    case CanonKind::ErrorContextNew:
    case CanonKind::WaitableSetWait:
    case CanonKind::WaitableSetPoll:
    case CanonKind::ThreadNewIndirect: return sig({i32, i32}, {i32});
    case CanonKind::SubtaskCancel:
    case CanonKind::StreamCancelRead:
    case CanonKind::StreamCancelWrite:
    case CanonKind::FutureCancelRead:
    case CanonKind::FutureCancelWrite:
    case CanonKind::ThreadSuspendThenResume:
    case CanonKind::ThreadYieldThenResume:
    case CanonKind::ThreadSuspendThenPromote:
    case CanonKind::ThreadYieldThenPromote: return sig({i32}, {i32});
    case CanonKind::SubtaskDrop:
    case CanonKind::StreamDropReadable:
    case CanonKind::StreamDropWritable:
    case CanonKind::FutureDropReadable:
    case CanonKind::FutureDropWritable:
    case CanonKind::ErrorContextDrop:
    case CanonKind::WaitableSetDrop:
    case CanonKind::ThreadResumeLater: return sig({i32}, {});
    case CanonKind::ErrorContextDebugMessage:
    case CanonKind::WaitableJoin: return sig({i32, i32}, {});
    case CanonKind::ThreadYield:
    case CanonKind::WaitableSetNew:
    case CanonKind::ThreadIndex:
    case CanonKind::ThreadSuspend:
    case CanonKind::ThreadAvailableParallelism: return sig({}, {i32});
  }
  return std::nullopt;
}

}  // namespace flint::component
