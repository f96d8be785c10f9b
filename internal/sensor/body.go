// Reading a batch's body: size-bounded, gunzipped, into pooled buffers.

package sensor

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"sync"

	"github.com/vaern/vaern/internal/inputguard"
)

// ReadBody reads a batch body, gunzipping it when gz is set, and refuses one larger than max bytes
// (after decompression) with an *inputguard.Error of kind TooLarge before reading further.
func ReadBody(r io.Reader, gz bool, max int64) ([]byte, error) {
	data, release, err := ReadBodyPooled(r, gz, max)
	if err != nil {
		return nil, err
	}
	out := bytes.Clone(data)
	release()
	return out, nil
}

// Batch bodies and gzip readers are reused across requests: a body is megabytes, and growing a
// fresh one for every batch cost as much as inflating it. Reuse is safe because nothing Parse
// returns points into the body (parser.own copies the texts an alert keeps).
var (
	bodyPool sync.Pool // *bytes.Buffer
	gzipPool sync.Pool // *gzip.Reader
)

// ReadBodyPooled is ReadBody into a reused buffer: data is valid until release is called, which
// the caller does once it no longer needs the body (after Parse).
func ReadBodyPooled(r io.Reader, gz bool, max int64) (data []byte, release func(), err error) {
	if gz {
		z, _ := gzipPool.Get().(*gzip.Reader)
		if z == nil {
			z, err = gzip.NewReader(r)
		} else {
			err = z.Reset(r)
		}
		if err != nil {
			return nil, nil, fmt.Errorf("the body is not valid gzip: %w", err)
		}
		defer func() { z.Close(); gzipPool.Put(z) }()
		r = z
	}
	buf, _ := bodyPool.Get().(*bytes.Buffer)
	if buf == nil {
		buf = new(bytes.Buffer)
	}
	buf.Reset()
	release = func() {
		if buf.Cap() <= 64<<20 {
			bodyPool.Put(buf)
		}
	}
	if _, err := buf.ReadFrom(io.LimitReader(r, max+1)); err != nil {
		release()
		if gz {
			return nil, nil, fmt.Errorf("the body could not be read (is it valid gzip?): %w", err)
		}
		return nil, nil, err
	}
	if int64(buf.Len()) > max {
		release()
		return nil, nil, &inputguard.Error{Kind: inputguard.TooLarge, Limit: max}
	}
	return buf.Bytes(), release, nil
}
