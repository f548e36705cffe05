package consul

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chaos-election/chaos/targets"
)

func TestRootNamesEveryKey(t *testing.T) {
	for _, c := range []struct {
		opts                          Options
		root, key, resource, register string
	}{
		// Root "": exactly the keys of before roots existed.
		{Options{}, "chaos", "chaos/election/leader", "chaos/resource", "chaos/register/"},
		{Options{Root: "staging/chaos"}, "staging/chaos", "staging/chaos/election/leader", "staging/chaos/resource", "staging/chaos/register/"},
		{Options{Root: "s", Key: "s/l2", ResourceKey: "s/r2"}, "s", "s/l2", "s/r2", "s/register/"},
		{Options{Key: "t/x/leader"}, "chaos", "t/x/leader", "chaos/resource", "chaos/register/"},
	} {
		tgt := New(c.opts)
		got := []string{tgt.Root(), tgt.opts.Key, tgt.opts.ResourceKey, tgt.RegisterPrefix()}
		want := []string{c.root, c.key, c.resource, c.register}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%+v: keys %q, want %q", c.opts, got, want)
		}
		if err := tgt.Validate(); err != nil {
			t.Errorf("%+v: %v", c.opts, err)
		}
	}
	if DefaultKey != "chaos/election/leader" || DefaultResourceKey != "chaos/resource" || DefaultRegisterPrefix != "chaos/register/" {
		t.Error("the defaults changed")
	}
}

func TestValidate(t *testing.T) {
	for _, c := range []struct {
		opts Options
		want string
	}{
		{Options{Root: "/chaos"}, "must not start with /"},
		{Options{Root: "chaos/"}, "must not end with /"},
		{Options{Root: "a//b"}, "empty segment"},
		{Options{Root: "a\nb"}, "control character"},
		{Options{Root: "s", Key: "elsewhere/leader"}, `lock key "elsewhere/leader" is not under the root "s"`},
		{Options{Root: "s", ResourceKey: "sx/resource"}, `resource key "sx/resource" is not under the root "s"`},
		{Options{Behavior: "explode"}, `session behavior "explode"`},
	} {
		err := New(c.opts).Validate()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want %q", c.opts, err, c.want)
		}
	}
	tgt := New(Options{Access: targets.Access{Token: "tok-s3cret"}})
	if s := fmt.Sprintf("%v %+v %#v %+v", tgt, tgt, tgt, *tgt); strings.Contains(s, "tok-s3cret") {
		t.Fatalf("a printed target shows the token: %s", s)
	}
}
