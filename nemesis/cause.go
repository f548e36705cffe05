package nemesis

import (
	"context"
	"errors"
	"os"
	"regexp"
	"strings"
)

// plainCause says in a few plain words why err happened: "timed out" for
// a deadline, "interrupted" for a cancellation, else the innermost
// error's own words (the root cause, without the contexts wrapped around
// it), without URLs, on one line.
func plainCause(err error) string {
	if err == nil {
		return "failed"
	}
	var timeout interface{ Timeout() bool }
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded),
		errors.As(err, &timeout) && timeout.Timeout():
		return "timed out"
	case errors.Is(err, context.Canceled):
		return "interrupted"
	}
	// Some errors reach here as text only (a sidecar's message, a
	// library that formats instead of wrapping).
	raw := err.Error()
	switch {
	case strings.Contains(raw, "context deadline exceeded"), strings.Contains(raw, "Client.Timeout exceeded"):
		return "timed out"
	case strings.Contains(raw, "context canceled"):
		return "interrupted"
	}
	s := innermost(err).Error()
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	s = requestPrefix.ReplaceAllString(s, "")
	s = anyURL.ReplaceAllString(s, "its address")
	s = strings.Join(strings.Fields(s), " ")
	if s == "" {
		return "failed"
	}
	return s
}

var (
	// requestPrefix is how net/http names a request that failed:
	// `Post "http://%2Fvar%2Frun%2Fdocker.sock/v1.47/containers/create": `.
	requestPrefix = regexp.MustCompile(`\b(?:GET|HEAD|POST|PUT|PATCH|DELETE|Get|Head|Post|Put|Patch|Delete) "[^"]*":\s*`)
	// anyURL is a URL in running text, without the punctuation after it.
	anyURL = regexp.MustCompile(`\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\s"'<>]*[^\s"'<>.,;:)]`)
)

// innermost follows err's wrapped errors down to the root cause, the
// first of joined ones: through every error that only adds context to
// the one it wraps (its message ends with the wrapped one's, as
// fmt.Errorf("context: %w") makes it), stopping at one that says
// something else in its own words ("Cannot connect to the Docker
// daemon…").
func innermost(err error) error {
	for {
		var next error
		joined := false
		switch u := err.(type) {
		case interface{ Unwrap() []error }:
			if es := u.Unwrap(); len(es) > 0 {
				next, joined = es[0], true
			}
		case interface{ Unwrap() error }:
			next = u.Unwrap()
		}
		if next == nil || (!joined && !strings.HasSuffix(err.Error(), next.Error())) {
			return err
		}
		err = next
	}
}
