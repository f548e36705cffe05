package zookeeper

import (
	"fmt"
	"strings"
	"testing"

	"github.com/go-zookeeper/zk"

	"github.com/chaos-election/chaos/internal/targettest"
	"github.com/chaos-election/chaos/targets"
)

func TestRootNamesEveryZnode(t *testing.T) {
	znodes := func(tgt *Target) []string {
		return []string{tgt.Root(), tgt.opts.Path, tgt.opts.ResourcePath, tgt.RegisterPath()}
	}
	targettest.CheckKeys(t, New, znodes, map[Options][]string{
		// Root "": exactly the znodes of before roots existed.
		{}:                       {"/chaos", "/chaos/election", "/chaos/resource", "/chaos/register"},
		{Root: "/staging/chaos"}: {"/staging/chaos", "/staging/chaos/election", "/staging/chaos/resource", "/staging/chaos/register"},
		{Root: "/s", Path: "/s/e2", ResourcePath: "/s/r2"}: {"/s", "/s/e2", "/s/r2", "/s/register"},
		{Path: "/t/x/election"}:                            {"/chaos", "/t/x/election", "/chaos/resource", "/chaos/register"},
	})
	if DefaultPath != "/chaos/election" || DefaultResourcePath != "/chaos/resource" || DefaultRegisterPath != "/chaos/register" {
		t.Error("the defaults changed")
	}
}

func TestValidate(t *testing.T) {
	targettest.CheckInvalid(t, New, "s3cret", map[Options]string{
		{Root: "chaos"}:                   "must start with /",
		{Root: "/chaos/"}:                 "must not end with /",
		{Root: "/"}:                       "must not end with /",
		{Root: "/a//b"}:                   "empty segment",
		{Root: "/a/./b"}:                  `relative segment "."`,
		{Root: "/a/.."}:                   `relative segment ".."`,
		{Root: "/a\x01b"}:                 "U+0001 is not allowed",
		{Root: "/a\ufff5"}:                "U+FFF5 is not allowed",
		{Root: "/zookeeper/x"}:            "/zookeeper is ZooKeeper's own",
		{Root: "/s", Path: "/elsewhere"}:  `election path "/elsewhere" is not under the root "/s"`,
		{Root: "/s", ResourcePath: "/sx"}: `resource path "/sx" is not under the root "/s"`,
		{Path: "rel"}:                     "election path: \"rel\": must start with /",
		{Access: targets.Access{Digest: "nocolon-s3cret"}}: `want "user:password"`,
		{Access: targets.Access{Digest: ":s3cret"}}:        `want "user:password"`,
	})
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
