// The two forms a WASI guest runs in from the WASI tests: the preview-1 core
// module guests/ builds, and the same module wrapped as a WASI 0.2 command
// component by the preview-1 command adapter (<name>.component.wasm, made
// by guests/CMakeLists.txt). Tests run both with the same expectations;
// component_forms.txt lists, with the reason, what a component cannot do
// alike, and such a case is checked against `wasmtime run` of the same
// component instead.
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <map>
#include <string>

#include "subprocess.h"

namespace flint::wasi_test {

/// How a guest is packaged.
enum class Form { Core, Component };

/// "" for the core module, "Component" for the component: a test name suffix.
inline std::string form_suffix(Form form) { return form == Form::Core ? "" : "Component"; }

/// The built guest `relative` (e.g. "c/files.wasm") in `form`, or an empty
/// path when it was not built. The component is copied into `scratch` under
/// the core module's file name, so the guest's argv[0] is the same in both.
inline fs::path guest_in_form(const std::string& relative, Form form, const ScratchDir& scratch) {
  fs::path core = guest(relative);
  if (form == Form::Core || core.empty()) return core;
  fs::path component = guest(relative.substr(0, relative.size() - 5) + ".component.wasm");
  if (component.empty()) return component;
  fs::path renamed = scratch.path() / core.filename();
  fs::copy_file(component, renamed, fs::copy_options::overwrite_existing);
  return renamed;
}

/// The reason `name`'s component form cannot behave as its core form, or
/// "" when it can (component_forms.txt: `NAME reason` lines, # comments).
inline std::string component_exception(const std::string& name) {
  std::ifstream in(FLINT_COMPONENT_FORMS);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const size_t space = line.find(' ');
    if (line.substr(0, space) == name) return line.substr(space + 1);
  }
  return "";
}

/// The `wasmtime` command line (on PATH or in ~/.cargo/bin), or "".
inline std::string wasmtime_cli() {
  if (std::system("command -v wasmtime > /dev/null 2>&1") == 0) return "wasmtime";
  const char* home = std::getenv("HOME");
  fs::path p = fs::path(home ? home : "") / ".cargo/bin/wasmtime";
  return access(p.c_str(), X_OK) == 0 ? p.string() : std::string();
}

}  // namespace flint::wasi_test
