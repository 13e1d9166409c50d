package export

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
)

// migrateFrom2 turns a store of schema version 2 into version 3, in tx.
//
// Version 3 holds empty text as NULL, which columns declared NOT NULL
// refuse, and SQLite cannot drop a constraint: tables talks and speakers
// are made anew, as SQLite's documentation says to change a table (a new
// table, its rows copied, the old one dropped, the new one renamed). What
// a user added to them is carried over: their columns with their values,
// their indexes and triggers. Their views, which name the tables, are left
// as they are and work again once the renamed tables are in place. The
// rowids of talks are kept, the full-text index is declared anew (in the
// form sqlite-utils and Datasette recognise), and the tables and views
// version 3 added are made. The caller writes every record again, which
// fills what version 3 derives from them.
//
// A column the store cannot copy (a generated column a user added) stops
// the upgrade: the transaction is rolled back, and nothing is lost.
func migrateFrom2(ctx context.Context, tx *sql.Tx) error {
	talks, err := userAdditions(ctx, tx, "talks", columnNames(talkColumns))
	if err != nil {
		return err
	}
	speakers, err := userAdditions(ctx, tx, "speakers", speakersCSVHeader)
	if err != nil {
		return err
	}
	// Renaming a table checks every view that names a table; the user's
	// views name talks, which is gone for the moment: legacy renaming
	// leaves views alone.
	if _, err := tx.ExecContext(ctx, `PRAGMA legacy_alter_table = ON`); err != nil {
		return err
	}
	defer tx.ExecContext(ctx, `PRAGMA legacy_alter_table = OFF`)
	steps := []string{dropViews, `DROP TABLE IF EXISTS talks_fts`,
		talksTable("talks_v3", talks.decls) + speakersTable("speakers_v3", speakers.decls),
		copyRows("talks", "talks_v3", append([]string{"rowid"}, columnNames(talkColumns)...), talks.names, nil),
		copyRows("speakers", "speakers_v3", speakersCSVHeader, speakers.names, map[string]string{
			// person_key is new: derived from the name by the rewrite that follows.
			"person_key": "NULL",
		}),
		`DROP TABLE talks`, `ALTER TABLE talks_v3 RENAME TO talks`,
		`DROP TABLE speakers`, `ALTER TABLE speakers_v3 RENAME TO speakers`,
		speakersIndex,
		strings.Join(append(talks.indexes, speakers.indexes...), ";\n"),
		// The index is built as the records are written again.
		derivedTables, ftsSchema, viewsSchema, stateTable,
	}
	for _, q := range steps {
		if strings.TrimSpace(q) == "" {
			continue
		}
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("%w, in: %.80s", err, strings.TrimSpace(q))
		}
	}
	return nil
}

// dropViews drops the store's own views, so that they can be declared
// again over the tables as they now are.
var dropViews = func() string {
	var b strings.Builder
	for _, v := range storeViews {
		b.WriteString("DROP VIEW IF EXISTS " + v + ";\n")
	}
	return b.String()
}()

// additions are what a user added to one of the store's tables: columns
// (their names, and their declarations as the table gives them), and the
// statements that made their indexes and triggers on it.
type additions struct {
	names, decls, indexes []string
}

// userAdditions reads what a user added to table, whose own columns are
// ours.
func userAdditions(ctx context.Context, tx *sql.Tx, table string, ours []string) (additions, error) {
	var a additions
	rows, err := tx.QueryContext(ctx, `SELECT name, type, "notnull", dflt_value, hidden FROM pragma_table_xinfo('`+table+`')`)
	if err != nil {
		return a, err
	}
	defer rows.Close()
	for rows.Next() {
		var name, typ string
		var notNull, hidden int
		var dflt sql.NullString
		if err := rows.Scan(&name, &typ, &notNull, &dflt, &hidden); err != nil {
			return a, err
		}
		if slices.Contains(ours, name) {
			continue
		}
		if hidden != 0 {
			return a, fmt.Errorf("table %s has a generated column %q, which the upgrade cannot copy: drop it, upgrade, and add it again", table, name)
		}
		decl := quoteIdent(name) + " " + typ
		if notNull != 0 {
			decl += " NOT NULL"
		}
		if dflt.Valid {
			decl += " DEFAULT " + dflt.String
		}
		a.names = append(a.names, name)
		a.decls = append(a.decls, decl)
	}
	if err := rows.Err(); err != nil {
		return a, err
	}
	rows.Close()
	// Indexes SQLite made itself (for a primary key) have no statement.
	irows, err := tx.QueryContext(ctx, `SELECT sql FROM sqlite_master
		WHERE tbl_name = ? AND type IN ('index', 'trigger') AND sql IS NOT NULL ORDER BY type, name`, table)
	if err != nil {
		return a, err
	}
	defer irows.Close()
	for irows.Next() {
		var stmt string
		if err := irows.Scan(&stmt); err != nil {
			return a, err
		}
		a.indexes = append(a.indexes, stmt)
	}
	return a, irows.Err()
}

// copyRows copies every row of table from into table to: our columns
// (empty text made NULL, as version 3 holds it; value overrides a
// column's expression) and the user's, as they are.
func copyRows(from, to string, ours, user []string, value map[string]string) string {
	var cols, exprs []string
	for _, c := range ours {
		cols = append(cols, c)
		switch e, ok := value[c]; {
		case ok:
			exprs = append(exprs, e)
		default:
			exprs = append(exprs, "NULLIF("+c+", '')")
		}
	}
	for _, c := range user {
		cols = append(cols, quoteIdent(c))
		exprs = append(exprs, quoteIdent(c))
	}
	return "INSERT INTO " + to + "(" + strings.Join(cols, ", ") + ") SELECT " + strings.Join(exprs, ", ") + " FROM " + from
}

func quoteIdent(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }
