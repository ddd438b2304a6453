#include "runtime/validated_module.h"

#include "runtime/type_registry.h"
#include "valid/validator.h"

namespace flint {

ValidatedModule::ValidatedModule(Module module) : module_(std::move(module)) {
  type_ids_.reserve(module_.types.size());
  for (const FuncType& t : module_.types) type_ids_.push_back(canonical_type_id(t));
}

Result<std::shared_ptr<const ValidatedModule>> ValidatedModule::validate(Module module,
                                                                         const Features& features) {
  FLINT_TRY(flint::validate(module, features));
  return trusted(std::move(module));
}

std::shared_ptr<const ValidatedModule> ValidatedModule::trusted(Module module) {
  return std::shared_ptr<const ValidatedModule>(new ValidatedModule(std::move(module)));
}

const std::vector<std::shared_ptr<const MemoryImage>>& ValidatedModule::memory_images() const {
  std::call_once(images_built_, [this] { memory_images_ = MemoryImage::build(module_); });
  return memory_images_;
}

}  // namespace flint
