// One WASI function serving two versions of its interface: WASI 0.3 keeps
// most of 0.2's functions and changes only their types' spelling
// (filesystem's error-code and descriptor-type become variants with an
// `other` case, timestamps become system-clock instants with signed
// seconds, most functions become `async`). Rather than writing each
// function twice, 0.3's is 0.2's body with its values adapted by name
// between the two types, so the two versions cannot drift apart.
#pragma once

#include "component_runtime/host_interface.h"

namespace flint::wasip3 {

/// `v`, a value of type `from`, as a value of the corresponding type `to`:
/// record fields, variant and enum cases and flags matched by name; a case
/// `to` lacks becomes its `other(option<string>)` case when it has one;
/// integers converted with a range check; handles, streams and futures
/// passed as they are. An error names what does not correspond.
Result<component::ComponentValue> adapt(const component::ComponentValue& v,
                                        const component::ValueType& from,
                                        const component::ValueType& to);

/// The body of a host function of type `type` that calls `inner` (of the
/// corresponding older type) with its arguments adapted, and adapts its
/// result back. An argument that cannot be adapted (a negative instant
/// for a 0.2 datetime) is answered with `on_unadaptable` (the
/// interface's `invalid` error); a result that cannot is a host bug and traps.
component::HostBody bridge(component::FunctionPtr inner, component::FunctionTypePtr type,
                           std::optional<component::ComponentValue> on_unadaptable);

/// The function `name` ("[method]descriptor.stat") of a host interface.
component::FunctionPtr function_of(const component::HostInterface& iface, const std::string& name);

}  // namespace flint::wasip3
