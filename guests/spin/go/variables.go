// GET /variables: the component variable "message".
package export_wasi_http_incoming_handler

import "wit_component/wasi_http_types"

func Handle(request *wasi_http_types.IncomingRequest, out *wasi_http_types.ResponseOutparam) {
	request.Drop()
	message, err := variable("message")
	if err != nil {
		respond(out, 500, err.Error())
		return
	}
	respond(out, 200, message)
}
