package runner

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chaos-election/chaos/plan"
	"github.com/chaos-election/chaos/targets"
)

// The dry run of an external plan says where each secret comes from and
// never shows one.
func TestDryRunHidesSecrets(t *testing.T) {
	t.Setenv("CHAOS_T_PW", "pw-456")
	t.Setenv("CHAOS_T_TOKEN", "tok-123")
	path := filepath.Join(t.TempDir(), "staging.yaml")
	text := "cluster: external\ntarget: consul\nnemesis: {faults: [{kind: client-pause, victim: leader, duration: 5s}]}\n" +
		"external:\n  nodes: [{endpoint: \"a:1\"}, {endpoint: \"b:1\"}, {endpoint: \"c:1\"}]\n" +
		"  auth: {username: root, password_env: CHAOS_T_PW, token_env: CHAOS_T_TOKEN}\n"
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := plan.Load(path, plan.Default())
	if err != nil {
		t.Fatal(err)
	}
	a, err := p.LoadAccess()
	if err != nil {
		t.Fatal(err)
	}
	tgt, err := p.NewTarget(a)
	if err != nil {
		t.Fatal(err)
	}
	var dry bytes.Buffer
	if err := WriteDryRun(&dry, "runs", p, tgt); err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"pw-456", "tok-123"} {
		if strings.Contains(dry.String(), secret) {
			t.Errorf("the dry run shows %s:\n%s", secret, dry.String())
		}
	}
	for _, want := range []string{"password from $CHAOS_T_PW", "ACL token from $CHAOS_T_TOKEN", "n3  c:1", "client-pause of leader"} {
		if !strings.Contains(dry.String(), want) {
			t.Errorf("the dry run lacks %q:\n%s", want, dry.String())
		}
	}
}

// A compose plan's dry run says what it would start, and how each fault
// is made.
func TestDryRunCompose(t *testing.T) {
	var b bytes.Buffer
	p := plan.Default()
	tgt, err := p.NewTarget(targets.Access{})
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteDryRun(&b, "runs", p, tgt); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"3 etcd containers started in Docker", "partition isolate-leader for 8s: the network agent under each node", "pause of leader for 8s: docker pause", "each talking only to its own node, directly"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("dry run lacks %q:\n%s", want, b.String())
		}
	}
}
