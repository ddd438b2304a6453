// Spin's whole host world for one component instance: each interface family
// defines its own versions (see spinhost.h).
#include "spinhost/spinhost.h"

#include "spinhost/key_value.h"
#include "spinhost/llm.h"
#include "spinhost/mqtt.h"
#include "spinhost/mysql.h"
#include "spinhost/postgres.h"
#include "spinhost/redis.h"
#include "spinhost/sqlite.h"

namespace flint::spinhost {

void define_spin(component::ComponentLinker& linker,
                 std::shared_ptr<const SpinHostContext> context) {
  // Each family is built when the component first imports one of its
  // interfaces: most components import a few of Spin's, not all.
  using Define =
      void (*)(component::ComponentLinker&, const std::shared_ptr<const SpinHostContext>&);
  static const std::pair<const char*, Define> kFamilies[] = {
      {"spin/key-value", define_key_value}, {"spin/sqlite", define_sqlite},
      {"spin/variables", define_variables}, {"spin/redis", define_redis},
      {"spin/mqtt", define_mqtt},           {"spin/postgres", define_postgres},
      {"spin/mysql", define_mysql},         {"spin/llm", define_llm},
  };
  for (const auto& [group, define] : kFamilies)
    linker.define_group_lazily(
        group, [define, context](component::ComponentLinker& l) { define(l, context); });
}

}  // namespace flint::spinhost
