package targets

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestNamespace(t *testing.T) {
	for _, c := range []struct {
		root, def, want string
		given           bool
	}{
		{"", "/chaos", "/chaos", false},
		{"/staging", "/chaos", "/staging", true},
		{"", "chaos", "chaos", false},
	} {
		n := NewNamespace(c.root, c.def)
		if n.Root() != c.want || n.given != c.given || n.RegisterPrefix() != c.want+"/register/" {
			t.Errorf("NewNamespace(%q, %q): root %q (given %v), register %q", c.root, c.def, n.Root(), n.given, n.RegisterPrefix())
		}
	}
	var zero Namespace
	if zero.Root() != "" || zero.given {
		t.Error("the zero namespace has a root")
	}
}

func TestValidateRoot(t *testing.T) {
	var checked []string
	ok := func(root string) error { checked = append(checked, root); return nil }
	bad := func(root string) error { return fmt.Errorf("root %q: bad", root) }
	outside := [2]string{"prefix", "/elsewhere/election"}
	inside := [2]string{"resource key", "/s/resource"}

	if errs := NewNamespace("/s", "/d").ValidateRoot("etcd", ok, inside, outside); len(errs) != 1 ||
		errs[0].Error() != `etcd prefix "/elsewhere/election" is not under the root "/s"` {
		t.Errorf("a given root, one key outside: %v", errs)
	}
	if fmt.Sprint(checked) != "[/s]" {
		t.Errorf("check called with %q, want the root", checked)
	}
	if errs := NewNamespace("/s", "/d").ValidateRoot("etcd", ok, inside); len(errs) != 0 {
		t.Errorf("a given root, keys under it: %v", errs)
	}
	// The default root: keys elsewhere were given on purpose.
	if errs := NewNamespace("", "/d").ValidateRoot("etcd", ok, outside); len(errs) != 0 {
		t.Errorf("the default root, a key elsewhere: %v", errs)
	}
	// A bad root: only its error, not one per key besides.
	errs := NewNamespace("/s/", "/d").ValidateRoot("etcd", bad, outside)
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), `root "/s/": bad`) {
		t.Errorf("a bad root: %v", errs)
	}
	if errs := NewNamespace("", "/d/").ValidateRoot("etcd", bad); len(errs) != 1 || errors.Join(errs...) == nil {
		t.Errorf("a bad default root: %v", errs)
	}
}
