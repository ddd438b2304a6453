// Module-level code generation: declarations, per-function translation, the
// entry wrappers the host calls, the exported function table (abi.h), the
// -O2 pipeline of LLVM's new pass manager (or the quick one: Effort), and
// object emission -- for a large module in partitions compiled on every
// core (issue 16), each its own LLVM context and object, linked into one
// shared object.
#include <fmt/format.h>
#include <llvm/Analysis/CGSCCPassManager.h>
#include <llvm/Analysis/LoopAnalysisManager.h>
#include <llvm/CodeGen/MachineModuleInfo.h>
#include <llvm/CodeGen/Passes.h>
#include <llvm/CodeGen/RegAllocRegistry.h>
#include <llvm/CodeGen/TargetPassConfig.h>
#include <llvm/IR/DIBuilder.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/LegacyPassManager.h>
#include <llvm/IR/Verifier.h>
#include <llvm/MC/TargetRegistry.h>
#include <llvm/Passes/PassBuilder.h>
#include <llvm/Support/CommandLine.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Target/TargetMachine.h>
#include <llvm/TargetParser/Host.h>
#include <llvm/Transforms/Scalar/EarlyCSE.h>
#include <llvm/Transforms/Scalar/SimplifyCFG.h>
#include <llvm/Transforms/Utils/Mem2Reg.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <optional>
#include <thread>

#include "aot/artifact.h"
#include "aot/cpu_features.h"
#include "aot/llvm/block_splitting.h"
#include "aot/llvm/calling_convention.h"
#include "aot/llvm/codegen.h"
#include "aot/llvm/frame_info.h"
#include "aot/llvm/function_codegen.h"
#include "aot/llvm/memory_intrinsics.h"
#include "aot/llvm/slot_values.h"
#include "module/outermost_loops.h"

