package export

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/mlsysscrape/mlsysscrape/export/ics"
	"github.com/mlsysscrape/mlsysscrape/normalize"
)

// view is a file of the dataset folder rendered from the records, or
// (a descriptor) from the code alone.
type view struct {
	name    string
	format  string
	records *recordView             // nil for a descriptor
	write   func(w io.Writer) error // a descriptor's content
	rows    func(talks []normalize.Talk) int
}

// views are the dataset's views, in the order they are renamed into place.
var views = []view{
	{TalksJSON, FormatJSON, talksJSON, nil, countTalks},
	{TalksCSV, FormatCSV, talksCSV, nil, countTalks},
	{SpeakersCSV, FormatCSV, speakersCSV, nil, countSpeakers},
	{TalksICS, FormatICS, talksICS, nil, countDated},
	// The descriptors depend on the code, not the records: they are
	// rewritten when a version of mlsysscrape describes the data anew.
	{DataPackageJSON, FormatCSV, nil, WriteDataPackage, countNone},
	{DatasetteJSON, FormatSQLite, nil, WriteDatasetteMetadata, countNone},
}

// talksICS is talks.ics as a view of records: a dated talk's fragment is
// its event, an undated talk's is empty.
var talksICS = &recordView{
	head:  ics.Head,
	tail:  ics.Tail,
	check: ics.Check,
	fragments: func(CSVOptions) func([]byte, *normalize.Talk) ([]byte, error) {
		return ics.AppendEvent
	},
	units: func(t *normalize.Talk) int {
		if t.Date == "" {
			return 0
		}
		return 1
	},
	unitLen: icsEventLen,
}

// WriteView writes the view of talks named name (TalksJSON, TalksCSV,
// SpeakersCSV, TalksICS, DataPackageJSON or DatasetteJSON), in the order
// given, as a commit writes it into a dataset folder.
func WriteView(w io.Writer, name string, talks []normalize.Talk, opt CSVOptions) error {
	for _, v := range views {
		if v.name == name {
			return v.render(w, talks, opt)
		}
	}
	return fmt.Errorf("no view is named %q (want one of %s)", name, strings.Join(viewNames(), ", "))
}

// render writes the view of talks.
func (v view) render(w io.Writer, talks []normalize.Talk, opt CSVOptions) error {
	if v.records == nil {
		return v.write(w)
	}
	return v.records.render(w, talks, opt, nil)
}

// csvSafe is what manifest.json says of how view v was written with opt:
// whether its cells were defused (CSVOptions.Safe).
func (v view) csvSafe(opt CSVOptions) bool {
	return opt.Safe && v.records != nil && v.format == FormatCSV
}

func countNone([]normalize.Talk) int { return 0 }

func viewNames() []string {
	names := make([]string, len(views))
	for i, v := range views {
		names[i] = v.name
	}
	return names
}

func countTalks(talks []normalize.Talk) int { return len(talks) }

// countDated counts the talks a calendar holds: the dated ones.
func countDated(talks []normalize.Talk) int {
	n := 0
	for _, t := range talks {
		if t.Date != "" {
			n++
		}
	}
	return n
}

func countSpeakers(talks []normalize.Talk) int {
	n := 0
	for _, t := range talks {
		n += len(t.Speakers)
	}
	return n
}

// viewRun is what staging the views needs of a run.
type viewRun struct {
	talks []normalize.Talk // the records after the run, in order
	// kept[i] is the index among the store's records of talks[i], when
	// the run left that record as it was; -1 otherwise.
	kept        []int
	want        map[string]bool // the formats asked for
	opt         CSVOptions
	toolVersion string // of the run's mlsysscrape; "" if unknown
}

// viewJob is a view a run stages, and what staging it found.
type viewJob struct {
	v       view
	path    string
	staged  *stagingFile
	file    File  // the staged file's
	err     error // rendering's
	disk    File  // the file on disk's, unless diskErr
	diskErr error
}

// viewStaging stages a run's views on a goroutine of its own, while the
// store's transaction is written; wait renders those still waiting on
// the goroutine that calls it, so that a short transaction (a run that
// changed a few records) leaves no core idle.
type viewStaging struct {
	s      *Store
	set    *fileSet
	run    viewRun
	res    *CommitResult
	jobs   []*viewJob
	queue  chan func()
	done   chan struct{}
	joined bool
	views  map[string]File
	err    error
}

