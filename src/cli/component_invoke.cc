// Parsing a component --invoke.
#include "cli/component_invoke.h"

#include "component/wave.h"
#include "component_runtime/instantiate.h"

namespace flint::cli {

Result<ComponentInvocation> parse_component_invocation(std::string_view text) {
  const size_t open = text.find('(');
  if (open == std::string_view::npos) {
    if (text.empty()) return make_error(ErrorCode::Usage, "--invoke needs a function name");
    return ComponentInvocation{std::string(text), "()"};
  }
  if (open == 0 || text.back() != ')')
    return make_error(ErrorCode::Usage,
                      "--invoke expects `name(arguments)`, as in 'greet(\"x\")', got `" +
                          std::string(text) + "`");
  return ComponentInvocation{std::string(text.substr(0, open)), std::string(text.substr(open))};
}

namespace {

// The paths of the functions called `name` in the instances `instance`
// exports, at any depth, each as `outer#inner#name`.
void collect_nested(const component::ComponentInstanceItem& instance, std::string_view name,
                    const std::string& prefix,
                    std::vector<std::pair<std::string, component::FunctionPtr>>& found) {
  for (const auto& [export_name, item] : instance.exports) {
    if (const auto* nested = std::get_if<component::InstancePtr>(&item)) {
      const std::string path = prefix + export_name + "#";
      auto it = (*nested)->exports.find(name);
      if (it != (*nested)->exports.end())
        if (const auto* f = std::get_if<component::FunctionPtr>(&it->second))
          found.emplace_back(path + std::string(name), *f);
      collect_nested(**nested, name, path, found);
    }
  }
}

}  // namespace

Result<component::FunctionPtr> find_invoked_function(
    const component::ComponentInstanceItem& instance, std::string_view name) {
  auto direct = component::find_function(instance, name);
  if (direct || name.find('#') != std::string_view::npos) return direct;
  std::vector<std::pair<std::string, component::FunctionPtr>> found;
  collect_nested(instance, name, "", found);
  if (found.empty()) return direct;
  if (found.size() > 1) {
    std::string paths;
    for (const auto& [path, f] : found) paths += (paths.empty() ? "" : ", ") + path;
    return make_error(ErrorCode::Usage,
                      "more than one export is named `" + std::string(name) + "`: " + paths);
  }
  return found.front().second;
}

Result<std::vector<component::ComponentValue>> invocation_arguments(
    const ComponentInvocation& invocation, const component::FunctionType& type) {
  // The arguments in parentheses read as one tuple of the parameter types.
  std::vector<component::ValueTypePtr> params;
  for (const component::Param& p : type.params) params.push_back(p.type);
  const component::ValueTypePtr tuple = component::ValueType::tuple(std::move(params));
  auto parsed = component::parse_wave(invocation.arguments, *tuple);
  if (!parsed) {
    Error e = std::move(parsed).error();
    e.detail = "arguments of " + invocation.function + ": " + e.detail;
    return e;
  }
  return parsed->items();
}

}  // namespace flint::cli
