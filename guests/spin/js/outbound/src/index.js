// GET /outbound: fetches the URL in the component variable upstream_url and
// returns its body.
import { get } from "fermyon:spin/variables@2.0.0";

async function handle() {
  const upstream = await fetch(get("upstream_url"));
  if (upstream.status !== 200) {
    return new Response(`upstream answered ${upstream.status}`, { status: 502 });
  }
  const body = await upstream.text();
  return new Response(body, { headers: { "content-type": "text/plain" } });
}

addEventListener("fetch", (event) => {
  event.respondWith(handle());
});
