//go:build sqlite_fts5

package knowledge

import (
	"context"
	"database/sql"
	"encoding/json"
	"testing"
)

// oldDatabase is a database written the way an earlier schema wrote it, for
// tests of upgrading one.
type oldDatabase struct {
	t  *testing.T
	db *sql.DB
}

// newOldDatabase creates a database at path with the named migrations
// applied, as the version that had only those applied them.
func newOldDatabase(t *testing.T, path string, names ...string) *oldDatabase {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?_foreign_keys=on")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`CREATE TABLE migrations (name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	old := &oldDatabase{t: t, db: db}
	old.migrate(names...)
	return old
}

// migrate applies the named migrations, their Go steps included.
func (o *oldDatabase) migrate(names ...string) {
	o.t.Helper()
	ctx := context.Background()
	for _, name := range names {
		body, err := migrations.ReadFile("migrations/" + name)
		if err != nil {
			o.t.Fatal(err)
		}
		tx, err := o.db.BeginTx(ctx, nil)
		if err != nil {
			o.t.Fatal(err)
		}
		if _, err := tx.ExecContext(ctx, string(body)); err != nil {
			o.t.Fatalf("%s: %v", name, err)
		}
		if step := migrationSteps["migrations/"+name]; step != nil {
			if err := step(ctx, tx, nil); err != nil {
				o.t.Fatalf("%s: %v", name, err)
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO migrations VALUES (?, 0)`, "migrations/"+name); err != nil {
			o.t.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			o.t.Fatal(err)
		}
	}
}

// put stores a as the schema of migration 0001 did, under key pk, with
// source, and indexes its sentences.
func (o *oldDatabase) put(pk int, a Article, source string) {
	o.t.Helper()
	kp, err := json.Marshal(nonNil(a.KeyPoints))
	if err != nil {
		o.t.Fatal(err)
	}
	if _, err := o.db.Exec(`INSERT INTO articles (pk, id, title, source, key_points, body, content_hash, loaded_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, 0, 0)`, pk, a.ID, a.Title, source, string(kp), a.Body, ContentHash(a)); err != nil {
		o.t.Fatal(err)
	}
	for _, s := range Split(a) {
		if _, err := o.db.Exec(`INSERT INTO sentences (id, article, position, key_point, text) VALUES (?, ?, ?, ?, ?)`,
			s.ID, pk, s.Position, s.KeyPoint, s.Text); err != nil {
			o.t.Fatal(err)
		}
	}
	if _, err := o.db.Exec(`INSERT INTO sentences_fts (rowid, text) SELECT pk, text FROM sentences WHERE article = ?`, pk); err != nil {
		o.t.Fatal(err)
	}
}

func (o *oldDatabase) close() { o.db.Close() }