// stageViewsAsync starts staging the views the folder keeps; wait
// returns every kept view's File. A folder keeps a view that is asked
// for, that is in it, or that its manifest lists (a view deleted is
// regenerated). A view whose bytes do not change is not staged. A view
// that changes while the records did not, or that did not match the
// manifest, was missing or damaged: res.Repaired says so.
//
// first runs on the goroutine before any view: work the transaction
// needs before the views.
func (s *Store) stageViewsAsync(set *fileSet, run viewRun, res *CommitResult, first func()) *viewStaging {
	vs := &viewStaging{s: s, set: set, run: run, res: res, done: make(chan struct{})}
	vs.jobs, vs.err = s.viewJobs(set, run, res)
	vs.queue = make(chan func(), len(vs.jobs)+1)
	vs.queue <- first
	if vs.err == nil {
		for _, j := range vs.jobs {
			vs.queue <- func() { s.stageView(j, run) }
		}
	}
	close(vs.queue)
	go func() {
		defer close(vs.done)
		vs.work()
	}()
	return vs
}

func (vs *viewStaging) work() {
	for job := range vs.queue {
		job()
	}
}

// wait waits for the views to be staged, rendering those no goroutine has
// started, and reports the first error: staging's, or the "views staged"
// step's.
func (vs *viewStaging) wait() error {
	if !vs.joined {
		vs.work()
		<-vs.done
		vs.joined = true
		if vs.err == nil {
			vs.views, vs.err = vs.s.stagedViews(vs.set, vs.jobs, vs.res)
		}
		if vs.err == nil {
			vs.err = step("views staged")
		}
	}
	return vs.err
}

// viewJobs creates the staged file of each view the folder keeps (see
// stageViewsAsync).
func (s *Store) viewJobs(set *fileSet, run viewRun, res *CommitResult) ([]*viewJob, error) {
	keep := map[string]bool{}
	for _, v := range views {
		_, listed := s.lastFile(v.name)
		if run.want[v.format] || listed || exists(filepath.Join(s.dir, v.name)) {
			keep[v.format] = true
		}
	}
	if last, ok := s.lastFile(TalksSQLite); ok && last.RecordsSHA256 != "" && last.RecordsSHA256 != s.recordsDigest() {
		res.Repaired = append(res.Repaired, ManifestJSON+" and the views: behind the store (a run was stopped after its commit); regenerated")
	}
	var jobs []*viewJob
	for _, v := range views {
		if !keep[v.format] {
			continue
		}
		staged, err := set.create(v.name)
		if err != nil {
			return jobs, err
		}
		jobs = append(jobs, &viewJob{v: v, path: filepath.Join(s.dir, v.name), staged: staged})
	}
	return jobs, nil
}

// stageView renders j's view into its staged file and reads what is on
// disk in its place.
func (s *Store) stageView(j *viewJob, run viewRun) {
	old := s.reusable(j.v, j.path, run)
	defer old.close()
	// Each view is rendered straight into its staged file, hashed as it
	// is written: a big page's talks.json is never held in memory (unless
	// the run copies from it).
	j.file, j.err = j.staged.render(func(w io.Writer) error {
		if j.v.records == nil {
			return j.v.write(w)
		}
		return j.v.records.render(w, run.talks, run.opt, old.copier(run.kept))
	})
	if j.err != nil {
		j.err = fmt.Errorf("rendering %s: %w", j.v.name, j.err)
		return
	}
	j.file.Rows, j.file.CSVSafe = j.v.rows(run.talks), j.v.csvSafe(run.opt)
	if old != nil {
		j.disk = old.file
	} else {
		j.disk, j.diskErr = hashFile(j.path)
	}
}

// stagedViews unstages the views whose bytes are those on disk, notes
// those repaired, and returns every view's File.
func (s *Store) stagedViews(set *fileSet, jobs []*viewJob, res *CommitResult) (map[string]File, error) {
	files := map[string]File{}
	for _, j := range jobs {
		if j.err != nil {
			return nil, j.err
		}
		files[j.v.name] = j.file
		switch err := j.diskErr; {
		case errors.Is(err, errNotAFile):
			// Something else in the view's place (a folder) is not
			// replaced; it must not keep the run's records from the
			// store either. The view is staged all the same: renaming
			// it, after the store's transaction, fails and says so.
		case err != nil && !errors.Is(err, fs.ErrNotExist):
			return nil, err
		case err == nil && j.disk.SHA256 == j.file.SHA256 && j.disk.Bytes == j.file.Bytes:
			set.unstage(j.v.name)
		default:
			if why := s.damage(j.v.name, j.disk, err); why != "" {
				res.Repaired = append(res.Repaired, j.v.name+": "+why)
			}
		}
	}
	return files, nil
}

