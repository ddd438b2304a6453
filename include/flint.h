/* Flint's C API: compile WebAssembly, link host functions, instantiate, call
 * exports, reach memories, globals and tables, with errors and traps as
 * values. C11 and C++; implemented over the C++ API (flint/runtime.h) in
 * src/capi. Link Flint::flint_c (CMake: find_package(Flint)).
 *
 * Ownership rules
 *
 *  - A function named *_new, *_compile*, *_load_precompiled or *_instantiate
 *    hands the caller a new object, which the caller frees with the
 *    matching *_delete (flint_error_t with flint_error_delete). Every
 *    *_delete accepts NULL.
 *  - Functions, memories, globals, tables and instances (flint_func_t,
 *    flint_memory_t, flint_global_t, flint_table_t, flint_instance_t, and
 *    the flint_extern_t holding them) belong to the store that created
 *    them: valid until flint_store_delete, never freed one by one, and used
 *    only with that store.
 *  - A config is copied by flint_engine_new; an engine must outlive the
 *    modules and stores made from it; a module may be deleted once
 *    instantiated (instances keep what they need) and is shared freely
 *    between stores and threads. A store and everything in it belong to one
 *    thread at a time (flint_store_interrupt excepted).
 *  - A linker holds its definitions by reference: a store whose externs a
 *    linker holds must outlive the linker's uses of them.
 *  - Strings passed in are copied; strings and arrays returned stay owned by
 *    the object they came from (lifetime given with each function).
 *  - A failing function returns a flint_error_t* the caller owns (NULL on
 *    success). Bad input (a NULL handle, a wrong count or kind of values)
 *    is an error, never a crash.
 */
#ifndef FLINT_H
#define FLINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Handles ------------------------------------------------------------ */

/** Engine options; copied into an engine by flint_engine_new. */
typedef struct flint_config flint_config_t;
/** Options shared by the modules and stores made from it. */
typedef struct flint_engine flint_engine_t;
/** A compiled module: immutable, shareable between stores and threads. */
typedef struct flint_module flint_module_t;
/** Owns instances and host objects; one thread at a time. */
typedef struct flint_store flint_store_t;
/** Resolves imports by (module, name) and instantiates. */
typedef struct flint_linker flint_linker_t;
/** An instantiated module, owned by its store. */
typedef struct flint_instance flint_instance_t;
/** A function (wasm or host), owned by its store. */
typedef struct flint_func flint_func_t;
/** A linear memory, owned by its store. */
typedef struct flint_memory flint_memory_t;
/** A global, owned by its store. */
typedef struct flint_global flint_global_t;
/** A table, owned by its store. */
typedef struct flint_table flint_table_t;
/** What a host function sees of its caller (valid during the call only). */
typedef struct flint_caller flint_caller_t;
/** A failure or a trap: message, phase, code and, for traps, a backtrace. */
typedef struct flint_error flint_error_t;
/** WASI preview 1 options: arguments, environment, preopened directories. */
typedef struct flint_wasi_config flint_wasi_config_t;

/* ---- Values ------------------------------------------------------------- */

/** Value kinds, numbered by their binary encoding (spec 5.3.3). */
typedef enum flint_valkind {
  FLINT_I32 = 0x7F,
  FLINT_I64 = 0x7E,
  FLINT_F32 = 0x7D,
  FLINT_F64 = 0x7C,
  FLINT_V128 = 0x7B,
  FLINT_FUNCREF = 0x70,
  FLINT_EXTERNREF = 0x6F
} flint_valkind_t;

/** A typed value. `kind` says which member of `of` holds it; a NULL
 * funcref or externref is the null reference. */
typedef struct flint_val {
  flint_valkind_t kind;
  union {
    int32_t i32;
    int64_t i64;
    float f32;
    double f64;
    uint8_t v128[16]; /**< little-endian lanes */
    flint_func_t* funcref;
    void* externref; /**< whatever the host passed in */
  } of;
} flint_val_t;

