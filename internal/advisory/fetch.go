package advisory

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/vaern/vaern/internal/inputguard"
)

// Bounds of one provider fetch. A provider lists its whole history in its feeds; the job runs
// often, so only what changed is downloaded, but the first fetch may be large.
const (
	maxIndexBytes    = 16 << 20 // provider-metadata.json, a ROLIE feed, index.txt, changes.csv
	maxDocumentBytes = 16 << 20 // one CSAF document; real ones are tens of kilobytes
	maxFetchBytes    = 256 << 20
	maxDocuments     = 5000
	requestTimeout   = 30 * time.Second
)

// indexLimits bound provider-metadata.json and ROLIE feeds before they are decoded.
var indexLimits = inputguard.Limits{MaxBytes: maxIndexBytes, MaxDepth: 32, MaxTokens: 2_000_000}

// Fetched is one CSAF document downloaded from a provider.
type Fetched struct {
	URL     string
	Data    []byte
	SHA256  string // hex digest of Data
	ETag    string // the server's ETag, if it sent one
	TLP     string // the feed's TLP label as the provider lists it ("" for a directory)
	Updated time.Time
}

type providerMetadata struct {
	MetadataVersion string `json:"metadata_version"`
	Distributions   []struct {
		DirectoryURL string `json:"directory_url"`
		ROLIE        *struct {
			Feeds []struct {
				TLPLabel string `json:"tlp_label"`
				URL      string `json:"url"`
			} `json:"feeds"`
		} `json:"rolie"`
	} `json:"distributions"`
}

type rolieFeed struct {
	Feed struct {
		Entry []struct {
			ID      string      `json:"id"`
			Link    []rolieLink `json:"link"`
			Updated string      `json:"updated"`
			Content struct {
				Src string `json:"src"`
			} `json:"content"`
		} `json:"entry"`
	} `json:"feed"`
}

type rolieLink struct {
	Rel  string `json:"rel"`
	Href string `json:"href"`
}

// listed is one document a distribution names.
type listed struct {
	url, sha256URL, sha512URL, tlp string
	updated                        time.Time
	hashLinks                      bool // the feed names its hash files (ROLIE); a directory may have them
}

// FetchProvider reads a CSAF provider's provider-metadata.json at metadataURL and downloads the
// documents its distributions list: ROLIE feeds, or directories with changes.csv or index.txt.
// known reports what Værn already holds for a document URL (its ETag or its SHA-256 hex
// digest); a document whose hash file, ETag or digest shows it unchanged is not returned. A
// document whose .sha256 or .sha512 file disagrees with it is not returned either.
//
// The error is about the provider (metadata or feed unreadable) or about single documents; in
// the second case the documents that could be fetched are returned with it, so one broken
// document does not stop a provider's other advisories.
func FetchProvider(ctx context.Context, client *http.Client, metadataURL string,
	known func(url string) (etagOrHash string, ok bool)) ([]Fetched, error) {
	if client == nil {
		client = &http.Client{Timeout: requestTimeout}
	}
	if known == nil {
		known = func(string) (string, bool) { return "", false }
	}
	f := &fetcher{ctx: ctx, client: client}
	body, _, _, err := f.get(metadataURL, maxIndexBytes, "")
	if err != nil {
		return nil, fmt.Errorf("provider metadata %s: %w", metadataURL, err)
	}
	var pm providerMetadata
	if err := indexLimits.CheckJSON(body); err != nil {
		return nil, fmt.Errorf("provider metadata %s: %w", metadataURL, err)
	}
	if err := json.Unmarshal(body, &pm); err != nil {
		return nil, fmt.Errorf("provider metadata %s: not valid JSON: %s", metadataURL, jsonErrText(err))
	}
	if pm.MetadataVersion != "" && pm.MetadataVersion != "2.0" {
		return nil, fmt.Errorf("provider metadata %s: metadata_version %q is not 2.0", metadataURL, pm.MetadataVersion)
	}
	var docs []listed
	var problems []error
	for _, d := range pm.Distributions {
		if d.ROLIE != nil {
			for _, feed := range d.ROLIE.Feeds {
				ls, err := f.rolie(metadataURL, feed.URL, feed.TLPLabel)
				if err != nil {
					problems = append(problems, err)
				}
				docs = append(docs, ls...)
			}
		}
		if d.DirectoryURL != "" {
			ls, err := f.directory(metadataURL, d.DirectoryURL)
			if err != nil {
				problems = append(problems, err)
			}
			docs = append(docs, ls...)
		}
	}
	if len(docs) == 0 && len(problems) > 0 {
		return nil, errors.Join(problems...)
	}
	if len(docs) > maxDocuments {
		return nil, fmt.Errorf("provider %s lists more than %d documents", metadataURL, maxDocuments)
	}
	var out []Fetched
	seen := map[string]bool{}
	for _, l := range docs {
		if seen[l.url] {
			continue
		}
		seen[l.url] = true
		if err := ctx.Err(); err != nil {
			return out, err
		}
		doc, skip, err := f.document(l, known)
		if err != nil {
			problems = append(problems, fmt.Errorf("%s: %w", l.url, err))
			continue
		}
		if !skip {
			out = append(out, doc)
		}
	}
	return out, errors.Join(problems...)
}

