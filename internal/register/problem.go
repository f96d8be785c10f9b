package register

import (
	"errors"
	"fmt"
)

// FileError is an importer error that can be said in the reader's language: Key names the message
// (reg.err.KEY in the catalogs, a format with Args for its verbs) and Error gives it in English, for
// logs and the API. An argument that is itself an error is translated in turn, so "row 4: …" reads
// wholly in one language.
type FileError struct {
	Key     string
	English string // a format for Args
	Args    []any
}

func (p *FileError) Error() string { return fmt.Sprintf(p.English, p.Args...) }

func fileError(key, english string, args ...any) *FileError {
	return &FileError{Key: key, English: english, Args: args}
}

// Translate says err in a language: tr gives the text of a key (ok false when the catalog has
// none). A FileError without a translation, and any other error, keeps its English text.
func Translate(err error, tr func(key string) (string, bool)) string {
	var p *FileError
	if !errors.As(err, &p) {
		return err.Error()
	}
	format, ok := tr("reg.err." + p.Key)
	if !ok {
		return err.Error()
	}
	args := make([]any, len(p.Args))
	for i, a := range p.Args {
		if e, isErr := a.(error); isErr {
			args[i] = Translate(e, tr)
		} else {
			args[i] = a
		}
	}
	return fmt.Sprintf(format, args...)
}
