// The instantiator: a component's definitions, in binary order, over a Frame.
#include "component_runtime/instantiate.h"

#include <functional>

#include "canon/call.h"
#include "canon/handle_table.h"
#include "canon/layout.h"
#include "component/builtin_signature.h"
#include "component/type_resolver.h"
#include "component_runtime/async_builtins.h"
#include "component_runtime/frame.h"
#include "component_runtime/lifted_function.h"
#include "component_runtime/lowered_function.h"
#include "component_runtime/streams.h"
#include "component_runtime/type_resolution.h"

namespace flint::component {

namespace {

/// Where a component's imports come from: the linker at the top, the
/// instantiation arguments for a nested component.
using ImportSource = std::function<Result<Item>(const ComponentImport&)>;

Error unsupported(std::string what) {
  return make_error(ErrorCode::ComponentFeatureUnsupported, std::move(what));
}

Error wrong_sort(const std::string& name, const char* expected, const Item& got) {
  return make_error(ErrorCode::IncompatibleImportType,
                    "`" + name + "`: expected a " + expected + ", found a " + item_kind(got));
}

class Instantiator {
 public:
  /// `checked_imports`: a source whose items were checked against the
  /// import types before (PreparedInstantiation's): its imports' checks
  /// are skipped.
  Instantiator(Store& store, const CompiledComponent& compiled,
               const ImportSource* checked_imports = nullptr)
      : store_(store), compiled_(compiled), checked_imports_(checked_imports) {}

  /// Frames refer to each other in cycles: a frame's component space holds
  /// definitions whose `outer` is that frame or one nested in it (through
  /// an instance's exported definition), and so do its instances' exports.
  /// Once the instantiation is over (made or failed) no definition is run
  /// from these frames again except an exported one, so emptying these
  /// two spaces of every frame it made breaks the cycles; otherwise every
  /// instance of a component with a nested component leaked its frames,
  /// core modules and instance state. (Outer aliases may name components
  /// but never instances; an exported definition that outer-aliases a
  /// component gets an error, as item_at says.)
  ~Instantiator() {
    for (const std::shared_ptr<Frame>& f : frames_) {
      f->components.clear();
      f->instances.clear();
    }
  }

  /// Runs `component`'s definitions in a new frame below `outer`; returns
  /// the instance its exports make (not yet shared: the top level sets
  /// its owner without copying the exports).
  Result<std::shared_ptr<ComponentInstanceItem>> run(const Component& component,
                                                     std::shared_ptr<const Frame> outer,
                                                     const void* compiled,
                                                     const ImportSource& imports,
                                                     std::shared_ptr<InstanceState> parent);

 private:
  Status core_instance(Frame& f, const CoreInstance& ci);
  Status instance(Frame& f, const Instance& inst);
  Status alias(Frame& f, const Alias& a);
  Status type(Frame& f, const TypeDefinition& t);
  Status canon(Frame& f, const Canon& c);
  Status unsupported_builtin(Frame& f, const Canon& c);
  /// The async ABI's other built-ins (async_builtins.h); nothing for those
  /// not supported yet.
  Result<std::optional<Extern>> async_builtin(Frame& f, const Canon& c);
  Status task_return(Frame& f, const Canon& c);
  Status import(Frame& f, const ComponentImport& imp, const ImportSource& imports);
  /// Puts an import's item, checked before, in its index space.
  Status push_checked_import(Frame& f, const ComponentImport& imp, Item item);
  /// Checks that `given` has every export the instance type `type`
  /// (declared in `parent`'s scope) names, each of its sort, functions of
  /// the declared types.
  Status check_instance_import(const std::string& name, const InstanceType& type,
                               const ComponentInstanceItem& given, const Frame& parent);
  Result<Item> item_at(const Frame& f, const SortIndex& at);
  Status push(Frame& f, Sort sort, Item item);
  Result<CanonOptions> options(const Frame& f, const std::vector<CanonOption>& opts);

