// Canonical definitions checked (CanonicalABI.md, "canonopt validation"
// and flattening): options, the core signatures of lift, realloc and
// post-return, and the resource built-ins. See validation_scope.h.
#include "component/flatten.h"
#include "component/validation_scope.h"

namespace flint::component::validation {

// ---- canon ---------------------------------------------------------------------------

// wasmparser's names of the options in its messages.
const char* option_word(CanonOption::Kind k) {
  switch (k) {
    case CanonOption::Kind::Utf8: return "utf8";
    case CanonOption::Kind::Utf16: return "utf16";
    case CanonOption::Kind::Latin1Utf16: return "latin1-utf16";
    default: return option_name(k);
  }
}

// The async options of a lift or lower, which change its core signature.
static AsyncAbi async_abi(const Canon& c) {
  AsyncAbi abi;
  for (const CanonOption& o : c.options) {
    abi.async = abi.async || o.kind == CanonOption::Kind::Async;
    abi.callback = abi.callback || o.kind == CanonOption::Kind::Callback;
  }
  return abi;
}

Status canon_error(size_t offset, std::string detail) {
  return invalid_at(ErrorCode::InvalidCanonOptions, offset, std::move(detail));
}

// The canon options' rules (CanonicalABI.md, "canonopt validation"),
// given the lifted or lowered function type when there is one.
Status check_canon_options(const Scope& s, const Canon& c, const FunctionType* f) {
  std::optional<CanonOption::Kind> encoding;
  std::map<CanonOption::Kind, uint32_t> seen;
  for (const CanonOption& o : c.options) {
    const bool is_encoding = o.kind <= CanonOption::Kind::Latin1Utf16;
    if (is_encoding) {
      if (encoding)
        return canon_error(o.offset,
                           fmt::format("canonical encoding option `{}` conflicts with option `{}`",
                                       option_word(*encoding), option_word(o.kind)));
      encoding = o.kind;
    } else if (!seen.emplace(o.kind, o.index).second) {
      return canon_error(o.offset, fmt::format("canonical option `{}` is specified more than once",
                                               option_word(o.kind)));
    }
    if (std::optional<Space> space = option_space(o.kind))
      FLINT_TRY(check_index(s, *space, o.index, o.offset));
  }
  const bool lift = c.kind == CanonKind::Lift;
  if (c.kind == CanonKind::Lower && seen.count(CanonOption::Kind::PostReturn))
    return canon_error(c.offset,
                       "canonical option `post-return` cannot be specified for lowerings");
  if (seen.count(CanonOption::Kind::Realloc) && !seen.count(CanonOption::Kind::Memory))
    return canon_error(c.offset,
                       "canonical option `realloc` requires `memory` to also be specified");
  if (auto it = seen.find(CanonOption::Kind::Realloc); it != seen.end()) {
    const CoreExternType& r = s.core_funcs[it->second];
    const flint::FuncType want{
        {flint::ValType::I32, flint::ValType::I32, flint::ValType::I32, flint::ValType::I32},
        {flint::ValType::I32}};
    if (r.known && !(r.func == want))
      return canon_error(c.offset,
                         "canonical option `realloc` uses a core function with an incorrect "
                         "signature");
  }
  if (!f || f->async) return {};
  bool params = false;
  for (const auto& p : f->params) params = params || (p.type && uses_memory(*p.type));
  const bool result = f->result && uses_memory(*f->result);
  const CoreSignature flat =
      flatten_function(*f, lift ? FlattenContext::Lift : FlattenContext::Lower);
  // Spilled parameters or results also pass through memory.
  size_t flat_params = 0;
  for (const auto& p : f->params)
    if (p.type) flat_params += flatten_type(*p.type).size();
  const bool spill_params = flat_params > kMaxFlatParams;
  const bool spill_result = f->result && flatten_type(*f->result).size() > kMaxFlatResults;
  if ((params || result || spill_params || spill_result) && !seen.count(CanonOption::Kind::Memory))
    return canon_error(c.offset, "canonical option `memory` is required");
  // Lifting, the callee allocates arguments; lowering, the caller allocates results.
  const bool allocates = lift ? (params || spill_params) : result;
  if (allocates && !seen.count(CanonOption::Kind::Realloc))
    return canon_error(c.offset, "canonical option `realloc` is required");
  if (auto it = seen.find(CanonOption::Kind::PostReturn); it != seen.end()) {
    const CoreExternType& p = s.core_funcs[it->second];
    const flint::FuncType want{flat.results, {}};
    if (p.known && !(p.func == want))
      return canon_error(c.offset,
                         "canonical option `post-return` uses a core function with an incorrect "
                         "signature");
  }
  return {};
}

Status check_canon(Scope& s, const Canon& c) {
  const CanonInfo& info = canon_info(c.kind);
  CoreExternType core;  // the core function most canons define
  core.known = false;
  switch (c.kind) {
    case CanonKind::Lift: {
      FLINT_TRY(check_index(s, Space::CoreFunc, c.func, c.offset));
      FLINT_TRY(check_index(s, Space::Type, c.type, c.offset));
      const TypeEntity& t = s.types[c.type];
      if (t.kind != TypeEntity::Kind::Func)
        return invalid_at(ErrorCode::ComponentTypeKindMismatch, c.offset,
                          fmt::format("type index {} is not a function type", c.type));
      FLINT_TRY(check_canon_options(s, c, t.func.get()));
      // Only an async function may be lifted with the async ABI: a
      // synchronous one's callers never wait for it.
      if (async_abi(c).async && !t.func->async)
        return canon_error(c.offset,
                           "the `async` canonical option requires an async function type");
      const CoreExternType& f = s.core_funcs[c.func];
      if (f.known) {
        const CoreSignature want = flatten_function(*t.func, FlattenContext::Lift, async_abi(c));
        if (want.params != f.func.params)
          return invalid_at(
              ErrorCode::ComponentTypeMismatch, c.offset,
              fmt::format("lowered parameter types `{}` do not match parameter "
                          "types `{}` of core function {}",
                          debug_list(want.params), debug_list(f.func.params), c.func));
        if (want.results != f.func.results)
          return invalid_at(
              ErrorCode::ComponentTypeMismatch, c.offset,
              fmt::format("lowered result types `{}` do not match result types "
                          "`{}` of core function {}",
                          debug_list(want.results), debug_list(f.func.results), c.func));
      }
      s.funcs.push_back(t.func);
      return {};
    }
    case CanonKind::Lower: {
      FLINT_TRY(check_index(s, Space::Func, c.func, c.offset));
      const FunctionTypePtr& f = s.funcs[c.func];
      FLINT_TRY(check_canon_options(s, c, f.get()));
      if (f && async_abi(c).async && !f->async)
        return canon_error(c.offset,
                           "the `async` canonical option requires an async function type");
      if (f) {
        CoreSignature flat = flatten_function(*f, FlattenContext::Lower, async_abi(c));
        core = CoreExternType::of_func(
            flint::FuncType{std::move(flat.params), std::move(flat.results)});
      }
      s.core_funcs.push_back(core);
      return {};
    }
    case CanonKind::ResourceNew:
    case CanonKind::ResourceRep:
    case CanonKind::ResourceDrop: {
      FLINT_ASSIGN(ResourceTypePtr r, resolve_resource(s, c.type, c.offset));
      if (c.kind != CanonKind::ResourceDrop && !s.local_resources.count(r.get()))
        return invalid_at(ErrorCode::InvalidResourceUse, c.offset,
                          fmt::format("type index {} is not a local resource", c.type));
      core = CoreExternType::of_func(
          c.kind == CanonKind::ResourceDrop
              ? flint::FuncType{{flint::ValType::I32}, {}}
              : flint::FuncType{{flint::ValType::I32}, {flint::ValType::I32}});
      s.core_funcs.push_back(core);
      return {};
    }
    default: break;
  }
  // The other built-ins (async, streams, futures, error contexts,
  // threads): indices checked, core signatures not worked out.
  switch (info.imm) {
    case CanonImm::Type:
    case CanonImm::TypeOpts:
    case CanonImm::TypeAsync: FLINT_TRY(check_index(s, Space::Type, c.type, c.offset)); break;
    case CanonImm::TypeTable:
    case CanonImm::SharedTypeTable:
      FLINT_TRY(check_index(s, Space::CoreTable, c.table, c.offset));
      [[fallthrough]];
    case CanonImm::SharedType: FLINT_TRY(check_index(s, Space::CoreType, c.type, c.offset)); break;
    case CanonImm::CancelMemory:
      FLINT_TRY(check_index(s, Space::CoreMemory, c.memory, c.offset));
      break;
    case CanonImm::Results:
      if (c.result) FLINT_TRY(resolve_val(s, *c.result, c.offset));
      break;
    default: break;
  }
  FLINT_TRY(check_canon_options(s, c, nullptr));
  if (c.lands.space == Space::Func)
    s.funcs.push_back(nullptr);
  else
    s.core_funcs.push_back(core);
  return {};
}

}  // namespace flint::component::validation
