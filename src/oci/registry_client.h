// A client of the OCI distribution spec (v1.1, "spec.md": pull, push, and
// the token authentication of distribution's docs/spec/auth/token.md) over
// libcurl: manifests and blobs of one repository. Plain HTTP only to this
// machine's registries (as Docker, Spin and oras), HTTPS with the system's
// CAs everywhere else. Everything it receives is bounded and checked: a
// manifest above 4 MiB, a blob above its descriptor's size, or content whose
// SHA-256 is not its digest is an error, never stored.
#pragma once

#include <curl/curl.h>

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "flint/result.h"
#include "oci/credentials.h"
#include "oci/image_manifest.h"
#include "oci/reference.h"

namespace flint::oci {

/// The distribution spec's manifest size limit that registries apply (4 MiB).
inline constexpr uint64_t kMaxManifestSize = 4u << 20;
/// The largest blob Flint holds in memory (1 GiB): a manifest claiming more
/// is refused before any byte is fetched.
inline constexpr uint64_t kMaxBlobSize = 1u << 30;

/// A manifest as fetched: its exact bytes (their digest is its name).
struct FetchedManifest {
  std::string bytes;
  std::string media_type;  ///< from the document, else Content-Type
  std::string digest;      ///< sha256 of `bytes`
};

/// One repository of one registry. Not thread-safe (one curl handle).
class RegistryClient {
 public:
  /// A client of `ref`'s registry and repository, with `credentials` for
  /// Basic authentication and for the bearer token service.
  RegistryClient(const Reference& ref, std::optional<Credentials> credentials);
  ~RegistryClient();
  RegistryClient(const RegistryClient&) = delete;
  RegistryClient& operator=(const RegistryClient&) = delete;

  /// `GET /v2/`, authenticating when challenged: what `login` checks.
  Status ping();
  /// The manifest named by a tag or digest (an image manifest or index);
  /// with a digest, the bytes must hash to it.
  Result<FetchedManifest> get_manifest(std::string_view tag_or_digest);
  /// A blob's bytes, checked against `d`'s size and digest.
  Result<std::string> get_blob(const Descriptor& d);
  /// Uploads a blob (`POST` then a monolithic `PUT ?digest=`) unless the
  /// registry already has it (`HEAD`).
  Status push_blob(std::string_view bytes, const std::string& digest);
  /// Puts a manifest under `tag`; returns its digest.
  Result<std::string> push_manifest(std::string_view tag, std::string_view bytes,
                                    std::string_view media_type);

 private:
  struct Response {
    long status = 0;
    std::string body;
    std::map<std::string, std::string> headers;  ///< lower-case names, the last response's
  };
  struct Request {
    std::string method;
    std::string url;  ///< absolute, or a path under the registry
    std::string body;
    std::string content_type;
    std::string accept;
    uint64_t limit = kMaxManifestSize;  ///< the most body bytes accepted
  };
  /// Sends a request; on a 401 answers the challenge once and resends.
  Result<Response> exchange(const Request& request);
  Result<Response> send(const Request& request);
  /// Answers a `WWW-Authenticate` challenge (Bearer: a token from the realm;
  /// Basic: the credentials).
  Status authenticate(const std::string& challenge);
  /// An error naming the registry, the request and the registry's own words.
  Error failure(const Request& request, const Response& response) const;

  std::string registry_;
  std::string repository_;
  std::string base_;  ///< scheme://registry
  std::optional<Credentials> credentials_;
  std::string authorization_;  ///< the Authorization header's value, once known
  CURL* curl_ = nullptr;
};

}  // namespace flint::oci
