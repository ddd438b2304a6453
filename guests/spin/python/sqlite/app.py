from spin_sdk import http
from spin_sdk.http import Request, Response

# spin-sdk 3.4.1's own `spin_sdk.sqlite` imports `spin_sdk.wit.imports.sqlite`,
# but componentize-py regenerates the bindings at build time and (0.16 to
# 0.19, the pinned 0.17.2 among them) names fermyon:spin/sqlite@2.0.0
# `fermyon_spin_sqlite` there, so that module fails to import. The app uses
# the generated bindings of Spin 3's spin:sqlite/sqlite@3.0.0 instead (the
# same API; the Python SDK imports both interfaces anyway).
from spin_sdk.wit.imports.spin_sqlite_sqlite import Connection, Value_Integer, Value_Text


class IncomingHandler(http.IncomingHandler):
    def handle_request(self, request: Request) -> Response:
        with Connection.open("default") as db:
            db.execute("CREATE TABLE IF NOT EXISTS visits "
                       "(id INTEGER PRIMARY KEY AUTOINCREMENT, path TEXT NOT NULL)", [])
            db.execute("INSERT INTO visits (path) VALUES (?)", [Value_Text(request.uri)])
            result = db.execute("SELECT COUNT(*) FROM visits", [])
            value = result.rows[0].values[0]
            count = value.value if isinstance(value, Value_Integer) else -1
        return Response(200, {"content-type": "text/plain"}, str(count).encode())
