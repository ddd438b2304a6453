from spin_sdk import http, sqlite
from spin_sdk.http import Request, Response
from spin_sdk.sqlite import Value_Integer, Value_Text


class IncomingHandler(http.IncomingHandler):
    def handle_request(self, request: Request) -> Response:
        with sqlite.open_default() as db:
            db.execute("CREATE TABLE IF NOT EXISTS visits "
                       "(id INTEGER PRIMARY KEY AUTOINCREMENT, path TEXT NOT NULL)", [])
            db.execute("INSERT INTO visits (path) VALUES (?)", [Value_Text(request.uri)])
            result = db.execute("SELECT COUNT(*) FROM visits", [])
            value = result.rows[0].values[0]
            count = value.value if isinstance(value, Value_Integer) else -1
        return Response(200, {"content-type": "text/plain"}, str(count).encode())
