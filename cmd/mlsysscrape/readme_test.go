package main

// The README's examples are tests. TestReadmeExamples builds the offline
// dataset once, as the README's main command does (fetch --offline, run
// in-process), into a temporary folder as data/, and runs there every
// fenced code block of README.md whose info string marks it runnable:
//
//	```python   run by python -W error (MLSYSSCRAPE_PYTHON, else a python3
//	            that can import pandas) in the folder; must exit 0 and
//	            print something.
//	```sql      SQLite: each statement runs against data/talks.sqlite
//	            (modernc.org/sqlite) and must return at least one row.
//	```sql      whose first line is the comment "-- duckdb": DuckDB, each
//	            statement through Node's @duckdb/node-api (installed by
//	            .ci/run in MLSYSSCRAPE_DUCKDB_NODE; runner:
//	            testdata/readme_duckdb.cjs) in the folder, so
//	            'data/talks.csv' reads; each must return at least one row.
//	```console  each line starting with "$ " is a command; it must be a
//	            sqlite-utils command, which runs in the folder (no shell:
//	            quotes and "# comments" are read as a shell would), must
//	            exit 0 and print something. Other lines are sample output,
//	            not compared. A "$ " line naming another tool fails the
//	            test: show such commands in a ```sh block.
//
// Every other block (```sh, ```text, ```markdown, a bare ```) is shown,
// never run. Each block is a subtest named by the README line of its
// opening fence (a console command: its own line), e.g.
// TestReadmeExamples/line_180_duckdb. A block whose tool is missing is
// skipped, naming the tool, unless MLSYSSCRAPE_EXAMPLES=all (as .ci/run
// sets it), when it fails. docs/layout.md says the same for writers.

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	_ "modernc.org/sqlite"
)

// An example is one runnable block of the README.
type example struct {
	Line int    // README line of its opening fence (a console command: its line)
	Tool string // "python", "sqlite", "duckdb" or "sqlite-utils"
	Code string // the block's text; for sqlite-utils, the command line after "$ "
}

func (e example) name() string { return fmt.Sprintf("line_%d_%s", e.Line, e.Tool) }

// extractExamples returns the runnable blocks of a Markdown text, in
// order, or an error naming the line of a block that breaks the
// convention (a fence never closed, a console command of another tool, a
// block with nothing to run).
func extractExamples(markdown string) ([]example, error) {
	lines := strings.Split(markdown, "\n")
	var out []example
	for i := 0; i < len(lines); i++ {
		info, ok := fenceInfo(lines[i])
		if !ok {
			continue
		}
		open := i + 1 // 1-based line of the opening fence
		var body []string
		closed := false
		for i++; i < len(lines); i++ {
			if rest, ok := fenceInfo(lines[i]); ok && rest == "" {
				closed = true
				break
			}
			body = append(body, lines[i])
		}
		if !closed {
			return nil, fmt.Errorf("line %d: the ``` block opened here is never closed", open)
		}
		code := strings.Join(body, "\n") + "\n"
		lang := strings.Fields(info + " ")
		switch {
		case len(lang) == 0:
		case lang[0] == "python":
			if strings.TrimSpace(code) == "" {
				return nil, fmt.Errorf("line %d: empty python block", open)
			}
			out = append(out, example{Line: open, Tool: "python", Code: code})
		case lang[0] == "sql":
			tool := "sqlite"
			if first := firstNonBlank(body); strings.EqualFold(strings.TrimSpace(first), "-- duckdb") {
				tool = "duckdb"
			}
			if len(splitSQL(code)) == 0 {
				return nil, fmt.Errorf("line %d: sql block with no statement", open)
			}
			out = append(out, example{Line: open, Tool: tool, Code: code})
		case lang[0] == "console":
			n := 0
			for j, l := range body {
				cmdline, ok := strings.CutPrefix(l, "$ ")
				if !ok {
					continue
				}
				args, err := shellWords(cmdline)
				if err != nil {
					return nil, fmt.Errorf("line %d: %v", open+1+j, err)
				}
				if len(args) == 0 || args[0] != "sqlite-utils" {
					return nil, fmt.Errorf("line %d: %q: a console block runs only sqlite-utils commands; show other commands in a ```sh block", open+1+j, cmdline)
				}
				out = append(out, example{Line: open + 1 + j, Tool: "sqlite-utils", Code: cmdline})
				n++
			}
			if n == 0 {
				return nil, fmt.Errorf("line %d: console block with no \"$ \" command", open)
			}
		}
	}
	return out, nil
}

// fenceInfo says whether line opens or closes a ``` fence (indented by at
// most three spaces) and returns its info string.
func fenceInfo(line string) (string, bool) {
	trimmed := strings.TrimLeft(line, " ")
	if len(line)-len(trimmed) > 3 || !strings.HasPrefix(trimmed, "```") {
		return "", false
	}
	return strings.TrimSpace(strings.TrimLeft(trimmed, "`")), true
}

