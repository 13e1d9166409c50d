package export

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"testing"
)

// A write refused because another connection writes is busy; other
// failures are not, so validate tells "try again" from "out of step".
func TestIsBusy(t *testing.T) {
	path := filepath.Join(t.TempDir(), "busy.sqlite")
	ctx := context.Background()
	writer, err := openStoreDB(path)
	if err != nil {
		t.Fatal(err)
	}
	defer writer.Close()
	if _, err := writer.ExecContext(ctx, `CREATE TABLE t (x)`); err != nil {
		t.Fatal(err)
	}
	tx, err := writer.BeginTx(ctx, nil) // _txlock=immediate: the write lock
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	dsn, err := sqliteURI(path, "rw", "_pragma=busy_timeout(0)")
	if err != nil {
		t.Fatal(err)
	}
	other, err := sql.Open("sqlite", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	_, busy := other.ExecContext(ctx, `INSERT INTO t VALUES (1)`)
	_, wrong := other.ExecContext(ctx, `INSERT INTO no_such_table VALUES (1)`)
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"a write while another writes", busy, true},
		{"a write to no table", wrong, false},
		{"no error", nil, false},
		{"another error", errors.New("disk I/O error"), false},
	} {
		if got := isBusy(tc.err); got != tc.want {
			t.Errorf("%s: isBusy(%v) = %v, want %v", tc.name, tc.err, got, tc.want)
		}
	}
}
