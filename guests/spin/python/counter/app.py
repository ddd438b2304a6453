from spin_sdk import http, key_value
from spin_sdk.http import Request, Response


class IncomingHandler(http.IncomingHandler):
    def handle_request(self, request: Request) -> Response:
        with key_value.open_default() as store:
            raw = store.get("count")
            count = int(raw.decode()) if raw is not None else 0
            count += 1
            store.set("count", str(count).encode())
        return Response(200, {"content-type": "text/plain"}, str(count).encode())
