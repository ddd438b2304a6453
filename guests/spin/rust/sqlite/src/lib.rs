//! GET /sqlite: creates the table visits if absent, inserts a row and returns
//! the row count (the default database).
use spin_sdk::http::{IntoResponse, Request, Response};
use spin_sdk::http_component;
use spin_sdk::sqlite::{Connection, Value};

#[http_component]
fn handle(req: Request) -> anyhow::Result<impl IntoResponse> {
    let db = Connection::open_default()?;
    db.execute(
        "CREATE TABLE IF NOT EXISTS visits (id INTEGER PRIMARY KEY AUTOINCREMENT, path TEXT NOT NULL)",
        &[],
    )?;
    db.execute("INSERT INTO visits (path) VALUES (?)", &[Value::Text(req.path().to_string())])?;
    let result = db.execute("SELECT COUNT(*) FROM visits", &[])?;
    let count = match result.rows.first().and_then(|row| row.values.first()) {
        Some(Value::Integer(n)) => *n,
        _ => -1,
    };
    Ok(Response::builder().status(200).header("content-type", "text/plain").body(count.to_string()).build())
}
