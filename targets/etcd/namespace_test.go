package etcd

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chaos-election/chaos/internal/targettest"
	"github.com/chaos-election/chaos/targets"
)

func TestRootNamesEveryKey(t *testing.T) {
	keys := func(tgt *Target) []string {
		return []string{tgt.Root(), tgt.Prefix(), tgt.ResourceKey(), tgt.RegisterPrefix()}
	}
	targettest.CheckKeys(t, New, keys, map[Options][]string{
		// Root "": exactly the keys of before roots existed.
		{}:                       {"/chaos", "/chaos/election", "/chaos/resource", "/chaos/register/"},
		{Root: "/staging/chaos"}: {"/staging/chaos", "/staging/chaos/election", "/staging/chaos/resource", "/staging/chaos/register/"},
		{Root: "/s", Prefix: "/s/e2", ResourceKey: "/s/r2"}: {"/s", "/s/e2", "/s/r2", "/s/register/"},
		{Prefix: "/t/x/election"}:                           {"/chaos", "/t/x/election", "/chaos/resource", "/chaos/register/"},
	})
	if DefaultPrefix != "/chaos/election" || DefaultResourceKey != "/chaos/resource" || DefaultRegisterPrefix != "/chaos/register/" {
		t.Error("the defaults changed")
	}
}

func TestValidate(t *testing.T) {
	targettest.CheckInvalid(t, New, "pw-only", map[Options]string{
		{Root: "chaos"}:   "must start with /",
		{Root: "/chaos/"}: "must not end with /",
		{Root: "/"}:       "must not end with /",
		{Root: "/a//b"}:   "empty segment",
		{Root: "/s", Prefix: "/elsewhere/election"}:   `prefix "/elsewhere/election" is not under the root "/s"`,
		{Root: "/s", ResourceKey: "/sx/resource"}:     `resource key "/sx/resource" is not under the root "/s"`,
		{Access: targets.Access{Username: "u"}}:       "a username and a password",
		{Access: targets.Access{Password: "pw-only"}}: "a username and a password",
	})
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
