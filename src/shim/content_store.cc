#include "shim/content_store.h"

#include <fmt/format.h>
#include <grpcpp/grpcpp.h>

#include "aot/sha256.h"
#include "services/containers/v1/containers.grpc.pb.h"
#include "services/content/v1/content.grpc.pb.h"
#include "services/images/v1/images.grpc.pb.h"

namespace flint::shim {

namespace containers = containerd::services::containers::v1;
namespace images = containerd::services::images::v1;
namespace content = containerd::services::content::v1;

struct ContentStore::Stubs {
  std::unique_ptr<containers::Containers::Stub> containers;
  std::unique_ptr<images::Images::Stub> images;
  std::unique_ptr<content::Content::Stub> content;
};

namespace {

/// A call context in the namespace, with a deadline: a containerd that
/// hangs must not hang Create forever.
void prepare(grpc::ClientContext& context, const std::string& name_space) {
  context.AddMetadata("containerd-namespace", name_space);
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
}

Error grpc_error(std::string_view what, const grpc::Status& status) {
  return make_error(ErrorCode::Io, fmt::format("containerd {}: {}", what, status.error_message()));
}

}  // namespace

ContentStore::ContentStore(const std::string& address, std::string name_space)
    : name_space_(std::move(name_space)), stubs_(std::make_unique<Stubs>()) {
  std::string target = address.starts_with("unix://") ? address : "unix://" + address;
  auto channel = grpc::CreateChannel(target, grpc::InsecureChannelCredentials());
  stubs_->containers = containers::Containers::NewStub(channel);
  stubs_->images = images::Images::NewStub(channel);
  stubs_->content = content::Content::NewStub(channel);
}

ContentStore::~ContentStore() = default;

Result<std::string> ContentStore::image_of(const std::string& container_id) {
  grpc::ClientContext context;
  prepare(context, name_space_);
  containers::GetContainerRequest request;
  request.set_id(container_id);
  containers::GetContainerResponse response;
  grpc::Status status = stubs_->containers->Get(&context, request, &response);
  if (!status.ok()) return grpc_error("Containers.Get " + container_id, status);
  return response.container().image();
}

Result<BlobDescriptor> ContentStore::target_of(const std::string& image) {
  grpc::ClientContext context;
  prepare(context, name_space_);
  images::GetImageRequest request;
  request.set_name(image);
  images::GetImageResponse response;
  grpc::Status status = stubs_->images->Get(&context, request, &response);
  if (!status.ok()) return grpc_error("Images.Get " + image, status);
  const auto& target = response.image().target();
  return BlobDescriptor{target.media_type(), target.digest(), target.size()};
}

Result<std::string> ContentStore::read(const BlobDescriptor& blob, int64_t max_size) {
  if (blob.size < 0 || blob.size > max_size)
    return make_error(ErrorCode::Io, fmt::format("blob {} of {} bytes is over the {}-byte limit",
                                                 blob.digest, blob.size, max_size));
  grpc::ClientContext context;
  prepare(context, name_space_);
  content::ReadContentRequest request;
  request.set_digest(blob.digest);
  auto reader = stubs_->content->Read(&context, request);
  std::string bytes;
  content::ReadContentResponse chunk;
  while (reader->Read(&chunk)) {
    if (static_cast<int64_t>(bytes.size() + chunk.data().size()) > max_size)
      return make_error(ErrorCode::Io,
                        fmt::format("blob {} is over the {}-byte limit", blob.digest, max_size));
    bytes += chunk.data();
  }
  grpc::Status status = reader->Finish();
  if (!status.ok()) return grpc_error("Content.Read " + blob.digest, status);
  if (blob.digest != "sha256:" + aot::to_hex(aot::sha256(std::string_view(bytes))))
    return make_error(ErrorCode::Io,
                      fmt::format("blob {} does not hash to its digest", blob.digest));
  return bytes;
}

}  // namespace flint::shim
