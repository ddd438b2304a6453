//! GET /outbound: fetches the URL in the component variable upstream_url and
//! returns its body.
use spin_sdk::http::{IntoResponse, Method, Request, Response};
use spin_sdk::{http_component, variables};

#[http_component]
async fn handle(_req: Request) -> anyhow::Result<impl IntoResponse> {
    let url = variables::get("upstream_url")?;
    let upstream: Response = spin_sdk::http::send(Request::new(Method::Get, url)).await?;
    if *upstream.status() != 200 {
        return Ok(Response::builder()
            .status(502)
            .body(format!("upstream answered {}", upstream.status()))
            .build());
    }
    Ok(Response::builder().status(200).header("content-type", "text/plain").body(upstream.into_body()).build())
}