/** The four kinds of imports and exports (binary encoding). */
typedef enum flint_extern_kind {
  FLINT_EXTERN_FUNC = 0,
  FLINT_EXTERN_TABLE = 1,
  FLINT_EXTERN_MEMORY = 2,
  FLINT_EXTERN_GLOBAL = 3
} flint_extern_kind_t;

/** A function, table, memory or global of a store, as imports take them and
 * exports give them; `kind` says which member of `of` is set. */
typedef struct flint_extern {
  flint_extern_kind_t kind;
  union {
    flint_func_t* func;
    flint_table_t* table;
    flint_memory_t* memory;
    flint_global_t* global;
  } of;
} flint_extern_t;

/* ---- Errors and traps ---------------------------------------------------- */

/** The stage an error belongs to. A trap is FLINT_PHASE_TRAP (fuel and
 * interruption included) or FLINT_PHASE_EXHAUSTION (call stack exhausted,
 * out of memory). */
typedef enum flint_phase {
  FLINT_PHASE_PARSE,
  FLINT_PHASE_DECODE,
  FLINT_PHASE_VALIDATE,
  FLINT_PHASE_LINK,
  FLINT_PHASE_TRAP,
  FLINT_PHASE_EXHAUSTION,
  FLINT_PHASE_HOST
} flint_phase_t;

/** One frame of a trap's wasm backtrace, innermost first. */
typedef struct flint_frame {
  uint32_t func_index;   /**< index in the module's function index space */
  const char* func_name; /**< from the name section or an export; "" if none */
  bool has_offset;       /**< whether `offset` is known */
  uint64_t offset;       /**< byte offset of the instruction in the module */
} flint_frame_t;

/** A new error with `message` (copied): what a host function returns to
 * trap its caller, whose trap then reads "host function trapped: MESSAGE"
 * (code "HostTrap", phase FLINT_PHASE_TRAP). */
flint_error_t* flint_error_new(const char* message);
/** Frees an error; NULL is ignored. */
void flint_error_delete(flint_error_t* error);
/** The message, e.g. "integer divide by zero" or "unknown import: \"env\" \"log\" (func)";
 * errors in a module's text or bytes start with their place ("3:7: " or "at
 * offset 0x1f: "). Valid until the error is deleted. */
const char* flint_error_message(const flint_error_t* error);
/** The phase of the error (FLINT_PHASE_HOST for a NULL error). */
flint_phase_t flint_error_phase(const flint_error_t* error);
/** The error's identifier in Flint's error table (include/flint/errors.def),
 * e.g. "IntegerDivideByZero", "HostTrap", "Interrupt"; static storage. */
const char* flint_error_code(const flint_error_t* error);
/** True for a trap: phase FLINT_PHASE_TRAP or FLINT_PHASE_EXHAUSTION. */
bool flint_error_is_trap(const flint_error_t* error);
/** True when the error is a WASI proc_exit; sets *status to its code. */
bool flint_error_exit_status(const flint_error_t* error, int* status);
/** Frames of a trap's backtrace (0 for other errors). */
size_t flint_error_frame_count(const flint_error_t* error);
/** Frame `index` of the backtrace, innermost first; false when out of range.
 * Its name is valid until the error is deleted. */
bool flint_error_frame(const flint_error_t* error, size_t index, flint_frame_t* out);

/* ---- Config and engine ---------------------------------------------------- */

/** Which engine runs code. */
typedef enum flint_engine_kind {
  FLINT_ENGINE_INTERP = 0, /**< the interpreter (default) */
  FLINT_ENGINE_AOT = 1     /**< LLVM ahead-of-time code (runs flint-compile) */
} flint_engine_kind_t;

/** A config with the defaults: interpreter, no fuel, 4 MiB of native stack,
 * memory bounded by its type only, not interruptible. */
