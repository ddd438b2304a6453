// GET /variables: the component variable "message".
import { get } from "fermyon:spin/variables@2.0.0";

addEventListener("fetch", (event) => {
  event.respondWith(new Response(get("message"), { headers: { "content-type": "text/plain" } }));
});
