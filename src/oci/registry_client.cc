// The distribution spec's endpoints (end-1 .. end-13) with libcurl's easy API.
#include "oci/registry_client.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "oci/base64.h"
#include "oci/digest.h"

namespace flint::oci {

namespace {

using nlohmann::json;

struct Sink {
  std::string* body;
  uint64_t limit;
  bool too_big = false;
};

size_t write_body(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<Sink*>(user);
  size_t n = size * count;
  if (sink->body->size() + n > sink->limit) {
    sink->too_big = true;
    return 0;  // aborts the transfer (CURLE_WRITE_ERROR)
  }
  sink->body->append(data, n);
  return n;
}

size_t write_header(char* data, size_t size, size_t count, void* user) {
  auto* headers = static_cast<std::map<std::string, std::string>*>(user);
  std::string_view line(data, size * count);
  if (line.starts_with("HTTP/")) headers->clear();  // a redirect's next response
  size_t colon = line.find(':');
  if (colon != std::string_view::npos) {
    std::string name(line.substr(0, colon));
    std::transform(name.begin(), name.end(), name.begin(), ::tolower);
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
      value.remove_prefix(1);
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' '))
      value.remove_suffix(1);
    (*headers)[name] = std::string(value);
  }
  return size * count;
}

/// `key="value"` pairs of a challenge after its scheme.
std::map<std::string, std::string> challenge_params(std::string_view text) {
  std::map<std::string, std::string> out;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == ',')) ++i;
    size_t eq = text.find('=', i);
    if (eq == std::string_view::npos) break;
    std::string key(text.substr(i, eq - i));
    std::transform(key.begin(), key.end(), key.begin(), ::tolower);
    i = eq + 1;
    std::string value;
    if (i < text.size() && text[i] == '"') {
      ++i;
      while (i < text.size() && text[i] != '"') {
        if (text[i] == '\\' && i + 1 < text.size()) ++i;
        value += text[i++];
      }
      ++i;
    } else {
      while (i < text.size() && text[i] != ',') value += text[i++];
    }
    out[key] = value;
  }
  return out;
}

std::string escape(CURL* curl, const std::string& s) {
  char* e = curl_easy_escape(curl, s.c_str(), int(s.size()));
  std::string out = e ? e : "";
  curl_free(e);
  return out;
}

}  // namespace

RegistryClient::RegistryClient(const Reference& ref, std::optional<Credentials> credentials)
    : registry_(ref.registry),
      repository_(ref.repository),
      base_((ref.is_loopback() ? "http://" : "https://") + ref.registry),
      credentials_(std::move(credentials)),
      curl_(curl_easy_init()) {}

RegistryClient::~RegistryClient() {
  if (curl_) curl_easy_cleanup(curl_);
}

Result<RegistryClient::Response> RegistryClient::send(const Request& request) {
  if (!curl_) return make_error(ErrorCode::Io, "cannot start libcurl");
  curl_easy_reset(curl_);
  Response response;
  Sink sink{&response.body, request.limit};
  std::string url = request.url.starts_with("http") ? request.url : base_ + request.url;
  curl_easy_setopt(curl_, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl_, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl_, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl_, CURLOPT_FOLLOWLOCATION, 1L);  // blobs may live on a storage host
  curl_easy_setopt(curl_, CURLOPT_MAXREDIRS, 5L);
  curl_easy_setopt(curl_, CURLOPT_CONNECTTIMEOUT, 15L);
  curl_easy_setopt(curl_, CURLOPT_LOW_SPEED_LIMIT, 1L);  // a stalled registry: 60 s without data
  curl_easy_setopt(curl_, CURLOPT_LOW_SPEED_TIME, 60L);
  curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl_, CURLOPT_USERAGENT, "flint/0.1.0");
  curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, write_body);
  curl_easy_setopt(curl_, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(curl_, CURLOPT_HEADERFUNCTION, write_header);
  curl_easy_setopt(curl_, CURLOPT_HEADERDATA, &response.headers);
  if (request.method == "HEAD") {
    curl_easy_setopt(curl_, CURLOPT_NOBODY, 1L);
  } else if (request.method != "GET") {
    curl_easy_setopt(curl_, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(curl_, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.size()));
  }
  curl_slist* headers = nullptr;
  if (!request.content_type.empty())
    headers = curl_slist_append(headers, ("Content-Type: " + request.content_type).c_str());
  else if (request.method == "POST" || request.method == "PUT")
    headers = curl_slist_append(headers, "Content-Type:");
  if (!request.accept.empty())
    headers = curl_slist_append(headers, ("Accept: " + request.accept).c_str());
  if (!authorization_.empty())
    headers = curl_slist_append(headers, ("Authorization: " + authorization_).c_str());
  headers = curl_slist_append(headers, "Expect:");
  curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, headers);
  CURLcode rc = curl_easy_perform(curl_);
  curl_slist_free_all(headers);
  if (sink.too_big)
    return make_error(ErrorCode::Registry,
                      fmt::format("{}: {} {}: the answer is larger than {} bytes", registry_,
                                  request.method, url, request.limit));
  if (rc != CURLE_OK)
    return make_error(ErrorCode::Registry, fmt::format("{}: {} {}: {}", registry_, request.method,
                                                       url, curl_easy_strerror(rc)));
  curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &response.status);
  return response;
}

