package framework

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
)

// builtinFS holds the frameworks shipped with Værn. The whole directory is
// embedded (a *.yaml pattern would not compile while it has no frameworks);
// Builtin picks the .yaml files.
//
//go:embed builtin
var builtinFS embed.FS

// Builtin parses every framework built into the binary, in file name order,
// and checks each supersedes mapping against the built-in framework it
// refers to. Problems of all files are returned together as one
// *ValidationError.
func Builtin() ([]*Framework, error) {
	return loadFrameworks(builtinFS, "builtin")
}

func loadFrameworks(fsys fs.FS, dir string) ([]*Framework, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("built-in frameworks: %w", err)
	}
	var names []string
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".yaml") {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)

	var frameworks []*Framework
	var problems []Problem
	byKey := map[string]*Framework{}
	for _, name := range names {
		file := path.Join(dir, name)
		data, err := fs.ReadFile(fsys, file)
		if err != nil {
			return nil, fmt.Errorf("built-in frameworks: %w", err)
		}
		f, err := Parse(file, data)
		if err != nil {
			var ve *ValidationError
			if errors.As(err, &ve) {
				problems = append(problems, ve.Problems...)
				continue
			}
			return nil, err
		}
		key := f.ID + "@" + f.Version
		if other, dup := byKey[key]; dup {
			problems = append(problems, Problem{File: file, Line: 1, Field: "version",
				Message: fmt.Sprintf("%s %s is also defined in %s", f.ID, f.Version, other.file)})
			continue
		}
		byKey[key] = f
		frameworks = append(frameworks, f)
	}
	for _, f := range frameworks {
		if f.Supersedes == nil {
			continue
		}
		if prev, ok := byKey[f.ID+"@"+f.Supersedes.Version]; ok {
			problems = append(problems, CheckMapping(prev, f)...)
		}
	}
	if len(problems) > 0 {
		return nil, &ValidationError{Problems: problems}
	}
	return frameworks, nil
}
