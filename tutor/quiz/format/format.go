package format

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/bedside-ai/bedside/tutor/quiz"
)

// Format names a question-bank file format.
type Format string

// The formats. Every one can be encoded; [Format.CanDecode] tells which can
// be decoded.
const (
	// MoodleXML is Moodle's question import/export XML (.xml).
	MoodleXML Format = "moodle"
	// GIFT is Moodle's plain-text GIFT format (.gift, .txt).
	GIFT Format = "gift"
	// Aiken is the one-question-per-block single-answer format (.aiken).
	Aiken Format = "aiken"
	// QTI21 is an IMS QTI 2.1 content package: a zip holding imsmanifest.xml
	// and one assessmentItem file per item (.zip). Encode only.
	QTI21 Format = "qti21"
	// QTI30 is a 1EdTech QTI 3.0 content package, laid out like QTI21 with
	// the QTI 3.0 element names (.zip). Encode only.
	QTI30 Format = "qti30"
	// CSV is one row per item, for spreadsheets (.csv).
	CSV Format = "csv"
	// JSON is Bedside's own lossless bank format (.json).
	JSON Format = "json"
)

// Formats lists every format, in the order above.
var Formats = []Format{MoodleXML, GIFT, Aiken, QTI21, QTI30, CSV, JSON}

// Valid reports whether f is one of [Formats].
func (f Format) Valid() bool {
	switch f {
	case MoodleXML, GIFT, Aiken, QTI21, QTI30, CSV, JSON:
		return true
	}
	return false
}

// CanDecode reports whether [Decode] reads f. The QTI packages are written
// only.
func (f Format) CanDecode() bool {
	switch f {
	case MoodleXML, GIFT, Aiken, CSV, JSON:
		return true
	}
	return false
}

// Extension returns the usual file name extension for f, with its dot.
func (f Format) Extension() string {
	switch f {
	case MoodleXML:
		return ".xml"
	case GIFT:
		return ".gift"
	case Aiken:
		return ".aiken"
	case QTI21, QTI30:
		return ".zip"
	case CSV:
		return ".csv"
	case JSON:
		return ".json"
	}
	return ""
}

// delivery reports whether f is read by a learning platform, so that items
// carrying error findings are held back (see [EncodeOptions.AllowErrors]).
func (f Format) delivery() bool {
	switch f {
	case MoodleXML, GIFT, Aiken, QTI21, QTI30:
		return true
	}
	return false
}

// FormatFor picks the format from a file name's extension: .xml (Moodle),
// .gift, .aiken, .zip (QTI 2.1), .csv and .json. A name that does not say
// which format it holds (such as .txt, used by both GIFT and Aiken) is an
// error wrapping [ErrUnknownFormat]. A name may also end in
// ".<format>.<ext>", such as "bank.qti30.zip" or "bank.aiken.txt", to choose
// a format explicitly.
func FormatFor(filename string) (Format, error) {
	base := strings.ToLower(filepath.Base(filename))
	ext := filepath.Ext(base)
	if inner := filepath.Ext(strings.TrimSuffix(base, ext)); inner != "" {
		if f := Format(inner[1:]); f.Valid() {
			return f, nil
		}
	}
	switch ext {
	case ".xml":
		return MoodleXML, nil
	case ".gift":
		return GIFT, nil
	case ".aiken":
		return Aiken, nil
	case ".zip":
		return QTI21, nil
	case ".csv":
		return CSV, nil
	case ".json":
		return JSON, nil
	}
	return "", fmt.Errorf("format: %q: %w (want .xml, .gift, .aiken, .zip, .csv or .json, or name the format as in bank.gift.txt)", filename, ErrUnknownFormat)
}

