package main

import (
	"fmt"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// Set at build time, as the README's install does:
//
//	go install -ldflags "-X main.version=v1.2.3 -X main.commit=0123abc -X main.date=2026-01-02T03:04:05Z" ./cmd/mlsysscrape
//
// What is left empty comes from the build info (debug.ReadBuildInfo):
// the module's version, and the VCS stamp go build adds in a clone.
var (
	version = ""
	commit  = ""
	date    = ""
)

// readBuildInfo is debug.ReadBuildInfo; tests replace it.
var readBuildInfo = debug.ReadBuildInfo

// toolVersion is the tool's version, commit and build date on one line:
// what `mlsysscrape version` and --version print after the name, and
// what manifest.json records as tool_version. It is never empty.
func toolVersion() string {
	bi, ok := readBuildInfo()
	if !ok {
		bi = nil
	}
	return versionString(version, commit, date, bi)
}

// versionString is "VERSION (commit COMMIT, built DATE)". Each part is
// the value given at build time with -ldflags, else the build info's:
// the main module's version, vcs.revision (+dirty when vcs.modified) and
// vcs.time, which is the commit's time, so it reads "committed DATE".
// What neither knows is "(devel)" for the version and "unknown" for the
// others: a binary built with -buildvcs=false or by go run says
// "(devel) (commit unknown, built unknown)".
func versionString(version, commit, date string, bi *debug.BuildInfo) string {
	var vcsRevision, vcsTime string
	var vcsModified bool
	if bi != nil {
		if version == "" && bi.Main.Version != "" {
			version = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				vcsRevision = s.Value
			case "vcs.time":
				vcsTime = s.Value
			case "vcs.modified":
				vcsModified = s.Value == "true"
			}
		}
	}
	if version == "" {
		version = "(devel)"
	}
	if commit == "" && vcsRevision != "" {
		commit = vcsRevision
		if len(commit) > 12 {
			commit = commit[:12]
		}
		if vcsModified {
			commit += "+dirty"
		}
	}
	if commit == "" {
		commit = "unknown"
	}
	var when string
	switch {
	case date != "":
		when = "built " + date
	case vcsTime != "":
		when = "committed " + vcsTime
	default:
		when = "built unknown"
	}
	return fmt.Sprintf("%s (commit %s, %s)", version, commit, when)
}

// versionLine is what `mlsysscrape version` and `mlsysscrape --version`
// print.
func versionLine() string { return "mlsysscrape " + toolVersion() }

// versionTemplate makes cobra's --version print versionLine: the root's
// Version is toolVersion().
const versionTemplate = "mlsysscrape {{.Version}}\n"

// versionOptions are the flags of `mlsysscrape version`: none, but runF
// seams take options.
type versionOptions struct{}

func newVersionCmd(io streams, runF func(*versionOptions) error) *cobra.Command {
	opts := &versionOptions{}
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version, commit and build date",
		Long: `version prints the version, the commit and the build date, as --version does
and as manifest.json records them in tool_version. A build from a clone
stamps them with -ldflags (see the README's install); otherwise they come
from the module version and the VCS stamp of go build, and what neither
knows reads "(devel)" or "unknown".`,
		Example: "  mlsysscrape version\n  mlsysscrape --version",
		Args:    noArgs,
		PreRunE: checkFlags,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			_, err := fmt.Fprintln(io.Out, versionLine())
			return err
		},
	}
}
