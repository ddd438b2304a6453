// GET /outbound: fetches the URL in the component variable upstream_url over
// wasi:http/outgoing-handler and returns its body.
package export_wasi_http_incoming_handler

import (
	"fmt"

	"wit_component/wasi_http_types"
)

func Handle(request *wasi_http_types.IncomingRequest, out *wasi_http_types.ResponseOutparam) {
	request.Drop()
	url, err := variable("upstream_url")
	if err != nil {
		respond(out, 500, err.Error())
		return
	}
	status, body, err := fetch(url)
	switch {
	case err != nil:
		respond(out, 502, err.Error())
	case status != 200:
		respond(out, 502, fmt.Sprintf("upstream answered %d", status))
	default:
		respond(out, 200, body)
	}
}
