//! GET /hello: a fixed body.
use spin_sdk::http::{IntoResponse, Request, Response};
use spin_sdk::http_component;

#[http_component]
fn handle(_req: Request) -> anyhow::Result<impl IntoResponse> {
    Ok(Response::builder().status(200).header("content-type", "text/plain").body("hello from rust").build())
}