// EncodeOptions tune [EncodeWith]. The zero value is strict and uses the
// defaults documented on each field.
type EncodeOptions struct {
	// SkipUnsupported leaves out the items the format cannot carry and
	// lists them in [Result.Skipped]. When false (the default) such items
	// make EncodeWith fail with an [*UnsupportedError] listing every one of
	// them, and nothing is written.
	SkipUnsupported bool
	// AllowErrors exports items that carry findings of severity
	// [quiz.Error] to the formats a learning platform reads (Moodle XML,
	// GIFT, Aiken, QTI). By default such items are not supported there, so
	// a flawed item never reaches learners unnoticed; JSON and CSV, the
	// working formats, always carry them.
	AllowErrors bool
	// AikenLabel is the character after each Aiken option letter: ')'
	// (the default, as Moodle writes) or '.'. Any other value is an error.
	AikenLabel rune
}

// DecodeOptions tune [DecodeWith]. The zero value is strict.
type DecodeOptions struct {
	// SkipUnsupported leaves out questions of a kind Bedside does not model
	// (such as Moodle essay, matching or numerical questions) and lists them
	// in [Result.Skipped]. When false (the default) such questions make
	// DecodeWith fail with an [*UnsupportedError] listing every one of them.
	// Malformed input is always an error.
	SkipUnsupported bool
}

// Result reports what [EncodeWith] wrote or [DecodeWith] read.
type Result struct {
	// Items is the number of items written or read.
	Items int
	// Skipped lists the items that were left out, with the reason.
	Skipped []Skip
}

// A Skip is one item left out of an encoding, or one question left out of a
// decoding, and why.
type Skip struct {
	// Index is the item's position in the bank (encoding) or the question's
	// position among the questions of the input (decoding), from 0.
	Index int
	// ID is the item's ID (encoding) or the question's ID number or name
	// (decoding), if it has one.
	ID string
	// Line is where the question starts in the input (decoding GIFT, Aiken
	// and Moodle XML), from 1; 0 if not known.
	Line int
	// Reason says why, for the educator.
	Reason string
}

func (s Skip) String() string {
	var b strings.Builder
	if s.Line > 0 {
		fmt.Fprintf(&b, "line %d: ", s.Line)
	}
	fmt.Fprintf(&b, "item %d", s.Index+1)
	if s.ID != "" {
		fmt.Fprintf(&b, " (%s)", s.ID)
	}
	b.WriteString(": ")
	b.WriteString(s.Reason)
	return b.String()
}

// Encode writes b to w in format f. It is [EncodeWith] with zero options:
// an item the format cannot carry is an [*UnsupportedError] and nothing is
// written.
func Encode(w io.Writer, f Format, b quiz.Bank) error {
	_, err := EncodeWith(w, f, b, EncodeOptions{})
	return err
}

// EncodeWith writes b to w in format f. Items the format cannot carry are
// never dropped silently: they are an [*UnsupportedError] (and nothing is
// written), or with opts.SkipUnsupported they are listed in the result's
// Skipped. QTI formats write a zip archive.
func EncodeWith(w io.Writer, f Format, b quiz.Bank, opts EncodeOptions) (Result, error) {
	if !f.Valid() {
		return Result{}, fmt.Errorf("format: %q: %w", string(f), ErrUnknownFormat)
	}
	if opts.AikenLabel != 0 && opts.AikenLabel != ')' && opts.AikenLabel != '.' {
		return Result{}, fmt.Errorf("format: aiken label %q: want ')' or '.'", opts.AikenLabel)
	}
	var res Result
	keep := make([]int, 0, len(b.Items))
	seen := make(map[string]bool)
	for i := range b.Items {
		it := &b.Items[i]
		reason := unsupported(f, it, opts)
		if reason == "" && f.delivery() && it.ID != "" {
			if seen[it.ID] {
				reason = "another item has the same ID"
			}
			seen[it.ID] = true
		}
		if reason != "" {
			res.Skipped = append(res.Skipped, Skip{Index: i, ID: it.ID, Reason: reason})
			continue
		}
		keep = append(keep, i)
	}
	if len(res.Skipped) > 0 && !opts.SkipUnsupported {
		return Result{}, &UnsupportedError{Format: f, Op: "encode", Skipped: res.Skipped}
	}
	if reason := unsupportedBank(f, b); reason != "" {
		return Result{}, fmt.Errorf("format: %s: bank: %s", f, reason)
	}
	items := make([]quiz.Item, len(keep))
	for i, k := range keep {
		items[i] = b.Items[k]
	}
	sub := quiz.Bank{Name: b.Name, Items: items}

	// Encode into memory first so that a failure leaves w untouched.
	var buf bytes.Buffer
	var err error
	switch f {
	case MoodleXML:
		err = encodeMoodle(&buf, sub)
	case GIFT:
		err = encodeGIFT(&buf, sub)
	case Aiken:
		label := opts.AikenLabel
		if label == 0 {
			label = ')'
		}
		err = encodeAiken(&buf, sub, label)
	case QTI21:
		err = encodeQTI(&buf, sub, qti21)
	case QTI30:
		err = encodeQTI(&buf, sub, qti30)
	case CSV:
		err = encodeCSV(&buf, sub)
	case JSON:
		err = encodeJSON(&buf, sub)
	}
	if err != nil {
		return Result{}, fmt.Errorf("format: %s: %w", f, err)
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return Result{}, fmt.Errorf("format: %s: write: %w", f, err)
	}
	res.Items = len(items)
	return res, nil
}

