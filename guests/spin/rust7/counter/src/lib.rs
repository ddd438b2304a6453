//! GET /counter: increments "count" in the default key-value store.
use spin_sdk::http::{IntoResponse, Request, Response};
use spin_sdk::http_service;
use spin_sdk::key_value::Store;

async fn count() -> anyhow::Result<u64> {
    let store = Store::open_default().await?;
    let count = match store.get("count").await? {
        Some(bytes) => String::from_utf8(bytes)?.parse::<u64>()?,
        None => 0,
    } + 1;
    store.set("count", count.to_string().as_bytes()).await?;
    Ok(count)
}

#[http_service]
async fn handle(_req: Request) -> impl IntoResponse {
    let (status, body) = match count().await {
        Ok(n) => (200, n.to_string()),
        Err(e) => (500, format!("key-value: {e:#}")),
    };
    Response::builder().status(status).header("content-type", "text/plain").body(body).unwrap()
}
