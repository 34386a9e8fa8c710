package filestore

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"math/bits"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"time"
	"unsafe"

	"github.com/bedside-ai/bedside/internal/bm25"
	"github.com/bedside-ai/bedside/internal/terms"
	"github.com/bedside-ai/bedside/retrieval"
	"github.com/bedside-ai/bedside/retrieval/guidance"
)

// ErrCorrupt is wrapped by the error [Open] returns for a file that is not
// a valid store file: truncated, damaged, or not a store file at all.
var ErrCorrupt = errors.New("corrupt store file")

// The file format; see the package documentation.
const (
	magic         = "BEDSIDE\x1a"
	formatVersion = 1
	headerSize    = 64
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// littleEndian reports whether this machine stores words little-endian, as
// the file does; then slabs are written and read without conversion.
var littleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// header is the fixed-size start of the file.
type header struct {
	version                  uint32
	dim                      uint32
	metaLen, vecLen, postLen uint64
	metaCRC, vecCRC, postCRC uint32
	fingerprint              uint32
}

func (h *header) encode() []byte {
	b := make([]byte, headerSize)
	le := binary.LittleEndian
	copy(b, magic)
	le.PutUint32(b[8:], h.version)
	le.PutUint32(b[12:], h.dim)
	le.PutUint64(b[16:], h.metaLen)
	le.PutUint64(b[24:], h.vecLen)
	le.PutUint64(b[32:], h.postLen)
	le.PutUint32(b[40:], h.metaCRC)
	le.PutUint32(b[44:], h.vecCRC)
	le.PutUint32(b[48:], h.postCRC)
	le.PutUint32(b[52:], h.fingerprint)
	le.PutUint32(b[60:], crc32.Checksum(b[:60], castagnoli))
	return b
}

func decodeHeader(b []byte) header {
	le := binary.LittleEndian
	return header{
		version:     le.Uint32(b[8:]),
		dim:         le.Uint32(b[12:]),
		metaLen:     le.Uint64(b[16:]),
		vecLen:      le.Uint64(b[24:]),
		postLen:     le.Uint64(b[32:]),
		metaCRC:     le.Uint32(b[40:]),
		vecCRC:      le.Uint32(b[44:]),
		postCRC:     le.Uint32(b[48:]),
		fingerprint: le.Uint32(b[52:]),
	}
}

// analyzerFingerprint identifies the lexical analysis and BM25 parameters
// of this build. A file written by a build with a different fingerprint
// has its lexical index rebuilt from the chunk texts when it is opened.
func analyzerFingerprint() uint32 {
	const probe = "The patients' Haemoglobin levels were 2.5 g/dL; naïve runners' dosing, " +
		"resuscitation, anaphylaxis and nebulised salbutamol weren't given to children."
	b := []byte(strconv.FormatFloat(bm25.K1, 'g', -1, 64) + "/" + strconv.FormatFloat(bm25.B, 'g', -1, 64))
	for _, t := range terms.Analyze(probe) {
		b = append(b, ' ')
		b = append(b, t...)
		b = strconv.AppendUint(b, uint64(terms.ID(t)), 10)
	}
	return crc32.Checksum(b, castagnoli)
}

// A tempFile is the file a flush writes before renaming it into place.
type tempFile interface {
	io.Writer
	io.WriterAt
	Sync() error
	Close() error
	Name() string
}

func createOSTemp(dir, pattern string) (tempFile, error) { return os.CreateTemp(dir, pattern) }

// Flush writes the store to its file if anything changed since the last
// flush. The file is replaced atomically: a new file is written beside it,
// synced, and renamed over it, so a crash at any moment leaves either the
// old file or the new one. Searches continue during a flush; writes wait
// while the snapshot is written (not while it is synced). Flush of a
// memory-only store does nothing.
func (s *Store) Flush(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.flushMu.Lock()
	defer s.flushMu.Unlock()
	s.mu.RLock()
	if s.closed {
		s.mu.RUnlock()
		return retrieval.ErrClosed
	}
	gen := s.gen
	if s.path == "" || gen == s.flushed.Load() {
		s.mu.RUnlock()
		return nil
	}
	f, err := s.writeTemp(ctx)
	s.mu.RUnlock()
	if err != nil {
		return err
	}
	return s.commit(f, gen)
}

// flushLocked flushes while the caller holds flushMu and mu.
func (s *Store) flushLocked(ctx context.Context) error {
	if s.path == "" || s.gen == s.flushed.Load() {
		return nil
	}
	f, err := s.writeTemp(ctx)
	if err != nil {
		return err
	}
	return s.commit(f, s.gen)
}

// commit syncs the written temporary file, renames it over the store's
// file and syncs the directory. On failure it removes the temporary file.
func (s *Store) commit(f tempFile, gen uint64) (err error) {
	start := time.Now()
	name := f.Name()
	defer func() {
		if err != nil {
			os.Remove(name)
			err = fmt.Errorf("filestore: flush %s: %w", s.path, err)
		}
	}()
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if fi, err := os.Stat(s.path); err == nil {
		// Keep the permissions of the file being replaced.
		if err := os.Chmod(name, fi.Mode().Perm()); err != nil {
			return err
		}
	}
	if err := os.Rename(name, s.path); err != nil {
		return err
	}
	if err := syncDir(filepath.Dir(s.path)); err != nil {
		// The new file is in place; only the durability of the rename is in
		// doubt. Leave the store dirty so the next flush writes it again.
		return fmt.Errorf("filestore: flush %s: syncing directory: %w", s.path, err)
	}
	s.flushed.Store(gen)
	s.log.Debug("filestore: flushed", "path", s.path, "sync", time.Since(start))
	return nil
}

func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil // directories cannot be synced there; renames are durable
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

// tenantPlan is how one tenant is laid out in the file: its live rows in
// order, renumbered, and its terms with live postings.
type tenantPlan struct {
	t       *tenant
	remap   []int32 // old row → new row or -1; nil when no row is dead
	rows    int
	termIDs []uint32
	counts  []uint32 // live postings per term
	nPost   int
}

func planTenant(t *tenant) *tenantPlan {
	p := &tenantPlan{t: t, rows: t.live()}
	if t.dead > 0 {
		p.remap = make([]int32, len(t.chunks))
		n := int32(0)
		for r, v := range t.rowVer {
			if v == nil {
				p.remap[r] = -1
			} else {
				p.remap[r] = n
				n++
			}
		}
	}
	p.termIDs = make([]uint32, 0, len(t.post))
	for id, pl := range t.post {
		if pl.df > 0 {
			p.termIDs = append(p.termIDs, id)
		}
	}
	slices.Sort(p.termIDs)
	p.counts = make([]uint32, len(p.termIDs))
	for i, id := range p.termIDs {
		pl := t.post[id]
		c := len(pl.ps)
		if p.remap != nil {
			c = 0
			for _, ps := range pl.ps {
				if p.remap[ps.row] >= 0 {
					c++
				}
			}
		}
		p.counts[i] = uint32(c)
		p.nPost += c
	}
	return p
}

func (p *tenantPlan) row(r uint32) int32 {
	if p.remap == nil {
		return int32(r)
	}
	return p.remap[r]
}

// writeTemp writes the store to a new temporary file beside its file and
// returns it unsynced. The caller holds mu. On failure the temporary file
// is removed.
func (s *Store) writeTemp(ctx context.Context) (_ tempFile, err error) {
	start := time.Now()
	dir, base := filepath.Split(s.path)
	f, err := s.createTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return nil, fmt.Errorf("filestore: flush %s: %w", s.path, err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
			err = fmt.Errorf("filestore: flush %s: %w", s.path, err)
		}
	}()

	names := make([]string, 0, len(s.tenants))
	for name := range s.tenants {
		names = append(names, name)
	}
	slices.Sort(names)
	plans := make([]*tenantPlan, len(names))
	for i, name := range names {
		plans[i] = planTenant(s.tenants[name])
	}

	w := &sectionWriter{f: f, ctx: ctx, buf: make([]byte, 0, 1<<20)}
	w.raw(make([]byte, headerSize)) // the header is written last
	w.endSection()
	h := header{version: formatVersion, dim: uint32(s.dim), fingerprint: s.fingerprint}

	// Metadata.
	w.uvarint(uint64(len(plans)))
	for _, p := range plans {
		writeTenantMeta(w, p)
	}
	h.metaLen, h.metaCRC = w.endSection()

	// Vectors: each tenant's live rows, in order, as raw float32.
	for _, p := range plans {
		t := p.t
		for r := 0; r < len(t.rowVer); {
			if t.rowVer[r] == nil {
				r++
				continue
			}
			e := r
			for e < len(t.rowVer) && t.rowVer[e] != nil {
				e++
			}
			w.floats(t.vecs[r*s.dim : e*s.dim])
			r = e
		}
	}
	h.vecLen, h.vecCRC = w.endSection()

	// Postings: per tenant, term IDs, offsets, (row, weight) pairs, tfs.
	for _, p := range plans {
		writeTenantPostings(w, p)
	}
	h.postLen, h.postCRC = w.endSection()

	if w.err != nil {
		return nil, w.err
	}
	if _, err := f.WriteAt(h.encode(), 0); err != nil {
		return nil, err
	}
	s.log.Debug("filestore: wrote snapshot", "path", s.path,
		"bytes", headerSize+h.metaLen+h.vecLen+h.postLen, "duration", time.Since(start))
	return f, nil
}