flint_config_t* flint_config_new(void);
/** Frees a config; NULL is ignored. */
void flint_config_delete(flint_config_t* config);
/** Chooses the engine. */
void flint_config_engine(flint_config_t* config, flint_engine_kind_t kind);
/** Bounds each call from the host to about `fuel` units (one per call and
 * loop iteration); running out traps with "all fuel consumed". */
void flint_config_fuel(flint_config_t* config, uint64_t fuel);
/** Caps every memory at `pages` pages of 64 KiB, on top of its own maximum. */
void flint_config_max_memory_pages(flint_config_t* config, uint64_t pages);
/** Native stack a call may use before "call stack exhausted". */
void flint_config_max_stack_bytes(flint_config_t* config, uint64_t bytes);
/** Compiles interruption checks into code, so flint_store_interrupt and
 * deadlines stop a running guest with the trap "interrupt". */
void flint_config_interruptible(flint_config_t* config, bool interruptible);

/** An engine with a copy of `config` (NULL: the defaults). */
flint_engine_t* flint_engine_new(const flint_config_t* config);
/** Frees an engine; NULL is ignored. Its modules and stores go first. */
void flint_engine_delete(flint_engine_t* engine);
/** The flint-compile executable the AOT engine would run (for diagnostics):
 * $FLINT_COMPILE, beside the executable, the installed one, or the build
 * tree's; static storage of this thread, valid until the next call. */
const char* flint_aot_compiler_path(void);

/* ---- Modules --------------------------------------------------------------- */

/** Decodes, validates and compiles WebAssembly binary `bytes`. WebAssembly
 * only: a precompiled artifact is refused (see flint_module_load_precompiled). */
flint_error_t* flint_module_compile(const flint_engine_t* engine, const uint8_t* bytes, size_t size,
                                    flint_module_t** out);
/** The same from WebAssembly text (a WAT module, `size` bytes, not
 * necessarily NUL-terminated). Parse errors carry line and column in their
 * message. */
flint_error_t* flint_module_compile_wat(const flint_engine_t* engine, const char* text, size_t size,
                                        flint_module_t** out);
/** Loads an artifact of `flint compile` (.fwasm). Its machine code runs as
 * it is: only for bytes trusted like the host's own executable. */
flint_error_t* flint_module_load_precompiled(const flint_engine_t* engine, const uint8_t* bytes,
                                             size_t size, flint_module_t** out);
/** True when `bytes` look like a precompiled artifact. */
bool flint_module_is_precompiled(const uint8_t* bytes, size_t size);
/** Frees a module; NULL is ignored. Instances made from it stay valid. */
void flint_module_delete(flint_module_t* module);

/** A function type: arrays owned by whatever gave it out. */
typedef struct flint_functype {
  const flint_valkind_t* params;
  size_t param_count;
  const flint_valkind_t* results;
  size_t result_count;
} flint_functype_t;

/** Size limits of a table (elements) or memory (pages). */
typedef struct flint_limits {
  uint64_t min;
  bool has_max;
  uint64_t max;
} flint_limits_t;

/** The type of an import or export; `kind` says which members are set. */
typedef struct flint_externtype {
  flint_extern_kind_t kind;
  flint_functype_t func;       /**< FLINT_EXTERN_FUNC */
  flint_valkind_t table_elem;  /**< FLINT_EXTERN_TABLE */
  flint_limits_t limits;       /**< FLINT_EXTERN_TABLE, FLINT_EXTERN_MEMORY */
  flint_valkind_t global_type; /**< FLINT_EXTERN_GLOBAL */
  bool global_mutable;         /**< FLINT_EXTERN_GLOBAL */
} flint_externtype_t;

/** One import or export. `module` is NULL for exports. Strings and arrays
 * are owned by the module and valid until it is deleted. */
typedef struct flint_importexport {
  const char* module;
  const char* name;
  flint_externtype_t type;
} flint_importexport_t;

