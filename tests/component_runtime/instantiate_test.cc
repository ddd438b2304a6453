// Component instances end to end, in both engines: components written in
// the text format, instantiated through the engine seam, called with
// component values; host functions behind versioned interface names;
// resources with destructors; the reentrance rules; canonical ABI traps.
#include "component_runtime/instantiate.h"

#include <gtest/gtest.h>

#include "component_run.h"
#include "component_runtime/compiled_component.h"
#include "component_runtime/host_function.h"

namespace flint::component {
namespace {

TEST_P(ComponentRun, LiftsScalarsAndStrings) {
  std::string wat = std::string(R"WAT((component
    (core module $M )WAT") +
                    kAllocator + R"WAT(
      (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
      (func (export "len") (param i32 i32) (result i32) (local.get 1))
      (func (export "hi") (result i32)
        (i32.store (i32.const 0) (i32.const 8))
        (i32.store (i32.const 4) (i32.const 2))
        (i32.store16 (i32.const 8) (i32.const 0x6968))
        (i32.const 0)))
    (core instance $m (instantiate $M))
    (func (export "add") (param "a" u32) (param "b" u32) (result u32)
      (canon lift (core func $m "add")))
    (func (export "len") (param "s" string) (result u32)
      (canon lift (core func $m "len") (memory (core memory $m "mem"))
                  (realloc (core func $m "realloc"))))
    (func (export "hi") (result string)
      (canon lift (core func $m "hi") (memory (core memory $m "mem"))))
  ))WAT";
  auto instance = instantiate_text(wat);
  ASSERT_TRUE(instance) << instance.error().describe();
  auto sum = call(*instance, "add", {u32(40), u32(2)});
  ASSERT_TRUE(sum) << sum.error().describe();
  EXPECT_EQ((*sum)->as_unsigned(), 42u);
  auto len = call(*instance, "len", {ComponentValue::string("snowman ☃")});
  ASSERT_TRUE(len) << len.error().describe();
  EXPECT_EQ((*len)->as_unsigned(), 11u);  // UTF-8 bytes
  auto hi = call(*instance, "hi");
  ASSERT_TRUE(hi) << hi.error().describe();
  EXPECT_EQ((*hi)->as_string(), "hi");
}

TEST_P(ComponentRun, InvalidUtf8FromTheGuestTrapsWithTheSpecWords) {
  auto instance = instantiate_text(R"WAT((component
    (core module $M
      (memory (export "mem") 1)
      (data (i32.const 16) "\ff\fe")
      (func (export "bad") (result i32)
        (i32.store (i32.const 0) (i32.const 16))
        (i32.store (i32.const 4) (i32.const 2))
        (i32.const 0)))
    (core instance $m (instantiate $M))
    (func (export "bad") (result string)
      (canon lift (core func $m "bad") (memory (core memory $m "mem"))))
  ))WAT");
  ASSERT_TRUE(instance) << instance.error().describe();
  auto r = call(*instance, "bad");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().phase(), Phase::Trap);
  EXPECT_NE(r.error().message().find("invalid utf-8"), std::string::npos) << r.error().message();
}