func writeTenantMeta(w *sectionWriter, p *tenantPlan) {
	t := p.t
	w.str(t.name)
	w.u64(math.Float64bits(t.avgdlRef))
	w.uvarint(t.nextSeq)
	w.uvarint(uint64(p.rows))
	w.uvarint(uint64(len(p.termIDs)))
	w.uvarint(uint64(p.nPost))
	w.uvarint(uint64(len(t.vers)))
	for _, v := range t.vers {
		w.uvarint(v.seq)
		m := &v.info.Metadata
		w.str(m.ID)
		w.str(m.Title)
		w.str(m.Publisher)
		w.str(m.Version)
		w.str(string(m.Status))
		w.str(m.ApprovedBy)
		w.time(m.ApprovedAt)
		w.time(m.EffectiveFrom)
		w.time(m.ReviewDue)
		w.time(m.SupersededAt)
		w.time(m.WithdrawnAt)
		w.str(m.Jurisdiction)
		w.list(m.Specialties)
		w.list(m.Tags)
		w.list(m.Audience)
		w.str(m.SourceURL)
		w.str(m.Licence)
		w.str(v.info.Hash)
		w.uvarint(uint64(v.info.Chunks))
		w.str(v.info.Source)
		w.time(v.info.StoredAt)
		w.str(v.model)
		start := uint32(0)
		if v.n > 0 {
			start = uint32(p.row(v.start))
		}
		w.uvarint(uint64(start))
		w.uvarint(uint64(v.n))
	}
	var prev *retrieval.Chunk
	for r, v := range t.rowVer {
		if v == nil {
			continue
		}
		c := &t.chunks[r]
		var flags byte
		if c.DocumentID == v.info.ID && c.Version == v.info.Version {
			flags |= flagOwnDoc
		}
		if prev != nil && sameList(c.Heading, prev.Heading) {
			flags |= flagSameHeading
		}
		if prev != nil && c.Context == prev.Context {
			flags |= flagSameContext
		}
		w.byte(flags)
		w.str(c.ID)
		if flags&flagOwnDoc == 0 {
			w.str(c.DocumentID)
			w.str(c.Version)
		}
		w.varint(int64(c.Section))
		w.varint(int64(c.Ordinal))
		if flags&flagSameHeading == 0 {
			w.list(c.Heading)
		}
		w.str(c.Text)
		w.varint(int64(c.Start))
		w.varint(int64(c.End))
		w.str(c.Hash)
		w.str(c.EmbedKey)
		w.varint(int64(c.Tokens))
		if flags&flagSameContext == 0 {
			w.str(c.Context)
		}
		w.uvarint(uint64(t.dl[r]))
		prev = c
	}
}

