//go:build sqlite_fts5

package knowledge

import (
	"database/sql"

	"github.com/mattn/go-sqlite3"
)

// driverName is the database/sql driver newsbot opens SQLite with: the
// standard one, plus, on every connection, a temporary FTS5 table that runs a
// query's words through the index's own tokenizer (see plan.go).
const driverName = "sqlite3_newsbot"

func init() {
	sql.Register(driverName, &sqlite3.SQLiteDriver{
		ConnectHook: func(c *sqlite3.SQLiteConn) error {
			_, err := c.Exec(`CREATE VIRTUAL TABLE IF NOT EXISTS temp.query_terms USING fts5(text, tokenize = 'porter unicode61 remove_diacritics 2');
				CREATE VIRTUAL TABLE IF NOT EXISTS temp.query_tokens USING fts5vocab(temp, query_terms, 'instance');`, nil)
			return err
		},
	})
}
