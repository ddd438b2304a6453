// GET /counter: increments "count" in the default key-value store
// (fermyon:spin/key-value@2.0.0) and returns it.
package export_wasi_http_incoming_handler

import (
	"fmt"
	"strconv"

	"wit_component/fermyon_spin_2_0_0_key_value"
	"wit_component/wasi_http_types"
)

func Handle(request *wasi_http_types.IncomingRequest, out *wasi_http_types.ResponseOutparam) {
	request.Drop()
	opened := fermyon_spin_2_0_0_key_value.StoreOpen("default")
	if opened.IsErr() {
		respond(out, 500, fmt.Sprintf("key-value open failed (error %d)", opened.Err().Tag()))
		return
	}
	store := opened.Ok()
	defer store.Drop()
	count := 0
	if current := store.Get("count"); current.IsOk() && current.Ok().IsSome() {
		count, _ = strconv.Atoi(string(current.Ok().Some()))
	}
	count++
	if store.Set("count", []byte(strconv.Itoa(count))).IsErr() {
		respond(out, 500, "key-value set failed")
		return
	}
	respond(out, 200, strconv.Itoa(count))
}