type fetcher struct {
	ctx    context.Context
	client *http.Client
	total  int64
}

// get fetches one URL with a deadline and a size bound. With etag set it asks for the body only
// if it changed (notModified reports a 304).
func (f *fetcher) get(rawURL string, limit int64, etag string) (body []byte, respETag string, notModified bool, err error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, "", false, fmt.Errorf("%q is not an http(s) URL", rawURL)
	}
	ctx, cancel := context.WithTimeout(f.ctx, requestTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, "", false, err
	}
	if etag != "" {
		req.Header.Set("If-None-Match", etag)
	}
	resp, err := f.client.Do(req)
	if err != nil {
		return nil, "", false, err
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotModified && etag != "" {
		return nil, etag, true, nil
	}
	if resp.StatusCode != http.StatusOK {
		return nil, "", false, &httpStatusError{resp.StatusCode}
	}
	if resp.ContentLength > limit {
		return nil, "", false, fmt.Errorf("larger than %d bytes", limit)
	}
	body, err = io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, "", false, err
	}
	if int64(len(body)) > limit {
		return nil, "", false, fmt.Errorf("larger than %d bytes", limit)
	}
	f.total += int64(len(body))
	if f.total > maxFetchBytes {
		return nil, "", false, fmt.Errorf("the provider's documents exceed %d bytes in one fetch", maxFetchBytes)
	}
	return body, resp.Header.Get("ETag"), false, nil
}

type httpStatusError struct{ code int }

func (e *httpStatusError) Error() string { return fmt.Sprintf("the server answered %d", e.code) }

func resolve(base, ref string) (string, error) {
	b, err := url.Parse(base)
	if err != nil {
		return "", err
	}
	r, err := url.Parse(strings.TrimSpace(ref))
	if err != nil {
		return "", err
	}
	return b.ResolveReference(r).String(), nil
}

func (f *fetcher) rolie(base, feedURL, tlp string) ([]listed, error) {
	feedURL, err := resolve(base, feedURL)
	if err != nil {
		return nil, fmt.Errorf("ROLIE feed %q: %w", feedURL, err)
	}
	body, _, _, err := f.get(feedURL, maxIndexBytes, "")
	if err != nil {
		return nil, fmt.Errorf("ROLIE feed %s: %w", feedURL, err)
	}
	var feed rolieFeed
	if err := indexLimits.CheckJSON(body); err != nil {
		return nil, fmt.Errorf("ROLIE feed %s: %w", feedURL, err)
	}
	if err := json.Unmarshal(body, &feed); err != nil {
		return nil, fmt.Errorf("ROLIE feed %s: not valid JSON: %s", feedURL, jsonErrText(err))
	}
	var out []listed
	for _, e := range feed.Feed.Entry {
		l := listed{tlp: tlp, hashLinks: true}
		l.updated, _ = parseTime(e.Updated)
		for _, ln := range e.Link {
			href, err := resolve(feedURL, ln.Href)
			if err != nil {
				continue
			}
			switch {
			case ln.Rel == "self":
				l.url = href
			case ln.Rel == "hash" && strings.HasSuffix(href, ".sha256"):
				l.sha256URL = href
			case ln.Rel == "hash" && strings.HasSuffix(href, ".sha512"):
				l.sha512URL = href
			}
		}
		if l.url == "" && e.Content.Src != "" {
			l.url, _ = resolve(feedURL, e.Content.Src)
		}
		if l.url != "" {
			out = append(out, l)
		}
		if len(out) > maxDocuments {
			return nil, fmt.Errorf("ROLIE feed %s lists more than %d documents", feedURL, maxDocuments)
		}
	}
	return out, nil
}

