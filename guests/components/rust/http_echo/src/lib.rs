//! A wasi:http/incoming-handler that echoes the request back, for `flint
//! serve`'s end-to-end tests (tests/serve): the method, path with query, the
//! `x-echo` header, the whole body and its trailers, as the response body; the header
//! again as `x-echo` on the response. `/trap` panics (a trap: the host must
//! answer 500 and go on); `/stream` writes its body in several flushed
//! pieces with no content-length (the host must stream them chunked);
//! `/slow` sleeps 500 ms first (a request in flight for the shutdown test);
//! `/spin` loops forever (for `flint serve --timeout`);
//! `/outbound` sends a request to http://example.com/ through
//! wasi:http/outgoing-handler and answers what became of it (Flint denies
//! outbound HTTP by default: `HTTP-request-denied`, through the future).
use wasi::exports::http::incoming_handler::Guest;
use wasi::http::types::{
    Fields, IncomingRequest, Method, OutgoingBody, OutgoingResponse, ResponseOutparam,
};

struct Echo;

wasi::http::proxy::export!(Echo);

fn method_name(m: &Method) -> String {
    match m {
        Method::Get => "GET".into(),
        Method::Head => "HEAD".into(),
        Method::Post => "POST".into(),
        Method::Put => "PUT".into(),
        Method::Delete => "DELETE".into(),
        Method::Connect => "CONNECT".into(),
        Method::Options => "OPTIONS".into(),
        Method::Trace => "TRACE".into(),
        Method::Patch => "PATCH".into(),
        Method::Other(s) => s.clone(),
    }
}

/// The whole body, and its trailers as "name: value" lines.
fn read_body(request: &IncomingRequest) -> (Vec<u8>, String) {
    let body = request.consume().expect("consume");
    let stream = body.stream().expect("stream");
    let mut out = Vec::new();
    loop {
        match stream.blocking_read(65536) {
            Ok(bytes) => out.extend_from_slice(&bytes),
            Err(_) => break,
        }
    }
    drop(stream);
    let future = wasi::http::types::IncomingBody::finish(body);
    future.subscribe().block();
    let mut trailers = String::new();
    if let Some(Ok(Ok(Some(fields)))) = future.get() {
        for (name, value) in fields.entries() {
            trailers += &format!("trailer={}: {}\n", name, String::from_utf8_lossy(&value));
        }
    }
    (out, trailers)
}

impl Guest for Echo {
    fn handle(request: IncomingRequest, outparam: ResponseOutparam) {
        let path = request.path_with_query().unwrap_or_default();
        if path == "/trap" {
            panic!("the guest traps on /trap");
        }
        if path == "/spin" {
            let mut n: u64 = 0;
            loop {
                n = std::hint::black_box(n.wrapping_add(1));
            }
        }
        if path == "/slow" {
            wasi::clocks::monotonic_clock::subscribe_duration(500_000_000).block();
        }
        if path == "/outbound" {
            let text = outbound();
            let response = OutgoingResponse::new(Fields::new());
            let body = response.body().expect("body");
            ResponseOutparam::set(outparam, Ok(response));
            let stream = body.write().expect("write");
            stream.blocking_write_and_flush(text.as_bytes()).expect("write");
            drop(stream);
            OutgoingBody::finish(body, None).expect("finish");
            return;
        }
        let method = method_name(&request.method());
        let echo: Vec<u8> = request
            .headers()
            .get(&"x-echo".to_string())
            .into_iter()
            .next()
            .unwrap_or_default();
        let (body, trailers) = read_body(&request);

        let headers = Fields::new();
        headers
            .set(&"content-type".to_string(), &[b"text/plain".to_vec()])
            .expect("content-type");
        if !echo.is_empty() {
            headers.set(&"x-echo".to_string(), &[echo.clone()]).expect("x-echo");
        }
        let response = OutgoingResponse::new(headers);
        response.set_status_code(200).expect("status");
        let out_body = response.body().expect("body");
        ResponseOutparam::set(outparam, Ok(response));

        let stream = out_body.write().expect("write");
        let text = format!(
            "method={}\npath={}\nx-echo={}\nbody={}\n{}",
            method,
            path,
            String::from_utf8_lossy(&echo),
            String::from_utf8_lossy(&body),
            trailers
        );
        if path == "/stream" {
            for piece in ["one\n", "two\n", "three\n"] {
                stream.blocking_write_and_flush(piece.as_bytes()).expect("piece");
            }
        }
        stream.blocking_write_and_flush(text.as_bytes()).expect("echo");
        drop(stream);
        OutgoingBody::finish(out_body, None).expect("finish");
    }
}

/// What outgoing-handler answered for GET http://example.com/: handle's
/// error, or (as Spin and Flint deny) the future's.
fn outbound() -> String {
    use wasi::http::types::{OutgoingRequest, Scheme};
    let request = OutgoingRequest::new(Fields::new());
    request.set_scheme(Some(&Scheme::Http)).expect("scheme");
    request.set_authority(Some("example.com")).expect("authority");
    request.set_path_with_query(Some("/")).expect("path");
    match wasi::http::outgoing_handler::handle(request, None) {
        Ok(future) => {
            future.subscribe().block();
            match future.get() {
                Some(Ok(Err(e))) => format!("outbound: {:?}\n", e),
                Some(Ok(Ok(response))) => format!("outbound: {}\n", response.status()),
                _ => "outbound: no answer\n".to_string(),
            }
        }
        Err(e) => format!("outbound: {:?}\n", e),
    }
}
