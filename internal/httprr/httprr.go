package httprr

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Format is the cassette format named in a cassette's header line.
const Format = "bedside-httprr/1"

// Redacted replaces credential values found in stored bodies and URLs.
const Redacted = "[REDACTED]"

// Mode says whether a [Recorder] replays, records or both.
type Mode int

// The modes. The zero Mode is Replay: the safe default never touches the
// network.
const (
	Replay        Mode = iota // answer from the cassette only
	Record                    // send every request; record successful answers
	RecordMissing             // replay what is recorded; send and record the rest
	Live                      // send every request; record nothing
)

var modeNames = [...]string{Replay: "replay", Record: "record", RecordMissing: "record-missing", Live: "live"}

// String returns "replay", "record", "record-missing" or "live".
func (m Mode) String() string {
	if m >= 0 && int(m) < len(modeNames) {
		return modeNames[m]
	}
	return "Mode(" + strconv.Itoa(int(m)) + ")"
}

// ParseMode returns the Mode named s, as [Mode.String] spells it.
func ParseMode(s string) (Mode, error) {
	for m, name := range modeNames {
		if s == name {
			return Mode(m), nil
		}
	}
	return 0, fmt.Errorf("httprr: unknown mode %q (want replay, record, record-missing or live)", s)
}

// Options configure a [Recorder]. The zero value replays with no salt.
type Options struct {
	// Mode is Replay (the default), Record, RecordMissing or Live.
	Mode Mode
	// Salt is mixed into every key, so that a recording made for one
	// corpus (say) is never replayed for another. Empty means none.
	Salt string
	// Transport sends requests in the modes that send. Nil means
	// http.DefaultTransport.
	Transport http.RoundTripper
	// SecretParams names more query parameters (case-insensitive) to treat
	// as credentials, beyond the built-in list (key, api-key, api_key,
	// apikey, access_token, token, sig, signature, client_secret,
	// password, secret, code).
	SecretParams []string
}

// An Exchange is one recorded request and its answer: one line of a
// cassette.
type Exchange struct {
	// Key identifies the request; see the package documentation.
	Key    string `json:"key"`
	Method string `json:"method"`
	// URL is the path and the query with credentials removed; never the
	// host.
	URL string `json:"url"`
	// Salt is the [Options.Salt] of the recording.
	Salt string `json:"salt,omitempty"`
	// BodySHA256 is the hash of the canonical request body.
	BodySHA256 string `json:"body_sha256"`
	// Request is the canonical request body when it is JSON; RequestText
	// holds any other body.
	Request     json.RawMessage `json:"request,omitempty"`
	RequestText string          `json:"request_text,omitempty"`
	Status      int             `json:"status"`
	// ContentType is the response's Content-Type header.
	ContentType string `json:"content_type,omitempty"`
	// Response is the response body, compacted, when it is JSON;
	// ResponseText holds any other body (a server-sent event stream, say).
	Response     json.RawMessage `json:"response,omitempty"`
	ResponseText string          `json:"response_text,omitempty"`
	// ElapsedMS is how long the answer took when it was recorded, in
	// milliseconds.
	ElapsedMS int64 `json:"elapsed_ms"`
}

// A MissingError reports a request with no recorded answer in Replay mode.
type MissingError struct {
	File, Method, URL, Key string
	// Hint says what was found instead, if anything useful.
	Hint string
}

func (e *MissingError) Error() string {
	s := fmt.Sprintf("httprr: no recorded answer for %s %s (key %.12s) in %s", e.Method, e.URL, e.Key, e.File)
	if e.Hint != "" {
		s += ": " + e.Hint
	}
	return s + "; record it again (mode record or record-missing)"
}

// ErrMissing matches every [*MissingError] with errors.Is.
var ErrMissing = errors.New("httprr: no recorded answer")

// Is reports whether target is [ErrMissing].
func (e *MissingError) Is(target error) bool { return target == ErrMissing }

// Stats count what a Recorder did.
type Stats struct {
	Replayed int // answered from the cassette
	Recorded int // sent and recorded
	Sent     int // sent, recorded or not (every attempt, failures included)
	Missing  int // requests that found no answer in Replay mode
}

// An Event describes one exchange, for [WithObserver].
type Event struct {
	Method, URL, Key string
	// Status is the answer's status; 0 when there was none.
	Status int
	// Elapsed is the time taken: the recorded time when replayed.
	Elapsed  time.Duration
	Replayed bool
	Recorded bool
	Err      error
}

type observerKey struct{}

// WithObserver returns a context whose exchanges are reported to f. f may
// be called from several goroutines at once.
func WithObserver(ctx context.Context, f func(Event)) context.Context {
	return context.WithValue(ctx, observerKey{}, f)
}