func firstNonBlank(lines []string) string {
	for _, l := range lines {
		if strings.TrimSpace(l) != "" {
			return l
		}
	}
	return ""
}

// splitSQL splits a block into its statements at the semicolons outside
// quotes and comments, leaving out those that hold only comments.
func splitSQL(code string) []string {
	var stmts []string
	var cur strings.Builder
	hasCode := false
	flush := func() {
		if hasCode {
			stmts = append(stmts, strings.TrimSpace(cur.String()))
		}
		cur.Reset()
		hasCode = false
	}
	for i := 0; i < len(code); i++ {
		c := code[i]
		switch {
		case c == '-' && strings.HasPrefix(code[i:], "--"):
			end := strings.IndexByte(code[i:], '\n')
			if end < 0 {
				end = len(code) - i
			}
			cur.WriteString(code[i : i+end])
			i += end - 1
		case c == '/' && strings.HasPrefix(code[i:], "/*"):
			end := strings.Index(code[i+2:], "*/")
			if end < 0 {
				end = len(code) - i - 2
			} else {
				end += 2
			}
			cur.WriteString(code[i : i+2+end])
			i += 2 + end - 1
		case c == '\'' || c == '"' || c == '`':
			j := i + 1
			for j < len(code) {
				if code[j] == c {
					if j+1 < len(code) && code[j+1] == c { // doubled quote
						j += 2
						continue
					}
					break
				}
				j++
			}
			if j >= len(code) {
				j = len(code) - 1
			}
			cur.WriteString(code[i : j+1])
			hasCode = true
			i = j
		case c == ';':
			flush()
		default:
			cur.WriteByte(c)
			if c != ' ' && c != '\t' && c != '\n' && c != '\r' {
				hasCode = true
			}
		}
	}
	flush()
	return stmts
}

// shellWords splits a command line as a POSIX shell would for the
// README's commands: words, single and double quotes, backslash escapes,
// and a "#" comment starting a word. No expansion of any kind.
func shellWords(s string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '\t':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		case c == '#' && !inWord:
			return words, nil
		case c == '\'':
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				return nil, fmt.Errorf("unclosed ' in %q", s)
			}
			cur.WriteString(s[i+1 : i+1+j])
			i += j + 1
			inWord = true
		case c == '"':
			i++
			for ; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' && i+1 < len(s) && strings.IndexByte(`"\$`+"`", s[i+1]) >= 0 {
					i++
				}
				cur.WriteByte(s[i])
			}
			if i >= len(s) {
				return nil, fmt.Errorf("unclosed \" in %q", s)
			}
			inWord = true
		case c == '\\' && i+1 < len(s):
			i++
			cur.WriteByte(s[i])
			inWord = true
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}

// runSQLite runs each statement of code on db; each must return a row.
func runSQLite(db *sql.DB, code string) error {
	for _, stmt := range splitSQL(code) {
		rows, err := db.Query(stmt)
		if err != nil {
			return fmt.Errorf("%v\n%s", err, stmt)
		}
		n := 0
		for rows.Next() {
			n++
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return fmt.Errorf("%v\n%s", err, stmt)
		}
		if n == 0 {
			return fmt.Errorf("returned no rows:\n%s", stmt)
		}
	}
	return nil
}

// runDuckDB runs each statement of code in DuckDB, through the Node
// runner, in dir; each must return a row.
func runDuckDB(dir, code string) error {
	runner, err := filepath.Abs(filepath.Join("testdata", "readme_duckdb.cjs"))
	if err != nil {
		return err
	}
	stmts := splitSQL(code)
	in, err := json.Marshal(stmts)
	if err != nil {
		return err
	}
	cmd := exec.Command("node", runner)
	cmd.Dir = dir
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, runErr := cmd.Output()
	type result struct {
		Rows      *int    `json:"rows"`
		Error     *string `json:"error"`
		Statement int     `json:"statement"`
	}
	var results []result
	dec := json.NewDecoder(bytes.NewReader(out))
	for dec.More() {
		var r result
		if err := dec.Decode(&r); err != nil {
			return fmt.Errorf("duckdb runner printed %q (%v): %v\n%s", out, runErr, err, stderr.String())
		}
		results = append(results, r)
	}
	for i, r := range results {
		if r.Error != nil {
			stmt := ""
			if r.Statement < len(stmts) {
				stmt = stmts[r.Statement]
			}
			return fmt.Errorf("%s\n%s", *r.Error, stmt)
		}
		if r.Rows != nil && *r.Rows == 0 && i < len(stmts) {
			return fmt.Errorf("returned no rows:\n%s", stmts[i])
		}
	}
	if runErr != nil || len(results) != len(stmts) {
		return fmt.Errorf("duckdb runner: %v, %d results for %d statements\n%s%s", runErr, len(results), len(stmts), out, stderr.String())
	}
	return nil
}