// Chunk record flags.
const (
	flagOwnDoc      = 1 << iota // DocumentID and Version are the version's
	flagSameHeading             // Heading equals the previous row's
	flagSameContext             // Context equals the previous row's
)

func sameList(a, b []string) bool { return (a == nil) == (b == nil) && slices.Equal(a, b) }

func writeTenantPostings(w *sectionWriter, p *tenantPlan) {
	t := p.t
	w.words(p.termIDs)
	off := uint32(0)
	w.u32(0)
	for _, c := range p.counts {
		off += c
		w.u32(off)
	}
	if p.remap == nil { // no row is renumbered: write the lists as they are
		for _, id := range p.termIDs {
			w.postings(t.post[id].ps)
		}
		for _, id := range p.termIDs {
			w.words(t.post[id].tfs)
		}
		return
	}
	for _, id := range p.termIDs {
		for _, ps := range t.post[id].ps {
			if r := p.remap[ps.row]; r >= 0 {
				w.u32(uint32(r))
				w.u32(math.Float32bits(ps.w))
			}
		}
	}
	for _, id := range p.termIDs {
		pl := t.post[id]
		for i, ps := range pl.ps {
			if p.remap[ps.row] >= 0 {
				w.u32(pl.tfs[i])
			}
		}
	}
}

