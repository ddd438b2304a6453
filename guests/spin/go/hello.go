// GET /hello: a fixed body.
package export_wasi_http_incoming_handler

import "wit_component/wasi_http_types"

func Handle(request *wasi_http_types.IncomingRequest, out *wasi_http_types.ResponseOutparam) {
	request.Drop()
	respond(out, 200, "hello from go")
}
