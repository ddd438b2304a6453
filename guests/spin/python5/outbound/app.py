from spin_sdk import http, variables
from spin_sdk.http import Request, Response


class HttpHandler(http.Handler):
    async def handle_request(self, request: Request) -> Response:
        url = await variables.get("upstream_url")
        try:
            upstream = await http.send(Request("GET", url, {}, None))
        except Exception as e:  # the failing call is the message
            return Response(502, {"content-type": "text/plain"}, f"send {url}: {e!r}".encode())
        return Response(200, {"content-type": "text/plain"}, upstream.body or b"")