// sectionWriter writes sections through a buffer, computing each section's
// length and CRC-32C, and stops at the first error or when ctx is done.
type sectionWriter struct {
	f       io.Writer
	ctx     context.Context
	buf     []byte
	crc     uint32
	written int64 // bytes written to f
	start   int64 // offset of the current section
	err     error
}

const bufferSize = 1 << 20

func (w *sectionWriter) flush() {
	if w.err == nil && len(w.buf) > 0 {
		w.write(w.buf)
	}
	w.buf = w.buf[:0]
}

func (w *sectionWriter) write(b []byte) {
	if w.err != nil {
		return
	}
	if err := w.ctx.Err(); err != nil {
		w.err = err
		return
	}
	w.crc = crc32.Update(w.crc, castagnoli, b)
	n, err := w.f.Write(b)
	w.written += int64(n)
	if err == nil && n < len(b) {
		err = io.ErrShortWrite
	}
	w.err = err
}

func (w *sectionWriter) more() {
	if len(w.buf) >= bufferSize {
		w.flush()
	}
}

// endSection returns the length and CRC of the section just written.
func (w *sectionWriter) endSection() (uint64, uint32) {
	w.flush()
	n, crc := w.written-w.start, w.crc
	w.start, w.crc = w.written, 0
	return uint64(n), crc
}

// raw writes b: small pieces through the buffer, large ones directly.
func (w *sectionWriter) raw(b []byte) {
	if len(b) < bufferSize/4 {
		w.buf = append(w.buf, b...)
		w.more()
		return
	}
	w.flush()
	for len(b) > 0 {
		n := min(len(b), 8<<20)
		w.write(b[:n])
		b = b[n:]
	}
}

func (w *sectionWriter) floats(v []float32) {
	if littleEndian {
		w.raw(unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(v))), len(v)*4))
		return
	}
	for _, x := range v {
		w.u32(math.Float32bits(x))
	}
}

func (w *sectionWriter) words(v []uint32) {
	if littleEndian {
		w.raw(unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(v))), len(v)*4))
		return
	}
	for _, x := range v {
		w.u32(x)
	}
}

// postings writes (row, weight) pairs as they are laid out in memory.
func (w *sectionWriter) postings(ps []posting) {
	if littleEndian {
		w.raw(unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(ps))), len(ps)*int(unsafe.Sizeof(posting{}))))
		return
	}
	for _, p := range ps {
		w.u32(p.row)
		w.u32(math.Float32bits(p.w))
	}
}