func observe(ctx context.Context, ev Event) {
	if f, ok := ctx.Value(observerKey{}).(func(Event)); ok && f != nil {
		f(ev)
	}
}

// A Recorder records and replays HTTP exchanges; it is an
// [http.RoundTripper] and safe for concurrent use.
type Recorder struct {
	path   string
	opts   Options
	secret map[string]bool

	mu        sync.Mutex
	exchanges map[string]*Exchange
	file      *os.File // the journal being appended to, in the recording modes
	dirty     bool
	stats     Stats
	closed    bool
}

var _ http.RoundTripper = (*Recorder)(nil)

var builtinSecrets = []string{"key", "api-key", "api_key", "apikey", "access_token", "token",
	"sig", "signature", "client_secret", "password", "secret", "code", "x-api-key"}

// Open opens the cassette at path. In Replay mode the file must exist; in
// the recording modes it is created if absent. Live mode ignores path.
func Open(path string, opts Options) (*Recorder, error) {
	if opts.Mode < Replay || opts.Mode > Live {
		return nil, fmt.Errorf("httprr: unknown mode %d", int(opts.Mode))
	}
	if opts.Transport == nil {
		opts.Transport = http.DefaultTransport
	}
	r := &Recorder{path: path, opts: opts, exchanges: make(map[string]*Exchange), secret: make(map[string]bool)}
	for _, s := range append(builtinSecrets, opts.SecretParams...) {
		r.secret[strings.ToLower(s)] = true
	}
	if opts.Mode == Live {
		return r, nil
	}
	if path == "" {
		return nil, errors.New("httprr: no cassette path")
	}
	good, err := r.load()
	switch {
	case errors.Is(err, os.ErrNotExist) && opts.Mode != Replay:
	case errors.Is(err, os.ErrNotExist):
		return nil, fmt.Errorf("httprr: cassette %s does not exist; record it first (mode record)", path)
	case err != nil:
		return nil, err
	}
	if opts.Mode == Replay {
		return r, nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("httprr: %w", err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("httprr: %w", err)
	}
	// Drop a torn last line, then append after what is good.
	if err := f.Truncate(good); err != nil {
		f.Close()
		return nil, fmt.Errorf("httprr: %w", err)
	}
	if _, err := f.Seek(good, io.SeekStart); err != nil {
		f.Close()
		return nil, fmt.Errorf("httprr: %w", err)
	}
	if good == 0 {
		if _, err := fmt.Fprintf(f, "{\"format\":%q}\n", Format); err != nil {
			f.Close()
			return nil, fmt.Errorf("httprr: %w", err)
		}
	}
	r.file = f
	return r, nil
}

// load reads the cassette and returns the length of its good prefix: the
// bytes up to the end of the last complete, valid line.
func (r *Recorder) load() (int64, error) {
	data, err := os.ReadFile(r.path)
	if err != nil {
		return 0, err
	}
	var good int64
	line := 0
	for len(data) > 0 {
		line++
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			// A last line without its newline was torn by a crash.
			return good, nil
		}
		text := data[:i]
		data = data[i+1:]
		if line == 1 {
			var h struct {
				Format string `json:"format"`
			}
			if err := json.Unmarshal(text, &h); err != nil || h.Format != Format {
				return 0, fmt.Errorf("httprr: %s:1: not a cassette (want a %q header)", r.path, Format)
			}
		} else if len(bytes.TrimSpace(text)) > 0 {
			var ex Exchange
			if err := json.Unmarshal(text, &ex); err != nil || ex.Key == "" {
				if len(data) == 0 {
					return good, nil // torn last line
				}
				return 0, fmt.Errorf("httprr: %s:%d: bad exchange: %v", r.path, line, err)
			}
			r.exchanges[ex.Key] = &ex
		}
		good += int64(i + 1)
	}
	return good, nil
}

// Client returns an HTTP client that sends through r.
func (r *Recorder) Client() *http.Client { return &http.Client{Transport: r} }

// Mode returns r's mode.
func (r *Recorder) Mode() Mode { return r.opts.Mode }

// Stats returns what r has done so far.
func (r *Recorder) Stats() Stats {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.stats
}

// Len returns the number of exchanges in the cassette.
func (r *Recorder) Len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.exchanges)
}

