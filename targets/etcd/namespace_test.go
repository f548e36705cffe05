package etcd

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chaos-election/chaos/targets"
)

func TestRootNamesEveryKey(t *testing.T) {
	for _, c := range []struct {
		opts                             Options
		root, prefix, resource, register string
	}{
		// Root "": exactly the keys of before roots existed.
		{Options{}, "/chaos", "/chaos/election", "/chaos/resource", "/chaos/register/"},
		{Options{Root: "/staging/chaos"}, "/staging/chaos", "/staging/chaos/election", "/staging/chaos/resource", "/staging/chaos/register/"},
		{Options{Root: "/s", Prefix: "/s/e2", ResourceKey: "/s/r2"}, "/s", "/s/e2", "/s/r2", "/s/register/"},
		{Options{Prefix: "/t/x/election"}, "/chaos", "/t/x/election", "/chaos/resource", "/chaos/register/"},
	} {
		tgt := New(c.opts)
		got := []string{tgt.Root(), tgt.Prefix(), tgt.ResourceKey(), tgt.RegisterPrefix()}
		want := []string{c.root, c.prefix, c.resource, c.register}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%+v: keys %q, want %q", c.opts, got, want)
		}
		if err := tgt.Validate(); err != nil {
			t.Errorf("%+v: %v", c.opts, err)
		}
	}
	if DefaultPrefix != "/chaos/election" || DefaultResourceKey != "/chaos/resource" || DefaultRegisterPrefix != "/chaos/register/" {
		t.Error("the defaults changed")
	}
}

func TestValidate(t *testing.T) {
	for _, c := range []struct {
		opts Options
		want string
	}{
		{Options{Root: "chaos"}, "must start with /"},
		{Options{Root: "/chaos/"}, "must not end with /"},
		{Options{Root: "/"}, "must not end with /"},
		{Options{Root: "/a//b"}, "empty segment"},
		{Options{Root: "/s", Prefix: "/elsewhere/election"}, `prefix "/elsewhere/election" is not under the root "/s"`},
		{Options{Root: "/s", ResourceKey: "/sx/resource"}, `resource key "/sx/resource" is not under the root "/s"`},
		{Options{Access: targets.Access{Username: "u"}}, "a username and a password"},
		{Options{Access: targets.Access{Password: "pw-only"}}, "a username and a password"},
	} {
		err := New(c.opts).Validate()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want %q", c.opts, err, c.want)
		}
		if err != nil && strings.Contains(err.Error(), "pw-only") {
			t.Errorf("the error shows the password: %v", err)
		}
	}
}

func TestTargetPrintsNoSecret(t *testing.T) {
	tgt := New(Options{Root: "/r", Access: targets.Access{Username: "u", Password: "pw-s3cret"}})
	if s := fmt.Sprintf("%v %+v %#v %+v", tgt, tgt, tgt, *tgt); strings.Contains(s, "pw-s3cret") {
		t.Fatalf("a printed target shows the password: %s", s)
	}
	if tgt.access.Password != "pw-s3cret" {
		t.Fatal("the password was lost")
	}
}