func (w *sectionWriter) byte(b byte)      { w.buf = append(w.buf, b); w.more() }
func (w *sectionWriter) u32(x uint32)     { w.buf = binary.LittleEndian.AppendUint32(w.buf, x); w.more() }
func (w *sectionWriter) u64(x uint64)     { w.buf = binary.LittleEndian.AppendUint64(w.buf, x); w.more() }
func (w *sectionWriter) uvarint(x uint64) { w.buf = binary.AppendUvarint(w.buf, x); w.more() }
func (w *sectionWriter) varint(x int64)   { w.buf = binary.AppendVarint(w.buf, x); w.more() }
func (w *sectionWriter) str(s string) {
	w.uvarint(uint64(len(s)))
	w.buf = append(w.buf, s...)
	w.more()
}
func (w *sectionWriter) list(l []string) {
	w.listLen(l)
	for _, s := range l {
		w.str(s)
	}
}
func (w *sectionWriter) listLen(l []string) {
	if l == nil {
		w.uvarint(0) // nil and empty lists are kept apart
		return
	}
	w.uvarint(uint64(len(l)) + 1)
}

// time writes t as 0 for the zero time, else nanoseconds<<1|1 and seconds.
func (w *sectionWriter) time(t time.Time) {
	if t.IsZero() {
		w.uvarint(0)
		return
	}
	w.uvarint(uint64(t.Nanosecond())<<1 | 1)
	w.varint(t.Unix())
}

// load reads the store's file. It returns an error wrapping os.ErrNotExist
// if there is no file.
func (s *Store) load() error {
	start := time.Now()
	f, err := os.Open(s.path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return err
		}
		return fmt.Errorf("filestore: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return fmt.Errorf("filestore: %w", err)
	}
	if fi.IsDir() {
		return fmt.Errorf("filestore: %s is a directory", s.path)
	}
	corrupt := func(format string, args ...any) error {
		return fmt.Errorf("filestore: %s: %w: %s", s.path, ErrCorrupt, fmt.Sprintf(format, args...))
	}
	readErr := func(what string, err error) error {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return corrupt("truncated in the %s section", what)
		}
		return fmt.Errorf("filestore: reading %s: %w", s.path, err)
	}
	size := fi.Size()
	var hb [headerSize]byte
	n, err := io.ReadFull(f, hb[:])
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return fmt.Errorf("filestore: reading %s: %w", s.path, err)
	}
	if n >= len(magic) && string(hb[:len(magic)]) != magic || n > 0 && n < len(magic) && string(hb[:n]) != magic[:n] {
		return corrupt("not a Bedside store file (bad magic number)")
	}
	if n < headerSize {
		return corrupt("truncated: %d bytes, shorter than the %d-byte header", n, headerSize)
	}
	if crc32.Checksum(hb[:60], castagnoli) != binary.LittleEndian.Uint32(hb[60:]) {
		return corrupt("header checksum mismatch")
	}
	h := decodeHeader(hb[:])
	if h.version != formatVersion {
		return fmt.Errorf("filestore: %s: format version %d is not supported (this build reads version %d)",
			s.path, h.version, formatVersion)
	}
	want := uint64(headerSize)
	for _, n := range []uint64{h.metaLen, h.vecLen, h.postLen} {
		if want+n < want {
			return corrupt("section lengths overflow")
		}
		want += n
	}
	switch {
	case uint64(size) < want:
		return corrupt("truncated: %d bytes; the header says %d", size, want)
	case uint64(size) > want:
		return corrupt("%d unexpected bytes after the end", uint64(size)-want)
	case h.vecLen%4 != 0 || h.postLen%4 != 0:
		return corrupt("section lengths are not whole words")
	}
	if s.dim != 0 && h.dim != 0 && int(h.dim) != s.dim {
		return fmt.Errorf("filestore: %s: vectors have %d dimensions; Options.Dimension is %d", s.path, h.dim, s.dim)
	}

	meta := make([]byte, h.metaLen)
	if _, err := io.ReadFull(f, meta); err != nil {
		return readErr("metadata", err)
	}
	if crc32.Checksum(meta, castagnoli) != h.metaCRC {
		return corrupt("checksum mismatch in the metadata section")
	}
	vecs := make([]float32, h.vecLen/4)
	vb := unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(vecs))), len(vecs)*4)
	if _, err := io.ReadFull(f, vb); err != nil {
		return readErr("vector", err)
	}
	if crc32.Checksum(vb, castagnoli) != h.vecCRC {
		return corrupt("checksum mismatch in the vector section")
	}
	words := make([]uint32, h.postLen/4)
	wb := unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(words))), len(words)*4)
	if _, err := io.ReadFull(f, wb); err != nil {
		return readErr("postings", err)
	}
	if crc32.Checksum(wb, castagnoli) != h.postCRC {
		return corrupt("checksum mismatch in the postings section")
	}
	if !littleEndian {
		swapWords(unsafe.Slice((*uint32)(unsafe.Pointer(unsafe.SliceData(vecs))), len(vecs)))
		swapWords(words)
	}

	tenants, err := decodeTenants(meta, vecs, words, int(h.dim))
	if err != nil {
		return corrupt("%v", err)
	}
	if h.dim != 0 {
		s.dim = int(h.dim)
	}
	s.tenants = tenants
	rows := 0
	for _, t := range tenants {
		rows += len(t.chunks)
	}
	if h.fingerprint != s.fingerprint {
		// Written with another analyzer: index the texts with this one.
		for _, t := range tenants {
			t.rebuildLexical()
		}
		s.gen = 1 // the file is stale: rewrite it on the next flush
		s.log.Info("filestore: lexical index rebuilt (the file was written with a different text analyzer)",
			"path", s.path, "chunks", rows)
	}
	s.log.Debug("filestore: loaded", "path", s.path, "bytes", size, "tenants", len(tenants),
		"chunks", rows, "duration", time.Since(start))
	return nil
}

