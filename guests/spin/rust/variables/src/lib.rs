//! GET /variables: the component variable "message".
use spin_sdk::http::{IntoResponse, Request, Response};
use spin_sdk::{http_component, variables};

#[http_component]
fn handle(_req: Request) -> anyhow::Result<impl IntoResponse> {
    let message = variables::get("message")?;
    Ok(Response::builder().status(200).header("content-type", "text/plain").body(message).build())
}
