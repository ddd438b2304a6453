//! GET /variables: the component variable `message`.
use spin_sdk::http::{IntoResponse, Request, Response};
use spin_sdk::{http_service, variables};

#[http_service]
async fn handle(_req: Request) -> impl IntoResponse {
    let (status, body) = match variables::get("message").await {
        Ok(message) => (200, message),
        Err(e) => (500, format!("variables::get: {e:?}")),
    };
    Response::builder().status(status).header("content-type", "text/plain").body(body).unwrap()
}
