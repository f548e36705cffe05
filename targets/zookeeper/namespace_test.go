package zookeeper

import (
	"fmt"
	"strings"
	"testing"

	"github.com/go-zookeeper/zk"

	"github.com/chaos-election/chaos/targets"
)

func TestRootNamesEveryZnode(t *testing.T) {
	for _, c := range []struct {
		opts                           Options
		root, path, resource, register string
	}{
		// Root "": exactly the znodes of before roots existed.
		{Options{}, "/chaos", "/chaos/election", "/chaos/resource", "/chaos/register"},
		{Options{Root: "/staging/chaos"}, "/staging/chaos", "/staging/chaos/election", "/staging/chaos/resource", "/staging/chaos/register"},
		{Options{Root: "/s", Path: "/s/e2", ResourcePath: "/s/r2"}, "/s", "/s/e2", "/s/r2", "/s/register"},
		{Options{Path: "/t/x/election"}, "/chaos", "/t/x/election", "/chaos/resource", "/chaos/register"},
	} {
		tgt := New(c.opts)
		got := []string{tgt.Root(), tgt.opts.Path, tgt.opts.ResourcePath, tgt.RegisterPath()}
		want := []string{c.root, c.path, c.resource, c.register}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%+v: znodes %q, want %q", c.opts, got, want)
		}
		if err := tgt.Validate(); err != nil {
			t.Errorf("%+v: %v", c.opts, err)
		}
	}
	if DefaultPath != "/chaos/election" || DefaultResourcePath != "/chaos/resource" || DefaultRegisterPath != "/chaos/register" {
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
		{Options{Root: "/a/./b"}, `relative segment "."`},
		{Options{Root: "/a/.."}, `relative segment ".."`},
		{Options{Root: "/a\x01b"}, "U+0001 is not allowed"},
		{Options{Root: "/a\ufff5"}, "U+FFF5 is not allowed"},
		{Options{Root: "/zookeeper/x"}, "/zookeeper is ZooKeeper's own"},
		{Options{Root: "/s", Path: "/elsewhere"}, `election path "/elsewhere" is not under the root "/s"`},
		{Options{Root: "/s", ResourcePath: "/sx"}, `resource path "/sx" is not under the root "/s"`},
		{Options{Path: "rel"}, "election path: \"rel\": must start with /"},
		{Options{Access: targets.Access{Digest: "nocolon-s3cret"}}, `want "user:password"`},
		{Options{Access: targets.Access{Digest: ":s3cret"}}, `want "user:password"`},
	} {
		err := New(c.opts).Validate()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want %q", c.opts, err, c.want)
		}
		if err != nil && strings.Contains(err.Error(), "s3cret") {
			t.Errorf("the error shows the digest: %v", err)
		}
	}
	for _, ok := range []string{"/a", "/a/b-c_d.e", "/zookeeperx", "/a/...", "/ünïcode"} {
		if err := checkPath(ok); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
}

func TestACL(t *testing.T) {
	if got := New(Options{}).acl(); fmt.Sprint(got) != fmt.Sprint(zk.WorldACL(zk.PermAll)) {
		t.Errorf("without a digest: %v", got)
	}
	tgt := New(Options{Access: targets.Access{Digest: "harness:pw-s3cret"}})
	got := tgt.acl()
	if len(got) != 1 || got[0].Scheme != "digest" || !strings.HasPrefix(got[0].ID, "harness:") ||
		fmt.Sprint(got) != fmt.Sprint(zk.DigestACL(zk.PermAll, "harness", "pw-s3cret")) {
		t.Errorf("with a digest: %v", got)
	}
	if s := fmt.Sprintf("%v %+v %#v %+v", tgt, tgt, tgt, *tgt); strings.Contains(s, "pw-s3cret") {
		t.Fatalf("a printed target shows the password: %s", s)
	}
}
