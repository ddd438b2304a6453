#include "shim/bundle_spec.h"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace flint::shim {

namespace {

using nlohmann::json;

/// The strings of `value` (an array of strings), or an error naming `field`.
Result<std::vector<std::string>> string_array(const json& value, const std::string& file,
                                              std::string_view field) {
  std::vector<std::string> out;
  if (value.is_null()) return out;
  if (!value.is_array())
    return make_error(ErrorCode::Usage, fmt::format("{}: {} is not an array", file, field));
  for (const auto& item : value) {
    if (!item.is_string())
      return make_error(ErrorCode::Usage, fmt::format("{}: {} holds a non-string", file, field));
    out.push_back(item.get<std::string>());
  }
  return out;
}

}  // namespace

std::string BundleSpec::sandbox_id() const {
  auto found = annotations.find("io.kubernetes.cri.sandbox-id");
  return found == annotations.end() ? std::string() : found->second;
}

bool BundleSpec::is_pod_sandbox() const {
  auto found = annotations.find("io.kubernetes.cri.container-type");
  return found != annotations.end() && found->second == "sandbox";
}

Result<BundleSpec> read_bundle_spec(const std::string& bundle) {
  std::string file = (std::filesystem::path(bundle) / "config.json").string();
  std::ifstream in(file);
  if (!in) return make_error(ErrorCode::Io, fmt::format("cannot read {}", file));
  std::stringstream text;
  text << in.rdbuf();
  json spec = json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (spec.is_discarded() || !spec.is_object())
    return make_error(ErrorCode::Usage, fmt::format("{}: not a JSON object", file));

  BundleSpec out;
  const json& process = spec.value("process", json::object());
  if (!process.is_object())
    return make_error(ErrorCode::Usage, fmt::format("{}: process is not an object", file));
  FLINT_ASSIGN(out.args, string_array(process.value("args", json()), file, "process.args"));
  FLINT_ASSIGN(out.env, string_array(process.value("env", json()), file, "process.env"));
  if (process.contains("cwd") && process["cwd"].is_string()) out.cwd = process["cwd"];

  std::string root = "rootfs";
  if (spec.contains("root") && spec["root"].is_object() && spec["root"].contains("path") &&
      spec["root"]["path"].is_string())
    root = spec["root"]["path"];
  std::filesystem::path root_path(root);
  out.root_path = (root_path.is_absolute() ? root_path : std::filesystem::path(bundle) / root_path)
                      .lexically_normal()
                      .string();

  if (spec.contains("annotations") && spec["annotations"].is_object()) {
    for (const auto& [key, value] : spec["annotations"].items())
      if (value.is_string()) out.annotations[key] = value.get<std::string>();
  }
  if (spec.contains("linux") && spec["linux"].is_object() && spec["linux"].contains("namespaces") &&
      spec["linux"]["namespaces"].is_array()) {
    for (const auto& ns : spec["linux"]["namespaces"]) {
      if (!ns.is_object() || ns.value("type", "") != "network") continue;
      out.network_namespace = ns.value("path", "");
    }
  }
  return out;
}

}  // namespace flint::shim
