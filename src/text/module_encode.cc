// The two phases of a text module put together, and the binary module written
// from the collected sections in the order spec 5.5.2 requires.
#include "text/module_parser.h"

namespace flint::text {

namespace {

// Whether the text path writes a "name" custom section (spec 7.4 "Name
// Section", an appendix: optional). It carries function and local names from
// `$identifiers` so traps and backtraces can name functions.
constexpr bool kWriteNameSection = true;

void write_section(ByteWriter& out, uint8_t id, uint32_t count, const ByteWriter& body) {
  if (count == 0) return;
  ByteWriter content;
  content.u32(count);
  content.raw(body.bytes());
  out.u8(id);
  out.sized(content);
}

}  // namespace

Result<std::vector<uint8_t>> encode_module_fields(const std::vector<Token>& tokens, size_t begin,
                                                  size_t* end,
                                                  const std::optional<std::string>& module_name) {
  ModuleParser parser(tokens, begin, module_name);
  return parser.run(end);
}

Result<std::vector<uint8_t>> ModuleParser::run(size_t* end) {
  FLINT_TRY(scan_fields());
  cur_.seek(begin_);
  while (cur_.pos() < fields_end_) FLINT_TRY(encode_field());
  *end = fields_end_;
  return assemble();
}

std::vector<uint8_t> ModuleParser::assemble() const {
  ByteWriter out;
  out.raw(std::string_view("\0asm\1\0\0\0", 8));

  ByteWriter types;
  for (const FuncType& t : types_) {
    types.u8(0x60);
    types.u32(t.params.size());
    for (ValType v : t.params) types.u8(static_cast<uint8_t>(v));
    types.u32(t.results.size());
    for (ValType v : t.results) types.u8(static_cast<uint8_t>(v));
  }
  write_section(out, 1, static_cast<uint32_t>(types_.size()), types);
  write_section(out, 2, import_count_, imports_);
  write_section(out, 3, func_count_, functions_);
  write_section(out, 4, table_count_, tables_);
  write_section(out, 5, memory_count_, memories_);
  write_section(out, 13, tag_count_, tags_);  // the tag section precedes globals
  write_section(out, 6, global_count_, globals_);
  write_section(out, 7, export_count_, exports_);
  if (start_) {
    ByteWriter start;
    start.u32(*start_);
    out.u8(8);
    out.sized(start);
  }
  write_section(out, 9, elem_count_, elems_);
  if (uses_data_count_) {
    ByteWriter count;
    count.u32(data_count_);
    out.u8(12);
    out.sized(count);
  }
  write_section(out, 10, func_count_, code_);
  write_section(out, 11, data_count_, datas_);
  if (kWriteNameSection) write_name_section(out);
  return out.take();
}

// Subsections 0 (module name), 1 (function names) and 2 (local names), in
// that order, only for named entries.
void ModuleParser::write_name_section(ByteWriter& out) const {
  const IndexSpace& funcs = spaces_[static_cast<size_t>(Space::Func)];
  ByteWriter func_names;
  uint32_t named = 0;
  for (size_t i = 0; i < funcs.by_index.size(); ++i) {
    if (funcs.by_index[i].empty()) continue;
    func_names.u32(i);
    func_names.name(funcs.by_index[i]);
    ++named;
  }
  if (!module_name_ && named == 0 && local_names_.empty()) return;
  ByteWriter content;
  content.name("name");
  if (module_name_) {
    ByteWriter sub;
    sub.name(*module_name_);
    content.u8(0);
    content.sized(sub);
  }
  if (named > 0) {
    ByteWriter sub;
    sub.u32(named);
    sub.raw(func_names.bytes());
    content.u8(1);
    content.sized(sub);
  }
  if (!local_names_.empty()) {
    ByteWriter sub;
    sub.u32(local_names_.size());
    for (const auto& [func, locals] : local_names_) {
      sub.u32(func);
      sub.u32(locals.size());
      for (const auto& [index, name] : locals) {
        sub.u32(index);
        sub.name(name);
      }
    }
    content.u8(2);
    content.sized(sub);
  }
  out.u8(0);
  out.sized(content);
}

}  // namespace flint::text
