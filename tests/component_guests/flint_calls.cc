// flint_calls: a reactor component's calls file (tests/component_guests/
// calls.py describes the notation) run under Flint on ONE instance, so
// resource handles made by one call can be passed to later ones. `flint run
// --invoke` makes one call per process, as `wasmtime run --invoke` does; a
// reactor test needs the handles to live across calls.
//
//   flint_calls [--dir HOST[::GUEST]] [--env NAME=VALUE] --calls FILE COMPONENT
//
// Each call prints `LINE -> RESULT`, RESULT in WAVE (component/wave.h),
// `<name>` for a result kept as `name = ...`, `()` for no result: what
// calls.py prints for wasmtime-py, so the two outputs compare byte for byte.
// Exits 77 when an import is unsatisfied (e.g. wasi:sockets, which Flint
// does not define yet), 134 after a trap, 2 on a usage or parse error.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "component/wave.h"
#include "component_runtime/compiled_component.h"
#include "component_runtime/instantiate.h"
#include "flint/runtime.h"
#include "wasi/wasi.h"
#include "wasip2/wasip2.h"

namespace {

using flint::component::ComponentValue;

constexpr int kSkipped = 77;
constexpr int kTrapped = 134;
constexpr int kUsage = 2;

// Prints `message` to stderr and returns `code`.
int fail(int code, const std::string& message) {
  std::fflush(stdout);
  std::fprintf(stderr, "flint_calls: %s\n", message.c_str());
  return code;
}

// The top-level arguments of `text` (without its parentheses), split at
// the commas outside brackets, braces, parentheses and quotes.
std::vector<std::string> split_arguments(const std::string& text) {
  std::vector<std::string> parts;
  std::string current;
  int depth = 0;
  char quote = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quote) {
      current += c;
      if (c == '\\' && i + 1 < text.size())
        current += text[++i];
      else if (c == quote)
        quote = 0;
      continue;
    }
    if (c == '"' || c == '\'') quote = c;
    if (c == '(' || c == '[' || c == '{') ++depth;
    if (c == ')' || c == ']' || c == '}') --depth;
    if (c == ',' && depth == 0) {
      parts.push_back(current);
      current.clear();
      continue;
    }
    current += c;
  }
  if (current.find_first_not_of(" \t") != std::string::npos) parts.push_back(current);
  for (std::string& p : parts) {
    p.erase(0, p.find_first_not_of(" \t"));
    p.erase(p.find_last_not_of(" \t") + 1);
  }
  return parts;
}

struct Options {
  flint::wasi::WasiOptions wasi;
  std::string calls;
  std::string component;
};

// Reads the command line; nullopt after printing why it is wrong.
std::optional<Options> parse_options(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag.rfind("--", 0) != 0) {
      o.component = flag;
      continue;
    }
    if (i + 1 >= argc) return std::nullopt;
    const std::string value = argv[++i];
    if (flag == "--calls") {
      o.calls = value;
    } else if (flag == "--env") {
      const size_t eq = value.find('=');
      o.wasi.env.emplace_back(value.substr(0, eq),
                              eq == std::string::npos ? "" : value.substr(eq + 1));
    } else if (flag == "--dir") {
      const size_t sep = value.find("::");
      flint::wasi::PreopenDir dir;
      dir.host_path = value.substr(0, sep);
      dir.guest_path = sep == std::string::npos ? value : value.substr(sep + 2);
      o.wasi.dirs.push_back(dir);
    } else {
      return std::nullopt;
    }
  }
  if (o.calls.empty() || o.component.empty()) return std::nullopt;
  o.wasi.args.push_back(o.component.substr(o.component.find_last_of('/') + 1));
  return o;
}

// Reads a whole file's bytes.
std::optional<std::vector<uint8_t>> read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

int main(int argc, char** argv) {
  auto options = parse_options(argc, argv);
  if (!options)
    return fail(kUsage, "usage: flint_calls [--dir H::G] [--env N=V] --calls FILE COMPONENT");
  auto bytes = read_bytes(options->component);
  if (!bytes) return fail(kUsage, "cannot read " + options->component);
  std::ifstream calls(options->calls);
  if (!calls) return fail(kUsage, "cannot read " + options->calls);

  flint::Config config;
  auto compiled = flint::component::CompiledComponent::compile(std::move(*bytes), config);
  if (!compiled) return fail(kUsage, compiled.error().message());
  auto ctx = flint::wasi::WasiContext::create(std::move(options->wasi));
  if (!ctx) return fail(kUsage, ctx.error().message());
  flint::Store store(config);
  flint::component::ComponentLinker linker;
  std::shared_ptr<flint::wasip2::Host> host = flint::wasip2::define_wasip2(linker, *ctx);
  auto instance = flint::component::instantiate(store, *compiled, linker);
  if (!instance) {
    const std::string why = instance.error().message();
    // An import Flint does not define (wasi:sockets today) is a gap in
    // Flint, not a wrong result: the test skips and says which.
    if (why.find("import") != std::string::npos) return fail(kSkipped, why);
    return fail(kTrapped, why);
  }

  std::string interface;
  std::map<std::string, ComponentValue> kept;
  std::string line;
  while (std::getline(calls, line)) {
    line.erase(0, line.find_first_not_of(" \t"));
    line.erase(line.find_last_not_of(" \t\r") + 1);
    if (line.empty() || line[0] == '#') continue;
    if (line.rfind("interface ", 0) == 0) {
      interface = line.substr(10);
      std::printf("%s\n", line.c_str());
      continue;
    }
    // [keep =] function(arguments)
    std::string keep;
    std::string call = line;
    const size_t eq = line.find(" = ");
    if (eq != std::string::npos && line.find('(') > eq) {
      keep = line.substr(0, eq);
      call = line.substr(eq + 3);
    }
    const size_t open = call.find('(');
    if (open == std::string::npos || call.back() != ')')
      return fail(kUsage, "cannot parse `" + line + "`");
    const std::string name = call.substr(0, open);
    auto func = flint::component::find_function(**instance,
                                                interface.empty() ? name : interface + "#" + name);
    if (!func) return fail(kUsage, func.error().message());
    const flint::component::FunctionType& type = (*func)->type();
    std::vector<std::string> texts = split_arguments(call.substr(open + 1, call.size() - open - 2));
    if (texts.size() != type.params.size())
      return fail(kUsage, "`" + line + "`: wrong number of arguments");
    std::vector<ComponentValue> args;
    for (size_t i = 0; i < texts.size(); ++i) {
      const flint::component::ValueType& pt = *type.params[i].type;
      auto named = kept.find(texts[i]);
      if (named != kept.end()) {
        // A kept handle passed on: the parameter decides own or borrow.
        ComponentValue handle = named->second;
        handle.kind = pt.kind;
        args.push_back(std::move(handle));
        continue;
      }
      auto value = flint::component::parse_wave(texts[i], pt);
      if (!value) return fail(kUsage, "`" + line + "`: " + value.error().message());
      args.push_back(std::move(*value));
    }
    auto result = (*func)->call(store, args);
    if (!result) {
      if (host->exit_code) return int(*host->exit_code);
      return fail(kTrapped, "`" + line + "` trapped: " + result.error().message());
    }
    std::string shown = "()";
    if (!keep.empty()) {
      if (*result) kept.insert_or_assign(keep, **result);
      shown = "<" + keep + ">";
    } else if (*result) {
      shown = flint::component::to_wave(**result, *type.result);
    }
    std::printf("%s -> %s\n", line.c_str(), shown.c_str());
  }
  std::fflush(stdout);
  return 0;
}
