#include "component/sort.h"

namespace flint::component {

Space space_of(Sort s) {
  switch (s.kind) {
    case SortKind::Core:
      switch (s.core) {
        case CoreSort::Func: return Space::CoreFunc;
        case CoreSort::Table: return Space::CoreTable;
        case CoreSort::Memory: return Space::CoreMemory;
        case CoreSort::Global: return Space::CoreGlobal;
        case CoreSort::Tag: return Space::CoreTag;
        case CoreSort::Type: return Space::CoreType;
        case CoreSort::Module: return Space::CoreModule;
        case CoreSort::Instance: return Space::CoreInstance;
      }
      break;
    case SortKind::Func: return Space::Func;
    case SortKind::Value: return Space::Value;
    case SortKind::Type: return Space::Type;
    case SortKind::Component: return Space::Component;
    case SortKind::Instance: return Space::Instance;
  }
  return Space::Func;
}

std::string_view sort_name(Sort s) {
  switch (s.kind) {
    case SortKind::Core:
      switch (s.core) {
        case CoreSort::Func: return "core func";
        case CoreSort::Table: return "core table";
        case CoreSort::Memory: return "core memory";
        case CoreSort::Global: return "core global";
        case CoreSort::Tag: return "core tag";
        case CoreSort::Type: return "core type";
        case CoreSort::Module: return "core module";
        case CoreSort::Instance: return "core instance";
      }
      break;
    case SortKind::Func: return "func";
    case SortKind::Value: return "value";
    case SortKind::Type: return "type";
    case SortKind::Component: return "component";
    case SortKind::Instance: return "instance";
  }
  return "?";
}

}  // namespace flint::component