// Two components linked by a parent: a string goes from one instance's
// memory through the canonical ABI into the other's and back.
TEST_P(ComponentRun, ComponentToComponentCallsCopyStringsBetweenMemories) {
  std::string wat = std::string(R"WAT((component
    (component $Upper
      (core module $M )WAT") +
                    kAllocator + R"WAT(
        (func (export "upper") (param $p i32) (param $n i32) (result i32)
          (local $i i32) (local $c i32) (local $out i32)
          (local.set $out (call 0 (i32.const 0) (i32.const 0) (i32.const 1) (local.get $n)))
          (block $done (loop $next
            (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
            (local.set $c (i32.load8_u (i32.add (local.get $p) (local.get $i))))
            (if (i32.and (i32.ge_u (local.get $c) (i32.const 97)) (i32.le_u (local.get $c) (i32.const 122)))
              (then (local.set $c (i32.sub (local.get $c) (i32.const 32)))))
            (i32.store8 (i32.add (local.get $out) (local.get $i)) (local.get $c))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $next)))
          (i32.store (i32.const 0) (local.get $out))
          (i32.store (i32.const 4) (local.get $n))
          (i32.const 0)))
      (core instance $m (instantiate $M))
      (func (export "upper") (param "s" string) (result string)
        (canon lift (core func $m "upper") (memory (core memory $m "mem"))
                    (realloc (core func $m "realloc")))))
    (component $Caller
      (import "upper" (func $upper (param "s" string) (result string)))
      (core module $Mem )WAT" +
                    kAllocator + R"WAT()
      (core instance $mem (instantiate $Mem))
      (core func $lowered (canon lower (func $upper) (memory (core memory $mem "mem"))
                                       (realloc (core func $mem "realloc"))))
      (core module $Main
        (import "" "upper" (func $upper (param i32 i32 i32)))
        (import "" "mem" (memory 1))
        (data (i32.const 100) "hello, world")
        (func (export "run") (result i32)
          (call $upper (i32.const 100) (i32.const 12) (i32.const 200))
          (i32.load offset=4 (i32.const 200))))
      (core instance $main (instantiate $Main
        (with "" (instance (export "upper" (func $lowered)) (export "mem" (memory $mem "mem"))))))
      (func (export "run") (result u32) (canon lift (core func $main "run"))))
    (instance $u (instantiate $Upper))
    (instance $c (instantiate $Caller (with "upper" (func $u "upper"))))
    (export "upper" (func $u "upper"))
    (export "run" (func $c "run"))
  ))WAT";
  auto instance = instantiate_text(wat);
  ASSERT_TRUE(instance) << instance.error().describe();
  auto up = call(*instance, "upper", {ComponentValue::string("mixed Case 42")});
  ASSERT_TRUE(up) << up.error().describe();
  EXPECT_EQ((*up)->as_string(), "MIXED CASE 42");
  auto n = call(*instance, "run");
  ASSERT_TRUE(n) << n.error().describe();
  EXPECT_EQ((*n)->as_unsigned(), 12u);  // the length the caller got back
}

/// A host instance exporting `double: func(x: u32) -> u32`, doubling x; with
/// another `param` kind, the same function mistyped. `calls`, when given,
/// counts its calls.
InstancePtr doubling_host(TypeKind param = TypeKind::U32, int* calls = nullptr) {
  auto type = std::make_shared<FunctionType>();
  type->params.push_back({"x", ValueType::primitive(param)});
  type->result = ValueType::primitive(TypeKind::U32);
  auto host = std::make_shared<ComponentInstanceItem>();
  host->exports["double"] = FunctionPtr(std::make_shared<HostFunction>(
      type,
      [calls](Store&,
              std::span<const ComponentValue> args) -> Result<std::optional<ComponentValue>> {
        if (calls) ++*calls;
        return std::optional<ComponentValue>(u32(uint32_t(args[0].as_unsigned() * 2)));
      }));
  return host;
}

// A component importing `double` from test:math/ops@0.2.0 and exporting
// `quad`, which calls it twice through a `canon lower`.
constexpr const char* kQuadComponent = R"WAT((component
    (import "test:math/ops@0.2.0" (instance $ops
      (export "double" (func (param "x" u32) (result u32)))))
    (alias export $ops "double" (func $double))
    (core func $d (canon lower (func $double)))
    (core module $M
      (import "" "double" (func $d (param i32) (result i32)))
      (func (export "quad") (param i32) (result i32) (call $d (call $d (local.get 0)))))
    (core instance $m (instantiate $M (with "" (instance (export "double" (func $d))))))
    (func (export "quad") (param "x" u32) (result u32) (canon lift (core func $m "quad")))
  ))WAT";

// A host function behind an interface name: the component imports 0.2.0,
// the host offers 0.2.6 (semver-compatible, as wasmtime matches).
TEST_P(ComponentRun, HostInterfacesMatchSemverCompatibleVersions) {
  int calls = 0;
  ComponentLinker linker;
  linker.define("test:math/ops@0.2.6", doubling_host(TypeKind::U32, &calls));
  const char* wat = kQuadComponent;
  auto instance = instantiate_text(wat, linker);
  ASSERT_TRUE(instance) << instance.error().describe();
  auto r = call(*instance, "quad", {u32(5)});
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ((*r)->as_unsigned(), 20u);
  EXPECT_EQ(calls, 2);

  // 0.3 is another line: not satisfied, and the error says what is missing.
  ComponentLinker old;
  old.define("test:math/ops@0.3.0", doubling_host());
  auto missing = instantiate_text(wat, old);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().phase(), Phase::Link);
  EXPECT_NE(missing.error().message().find("test:math/ops"), std::string::npos);
  EXPECT_NE(missing.error().message().find("0.2.0"), std::string::npos);

  // The interface is there but lacks the function.
  ComponentLinker partial;
  partial.define("test:math/ops@0.2.1", InstancePtr(std::make_shared<ComponentInstanceItem>()));
  auto lacking = instantiate_text(wat, partial);
  ASSERT_FALSE(lacking);
  EXPECT_NE(lacking.error().message().find("double"), std::string::npos)
      << lacking.error().message();

  // The function is there with another type: refused before any call,
  // naming the function, rather than mis-lowered.
  ComponentLinker mistyped;
  mistyped.define("test:math/ops@0.2.6", doubling_host(TypeKind::U64));
  auto refused = instantiate_text(wat, mistyped);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::IncompatibleImportType);
  EXPECT_NE(refused.error().message().find("test:math/ops@0.2.0#double"), std::string::npos)
      << refused.error().message();
}

