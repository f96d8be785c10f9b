package inputguard

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"strings"
)

// ZipLimits bound a zip container (XLSX) on top of the Limits of the XML inside it.
type ZipLimits struct {
	MaxFiles    int   // entries in the archive
	MaxUnpacked int64 // the sum of the entries' sizes once unpacked
	// XML bounds each .xml entry (and .rels, which is XML too); MaxBytes there bounds one entry.
	XML Limits
}

// CheckZip refuses a zip archive with too many entries or that unpacks to too much, and streams
// every XML entry through the XML nesting check. archive/zip refuses an entry that unpacks to
// more than its header declares, so the declared sizes can be trusted for the sum.
func (l Limits) CheckZip(data []byte, z ZipLimits) error {
	if err := l.CheckSize(len(data)); err != nil {
		return err
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return &Error{Kind: Malformed}
	}
	if z.MaxFiles > 0 && len(zr.File) > z.MaxFiles {
		return &Error{Kind: ZipTooManyFiles, Limit: int64(z.MaxFiles)}
	}
	var total uint64
	for _, f := range zr.File {
		total += f.UncompressedSize64
		if z.MaxUnpacked > 0 && total > uint64(z.MaxUnpacked) {
			return &Error{Kind: ZipTooLarge, Limit: z.MaxUnpacked}
		}
	}
	for _, f := range zr.File {
		name := strings.ToLower(f.Name)
		if !strings.HasSuffix(name, ".xml") && !strings.HasSuffix(name, ".rels") {
			continue
		}
		if z.XML.MaxBytes > 0 && f.UncompressedSize64 > uint64(z.XML.MaxBytes) {
			return &Error{Kind: ZipTooLarge, Limit: z.XML.MaxBytes, Name: f.Name}
		}
		if err := checkZipXML(f, z.XML); err != nil {
			return err
		}
	}
	return nil
}

func checkZipXML(f *zip.File, l Limits) error {
	rc, err := f.Open()
	if err != nil {
		return &Error{Kind: Malformed, Name: f.Name}
	}
	defer rc.Close()
	x := newXMLScanner(l)
	if _, err := io.Copy(x, rc); err != nil {
		var ge *Error
		if errors.As(err, &ge) {
			ge.Name = f.Name
			return ge
		}
		return &Error{Kind: Malformed, Name: f.Name}
	}
	return nil
}