// oldView is a view on disk whose records' fragments a run may copy.
type oldView struct {
	file  File     // as manifest.json lists it, which it matched
	f     *os.File // open to read fragments from
	spans []span   // each store record's fragment, in the store's order
	buf   []byte
}

// reusable opens view v's file at path for the fragments of the records
// the run kept, when it may copy them: the file is as manifest.json lists
// it, and manifest.json says it was written by this version of
// mlsysscrape, with the run's CSV options, of the records the store holds.
// Otherwise, or when the run kept no record, it returns nil: the view is
// rendered whole. The caller closes what it returns.
func (s *Store) reusable(v view, path string, run viewRun) *oldView {
	last, listed := s.lastFile(v.name)
	if v.records == nil || !slices.ContainsFunc(run.kept, func(j int) bool { return j >= 0 }) ||
		!listed || run.toolVersion == "" || !s.viewsWrittenBy(run.toolVersion) || last.CSVSafe != v.csvSafe(run.opt) {
		return nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	spans, sum, ok := v.records.index(f, s.talks)
	old := &oldView{file: last, f: f, spans: spans}
	if !ok || sum != last.SHA256 || !v.records.rendersAsBefore(old, s.talks, run.opt) {
		f.Close()
		return nil
	}
	return old
}

// fragment reads the fragment of the store's record j; the bytes are
// valid until the next call.
func (o *oldView) fragment(j int) ([]byte, error) {
	sp := o.spans[j]
	o.buf = slices.Grow(o.buf[:0], int(sp.end-sp.off))[:sp.end-sp.off]
	_, err := o.f.ReadAt(o.buf, sp.off)
	return o.buf, err
}

// copier returns the function that gives render the fragment of the run's
// record i, when it is one of the records the view on disk holds (and can
// be read: a fragment that cannot is rendered); nil if there is no view
// to copy from.
func (o *oldView) copier(kept []int) func(i int) ([]byte, bool) {
	if o == nil {
		return nil
	}
	return func(i int) ([]byte, bool) {
		if j := kept[i]; j >= 0 {
			if b, err := o.fragment(j); err == nil {
				return b, true
			}
		}
		return nil, false
	}
}

func (o *oldView) close() {
	if o != nil {
		o.f.Close()
	}
}

// damage says why the view name on disk (described by disk, or missing
// when statErr says so) is regenerated rather than updated: "" for a view
// that is as the last run wrote it.
func (s *Store) damage(name string, disk File, statErr error) string {
	last, listed := s.lastFile(name)
	switch {
	case errors.Is(statErr, fs.ErrNotExist) && listed:
		return "missing; regenerated from the store"
	case listed && (disk.SHA256 != last.SHA256 || disk.Bytes != last.Bytes):
		return "did not match the store (edited, or damaged); regenerated"
	}
	return ""
}

// lastFile is the file name as manifest.json describes it.
func (s *Store) lastFile(name string) (File, bool) {
	if s.onDisk == nil {
		return File{}, false
	}
	f, ok := s.onDisk.Files[name]
	return f, ok
}

// Files are staged under names that start with tempPrefix, in the folder
// they will be renamed into (a rename is atomic only within a file
// system). The dot keeps them out of plain listings.
const (
	tempPrefix = ".mlsysscrape-"
	tempSuffix = ".tmp"
)

// fileSet is the files one commit stages, renamed into place together.
type fileSet struct {
	dir    string
	staged []stagedFile // files to rename, in order
}

type stagedFile struct {
	name, tmp string
	renamed   bool
}

// ViewsError reports a commit that saved the run's data in the store
// but could not write all of its views (or manifest.json) after the
// store's transaction: an I/O error, or a folder in a view's place. The
// views it did not write are behind the store: the next commit, or a
// repair, sees so from manifest.json and regenerates them from the store.
type ViewsError struct {
	Dir string // the dataset folder
	Err error
}

func (e *ViewsError) Error() string {
	return fmt.Sprintf("the data is saved in %s, but its views could not all be written (%v): the next run regenerates them from it",
		filepath.Join(e.Dir, TalksSQLite), e.Err)
}

func (e *ViewsError) Unwrap() error { return e.Err }

// stage writes data under a temporary name in the set's folder and syncs
// it, to be renamed to name by commit. manifest.json is staged last, once
// the store's transaction has ended (see Commit): a failure to stage it
// is a *ViewsError.
func (s *fileSet) stage(name string, data []byte) error {
	staged, err := s.create(name)
	if err == nil {
		_, err = staged.render(func(w io.Writer) error {
			_, err := w.Write(data)
			return err
		})
	}
	if err != nil && name == ManifestJSON {
		return &ViewsError{Dir: s.dir, Err: err}
	}
	return err
}

// create creates the temporary file name is staged in, to be written by
// render; commit renames it into place, discard removes it.
func (s *fileSet) create(name string) (*stagingFile, error) {
	final := filepath.Join(s.dir, name)
	f, err := os.CreateTemp(s.dir, tempPrefix+name+"-*"+tempSuffix)
	if err != nil {
		return nil, fmt.Errorf("staging %s: %w", final, err)
	}
	s.staged = append(s.staged, stagedFile{name: name, tmp: f.Name()})
	return &stagingFile{f: f, final: final}, nil
}

// unstage removes the staged file of name: its bytes are those on disk.
func (s *fileSet) unstage(name string) {
	for i, f := range s.staged {
		if f.name == name && !f.renamed {
			os.Remove(f.tmp)
			s.staged = append(s.staged[:i], s.staged[i+1:]...)
			return
		}
	}
}

// stagingFile is a staged file being written.
type stagingFile struct {
	f     *os.File
	final string
}

// render writes the file's content with write, through a buffer, hashing
// it as it goes, then syncs and closes the file. It returns the content's
// SHA-256 and size.
func (sf *stagingFile) render(write func(io.Writer) error) (File, error) {
	h := sha256.New()
	counted := &countingWriter{w: io.MultiWriter(sf.f, h)}
	bw := bufio.NewWriterSize(counted, 1<<20)
	err := write(bw)
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = sf.f.Chmod(0o644)
	}
	if err == nil {
		err = sf.f.Sync()
	}
	if cerr := sf.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return File{}, fmt.Errorf("staging %s: %w", sf.final, err)
	}
	return File{SHA256: hex.EncodeToString(h.Sum(nil)), Bytes: counted.n}, nil
}