// PreparedInstantiation (a server's instance per request over one linker):
// each instance is new (its own state), and after the first the imports
// are the items found then, neither looked up nor checked again: a linker
// whose definition changed since is not consulted.
TEST_P(ComponentRun, APreparedInstantiationReusesTheImportsItFoundFirst) {
  ComponentLinker linker;
  linker.define("test:math/ops@0.2.6", doubling_host());
  auto bytes = text::parse_wat(R"WAT((component
    (import "test:math/ops@0.2.0" (instance $ops
      (export "double" (func (param "x" u32) (result u32)))))
    (alias export $ops "double" (func $double))
    (core func $d (canon lower (func $double)))
    (core module $M
      (import "" "double" (func $d (param i32) (result i32)))
      (global $calls (mut i32) (i32.const 0))
      (func (export "next") (param i32) (result i32)
        (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
        (i32.add (call $d (local.get 0)) (global.get $calls))))
    (core instance $m (instantiate $M (with "" (instance (export "double" (func $d))))))
    (func (export "next") (param "x" u32) (result u32) (canon lift (core func $m "next")))
  ))WAT");
  ASSERT_TRUE(bytes) << bytes.error().describe();
  auto compiled = CompiledComponent::compile(std::move(*bytes), config());
  ASSERT_TRUE(compiled) << compiled.error().describe();
  PreparedInstantiation prepared(*compiled, linker);
  for (int round = 0; round < 3; ++round) {
    Store store(config());
    auto instance = prepared.instantiate(store);
    ASSERT_TRUE(instance) << instance.error().describe();
    auto f = find_function(**instance, "next");
    ASSERT_TRUE(f);
    std::vector<ComponentValue> five{u32(5)};
    auto first = (*f)->call(store, five);
    ASSERT_TRUE(first) << first.error().describe();
    EXPECT_EQ((*first)->as_unsigned(), 11u) << "round " << round;  // a new instance's first call
    auto second = (*f)->call(store, five);
    ASSERT_TRUE(second);
    EXPECT_EQ((*second)->as_unsigned(), 12u);
    if (round == 0) {
      // From now on the linker offers a mistyped function: a new
      // instantiation over it is refused, the prepared one is not.
      linker.define("test:math/ops@0.2.6", doubling_host(TypeKind::U64));
      Store other(config());
      EXPECT_FALSE(instantiate(other, *compiled, linker));
    }
  }
}

// A compiled component keeps each `canon lower`'s core signature for the
// callee type it last met: instantiations over linkers whose host functions
// are other objects (each linker defines its own) take turns and each gets
// a working lowered import.
TEST_P(ComponentRun, LowersStayRightAcrossLinkersTakingTurns) {
  auto bytes = text::parse_wat(kQuadComponent);
  ASSERT_TRUE(bytes) << bytes.error().describe();
  auto compiled = CompiledComponent::compile(std::move(*bytes), config());
  ASSERT_TRUE(compiled) << compiled.error().describe();
  int calls_a = 0, calls_b = 0;
  ComponentLinker a, b;
  a.define("test:math/ops@0.2.6", doubling_host(TypeKind::U32, &calls_a));
  b.define("test:math/ops@0.2.6", doubling_host(TypeKind::U32, &calls_b));
  for (const ComponentLinker* linker : {&a, &b, &a, &b}) {
    Store store(config());
    auto instance = instantiate(store, *compiled, *linker);
    ASSERT_TRUE(instance) << instance.error().describe();
    auto f = find_function(**instance, "quad");
    ASSERT_TRUE(f);
    std::vector<ComponentValue> three{u32(3)};
    auto r = (*f)->call(store, three);
    ASSERT_TRUE(r) << r.error().describe();
    EXPECT_EQ((*r)->as_unsigned(), 12u);
  }
  EXPECT_EQ(calls_a, 4);
  EXPECT_EQ(calls_b, 4);
}

