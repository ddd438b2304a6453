// A module that passed validation (spec chapter 3): the input of every
// engine's compile step (DESIGN: "Validated module"), and what the runtime
// instantiates from. Immutable once created (its memory images are computed
// once, on first use); shared by the engine code
// compiled from it and by every instance, in any number of stores.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "flint/result.h"
#include "module/module.h"
#include "runtime/memory_image.h"

namespace flint {

class ValidatedModule {
 public:
  /// Validates `module`; the error names the function and instruction.
  static Result<std::shared_ptr<const ValidatedModule>> validate(Module module,
                                                                 const Features& features = {});
  /// A module whose validation happened elsewhere: a precompiled artifact
  /// whose checksum shows these are the bytes its compiler validated. Only
  /// the artifact loader calls this.
  static std::shared_ptr<const ValidatedModule> trusted(Module module);

  const Module& module() const { return module_; }
  /// The canonical id (type_registry.h) of the module's type `type_index`,
  /// what call_indirect and import checks compare.
  uint32_t type_id(uint32_t type_index) const { return type_ids_[type_index]; }
  /// type_id() of every type, by type index.
  const std::vector<uint32_t>& type_ids() const { return type_ids_; }
  /// The initial images of the defined memories (MemoryImage::build), made
  /// when the first instance asks (thread-safe): a module only compiled
  /// never holds a second copy of its data.
  const std::vector<std::shared_ptr<const MemoryImage>>& memory_images() const;

 private:
  explicit ValidatedModule(Module module);
  Module module_;
  std::vector<uint32_t> type_ids_;
  mutable std::once_flag images_built_;
  mutable std::vector<std::shared_ptr<const MemoryImage>> memory_images_;
};

}  // namespace flint
