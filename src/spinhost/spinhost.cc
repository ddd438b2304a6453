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
  define_key_value(linker, context);
  define_sqlite(linker, context);
  define_variables(linker, context);
  define_redis(linker, context);
  define_mqtt(linker, context);
  define_postgres(linker, context);
  define_mysql(linker, context);
  define_llm(linker, context);
}

}  // namespace flint::spinhost
