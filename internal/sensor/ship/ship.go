// Package ship is the shipper that runs on a member's sensor: it follows Suricata's eve.json
// (also across log rotation and truncation), reduces and pseudonymises every event with the
// member's own key before anything leaves the member, and posts batches to Værn's ingest with a
// batch id derived from the file and offsets, so that a batch sent again after a failure or a
// restart counts once. Its offset is kept in a state file; while the server is away the file
// itself is the buffer, and the batch is retried with backoff.
package ship

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/vaern/vaern/internal/sensor"
)

// Config is what the shipper needs.
type Config struct {
	URL         string // the server's base URL, e.g. https://vaern.example.dk
	Token       string // the sensor's ingest token
	File        string // eve.json
	StateFile   string // default: FILE.vaern-state
	Pseudo      *sensor.Pseudonymiser
	KeepPayload bool // the member opted in to send payloads

	BatchLines int           // events per batch (default 5000)
	BatchBytes int           // raw bytes per batch (default 4 MiB)
	Linger     time.Duration // how long a partial batch waits for more lines (default 1 s)
	Poll       time.Duration // how often the file is checked at its end (default 250 ms)
	MinBackoff time.Duration // default 500 ms
	MaxBackoff time.Duration // default 30 s
	Once       bool          // stop at the end of the file once everything is sent
	Client     *http.Client
	Progress   io.Writer // one line per batch; nil: none
}

// ErrRefused is a batch the server refuses for good (a wrong or revoked token, a batch too large):
// retrying would not help, so the shipper stops.
var ErrRefused = errors.New("the server refused the batch")

// State is what the shipper remembers across restarts.
type State struct {
	FileID  string `json:"file_id"` // device and inode of the file being read
	Offset  int64  `json:"offset"`  // bytes of it sent and acknowledged
	Pending *Batch `json:"pending,omitempty"`
	Sent    int64  `json:"sent"` // batches acknowledged so far
}

// Batch is a range of one file's bytes being sent.
type Batch struct {
	ID     string `json:"id"`
	FileID string `json:"file_id"`
	Start  int64  `json:"start"`
	End    int64  `json:"end"`
}

// Shipper follows one file.
type Shipper struct {
	c     Config
	state State
	f     *os.File
	id    string // the open file's id
}