namespace flint::aot {

namespace {

// Which register allocator the pass pipeline being built on this thread
// gets (allocator_by_partition): LLVM picks its allocator through one
// process-wide registry, while partitions built on other threads at the
// same time may want another.
enum class Allocator : uint8_t { Greedy, Basic };
thread_local Allocator allocator_for_this_thread = Allocator::Greedy;

llvm::FunctionPass* allocator_by_partition() {
  return allocator_for_this_thread == Allocator::Basic ? llvm::createBasicRegisterAllocator()
                                                       : llvm::createGreedyRegisterAllocator();
}
llvm::RegisterRegAlloc by_partition("flint-by-partition",
                                    "greedy, or basic for partitions that ask for it",
                                    allocator_by_partition);

// The quick code generator's level (Effort::Quick, FullIrQuickCodegen): None once
// use_optimizing_register_allocation_at_o0 made that safe to use.
llvm::CodeGenOptLevel quick_codegen_level = llvm::CodeGenOptLevel::Default;

// Quick effort runs LLVM's -O0 code generator (Effort): one that still
// allocates registers with the greedy allocator, as -O2 does, instead of
// -O0's fast one, whose code ran Go's benchmarks ten times slower. LLVM
// offers that combination only as its `-optimize-regalloc` option, which
// changes nothing at -O2, where it is always on. The allocator itself then
// comes from allocator_by_partition. Null when this LLVM has no such option.
llvm::cl::opt<llvm::cl::boolOrDefault>* optimize_regalloc_option() {
  static llvm::cl::opt<llvm::cl::boolOrDefault>* option = [] {
    llvm::StringMap<llvm::cl::Option*>& options = llvm::cl::getRegisteredOptions();
    auto found = options.find("optimize-regalloc");
    return found == options.end()
               ? nullptr
               : static_cast<llvm::cl::opt<llvm::cl::boolOrDefault>*>(found->second);
  }();
  return option;
}

void use_optimizing_register_allocation_at_o0() {
  if (!optimize_regalloc_option()) return;  // Quick functions then get -O2's code generator
  optimize_regalloc_option()->setValue(llvm::cl::BOU_TRUE);
  quick_codegen_level = llvm::CodeGenOptLevel::None;
  llvm::RegisterRegAlloc::setDefault(allocator_by_partition);
}

void initialize_llvm() {
  static std::once_flag once;
  std::call_once(once, [] {
    llvm::InitializeAllTargetInfos();
    llvm::InitializeAllTargets();
    llvm::InitializeAllTargetMCs();
    llvm::InitializeAllAsmPrinters();
    std::lock_guard<std::mutex> hold(llvm_options_lock());
    use_optimizing_register_allocation_at_o0();
  });
}

// void entry_t(ptr ctx, ptr slots, ptr code): the host's way in (abi.h) to
// every function of type t. Arguments are read from slots, `code` is
// called with them, its results written back over the slots. One per type
// rather than one per function: Go's os test binary has 5,060 functions of
// 8 types, and its artifact is 21.50 MB instead of 22.08 MB (its compile
// time changed within the machine's noise).
llvm::Function* emit_type_entry(ModuleDecls& d, uint32_t type_index) {
  llvm::LLVMContext& c = d.context;
  const FuncType& type = d.wasm.types[type_index];
  llvm::Type* ptr = llvm::PointerType::get(c, 0);
  auto* ftype = llvm::FunctionType::get(llvm::Type::getVoidTy(c), {ptr, ptr, ptr}, false);
  auto* f = llvm::Function::Create(ftype, llvm::GlobalValue::InternalLinkage,
                                   fmt::format("entry_type{}", type_index), d.llvm_module);
  f->addFnAttr(llvm::Attribute::NoUnwind);
  llvm::IRBuilder<> b(llvm::BasicBlock::Create(c, "entry", f));
  llvm::Value* slots = f->getArg(1);
  std::vector<llvm::Value*> args{f->getArg(0)};
  std::vector<uint32_t> param_slots = slot_offsets(type.params);
  for (size_t i = 0; i < type.params.size(); ++i)
    args.push_back(load_slot_value(b, llvm_type(c, type.params[i]), slots, param_slots[i]));
  // An indirect call, never inlined: a backtrace never mistakes the wrapper
  // for the function.
  llvm::CallInst* ret = b.CreateCall(d.types[type_index], f->getArg(2), args);
  use_wasm_calling_convention(*ret, d.wasm_cc);
  std::vector<uint32_t> result_slots = slot_offsets(type.results);
  for (size_t i = 0; i < type.results.size(); ++i) {
    llvm::Value* v = type.results.size() == 1 ? ret : b.CreateExtractValue(ret, i);
    store_slot_value(b, v, slots, result_slots[i]);
  }
  b.CreateRetVoid();
  return f;
}

void optimize(llvm::Module& m, llvm::TargetMachine& tm, unsigned level, Effort effort) {
  llvm::LoopAnalysisManager lam;
  llvm::FunctionAnalysisManager fam;
  llvm::CGSCCAnalysisManager cgam;
  llvm::ModuleAnalysisManager mam;
  llvm::PassBuilder pb(&tm);
  pb.registerModuleAnalyses(mam);
  pb.registerCGSCCAnalyses(cgam);
  pb.registerFunctionAnalyses(fam);
  pb.registerLoopAnalyses(lam);
  pb.crossRegisterProxies(lam, fam, cgam, mam);
  if (!optimizes_ir(effort) && level > 0) {
    // Wasm locals become SSA values, then the redundancy and dead blocks
    // the translation leaves go: most of what -O2 gains on code that runs
    // rarely, at a sixth of its time. Locals are allocas of one scalar or
    // vector each, loaded and stored whole, which mem2reg promotes as SROA
    // would, without SROA's slicing analysis (4-6% of Go's os test
    // binary's compile).
    llvm::FunctionPassManager fpm;
    fpm.addPass(llvm::PromotePass());
    fpm.addPass(llvm::EarlyCSEPass());
    fpm.addPass(llvm::SimplifyCFGPass());
    fpm.addPass(SplitLongBlocksPass());
    llvm::ModulePassManager mpm;
    mpm.addPass(llvm::createModuleToFunctionPassAdaptor(std::move(fpm)));
    mpm.run(m, mam);
    return;
  }
  llvm::OptimizationLevel o = level >= 3   ? llvm::OptimizationLevel::O3
                              : level == 2 ? llvm::OptimizationLevel::O2
                              : level == 1 ? llvm::OptimizationLevel::O1
                                           : llvm::OptimizationLevel::O0;
  llvm::ModulePassManager mpm =
      level == 0 ? pb.buildO0DefaultPipeline(o) : pb.buildPerModuleDefaultPipeline(o);
  mpm.run(m, mam);
}

}  // namespace

namespace {

struct TargetMachine {
  std::unique_ptr<llvm::TargetMachine> machine;
  std::string triple, features;
};

// One per partition (and so per thread): an LLVM TargetMachine is not
// shared between threads.
Result<TargetMachine> make_target_machine(const TargetOptions& target, Effort effort) {
  initialize_llvm();
  TargetMachine tm;
  tm.triple = target.triple.empty() ? host_triple() : target.triple;
  std::string cpu = target.cpu;
  tm.features = target.features;
  if (target.triple.empty() && cpu.empty()) {
    cpu = host_cpu_baseline();
    tm.features = llvm_feature_string(host_cpu_features());
  }
  std::string why;
  const llvm::Target* t = llvm::TargetRegistry::lookupTarget(tm.triple, why);
  if (!t) return make_error(ErrorCode::Usage, fmt::format("target {}: {}", tm.triple, why));
  llvm::TargetOptions options;
  tm.machine.reset(
      t->createTargetMachine(tm.triple, cpu, tm.features, options, llvm::Reloc::PIC_, std::nullopt,
                             target.opt_level < 2        ? llvm::CodeGenOptLevel::None
                             : optimizes_codegen(effort) ? llvm::CodeGenOptLevel::Default
                                                         : quick_codegen_level));
  if (!tm.machine)
    return make_error(ErrorCode::Usage, "cannot create a target machine for " + tm.triple);
  // Quick: fast instruction selection (already -O0's choice).
  if (!optimizes_codegen(effort)) tm.machine->setFastISel(true);
  return tm;
}

// LLVMTargetMachine::addPassesToEmitFile's pipeline, with one change for
// Quick effort: no machine instruction scheduler. Building its dependence
// graphs visits every use of a register in the whole function for each
// region, so in a very large function (CPython's interpreter loop, whose
// context and memory base are used everywhere) it grows with the square of
// the function: 45% of a componentize-py module's compile time.
bool add_codegen_passes(llvm::legacy::PassManager& pm, llvm::TargetMachine& machine,
                        llvm::raw_pwrite_stream& out, Effort effort, bool basic_allocator) {
  auto& tm = static_cast<llvm::LLVMTargetMachine&>(machine);
  auto* mmi = new llvm::MachineModuleInfoWrapperPass(&tm);
  llvm::TargetPassConfig* config = tm.createPassConfig(pm);
  config->setDisableVerify(true);
  pm.add(config);
  pm.add(mmi);
  if (!optimizes_codegen(effort)) config->disablePass(&llvm::MachineSchedulerID);
  // They track variables' locations (DBG_VALUE), which line tables have none
  // of: a large module's code spent 1% of its compile in them.
  config->disablePass(&llvm::LiveDebugValuesID);
  config->disablePass(&llvm::RemoveRedundantDebugValuesID);
  if (config->addISelPasses()) return false;
  allocator_for_this_thread = basic_allocator ? Allocator::Basic : Allocator::Greedy;
  config->addMachinePasses();
  allocator_for_this_thread = Allocator::Greedy;
  config->setInitialized();
  if (tm.addAsmPrinter(pm, out, nullptr, llvm::CodeGenFileType::ObjectFile,
                       mmi->getMMI().getContext()))
    return false;
  pm.add(llvm::createFreeMachineFunctionPass());
  return true;
}

/// Whether the module is at most quick_module_instructions.
bool all_full_effort_size(const Module& wasm, const TargetOptions& target) {
  if (target.quick_module_instructions == 0) return true;
  uint64_t total = 0;  // counted as plan_partitions counts
  for (const Function& f : wasm.functions) total += f.body.size() + 1;
  return total <= target.quick_module_instructions;
}

// Compiles partition `p`'s functions into one object; the first partition
// also holds the function table. With several partitions, functions and
// entries of the others are declared here and bound by the linker: hidden
// symbols, so calls between partitions are direct PC-relative calls and
// the table needs only relative relocations (code_image.cc's rule).
Result<std::vector<uint8_t>> compile_partition(const Module& wasm, const TargetOptions& target,
                                               const Partition& p, bool holds_table) {
  FLINT_ASSIGN(TargetMachine tm, make_target_machine(target, p.effort));
  bool whole = p.functions.size() == wasm.functions.size();
  const auto linkage =
      whole ? llvm::GlobalValue::InternalLinkage : llvm::GlobalValue::ExternalLinkage;
  auto visible_to_partitions = [&](llvm::GlobalValue& v) {
    if (!whole) v.setVisibility(llvm::GlobalValue::HiddenVisibility);
  };

  llvm::LLVMContext context;
  // Names of instructions and blocks only help a person reading the IR, and
  // LLVM keeps a symbol table of them per function (naming was 0.7% of Go's
  // os test binary's compile in a profile; clang discards them too).
  context.setDiscardValueNames(true);
  llvm::Module m("wasm", context);
  m.setTargetTriple(tm.triple);
  m.setDataLayout(tm.machine->createDataLayout());
  ModuleDecls decls{.context = context,
                    .llvm_module = m,
                    .wasm = wasm,
                    .types = {},
                    .functions = {},
                    .wasm_cc = wasm_calling_convention(llvm::Triple(tm.triple)),
                    .fuel = target.fuel,
                    .interruptible = target.interruptible,
                    .target_features = tm.features,
                    .debug = nullptr,
                    .debug_file = nullptr,
                    .call_site_locations_only = !all_full_effort_size(wasm, target)};
  std::optional<llvm::DIBuilder> debug;
  if (target.code_locations) {
    // Line tables and the inlining records, nothing else (-gline-tables-only).
    m.addModuleFlag(llvm::Module::Warning, "Debug Info Version", llvm::DEBUG_METADATA_VERSION);
    m.addModuleFlag(llvm::Module::Warning, "Dwarf Version", 4);
    debug.emplace(m);
    decls.debug = &*debug;
    decls.debug_file = debug->createFile("module.wasm", "");
    // "For profiling": with line tables only, LLVM leaves out the DIE of a
    // function that has no inlined calls in it, and without that DIE
    // read_code_locations cannot name the function an address belongs to
    // (its frame lost its offset). This flag keeps every function's DIE.
    debug->createCompileUnit(llvm::dwarf::DW_LANG_C, decls.debug_file, "flint", true, "", 0,
                             llvm::StringRef(), llvm::DICompileUnit::LineTablesOnly,
                             /*DWOId=*/0, /*SplitDebugInlining=*/true,
                             /*DebugInfoForProfiling=*/true);
  }
  for (const FuncType& type : wasm.types) decls.types.push_back(llvm_function_type(context, type));
  for (uint32_t i = 0; i < wasm.functions.size(); ++i) {
    llvm::FunctionType* ft = decls.types[wasm.functions[i].type_index];
    auto* f =
        llvm::Function::Create(ft, linkage, fmt::format("wasm{}", wasm.imported_functions + i), m);
    visible_to_partitions(*f);
    f->addFnAttr(llvm::Attribute::NoUnwind);
    use_wasm_calling_convention(*f, decls.wasm_cc);
    // Wasm recursion must exhaust the stack, not become a loop that skips
    // the prologue's stack check.
    f->addFnAttr("disable-tail-calls", "true");
    decls.functions.push_back(f);
  }
  std::vector<llvm::Function*> loop_entries(wasm.functions.size(), nullptr);
  auto has_loop_entry = [&](uint32_t i) {
    return loop_entry_of(wasm, target, i) != LoopEntry::None;
  };
  auto declare_loop_entry = [&](uint32_t i, llvm::GlobalValue::LinkageTypes linkage) {
    auto* f = llvm::Function::Create(FunctionCodegen::loop_entry_type(context), linkage,
                                     fmt::format("loop{}", i), m);
    visible_to_partitions(*f);
    f->addFnAttr(llvm::Attribute::NoUnwind);
    f->addFnAttr("disable-tail-calls", "true");
    return f;
  };
  for (uint32_t i : p.functions) {
    LoopEntry form = loop_entry_of(wasm, target, i);
    if (form != LoopEntry::None) {
      loop_entries[i] = declare_loop_entry(i, linkage);
      FunctionCodegen loop(decls, i, loop_entries[i]);
      FLINT_TRY(loop.emit());
    }
    if (form == LoopEntry::Only) {
      // Never inlined into the wrapper: the body is compiled once.
      loop_entries[i]->addFnAttr(llvm::Attribute::NoInline);
      FunctionCodegen::emit_call_through_loop_entry(decls, i, loop_entries[i]);
    } else {
      FunctionCodegen fc(decls, i);
      FLINT_TRY(fc.emit());
    }
  }
  if (holds_table) {
    auto* ptr = llvm::PointerType::get(context, 0);
    std::vector<llvm::Constant*> table;
    std::vector<llvm::Function*> type_entries(wasm.types.size(), nullptr);
    for (uint32_t i = 0; i < wasm.functions.size(); ++i) {
      if (!loop_entries[i] && has_loop_entry(i))  // another partition's
        loop_entries[i] = declare_loop_entry(i, llvm::GlobalValue::ExternalLinkage);
      uint32_t type_index = wasm.functions[i].type_index;
      if (!type_entries[type_index]) type_entries[type_index] = emit_type_entry(decls, type_index);
      table.push_back(decls.functions[i]);
      table.push_back(type_entries[type_index]);
      table.push_back(loop_entries[i] ? static_cast<llvm::Constant*>(loop_entries[i])
                                      : llvm::ConstantPointerNull::get(ptr));
      bool wrapper = loop_entry_of(wasm, target, i) == LoopEntry::Only;
      table.push_back(llvm::ConstantExpr::getIntToPtr(
          llvm::ConstantInt::get(llvm::Type::getInt64Ty(context), wrapper ? 1 : 0), ptr));
    }
    static_assert(kTableStride == 4, "the table's layout (abi.h)");
    auto* table_type = llvm::ArrayType::get(ptr, table.size());
    auto* g = new llvm::GlobalVariable(m, table_type, true, llvm::GlobalValue::ExternalLinkage,
                                       llvm::ConstantArray::get(table_type, table), kTableSymbol);
    g->setVisibility(llvm::GlobalValue::DefaultVisibility);
  }

  if (debug) debug->finalize();
  std::string verify_errors;
  llvm::raw_string_ostream verify_out(verify_errors);
  if (target.verify_ir && llvm::verifyModule(m, &verify_out))
    return make_error(ErrorCode::Usage,
                      "internal error: invalid LLVM IR: " + verify_errors.substr(0, 2000));

  keep_frame_info(m);
  optimize(m, *tm.machine, target.opt_level, p.effort);
  if (p.effort == Effort::FullIrQuickCodegen) expand_memory_intrinsics(m, *tm.machine);
  // The quick pipeline cut its functions' blocks as it went (optimize).
  if (optimizes_ir(p.effort) || target.opt_level == 0) split_long_blocks(m);

  llvm::SmallVector<char, 0> buffer;
  llvm::raw_svector_ostream out(buffer);
  llvm::legacy::PassManager emit;
  uint64_t largest = 0;
  for (uint32_t i : p.functions)
    largest = std::max<uint64_t>(largest, wasm.functions[i].body.size());
  bool basic = !optimizes_codegen(p.effort) && largest <= target.basic_allocator_instructions;
  {
    // The pipeline reads LLVM's options as it is built (llvm_options_lock).
    std::lock_guard<std::mutex> hold(llvm_options_lock());
    if (!add_codegen_passes(emit, *tm.machine, out, p.effort, basic))
      return make_error(ErrorCode::Usage, "the target cannot emit object files");
  }
  emit.run(m);
  return std::vector<uint8_t>(buffer.begin(), buffer.end());
}

}  // namespace

std::mutex& llvm_options_lock() {
  static std::mutex lock;
  return lock;
}

void restore_llvm_options() {
  if (optimize_regalloc_option()) optimize_regalloc_option()->setValue(llvm::cl::BOU_TRUE);
}

Effort effort_for(uint64_t module_instructions, uint64_t function_instructions,
                  const TargetOptions& target) {
  if (target.all_quick) return Effort::Quick;
  bool large_module = target.quick_module_instructions != 0 &&
                      module_instructions > target.quick_module_instructions;
  if (!large_module) return Effort::Full;
  return function_instructions > target.quick_function_instructions ? Effort::Quick
                                                                    : Effort::FullIrQuickCodegen;
}

LoopEntry loop_entry_of(const Module& wasm, const TargetOptions& target, uint32_t index) {
  if (index >= target.loop_entries.size() || !has_loop(wasm.functions[index]) ||
      !all_full_effort_size(wasm, target))
    return LoopEntry::None;
  return target.loop_entries[index];
}

std::vector<Partition> plan_partitions(const Module& wasm, const TargetOptions& target) {
  auto size_of = [](const Function& f) -> uint64_t { return f.body.size() + 1; };
  uint64_t total = 0;
  for (const Function& f : wasm.functions) total += size_of(f);
  uint32_t n = uint32_t(wasm.functions.size());
  unsigned threads =
      std::max(1u, target.threads ? target.threads : std::thread::hardware_concurrency());
  // Contiguous runs (within each effort) of about equal size, at most
  // partition_instructions each (which bounds a thread's memory), and at
  // least one per thread.
  uint64_t per = total;
  bool split = target.partition_instructions != 0 && total > target.partition_instructions && n > 1;
  if (split) {
    uint64_t count = std::max<uint64_t>(
        threads, (total + target.partition_instructions - 1) / target.partition_instructions);
    per = (total + count - 1) / count;
  }
  std::vector<Partition> partitions;
  for (Effort effort : {Effort::Full, Effort::FullIrQuickCodegen, Effort::Quick}) {
    // The Quick partitions come last, and the compile ends when its last
    // partition does: with partitions of one size, one thread could still
    // have most of one to go (0.7-1.5 s each on Go's os test binary) when
    // the other ran out. So, as guided self-scheduling does, each takes
    // only its share of what is left (a quarter of a thread's), down to a
    // quarter of `per`, and the threads run out of work about together
    // (os: 12 ms apart; its compile 0.974x the wall time, 5 alternating
    // pairs). Only Quick's: it inlines nothing, so smaller partitions give
    // the same code, where the other efforts would inline less.
    bool taper = split && effort == Effort::Quick;
    uint64_t left = 0;  // this effort's instructions in no partition yet
    for (uint32_t i = 0; i < n; ++i)
      if (effort_for(total, size_of(wasm.functions[i]), target) == effort)
        left += size_of(wasm.functions[i]);
    auto share = [&] {
      return taper ? std::clamp(left / (4 * uint64_t(threads)), per / 4, per) : per;
    };
    Partition current{.functions = {}, .effort = effort};
    uint64_t filled = 0, limit = share();
    for (uint32_t i = 0; i < n; ++i) {
      if (effort_for(total, size_of(wasm.functions[i]), target) != effort) continue;
      current.functions.push_back(i);
      filled += size_of(wasm.functions[i]);
      if (filled >= limit) {
        partitions.push_back(std::move(current));
        current = Partition{.functions = {}, .effort = effort};
        left -= filled;
        filled = 0;
        limit = share();
      }
    }
    if (!current.functions.empty()) partitions.push_back(std::move(current));
  }
  if (partitions.empty()) partitions.push_back(Partition{});  // no functions: the table alone
  return partitions;
}

Result<std::vector<uint8_t>> compile_object(const Module& wasm, const TargetOptions& target) {
  Partition all;
  for (uint32_t i = 0; i < wasm.functions.size(); ++i) all.functions.push_back(i);
  return compile_partition(wasm, target, all, true);
}

Result<std::vector<LocatedObject>> compile_objects(const Module& wasm,
                                                   const TargetOptions& target) {
  std::vector<Partition> partitions = plan_partitions(wasm, target);
  std::vector<std::optional<Result<LocatedObject>>> objects(partitions.size());
  unsigned threads =
      std::max(1u, target.threads ? target.threads : std::thread::hardware_concurrency());
  threads = std::min<unsigned>(threads, unsigned(partitions.size()));
  // Each thread takes the next partition until none is left: the largest
  // memory in use is one partition's module per thread.
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t p; (p = next.fetch_add(1)) < partitions.size();) {
      Result<std::vector<uint8_t>> object = compile_partition(wasm, target, partitions[p], p == 0);
      if (!object)
        objects[p] = std::move(object).error();
      else if (target.code_locations)
        objects[p] = locate_object(std::move(*object));
      else
        objects[p] = LocatedObject{.object = std::move(*object)};
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (std::thread& t : pool) t.join();
  std::vector<LocatedObject> out;
  for (auto& o : objects) {
    if (!*o) return std::move(*o).error();
    out.push_back(std::move(**o));
  }
  return out;
}

}  // namespace flint::aot
