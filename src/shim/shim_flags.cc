#include "shim/shim_flags.h"

#include <fmt/format.h>

namespace flint::shim {

Result<ShimFlags> parse_shim_flags(const std::vector<std::string>& args) {
  ShimFlags flags;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string word = args[i];
    if (!word.starts_with("-")) {
      if (!flags.action.empty())
        return make_error(ErrorCode::Usage, fmt::format("unexpected argument `{}`", word));
      flags.action = word;
      continue;
    }
    std::string name = word.substr(word.starts_with("--") ? 2 : 1);
    std::string value;
    bool has_value = false;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      has_value = true;
    }
    if (name == "debug") {
      flags.debug = !has_value || value == "true";
      continue;
    }
    if (name == "v" || name == "version") {
      flags.action = "version";
      continue;
    }
    if (name == "info") {
      flags.action = "info";
      continue;
    }
    std::string* target = name == "namespace"        ? &flags.name_space
                          : name == "address"        ? &flags.address
                          : name == "publish-binary" ? &flags.publish_binary
                          : name == "id"             ? &flags.id
                          : name == "bundle"         ? &flags.bundle
                                                     : nullptr;
    if (!target) return make_error(ErrorCode::Usage, fmt::format("unknown flag `{}`", word));
    if (!has_value) {
      if (i + 1 >= args.size())
        return make_error(ErrorCode::Usage, fmt::format("flag `{}` needs a value", word));
      value = args[++i];
    }
    *target = value;
  }
  if (flags.action.empty())
    return make_error(ErrorCode::Usage, "no action: expected start, delete, -v or -info");
  return flags;
}

}  // namespace flint::shim
