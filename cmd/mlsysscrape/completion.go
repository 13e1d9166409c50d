package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/mlsysscrape/mlsysscrape/export"
	"github.com/mlsysscrape/mlsysscrape/scrape"
)

// addCompletion adds cobra's `completion` command to root, as a command
// like the others (examples, usage errors), and registers the completion
// of the flags whose values come from a fixed list, on every command that
// has them: --source completes the default sources' names, --format the
// formats, after the comma of a list too. Call it once the commands are
// added.
func addCompletion(root *cobra.Command) {
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		if c.Name() == "completion" {
			completionLikeTheOthers(c)
		}
	}
	lists := []struct {
		flag  string
		items func() []listItem
	}{
		{"source", sourceItems},
		{"format", formatItems},
	}
	walkCommands(root, func(c *cobra.Command) {
		for _, l := range lists {
			// Only list flags: a flag of another meaning that happens
			// to share the name is left alone.
			if f := c.Flags().Lookup(l.flag); f != nil {
				if _, isList := f.Value.(pflag.SliceValue); isList {
					mustRegister(c.RegisterFlagCompletionFunc(l.flag, completeList(l.flag, l.items)))
				}
			}
		}
	})
}

func walkCommands(c *cobra.Command, f func(*cobra.Command)) {
	f(c)
	for _, sub := range c.Commands() {
		walkCommands(sub, f)
	}
}

func mustRegister(err error) {
	if err != nil {
		panic(err) // a flag just looked up, registered twice: a bug
	}
}

// completionLikeTheOthers gives cobra's completion command and its
// shells' commands examples, and makes their argument errors usage errors.
func completionLikeTheOthers(c *cobra.Command) {
	c.Example = "  source <(mlsysscrape completion bash)\n" +
		"  mlsysscrape completion zsh > \"${fpath[1]}/_mlsysscrape\"\n" +
		"  mlsysscrape completion fish > ~/.config/fish/completions/mlsysscrape.fish"
	c.Args = usageArgs(c.Args)
	c.PreRunE = checkFlags
	c.RunE = func(c *cobra.Command, _ []string) error {
		var shells []string
		for _, sub := range c.Commands() {
			if sub.IsAvailableCommand() {
				shells = append(shells, sub.Name())
			}
		}
		return usageErrorf("%s takes a shell: %s", c.CommandPath(), strings.Join(shells, ", "))
	}
	for _, shell := range c.Commands() {
		shell.Args = usageArgs(shell.Args)
		shell.PreRunE = checkFlags
		if shell.Example == "" {
			shell.Example = fmt.Sprintf("  mlsysscrape completion %s --help   # where to install it\n  mlsysscrape completion %[1]s", shell.Name())
		}
	}
}

// usageArgs turns the errors of cobra's argument check into usage errors.
func usageArgs(check cobra.PositionalArgs) cobra.PositionalArgs {
	if check == nil {
		return nil
	}
	return func(c *cobra.Command, args []string) error {
		if err := check(c, args); err != nil {
			return flagError(c, err)
		}
		return nil
	}
}

// A listItem is a value a list flag takes, and what it is.
type listItem struct{ value, description string }

// sourceItems are the default sources, each described by its first page.
func sourceItems() []listItem {
	items := make([]listItem, len(scrape.DefaultSources))
	for i, s := range scrape.DefaultSources {
		items[i].value = s.Name
		if len(s.Pages) > 0 {
			items[i].description = s.Pages[0].URL
		}
	}
	return items
}

// formatItems are the formats a run writes.
func formatItems() []listItem {
	items := make([]listItem, len(export.Formats))
	for i, f := range export.Formats {
		items[i].value = f
	}
	return items
}

// completeList completes a list flag, repeatable or comma-separated: it
// offers the items not given yet (by an earlier flag or earlier in the
// list) for the last item of the list being typed. After "json," it
// offers "json,csv" and "json,sqlite": the whole value each time, as
// shells replace the word being completed. It adds no space after the
// value while items remain to add, so that a comma can follow.
func completeList(flag string, items func() []listItem) cobra.CompletionFunc {
	return func(c *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		var given []string
		if f := c.Flags().Lookup(flag); f != nil && f.Changed { // else its value is the default
			if sv, ok := f.Value.(pflag.SliceValue); ok {
				given = sv.GetSlice()
			}
		}
		prefix, last := "", toComplete
		if i := strings.LastIndex(toComplete, ","); i >= 0 {
			prefix, last = toComplete[:i+1], toComplete[i+1:]
			given = append(given, strings.Split(toComplete[:i], ",")...)
		}
		all := items()
		var out []string
		for _, it := range all {
			if slices.Contains(given, it.value) || !strings.HasPrefix(it.value, last) {
				continue
			}
			candidate := prefix + it.value
			if it.description != "" {
				candidate += "\t" + it.description
			}
			out = append(out, candidate)
		}
		directive := cobra.ShellCompDirectiveNoFileComp
		if len(out) > 0 && countNew(all, given) > 1 {
			directive |= cobra.ShellCompDirectiveNoSpace
		}
		return out, directive
	}
}

// countNew is the number of items not in given.
func countNew(items []listItem, given []string) int {
	n := 0
	for _, it := range items {
		if !slices.Contains(given, it.value) {
			n++
		}
	}
	return n
}