/** Number of imports of the module (0 for NULL). */
size_t flint_module_import_count(const flint_module_t* module);
/** Import `index`, in the order of the module; false when out of range. */
bool flint_module_import(const flint_module_t* module, size_t index, flint_importexport_t* out);
/** Number of exports of the module (0 for NULL). */
size_t flint_module_export_count(const flint_module_t* module);
/** Export `index`, in the order of the module; false when out of range. */
bool flint_module_export(const flint_module_t* module, size_t index, flint_importexport_t* out);

/* ---- Stores ------------------------------------------------------------------ */

/** A store running code with the engine's options. */
flint_store_t* flint_store_new(const flint_engine_t* engine);
/** Frees a store and everything in it (instances, functions, memories...);
 * runs the finalizers of its host functions. NULL is ignored. */
void flint_store_delete(flint_store_t* store);
/** Fuel left after the last call; false (and *out untouched) when the
 * engine has no fuel configured. */
bool flint_store_fuel_remaining(const flint_store_t* store, uint64_t* out);
/** Stops wasm code of the store at its next function entry or loop head with
 * the trap "interrupt", and every later call until
 * flint_store_clear_interrupt or a new deadline. Any thread may call it.
 * Needs flint_config_interruptible. */
void flint_store_interrupt(flint_store_t* store);
/** Interrupts the store `ms` milliseconds from now (replacing an earlier
 * deadline, clearing a past interruption). Any thread may call it. */
void flint_store_set_deadline_ms(flint_store_t* store, uint64_t ms);
/** Clears an interruption and any pending deadline. */
void flint_store_clear_interrupt(flint_store_t* store);

/* ---- Host functions ------------------------------------------------------------ */

/** A host function body. `args` holds `arg_count` values of the parameter
 * kinds; write `result_count` values of the result kinds into `results`
 * (they start as zeros of the right kinds). Return NULL, or an error
 * (flint_error_new) to trap the calling wasm code with its message; the
 * runtime takes ownership of a returned error. */
typedef flint_error_t* (*flint_func_callback_t)(void* env, flint_caller_t* caller,
                                                const flint_val_t* args, size_t arg_count,
                                                flint_val_t* results, size_t result_count);
/** Frees a host function's `env` when its store is deleted. */
typedef void (*flint_finalizer_t)(void* env);

/** A host function of type `type` in `store`, calling `callback` with `env`;
 * `finalizer` (may be NULL) receives `env` when the store is deleted, and
 * also when this function fails. */
flint_error_t* flint_func_new(flint_store_t* store, const flint_functype_t* type,
                              flint_func_callback_t callback, void* env,
                              flint_finalizer_t finalizer, flint_func_t** out);
/** The type of a function; arrays valid as long as the function. */
flint_error_t* flint_func_type(const flint_store_t* store, const flint_func_t* func,
                               flint_functype_t* out);
/** Calls `func` with `arg_count` arguments of its parameter kinds and
 * receives exactly `result_count` results (the function's count). A wrong
 * count or kind is an error; a trap is an error with a backtrace. */
flint_error_t* flint_func_call(flint_store_t* store, const flint_func_t* func,
                               const flint_val_t* args, size_t arg_count, flint_val_t* results,
                               size_t result_count);

/** The store the calling code runs in. */
flint_store_t* flint_caller_store(const flint_caller_t* caller);
/** The calling instance's memory 0; false when the host called the function
 * directly or the instance has no memory. */
bool flint_caller_memory(const flint_caller_t* caller, flint_memory_t** out);
/** An export of the calling instance by name (`size` bytes). */
bool flint_caller_export(const flint_caller_t* caller, const char* name, size_t size,
                         flint_extern_t* out);

/* ---- Linker and instances -------------------------------------------------------- */

/** An empty linker. */
flint_linker_t* flint_linker_new(void);
/** Frees a linker; NULL is ignored. Instances it made stay. */
void flint_linker_delete(flint_linker_t* linker);
/** Makes `item` importable as (module, name); a later definition replaces an
 * earlier one. */
