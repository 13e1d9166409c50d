package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strings"
	"testing"
)

// stamp sets what -ldflags -X would set and what the build info says,
// for the test's duration. Tests that call it do not run in parallel.
func stamp(t *testing.T, v, c, d string, bi *debug.BuildInfo) {
	t.Helper()
	oldV, oldC, oldD, oldRead := version, commit, date, readBuildInfo
	t.Cleanup(func() { version, commit, date, readBuildInfo = oldV, oldC, oldD, oldRead })
	version, commit, date = v, c, d
	readBuildInfo = func() (*debug.BuildInfo, bool) { return bi, bi != nil }
}

// vcsBuildInfo is what go build records in a clone, -buildvcs on.
func vcsBuildInfo(modified bool) *debug.BuildInfo {
	m := "false"
	if modified {
		m = "true"
	}
	return &debug.BuildInfo{
		Main: debug.Module{Path: "github.com/mlsysscrape/mlsysscrape", Version: "v0.0.0-20261205020935-d3a36cabb502+dirty"},
		Settings: []debug.BuildSetting{
			{Key: "-buildmode", Value: "exe"},
			{Key: "vcs", Value: "git"},
			{Key: "vcs.revision", Value: "d3a36cabb50278ecaf17b9f79363615d100da76a"},
			{Key: "vcs.time", Value: "2026-12-05T02:09:35Z"},
			{Key: "vcs.modified", Value: m},
		},
	}
}

func TestToolVersion(t *testing.T) {
	devel := &debug.BuildInfo{Main: debug.Module{Path: "github.com/mlsysscrape/mlsysscrape", Version: "(devel)"},
		Settings: []debug.BuildSetting{{Key: "-buildmode", Value: "exe"}}}
	for _, tt := range []struct {
		name            string
		version, commit string
		date            string
		bi              *debug.BuildInfo
		want            string
	}{
		{"ldflags", "v1.2.3", "0123abc", "2026-01-02T03:04:05Z", devel,
			"v1.2.3 (commit 0123abc, built 2026-01-02T03:04:05Z)"},
		{"ldflags win over the VCS stamp", "v1.2.3", "0123abc", "2026-01-02T03:04:05Z", vcsBuildInfo(true),
			"v1.2.3 (commit 0123abc, built 2026-01-02T03:04:05Z)"},
		{"build info of a clone", "", "", "", vcsBuildInfo(false),
			"v0.0.0-20261205020935-d3a36cabb502+dirty (commit d3a36cabb502, committed 2026-12-05T02:09:35Z)"},
		{"build info of a clone with local changes", "", "", "", vcsBuildInfo(true),
			"v0.0.0-20261205020935-d3a36cabb502+dirty (commit d3a36cabb502+dirty, committed 2026-12-05T02:09:35Z)"},
		{"go install @version", "", "", "", &debug.BuildInfo{Main: debug.Module{Version: "v1.4.0"}},
			"v1.4.0 (commit unknown, built unknown)"},
		{"only a version stamped", "v1.2.3", "", "", vcsBuildInfo(false),
			"v1.2.3 (commit d3a36cabb502, committed 2026-12-05T02:09:35Z)"},
		{"-buildvcs=false or go run", "", "", "", devel, "(devel) (commit unknown, built unknown)"},
		{"no build info at all", "", "", "", nil, "(devel) (commit unknown, built unknown)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			stamp(t, tt.version, tt.commit, tt.date, tt.bi)
			if got := toolVersion(); got != tt.want {
				t.Errorf("toolVersion() = %q, want %q", got, tt.want)
			}
		})
	}
}

// --version prints what version does, and both what the manifest records.
func TestVersionFlagEqualsVersionCommand(t *testing.T) {
	for _, bi := range []*debug.BuildInfo{nil, vcsBuildInfo(true)} {
		stamp(t, "", "", "", bi)
		code, byCmd, errOut := runCLI(t, "", "version")
		if code != exitOK || errOut != "" {
			t.Fatalf("version: exit %d, stderr %q", code, errOut)
		}
		code, byFlag, errOut := runCLI(t, "", "--version")
		if code != exitOK || errOut != "" {
			t.Fatalf("--version: exit %d, stderr %q", code, errOut)
		}
		if want := "mlsysscrape " + toolVersion() + "\n"; byCmd != want || byFlag != want {
			t.Errorf("version printed %q, --version %q; want both %q", byCmd, byFlag, want)
		}
	}
}

func TestManifestRecordsToolVersion(t *testing.T) {
	stamp(t, "v9.8.7", "fedcba9", "2026-02-03T04:05:06Z", nil)
	dir, _, _ := offlineFetch(t)
	b, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		ToolVersion string `json:"tool_version"`
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if want := "v9.8.7 (commit fedcba9, built 2026-02-03T04:05:06Z)"; m.ToolVersion != want {
		t.Errorf("manifest tool_version %q, want %q", m.ToolVersion, want)
	}
}

// versionPattern is a version line: never an empty part.
var versionPattern = regexp.MustCompile(`^mlsysscrape \S+ \(commit \S+, (built|committed) \S+\)\n$`)

// The test binary is built as go run builds: no -ldflags, no VCS stamp.
func TestVersionOfAnUnstampedBuild(t *testing.T) {
	if v := toolVersion(); strings.TrimSpace(v) == "" || !versionPattern.MatchString("mlsysscrape "+v+"\n") {
		t.Errorf("toolVersion() = %q", v)
	}
}

// The binary itself, built as go run builds it and as the README's
// install does: the -ldflags names the README gives stamp it.
func TestVersionOfTheBinary(t *testing.T) {
	bin := buildBinary(t)
	for _, args := range [][]string{{"version"}, {"--version"}} {
		out, err := exec.Command(bin, args...).Output()
		if err != nil || !versionPattern.Match(out) {
			t.Errorf("mlsysscrape %s: %v, %q; want a version line", args[0], err, out)
		}
	}

	stamped := filepath.Join(t.TempDir(), "mlsysscrape")
	ldflags := "-X main.version=v1.2.3 -X main.commit=0123abc -X main.date=2026-01-02T03:04:05Z"
	if out, err := exec.Command("go", "build", "-buildvcs=false", "-ldflags", ldflags, "-o", stamped, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(stamped, "--version").Output()
	if want := "mlsysscrape v1.2.3 (commit 0123abc, built 2026-01-02T03:04:05Z)\n"; err != nil || string(out) != want {
		t.Errorf("stamped binary --version: %v, %q; want %q", err, out, want)
	}
}
