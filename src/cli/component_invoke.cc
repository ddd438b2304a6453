// Parsing a component --invoke.
#include "cli/component_invoke.h"

#include "component/wave.h"

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
