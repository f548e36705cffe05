//go:build !nokube

package kubernetes

import (
	"testing"

	"k8s.io/apimachinery/pkg/util/validation"
)

// Every process's tenure label is a label value the API server accepts:
// a process after its node's first ("n2#2", after a retirement or a
// client-kill) too, which it once refused ("n2#2.1": '#' is not allowed),
// so that such a process could never take the Lease.
func TestTenureLabelIsALabelValue(t *testing.T) {
	for id, want := range map[string]string{"n1": "n1.3", "n2#2": "n2_2.3", "n10#14": "n10_14.3"} {
		got := tenureLabel(id, 3)
		if got != want {
			t.Errorf("tenureLabel(%q, 3) = %q, want %q", id, got, want)
		}
		if errs := validation.IsValidLabelValue(got); len(errs) > 0 {
			t.Errorf("tenureLabel(%q) = %q: %v", id, got, errs)
		}
	}
	if tenureLabel("n2#2", 1) == tenureLabel("n2", 1) {
		t.Error("two processes of a node share a tenure label")
	}
}