// A resource defined by the component: handles created by its constructor,
// used by a method (borrow), dropped by the host through its destructor.
TEST_P(ComponentRun, ResourcesRunTheirDestructorWhenTheLastHandleIsDropped) {
  auto instance = instantiate_text(R"WAT((component
    (core module $Dtor
      (global (export "dropped") (mut i32) (i32.const 0))
      (func (export "dtor") (param i32) (global.set 0 (local.get 0))))
    (core instance $d (instantiate $Dtor))
    (type $r (resource (rep i32) (dtor (core func $d "dtor"))))
    (core func $new (canon resource.new $r))
    (core func $rep (canon resource.rep $r))
    (core func $drop (canon resource.drop $r))
    (core module $M
      (import "" "new" (func $new (param i32) (result i32)))
      (import "" "rep" (func $rep (param i32) (result i32)))
      (import "" "drop" (func $drop (param i32)))
      (import "" "dropped" (global $dropped (mut i32)))
      (func (export "make") (param i32) (result i32) (call $new (i32.add (local.get 0) (i32.const 1000))))
      (func (export "value") (param i32) (result i32) (local.get 0))
      (func (export "last-dropped") (result i32) (global.get $dropped))
      (func (export "drop") (param i32) (call $drop (local.get 0))))
    (core instance $m (instantiate $M (with "" (instance
      (export "new" (func $new)) (export "rep" (func $rep)) (export "drop" (func $drop))
      (export "dropped" (global $d "dropped"))))))
    (export $R "thing" (type $r))
    (func (export "make") (param "v" u32) (result (own $R)) (canon lift (core func $m "make")))
    (func (export "value") (param "t" (borrow $R)) (result u32) (canon lift (core func $m "value")))
    (func (export "last-dropped") (result u32) (canon lift (core func $m "last-dropped")))
    (func (export "consume") (param "t" (own $R)) (canon lift (core func $m "drop")))
  ))WAT");
  ASSERT_TRUE(instance) << instance.error().describe();
  auto handle = call(*instance, "make", {u32(7)});
  ASSERT_TRUE(handle) << handle.error().describe();
  ASSERT_EQ((*handle)->kind, TypeKind::Own);
  const HandleValue h = (*handle)->as_handle();
  EXPECT_EQ(h.rep, 1007u);  // the implementer's own representation
  auto borrowed = ComponentValue::handle(TypeKind::Borrow, h.resource, h.rep);
  auto value = call(*instance, "value", {borrowed});
  ASSERT_TRUE(value) << value.error().describe();
  EXPECT_EQ((*value)->as_unsigned(), 1007u);  // a borrow into its implementer is the rep
  auto before = call(*instance, "last-dropped");
  ASSERT_TRUE(before);
  EXPECT_EQ((*before)->as_unsigned(), 0u);
  auto consumed =
      call(*instance, "consume", {ComponentValue::handle(TypeKind::Own, h.resource, h.rep)});
  ASSERT_TRUE(consumed) << consumed.error().describe();
  auto after = call(*instance, "last-dropped");
  ASSERT_TRUE(after);
  EXPECT_EQ((*after)->as_unsigned(), 1007u);  // the destructor ran with the rep
}

// Calling back into an instance that is running traps: `canon lift` is not
// reentrant for synchronous calls.
TEST_P(ComponentRun, ReenteringARunningInstanceTraps) {
  auto type = std::make_shared<FunctionType>();
  FunctionPtr* target = new FunctionPtr;  // set once the instance exists
  std::unique_ptr<FunctionPtr> owner(target);
  auto host = std::make_shared<ComponentInstanceItem>();
  host->exports["back"] = FunctionPtr(std::make_shared<HostFunction>(
      type,
      [this, target](Store&,
                     std::span<const ComponentValue>) -> Result<std::optional<ComponentValue>> {
        FLINT_TRY((*target)->call(store_, {}));
        return std::optional<ComponentValue>{};
      }));
  ComponentLinker linker;
  linker.define("back", InstancePtr(host));
  auto instance = instantiate_text(R"WAT((component
    (import "back" (instance $b (export "back" (func))))
    (alias export $b "back" (func $back))
    (core func $lowered (canon lower (func $back)))
    (core module $M
      (import "" "back" (func $back))
      (func (export "run") (call $back)))
    (core instance $m (instantiate $M (with "" (instance (export "back" (func $lowered))))))
    (func (export "run") (canon lift (core func $m "run")))
  ))WAT",
                                   linker);
  ASSERT_TRUE(instance) << instance.error().describe();
  auto run = find_function(**instance, "run");
  ASSERT_TRUE(run);
  *target = *run;
  auto r = (*run)->call(store_, {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::CannotEnterComponent) << r.error().describe();
  // The instance is usable again afterwards: the flag was cleared.
  *target = nullptr;
}

