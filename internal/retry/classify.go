package retry

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"syscall"

	openai "github.com/sashabaranov/go-openai"
)

// Retryable reports whether err is worth retrying, in the spirit of
// pgconn.SafeToRetry:
//
//   - context cancellation and deadline errors: never;
//   - an HTTP status (from *openai.APIError, *openai.RequestError or an
//     [*Error]): as [RetryableStatus] says;
//   - a connection failure (refused, reset, closed before or while the
//     response arrived, a DNS or network timeout that is not the
//     caller's deadline): yes;
//   - anything else (a malformed response, a bad URL, a TLS certificate
//     error): no.
//
// Retryable on an [*Error] classifies its last attempt, so a caller can
// ask whether a request that exhausted its retries may succeed later.
//
// [Policy.Do] knows one thing Retryable cannot: whether the caller's ctx is
// still alive. When it is, Do also retries an attempt that failed with a
// deadline error, which can then only be a per-attempt timeout such as
// http.Client.Timeout.
func Retryable(err error) bool {
	return retryable(err, statusOf(err))
}

// RetryableStatus reports whether an HTTP status code is worth retrying:
// 408 Request Timeout, 409 Conflict, 429 Too Many Requests and the 5xx
// server errors except 501 Not Implemented and 505 HTTP Version Not
// Supported, which no retry can fix. Every other 4xx (400, 401, 403, 404,
// 422, ...) is permanent.
func RetryableStatus(code int) bool {
	switch {
	case code == http.StatusRequestTimeout, code == http.StatusConflict,
		code == http.StatusTooManyRequests:
		return true
	case code == http.StatusNotImplemented, code == http.StatusHTTPVersionNotSupported:
		return false
	default:
		return code >= 500 && code <= 599
	}
}

func retryable(err error, status int) bool {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	if status >= 400 {
		return RetryableStatus(status)
	}
	// No failure status (none arrived, or a 2xx whose body broke off):
	// judge the error itself.
	return connectionError(err)
}

// statusOf finds the HTTP status an error carries, or 0.
func statusOf(err error) int {
	var re *Error
	if errors.As(err, &re) && re.StatusCode != 0 {
		return re.StatusCode
	}
	var apiErr *openai.APIError
	if errors.As(err, &apiErr) && apiErr.HTTPStatusCode != 0 {
		return apiErr.HTTPStatusCode
	}
	var reqErr *openai.RequestError
	if errors.As(err, &reqErr) && reqErr.HTTPStatusCode != 0 {
		return reqErr.HTTPStatusCode
	}
	return 0
}

// connectionError reports whether err is a transport failure that a fresh
// attempt may not meet.
func connectionError(err error) bool {
	// *url.Error itself satisfies net.Error, so look beneath it: "unsupported
	// protocol scheme" arrives as a *url.Error too and is not transient.
	inner := err
	var ue *url.Error
	if errors.As(err, &ue) {
		inner = ue.Err
		if errors.Is(inner, io.EOF) { // server closed the connection before replying
			return true
		}
	}
	var opErr *net.OpError
	if errors.As(inner, &opErr) {
		return true
	}
	var dnsErr *net.DNSError
	if errors.As(inner, &dnsErr) {
		return dnsErr.IsTimeout || dnsErr.IsTemporary
	}
	var netErr net.Error
	if errors.As(inner, &netErr) && netErr.Timeout() { // e.g. http.Client.Timeout
		return true
	}
	for _, target := range []error{io.ErrUnexpectedEOF, syscall.ECONNRESET,
		syscall.ECONNREFUSED, syscall.ECONNABORTED, syscall.EPIPE} {
		if errors.Is(inner, target) {
			return true
		}
	}
	return false
}
