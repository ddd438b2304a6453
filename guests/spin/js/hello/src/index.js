// GET /hello: a fixed body.
addEventListener("fetch", (event) => {
  event.respondWith(new Response("hello from js", { headers: { "content-type": "text/plain" } }));
});
