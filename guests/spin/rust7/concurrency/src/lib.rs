//! GET /concurrency?ms=N: waits N milliseconds (200 by default) on WASI
//! 0.3's monotonic clock, then tells how many requests this instance has
//! served and how many it has served at once; with `&trap`, it panics
//! after the wait instead (a trap, ending the instance). Under a host that calls a
//! 0.3 handler concurrently (as Spin and `wasmtime serve` do), requests
//! sent together share an instance and overlap; under one instance per
//! request each is its instance's first and only one.
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use spin_sdk::http::{IntoResponse, Request, Response};
use spin_sdk::http_service;

static SERVED: AtomicU32 = AtomicU32::new(0);
static IN_FLIGHT: AtomicU32 = AtomicU32::new(0);
static MOST_AT_ONCE: AtomicU32 = AtomicU32::new(0);

#[http_service]
async fn handle(req: Request) -> impl IntoResponse {
    let ms = req
        .uri()
        .query()
        .and_then(|q| q.split('&').find_map(|kv| kv.strip_prefix("ms=")))
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(200);
    let number = SERVED.fetch_add(1, Ordering::SeqCst) + 1;
    let now = IN_FLIGHT.fetch_add(1, Ordering::SeqCst) + 1;
    MOST_AT_ONCE.fetch_max(now, Ordering::SeqCst);
    spin_sdk::time::sleep(Duration::from_millis(ms)).await;
    if req.uri().query().is_some_and(|q| q.split('&').any(|kv| kv == "trap")) {
        panic!("asked to trap");
    }
    IN_FLIGHT.fetch_sub(1, Ordering::SeqCst);
    let most = MOST_AT_ONCE.load(Ordering::SeqCst);
    Response::builder()
        .status(200)
        .header("content-type", "text/plain")
        .body(format!("request {number} of this instance; at most {most} at once\n"))
        .unwrap()
}