// Decode reads a bank in format f from r. It is [DecodeWith] with zero
// options: a question of a kind Bedside does not model is an
// [*UnsupportedError]. Malformed input is a [*SyntaxError] naming the line
// (GIFT, Aiken, CSV, JSON) or the element and line (Moodle XML).
//
// Decode leaves the fields a format does not carry at their zero values;
// the caller stamps them (for example Generator "imported" and Created).
func Decode(r io.Reader, f Format) (quiz.Bank, error) {
	b, _, err := DecodeWith(r, f, DecodeOptions{})
	return b, err
}

// DecodeWith reads a bank in format f from r. See [Decode].
func DecodeWith(r io.Reader, f Format, opts DecodeOptions) (quiz.Bank, Result, error) {
	if !f.Valid() {
		return quiz.Bank{}, Result{}, fmt.Errorf("format: %q: %w", string(f), ErrUnknownFormat)
	}
	if !f.CanDecode() {
		return quiz.Bank{}, Result{}, fmt.Errorf("format: %s: %w", f, ErrEncodeOnly)
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return quiz.Bank{}, Result{}, fmt.Errorf("format: %s: read: %w", f, err)
	}
	// Drop a UTF-8 byte order mark. XML declares its own encoding; the
	// other formats must be UTF-8.
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	if f != MoodleXML {
		if err := checkUTF8(f, data); err != nil {
			return quiz.Bank{}, Result{}, err
		}
	}
	var d decoded
	switch f {
	case MoodleXML:
		d, err = decodeMoodle(data)
	case GIFT:
		d, err = decodeGIFT(data)
	case Aiken:
		d, err = decodeAiken(data)
	case CSV:
		d, err = decodeCSV(data)
	case JSON:
		d, err = decodeJSON(data)
	}
	if err != nil {
		return quiz.Bank{}, Result{}, err
	}
	res := Result{Items: len(d.bank.Items), Skipped: d.skipped}
	if len(d.skipped) > 0 && !opts.SkipUnsupported {
		return quiz.Bank{}, Result{}, &UnsupportedError{Format: f, Op: "decode", Skipped: d.skipped}
	}
	return d.bank, res, nil
}

// checkUTF8 reports the first line of data that is not valid UTF-8.
func checkUTF8(f Format, data []byte) error {
	if utf8.Valid(data) {
		return nil
	}
	for i := 0; i < len(data); {
		r, n := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && n <= 1 {
			return &SyntaxError{Format: f, Line: lineAt(data, int64(i)), Msg: fmt.Sprintf("byte 0x%02x is not valid UTF-8", data[i])}
		}
		i += n
	}
	return nil
}

// decoded is what a format's decoder returns: the bank and the questions it
// read but could not model.
type decoded struct {
	bank    quiz.Bank
	skipped []Skip
}