flint_error_t* flint_linker_define(flint_linker_t* linker, const char* module, const char* name,
                                   const flint_extern_t* item);
/** flint_func_new then flint_linker_define in one call. */
flint_error_t* flint_linker_define_func(flint_linker_t* linker, flint_store_t* store,
                                        const char* module, const char* name,
                                        const flint_functype_t* type,
                                        flint_func_callback_t callback, void* env,
                                        flint_finalizer_t finalizer);
/** Makes every export of `instance` importable under `module`. */
flint_error_t* flint_linker_define_instance(flint_linker_t* linker, const char* module,
                                            const flint_instance_t* instance);
/** Resolves the module's imports ("unknown import" names module and field),
 * checks their types and instantiates, running the start function. The
 * instance belongs to `store`. */
flint_error_t* flint_linker_instantiate(const flint_linker_t* linker, flint_store_t* store,
                                        const flint_module_t* module, flint_instance_t** out);
/** An export of an instance by name (`size` bytes); false when missing. */
bool flint_instance_export(const flint_instance_t* instance, const char* name, size_t size,
                           flint_extern_t* out);

/* ---- Memories, globals, tables ------------------------------------------------------- */

/** The first byte of a memory; the pointer stays valid across grows (the
 * memory never moves) but only flint_memory_size bytes are accessible. */
uint8_t* flint_memory_data(const flint_store_t* store, const flint_memory_t* memory);
/** The memory's size in bytes (0 for NULL). */
size_t flint_memory_size(const flint_store_t* store, const flint_memory_t* memory);
/** Grows a memory by `delta` pages of 64 KiB; *old_pages gets the size
 * before. Beyond its maximum or the engine's cap it is an error. */
flint_error_t* flint_memory_grow(flint_store_t* store, flint_memory_t* memory, uint64_t delta,
                                 uint64_t* old_pages);
/** The value of a global. */
flint_error_t* flint_global_get(const flint_store_t* store, const flint_global_t* global,
                                flint_val_t* out);
/** Sets a mutable global to a value of its kind. */
flint_error_t* flint_global_set(flint_store_t* store, flint_global_t* global,
                                const flint_val_t* value);
/** The number of elements of a table (0 for NULL). */
uint64_t flint_table_size(const flint_store_t* store, const flint_table_t* table);
/** Element `index` of a table, a funcref or externref value. */
flint_error_t* flint_table_get(const flint_store_t* store, const flint_table_t* table,
                               uint64_t index, flint_val_t* out);

/* ---- WASI preview 1 ---------------------------------------------------------------- */

/** WASI options granting nothing: no arguments, environment or directories. */
flint_wasi_config_t* flint_wasi_config_new(void);
/** Frees WASI options; NULL is ignored. */
void flint_wasi_config_delete(flint_wasi_config_t* config);
/** Appends one argument (the first is argv[0], by convention the program). */
void flint_wasi_config_arg(flint_wasi_config_t* config, const char* arg);
/** Adds one environment variable. */
void flint_wasi_config_env(flint_wasi_config_t* config, const char* name, const char* value);
/** Preopens host directory `host_path` as `guest_path`, read-only if asked. */
void flint_wasi_config_preopen_dir(flint_wasi_config_t* config, const char* host_path,
                                   const char* guest_path, bool read_only);
/** Defines every wasi_snapshot_preview1 function in `linker`, as host
 * functions of `store` acting on the options in `config` (copied). A
 * directory that cannot be opened is an error. proc_exit ends the guest with
 * an error that flint_error_exit_status recognises. */
flint_error_t* flint_linker_define_wasi(flint_linker_t* linker, flint_store_t* store,
                                        const flint_wasi_config_t* config);

#ifdef __cplusplus
}  // extern "C"
#endif

#endif  // FLINT_H
