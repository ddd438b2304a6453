// Docker's config.json `auths`, read and written with nlohmann-json.
#include "oci/credentials.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "oci/base64.h"

namespace flint::oci {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

/// The file's JSON, an empty object when it does not exist.
Result<json> read_config(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return json::object();
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) return make_error(ErrorCode::Io, path + ": cannot read");
  json doc = json::parse(text.str(), nullptr, false);
  if (doc.is_discarded() || !doc.is_object())
    return make_error(ErrorCode::Usage, path + ": not a JSON object (Docker's config.json)");
  return doc;
}

}  // namespace

std::string docker_config_path() {
  if (const char* dir = std::getenv("DOCKER_CONFIG"); dir && *dir)
    return (fs::path(dir) / "config.json").string();
  const char* home = std::getenv("HOME");
  return (fs::path(home && *home ? home : "/") / ".docker" / "config.json").string();
}

Result<std::optional<Credentials>> load_credentials(const std::string& config_path,
                                                    const std::string& registry) {
  auto doc = read_config(config_path);
  if (!doc) return doc.error();
  auto auths = doc->find("auths");
  if (auths == doc->end() || !auths->is_object()) return std::optional<Credentials>{};
  std::vector<std::string> keys = {registry, "https://" + registry, "http://" + registry};
  if (registry == "registry-1.docker.io")
    keys.insert(keys.end(), {"https://index.docker.io/v1/", "docker.io", "index.docker.io"});
  for (const std::string& key : keys) {
    auto entry = auths->find(key);
    if (entry == auths->end() || !entry->is_object()) continue;
    auto auth = entry->find("auth");
    if (auth == entry->end() || !auth->is_string()) continue;
    auto decoded = base64_decode(auth->get<std::string>());
    size_t colon = decoded ? decoded->find(':') : std::string::npos;
    if (colon == std::string::npos)
      return make_error(
          ErrorCode::Usage,
          fmt::format("{}: auths.\"{}\".auth is not base64 of user:password", config_path, key));
    return std::optional<Credentials>{
        Credentials{decoded->substr(0, colon), decoded->substr(colon + 1)}};
  }
  return std::optional<Credentials>{};
}

Status store_credentials(const std::string& config_path, const std::string& registry,
                         const Credentials& credentials) {
  auto doc = read_config(config_path);
  if (!doc) return doc.error();
  if (!(*doc)["auths"].is_object()) (*doc)["auths"] = json::object();
  (*doc)["auths"][registry] = {
      {"auth", base64_encode(credentials.username + ":" + credentials.password)}};
  std::error_code ec;
  fs::create_directories(fs::path(config_path).parent_path(), ec);
  if (ec) return make_error(ErrorCode::Io, config_path + ": " + ec.message());
  // Written to a temporary file with mode 0600, then renamed: a password
  // is never readable by others, and a crash leaves the old file whole.
  std::string tmp = config_path + ".flint-tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return make_error(ErrorCode::Io, tmp + ": cannot create");
  std::string text = doc->dump(1, '\t') + "\n";
  bool ok = ::write(fd, text.data(), text.size()) == ssize_t(text.size());
  ok = ::close(fd) == 0 && ok;
  if (!ok || ::rename(tmp.c_str(), config_path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return make_error(ErrorCode::Io, config_path + ": cannot write");
  }
  return {};
}

}  // namespace flint::oci