// countingWriter counts the bytes written through it.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

func (s *fileSet) commit() ([]string, error) {
	written, err := s.rename()
	if err != nil {
		return written, &ViewsError{Dir: s.dir, Err: err}
	}
	return written, nil
}

func (s *fileSet) rename() ([]string, error) {
	var written []string
	for i := range s.staged {
		f := &s.staged[i]
		final := filepath.Join(s.dir, f.name)
		if err := step("rename " + f.name); err != nil {
			return written, fmt.Errorf("writing %s: %w", final, err)
		}
		if err := os.Rename(f.tmp, final); err != nil {
			// The temporary name is nobody's business.
			var le *os.LinkError
			if errors.As(err, &le) {
				err = le.Err
			}
			if info, serr := os.Lstat(final); serr == nil && info.IsDir() {
				return written, fmt.Errorf("writing %s: a folder is in its place (%w)", final, err)
			}
			return written, fmt.Errorf("writing %s: %w", final, err)
		}
		f.renamed = true
		written = append(written, final)
	}
	if len(written) == 0 {
		return nil, nil
	}
	if err := syncDir(s.dir); err != nil {
		return written, err
	}
	return written, step("synced")
}

// discard removes the staged files that were not renamed.
func (s *fileSet) discard() {
	for _, f := range s.staged {
		if !f.renamed {
			os.Remove(f.tmp)
		}
	}
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// errNotAFile is wrapped by hashFile's error for a path that holds
// something other than a file, such as a folder.
var errNotAFile = errors.New("not a file")

// hashFile describes the file at path, all but Rows.
func hashFile(path string) (File, error) {
	f, err := os.Open(path)
	if err != nil {
		return File{}, err
	}
	defer f.Close()
	if info, err := f.Stat(); err != nil {
		return File{}, err
	} else if !info.Mode().IsRegular() {
		return File{}, fmt.Errorf("%s: %w", path, errNotAFile)
	}
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return File{}, fmt.Errorf("hashing %s: %w", path, err)
	}
	return File{SHA256: hex.EncodeToString(h.Sum(nil)), Bytes: n}, nil
}

// removeStaleTemps removes files a stopped run staged in dir and never
// renamed, and says how many there were.
func removeStaleTemps(dir string) (int, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, e := range entries {
		if name := e.Name(); strings.HasPrefix(name, tempPrefix) && strings.HasSuffix(name, tempSuffix) && e.Type().IsRegular() {
			if err := os.Remove(filepath.Join(dir, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return n, fmt.Errorf("removing a stale temporary file: %w", err)
			}
			n++
		}
	}
	return n, nil
}

// syncDir makes renames in dir durable.
func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return fmt.Errorf("syncing folder %s: %w", dir, err)
	}
	return nil
}
