package export

import "path/filepath"

// WriteFileAtomic replaces the file at path with data the way Write
// replaces a data file: staged beside it, synced, renamed into place, and
// left untouched when it already holds data.
func WriteFileAtomic(path string, data []byte) error {
	set := &fileSet{dir: filepath.Dir(path), files: map[string]File{}}
	defer set.discard()
	if err := set.stageBytes(filepath.Base(path), data); err != nil {
		return err
	}
	_, err := set.commit()
	return err
}
