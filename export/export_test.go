package export

// SetCommitHook makes f be called at each step of every commit, for the
// fault tests of package export_test; nil removes it.
func SetCommitHook(f func(step string) error) { commitHook = f }

// TalksCSVHeader is talks.csv's header: the talks table's columns.
func TalksCSVHeader() []string { return talksCSVHeader }
