//go:build sqlite_fts5

package knowledgetest

import (
	"context"
	"database/sql"
	"testing"
)

// HoldWrite opens the SQLite database at path on a connection of its own
// and begins a write transaction there, as a long load does, and holds it
// until the test ends. It returns the connection, for writes inside it.
func HoldWrite(tb testing.TB, path string) *sql.Conn {
	tb.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?_busy_timeout=5000")
	if err != nil {
		tb.Fatal(err)
	}
	conn, err := db.Conn(context.Background())
	if err != nil {
		db.Close()
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		conn.ExecContext(context.Background(), `ROLLBACK`)
		conn.Close()
		db.Close()
	})
	if _, err := conn.ExecContext(context.Background(), `BEGIN IMMEDIATE`); err != nil {
		tb.Fatalf("hold a write on %s: %v", path, err)
	}
	return conn
}
