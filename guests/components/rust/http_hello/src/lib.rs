//! The smallest useful wasi:http/incoming-handler: every request is answered
//! 200 `hello from flint bench\n` (text/plain, with its content-length), the
//! request's body left unread. `flint bench --workloads serve` serves it with
//! `flint serve`, `wasmtime serve` and `flint up` (bench/flintbench/serve_workload.py).
use wasi::exports::http::incoming_handler::Guest;
use wasi::http::types::{Fields, IncomingRequest, OutgoingBody, OutgoingResponse, ResponseOutparam};

const HELLO: &[u8] = b"hello from flint bench\n";

struct Hello;

wasi::http::proxy::export!(Hello);

impl Guest for Hello {
    fn handle(_request: IncomingRequest, outparam: ResponseOutparam) {
        let headers = Fields::from_list(&[
            ("content-type".to_string(), b"text/plain".to_vec()),
            ("content-length".to_string(), HELLO.len().to_string().into_bytes()),
        ])
        .expect("headers");
        let response = OutgoingResponse::new(headers);
        response.set_status_code(200).expect("status");
        let body = response.body().expect("body");
        ResponseOutparam::set(outparam, Ok(response));
        let stream = body.write().expect("write");
        stream.blocking_write_and_flush(HELLO).expect("hello");
        drop(stream);
        OutgoingBody::finish(body, None).expect("finish");
    }
}
