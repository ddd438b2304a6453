from spin_sdk import http, variables
from spin_sdk.http import Request, Response


class IncomingHandler(http.IncomingHandler):
    def handle_request(self, request: Request) -> Response:
        url = variables.get("upstream_url")
        upstream = http.send(Request("GET", url, {}, None))
        if upstream.status != 200:
            return Response(502, {"content-type": "text/plain"},
                            f"upstream answered {upstream.status}".encode())
        return Response(200, {"content-type": "text/plain"}, upstream.body or b"")
