package consul

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chaos-election/chaos/internal/targettest"
	"github.com/chaos-election/chaos/targets"
)

func TestRootNamesEveryKey(t *testing.T) {
	keys := func(tgt *Target) []string {
		return []string{tgt.Root(), tgt.opts.Key, tgt.opts.ResourceKey, tgt.RegisterPrefix()}
	}
	targettest.CheckKeys(t, New, keys, map[Options][]string{
		// Root "": exactly the keys of before roots existed.
		{}:                      {"chaos", "chaos/election/leader", "chaos/resource", "chaos/register/"},
		{Root: "staging/chaos"}: {"staging/chaos", "staging/chaos/election/leader", "staging/chaos/resource", "staging/chaos/register/"},
		{Root: "s", Key: "s/l2", ResourceKey: "s/r2"}: {"s", "s/l2", "s/r2", "s/register/"},
		{Key: "t/x/leader"}:                           {"chaos", "t/x/leader", "chaos/resource", "chaos/register/"},
	})
	if DefaultKey != "chaos/election/leader" || DefaultResourceKey != "chaos/resource" || DefaultRegisterPrefix != "chaos/register/" {
		t.Error("the defaults changed")
	}
}

func TestValidate(t *testing.T) {
	targettest.CheckInvalid(t, New, "", map[Options]string{
		{Root: "/chaos"}:                        "must not start with /",
		{Root: "chaos/"}:                        "must not end with /",
		{Root: "a//b"}:                          "empty segment",
		{Root: "a\nb"}:                          "control character",
		{Root: "s", Key: "elsewhere/leader"}:    `lock key "elsewhere/leader" is not under the root "s"`,
		{Root: "s", ResourceKey: "sx/resource"}: `resource key "sx/resource" is not under the root "s"`,
		{Behavior: "explode"}:                   `session behavior "explode"`,
	})
	tgt := New(Options{Access: targets.Access{Token: "tok-s3cret"}})
	if s := fmt.Sprintf("%v %+v %#v %+v", tgt, tgt, tgt, *tgt); strings.Contains(s, "tok-s3cret") {
		t.Fatalf("a printed target shows the token: %s", s)
	}
}
