package targettest

import (
	"context"
	"strings"
	"testing"

	"github.com/chaos-election/chaos/targets"
)

// Refused is an access that must not reach a secured node: Why is what
// the error of a probe with it says ("" = any error).
type Refused struct {
	Name   string
	Access targets.Access
	Why    string
}

// CheckRefused checks that the target newTarget makes with each access
// of refused fails its probe of ep with an error that says Why and shows
// none of secrets.
func CheckRefused(t *testing.T, ctx context.Context, newTarget func(targets.Access) targets.Target, ep targets.Endpoint,
	secrets []string, refused []Refused) {
	t.Helper()
	for _, c := range refused {
		err := newTarget(c.Access).Probe(ctx, ep)
		if err == nil || !strings.Contains(err.Error(), c.Why) {
			t.Errorf("probe with %s: %v, want an error saying %q", c.Name, err, c.Why)
			continue
		}
		for _, s := range secrets {
			if strings.Contains(err.Error(), s) {
				t.Errorf("probe with %s: the error shows a secret: %v", c.Name, err)
			}
		}
		t.Logf("%s: %v", c.Name, err)
	}
}