// New prepares a shipper; Run starts it.
func New(c Config) (*Shipper, error) {
	if c.URL == "" || c.Token == "" || c.File == "" {
		return nil, errors.New("ship: the URL, the token and the file are required")
	}
	if c.Pseudo == nil {
		return nil, errors.New("ship: a pseudonymisation key is required")
	}
	if c.StateFile == "" {
		c.StateFile = c.File + ".vaern-state"
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&c.Linger, time.Second)
	def(&c.Poll, 250*time.Millisecond)
	def(&c.MinBackoff, 500*time.Millisecond)
	def(&c.MaxBackoff, 30*time.Second)
	if c.BatchLines <= 0 {
		c.BatchLines = 5000
	}
	if c.BatchBytes <= 0 {
		c.BatchBytes = 4 << 20
	}
	if c.Client == nil {
		c.Client = &http.Client{Timeout: 60 * time.Second}
	}
	s := &Shipper{c: c}
	if b, err := os.ReadFile(c.StateFile); err == nil {
		if err := json.Unmarshal(b, &s.state); err != nil {
			return nil, fmt.Errorf("ship: the state file %s is damaged: %w", c.StateFile, err)
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	return s, nil
}

// State is the shipper's current state.
func (s *Shipper) State() State { return s.state }

func (s *Shipper) saveState() error {
	b, _ := json.Marshal(s.state)
	tmp := s.c.StateFile + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, s.c.StateFile)
}

func (s *Shipper) progress(format string, args ...any) {
	if s.c.Progress != nil {
		fmt.Fprintf(s.c.Progress, format+"\n", args...)
	}
}

// Run ships until ctx ends (or, with Once, until the file is sent to its end).
func (s *Shipper) Run(ctx context.Context) error {
	defer func() {
		if s.f != nil {
			s.f.Close()
		}
	}()
	if err := s.open(); err != nil {
		return err
	}
	// A batch that was being sent when the shipper stopped goes again, with the same id.
	if p := s.state.Pending; p != nil {
		if p.FileID == s.id {
			if err := s.sendRange(ctx, *p); err != nil {
				return err
			}
		} else {
			s.state.Pending = nil
		}
	}
	r := bufio.NewReaderSize(s.f, 256<<10)
	if _, err := s.f.Seek(s.state.Offset, io.SeekStart); err != nil {
		return err
	}
	var buf bytes.Buffer
	lines := 0
	start := s.state.Offset
	pos := start
	var partial []byte
	lastData := time.Now()
	flush := func() error {
		if lines == 0 {
			return nil
		}
		b := Batch{ID: fmt.Sprintf("%s-%d-%d", s.id, start, pos), FileID: s.id, Start: start, End: pos}
		err := s.send(ctx, b, buf.Bytes(), lines)
		buf.Reset()
		lines = 0
		start = pos
		return err
	}
	for {
		if ctx.Err() != nil {
			return nil
		}
		chunk, err := r.ReadBytes('\n')
		if len(chunk) > 0 && chunk[len(chunk)-1] == '\n' {
			line := append(partial, chunk...)
			partial = nil
			buf.Write(line)
			pos += int64(len(line))
			lines++
			lastData = time.Now()
			if lines >= s.c.BatchLines || buf.Len() >= s.c.BatchBytes {
				if err := flush(); err != nil {
					return err
				}
			}
			continue
		}
		partial = append(partial, chunk...) // a line still being written
		if err != nil && !errors.Is(err, io.EOF) {
			return err
		}
		// At the end of what is written so far.
		if lines > 0 && (time.Since(lastData) >= s.c.Linger || s.c.Once) {
			if err := flush(); err != nil {
				return err
			}
			continue
		}
		if lines == 0 {
			rotated, err := s.rotated(pos + int64(len(partial)))
			if err != nil {
				return err
			}
			if rotated {
				if len(partial) > 0 {
					s.progress("ship: %d bytes without a line end at the end of the rotated file were skipped", len(partial))
				}
				partial = nil
				if err := s.reopen(); err != nil {
					return err
				}
				r.Reset(s.f)
				start, pos = 0, 0
				continue
			}
			if s.c.Once {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(s.c.Poll):
		}
	}
}

// open opens the file; a state for another file (rotated while the shipper was stopped) starts
// the new file from its beginning, after finishing the old one if it is still beside it.
func (s *Shipper) open() error {
	f, err := os.Open(s.c.File)
	if err != nil {
		return err
	}
	id, err := fileID(f)
	if err != nil {
		f.Close()
		return err
	}
	if s.state.FileID != "" && s.state.FileID != id {
		// The file we were reading was rotated away: look for it beside the new one.
		if old := s.findRotated(s.state.FileID); old != nil {
			f.Close()
			s.f, s.id = old, s.state.FileID
			s.progress("ship: finishing the rotated file from offset %d", s.state.Offset)
			return nil
		}
		s.progress("ship: %s is a new file and the old one is gone; starting at its beginning", s.c.File)
		s.state = State{FileID: id, Sent: s.state.Sent}
	}
	if s.state.FileID == "" {
		s.state.FileID = id
	}
	if fi, err := f.Stat(); err == nil && fi.Size() < s.state.Offset {
		s.progress("ship: %s was truncated; starting at its beginning", s.c.File)
		s.state.Offset = 0
	}
	s.f, s.id = f, id
	return nil
}

func (s *Shipper) findRotated(id string) *os.File {
	matches, _ := filepath.Glob(s.c.File + ".*")
	for _, m := range matches {
		if strings.HasSuffix(m, ".vaern-state") || strings.HasSuffix(m, ".tmp") || strings.HasSuffix(m, ".gz") {
			continue
		}
		f, err := os.Open(m)
		if err != nil {
			continue
		}
		if fid, err := fileID(f); err == nil && fid == id {
			return f
		}
		f.Close()
	}
	return nil
}

// rotated reports whether the path now names another file (or the file was truncated) once the
// open one is read to its end at pos.
func (s *Shipper) rotated(pos int64) (bool, error) {
	fi, err := os.Stat(s.c.File)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil // between the rename and the new file
	}
	if err != nil {
		return false, err
	}
	cur, err := s.f.Stat()
	if err != nil {
		return false, err
	}
	if !os.SameFile(fi, cur) {
		// Read the old file once more to its end before leaving it.
		return cur.Size() <= pos, nil
	}
	if fi.Size() < pos {
		return true, nil // truncated in place (copytruncate)
	}
	return false, nil
}

func (s *Shipper) reopen() error {
	s.f.Close()
	f, err := os.Open(s.c.File)
	if err != nil {
		return err
	}
	id, err := fileID(f)
	if err != nil {
		f.Close()
		return err
	}
	s.progress("ship: %s was rotated; following the new file", s.c.File)
	s.f, s.id = f, id
	s.state.FileID, s.state.Offset = id, 0
	return s.saveState()
}

// sendRange sends a pending batch again from the file's bytes.
func (s *Shipper) sendRange(ctx context.Context, b Batch) error {
	raw := make([]byte, b.End-b.Start)
	if _, err := s.f.ReadAt(raw, b.Start); err != nil {
		return fmt.Errorf("ship: read the pending batch again: %w", err)
	}
	return s.send(ctx, b, raw, bytes.Count(raw, []byte{'\n'}))
}

type answer struct {
	Accepted  int            `json:"accepted"`
	Rejected  int            `json:"rejected"`
	Duplicate bool           `json:"duplicate"`
	Other     map[string]int `json:"other"`
}

// send reduces and pseudonymises the lines, posts them until the server acknowledges them, and
// then moves the offset past them.
func (s *Shipper) send(ctx context.Context, b Batch, raw []byte, lines int) error {
	s.state.Pending = &b
	if err := s.saveState(); err != nil {
		return err
	}
	var body bytes.Buffer
	z := gzip.NewWriter(&body)
	local := 0
	for _, line := range bytes.Split(raw, []byte{'\n'}) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		out, err := sensor.Minimise(line, s.c.Pseudo, s.c.KeepPayload)
		if err != nil {
			local++ // not an event: never sent, since it could hold anything
			continue
		}
		z.Write(out)
		z.Write([]byte{'\n'})
	}
	z.Close()
	wait := s.c.MinBackoff
	for attempt := 1; ; attempt++ {
		ans, retry, err := s.post(ctx, b.ID, body.Bytes())
		if err == nil {
			s.state.Offset, s.state.Pending = b.End, nil
			s.state.Sent++
			if err := s.saveState(); err != nil {
				return err
			}
			dup := ""
			if ans.Duplicate {
				dup = " (sent before: counted once)"
			}
			s.progress("ship: batch %d: %d lines, %d alerts accepted, %d rejected, %d rejected here%s; offset %d",
				s.state.Sent, lines, ans.Accepted, ans.Rejected, local, dup, b.End)
			return nil
		}
		if !retry {
			return err
		}
		if ctx.Err() != nil {
			return nil // the batch stays pending and goes again at the next start
		}
		s.progress("ship: batch %s not sent (attempt %d): %v; retrying in %s", b.ID, attempt, err, wait.Round(time.Millisecond))
		jitter := time.Duration(rand.Int64N(int64(wait)/4 + 1))
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(wait + jitter):
		}
		wait = min(wait*2, s.c.MaxBackoff)
	}
}

func (s *Shipper) post(ctx context.Context, batchID string, body []byte) (answer, bool, error) {
	var ans answer
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(s.c.URL, "/")+"/api/v1/sensor/alerts", bytes.NewReader(body))
	if err != nil {
		return ans, false, err
	}
	req.Header.Set("Authorization", "Bearer "+s.c.Token)
	req.Header.Set("Content-Type", "application/x-ndjson")
	req.Header.Set("Content-Encoding", "gzip")
	req.Header.Set("Idempotency-Key", batchID)
	resp, err := s.c.Client.Do(req)
	if err != nil {
		return ans, true, err
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	switch {
	case resp.StatusCode == http.StatusOK:
		if err := json.Unmarshal(msg, &ans); err != nil {
			return ans, true, fmt.Errorf("unreadable answer: %w", err)
		}
		return ans, false, nil
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
		return ans, true, fmt.Errorf("%s", resp.Status)
	default:
		return ans, false, fmt.Errorf("%w: %s: %s", ErrRefused, resp.Status, bytes.TrimSpace(msg))
	}
}
