// GET /counter: increments "count" in the default key-value store.
import { Store } from "fermyon:spin/key-value@2.0.0";

const decoder = new TextDecoder();
const encoder = new TextEncoder();

addEventListener("fetch", (event) => {
  const store = Store.open("default");
  const raw = store.get("count");
  const count = (raw ? parseInt(decoder.decode(raw), 10) : 0) + 1;
  store.set("count", encoder.encode(String(count)));
  event.respondWith(new Response(String(count), { headers: { "content-type": "text/plain" } }));
});
