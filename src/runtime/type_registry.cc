#include "runtime/type_registry.h"

#include <mutex>
#include <string>
#include <unordered_map>

namespace flint {

uint32_t canonical_type_id(const FuncType& type) {
  // The key spells the type as its binary encoding: params, a separator no
  // value type uses, results.
  std::string key;
  key.reserve(type.params.size() + type.results.size() + 1);
  for (ValType t : type.params) key.push_back(char(t));
  key.push_back('\0');
  for (ValType t : type.results) key.push_back(char(t));

  static std::mutex mutex;
  static std::unordered_map<std::string, uint32_t> ids;
  std::lock_guard lock(mutex);
  auto [it, inserted] = ids.emplace(std::move(key), uint32_t(ids.size()));
  return it->second;
}

}  // namespace flint