Result<RegistryClient::Response> RegistryClient::exchange(const Request& request) {
  auto response = send(request);
  if (!response || response->status != 401) return response;
  auto challenge = response->headers.find("www-authenticate");
  if (challenge == response->headers.end()) return response;
  if (auto ok = authenticate(challenge->second); !ok) return ok.error();
  return send(request);
}

Status RegistryClient::authenticate(const std::string& challenge) {
  std::string_view text = challenge;
  size_t space = text.find(' ');
  std::string scheme(text.substr(0, space));
  std::transform(scheme.begin(), scheme.end(), scheme.begin(), ::tolower);
  std::string basic;
  if (credentials_)
    basic = "Basic " + base64_encode(credentials_->username + ":" + credentials_->password);
  if (scheme == "basic") {
    if (!credentials_)
      return make_error(ErrorCode::Registry,
                        fmt::format("{}: 401 unauthorized; log in first: flint registry login {}",
                                    registry_, registry_));
    authorization_ = basic;
    return {};
  }
  if (scheme != "bearer")
    return make_error(ErrorCode::Registry,
                      fmt::format("{}: unsupported authentication scheme `{}`", registry_, scheme));
  auto params = challenge_params(space == std::string_view::npos ? "" : text.substr(space + 1));
  std::string realm = params["realm"];
  if (!realm.starts_with("https://") &&
      !(realm.starts_with("http://") && base_.starts_with("http://")))
    return make_error(ErrorCode::Registry,
                      fmt::format("{}: token realm `{}` is not an https URL", registry_, realm));
  std::string url = realm + (realm.find('?') == std::string::npos ? "?" : "&");
  if (!params["service"].empty()) url += "service=" + escape(curl_, params["service"]) + "&";
  std::string scope =
      params["scope"].empty() ? "repository:" + repository_ + ":pull,push" : params["scope"];
  url += "scope=" + escape(curl_, scope);
  // The token service is asked with the user's credentials (anonymous
  // without them), never with a previous bearer token.
  authorization_ = basic;
  Request token{"GET", url, "", "", "application/json", 1u << 20};
  auto response = send(token);
  authorization_.clear();
  if (!response) return response.error();
  if (response->status == 401 || response->status == 403)
    return make_error(
        ErrorCode::Registry,
        fmt::format("{}: the token service refused {} ({}); {}", registry_,
                    credentials_ ? "the credentials" : "anonymous access", response->status,
                    credentials_ ? "log in again: flint registry login " + registry_
                                 : "log in first: flint registry login " + registry_));
  if (response->status != 200)
    return make_error(ErrorCode::Registry, fmt::format("{}: token service {} answered {}",
                                                       registry_, realm, response->status));
  json doc = json::parse(response->body, nullptr, false);
  std::string value;
  if (doc.is_object()) {
    if (doc.contains("token") && doc["token"].is_string())
      value = doc["token"];
    else if (doc.contains("access_token") && doc["access_token"].is_string())
      value = doc["access_token"];
  }
  if (value.empty())
    return make_error(ErrorCode::Registry,
                      fmt::format("{}: token service {} gave no token", registry_, realm));
  authorization_ = "Bearer " + value;
  return {};
}

Error RegistryClient::failure(const Request& request, const Response& response) const {
  std::string words;
  json doc = json::parse(response.body, nullptr, false);
  if (doc.is_object() && doc.contains("errors") && doc["errors"].is_array())
    for (const json& e : doc["errors"])
      if (e.is_object() && e.contains("code") && e["code"].is_string())
        words += fmt::format(" {}: {};", e["code"].get<std::string>(),
                             e.contains("message") && e["message"].is_string()
                                 ? e["message"].get<std::string>()
                                 : std::string());
  if (!words.empty()) words.pop_back();
  std::string hint;
  if (response.status == 401) hint = fmt::format(" (log in: flint registry login {})", registry_);
  return make_error(ErrorCode::Registry,
                    fmt::format("{}: {} {}: HTTP {}{}{}", registry_, request.method, request.url,
                                response.status, words, hint));
}