func swapWords(v []uint32) {
	for i, x := range v {
		v[i] = bits.ReverseBytes32(x)
	}
}

// decoder reads the metadata section. Strings are not copied: they point
// into the section's buffer, which is never modified.
type decoder struct {
	b   []byte
	off int
	err error
}

func (d *decoder) fail(format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf("metadata section at byte %d: %s", d.off, fmt.Sprintf(format, args...))
	}
}

func (d *decoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	x, n := binary.Uvarint(d.b[d.off:])
	if n <= 0 {
		d.fail("bad number")
		return 0
	}
	d.off += n
	return x
}

func (d *decoder) varint() int64 {
	if d.err != nil {
		return 0
	}
	x, n := binary.Varint(d.b[d.off:])
	if n <= 0 {
		d.fail("bad number")
		return 0
	}
	d.off += n
	return x
}

func (d *decoder) int() int {
	x := d.varint()
	if x != int64(int(x)) {
		d.fail("number out of range")
	}
	return int(x)
}

// count reads a count of items that each take at least one byte.
func (d *decoder) count() int {
	x := d.uvarint()
	if x > uint64(len(d.b)-d.off) {
		d.fail("count %d exceeds the section", x)
		return 0
	}
	return int(x)
}

func (d *decoder) byte() byte {
	if d.err != nil {
		return 0
	}
	if d.off >= len(d.b) {
		d.fail("unexpected end")
		return 0
	}
	c := d.b[d.off]
	d.off++
	return c
}

func (d *decoder) u64() uint64 {
	if d.err != nil {
		return 0
	}
	if len(d.b)-d.off < 8 {
		d.fail("unexpected end")
		return 0
	}
	x := binary.LittleEndian.Uint64(d.b[d.off:])
	d.off += 8
	return x
}

