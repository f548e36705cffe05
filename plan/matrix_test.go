package plan

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestMatrixExpands(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "reg.yaml"), []byte("name: reg\nworkload: register\n"), 0o644)
	path := filepath.Join(dir, "m.yaml")
	os.WriteFile(path, []byte(`name: m
base:
  duration: 20s
  lease_ttl: 2s
axes:
  target: [etcd, zookeeper]
  resource: [token, none]
  faults:
    parts: {nemesis: {faults: [{kind: partition, shape: halves, duration: 5s}]}}
    pauses: {recovery: 3s, nemesis: {faults: [{kind: pause, victim: leader, duration: 5s}]}}
  register.read_mode: [""]
exclude:
  - {target: zookeeper, resource: none}
plans: [reg.yaml]
`), 0o644)
	m, err := LoadMatrix(path)
	// The empty label is no run name: that is the error, and only it.
	if es := AllErrors(err); len(es) != 1 || !strings.Contains(es[0].Error(), `m.yaml:11: field "axes.register.read_mode": label ""`) {
		t.Fatalf("errors: %v", err)
	}
	text, _ := os.ReadFile(path)
	os.WriteFile(path, []byte(strings.Replace(string(text), `  register.read_mode: [""]`+"\n", "", 1)), 0o644)
	if m, err = LoadMatrix(path); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range m.Entries {
		names = append(names, e.Plan.Name)
	}
	want := "etcd-token-parts etcd-token-pauses etcd-none-parts etcd-none-pauses zookeeper-token-parts zookeeper-token-pauses reg"
	if strings.Join(names, " ") != want {
		t.Fatalf("runs %v, want %s", names, want)
	}
	p := m.Entries[3].Plan // etcd-none-pauses
	if p.Target != "etcd" || p.Resource != "none" || p.Duration != 20*time.Second || p.Recovery != 3*time.Second ||
		p.LeaseTTL != 2*time.Second || len(p.Nemesis.Faults) != 1 || p.Nemesis.Faults[0].Kind != "pause" {
		t.Fatalf("etcd-none-pauses: %+v", p)
	}
	if m.Entries[0].Plan.Recovery != Default().Recovery {
		t.Error("one combination's fields leaked into another")
	}
	if reg := m.Entries[6].Plan; reg.Workload != "register" || reg.Duration != Default().Duration {
		t.Errorf("a plan file is taken as it is, over the default plan: %+v", reg)
	}
}

func TestMatrixErrorsNameFileLineField(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad.yaml")
	os.WriteFile(path, []byte(`name: m
axes:
  target: [etcd, mongo]
  faults:
    p: {nemesis: {faults: [{kind: partition, shape: triangle, duration: 5s}]}}
    q: {nodez: 3}
exclude:
  - {target: etc}
plans: [missing.yaml]
`), 0o644)
	_, err := LoadMatrix(path)
	var got []string
	for _, e := range AllErrors(err) {
		got = append(got, e.Error())
	}
	for _, want := range []string{
		`bad.yaml:3: field "target": unknown target "mongo"`,
		`bad.yaml:5: field "nemesis.faults[0].shape": unknown shape "triangle"`,
		`bad.yaml:6: field "nodez": unknown field`,
		`bad.yaml:8: field "exclude": axis "target" has no label "etc"`,
		`missing.yaml: read plan`,
	} {
		found := false
		for _, g := range got {
			found = found || strings.Contains(g, want)
		}
		if !found {
			t.Errorf("no error %q in:\n%s", want, strings.Join(got, "\n"))
		}
	}
	if !IsError(err) {
		t.Errorf("%v: not a plan error (exit 254)", err)
	}
	for text, want := range map[string]string{
		"axes: {target: [etcd]}\n":              `field "name": a matrix needs a name`,
		"name: m\n":                             `field "axes": the matrix has no runs`,
		"name: m\naxes: {target: [etcd, etcd]}": `label "etcd" twice`,
		"name: m\naxes: {faults: {a: 3}}":       `field "axes.faults.a": want plan fields`,
		"name: m\nkeep_goin: true\n":            `field "keep_goin": unknown field`,
	} {
		_, err := ParseMatrix("x.yaml", []byte(text))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", text, err, want)
		}
	}
}

func TestShippedMatrixLoads(t *testing.T) {
	m, err := LoadMatrix("../examples/nightly-matrix.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Entries) != 13 || m.Name != "nightly" {
		t.Fatalf("%s: %d runs", m.Name, len(m.Entries))
	}
}

// Shards compare digests: the same files give the same one; a change to
// the matrix file or to a plan file it lists gives another.
func TestMatrixDigestCoversPlanFiles(t *testing.T) {
	dir := t.TempDir()
	reg := filepath.Join(dir, "reg.yaml")
	path := filepath.Join(dir, "m.yaml")
	os.WriteFile(reg, []byte("name: reg\nworkload: register\n"), 0o644)
	os.WriteFile(path, []byte("name: m\naxes:\n  target: [etcd]\nplans: [reg.yaml]\n"), 0o644)
	digest := func() string {
		t.Helper()
		m, err := LoadMatrix(path)
		if err != nil {
			t.Fatal(err)
		}
		if len(m.Digest) != 64 {
			t.Fatalf("digest %q", m.Digest)
		}
		return m.Digest
	}
	first := digest()
	if again := digest(); again != first {
		t.Errorf("the same files: digests %s and %s", first, again)
	}
	os.WriteFile(reg, []byte("name: reg\nworkload: register\nduration: 20s\n"), 0o644)
	second := digest()
	if second == first {
		t.Error("a changed plan file kept the digest")
	}
	os.WriteFile(path, []byte("name: m\naxes:\n  target: [etcd, consul]\nplans: [reg.yaml]\n"), 0o644)
	if digest() == second {
		t.Error("a changed matrix file kept the digest")
	}
}