// post-return runs after the result is lifted, and may not call out.
TEST_P(ComponentRun, PostReturnMayNotLeaveTheInstance) {
  auto type = std::make_shared<FunctionType>();
  auto host = std::make_shared<ComponentInstanceItem>();
  host->exports["noop"] = FunctionPtr(std::make_shared<HostFunction>(
      type, [](Store&, std::span<const ComponentValue>) -> Result<std::optional<ComponentValue>> {
        return std::optional<ComponentValue>{};
      }));
  ComponentLinker linker;
  linker.define("host", InstancePtr(host));
  auto instance = instantiate_text(R"WAT((component
    (import "host" (instance $h (export "noop" (func))))
    (alias export $h "noop" (func $noop))
    (core func $lowered (canon lower (func $noop)))
    (core module $M
      (import "" "noop" (func $noop))
      (func (export "f") (result i32) (i32.const 5))
      (func (export "cleanup") (param i32) (call $noop)))
    (core instance $m (instantiate $M (with "" (instance (export "noop" (func $lowered))))))
    (func (export "f") (result u32)
      (canon lift (core func $m "f") (post-return (core func $m "cleanup"))))
  ))WAT",
                                   linker);
  ASSERT_TRUE(instance) << instance.error().describe();
  auto r = call(*instance, "f");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::CannotLeaveComponent) << r.error().describe();
}

TEST_P(ComponentRun, MalformedAndInvalidComponentsAreRefusedWithTheirPlace) {
  std::vector<uint8_t> truncated = {0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00, 0x07, 0x05};
  auto r = CompiledComponent::compile(truncated, config());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().phase(), Phase::Decode);
  EXPECT_TRUE(r.error().offset.has_value());
}

// fuzz_component's first finding: frames referred to each other in a
// cycle (a frame's space held a definition whose outer frame was that
// frame, directly or through a nested instance's exported definition), so
// every instance of such a component leaked its frames and what they hold.
// A leaked frame keeps a reference to each core module it saw: once the
// instance and its store are gone, only the compiled component may hold
// them.
TEST_P(ComponentRun, NestedComponentDefinitionsDoNotKeepTheirFramesAlive) {
  const char* wat = R"WAT((component
    (component $C
      (import "m" (core module $M (export "get" (func (result i32)))))
      (component $Inner
        (alias outer $C $M (core module $M))
        (core instance $m (instantiate $M))
        (func (export "get") (result u32) (canon lift (core func $m "get"))))
      (export "inner" (component $Inner)))
    (core module $M1 (func (export "get") (result i32) (i32.const 410)))
    (instance $c1 (instantiate $C (with "m" (core module $M1))))
    (alias export $c1 "inner" (component $I1))
    (instance $i1 (instantiate $I1))
    (component $Local)
    (instance $l (instantiate $Local))
    (export "get" (func $i1 "get")))
  )WAT";
  auto bytes = text::parse_wat(wat);
  ASSERT_TRUE(bytes) << bytes.error().describe();
  auto compiled = CompiledComponent::compile(std::move(*bytes), config());
  ASSERT_TRUE(compiled) << compiled.error().describe();
  const CoreModuleItem& m1 = (*compiled)->core_module((*compiled)->component().core_modules[0]);
  const long before = m1.use_count();
  {
    Store store(config());
    auto instance = instantiate(store, *compiled, {});
    ASSERT_TRUE(instance) << instance.error().describe();
    auto get = find_function(**instance, "get");
    ASSERT_TRUE(get);
    auto got = (*get)->call(store, {});
    ASSERT_TRUE(got) << got.error().describe();
    EXPECT_EQ((*got)->as_unsigned(), 410u);
  }
  EXPECT_EQ(m1.use_count(), before);
}

INSTANTIATE_COMPONENT_RUN_ENGINES(ComponentRun);

}  // namespace
}  // namespace flint::component
