//go:build !sqlite_fts5

package knowledge

// newsbot needs SQLite's FTS5 full-text index, which github.com/mattn/go-sqlite3
// compiles in only with a build tag. Build, run and test with -tags sqlite_fts5,
// e.g. `go test -tags sqlite_fts5 ./...`.
var _ = build_with_tags_sqlite_fts5_see_README