  Store& store_;
  const CompiledComponent& compiled_;
  const ImportSource* checked_imports_;
  /// Every frame this instantiation made, for the destructor.
  std::vector<std::shared_ptr<Frame>> frames_;
};

/// Whether `item` is of the sort an extern description names.
bool is_of_kind(const Item& item, ExternDesc::Kind kind) {
  switch (kind) {
    case ExternDesc::Kind::Func: return std::holds_alternative<FunctionPtr>(item);
    case ExternDesc::Kind::Type: return std::holds_alternative<TypeItem>(item);
    case ExternDesc::Kind::Instance: return std::holds_alternative<InstancePtr>(item);
    case ExternDesc::Kind::Component: return std::holds_alternative<DefinitionItem>(item);
    case ExternDesc::Kind::CoreModule: return std::holds_alternative<CoreModuleItem>(item);
    case ExternDesc::Kind::Value: return false;
  }
  return false;
}

Result<std::shared_ptr<ComponentInstanceItem>> Instantiator::run(
    const Component& component, std::shared_ptr<const Frame> outer, const void* compiled,
    const ImportSource& imports, std::shared_ptr<InstanceState> parent) {
  auto frame = std::make_shared<Frame>();
  frames_.push_back(frame);
  frame->outer = std::move(outer);
  frame->compiled = compiled;
  frame->state = std::make_shared<InstanceState>();
  frame->state->parent = std::move(parent);
  frame->state->async_values = make_async_values(*frame->state);
  auto exports = std::make_shared<ComponentInstanceItem>();
  Frame& f = *frame;
  // Each space at its final size at once, instead of growing by doubling.
  auto size = [&component](Space s) { return component.space_size(s); };
  f.core_funcs.reserve(size(Space::CoreFunc));
  f.core_tables.reserve(size(Space::CoreTable));
  f.core_memories.reserve(size(Space::CoreMemory));
  f.core_globals.reserve(size(Space::CoreGlobal));
  f.core_tags.reserve(size(Space::CoreTag));
  f.core_modules.reserve(size(Space::CoreModule));
  f.core_instances.reserve(size(Space::CoreInstance));
  f.funcs.reserve(size(Space::Func));
  f.types.reserve(size(Space::Type));
  f.components.reserve(size(Space::Component));
  f.instances.reserve(size(Space::Instance));
  for (const Section& sec : component.sections) {
    for (uint32_t k = sec.first; k < sec.first + sec.count; ++k) {
      switch (sec.id) {
        case SectionId::Custom: break;
        case SectionId::CoreModule:
          f.core_modules.push_back(compiled_.core_module(component.core_modules[k]));
          break;
        case SectionId::CoreInstance:
          FLINT_TRY(core_instance(f, component.core_instances[k]));
          break;
        case SectionId::CoreType: ++f.core_type_count; break;
        case SectionId::Component:
          f.components.push_back({component.components[k].component.get(), frame, compiled});
          break;
        case SectionId::Instance: FLINT_TRY(instance(f, component.instances[k])); break;
        case SectionId::Alias: FLINT_TRY(alias(f, component.aliases[k])); break;
        case SectionId::Type: FLINT_TRY(type(f, component.types[k])); break;
        case SectionId::Canon: FLINT_TRY(canon(f, component.canons[k])); break;
        case SectionId::Start: return unsupported("component start functions");
        case SectionId::Import: FLINT_TRY(import(f, component.imports[k], imports)); break;
        case SectionId::Export: {
          const ComponentExport& e = component.exports[k];
          FLINT_ASSIGN(Item item, item_at(f, e.item));
          FLINT_TRY(push(f, e.item.sort, item));
          exports->exports[e.name.name] = std::move(item);
          break;
        }
        case SectionId::Value: return unsupported("component value definitions");
      }
    }
  }
  return exports;
}

Status Instantiator::core_instance(Frame& f, const CoreInstance& ci) {
  auto made = std::make_shared<CoreInstanceItem>();
  if (ci.instantiate) {
    const CompiledModule& module = *f.core_modules.at(ci.module);
    std::vector<Extern> imports;
    for (const Import& imp : module.module().imports) {
      const CoreInstanceItem* from = nullptr;
      for (const CoreInstantiateArg& arg : ci.args)
        if (arg.name == imp.module) from = f.core_instances.at(arg.instance).get();
      std::optional<Extern> given = from ? from->find(imp.name) : std::nullopt;
      if (!given)
        return make_error(ErrorCode::UnknownImport,
                          "core import `" + imp.module + "` `" + imp.name + "` is not given");
      imports.push_back(*given);
    }
    FLINT_ASSIGN(made->instance, store_.instantiate(module, imports));
  } else {
    for (const CoreInlineExport& e : ci.exports) {
      const std::vector<Extern>* space = nullptr;
      switch (e.sort) {
        case CoreSort::Func: space = &f.core_funcs; break;
        case CoreSort::Table: space = &f.core_tables; break;
        case CoreSort::Memory: space = &f.core_memories; break;
        case CoreSort::Global: space = &f.core_globals; break;
        case CoreSort::Tag: space = &f.core_tags; break;
        default: return unsupported("core instances exporting core types, modules or instances");
      }
      made->exports[e.name] = space->at(e.index);
    }
  }
  f.core_instances.push_back(std::move(made));
  return {};
}

Status Instantiator::instance(Frame& f, const Instance& inst) {
  if (!inst.instantiate) {
    auto made = std::make_shared<ComponentInstanceItem>();
    for (const InlineExport& e : inst.exports) {
      FLINT_ASSIGN(Item item, item_at(f, e.item));
      made->exports[e.name.name] = std::move(item);
    }
    f.instances.push_back(std::move(made));
    return {};
  }
  const DefinitionItem& def = f.components.at(inst.component);
  std::map<std::string, Item, std::less<>> args;
  for (const InstantiateArg& a : inst.args) {
    FLINT_ASSIGN(Item item, item_at(f, a.item));
    args[a.name] = std::move(item);
  }
  ImportSource source = [&args](const ComponentImport& imp) -> Result<Item> {
    auto it = args.find(imp.name.name);
    if (it == args.end())
      return make_error(ErrorCode::UnknownImport,
                        "missing instantiation argument `" + imp.name.name + "`");
    return it->second;
  };
  FLINT_ASSIGN(InstancePtr made, run(*def.component, def.outer, def.compiled, source, f.state));
  f.instances.push_back(std::move(made));
  return {};
}

Result<Item> Instantiator::item_at(const Frame& f, const SortIndex& at) {
  switch (at.sort.kind) {
    case SortKind::Func: return Item{f.funcs.at(at.index)};
    case SortKind::Type: return Item{f.types.at(at.index)};
    case SortKind::Instance: return Item{f.instances.at(at.index)};
    case SortKind::Component:
      // Emptied when the instantiation that made `f` ended (~Instantiator).
      if (at.index >= f.components.size())
        return unsupported("a component definition of an instantiation that has ended");
      return Item{f.components.at(at.index)};
    case SortKind::Core:
      if (at.sort.core == CoreSort::Module) return Item{f.core_modules.at(at.index)};
      return unsupported("core items other than modules as component items");
    case SortKind::Value: return unsupported("component values");
  }
  return unsupported("this sort");
}

Status Instantiator::push(Frame& f, Sort sort, Item item) {
  const std::string expected(sort_name(sort));
  switch (sort.kind) {
    case SortKind::Func:
      if (auto* fn = std::get_if<FunctionPtr>(&item)) return f.funcs.push_back(*fn), Status{};
      break;
    case SortKind::Type:
      if (auto* t = std::get_if<TypeItem>(&item)) return f.types.push_back(*t), Status{};
      break;
    case SortKind::Instance:
      if (auto* i = std::get_if<InstancePtr>(&item)) return f.instances.push_back(*i), Status{};
      break;
    case SortKind::Component:
      if (auto* c = std::get_if<DefinitionItem>(&item)) return f.components.push_back(*c), Status{};
      break;
    case SortKind::Core:
      if (sort.core == CoreSort::Module)
        if (auto* m = std::get_if<CoreModuleItem>(&item))
          return f.core_modules.push_back(*m), Status{};
      break;
    case SortKind::Value: return unsupported("component values");
  }
  return make_error(ErrorCode::IncompatibleImportType,
                    "expected a " + expected + ", found a " + item_kind(item));
}

Status Instantiator::alias(Frame& f, const Alias& a) {
  switch (a.target) {
    case Alias::Target::CoreExport: {
      std::optional<Extern> given = f.core_instances.at(a.instance)->find(a.name);
      if (!given)
        return make_error(ErrorCode::UnknownImport, "core instance has no export `" + a.name + "`");
      switch (a.sort.core) {
        case CoreSort::Func: f.core_funcs.push_back(*given); break;
        case CoreSort::Table: f.core_tables.push_back(*given); break;
        case CoreSort::Memory: f.core_memories.push_back(*given); break;
        case CoreSort::Global: f.core_globals.push_back(*given); break;
        case CoreSort::Tag: f.core_tags.push_back(*given); break;
        default: return unsupported("core export aliases of types, modules or instances");
      }
      return {};
    }
    case Alias::Target::Export: {
      const ComponentInstanceItem& from = *f.instances.at(a.instance);
      auto it = from.exports.find(a.name);
      if (it == from.exports.end())
        return make_error(ErrorCode::UnknownImport, "instance has no export `" + a.name + "`");
      return push(f, a.sort, it->second);
    }
    case Alias::Target::Outer: {
      const Frame* from = &f;
      for (uint32_t i = 0; i < a.count; ++i) from = from->outer.get();
      if (a.sort.kind == SortKind::Core && a.sort.core == CoreSort::Type) {
        ++f.core_type_count;
        return {};
      }
      FLINT_ASSIGN(Item item, item_at(*from, SortIndex{a.sort, a.index}));
      return push(f, a.sort, std::move(item));
    }
  }
  return {};
}

Status Instantiator::type(Frame& f, const TypeDefinition& t) {
  const TypeDef& def = *t.type;
  const bool own_types = f.compiled == &compiled_;
  if (std::optional<TypeItem> cached = own_types ? compiled_.resolved_type(def) : std::nullopt) {
    f.types.push_back(std::move(*cached));
    return {};
  }
  auto* res = std::get_if<ResourceDef>(&def.def);
  if (!res) {
    FLINT_ASSIGN(TypeItem item, resolve_type_definition(f, def));
    if (own_types) compiled_.cache_resolved_type(def, item);
    f.types.push_back(std::move(item));
    return {};
  }
  // Resource types are generative: each instantiation makes its own.
  auto made = std::make_shared<component::ResourceType>();
  made->implementer = f.state.get();
  if (res->dtor) {
    Extern dtor = f.core_funcs.at(*res->dtor);
    Store* store = &store_;
    made->destructor = [store, dtor](uint32_t rep) -> Status {
      const Value args[] = {Value::i32_(rep)};
      FLINT_TRY(store->call(dtor, args));
      return {};
    };
  }
  TypeItem item;
  item.type = ResourceTypePtr(std::move(made));
  f.types.push_back(std::move(item));
  return {};
}

Result<CanonOptions> Instantiator::options(const Frame& f, const std::vector<CanonOption>& opts) {
  CanonOptions o;
  o.instance = f.state;
  for (const CanonOption& opt : opts) {
    switch (opt.kind) {
      case CanonOption::Kind::Utf8: o.encoding = canon::StringEncoding::Utf8; break;
      case CanonOption::Kind::Utf16: o.encoding = canon::StringEncoding::Utf16; break;
      case CanonOption::Kind::Latin1Utf16: o.encoding = canon::StringEncoding::Latin1Utf16; break;
      case CanonOption::Kind::Memory: o.memory = f.core_memories.at(opt.index); break;
      case CanonOption::Kind::Realloc: o.realloc = f.core_funcs.at(opt.index); break;
      case CanonOption::Kind::PostReturn: o.post_return = f.core_funcs.at(opt.index); break;
      case CanonOption::Kind::Async: o.async = true; break;
      case CanonOption::Kind::Callback: o.callback = f.core_funcs.at(opt.index); break;
      case CanonOption::Kind::CoreType:
      case CanonOption::Kind::Gc: return unsupported("the GC canon options");
    }
  }
  return o;
}

/// A core host function running one resource built-in on `state`'s table.
Extern resource_builtin(Store& store, CanonKind kind, ResourceTypePtr type,
                        std::shared_ptr<InstanceState> state) {
  flint::FuncType sig;
  sig.params = {flint::ValType::I32};
  if (kind != CanonKind::ResourceDrop) sig.results = {flint::ValType::I32};
  auto body = [kind, type = std::move(type), state = std::move(state)](
                  Caller&, std::span<const Value> args, std::span<Value> results) -> Status {
    // resource.rep only reads the table, so post-return may call it.
    if (kind != CanonKind::ResourceRep && !state->may_leave)
      return make_error(ErrorCode::CannotLeaveComponent);
    const uint32_t arg = args[0].i32;
    if (kind == CanonKind::ResourceNew) {
      FLINT_ASSIGN(uint32_t index, canon::resource_new(state->handles, type, arg));
      results[0] = Value::i32_(index);
      return {};
    }
    if (kind == CanonKind::ResourceRep) {
      FLINT_ASSIGN(uint32_t rep, canon::resource_rep(state->handles, type, arg));
      results[0] = Value::i32_(rep);
      return {};
    }
    return canon::resource_drop(state->handles, type, arg);
  };
  return store.host_function(std::move(sig), std::move(body), canon_info(kind).text);
}

/// The built-ins a synchronous task has too: its context slots and the
/// instance's backpressure count. Unlike the others they may be called
/// while the instance cannot leave (from post-return).
Extern task_builtin(Store& store, const Canon& c, std::shared_ptr<InstanceState> state) {
  flint::FuncType sig = *builtin_signature(c.kind);
  const uint32_t slot = c.slot;
  auto body = [kind = c.kind, slot, state = std::move(state)](
                  Caller& caller, std::span<const Value> args, std::span<Value> results) -> Status {
    if (kind == CanonKind::ContextGet || kind == CanonKind::ContextSet) {
      Thread* thread = Scheduler::of(caller.store()).current();
      if (!thread) return make_error(ErrorCode::ComponentTrap, "no task is running");
      if (slot >= thread->storage.size())
        return make_error(ErrorCode::ComponentFeatureUnsupported,
                          "context slot " + std::to_string(slot));
      if (kind == CanonKind::ContextGet)
        results[0] = Value::i32_(thread->storage[slot]);
      else
        thread->storage[slot] = args[0].i32;
      return {};
    }
    if (kind == CanonKind::BackpressureInc) {
      if (state->backpressure == 0xffff)
        return make_error(ErrorCode::ComponentFeatureUnsupported, "backpressure counter overflow");
      ++state->backpressure;
    } else {
      if (state->backpressure == 0)
        return make_error(ErrorCode::ComponentFeatureUnsupported, "backpressure counter underflow");
      --state->backpressure;
    }
    return {};
  };
  return store.host_function(std::move(sig), std::move(body), canon_info(c.kind).text);
}

Status Instantiator::canon(Frame& f, const Canon& c) {
  switch (c.kind) {
    case CanonKind::Lift: {
      const TypeItem& t = f.types.at(c.type);
      if (!t.function())
        return make_error(ErrorCode::ComponentTypeKindMismatch, "not a function type");
      FLINT_ASSIGN(CanonOptions o, options(f, c.options));
      f.funcs.push_back(
          std::make_shared<LiftedFunction>(*t.function(), f.core_funcs.at(c.func), std::move(o)));
      return {};
    }
    case CanonKind::Lower: {
      FLINT_ASSIGN(CanonOptions o, options(f, c.options));
      FunctionPtr callee = f.funcs.at(c.func);
      flint::FuncType core_type = compiled_.lowered_core_type(c, callee->type_ptr(), o.async);
      f.core_funcs.push_back(
          lower_function(store_, std::move(callee), std::move(o), std::move(core_type), "lowered"));
      return {};
    }
    case CanonKind::ResourceNew:
    case CanonKind::ResourceDrop:
    case CanonKind::ResourceRep: {
      const TypeItem& t = f.types.at(c.type);
      if (!t.resource())
        return make_error(ErrorCode::ComponentTypeKindMismatch, "not a resource type");
      f.core_funcs.push_back(resource_builtin(store_, c.kind, *t.resource(), f.state));
      return {};
    }
    case CanonKind::ContextGet:
    case CanonKind::ContextSet:
    case CanonKind::BackpressureInc:
    case CanonKind::BackpressureDec:
      f.core_funcs.push_back(task_builtin(store_, c, f.state));
      return {};
    case CanonKind::TaskReturn: return task_return(f, c);
    default: {
      FLINT_ASSIGN(std::optional<Extern> made, async_builtin(f, c));
      if (!made) return unsupported_builtin(f, c);
      f.core_funcs.push_back(*made);
      return {};
    }
  }
}

Status Instantiator::unsupported_builtin(Frame& f, const Canon& c) {
  // The async and thread built-ins do not run yet (issue 14). A component
  // that only declares them still instantiates: the core function exists
  // with its signature, checks the reentrance rule every built-in checks
  // first, then traps saying what is missing.
  std::optional<flint::FuncType> sig = builtin_signature(c.kind);
  const std::string what = std::string("canon ") + canon_info(c.kind).text;
  if (!sig) return unsupported(what + " (issue 14)");
  auto body = [what, state = f.state](Caller&, std::span<const Value>, std::span<Value>) -> Status {
    if (!state->may_leave) return make_error(ErrorCode::CannotLeaveComponent);
    return unsupported(what + " (the async built-ins are issue 14)");
  };
  if (c.lands.space == Space::Func) return unsupported(what + " (issue 14)");
  f.core_funcs.push_back(store_.host_function(std::move(*sig), std::move(body), what));
  return {};
}

Result<std::optional<Extern>> Instantiator::async_builtin(Frame& f, const Canon& c) {
  AsyncBuiltinInputs in;
  in.instance = f.state;
  FLINT_ASSIGN(in.options, options(f, c.options));
  if (builtin_signature(c.kind) &&
      (c.kind == CanonKind::WaitableSetWait || c.kind == CanonKind::WaitableSetPoll))
    in.memory = f.core_memories.at(c.memory);
  switch (c.kind) {
    case CanonKind::StreamNew:
    case CanonKind::StreamRead:
    case CanonKind::StreamWrite:
    case CanonKind::StreamCancelRead:
    case CanonKind::StreamCancelWrite:
    case CanonKind::StreamDropReadable:
    case CanonKind::StreamDropWritable:
    case CanonKind::FutureNew:
    case CanonKind::FutureRead:
    case CanonKind::FutureWrite:
    case CanonKind::FutureCancelRead:
    case CanonKind::FutureCancelWrite:
    case CanonKind::FutureDropReadable:
    case CanonKind::FutureDropWritable: {
      const ValueTypePtr* t = f.types.at(c.type).value();
      if (!t)
        return make_error(ErrorCode::ComponentTypeKindMismatch, "not a stream or future type");
      in.channel = *t;
      break;
    }
    case CanonKind::ThreadNewIndirect: in.table = f.core_tables.at(c.table); break;
    default: break;
  }
  return make_async_builtin(store_, c, std::move(in));
}

Status Instantiator::task_return(Frame& f, const Canon& c) {
  // The result travels like the parameters of a lowered function taking
  // it: flat up to 16 core values, else through a pointer into memory.
  auto delivered = std::make_shared<FunctionType>();
  if (c.result) {
    FLINT_ASSIGN(ValueTypePtr result, resolve_value_type(f, *c.result));
    delivered->params.push_back({"result", std::move(result)});
  }
  FLINT_ASSIGN(CanonOptions o, options(f, c.options));
  const canon::CoreSignature flat =
      canon::flatten_function(*delivered, canon::FlattenContext::Lower);
  auto body = [delivered, o = std::move(o)](Caller& caller, std::span<const Value> args,
                                            std::span<Value>) -> Status {
    InstanceState& state = *o.instance;
    if (!state.may_leave) return make_error(ErrorCode::CannotLeaveComponent);
    Store& store = caller.store();
    Thread* thread = Scheduler::of(store).current();
    Task* task = thread ? thread->task.get() : nullptr;
    if (!task || !task->opts->async || task->inst != &state)
      return make_error(ErrorCode::TaskReturnMismatch, "no async task is running");
    const ValueTypePtr& want = task->type->result;
    const ValueTypePtr* got = delivered->params.empty() ? nullptr : &delivered->params[0].type;
    if (!want != !got || (want && !equal(*want, **got)))
      return make_error(ErrorCode::TaskReturnMismatch);
    // A memory it reads the result from must be the task's own.
    if (o.memory && task->opts->memory && o.memory->memory != task->opts->memory->memory)
      return make_error(ErrorCode::TaskReturnMismatch);
    std::optional<StoreMemory> memory;
    canon::CallContext cx = o.context(store, task->borrows, memory);
    FLINT_ASSIGN(std::vector<ComponentValue> values, canon::lift_arguments(cx, *delivered, args));
    return task->return_(values.empty() ? std::nullopt
                                        : std::optional<ComponentValue>(std::move(values[0])));
  };
  f.core_funcs.push_back(
      store_.host_function(flint::FuncType{flat.params, {}}, std::move(body), "task.return"));
  return {};
}

Status Instantiator::check_instance_import(const std::string& name, const InstanceType& type,
                                           const ComponentInstanceItem& given,
                                           const Frame& parent) {
  // The instance type's own type space, where its declarations resolve:
  // its exported resource types are `given`'s own, so functions over them
  // compare equal only with functions of those very resources.
  Frame local;
  local.outer = std::shared_ptr<const Frame>(std::shared_ptr<const Frame>(), &parent);  // not owned
  for (const Decl& d : type.decls) {
    if (d.kind == Decl::Kind::Type) {
      FLINT_ASSIGN(TypeItem item, resolve_type_definition(local, *d.type));
      local.types.push_back(std::move(item));
      continue;
    }
    if (d.kind == Decl::Kind::Alias) {
      const Alias& a = *d.alias;
      if (a.sort.kind != SortKind::Type) continue;
      const Frame* scope = &local;
      for (uint32_t i = 0; scope && i < a.count; ++i) scope = scope->outer.get();
      if (a.target != Alias::Target::Outer || !scope || a.index >= scope->types.size())
        local.types.emplace_back();  // not resolvable here; validation checked it
      else
        local.types.push_back(scope->types[a.index]);
      continue;
    }
    if (d.kind != Decl::Kind::Export) continue;
    const std::string path = name + "#" + d.name.name;
    const char* want = entity_word(d.desc.kind);
    auto it = given.exports.find(d.name.name);
    if (it == given.exports.end())
      return make_error(ErrorCode::UnknownImport,
                        "import `" + name + "` has no " + want + " `" + d.name.name + "`");
    const Item& got = it->second;
    if (!is_of_kind(got, d.desc.kind)) return wrong_sort(path, want, got);
    switch (d.desc.kind) {
      case ExternDesc::Kind::Type:
        if (d.desc.bound.sub_resource)
          local.types.push_back(std::get<TypeItem>(got));
        else
          local.types.push_back(local.types.at(d.desc.bound.eq));
        break;
      case ExternDesc::Kind::Func:
        if (const FunctionTypePtr* declared = local.types.at(d.desc.type).function())
          if (!equal(**declared, std::get<FunctionPtr>(got)->type()))
            return make_error(ErrorCode::IncompatibleImportType,
                              "function `" + path + "` has a different type than imported");
        break;
      case ExternDesc::Kind::Instance:
        if (auto* def = std::get_if<const TypeDef*>(&local.types.at(d.desc.type).type))
          if (auto* nested = std::get_if<InstanceType>(&(*def)->def))
            FLINT_TRY(check_instance_import(path, *nested, *std::get<InstancePtr>(got), local));
        break;
      default: break;
    }
  }
  return {};
}

Status Instantiator::import(Frame& f, const ComponentImport& imp, const ImportSource& imports) {
  const std::string& name = imp.name.name;
  if (imp.desc.kind == ExternDesc::Kind::Type && !imp.desc.bound.sub_resource) {
    f.types.push_back(f.types.at(imp.desc.bound.eq));  // `(eq i)`: the same type
    return {};
  }
  FLINT_ASSIGN(Item item, imports(imp));
  if (&imports == checked_imports_) return push_checked_import(f, imp, std::move(item));
  switch (imp.desc.kind) {
    case ExternDesc::Kind::Func: {
      auto* fn = std::get_if<FunctionPtr>(&item);
      if (!fn) return wrong_sort(name, "func", item);
      const TypeItem& declared = f.types.at(imp.desc.type);
      if (declared.function() && !equal(**declared.function(), (*fn)->type()))
        return make_error(ErrorCode::IncompatibleImportType,
                          "function `" + name + "` has a different type than imported");
      f.funcs.push_back(*fn);
      return {};
    }
    case ExternDesc::Kind::Type: {
      auto* t = std::get_if<TypeItem>(&item);
      if (!t || !t->resource()) return wrong_sort(name, "resource type", item);
      f.types.push_back(*t);
      return {};
    }
    case ExternDesc::Kind::Instance: {
      auto* i = std::get_if<InstancePtr>(&item);
      if (!i) return wrong_sort(name, "instance", item);
      const TypeItem& declared = f.types.at(imp.desc.type);
      if (auto* def = std::get_if<const TypeDef*>(&declared.type))
        if (auto* it = std::get_if<InstanceType>(&(*def)->def))
          FLINT_TRY(check_instance_import(name, *it, **i, f));
      f.instances.push_back(*i);
      return {};
    }
    case ExternDesc::Kind::Component: {
      auto* c = std::get_if<DefinitionItem>(&item);
      if (!c) return wrong_sort(name, "component", item);
      f.components.push_back(*c);
      return {};
    }
    case ExternDesc::Kind::CoreModule: {
      auto* m = std::get_if<CoreModuleItem>(&item);
      if (!m) return wrong_sort(name, "core module", item);
      f.core_modules.push_back(*m);
      return {};
    }
    case ExternDesc::Kind::Value: return unsupported("component value imports");
  }
  return {};
}

Status Instantiator::push_checked_import(Frame& f, const ComponentImport& imp, Item item) {
  switch (imp.desc.kind) {
    case ExternDesc::Kind::Func: f.funcs.push_back(std::get<FunctionPtr>(std::move(item))); break;
    case ExternDesc::Kind::Type: f.types.push_back(std::get<TypeItem>(std::move(item))); break;
    case ExternDesc::Kind::Instance:
      f.instances.push_back(std::get<InstancePtr>(std::move(item)));
      break;
    case ExternDesc::Kind::Component:
      f.components.push_back(std::get<DefinitionItem>(std::move(item)));
      break;
    case ExternDesc::Kind::CoreModule:
      f.core_modules.push_back(std::get<CoreModuleItem>(std::move(item)));
      break;
    case ExternDesc::Kind::Value: return unsupported("component value imports");
  }
  return {};
}

}  // namespace

const char* item_kind(const Item& item) {
  switch (item.index()) {
    case 0: return "func";
    case 1: return "type";
    case 2: return "instance";
    case 3: return "component";
    case 4: return "core module";
  }
  return "item";
}

Result<InstancePtr> instantiate(Store& store, std::shared_ptr<const CompiledComponent> component,
                                const ComponentLinker& linker) {
  Instantiator run(store, *component);
  ImportSource source = [&linker](const ComponentImport& imp) {
    return linker.resolve(imp.name.name);
  };
  FLINT_ASSIGN(std::shared_ptr<ComponentInstanceItem> top,
               run.run(component->component(), nullptr, component.get(), source, nullptr));
  top->owner = std::move(component);
  return InstancePtr(std::move(top));
}

PreparedInstantiation::PreparedInstantiation(std::shared_ptr<const CompiledComponent> component,
                                             const ComponentLinker& linker)
    : component_(std::move(component)), linker_(linker) {}

Result<InstancePtr> PreparedInstantiation::instantiate(Store& store) {
  if (!checked_) {
    // The first time: looked up and checked as ever, the items kept.
    std::unordered_map<const ComponentImport*, Item> found;
    ImportSource source = [this, &found](const ComponentImport& imp) -> Result<Item> {
      FLINT_ASSIGN(Item item, linker_.resolve(imp.name.name));
      found.emplace(&imp, item);
      return item;
    };
    Instantiator run(store, *component_);
    FLINT_ASSIGN(std::shared_ptr<ComponentInstanceItem> top,
                 run.run(component_->component(), nullptr, component_.get(), source, nullptr));
    resolved_ = std::move(found);
    checked_ = true;
    top->owner = component_;
    return InstancePtr(std::move(top));
  }
  ImportSource source = [this](const ComponentImport& imp) -> Result<Item> {
    auto it = resolved_.find(&imp);
    if (it == resolved_.end())  // the same component always imports the same
      return make_error(ErrorCode::UnknownImport, "`" + imp.name.name + "` was not prepared");
    return it->second;
  };
  Instantiator run(store, *component_, &source);
  FLINT_ASSIGN(std::shared_ptr<ComponentInstanceItem> top,
               run.run(component_->component(), nullptr, component_.get(), source, nullptr));
  top->owner = component_;
  return InstancePtr(std::move(top));
}

Result<FunctionPtr> find_function(const ComponentInstanceItem& instance, std::string_view path) {
  const ComponentInstanceItem* scope = &instance;
  std::string_view name = path;
  if (size_t hash = path.rfind('#'); hash != std::string_view::npos) {
    auto it = instance.exports.find(path.substr(0, hash));
    if (it == instance.exports.end() || !std::get_if<InstancePtr>(&it->second))
      return make_error(ErrorCode::Usage,
                        "no exported instance `" + std::string(path.substr(0, hash)) + "`");
    scope = std::get<InstancePtr>(it->second).get();
    name = path.substr(hash + 1);
  }
  auto it = scope->exports.find(name);
  if (it == scope->exports.end() || !std::get_if<FunctionPtr>(&it->second))
    return make_error(ErrorCode::Usage, "no exported function `" + std::string(path) + "`");
  return std::get<FunctionPtr>(it->second);
}

}  // namespace flint::component
