// GET /sqlite: inserts a row into the default database and returns the count.
import { Connection } from "fermyon:spin/sqlite@2.0.0";

addEventListener("fetch", (event) => {
  const db = Connection.open("default");
  db.execute("CREATE TABLE IF NOT EXISTS visits (id INTEGER PRIMARY KEY AUTOINCREMENT, path TEXT NOT NULL)", []);
  db.execute("INSERT INTO visits (path) VALUES (?)", [{ tag: "text", val: new URL(event.request.url).pathname }]);
  const result = db.execute("SELECT COUNT(*) FROM visits", []);
  const count = result.rows[0].values[0].val;
  event.respondWith(new Response(String(count), { headers: { "content-type": "text/plain" } }));
});
