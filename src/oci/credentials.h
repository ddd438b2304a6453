// Registry credentials in Docker's client configuration,
// `$DOCKER_CONFIG/config.json` (default `~/.docker/config.json`):
// `{"auths": {"HOST": {"auth": base64("user:password")}}}`. Spin, oras,
// Docker and Flint share that file, so one `login` serves all of them.
// Credential helpers (`credsStore`) are not run: Flint executes no program
// named by a configuration file.
#pragma once

#include <optional>
#include <string>

#include "flint/result.h"

namespace flint::oci {

/// A user name and its password (or token).
struct Credentials {
  std::string username;
  std::string password;
};

/// The file Docker's configuration is in: `$DOCKER_CONFIG/config.json`, else
/// `$HOME/.docker/config.json`.
std::string docker_config_path();

/// The credentials stored for `registry` (also under Docker Hub's legacy
/// key `https://index.docker.io/v1/` for `registry-1.docker.io`); none when
/// the file or the entry is missing. A file that is not valid JSON or an
/// entry that is not base64 `user:password` is an error naming the file.
Result<std::optional<Credentials>> load_credentials(const std::string& config_path,
                                                    const std::string& registry);

/// Writes `credentials` for `registry` into the file (created 0600 with its
/// directory when missing; other keys kept), as `docker login` does.
Status store_credentials(const std::string& config_path, const std::string& registry,
                         const Credentials& credentials);

}  // namespace flint::oci
