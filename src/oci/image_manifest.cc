// Manifests and indexes to and from JSON (nlohmann-json).
#include "oci/image_manifest.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "oci/digest.h"
#include "oci/reference.h"

namespace flint::oci {

namespace {

using nlohmann::json;

Error bad(std::string_view where, std::string_view why) {
  return make_error(ErrorCode::Registry, fmt::format("{}: {}", where, why));
}

json descriptor_json(const Descriptor& d) {
  json j = {{"mediaType", d.media_type}, {"digest", d.digest}, {"size", d.size}};
  if (!d.annotations.empty()) j["annotations"] = d.annotations;
  return j;
}

Result<std::map<std::string, std::string>> annotations_of(const json& j, std::string_view where) {
  std::map<std::string, std::string> out;
  auto it = j.find("annotations");
  if (it == j.end() || it->is_null()) return out;
  if (!it->is_object()) return bad(where, "`annotations` is not an object");
  for (const auto& [key, value] : it->items()) {
    if (!value.is_string()) return bad(where, fmt::format("annotation `{}` is not a string", key));
    out[key] = value.get<std::string>();
  }
  return out;
}

Result<Descriptor> parse_descriptor(const json& j, std::string_view where) {
  if (!j.is_object()) return bad(where, "not an object");
  Descriptor d;
  auto media = j.find("mediaType");
  auto digest = j.find("digest");
  auto size = j.find("size");
  if (media == j.end() || !media->is_string()) return bad(where, "`mediaType` is missing");
  if (digest == j.end() || !digest->is_string() || !is_sha256_digest(digest->get<std::string>()))
    return bad(where, "`digest` is not sha256: and 64 hex digits");
  if (size == j.end() || !size->is_number_unsigned())
    return bad(where, "`size` is not a non-negative integer");
  d.media_type = media->get<std::string>();
  d.digest = digest->get<std::string>();
  d.size = size->get<uint64_t>();
  auto annotations = annotations_of(j, where);
  if (!annotations) return annotations.error();
  d.annotations = std::move(*annotations);
  return d;
}

Result<json> parse_object(std::string_view text, std::string_view where) {
  json doc = json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return bad(where, "not a JSON object");
  auto version = doc.find("schemaVersion");
  if (version == doc.end() || *version != 2) return bad(where, "`schemaVersion` is not 2");
  return doc;
}

}  // namespace

std::string to_json(const ImageManifest& m) {
  json j = {{"schemaVersion", 2}, {"mediaType", m.media_type}};
  if (!m.artifact_type.empty()) j["artifactType"] = m.artifact_type;
  j["config"] = descriptor_json(m.config);
  j["layers"] = json::array();
  for (const Descriptor& d : m.layers) j["layers"].push_back(descriptor_json(d));
  if (!m.annotations.empty()) j["annotations"] = m.annotations;
  return j.dump();
}

namespace {

Result<ImageManifest> parse_manifest(std::string_view text, std::string_view where) {
  auto doc = parse_object(text, where);
  if (!doc) return doc.error();
  ImageManifest m;
  if (auto media = doc->find("mediaType"); media != doc->end() && media->is_string())
    m.media_type = media->get<std::string>();
  if (m.media_type != media::kImageManifest && m.media_type != media::kDockerManifest)
    return bad(where, fmt::format("media type `{}` is not an image manifest", m.media_type));
  if (auto type = doc->find("artifactType"); type != doc->end() && type->is_string())
    m.artifact_type = type->get<std::string>();
  auto config = doc->find("config");
  if (config == doc->end()) return bad(where, "`config` is missing");
  auto parsed = parse_descriptor(*config, fmt::format("{}: config", where));
  if (!parsed) return parsed.error();
  m.config = std::move(*parsed);
  auto layers = doc->find("layers");
  if (layers == doc->end() || !layers->is_array()) return bad(where, "`layers` is not an array");
  for (size_t i = 0; i < layers->size(); ++i) {
    auto layer = parse_descriptor((*layers)[i], fmt::format("{}: layers[{}]", where, i));
    if (!layer) return layer.error();
    m.layers.push_back(std::move(*layer));
  }
  auto annotations = annotations_of(*doc, where);
  if (!annotations) return annotations.error();
  m.annotations = std::move(*annotations);
  return m;
}

Result<std::vector<IndexEntry>> parse_index(std::string_view text, std::string_view where) {
  auto doc = parse_object(text, where);
  if (!doc) return doc.error();
  auto manifests = doc->find("manifests");
  if (manifests == doc->end() || !manifests->is_array())
    return bad(where, "`manifests` is not an array");
  std::vector<IndexEntry> out;
  for (size_t i = 0; i < manifests->size(); ++i) {
    const json& entry = (*manifests)[i];
    auto d = parse_descriptor(entry, fmt::format("{}: manifests[{}]", where, i));
    if (!d) return d.error();
    IndexEntry e{std::move(*d), {}, {}};
    if (auto p = entry.find("platform"); p != entry.end() && p->is_object()) {
      e.os = p->value("os", "");
      e.architecture = p->value("architecture", "");
    }
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace

// Fields are type-checked before they are read; nlohmann's typed accessors
// throw on anything missed, which is still a bad manifest, never a crash.
Result<ImageManifest> parse_image_manifest(std::string_view text, std::string_view where) {
  try {
    return parse_manifest(text, where);
  } catch (const nlohmann::json::exception& e) {
    return bad(where, e.what());
  }
}

Result<std::vector<IndexEntry>> parse_image_index(std::string_view text, std::string_view where) {
  try {
    return parse_index(text, where);
  } catch (const nlohmann::json::exception& e) {
    return bad(where, e.what());
  }
}

Descriptor describe(std::string_view media_type, std::string_view bytes) {
  return Descriptor{std::string(media_type), sha256_digest(bytes), bytes.size(), {}};
}

}  // namespace flint::oci