// RoundTrip answers req from the cassette or sends it, as the mode says.
func (r *Recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		b, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("httprr: reading request body: %w", err)
		}
		body = b
	}
	secrets := r.secretsOf(req)
	u := r.cleanURL(req.URL)
	canon := redact(canonicalBody(body), secrets)
	sum := sha256.Sum256(canon)
	bodyHash := hex.EncodeToString(sum[:])
	key := Key(req.Method, u, r.opts.Salt, bodyHash)
	ev := Event{Method: req.Method, URL: u, Key: key}

	if r.opts.Mode == Replay || r.opts.Mode == RecordMissing {
		r.mu.Lock()
		ex, ok := r.exchanges[key]
		if ok {
			r.stats.Replayed++
		} else if r.opts.Mode == Replay {
			r.stats.Missing++
		}
		r.mu.Unlock()
		if ok {
			ev.Status, ev.Replayed = ex.Status, true
			ev.Elapsed = time.Duration(ex.ElapsedMS) * time.Millisecond
			observe(req.Context(), ev)
			return replayResponse(req, ex), nil
		}
		if r.opts.Mode == Replay {
			err := &MissingError{File: r.path, Method: req.Method, URL: u, Key: key, Hint: r.hint(req.Method, u, bodyHash)}
			ev.Err = err
			observe(req.Context(), ev)
			return nil, err
		}
	}

	// Send.
	out := req.Clone(req.Context())
	out.Body = io.NopCloser(bytes.NewReader(body))
	out.ContentLength = int64(len(body))
	out.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	start := time.Now()
	resp, err := r.opts.Transport.RoundTrip(out)
	r.mu.Lock()
	r.stats.Sent++
	r.mu.Unlock()
	if err != nil {
		ev.Err, ev.Elapsed = err, time.Since(start)
		observe(req.Context(), ev)
		return nil, err
	}
	ev.Status = resp.StatusCode
	isStream := strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream")
	if r.opts.Mode == Live || resp.StatusCode < 200 || resp.StatusCode > 299 {
		// Failures and live traffic pass through untouched.
		ev.Elapsed = time.Since(start)
		observe(req.Context(), ev)
		return resp, nil
	}
	respBody, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	elapsed := time.Since(start)
	ev.Elapsed = elapsed
	if err != nil {
		// A body that broke off is an error, never an answer.
		ev.Err = err
		observe(req.Context(), ev)
		return nil, fmt.Errorf("httprr: reading response body: %w", err)
	}
	ex := &Exchange{
		Key: key, Method: req.Method, URL: u, Salt: r.opts.Salt, BodySHA256: bodyHash,
		Status: resp.StatusCode, ContentType: resp.Header.Get("Content-Type"),
		ElapsedMS: elapsed.Milliseconds(),
	}
	ex.Request, ex.RequestText = splitBody(canon, false)
	ex.Response, ex.ResponseText = splitBody(redact(respBody, secrets), isStream)
	if err := r.append(ex); err != nil {
		ev.Err = err
		observe(req.Context(), ev)
		return nil, err
	}
	ev.Recorded = true
	observe(req.Context(), ev)
	resp.Body = io.NopCloser(bytes.NewReader(respBody))
	resp.ContentLength = int64(len(respBody))
	return resp, nil
}

// append adds ex to the cassette and the journal, synced to disk.
func (r *Recorder) append(ex *Exchange) error {
	line, err := marshalLine(ex)
	if err != nil {
		return fmt.Errorf("httprr: %w", err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return errors.New("httprr: recorder closed")
	}
	if _, err := r.file.Write(line); err != nil {
		return fmt.Errorf("httprr: writing %s: %w", r.path, err)
	}
	if err := r.file.Sync(); err != nil {
		return fmt.Errorf("httprr: syncing %s: %w", r.path, err)
	}
	r.exchanges[ex.Key] = ex
	r.stats.Recorded++
	r.dirty = true
	return nil
}

// hint explains a miss: a recording of the same body under another salt,
// or other recordings for the same URL.
func (r *Recorder) hint(method, u, bodyHash string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	sameURL := 0
	for _, ex := range r.exchanges {
		if ex.Method == method && ex.URL == u {
			if ex.BodySHA256 == bodyHash && ex.Salt != r.opts.Salt {
				return fmt.Sprintf("the same request was recorded with salt %q, but this run's salt is %q (the corpus changed?)", ex.Salt, r.opts.Salt)
			}
			sameURL++
		}
	}
	if sameURL > 0 {
		return fmt.Sprintf("%d recording(s) for this URL have other request bodies (a changed prompt, model, setting or passage?)", sameURL)
	}
	if len(r.exchanges) == 0 {
		return "the cassette is empty"
	}
	return ""
}

// Close finishes a recording: the cassette is rewritten sorted by key, one
// line per key. It does nothing in Replay and Live mode.
func (r *Recorder) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return nil
	}
	r.closed = true
	if r.file == nil {
		return nil
	}
	if err := r.file.Close(); err != nil {
		return fmt.Errorf("httprr: %w", err)
	}
	return r.rewrite()
}

