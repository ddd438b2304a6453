from spin_sdk import http, variables
from spin_sdk.http import Request, Response


class HttpHandler(http.Handler):
    async def handle_request(self, request: Request) -> Response:
        message = await variables.get("message")
        return Response(200, {"content-type": "text/plain"}, message.encode())
