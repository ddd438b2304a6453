from spin_sdk import http, variables
from spin_sdk.http import Request, Response


class IncomingHandler(http.IncomingHandler):
    def handle_request(self, request: Request) -> Response:
        return Response(200, {"content-type": "text/plain"}, variables.get("message").encode())
