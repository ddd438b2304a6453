//! GET /counter: increments "count" in the default key-value store.
use spin_sdk::http::{IntoResponse, Request, Response};
use spin_sdk::http_component;
use spin_sdk::key_value::Store;

#[http_component]
fn handle(_req: Request) -> anyhow::Result<impl IntoResponse> {
    let store = Store::open_default()?;
    let count = match store.get("count")? {
        Some(bytes) => String::from_utf8(bytes)?.parse::<u64>()?,
        None => 0,
    } + 1;
    store.set("count", count.to_string().as_bytes())?;
    Ok(Response::builder().status(200).header("content-type", "text/plain").body(count.to_string()).build())
}
