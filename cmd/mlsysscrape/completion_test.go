package main

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/mlsysscrape/mlsysscrape/scrape"
)

// complete asks the CLI, as a shell's completion script does, for the
// candidates of the last argument; it returns them without their
// descriptions, and the directive line.
func complete(t *testing.T, args ...string) (candidates []string, directive string) {
	t.Helper()
	code, stdout, stderr := runCLI(t, "", append([]string{cobra.ShellCompRequestCmd}, args...)...)
	if code != exitOK {
		t.Fatalf("__complete %q: exit %d, stderr %q", args, code, stderr)
	}
	for _, line := range strings.Split(strings.TrimSuffix(stdout, "\n"), "\n") {
		if strings.HasPrefix(line, ":") {
			directive = line
			continue
		}
		name, _, _ := strings.Cut(line, "\t")
		candidates = append(candidates, name)
	}
	return candidates, directive
}

func TestCompleteFlags(t *testing.T) {
	directive := func(d cobra.ShellCompDirective) string { return ":" + strconv.Itoa(int(d)) }
	noFiles, list := directive(cobra.ShellCompDirectiveNoFileComp), directive(cobra.ShellCompDirectiveNoFileComp|cobra.ShellCompDirectiveNoSpace)
	others := func(skip ...string) []string {
		var out []string
		for _, n := range scrape.SourceNames() {
			if !slices.Contains(skip, n) {
				out = append(out, n)
			}
		}
		return out
	}
	for _, tt := range []struct {
		args          []string
		want          []string
		wantDirective string
	}{
		{[]string{"fetch", "--source", ""}, scrape.SourceNames(), list},
		{[]string{"backfill", "--source", ""}, scrape.SourceNames(), list},
		{[]string{"fetch", "--source", "sosp"}, []string{"sosp17", "sosp19"}, list},
		{[]string{"fetch", "--source", "mlsys", "--source", ""}, others("mlsys"), list},
		{[]string{"fetch", "--format", ""}, []string{"json", "csv", "ics", "sqlite"}, list},
		{[]string{"fetch", "--format", "json,"}, []string{"json,csv", "json,ics", "json,sqlite"}, list},
		{[]string{"backfill", "--format", "json,s"}, []string{"json,sqlite"}, list},
		{[]string{"fetch", "--format", "csv,json,"}, []string{"csv,json,ics", "csv,json,sqlite"}, list},
		{[]string{"fetch", "--format", "csv,json,ics,"}, []string{"csv,json,ics,sqlite"}, noFiles},
		{[]string{"fetch", "--format", "json", "--format", ""}, []string{"csv", "ics", "sqlite"}, list},
		{[]string{"fetch", "--format", "xml"}, nil, noFiles},
	} {
		got, gotDirective := complete(t, tt.args...)
		if !slices.Equal(got, tt.want) || gotDirective != tt.wantDirective {
			t.Errorf("__complete %q: %q %s, want %q %s", tt.args, got, gotDirective, tt.want, tt.wantDirective)
		}
	}
	// A source's candidate says what it is: its first page.
	_, stdout, _ := runCLI(t, "", cobra.ShellCompRequestCmd, "fetch", "--source", "ml")
	if want := "mlsys\t" + scrape.DefaultSources[0].Pages[0].URL + "\n"; !strings.HasPrefix(stdout, want) {
		t.Errorf("__complete fetch --source ml: %q, want it to start with %q", stdout, want)
	}
}

func TestCompletionScripts(t *testing.T) {
	for shell, want := range map[string]string{
		"bash":       "# bash completion V2 for mlsysscrape",
		"zsh":        "#compdef mlsysscrape",
		"fish":       "# fish completion for mlsysscrape",
		"powershell": "# powershell completion for mlsysscrape",
	} {
		code, stdout, stderr := runCLI(t, "", "completion", shell)
		if code != exitOK || stderr != "" || !strings.Contains(stdout, want) {
			t.Errorf("completion %s: exit %d, stderr %q, %d bytes on stdout; want a script with %q", shell, code, stderr, len(stdout), want)
		}
	}
	// The script asks the binary for candidates, flags included.
	_, stdout, _ := runCLI(t, "", "completion", "bash")
	if !strings.Contains(stdout, "__complete") {
		t.Error("completion bash: the script does not call mlsysscrape __complete")
	}
}

func TestCompletionUsageErrors(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"completion"}, "mlsysscrape: mlsysscrape completion takes a shell: bash, fish, powershell, zsh"},
		{[]string{"completion", "tcsh"}, `mlsysscrape: unknown command "tcsh" for "mlsysscrape completion" (see mlsysscrape completion --help)`},
		{[]string{"completion", "bash", "extra"}, `(see mlsysscrape completion bash --help)`},
	} {
		code, stdout, stderr := runCLI(t, "", tt.args...)
		if code != exitUsage || stdout != "" || !strings.Contains(stderr, tt.want) || strings.Count(stderr, "\n") != 1 {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want exit %d and one line with %q", tt.args, code, stdout, stderr, exitUsage, tt.want)
		}
	}
}