// runPython runs code with py -W error in dir; it must print something.
func runPython(py, dir, code string) error {
	cmd := exec.Command(py, "-W", "error", "-c", code)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return fmt.Errorf("%v\n%s%s", err, out, stderr.String())
	}
	if strings.TrimSpace(string(out)) == "" {
		return fmt.Errorf("printed nothing\n%s", stderr.String())
	}
	return nil
}

// runSQLiteUtils runs one "$ sqlite-utils …" line with bin in dir; it
// must exit 0 and print something.
func runSQLiteUtils(bin, dir, cmdline string) error {
	args, err := shellWords(cmdline)
	if err != nil {
		return err
	}
	cmd := exec.Command(bin, args[1:]...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return fmt.Errorf("%s: %v\n%s%s", cmdline, err, out, stderr.String())
	}
	if strings.TrimSpace(string(out)) == "" {
		return fmt.Errorf("%s: printed nothing\n%s", cmdline, stderr.String())
	}
	return nil
}

// examplePython is MLSYSSCRAPE_PYTHON, else a python3 that can import
// pandas; "" if none.
func examplePython() string {
	if py := os.Getenv("MLSYSSCRAPE_PYTHON"); py != "" {
		return py
	}
	for _, py := range []string{"python3", "/usr/bin/python3"} {
		if exec.Command(py, "-c", "import pandas").Run() == nil {
			return py
		}
	}
	return ""
}

// duckDBMissing says what is missing to run DuckDB examples, or "".
func duckDBMissing() string {
	dir := os.Getenv("MLSYSSCRAPE_DUCKDB_NODE")
	if dir == "" {
		return "DuckDB (@duckdb/node-api: npm-install it into a folder named by MLSYSSCRAPE_DUCKDB_NODE, as .ci/run does)"
	}
	if _, err := exec.LookPath("node"); err != nil {
		return "DuckDB (node, to run @duckdb/node-api)"
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "@duckdb", "node-api", "package.json")); err != nil {
		return fmt.Sprintf("DuckDB (@duckdb/node-api is not installed in MLSYSSCRAPE_DUCKDB_NODE=%s)", dir)
	}
	return ""
}

