package main

import (
	"database/sql"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	_ "modernc.org/sqlite"
)

// readmeBlocks returns the README's fenced code blocks in language lang.
func readmeBlocks(t *testing.T, lang string) []string {
	t.Helper()
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile("(?s)```" + lang + "\n(.*?)```")
	var blocks []string
	for _, m := range re.FindAllStringSubmatch(string(readme), -1) {
		blocks = append(blocks, m[1])
	}
	if len(blocks) == 0 {
		t.Fatalf("README has no %s example", lang)
	}
	return blocks
}

// TestREADMESQL runs every SQL statement of the README against a fresh
// offline dataset; each must return rows.
func TestREADMESQL(t *testing.T) {
	dir, _, _ := offlineFetch(t)
	db, err := sql.Open("sqlite", filepath.Join(dir, "talks.sqlite"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, block := range readmeBlocks(t, "sql") {
		for _, stmt := range strings.Split(block, ";") {
			if strings.TrimSpace(stripSQLComments(stmt)) == "" {
				continue
			}
			rows, err := db.Query(stmt)
			if err != nil {
				t.Fatalf("README query failed: %v\n%s", err, stmt)
			}
			n := 0
			for rows.Next() {
				n++
			}
			rows.Close()
			if n == 0 {
				t.Errorf("README query returned no rows:\n%s", stmt)
			}
		}
	}
}

func stripSQLComments(s string) string {
	var keep []string
	for _, line := range strings.Split(s, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "--") {
			keep = append(keep, line)
		}
	}
	return strings.Join(keep, "\n")
}

// TestREADMEPython runs the README's pandas example in a folder holding a
// fresh offline dataset as data/. It needs a python3 with pandas: the one
// in MLSYSSCRAPE_PYTHON, or python3, or /usr/bin/python3.
func TestREADMEPython(t *testing.T) {
	py := pandasPython()
	if py == "" {
		t.Skip("no python3 with pandas here; .ci/run installs one")
	}
	dir, _, _ := offlineFetch(t)
	work := t.TempDir()
	if err := os.Rename(dir, filepath.Join(work, "data")); err != nil {
		t.Fatal(err)
	}
	for _, block := range readmeBlocks(t, "python") {
		cmd := exec.Command(py, "-W", "error", "-c", block)
		cmd.Dir = work
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("README python example failed: %v\n%s", err, out)
		}
		if !strings.Contains(string(out), "Stanford MLSys Seminar") {
			t.Errorf("README python example printed:\n%s", out)
		}
	}
}

func pandasPython() string {
	candidates := []string{os.Getenv("MLSYSSCRAPE_PYTHON"), "python3", "/usr/bin/python3"}
	for _, py := range candidates {
		if py == "" {
			continue
		}
		if exec.Command(py, "-c", "import pandas").Run() == nil {
			return py
		}
	}
	return ""
}
