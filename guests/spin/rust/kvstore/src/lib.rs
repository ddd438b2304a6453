//! PUT /kv/KEY stores the request body under KEY in the default key-value
//! store and answers 200 once it is stored; GET /kv/KEY answers the value
//! (404 when absent). The kill -9 durability test writes through it.
use spin_sdk::http::{IntoResponse, Method, Request, Response};
use spin_sdk::http_component;
use spin_sdk::key_value::Store;

#[http_component]
fn handle(req: Request) -> anyhow::Result<impl IntoResponse> {
    let key = req.path().trim_start_matches("/kv/").to_string();
    if key.is_empty() {
        return Ok(Response::new(400, "no key"));
    }
    let store = Store::open_default()?;
    match req.method() {
        Method::Put => {
            store.set(&key, req.body())?;
            Ok(Response::new(200, "stored"))
        }
        Method::Get => match store.get(&key)? {
            Some(value) => Ok(Response::new(200, value)),
            None => Ok(Response::new(404, "absent")),
        },
        _ => Ok(Response::new(405, "PUT or GET")),
    }
}
