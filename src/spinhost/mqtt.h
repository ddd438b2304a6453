// Spin's outbound MQTT (fermyon:spin/mqtt@2.0.0 and spin:mqtt@3.0.0): a
// connection opened by address (`mqtt://host[:port]?client_id=ID`), user
// name, password and keep-alive, and `publish` with a QoS. Over libmosquitto
// (MQTT 3.1.1), blocking: `open` waits for the broker's CONNACK, `publish`
// for the message's completion at its QoS (sent at 0, PUBACK at 1,
// PUBCOMP at 2). An address the component's `allowed_outbound_hosts` does
// not grant is `connection-failed("address ADDRESS is not permitted")`, as
// Spin answers.
#pragma once

#include <memory>

#include "component_runtime/linker.h"
#include "spinhost/spinhost.h"

namespace flint::spinhost {

/// Defines fermyon:spin/mqtt@2.0.0 and spin:mqtt/mqtt@3.0.0 (the same
/// functions as `async func`s) in `linker` for one instance.
void define_mqtt(component::ComponentLinker& linker,
                 const std::shared_ptr<const SpinHostContext>& context);

}  // namespace flint::spinhost
