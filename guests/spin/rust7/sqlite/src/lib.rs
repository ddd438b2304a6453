//! GET /sqlite: records a visit in the default database, returns how many.
use spin_sdk::http::{IntoResponse, Request, Response};
use spin_sdk::http_service;
use spin_sdk::sqlite::Connection;

async fn visits() -> anyhow::Result<i64> {
    let db = Connection::open_default().await?;
    db.execute("CREATE TABLE IF NOT EXISTS visits (id INTEGER PRIMARY KEY, at TEXT)", [])
        .await?
        .collect()
        .await?;
    db.execute("INSERT INTO visits (at) VALUES (datetime('now'))", []).await?.collect().await?;
    let rows = db.execute("SELECT COUNT(*) FROM visits", []).await?.collect().await?;
    rows.first().and_then(|r| r.get::<i64>(0)).ok_or_else(|| anyhow::anyhow!("no count"))
}

#[http_service]
async fn handle(_req: Request) -> impl IntoResponse {
    let (status, body) = match visits().await {
        Ok(n) => (200, n.to_string()),
        Err(e) => (500, format!("sqlite: {e:#}")),
    };
    Response::builder().status(status).header("content-type", "text/plain").body(body).unwrap()
}