// rewrite writes the sorted cassette to a temporary file and renames it
// over the journal.
func (r *Recorder) rewrite() error {
	keys := make([]string, 0, len(r.exchanges))
	for k := range r.exchanges {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "{\"format\":%q}\n", Format)
	for _, k := range keys {
		line, err := marshalLine(r.exchanges[k])
		if err != nil {
			return fmt.Errorf("httprr: %w", err)
		}
		buf.Write(line)
	}
	if old, err := os.ReadFile(r.path); err == nil && bytes.Equal(old, buf.Bytes()) {
		return nil
	}
	tmp, err := os.CreateTemp(filepath.Dir(r.path), filepath.Base(r.path)+".tmp*")
	if err != nil {
		return fmt.Errorf("httprr: %w", err)
	}
	werr := tmp.Chmod(0o644)
	if werr == nil {
		_, werr = tmp.Write(buf.Bytes())
	}
	if werr == nil {
		werr = tmp.Sync()
	}
	if cerr := tmp.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(tmp.Name(), r.path)
	}
	if werr != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("httprr: rewriting %s: %w", r.path, werr)
	}
	return nil
}

// Key returns the key of a request: the hex SHA-256 of its method, URL
// (path and cleaned query), salt and body hash.
func Key(method, url, salt, bodySHA256 string) string {
	h := sha256.New()
	for _, s := range []string{method, url, salt, bodySHA256} {
		fmt.Fprintf(h, "%d:%s\n", len(s), s)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// cleanURL returns the path and the sorted query of u without credentials.
func (r *Recorder) cleanURL(u *url.URL) string {
	q := u.Query()
	for k := range q {
		if r.secret[strings.ToLower(k)] {
			q.Del(k)
		}
	}
	s := u.EscapedPath()
	if s == "" {
		s = "/"
	}
	if enc := q.Encode(); enc != "" { // Encode sorts by key
		s += "?" + enc
	}
	return s
}

// secretsOf collects credential values carried by req, to be kept out of
// stored bodies.
func (r *Recorder) secretsOf(req *http.Request) []string {
	var out []string
	add := func(v string) {
		if v = strings.TrimSpace(v); len(v) >= 4 {
			out = append(out, v)
		}
	}
	for name, vs := range req.Header {
		lower := strings.ToLower(name)
		if lower == "authorization" || lower == "proxy-authorization" || r.secret[lower] {
			for _, v := range vs {
				if f := strings.Fields(v); len(f) == 2 {
					add(f[1]) // "Bearer sk-..."
				}
				add(v)
			}
		}
	}
	for k, vs := range req.URL.Query() {
		if r.secret[strings.ToLower(k)] {
			for _, v := range vs {
				add(v)
			}
		}
	}
	if pw, ok := req.URL.User.Password(); ok {
		add(pw)
	}
	// Longest first, so that "Bearer X" is replaced before X.
	slices.SortFunc(out, func(a, b string) int { return len(b) - len(a) })
	return out
}

func redact(b []byte, secrets []string) []byte {
	for _, s := range secrets {
		if bytes.Contains(b, []byte(s)) {
			b = bytes.ReplaceAll(b, []byte(s), []byte(Redacted))
		}
	}
	return b
}

// canonicalBody returns JSON with sorted keys and no insignificant space,
// or the body unchanged when it is not JSON.
func canonicalBody(b []byte) []byte {
	if len(bytes.TrimSpace(b)) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil || dec.More() {
		return b
	}
	out, err := marshalNoEscape(v)
	if err != nil {
		return b
	}
	return out
}

// splitBody returns b compacted if it is JSON (and not forced to text),
// else b as text.
func splitBody(b []byte, text bool) (json.RawMessage, string) {
	if len(b) == 0 {
		return nil, ""
	}
	if !text && json.Valid(b) {
		var buf bytes.Buffer
		if json.Compact(&buf, b) == nil {
			return buf.Bytes(), ""
		}
	}
	return nil, string(b)
}

func marshalNoEscape(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

func marshalLine(ex *Exchange) ([]byte, error) {
	b, err := marshalNoEscape(ex)
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// replayResponse builds the response recorded in ex.
func replayResponse(req *http.Request, ex *Exchange) *http.Response {
	body := []byte(ex.Response)
	if ex.ResponseText != "" {
		body = []byte(ex.ResponseText)
	}
	h := make(http.Header)
	if ex.ContentType != "" {
		h.Set("Content-Type", ex.ContentType)
	}
	return &http.Response{
		Status:        fmt.Sprintf("%d %s", ex.Status, http.StatusText(ex.Status)),
		StatusCode:    ex.Status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        h,
		Body:          io.NopCloser(bytes.NewReader(body)),
		ContentLength: int64(len(body)),
		Request:       req,
	}
}
