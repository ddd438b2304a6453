// Helpers shared by the Go components of this app, over the bindings that
// `wit-bindgen go` generates for Spin's world spin-http (the module
// wit_component): answering a request and making an outbound one over
// wasi:http@0.2.0. Each component is this package (the export package of
// wasi:http/incoming-handler that the generated code calls) with this file
// and the component's own file.
package export_wasi_http_incoming_handler

import (
	"fmt"
	"strings"

	witTypes "go.bytecodealliance.org/pkg/wit/types"

	"wit_component/fermyon_spin_2_0_0_variables"
	"wit_component/wasi_http_outgoing_handler"
	"wit_component/wasi_http_types"
)

// respond sends status with a text/plain body and consumes out.
func respond(out *wasi_http_types.ResponseOutparam, status uint16, body string) {
	headers := wasi_http_types.MakeFields()
	headers.Append("content-type", []byte("text/plain"))
	response := wasi_http_types.MakeOutgoingResponse(headers)
	response.SetStatusCode(status)
	outgoing := response.Body().Ok()
	wasi_http_types.ResponseOutparamSet(out, witTypes.Ok[*wasi_http_types.OutgoingResponse, wasi_http_types.ErrorCode](response))
	stream := outgoing.Write().Ok()
	data := []byte(body)
	for len(data) > 0 { // blocking-write-and-flush takes at most 4096 bytes
		n := min(len(data), 4096)
		if stream.BlockingWriteAndFlush(data[:n]).IsErr() {
			break
		}
		data = data[n:]
	}
	stream.Drop()
	wasi_http_types.OutgoingBodyFinish(outgoing, witTypes.None[*wasi_http_types.Fields]())
}

// variable returns the component variable name (fermyon:spin/variables@2.0.0).
func variable(name string) (string, error) {
	result := fermyon_spin_2_0_0_variables.Get(name)
	if result.IsErr() {
		return "", fmt.Errorf("variables.get(%s) failed (error %d)", name, result.Err().Tag())
	}
	return result.Ok(), nil
}

// fetch GETs url (http(s)://authority/path) over wasi:http/outgoing-handler
// and returns the status and the body.
func fetch(url string) (uint16, string, error) {
	var scheme wasi_http_types.Scheme
	var rest string
	switch {
	case strings.HasPrefix(url, "http://"):
		scheme, rest = wasi_http_types.MakeSchemeHttp(), url[len("http://"):]
	case strings.HasPrefix(url, "https://"):
		scheme, rest = wasi_http_types.MakeSchemeHttps(), url[len("https://"):]
	default:
		return 0, "", fmt.Errorf("not an http(s) URL: %s", url)
	}
	authority, path := rest, "/"
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		authority, path = rest[:i], rest[i:]
	}
	request := wasi_http_types.MakeOutgoingRequest(wasi_http_types.MakeFields())
	request.SetMethod(wasi_http_types.MakeMethodGet())
	request.SetScheme(witTypes.Some(scheme))
	request.SetAuthority(witTypes.Some(authority))
	request.SetPathWithQuery(witTypes.Some(path))
	handled := wasi_http_outgoing_handler.Handle(request, witTypes.None[*wasi_http_types.RequestOptions]())
	if handled.IsErr() {
		return 0, "", fmt.Errorf("outgoing-handler.handle failed (error-code %d)", handled.Err().Tag())
	}
	future := handled.Ok()
	got := future.Get()
	for got.IsNone() {
		ready := future.Subscribe()
		ready.Block()
		ready.Drop()
		got = future.Get()
	}
	future.Drop()
	if got.Some().IsErr() {
		return 0, "", fmt.Errorf("the response was already taken")
	}
	if got.Some().Ok().IsErr() {
		return 0, "", fmt.Errorf("the outbound request failed (error-code %d)", got.Some().Ok().Err().Tag())
	}
	response := got.Some().Ok().Ok()
	status := response.Status()
	var body []byte
	if consumed := response.Consume(); consumed.IsOk() {
		incoming := consumed.Ok()
		if streamed := incoming.Stream(); streamed.IsOk() {
			stream := streamed.Ok()
			for {
				chunk := stream.BlockingRead(65536)
				if chunk.IsErr() {
					break // closed: the whole body was read (or it failed)
				}
				body = append(body, chunk.Ok()...)
			}
			stream.Drop()
		}
		wasi_http_types.IncomingBodyFinish(incoming).Drop()
	}
	response.Drop()
	return status, string(body), nil
}
