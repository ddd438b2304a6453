#include "interp/disassemble.h"

#include <fmt/format.h>

#include <map>

#include "interp/handlers.h"

namespace flint::interp {

namespace {

// How to print an instruction's operands (its layout in handlers.h).
enum class Shape : uint8_t {
  None,          // [h] [-, -]
  Rel,           // [h] [rel, -]
  CondRel,       // [h] [cond, rel]
  CmpSS,         // [h] [a, b] [rel, -]
  CmpSI,         // [h] [a, rel] [imm]
  BrTable,       // [h] [index, count] rels...
  Pair,          // [h] [x, y]
  PairWord,      // [h] [x, y] [z, w]
  PairImm,       // [h] [x, y] [imm]
  PairImm2,      // [h] [x, y] [lo] [hi]
  CallDirect,    // [h] [CompiledFunction*] [frame, -]
  TierCheck,     // [h] [function, -] [TierUp*]
  TierCount,     // [h] [TierUp*]
  TierLoop,      // [h] [loop offset, function] [reentry slots, -] [TierUp*]
  CallDirectEh,  // [h] [CompiledFunction*] [frame, -] [table rel, -]
  PairWord2,     // [h] [x, y] [z, w] [table rel, -]
  CatchTable,    // [h] [parent rel, count] then count clauses of two words
  Simd,          // [h] [r, p0] [p1, p2] [offset, lane]
  Shuffle,       // [h] [r, p0] [p1, p2] [offset, lane] [lo] [hi] (also constant operands)
};

struct Form {
  std::string name;
  Shape shape;
};

using FormTable = std::map<Handler, Form>;

const FormTable& forms() {
  static const FormTable table = [] {
    FormTable t;
    auto add = [&](Handler h, std::string name, Shape s) {
      if (h) t.emplace(h, Form{std::move(name), s});
    };
    add(&op::br, "br", Shape::Rel);
    add(&op::br_table, "br_table", Shape::BrTable);
    add(&op::ret0, "ret0", Shape::None);
    add(&op::ret1, "ret1", Shape::Pair);
    add(&op::retn, "retn", Shape::Pair);
    add(&op::unreachable, "unreachable", Shape::None);
    add(&op::fuel, "fuel", Shape::None);
    add(&op::check_interrupt, "check_interrupt", Shape::None);
    add(&op::copy1, "copy1", Shape::Pair);
    add(&op::copy2, "copy2", Shape::Pair);
    add(&op::const64, "const64", Shape::PairImm);
    add(&op::const128, "const128", Shape::PairImm2);
    add(&op::select1, "select1", Shape::PairWord);
    add(&op::select2, "select2", Shape::PairWord);
    add(&op::call_direct, "call_direct", Shape::CallDirect);
    add(&op::tier_check, "tier_check", Shape::TierCheck);
    add(&op::tier_count, "tier_count", Shape::TierCount);
    add(&op::tier_loop, "tier_loop", Shape::TierLoop);
    add(&op::call_import, "call_import", Shape::Pair);
    add(&op::call_indirect, "call_indirect", Shape::PairWord);
    add(&op::call_direct_eh, "call_direct_eh", Shape::CallDirectEh);
    add(&op::call_import_eh, "call_import_eh", Shape::PairWord);
    add(&op::call_indirect_eh, "call_indirect_eh", Shape::PairWord2);
    add(&op::throw_, "throw", Shape::PairWord);
    add(&op::throw_ref, "throw_ref", Shape::PairWord);
    add(&op::catch_table, "catch_table", Shape::CatchTable);
    add(&op::global_get1, "global.get", Shape::Pair);
    add(&op::global_get2, "global.get2", Shape::Pair);
    add(&op::global_set1, "global.set", Shape::Pair);
    add(&op::global_set2, "global.set2", Shape::Pair);
    add(&op::ref_func, "ref.func", Shape::Pair);
    add(&op::memory_size, "memory.size", Shape::Pair);
    add(&op::memory_grow, "memory.grow", Shape::Pair);
    add(&op::memory_fill, "memory.fill", Shape::Pair);
    add(&op::memory_copy, "memory.copy", Shape::Pair);
    add(&op::memory_init, "memory.init", Shape::Pair);
    add(&op::data_drop, "data.drop", Shape::Pair);
    add(&op::select_memory, "select_memory", Shape::Pair);
    add(&op::memory_copy_between, "memory.copy_between", Shape::PairWord);
    add(&op::table_get, "table.get", Shape::PairWord);
    add(&op::table_set, "table.set", Shape::PairWord);
    add(&op::table_size, "table.size", Shape::Pair);
    add(&op::table_grow, "table.grow", Shape::Pair);
    add(&op::table_fill, "table.fill", Shape::Pair);
    add(&op::table_copy, "table.copy", Shape::PairWord);
    add(&op::table_init, "table.init", Shape::PairWord);
    add(&op::elem_drop, "elem.drop", Shape::Pair);
    for (bool wide : {false, true}) {
      std::string suffix = wide ? "64" : "";
      add(eqz_branch(wide, true), "br_if_zero" + suffix, Shape::CondRel);
      add(eqz_branch(wide, false), "br_if_nonzero" + suffix, Shape::CondRel);
    }
    for (const OpcodeInfo& o : all_opcodes()) {
      std::string text(o.text);
      if (const NumericHandlers* n = numeric_handlers(o.op)) {
        add(n->unary, text, Shape::Pair);
        add(n->ss, text, Shape::PairWord);
        add(n->si, text + ".imm", Shape::PairImm);
      }
      if (is_fusable_compare(o.op)) {
        add(compare_branch(o.op, false), "br_if " + text, Shape::CmpSS);
        add(compare_branch(o.op, true), "br_if " + text + ".imm", Shape::CmpSI);
      }
      // Loads and stores of one width share handlers: the first name stays.
      add(load_handler(o.op), text, Shape::PairWord);
      add(store_handler(o.op), text, Shape::PairWord);
      for (SimdLevel level : {SimdLevel::Portable, SimdLevel::Avx2}) {
        add(simd_handler(o.op, level), text,
            o.op == Opcode::I8x16Shuffle ? Shape::Shuffle : Shape::Simd);
        add(simd_handler(o.op, level, /*const_b=*/true), text + ".const", Shape::Shuffle);
      }
    }
    return t;
  }();
  return table;
}

}  // namespace

std::string disassemble(const CompiledFunction& f) {
  std::string out;
  const std::vector<Word>& code = f.code;
  size_t at = 0;
  while (at < code.size()) {
    auto it = forms().find(code[at].handler);
    if (it == forms().end()) {
      out += fmt::format("{:4}: <unknown handler>\n", at);
      break;
    }
    const Form& form = it->second;
    auto u = [&](size_t w, int h) { return code[at + w].u32[h]; };
    auto target = [&](int32_t rel) { return int64_t(at) + rel; };
    std::string ops;
    size_t words = 2;
    switch (form.shape) {
      case Shape::None: break;
      case Shape::Rel: ops = fmt::format("-> {}", target(code[at + 1].i32[0])); break;
      case Shape::CondRel:
        ops = fmt::format("s{} -> {}", u(1, 0), target(code[at + 1].i32[1]));
        break;
      case Shape::CmpSS:
        ops = fmt::format("s{}, s{} -> {}", u(1, 0), u(1, 1), target(code[at + 2].i32[0]));
        words = 3;
        break;
      case Shape::CmpSI:
        ops = fmt::format("s{}, {} -> {}", u(1, 0), int64_t(code[at + 2].u64),
                          target(code[at + 1].i32[1]));
        words = 3;
        break;
      case Shape::BrTable: {
        uint32_t count = u(1, 1);
        ops = fmt::format("s{} [", u(1, 0));
        for (uint32_t i = 0; i < count; ++i)
          ops += fmt::format("{}{}", i ? " " : "", target(code[at + 2 + i / 2].i32[i % 2]));
        ops += "]";
        words = 2 + (count + 1) / 2;
        break;
      }
      case Shape::Pair: ops = fmt::format("{}, {}", u(1, 0), u(1, 1)); break;
      case Shape::PairWord:
        ops = fmt::format("{}, {}, {}, {}", u(1, 0), u(1, 1), u(2, 0), u(2, 1));
        words = 3;
        break;
      case Shape::PairImm:
        ops = fmt::format("{}, {}, {}", u(1, 0), u(1, 1), int64_t(code[at + 2].u64));
        words = 3;
        break;
      case Shape::PairImm2:
        ops = fmt::format("{}, {:#x}, {:#x}", u(1, 0), code[at + 2].u64, code[at + 3].u64);
        words = 4;
        break;
      case Shape::Simd:
      case Shape::Shuffle:
        ops = fmt::format("{}, {}, {}, {}, +{}, lane {}", u(1, 0), u(1, 1), u(2, 0), u(2, 1),
                          u(3, 0), u(3, 1));
        words = 4;
        if (form.shape == Shape::Shuffle) {
          ops += fmt::format(", {:#x}, {:#x}", code[at + 4].u64, code[at + 5].u64);
          words = 6;
        }
        break;
      case Shape::TierCheck:
        ops = fmt::format("func {}", u(1, 0));
        words = 3;
        break;
      case Shape::TierCount: words = 2; break;
      case Shape::TierLoop:
        ops = fmt::format("loop @{:#x}, func {}", u(1, 0), u(1, 1));
        words = 4;
        break;
      case Shape::CallDirect:
      case Shape::CallDirectEh: {
        const auto* callee = static_cast<const CompiledFunction*>(code[at + 1].ptr);
        ops = fmt::format("func {}, frame s{}", callee->index, u(2, 0));
        words = 3;
        if (form.shape == Shape::CallDirectEh) {
          ops += fmt::format(", catch {}", target(code[at + 3].i32[0]));
          words = 4;
        }
        break;
      }
      case Shape::PairWord2:
        ops = fmt::format("{}, {}, {}, {}, catch {}", u(1, 0), u(1, 1), u(2, 0), u(2, 1),
                          target(code[at + 3].i32[0]));
        words = 4;
        break;
      case Shape::CatchTable: {
        uint32_t count = u(1, 1);
        ops = fmt::format("parent {}", code[at + 1].i32[0] ? target(code[at + 1].i32[0]) : -1);
        for (uint32_t i = 0; i < count; ++i)
          ops += fmt::format(", [kind {:#x} tag {} -> s{} at {}]", u(2 + 2 * i, 0), u(2 + 2 * i, 1),
                             u(3 + 2 * i, 0), target(code[at + 3 + 2 * i].i32[1]));
        words = 2 + 2 * count;
        break;
      }
    }
    out += fmt::format("{:4}: {}{}{}\n", at, form.name, ops.empty() ? "" : " ", ops);
    at += words;
  }
  return out;
}

}  // namespace flint::interp