func (d *decoder) str() string {
	n := d.uvarint()
	if d.err != nil {
		return ""
	}
	if n > uint64(len(d.b)-d.off) {
		d.fail("string of %d bytes exceeds the section", n)
		return ""
	}
	if n == 0 {
		return ""
	}
	s := unsafe.String(&d.b[d.off], int(n))
	d.off += int(n)
	return s
}

func (d *decoder) list() []string {
	n := d.uvarint()
	if n == 0 || d.err != nil {
		return nil
	}
	n--
	if n > uint64(len(d.b)-d.off) {
		d.fail("list of %d exceeds the section", n)
		return nil
	}
	l := make([]string, n)
	for i := range l {
		l[i] = d.str()
	}
	return l
}

func (d *decoder) time() time.Time {
	x := d.uvarint()
	if x == 0 {
		return time.Time{}
	}
	nsec := x >> 1
	if nsec >= 1e9 {
		d.fail("bad time")
		return time.Time{}
	}
	return time.Unix(d.varint(), int64(nsec)).UTC()
}

// decodeTenants rebuilds the tenants from the three sections.
func decodeTenants(meta []byte, vecs []float32, words []uint32, dim int) (map[string]*tenant, error) {
	d := &decoder{b: meta}
	nt := d.count()
	out := make(map[string]*tenant, nt)
	vecOff, wordOff := 0, 0
	for range nt {
		t, rows, nTerms, nPost := decodeTenantMeta(d)
		if d.err != nil {
			return nil, d.err
		}
		if out[t.name] != nil {
			return nil, fmt.Errorf("tenant %q appears twice", t.name)
		}
		out[t.name] = t

		nv := rows * dim
		if nv > len(vecs)-vecOff {
			return nil, fmt.Errorf("tenant %q: vector section too short", t.name)
		}
		t.vecs = vecs[vecOff : vecOff+nv : vecOff+nv]
		vecOff += nv

		need := 2*nTerms + 1 + 3*nPost
		if need > len(words)-wordOff {
			return nil, fmt.Errorf("tenant %q: postings section too short", t.name)
		}
		if err := t.attachPostings(words[wordOff:wordOff+need], nTerms, nPost); err != nil {
			return nil, fmt.Errorf("tenant %q: %w", t.name, err)
		}
		wordOff += need
	}
	switch {
	case d.off != len(meta):
		return nil, fmt.Errorf("metadata section has %d bytes left over", len(meta)-d.off)
	case vecOff != len(vecs):
		return nil, fmt.Errorf("vector section has %d values left over", len(vecs)-vecOff)
	case wordOff != len(words):
		return nil, fmt.Errorf("postings section has %d words left over", len(words)-wordOff)
	}
	return out, nil
}

