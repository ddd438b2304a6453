//! GET /outbound: fetches the component variable `upstream_url`, returns its body.
use http_body_util::BodyExt;
use spin_sdk::http::{EmptyBody, IntoResponse, Request, Response};
use spin_sdk::{http, http_service, variables};

async fn fetch() -> anyhow::Result<String> {
    let url = variables::get("upstream_url").await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let request = http::Request::get(url).body(EmptyBody::new())?;
    let response = http::send(request).await.map_err(|e| anyhow::anyhow!("send: {e:?}"))?;
    let body = response.into_body().collect().await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
    Ok(String::from_utf8(body.to_bytes().to_vec())?)
}

#[http_service]
async fn handle(_req: Request) -> impl IntoResponse {
    let (status, body) = match fetch().await {
        Ok(text) => (200, text),
        Err(e) => (502, format!("{e:#}")),
    };
    Response::builder().status(status).header("content-type", "text/plain").body(body).unwrap()
}