// TestReadmeExamples runs the README's runnable blocks against a fresh
// offline dataset.
func TestReadmeExamples(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	examples, err := extractExamples(string(readme))
	if err != nil {
		t.Fatalf("README.md %v", err)
	}
	seen := map[string]bool{}
	for _, e := range examples {
		seen[e.Tool] = true
	}
	for _, tool := range []string{"python", "sqlite", "duckdb", "sqlite-utils"} {
		if !seen[tool] {
			t.Errorf("README.md has no %s example: the convention at the top of readme_test.go is broken, or the examples are gone", tool)
		}
	}

	work := t.TempDir()
	if code, _, stderr := runCLI(t, "", "fetch", "--offline", "--quiet", "--out", filepath.Join(work, "data")); code != 0 {
		t.Fatalf("fetch --offline: exit %d\n%s", code, stderr)
	}
	db, err := sql.Open("sqlite", "file:"+filepath.Join(work, "data", "talks.sqlite")+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	all := os.Getenv("MLSYSSCRAPE_EXAMPLES") == "all"
	need := func(t *testing.T, missing string) {
		t.Helper()
		if missing == "" {
			return
		}
		if all {
			t.Fatalf("%s is missing, and MLSYSSCRAPE_EXAMPLES=all asks for every example to run", missing)
		}
		t.Skipf("needs %s", missing)
	}
	py := examplePython()
	sqliteUtils, _ := exec.LookPath("sqlite-utils")

	for _, e := range examples {
		t.Run(e.name(), func(t *testing.T) {
			var err error
			switch e.Tool {
			case "sqlite":
				err = runSQLite(db, e.Code)
			case "duckdb":
				need(t, duckDBMissing())
				err = runDuckDB(work, e.Code)
			case "python":
				if py == "" {
					need(t, "python3 with pandas (set MLSYSSCRAPE_PYTHON)")
				}
				err = runPython(py, work, e.Code)
			case "sqlite-utils":
				if sqliteUtils == "" {
					need(t, "sqlite-utils (apt-get install sqlite-utils)")
				}
				err = runSQLiteUtils(sqliteUtils, work, e.Code)
			default:
				err = fmt.Errorf("no runner for %s", e.Tool)
			}
			if err != nil {
				t.Errorf("README.md line %d (%s): %v", e.Line, e.Tool, err)
			}
		})
	}
}

// TestReadmeExtract checks the block parser on small READMEs, a broken
// one among them.
func TestReadmeExtract(t *testing.T) {
	fence := "```"
	for _, tc := range []struct {
		name    string
		in      string
		want    []example
		wantErr string
	}{{
		name: "each kind",
		in: "# t\n\n" + fence + "python\nprint(1)\n" + fence + "\n" +
			fence + "sql\n-- a comment; with a semicolon\nSELECT 1;\nSELECT ';';\n" + fence + "\n" +
			fence + "sql\n-- duckdb\nSELECT 42\n" + fence + "\n" +
			fence + "console\n$ sqlite-utils tables data/talks.sqlite   # the tables\n[{\"table\": \"talks\"}]\n" + fence + "\n" +
			fence + "sh\nmlsysscrape fetch\n" + fence + "\n" +
			fence + "\nplain\n" + fence + "\n",
		want: []example{
			{Line: 3, Tool: "python", Code: "print(1)\n"},
			{Line: 6, Tool: "sqlite", Code: "-- a comment; with a semicolon\nSELECT 1;\nSELECT ';';\n"},
			{Line: 11, Tool: "duckdb", Code: "-- duckdb\nSELECT 42\n"},
			{Line: 16, Tool: "sqlite-utils", Code: "sqlite-utils tables data/talks.sqlite   # the tables"},
		},
	}, {
		name:    "a fence never closed",
		in:      "text\n" + fence + "sql\nSELECT 1;\n\nmore text\n",
		wantErr: "line 2: the ``` block opened here is never closed",
	}, {
		name:    "a console command of another tool",
		in:      fence + "console\n$ datasette data/talks.sqlite\n" + fence + "\n",
		wantErr: "line 2: ",
	}, {
		name:    "an sql block of comments only",
		in:      fence + "sql\n-- nothing to run\n" + fence + "\n",
		wantErr: "line 1: sql block with no statement",
	}, {
		name:    "a console block with no command",
		in:      fence + "console\nsome output\n" + fence + "\n",
		wantErr: "line 1: console block",
	}} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := extractExamples(tc.in)
			if tc.wantErr != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one starting %q (examples: %+v)", err, tc.wantErr, got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}

	if got := splitSQL("-- c; d\nSELECT 'a;b' AS x; /* ; */ SELECT \"c;\"\n;\n-- end;"); len(got) != 2 ||
		got[0] != "-- c; d\nSELECT 'a;b' AS x" || got[1] != "/* ; */ SELECT \"c;\"" {
		t.Errorf("splitSQL: %q", got)
	}
	if got, err := shellWords(`sqlite-utils search data/talks.sqlite talks "attention is" -c 'title' a\ b # note`); err != nil ||
		fmt.Sprint(got) != "[sqlite-utils search data/talks.sqlite talks attention is -c title a b]" || len(got) != 8 {
		t.Errorf("shellWords: %q, %v", got, err)
	}
}

// TestReadmeRunnerFails checks that the runners report what a broken
// example does: SQL that does not parse, or returns no rows.
func TestReadmeRunnerFails(t *testing.T) {
	db, err := sql.Open("sqlite", filepath.Join(t.TempDir(), "t.sqlite"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("CREATE TABLE talks (id TEXT, title TEXT); INSERT INTO talks VALUES ('a', 'Attention')"); err != nil {
		t.Fatal(err)
	}
	if err := runSQLite(db, "SELECT title FROM talks;\n-- a comment\n"); err != nil {
		t.Errorf("a good query failed: %v", err)
	}
	for code, want := range map[string]string{
		"SELECT title FROM talks;\nSELEC title FROM talks;":  "syntax error",
		"SELECT title FROM talks WHERE id = 'nobody'":        "returned no rows",
		"SELECT title FROM talks; SELECT * FROM no_such_one": "no such table",
	} {
		if err := runSQLite(db, code); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("runSQLite(%q) = %v, want an error saying %q", code, err, want)
		}
	}
	if missing := duckDBMissing(); missing == "" {
		if err := runDuckDB(t.TempDir(), "-- duckdb\nSELECT 1 AS one;\nSELECT 1 WHERE false"); err == nil || !strings.Contains(err.Error(), "returned no rows") {
			t.Errorf("runDuckDB with an empty result: %v", err)
		}
		if err := runDuckDB(t.TempDir(), "SELEC 1"); err == nil || !strings.Contains(err.Error(), "syntax error") {
			t.Errorf("runDuckDB with a syntax error: %v", err)
		}
	}
	if py := examplePython(); py != "" {
		if err := runPython(py, t.TempDir(), "import warnings\nwarnings.warn('x', DeprecationWarning)\nprint(1)"); err == nil {
			t.Error("runPython let a warning pass: -W error is not in force")
		}
	}
}