func decodeTenantMeta(d *decoder) (t *tenant, rows, nTerms, nPost int) {
	t = newTenant(d.str())
	t.avgdlRef = math.Float64frombits(d.u64())
	t.nextSeq = d.uvarint()
	rows = d.count()
	nTerms = int(d.uvarint())
	nPost = int(d.uvarint())
	nv := d.count()
	if d.err != nil {
		return t, 0, 0, 0
	}
	if rows > math.MaxUint32 || nTerms > math.MaxUint32 || nPost > math.MaxUint32 {
		d.fail("counts out of range")
		return t, 0, 0, 0
	}
	t.chunks = make([]retrieval.Chunk, rows)
	t.rowVer = make([]*version, rows)
	t.dl = make([]int32, rows)
	vers := make([]version, nv)
	t.vers = make([]*version, nv)
	assigned := 0
	for i := range vers {
		v := &vers[i]
		v.seq = d.uvarint()
		m := &v.info.Metadata
		m.ID = d.str()
		m.Title = d.str()
		m.Publisher = d.str()
		m.Version = d.str()
		m.Status = guidance.Status(d.str())
		m.ApprovedBy = d.str()
		m.ApprovedAt = d.time()
		m.EffectiveFrom = d.time()
		m.ReviewDue = d.time()
		m.SupersededAt = d.time()
		m.WithdrawnAt = d.time()
		m.Jurisdiction = d.str()
		m.Specialties = d.list()
		m.Tags = d.list()
		m.Audience = d.list()
		m.SourceURL = d.str()
		m.Licence = d.str()
		v.info.Hash = d.str()
		v.info.Chunks = int(d.uvarint())
		v.info.Source = d.str()
		v.info.StoredAt = d.time()
		v.model = d.str()
		start, n := d.uvarint(), d.uvarint()
		if d.err != nil {
			return t, 0, 0, 0
		}
		if start+n > uint64(rows) || (i > 0 && v.seq <= vers[i-1].seq) || v.seq >= t.nextSeq {
			d.fail("version %s@%s is out of place", m.ID, m.Version)
			return t, 0, 0, 0
		}
		v.start, v.n = uint32(start), uint32(n)
		for r := v.start; r < v.start+v.n; r++ {
			if t.rowVer[r] != nil {
				d.fail("row %d belongs to two versions", r)
				return t, 0, 0, 0
			}
			t.rowVer[r] = v
		}
		assigned += int(n)
		t.vers[i] = v
		t.docs[m.ID] = append(t.docs[m.ID], v)
	}
	if assigned != rows {
		d.fail("%d rows belong to no version", rows-assigned)
		return t, 0, 0, 0
	}
	var prev *retrieval.Chunk
	for r := range t.chunks {
		v := t.rowVer[r]
		c := &t.chunks[r]
		flags := d.byte()
		c.ID = d.str()
		if flags&flagOwnDoc != 0 {
			c.DocumentID, c.Version = v.info.ID, v.info.Version
		} else {
			c.DocumentID, c.Version = d.str(), d.str()
		}
		c.Section = d.int()
		c.Ordinal = d.int()
		if flags&flagSameHeading != 0 && prev != nil {
			c.Heading = prev.Heading // shared; hits get copies
		} else {
			c.Heading = d.list()
		}
		c.Text = d.str()
		c.Start = d.int()
		c.End = d.int()
		c.Hash = d.str()
		c.EmbedKey = d.str()
		c.Tokens = d.int()
		if flags&flagSameContext != 0 && prev != nil {
			c.Context = prev.Context
		} else {
			c.Context = d.str()
		}
		dl := d.uvarint()
		if dl > math.MaxInt32 {
			d.fail("bad chunk length")
		}
		t.dl[r] = int32(dl)
		t.totalLen += int64(dl)
		if d.err != nil {
			return t, 0, 0, 0
		}
		prev = c
	}
	return t, rows, nTerms, nPost
}

// attachPostings points the tenant's posting lists into words: term IDs,
// offsets, (row, weight) pairs and term frequencies.
func (t *tenant) attachPostings(words []uint32, nTerms, nPost int) error {
	ids := words[:nTerms]
	offs := words[nTerms : 2*nTerms+1]
	pw := words[2*nTerms+1 : 2*nTerms+1+2*nPost]
	tfs := words[2*nTerms+1+2*nPost:]
	var ps []posting
	if nPost > 0 {
		ps = unsafe.Slice((*posting)(unsafe.Pointer(&pw[0])), nPost)
	}
	if offs[0] != 0 || offs[nTerms] != uint32(nPost) {
		return errors.New("bad posting offsets")
	}
	rows := uint32(len(t.chunks))
	for _, p := range ps {
		if p.row >= rows {
			return fmt.Errorf("posting for row %d of %d", p.row, rows)
		}
	}
	lists := make([]plist, nTerms)
	t.post = make(map[uint32]*plist, nTerms)
	for i, id := range ids {
		a, b := offs[i], offs[i+1]
		if b < a || b > uint32(nPost) || (i > 0 && id <= ids[i-1]) {
			return errors.New("bad posting offsets")
		}
		pl := &lists[i]
		pl.ps = ps[a:b:b]
		pl.tfs = tfs[a:b:b]
		pl.df = int32(b - a)
		t.post[id] = pl
	}
	return nil
}