// directory reads changes.csv ("path","timestamp" per line), or index.txt (one path per line)
// when there is no changes.csv.
func (f *fetcher) directory(base, dirURL string) ([]listed, error) {
	dirURL, err := resolve(base, dirURL)
	if err != nil {
		return nil, fmt.Errorf("directory %q: %w", dirURL, err)
	}
	if !strings.HasSuffix(dirURL, "/") {
		dirURL += "/"
	}
	var out []listed
	add := func(path string, updated time.Time) error {
		path = strings.TrimSpace(path)
		if path == "" {
			return nil
		}
		u, err := resolve(dirURL, path)
		if err != nil {
			return nil
		}
		out = append(out, listed{url: u, sha256URL: u + ".sha256", sha512URL: u + ".sha512", updated: updated})
		if len(out) > maxDocuments {
			return fmt.Errorf("directory %s lists more than %d documents", dirURL, maxDocuments)
		}
		return nil
	}
	body, _, _, err := f.get(dirURL+"changes.csv", maxIndexBytes, "")
	if err == nil {
		r := csv.NewReader(bytes.NewReader(body))
		r.FieldsPerRecord = -1
		for {
			rec, err := r.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				return out, fmt.Errorf("%schanges.csv: %v", dirURL, err)
			}
			var t time.Time
			if len(rec) > 1 {
				t, _ = parseTime(rec[1])
			}
			if err := add(rec[0], t); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	body, _, _, err2 := f.get(dirURL+"index.txt", maxIndexBytes, "")
	if err2 != nil {
		return nil, fmt.Errorf("directory %s: neither changes.csv (%v) nor index.txt (%v) could be read", dirURL, err, err2)
	}
	sc := bufio.NewScanner(bytes.NewReader(body))
	for sc.Scan() {
		if err := add(sc.Text(), time.Time{}); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// document downloads one listed document unless known says Værn already has it. A hash file the
// feed names must be readable; one a directory may have is used when it is there.
func (f *fetcher) document(l listed, known func(string) (string, bool)) (Fetched, bool, error) {
	prev, have := known(l.url)
	prev = strings.TrimSpace(prev)
	var want256, want512 string
	var err error
	if l.sha256URL != "" {
		if want256, err = f.hashFile(l.sha256URL, sha256.Size, l.hashLinks); err != nil {
			return Fetched{}, false, err
		}
	}
	if l.sha512URL != "" && want256 == "" {
		if want512, err = f.hashFile(l.sha512URL, sha512.Size, l.hashLinks); err != nil {
			return Fetched{}, false, err
		}
	}
	if have && want256 != "" && strings.EqualFold(prev, want256) {
		return Fetched{}, true, nil // unchanged, by its published hash
	}
	etag := ""
	if have && (strings.HasPrefix(prev, `"`) || strings.HasPrefix(prev, "W/")) {
		etag = prev
	}
	body, respETag, notModified, err := f.get(l.url, maxDocumentBytes, etag)
	if err != nil {
		return Fetched{}, false, err
	}
	if notModified {
		return Fetched{}, true, nil
	}
	sum := sha256.Sum256(body)
	digest := hex.EncodeToString(sum[:])
	if want256 != "" && !strings.EqualFold(want256, digest) {
		return Fetched{}, false, errors.New("the document does not match its .sha256 file")
	}
	if want512 != "" && !hashMatches(sha512.New(), body, want512) {
		return Fetched{}, false, errors.New("the document does not match its .sha512 file")
	}
	if have && strings.EqualFold(prev, digest) {
		return Fetched{}, true, nil
	}
	return Fetched{URL: l.url, Data: body, SHA256: digest, ETag: respETag, TLP: l.tlp, Updated: l.updated}, false, nil
}

func hashMatches(h hash.Hash, body []byte, want string) bool {
	h.Write(body)
	return strings.EqualFold(hex.EncodeToString(h.Sum(nil)), want)
}

// hashFile reads a .sha256/.sha512 file ("HEX  filename" or just "HEX"). A missing file is
// no error unless required.
func (f *fetcher) hashFile(u string, size int, required bool) (string, error) {
	body, _, _, err := f.get(u, 4096, "")
	if err != nil {
		var se *httpStatusError
		if !required && errors.As(err, &se) && se.code == http.StatusNotFound {
			return "", nil
		}
		return "", fmt.Errorf("hash file %s: %w", u, err)
	}
	fields := strings.Fields(string(body))
	if len(fields) == 0 {
		return "", fmt.Errorf("hash file %s is empty", u)
	}
	h := fields[0]
	if b, err := hex.DecodeString(h); err != nil || len(b) != size {
		return "", fmt.Errorf("hash file %s does not hold a hex digest of %d bytes", u, size)
	}
	return strings.ToLower(h), nil
}
