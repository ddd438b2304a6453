// `flint registry push|pull|login` (Spin's verbs; `flint push` is `flint
// registry push`): OCI registries through src/oci. push takes a spin.toml
// (or its directory) in Spin's layout, or one .wasm/.wat in the CNCF Wasm
// artifact layout; pull fetches into the cache by digest and, with -o,
// writes the wasm (an artifact) or the app (spin.json, components/,
// files/); login checks the credentials against the registry and stores
// them in Docker's config.json.
#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <iostream>

#include "flint/wat.h"
#include "oci/blob_cache.h"
#include "oci/credentials.h"
#include "oci/file_bytes.h"
#include "oci/image_layout.h"
#include "oci/remote_app.h"
#include "oci/spin_layout.h"
#include "oci/wasm_artifact.h"
#include "serve_cli/commands.h"
#include "spin/manifest.h"

namespace flint::serve_cli {

namespace {

namespace fs = std::filesystem;

struct PushOptions {
  std::string reference;
  std::string from;  ///< spin.toml, its directory, or a .wasm/.wat file
  bool image = false;
};

struct PullOptions {
  std::string reference;
  std::string output;
  std::string cache_dir;
};

struct LoginOptions {
  std::string registry;
  std::string username;
  std::string password;
  bool password_stdin = false;
};

int fail(std::string_view verb, const Error& error) {
  fmt::print(stderr, "flint registry {}: error: {}\n", verb, error.message());
  return cli::kExitError;
}

/// A single module or component: binary, or text encoded here.
Result<oci::Artifact> wasm_file_artifact(const std::string& path) {
  auto bytes = oci::read_file_bytes(path);
  if (!bytes) return bytes.error();
  if (!bytes->starts_with(std::string_view("\0asm", 4))) {
    auto encoded = text::parse_wat(*bytes);
    if (!encoded) return make_error(encoded.error().code, path + ": " + encoded.error().describe());
    bytes = std::string(encoded->begin(), encoded->end());
  }
  auto artifact = oci::make_wasm_artifact(std::move(*bytes), oci::created_now(),
                                          fs::path(path).stem().string() + ".wasm");
  if (!artifact) return make_error(artifact.error().code, path + ": " + artifact.error().detail);
  return artifact;
}

/// A scratch directory removed when it goes out of scope.
struct ScratchDir {
  std::string path;
  ScratchDir() {
    std::string pattern = (fs::temp_directory_path() / "flint-push-XXXXXX").string();
    if (mkdtemp(pattern.data())) path = pattern;
  }
  ~ScratchDir() {
    std::error_code ec;
    if (!path.empty()) fs::remove_all(path, ec);
  }
};

int push(const PushOptions& o) {
  auto ref = oci::parse_reference(o.reference);
  if (!ref) return fail("push", ref.error());
  if (ref->tag.empty())
    return fail("push", make_error(ErrorCode::Usage, o.reference + ": push needs a tag"));
  std::string from = o.from.empty() ? "spin.toml" : o.from;
  std::error_code ec;
  bool wasm_file =
      !fs::is_directory(from, ec) && (from.ends_with(".wasm") || from.ends_with(".wat"));
  ScratchDir scratch;
  if (scratch.path.empty())
    return fail("push", make_error(ErrorCode::Io, "cannot create a temporary directory"));
  Result<oci::Artifact> artifact = make_error(ErrorCode::Usage, "nothing to push");
  if (wasm_file) {
    artifact = wasm_file_artifact(from);
    if (artifact && o.image) {
      auto wasm = std::move(artifact->layers.front().bytes);
      artifact = oci::make_wasm_image(fs::path(from).stem().string() + ".wasm", wasm);
    }
  } else {
    std::string manifest_path =
        fs::is_directory(from, ec) ? (fs::path(from) / "spin.toml").string() : from;
    auto manifest = spin::load_manifest(manifest_path);
    if (!manifest) return fail("push", manifest.error());
    artifact = o.image ? oci::make_spin_image(*manifest, scratch.path)
                       : oci::make_spin_artifact(*manifest, scratch.path);
  }
  if (!artifact) return fail("push", artifact.error());
  auto client = oci::connect(*ref);
  if (!client) return fail("push", client.error());
  auto digest = oci::push_artifact(**client, *artifact, ref->tag);
  if (!digest) return fail("push", digest.error());
  fmt::print("Pushed {}\nDigest: {}\n", ref->to_string(), *digest);
  return cli::kExitOk;
}

int pull(const PullOptions& o) {
  auto ref = oci::parse_reference(o.reference);
  if (!ref) return fail("pull", ref.error());
  oci::BlobCache cache(o.cache_dir.empty() ? oci::default_cache_dir() : o.cache_dir);
  auto pulled = oci::pull(*ref, cache);
  if (!pulled) return fail("pull", pulled.error());
  std::string where = ref->to_string();
  if (oci::is_spin_artifact(pulled->manifest)) {
    auto layer = oci::locked_app_layer(pulled->manifest, where);
    if (!layer) return fail("pull", layer.error());
    if (!o.output.empty()) {
      auto locked = cache.read(layer->digest);
      if (!locked)
        return fail("pull",
                    make_error(ErrorCode::Io, cache.path_of(layer->digest) + ": unreadable"));
      auto app = oci::materialize_spin_app(*locked, cache, o.output);
      if (!app) return fail("pull", app.error());
      for (const spin::Component& c : app->components) {
        std::error_code ec;
        fs::create_directories(fs::path(o.output) / "components", ec);
        fs::copy_file(c.source, fs::path(o.output) / "components" / (c.id + ".wasm"),
                      fs::copy_options::overwrite_existing, ec);
        if (ec) return fail("pull", make_error(ErrorCode::Io, o.output + ": " + ec.message()));
      }
    }
    fmt::print("Pulled {} (Spin app)\nDigest: {}\n", where, pulled->fetched.digest);
    return cli::kExitOk;
  }
  if (oci::is_wasm_artifact(pulled->manifest)) {
    auto digest = oci::wasm_layer_digest(pulled->manifest, where);
    if (!digest) return fail("pull", digest.error());
    if (!o.output.empty()) {
      auto wasm = cache.read(*digest);
      if (!wasm)
        return fail("pull", make_error(ErrorCode::Io, cache.path_of(*digest) + ": unreadable"));
      if (auto ok = oci::write_file_bytes(o.output, *wasm); !ok) return fail("pull", ok.error());
    }
    fmt::print("Pulled {} (wasm artifact)\nDigest: {}\nWasm: {}\n", where, pulled->fetched.digest,
               cache.path_of(*digest));
    return cli::kExitOk;
  }
  if (!o.output.empty())
    return fail("pull", make_error(ErrorCode::Registry,
                                   fmt::format("{}: config {} is neither a Spin app nor a wasm "
                                               "artifact; -o has nothing to write",
                                               where, pulled->manifest.config.media_type)));
  fmt::print("Pulled {}\nDigest: {}\n", where, pulled->fetched.digest);
  return cli::kExitOk;
}

int login(LoginOptions o) {
  if (o.password_stdin) {
    if (!o.password.empty())
      return fail("login",
                  make_error(ErrorCode::Usage, "--password and --password-stdin together"));
    std::getline(std::cin, o.password);
    if (!o.password.empty() && o.password.back() == '\r') o.password.pop_back();
  }
  if (o.username.empty() || o.password.empty())
    return fail("login", make_error(ErrorCode::Usage,
                                    "needs --username and --password (or --password-stdin)"));
  // The registry is checked through a reference to a repository of it.
  auto ref = oci::parse_reference(o.registry + "/flint-login-check");
  if (!ref || !oci::names_registry(o.registry + "/x"))
    return fail("login", make_error(ErrorCode::Usage,
                                    fmt::format("`{}` is not a registry host[:port]", o.registry)));
  oci::Credentials credentials{o.username, o.password};
  oci::RegistryClient client(*ref, credentials);
  if (auto ok = client.ping(); !ok) return fail("login", ok.error());
  std::string path = oci::docker_config_path();
  if (auto ok = oci::store_credentials(path, ref->registry, credentials); !ok)
    return fail("login", ok.error());
  fmt::print("Login Succeeded ({} in {})\n", ref->registry, path);
  return cli::kExitOk;
}

void add_push(CLI::App* cmd, CommandRunner& run) {
  auto options = std::make_shared<PushOptions>();
  cmd->add_option("reference", options->reference, "Where to push: REGISTRY/REPOSITORY:TAG")
      ->required();
  cmd->add_option("-f,--from", options->from,
                  "A spin.toml (or its directory): Spin's layout; a .wasm or .wat file: the CNCF "
                  "Wasm artifact (default: spin.toml)")
      ->type_name("MANIFEST|DIR|WASM");
  cmd->add_flag("--image", options->image,
                "Push an ordinary linux/amd64 OCI image whose one tar layer holds the app "
                "(every containerd accepts it) instead of a wasm artifact");
  cmd->callback([&run, options] { run = [options] { return push(*options); }; });
}

}  // namespace

void add_registry_command(CLI::App& app, CommandRunner& run) {
  CLI::App* registry = app.add_subcommand(
      "registry", "Push, pull and log in to OCI registries (as `spin registry`)");
  registry->require_subcommand(1);
  add_push(registry->add_subcommand("push", "Push an app or a wasm file to a registry"), run);
  add_push(app.add_subcommand("push", "Push an app or a wasm file (flint registry push)"), run);

  auto pull_options = std::make_shared<PullOptions>();
  CLI::App* pull_cmd =
      registry->add_subcommand("pull", "Pull an app or a wasm file into the cache");
  pull_cmd->add_option("reference", pull_options->reference, "REGISTRY/REPOSITORY[:TAG][@DIGEST]")
      ->required();
  pull_cmd
      ->add_option("-o,--output", pull_options->output,
                   "Also write it out: the .wasm of a wasm artifact, or a directory for a "
                   "Spin app (spin.json, components/, files/)")
      ->type_name("PATH");
  pull_cmd
      ->add_option("--cache-dir", pull_options->cache_dir,
                   "Where pulled content is kept by digest (default ~/.cache/flint/oci)")
      ->type_name("DIR");
  pull_cmd->callback(
      [&run, pull_options] { run = [pull_options] { return pull(*pull_options); }; });

  auto login_options = std::make_shared<LoginOptions>();
  CLI::App* login_cmd = registry->add_subcommand(
      "login", "Store credentials for a registry in ~/.docker/config.json");
  login_cmd->add_option("registry", login_options->registry, "HOST[:PORT]")->required();
  login_cmd->add_option("-u,--username", login_options->username, "The user name");
  login_cmd->add_option("-p,--password", login_options->password,
                        "The password or token (prefer --password-stdin)");
  login_cmd->add_flag("--password-stdin", login_options->password_stdin,
                      "Read the password from the first line of stdin");
  login_cmd->callback(
      [&run, login_options] { run = [login_options] { return login(*login_options); }; });
}

}  // namespace flint::serve_cli
