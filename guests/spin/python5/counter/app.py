from spin_sdk import http, key_value
from spin_sdk.http import Request, Response


class HttpHandler(http.Handler):
    async def handle_request(self, request: Request) -> Response:
        with await key_value.open_default() as store:
            raw = await store.get("count")
            count = int(raw.decode()) if raw is not None else 0
            count += 1
            await store.set("count", str(count).encode())
        return Response(200, {"content-type": "text/plain"}, str(count).encode())