Status RegistryClient::ping() {
  Request request{"GET", "/v2/", "", "", "", 1u << 20};
  auto response = exchange(request);
  if (!response) return response.error();
  if (response->status != 200) return failure(request, *response);
  return {};
}

Result<FetchedManifest> RegistryClient::get_manifest(std::string_view tag_or_digest) {
  Request request{"GET",
                  fmt::format("/v2/{}/manifests/{}", repository_, tag_or_digest),
                  "",
                  "",
                  fmt::format("{}, {}, {}, {}", media::kImageManifest, media::kImageIndex,
                              media::kDockerManifest, media::kDockerManifestList),
                  kMaxManifestSize};
  auto response = exchange(request);
  if (!response) return response.error();
  if (response->status != 200) return failure(request, *response);
  FetchedManifest m;
  m.bytes = std::move(response->body);
  m.digest = sha256_digest(m.bytes);
  if (is_sha256_digest(tag_or_digest) && m.digest != tag_or_digest)
    return make_error(ErrorCode::Registry,
                      fmt::format("{}: manifest {} arrived with digest {}: refused", registry_,
                                  tag_or_digest, m.digest));
  json doc = json::parse(m.bytes, nullptr, false);
  if (doc.is_object() && doc.contains("mediaType") && doc["mediaType"].is_string())
    m.media_type = doc["mediaType"];
  else if (auto type = response->headers.find("content-type"); type != response->headers.end())
    m.media_type = type->second.substr(0, type->second.find(';'));
  return m;
}

Result<std::string> RegistryClient::get_blob(const Descriptor& d) {
  if (d.size > kMaxBlobSize)
    return make_error(ErrorCode::Registry,
                      fmt::format("{}: blob {} has {} bytes, more than the {} Flint accepts",
                                  registry_, d.digest, d.size, kMaxBlobSize));
  Request request{"GET", fmt::format("/v2/{}/blobs/{}", repository_, d.digest), "", "", "", d.size};
  auto response = exchange(request);
  if (!response) return response.error();
  if (response->status != 200) return failure(request, *response);
  if (response->body.size() != d.size || sha256_digest(response->body) != d.digest)
    return make_error(ErrorCode::Registry,
                      fmt::format("{}: blob {} arrived with {} bytes and digest {} (the manifest "
                                  "says {} bytes): refused",
                                  registry_, d.digest, response->body.size(),
                                  sha256_digest(response->body), d.size));
  return std::move(response->body);
}

Status RegistryClient::push_blob(std::string_view bytes, const std::string& digest) {
  Request head{"HEAD", fmt::format("/v2/{}/blobs/{}", repository_, digest), "", "", "", 0};
  auto exists = exchange(head);
  if (!exists) return exists.error();
  if (exists->status == 200) return {};
  Request start{"POST", fmt::format("/v2/{}/blobs/uploads/", repository_), "", "", "", 1u << 20};
  auto started = exchange(start);
  if (!started) return started.error();
  if (started->status != 202) return failure(start, *started);
  auto location = started->headers.find("location");
  if (location == started->headers.end() || location->second.empty())
    return make_error(ErrorCode::Registry,
                      fmt::format("{}: the upload answer has no Location", registry_));
  std::string url = location->second;
  url += (url.find('?') == std::string::npos ? "?" : "&");
  url += "digest=" + escape(curl_, digest);
  Request put{"PUT", url, std::string(bytes), "application/octet-stream", "", 1u << 20};
  auto done = exchange(put);
  if (!done) return done.error();
  if (done->status != 201) return failure(put, *done);
  return {};
}

Result<std::string> RegistryClient::push_manifest(std::string_view tag, std::string_view bytes,
                                                  std::string_view media_type) {
  if (bytes.size() > kMaxManifestSize)
    return make_error(ErrorCode::Registry,
                      fmt::format("{}: the manifest has {} bytes, more than the {} registries "
                                  "accept",
                                  registry_, bytes.size(), kMaxManifestSize));
  Request put{"PUT",
              fmt::format("/v2/{}/manifests/{}", repository_, tag),
              std::string(bytes),
              std::string(media_type),
              "",
              1u << 20};
  auto done = exchange(put);
  if (!done) return done.error();
  if (done->status != 201) return failure(put, *done);
  return sha256_digest(bytes);
}

}  // namespace flint::oci
