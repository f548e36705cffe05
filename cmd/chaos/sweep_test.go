package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const smallSweep = `name: small
base: {target: etcd, duration: 15s, recovery: 3s, resource: none}
setting:
  lease_ttl: [2s, 4s]
faults:
  none: {nemesis: {faults: []}}
  pause-2x: {nemesis: {interval: 2s, faults: [{kind: client-pause, victim: leader, duration: 2x}]}}
`

func sweepFile(t *testing.T, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "s.yaml")
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// --list runs nothing: every run of the sweep, or of its shard.
func TestSweepList(t *testing.T) {
	p := sweepFile(t, smallSweep)
	code, out, errOut := chaos(t, "sweep", "--list", "--count", "2", "--seed", "3", p)
	if code != 0 || strings.Count(out, "\n") != 8 || !strings.Contains(out, "lease_ttl-4s-pause-2x-r2") {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	code, out, errOut = chaos(t, "sweep", "--list", "--count", "2", "--seed", "3", "--shard", "2/2", p)
	if code != 0 || strings.Count(out, "\n*") != 4 || strings.Contains(out, "* 1  ") || !strings.Contains(out, "*  2  lease_ttl-2s-none-r2") ||
		!strings.Contains(out, "shard 2/2 runs the 4 runs marked * of 8") {
		t.Fatalf("shard 2/2: exit %d\n%s%s", code, out, errOut)
	}
	if _, err := os.Stat("runs"); err == nil {
		t.Error("--list made a runs directory")
	}
}

// A bad sweep file or flag exits 254 and says where.
func TestSweepBadInput(t *testing.T) {
	for _, tt := range []struct {
		name string
		text string
		args []string
		want string
	}{
		{"bad field", strings.Replace(smallSweep, "lease_ttl: [2s, 4s]", "lease_ttl: [3s, 1s]", 1), nil,
			`s.yaml:4: field "setting.lease_ttl": the values are the plots' x axis`},
		{"repeats without a seed", smallSweep, []string{"--count", "2"}, `flag --count: 2 repeats need --seed`},
		{"the file's repeats without a seed", smallSweep + "count: 3\n", nil, `s.yaml:8: field "count": 3 repeats need a seed`},
		{"a shard without a seed", smallSweep, []string{"--shard", "1/2"}, `flag --shard: 1/2 needs --seed`},
		{"a bad shard", smallSweep, []string{"--shard", "3/2", "--seed", "1"}, `flag --shard: want I/N`},
		{"a bad flag", smallSweep, []string{"--count", "many"}, `invalid argument "many"`},
	} {
		p := sweepFile(t, tt.text)
		code, out, errOut := chaos(t, append(append([]string{"sweep"}, tt.args...), p)...)
		if code != 254 || !strings.Contains(errOut, tt.want) {
			t.Errorf("%s: exit %d, want 254 and %q\n%s%s", tt.name, code, tt.want, out, errOut)
		}
	}
}
