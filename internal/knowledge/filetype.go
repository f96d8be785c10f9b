package knowledge

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"path"
	"strings"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/inputguard"
)

// MaxAttachment is the largest file a post takes; MaxAttachments is how many one post holds.
const (
	MaxAttachment  = 10 << 20
	MaxAttachments = 20
)

// AttachmentLimits bound an attachment before a byte of it is read: its size, and for the zip
// containers (OOXML, ODF) the entries and what they unpack to.
var (
	AttachmentLimits = inputguard.Limits{MaxBytes: MaxAttachment, Expansion: 4}
	attachmentZip    = inputguard.ZipLimits{MaxFiles: 2000, MaxUnpacked: 100 << 20,
		XML: inputguard.Limits{MaxBytes: 50 << 20, MaxDepth: 256, MaxTokens: 5_000_000}}
)

// The content types an attachment may have.
const (
	TypePDF  = "application/pdf"
	TypeDOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	TypeXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	TypeODT  = "application/vnd.oasis.opendocument.text"
	TypePNG  = "image/png"
	TypeJPEG = "image/jpeg"
)

// extensions maps each type to the file name endings it may carry.
var extensions = map[string][]string{
	TypePDF: {".pdf"}, TypeDOCX: {".docx"}, TypeXLSX: {".xlsx"}, TypeODT: {".odt"},
	TypePNG: {".png"}, TypeJPEG: {".jpg", ".jpeg"},
}

// ErrFileType is the answer for a file that is none of the accepted types, or whose name says
// another type than its content.
var ErrFileType = errors.New("attachment: not a PDF, DOCX, XLSX, ODT, PNG or JPEG file")

// SniffAttachment finds an attachment's type from its content: the magic bytes of PDF, PNG and
// JPEG, and for the zip containers their structure (OOXML's [Content_Types].xml and main part,
// ODF's uncompressed mimetype entry first). The name's extension must agree with the content.
// The size and the zip's entries are bounded through inputguard before anything is unpacked.
func SniffAttachment(name string, data []byte) (string, error) {
	if err := AttachmentLimits.CheckSize(len(data)); err != nil {
		return "", vaern.Invalid("file", "%s", err.Error())
	}
	if len(data) == 0 {
		return "", vaern.Invalid("file", "is empty")
	}
	typ, err := sniff(data)
	if err != nil {
		return "", err
	}
	ext := strings.ToLower(path.Ext(name))
	for _, e := range extensions[typ] {
		if e == ext {
			return typ, nil
		}
	}
	return "", vaern.Invalid("file", "the name %q does not end in %s, the type its content has", name, strings.Join(extensions[typ], " or "))
}

func sniff(data []byte) (string, error) {
	switch {
	case bytes.HasPrefix(data, []byte("%PDF-")):
		return TypePDF, nil
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return TypePNG, nil
	case bytes.HasPrefix(data, []byte("\xff\xd8\xff")):
		return TypeJPEG, nil
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return sniffZip(data)
	}
	return "", vaern.Invalid("file", "%s", ErrFileType.Error())
}

// sniffZip tells the office formats apart by their parts.
func sniffZip(data []byte) (string, error) {
	if err := AttachmentLimits.CheckZip(data, attachmentZip); err != nil {
		return "", vaern.Invalid("file", "%s", err.Error())
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return "", vaern.Invalid("file", "is not a readable zip container")
	}
	has := map[string]*zip.File{}
	for _, f := range zr.File {
		has[f.Name] = f
	}
	// ODF: the first entry is "mimetype", stored, holding the type.
	if len(zr.File) > 0 && zr.File[0].Name == "mimetype" {
		f := zr.File[0]
		if f.Method == zip.Store && f.UncompressedSize64 < 100 {
			rc, err := f.Open()
			if err == nil {
				b, _ := io.ReadAll(io.LimitReader(rc, 100))
				rc.Close()
				if string(b) == TypeODT && has["content.xml"] != nil {
					return TypeODT, nil
				}
			}
		}
		return "", vaern.Invalid("file", "is an OpenDocument file of another kind than a text (ODT)")
	}
	if has["[Content_Types].xml"] != nil {
		switch {
		case has["word/document.xml"] != nil:
			return TypeDOCX, nil
		case has["xl/workbook.xml"] != nil:
			return TypeXLSX, nil
		}
		return "", vaern.Invalid("file", "is an Office Open XML file of another kind than DOCX or XLSX")
	}
	return "", vaern.Invalid("file", "%s", ErrFileType.Error())
}
