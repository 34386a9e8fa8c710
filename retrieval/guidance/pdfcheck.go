package guidance

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/ledongthuc/pdf"
)

// The PDF library recovers from most malformed input by panicking (which
// parsePDF turns into an error), but a few inputs make it loop forever or
// allocate without bound. These checks reject those inputs first.

// checkPDFStructure rejects a PDF whose cross-reference sections loop
// through /Prev, or which declares far more objects than its size allows
// (the library would allocate a table for them all).
func checkPDFStructure(data []byte) error {
	maxObjects := int64(len(data)) + 1<<16
	for rest, off := data, 0; ; {
		i := bytes.Index(rest, []byte("/Size"))
		if i < 0 {
			break
		}
		if n, ok := intAfter(rest[i+len("/Size"):]); ok && (n < 0 || n > maxObjects) {
			return fmt.Errorf("implausible /Size %d at byte %d", n, off+i)
		}
		rest, off = rest[i+1:], off+i+1
	}
	// The /Index arrays of cross-reference streams hold "start count" pairs.
	for i := 0; ; {
		j := bytes.Index(data[i:], []byte("/Index"))
		if j < 0 {
			break
		}
		i += j + len("/Index")
		tok, pos := pdfToken(data, i)
		if string(tok) != "[" {
			continue
		}
		for {
			var a, b []byte
			a, pos = pdfToken(data, pos)
			b, pos = pdfToken(data, pos)
			start, err1 := strconv.ParseInt(string(a), 10, 64)
			count, err2 := strconv.ParseInt(string(b), 10, 64)
			if err1 != nil || err2 != nil {
				break
			}
			if start < 0 || count < 0 || start+count > maxObjects {
				return fmt.Errorf("implausible cross-reference index %d %d", start, count)
			}
		}
	}
	// The /Prev chain from the last startxref must not loop.
	i := bytes.LastIndex(data, []byte("startxref"))
	if i < 0 {
		return nil // the library reports this
	}
	off, ok := intAfter(data[i+len("startxref"):])
	visited := map[int64]bool{}
	for ok && off >= 0 && off < int64(len(data)) {
		if visited[off] || len(visited) > 1<<16 {
			return errors.New("malformed PDF: cross-reference sections loop through /Prev")
		}
		visited[off] = true
		if err := checkXrefTable(data, int(off), maxObjects); err != nil {
			return err
		}
		section := data[off:]
		if end := bytes.Index(section, []byte("startxref")); end >= 0 {
			section = section[:end]
		}
		p := bytes.Index(section, []byte("/Prev"))
		if p < 0 {
			break
		}
		off, ok = intAfter(section[p+len("/Prev"):])
	}
	return nil
}

// checkXrefTable checks the "start count" subsection headers of the
// cross-reference table at off, if there is one there.
func checkXrefTable(data []byte, off int, maxObjects int64) error {
	tok, pos := pdfToken(data, off)
	if string(tok) != "xref" {
		return nil
	}
	for sections := 0; sections < 1<<16; sections++ {
		var startTok, countTok []byte
		startTok, pos = pdfToken(data, pos)
		countTok, pos = pdfToken(data, pos)
		start, err1 := strconv.ParseInt(string(startTok), 10, 64)
		count, err2 := strconv.ParseInt(string(countTok), 10, 64)
		if err1 != nil || err2 != nil {
			return nil
		}
		if start < 0 || count < 0 || start+count > maxObjects {
			return fmt.Errorf("implausible cross-reference section %d %d", start, count)
		}
		for k := int64(0); k < 3*count && pos < len(data); k++ {
			_, pos = pdfToken(data, pos)
		}
	}
	return nil
}

func isPDFSpace(c byte) bool {
	switch c {
	case 0, '\t', '\n', '\f', '\r', ' ':
		return true
	}
	return false
}

func isPDFDelim(c byte) bool {
	switch c {
	case '(', ')', '<', '>', '[', ']', '{', '}', '/', '%':
		return true
	}
	return false
}

// pdfToken returns the token of data starting at or after pos (skipping
// white space), and the position after it: a run of regular characters, or
// one delimiter.
func pdfToken(data []byte, pos int) ([]byte, int) {
	for pos < len(data) && isPDFSpace(data[pos]) {
		pos++
	}
	start := pos
	if pos < len(data) && isPDFDelim(data[pos]) {
		return data[pos : pos+1], pos + 1
	}
	for pos < len(data) && !isPDFSpace(data[pos]) && !isPDFDelim(data[pos]) {
		pos++
	}
	return data[start:pos], pos
}

// intAfter parses the integer after optional white space at the start of b.
func intAfter(b []byte) (int64, bool) {
	b = bytes.TrimLeft(b, " \t\r\n\f\x00")
	n := 0
	for n < len(b) && n < 19 && (b[n] >= '0' && b[n] <= '9' || n == 0 && b[n] == '-') {
		n++
	}
	v, err := strconv.ParseInt(string(b[:n]), 10, 64)
	return v, err == nil
}

// checkStream rejects a content or CMap stream (or array of streams) in
// which a hex string "<..." is never closed: the library's lexer loops
// forever on one. It reads the stream once, in constant memory.
func checkStream(v pdf.Value) error {
	var rd io.Reader
	if v.Kind() == pdf.Array {
		readers := make([]io.Reader, 0, v.Len())
		for i := 0; i < v.Len(); i++ {
			readers = append(readers, v.Index(i).Reader())
		}
		rd = io.MultiReader(readers...)
	} else {
		rd = v.Reader()
	}
	r := bufio.NewReaderSize(rd, 32<<10)
	const (
		normal = iota
		comment
		literal
		hex
	)
	state, depth := normal, 0
	for {
		c, err := r.ReadByte()
		if err == io.EOF {
			break
		} else if err != nil {
			return nil // the library reports read errors
		}
		switch state {
		case normal:
			switch c {
			case '%':
				state = comment
			case '(':
				state, depth = literal, 1
			case '<':
				if next, err := r.ReadByte(); err == nil && next != '<' {
					r.UnreadByte()
					state = hex
				} else if err == io.EOF {
					state = hex
				}
			}
		case comment:
			if c == '\r' || c == '\n' {
				state = normal
			}
		case literal:
			switch c {
			case '\\':
				r.ReadByte()
			case '(':
				depth++
			case ')':
				if depth--; depth == 0 {
					state = normal
				}
			}
		case hex:
			if c == '>' {
				state = normal
			}
		}
	}
	if state == hex {
		return errors.New("unterminated hex string in content stream")
	}
	return nil
}
