package targettest

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
)

// Validator is a target whose options can be checked.
type Validator interface {
	Validate() error
}

// CheckKeys checks, without a cluster, that the target newTarget makes of
// each options in want names the keys (znodes) want gives them, as keys
// lists them, and that the options validate.
func CheckKeys[O comparable, T Validator](t *testing.T, newTarget func(O) T, keys func(T) []string, want map[O][]string) {
	t.Helper()
	for _, opts := range sorted(want) {
		tgt := newTarget(opts)
		if got := keys(tgt); fmt.Sprint(got) != fmt.Sprint(want[opts]) {
			t.Errorf("%+v: keys %q, want %q", opts, got, want[opts])
		}
		if err := tgt.Validate(); err != nil {
			t.Errorf("%+v: %v", opts, err)
		}
	}
}

// CheckInvalid checks, without a cluster, that the target newTarget makes
// of each options in want fails Validate with an error that says what
// want gives them and, when secret is not "", does not show secret.
func CheckInvalid[O comparable, T Validator](t *testing.T, newTarget func(O) T, secret string, want map[O]string) {
	t.Helper()
	for _, opts := range sorted(want) {
		err := newTarget(opts).Validate()
		if err == nil || !strings.Contains(err.Error(), want[opts]) {
			t.Errorf("%+v: %v, want %q", opts, err, want[opts])
		}
		if secret != "" && err != nil && strings.Contains(err.Error(), secret) {
			t.Errorf("the error shows a secret: %v", err)
		}
	}
}

// sorted returns the keys of m in the order of their printed form, so
// that a test reports its cases in the same order every time.
func sorted[O comparable, V any](m map[O]V) []O {
	return slices.SortedFunc(maps.Keys(m), func(a, b O) int {
		return strings.Compare(fmt.Sprintf("%+v", a), fmt.Sprintf("%+v", b))
	})
}
