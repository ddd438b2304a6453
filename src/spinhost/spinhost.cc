// Spin's whole host world for one component instance: each interface family
// defines its own versions (see spinhost.h).
#include "spinhost/spinhost.h"

#include "spinhost/key_value.h"
#include "spinhost/sqlite.h"

namespace flint::spinhost {

void define_spin(component::ComponentLinker& linker,
                 std::shared_ptr<const SpinHostContext> context) {
  define_key_value(linker, context);
  define_sqlite(linker, context);
  define_variables(linker, context);
}

}  // namespace flint::spinhost
