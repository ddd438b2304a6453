from spin_sdk import http, sqlite
from spin_sdk.http import Request, Response


async def run(db, statement, params):
    """The rows of a statement, read from the stream it answers with."""
    _columns, stream, outcome = await db.execute(statement, params)
    rows = []
    with stream:
        while not stream.writer_dropped:
            rows += await stream.read(16)
    await outcome.read()
    return rows


class HttpHandler(http.Handler):
    async def handle_request(self, request: Request) -> Response:
        with await sqlite.Connection.open_default() as db:
            await run(db, "CREATE TABLE IF NOT EXISTS visits (id INTEGER PRIMARY KEY, at TEXT)", [])
            await run(db, "INSERT INTO visits (at) VALUES (datetime('now'))", [])
            rows = await run(db, "SELECT COUNT(*) FROM visits", [])
        count = rows[0].values[0].value
        return Response(200, {"content-type": "text/plain"}, str(count).encode())
