// GET /sqlite: creates the table visits if absent, inserts a row and returns
// the row count (fermyon:spin/sqlite@2.0.0, the default database).
package export_wasi_http_incoming_handler

import (
	"fmt"
	"strconv"

	"wit_component/fermyon_spin_2_0_0_sqlite"
	"wit_component/wasi_http_types"
)

func Handle(request *wasi_http_types.IncomingRequest, out *wasi_http_types.ResponseOutparam) {
	path := request.PathWithQuery().SomeOr("/")
	request.Drop()
	opened := fermyon_spin_2_0_0_sqlite.ConnectionOpen("default")
	if opened.IsErr() {
		respond(out, 500, fmt.Sprintf("sqlite open failed (error %d)", opened.Err().Tag()))
		return
	}
	db := opened.Ok()
	defer db.Drop()
	statements := []struct {
		sql    string
		params []fermyon_spin_2_0_0_sqlite.Value
	}{
		{"CREATE TABLE IF NOT EXISTS visits (id INTEGER PRIMARY KEY AUTOINCREMENT, path TEXT NOT NULL)", nil},
		{"INSERT INTO visits (path) VALUES (?)", []fermyon_spin_2_0_0_sqlite.Value{fermyon_spin_2_0_0_sqlite.MakeValueText(path)}},
		{"SELECT COUNT(*) FROM visits", nil},
	}
	var count int64 = -1
	for _, s := range statements {
		result := db.Execute(s.sql, s.params)
		if result.IsErr() {
			respond(out, 500, fmt.Sprintf("sqlite execute failed (error %d): %s", result.Err().Tag(), s.sql))
			return
		}
		rows := result.Ok().Rows
		if len(rows) == 1 && len(rows[0].Values) == 1 && rows[0].Values[0].Tag() == fermyon_spin_2_0_0_sqlite.Value_Integer {
			count = rows[0].Values[0].Integer()
		}
	}
	respond(out, 200, strconv.FormatInt(count, 10))
}
