/* Embedding Flint in C (include/flint.h): compile a module from WAT text,
 * link a host function that reads the caller's memory, instantiate, call
 * exports, read memory and a global, and report a trap with its backtrace.
 * `embed-c aot` uses the AOT engine instead of the interpreter. Built and
 * run by ctest (embed/c, embed/c-aot) against the installed tree. */
#include <flint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char kWat[] =
    "(module\n"
    "  (import \"env\" \"log\" (func $log (param i32 i32)))\n"
    "  (memory (export \"memory\") 1)\n"
    "  (global (export \"calls\") (mut i32) (i32.const 0))\n"
    "  (data (i32.const 16) \"Hello from wasm\")\n"
    "  (func (export \"add\") (param i32 i32) (result i32)\n"
    "    (i32.add (local.get 0) (local.get 1)))\n"
    "  (func (export \"greet\")\n"
    "    (global.set 0 (i32.add (global.get 0) (i32.const 1)))\n"
    "    (call $log (i32.const 16) (i32.const 15)))\n"
    "  (func $divide (param i32 i32) (result i32)\n"
    "    (i32.div_s (local.get 0) (local.get 1)))\n"
    "  (func (export \"divide_by\") (param i32) (result i32)\n"
    "    (call $divide (i32.const 100) (local.get 0))))\n";

/* Prints an error and frees it; returns 1 for main. */
static int fail(const char* what, flint_error_t* error) {
  fprintf(stderr, "%s: %s (%s)\n", what, flint_error_message(error), flint_error_code(error));
  flint_error_delete(error);
  return 1;
}

/* env.log(ptr, len): prints guest bytes from the caller's memory. `env`
 * counts the calls. */
static flint_error_t* log_string(void* env, flint_caller_t* caller, const flint_val_t* args,
                                 size_t arg_count, flint_val_t* results, size_t result_count) {
  (void)arg_count, (void)results, (void)result_count;
  flint_memory_t* memory;
  if (!flint_caller_memory(caller, &memory)) return flint_error_new("log: no memory");
  flint_store_t* store = flint_caller_store(caller);
  uint64_t ptr = (uint32_t)args[0].of.i32, len = (uint32_t)args[1].of.i32;
  if (ptr + len > flint_memory_size(store, memory)) return flint_error_new("log: out of bounds");
  printf("log: %.*s\n", (int)len, (const char*)flint_memory_data(store, memory) + ptr);
  ++*(int*)env;
  return NULL;
}

static void free_counter(void* env) {
  printf("finalizer: log was called %d time(s)\n", *(int*)env);
  free(env);
}

int main(int argc, char** argv) {
  flint_config_t* config = flint_config_new();
  if (argc > 1 && strcmp(argv[1], "aot") == 0) {
    flint_config_engine(config, FLINT_ENGINE_AOT);
    printf("flint-compile: %s\n", flint_aot_compiler_path());
  }
  flint_engine_t* engine = flint_engine_new(config);
  flint_config_delete(config);

  flint_module_t* module;
  flint_error_t* error = flint_module_compile_wat(engine, kWat, sizeof kWat - 1, &module);
  if (error) return fail("compile", error);
  for (size_t i = 0; i < flint_module_import_count(module); ++i) {
    flint_importexport_t import;
    flint_module_import(module, i, &import);
    printf("import %s.%s: %zu params\n", import.module, import.name, import.type.func.param_count);
  }

  flint_store_t* store = flint_store_new(engine);
  flint_linker_t* linker = flint_linker_new();
  flint_valkind_t log_params[] = {FLINT_I32, FLINT_I32};
  flint_functype_t log_type = {log_params, 2, NULL, 0};
  int* calls = calloc(1, sizeof *calls);
  error = flint_linker_define_func(linker, store, "env", "log", &log_type, log_string, calls,
                                   free_counter);
  if (error) return fail("define", error);
  flint_instance_t* instance;
  error = flint_linker_instantiate(linker, store, module, &instance);
  if (error) return fail("instantiate", error);
  flint_module_delete(module); /* the instance keeps what it needs */

  flint_extern_t add, greet, divide_by, memory, counter;
  if (!flint_instance_export(instance, "add", 3, &add) ||
      !flint_instance_export(instance, "greet", 5, &greet) ||
      !flint_instance_export(instance, "divide_by", 9, &divide_by) ||
      !flint_instance_export(instance, "memory", 6, &memory) ||
      !flint_instance_export(instance, "calls", 5, &counter))
    return puts("missing export"), 1;

  flint_val_t args[2] = {{.kind = FLINT_I32, .of.i32 = 2}, {.kind = FLINT_I32, .of.i32 = 3}};
  flint_val_t sum;
  if ((error = flint_func_call(store, add.of.func, args, 2, &sum, 1))) return fail("add", error);
  printf("add(2, 3) = %d\n", sum.of.i32);

  /* Bad input is an error, not a crash: one argument for two parameters. */
  error = flint_func_call(store, add.of.func, args, 1, &sum, 1);
  printf("add(2): %s\n", error ? flint_error_message(error) : "no error?");
  flint_error_delete(error);

  if ((error = flint_func_call(store, greet.of.func, NULL, 0, NULL, 0)))
    return fail("greet", error);
  const uint8_t* bytes = flint_memory_data(store, memory.of.memory);
  printf("memory: %zu bytes, at 16: \"%.15s\"\n", flint_memory_size(store, memory.of.memory),
         (const char*)bytes + 16);
  flint_val_t count;
  if ((error = flint_global_get(store, counter.of.global, &count))) return fail("global", error);
  printf("global calls = %d\n", count.of.i32);

  /* A trap: its message and the wasm frames it went through. */
  flint_val_t zero = {.kind = FLINT_I32, .of.i32 = 0}, quotient;
  error = flint_func_call(store, divide_by.of.func, &zero, 1, &quotient, 1);
  if (!error || !flint_error_is_trap(error)) return puts("divide_by(0) did not trap"), 1;
  printf("trap: %s (%s)\n", flint_error_message(error), flint_error_code(error));
  for (size_t i = 0; i < flint_error_frame_count(error); ++i) {
    flint_frame_t frame;
    flint_error_frame(error, i, &frame);
    printf("  at function %u %s\n", frame.func_index,
           frame.func_name[0] ? frame.func_name : "<unnamed>");
  }
  flint_error_delete(error);

  flint_linker_delete(linker);
  flint_store_delete(store); /* runs free_counter */
  flint_engine_delete(engine);
  return 0;
}
