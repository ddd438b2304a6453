#include "aot/backtrace.h"

#include <dlfcn.h>
#include <link.h>
#include <ucontext.h>
#include <unwind.h>

#include <algorithm>
#include <mutex>

#include "aot/code_locations.h"
#include "module/module.h"

namespace flint::aot {

namespace {

struct Registry {
  std::mutex mutex;
  std::vector<std::pair<const void*, CodeMap>> maps;
};

Registry& registry() {
  static Registry* r = new Registry();  // outlives every static destructor
  return *r;
}

// The caller holds the registry's mutex.
const CodeMap* find_map(const Registry& r, uintptr_t pc) {
  for (const auto& [owner, map] : r.maps)
    if (pc >= map.begin && pc < map.end) return &map;
  return nullptr;
}

bool in_compiled_code(uintptr_t pc) {
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  return find_map(r, pc) != nullptr;
}

struct SegmentQuery {
  uintptr_t load_address;
  uintptr_t begin = 0, end = 0;
};

int find_segment(dl_phdr_info* info, size_t, void* arg) {
  auto* q = static_cast<SegmentQuery*>(arg);
  if (info->dlpi_addr != q->load_address) return 0;
  for (ElfW(Half) i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    if (ph.p_type != PT_LOAD || !(ph.p_flags & PF_X)) continue;
    q->begin = info->dlpi_addr + ph.p_vaddr;
    q->end = q->begin + ph.p_memsz;
    return 1;
  }
  return 0;
}

struct UnwindState {
  TrapTrace* out;
  uintptr_t stack_top;
};

_Unwind_Reason_Code on_frame(_Unwind_Context* context, void* arg) {
  auto* s = static_cast<UnwindState*>(arg);
  if (_Unwind_GetCFA(context) >= s->stack_top) return _URC_END_OF_STACK;
  int before_insn = 0;
  uintptr_t ip = _Unwind_GetIPInfo(context, &before_insn);
  // Runtime frames (the helper raising the trap) come first: skip them.
  if (ip && in_compiled_code(ip - 1)) {
    if (s->out->count == TrapTrace::kMaxPcs) return _URC_END_OF_STACK;
    s->out->pcs[s->out->count++] = ip;
  }
  return _URC_NO_REASON;
}

}  // namespace

bool divert_fault(void* ucontext, void (*target)()) {
#if defined(__x86_64__)
  auto* uc = static_cast<ucontext_t*>(ucontext);
  greg_t* regs = uc->uc_mcontext.gregs;
  // A call pushes its return address: the byte after the faulting
  // instruction's first byte is inside that instruction, so the unwinder
  // (which looks up return address - 1) finds the faulting function's unwind
  // entry for the faulting instruction itself. The red zone below the stack
  // pointer may hold a leaf function's data; it is dead, the function traps.
  uintptr_t sp = uintptr_t(regs[REG_RSP]) - sizeof(uintptr_t);
  *reinterpret_cast<uintptr_t*>(sp) = uintptr_t(regs[REG_RIP]) + 1;
  regs[REG_RSP] = greg_t(sp);
  regs[REG_RIP] = greg_t(reinterpret_cast<uintptr_t>(target));
  return true;
#else
  (void)ucontext;
  (void)target;
  return false;
#endif
}

void capture_fault_pc(const void* ucontext, TrapTrace& out) {
  const auto* uc = static_cast<const ucontext_t*>(ucontext);
  out.count = 0;
  out.first_is_fault = true;
#if defined(__x86_64__)
  out.pcs[out.count++] = uintptr_t(uc->uc_mcontext.gregs[REG_RIP]);
#elif defined(__aarch64__)
  out.pcs[out.count++] = uintptr_t(uc->uc_mcontext.pc);
#else
  (void)uc;
#endif
}

void capture_trace(uintptr_t stack_top, TrapTrace& out) {
  out.count = 0;
  out.first_is_fault = false;
  UnwindState state{&out, stack_top};
  _Unwind_Backtrace(on_frame, &state);
}

std::vector<BacktraceFrame> symbolize(const TrapTrace& trace) {
  std::vector<BacktraceFrame> frames;
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  for (uint32_t i = 0; i < trace.count; ++i) {
    // A return address may be the first byte after the call's function (a
    // call that does not return ends it): look up the call instruction.
    uintptr_t pc = i == 0 && trace.first_is_fault ? trace.pcs[i] : trace.pcs[i] - 1;
    const CodeMap* map = find_map(r, pc);
    if (!map) continue;
    auto it = std::upper_bound(map->starts.begin(), map->starts.end(), pc,
                               [](uintptr_t a, const auto& s) { return a < s.first; });
    if (it == map->starts.begin()) continue;
    uint32_t index = std::prev(it)->second;
    if (index == CodeMap::kEntryWrapper) continue;
    std::vector<FrameLocation> chain;
    if (map->locations) chain = map->locations->table().at(pc - map->load_address);
    // The chain ends in the function whose machine code this is; one that
    // does not (a table from other code) is not believed.
    if (chain.empty() || chain.back().function != index) {
      frames.push_back(BacktraceFrame{index, map->module->function_name(index), std::nullopt});
      continue;
    }
    for (const FrameLocation& f : chain)
      frames.push_back(
          BacktraceFrame{f.function, map->module->function_name(f.function), f.offset});
  }
  return frames;
}

bool register_code(const void* owner, void* dl_handle, CodeMap map) {
  link_map* lm = nullptr;
  if (dlinfo(dl_handle, RTLD_DI_LINKMAP, &lm) != 0 || !lm) return false;
  SegmentQuery q{uintptr_t(lm->l_addr)};
  dl_iterate_phdr(find_segment, &q);
  if (q.begin == q.end) return false;
  map.begin = q.begin;
  map.end = q.end;
  register_code(owner, std::move(map));
  return true;
}

void register_code(const void* owner, CodeMap map) {
  std::sort(map.starts.begin(), map.starts.end());
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  r.maps.emplace_back(owner, std::move(map));
}

void unregister_code(const void* owner) {
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  std::erase_if(r.maps, [&](const auto& e) { return e.first == owner; });
}

}  // namespace flint::aot
