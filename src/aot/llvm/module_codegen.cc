// Module-level code generation: declarations, per-function translation, the
// entry wrappers the host calls, the exported function table (abi.h), the
// -O2 pipeline of LLVM's new pass manager, and object emission.
#include <fmt/format.h>
#include <llvm/Analysis/CGSCCPassManager.h>
#include <llvm/Analysis/LoopAnalysisManager.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/LegacyPassManager.h>
#include <llvm/IR/Verifier.h>
#include <llvm/MC/TargetRegistry.h>
#include <llvm/Passes/PassBuilder.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Target/TargetMachine.h>
#include <llvm/TargetParser/Host.h>

#include <mutex>

#include "aot/artifact.h"
#include "aot/cpu_features.h"
#include "aot/llvm/calling_convention.h"
#include "aot/llvm/codegen.h"
#include "aot/llvm/frame_info.h"
#include "aot/llvm/slot_values.h"
#include "aot/llvm/function_codegen.h"

namespace flint::aot {

namespace {

void initialize_llvm() {
  static std::once_flag once;
  std::call_once(once, [] {
    llvm::InitializeAllTargetInfos();
    llvm::InitializeAllTargets();
    llvm::InitializeAllTargetMCs();
    llvm::InitializeAllAsmPrinters();
  });
}

// void entry_i(ptr ctx, ptr slots): the host's way in (abi.h). Arguments are
// read from slots, results written back over them.
llvm::Function* emit_entry(ModuleDecls& d, uint32_t index) {
  llvm::LLVMContext& c = d.context;
  const FuncType& type = d.wasm.types[d.wasm.functions[index].type_index];
  llvm::Type* ptr = llvm::PointerType::get(c, 0);
  auto* ftype = llvm::FunctionType::get(llvm::Type::getVoidTy(c), {ptr, ptr}, false);
  auto* f = llvm::Function::Create(ftype, llvm::GlobalValue::InternalLinkage,
                                   fmt::format("entry{}", index), d.llvm_module);
  f->addFnAttr(llvm::Attribute::NoUnwind);
  llvm::IRBuilder<> b(llvm::BasicBlock::Create(c, "entry", f));
  llvm::Value* slots = f->getArg(1);
  std::vector<llvm::Value*> args{f->getArg(0)};
  std::vector<uint32_t> param_slots = slot_offsets(type.params);
  for (size_t i = 0; i < type.params.size(); ++i)
    args.push_back(load_slot_value(b, llvm_type(c, type.params[i]), slots, param_slots[i]));
  llvm::CallInst* ret = b.CreateCall(d.functions[index], args);
  use_wasm_calling_convention(*ret, d.wasm_cc);
  // Kept a call so that a backtrace never mistakes the wrapper for the function.
  ret->setIsNoInline();
  std::vector<uint32_t> result_slots = slot_offsets(type.results);
  for (size_t i = 0; i < type.results.size(); ++i) {
    llvm::Value* v = type.results.size() == 1 ? ret : b.CreateExtractValue(ret, i);
    store_slot_value(b, v, slots, result_slots[i]);
  }
  b.CreateRetVoid();
  return f;
}

void optimize(llvm::Module& m, llvm::TargetMachine& tm, unsigned level) {
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
  llvm::OptimizationLevel o = level >= 3   ? llvm::OptimizationLevel::O3
                              : level == 2 ? llvm::OptimizationLevel::O2
                              : level == 1 ? llvm::OptimizationLevel::O1
                                           : llvm::OptimizationLevel::O0;
  llvm::ModulePassManager mpm =
      level == 0 ? pb.buildO0DefaultPipeline(o) : pb.buildPerModuleDefaultPipeline(o);
  mpm.run(m, mam);
}

}  // namespace

Result<std::vector<uint8_t>> compile_object(const Module& wasm, const TargetOptions& target) {
  initialize_llvm();
  std::string triple = target.triple.empty() ? host_triple() : target.triple;
  std::string cpu = target.cpu;
  std::string features = target.features;
  if (target.triple.empty() && cpu.empty()) {
    cpu = host_cpu_baseline();
    features = llvm_feature_string(host_cpu_features());
  }
  std::string why;
  const llvm::Target* t = llvm::TargetRegistry::lookupTarget(triple, why);
  if (!t) return make_error(ErrorCode::Usage, fmt::format("target {}: {}", triple, why));
  llvm::TargetOptions options;
  std::unique_ptr<llvm::TargetMachine> tm(t->createTargetMachine(
      triple, cpu, features, options, llvm::Reloc::PIC_, std::nullopt,
      target.opt_level >= 2 ? llvm::CodeGenOptLevel::Default : llvm::CodeGenOptLevel::None));
  if (!tm) return make_error(ErrorCode::Usage, "cannot create a target machine for " + triple);

  llvm::LLVMContext context;
  llvm::Module m("wasm", context);
  m.setTargetTriple(triple);
  m.setDataLayout(tm->createDataLayout());
  ModuleDecls decls{.context = context,
                    .llvm_module = m,
                    .wasm = wasm,
                    .types = {},
                    .functions = {},
                    .wasm_cc = wasm_calling_convention(llvm::Triple(triple)),
                    .fuel = target.fuel,
                    .interruptible = target.interruptible,
                    .target_features = features};
  for (const FuncType& type : wasm.types) decls.types.push_back(llvm_function_type(context, type));
  for (uint32_t i = 0; i < wasm.functions.size(); ++i) {
    llvm::FunctionType* ft = decls.types[wasm.functions[i].type_index];
    auto* f = llvm::Function::Create(ft, llvm::GlobalValue::InternalLinkage,
                                     fmt::format("wasm{}", wasm.imported_functions + i), m);
    f->addFnAttr(llvm::Attribute::NoUnwind);
    use_wasm_calling_convention(*f, decls.wasm_cc);
    // Wasm recursion must exhaust the stack, not become a loop that skips
    // the prologue's stack check.
    f->addFnAttr("disable-tail-calls", "true");
    decls.functions.push_back(f);
  }
  for (uint32_t i = 0; i < wasm.functions.size(); ++i) {
    FunctionCodegen fc(decls, i);
    FLINT_TRY(fc.emit());
  }
  std::vector<llvm::Constant*> table;
  for (uint32_t i = 0; i < wasm.functions.size(); ++i) {
    table.push_back(decls.functions[i]);
    table.push_back(emit_entry(decls, i));
  }
  auto* ptr = llvm::PointerType::get(context, 0);
  auto* table_type = llvm::ArrayType::get(ptr, table.size());
  auto* g = new llvm::GlobalVariable(m, table_type, true, llvm::GlobalValue::ExternalLinkage,
                                     llvm::ConstantArray::get(table_type, table), kTableSymbol);
  g->setVisibility(llvm::GlobalValue::DefaultVisibility);

  std::string verify_errors;
  llvm::raw_string_ostream verify_out(verify_errors);
  if (llvm::verifyModule(m, &verify_out))
    return make_error(ErrorCode::Usage, "internal error: invalid LLVM IR: " + verify_errors.substr(0, 2000));

  keep_frame_info(m);
  optimize(m, *tm, target.opt_level);

  llvm::SmallVector<char, 0> buffer;
  llvm::raw_svector_ostream out(buffer);
  llvm::legacy::PassManager emit;
  if (tm->addPassesToEmitFile(emit, out, nullptr, llvm::CodeGenFileType::ObjectFile))
    return make_error(ErrorCode::Usage, "the target cannot emit object files");
  emit.run(m);
  return std::vector<uint8_t>(buffer.begin(), buffer.end());
}

}  // namespace flint::aot
