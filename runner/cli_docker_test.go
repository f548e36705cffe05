//go:build docker

package runner

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Acceptance 4: SIGINT in the middle of a partition heals, removes every
// container and network, still writes the verdict, and exits 130.
func TestSIGINTMidPartitionCleansUp(t *testing.T) { forEachTarget(t, testSIGINTMidPartitionCleansUp) }

func testSIGINTMidPartitionCleansUp(t *testing.T, target string) {
	dir := t.TempDir()
	pl := filepath.Join(dir, "plan.yaml")
	os.WriteFile(pl, []byte(`name: sigint
target: `+target+`
duration: 2m
lease_ttl: 2s
nemesis:
  interval: 1s
  faults:
    - {kind: partition, shape: halves, duration: 1m}
`), 0o644)
	cmd := exec.Command(chaosBin, "run", "--config", pl, "--runs", dir)
	var stderr, stdout bytes.Buffer
	cmd.Stderr, cmd.Stdout = &stderr, &stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	history := filepath.Join(dir, "latest", HistoryFile)
	waitForFault(t, cmd, history, "partition", 90*time.Second, &stderr)
	start := time.Now()
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	code := cmd.ProcessState.ExitCode()
	t.Logf("exited %d (%v) %.1f s after SIGINT", code, err, time.Since(start).Seconds())
	if code != ExitInterrupted || !strings.Contains(stderr.String(), "interrupted during the faults") {
		t.Fatalf("interrupted run exited %d, want %d and the stage:\n%s", code, ExitInterrupted, stderr.String())
	}
	b, _ := os.ReadFile(history)
	if !bytes.Contains(b, []byte(`"f":"fault-heal","value":{"fault":"partition"`)) {
		t.Fatalf("the partition's heal was not recorded:\n%s", b)
	}
	if _, err := os.Stat(filepath.Join(dir, "latest", ResultsFile)); err != nil {
		t.Fatalf("no results after SIGINT: %v", err)
	}
	assertRunsLeftNothing(t, stderr.String())
}

// waitForFault waits until the history of the run cmd is doing records a
// fault of kind in effect; it kills the run and fails after timeout.
func waitForFault(t *testing.T, cmd *exec.Cmd, history, kind string, timeout time.Duration, stderr fmt.Stringer) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		b, _ := os.ReadFile(history)
		for line := range bytes.Lines(b) { // a start's keys are in alphabetical order: "delay" before "fault"
			if bytes.Contains(line, []byte(`"f":"fault-start"`)) && bytes.Contains(line, []byte(`"fault":"`+kind+`"`)) {
				return
			}
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("no %s in effect after %s:\n%s", kind, timeout, stderr.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Acceptance 5: bad plans exit 254 naming file:line and start nothing;
// Docker unreachable exits 255 with a clear message.
func TestBadPlansStartNothing(t *testing.T) {
	dir := t.TempDir()
	plans := map[string]struct{ text, want string }{
		"unknown-field.yaml": {"name: x\nnodez: 3\n", `unknown-field.yaml:2: field "nodez"`},
		"negative.yaml":      {"name: x\nduration: -5s\n", `negative.yaml:2: field "duration"`},
		"target.yaml":        {"target: mongodb\n", `target.yaml:1: field "target"`},
		"zero-nodes.yaml":    {"nodes: 0\n", `zero-nodes.yaml:1: field "nodes"`},
		"bad-fault.yaml":     {"nemesis:\n  faults:\n    - {kind: partition, shape: triangle, duration: 5s}\n", `bad-fault.yaml:3: field "nemesis.faults[0].shape"`},
		"zk-session.yaml":    {"target: zookeeper\nlease_ttl: 2m\n", `zk-session.yaml:2: field "lease_ttl"`},
		"consul-field.yaml":  {"target: consul\nconsul:\n  lock-delay: 1s\n", `consul-field.yaml:3: field "consul.lock-delay": unknown field; did you mean "lock_delay"?`},
		"consul-neg.yaml":    {"target: consul\nconsul:\n  lock_delay: -1s\n", `consul-neg.yaml:3: field "consul.lock_delay"`},
	}
	for name, p := range plans {
		path := filepath.Join(dir, name)
		os.WriteFile(path, []byte(p.text), 0o644)
		cmd := exec.Command(chaosBin, "run", "--config", path, "--runs", dir)
		out, _ := cmd.CombinedOutput()
		if code := cmd.ProcessState.ExitCode(); code != 254 || !strings.Contains(string(out), p.want) {
			t.Errorf("%s: exit %d, output %q; want 254 and %q", name, code, out, p.want)
		}
		// A run creates containers only under its run id, named when it
		// starts: a bad plan names none.
		if m := runIDPattern.FindStringSubmatch(string(out)); m != nil {
			t.Errorf("%s: a bad plan started run %s", name, m[1])
			assertRunLeftNothing(t, m[1])
		}
	}
	if entries, _ := os.ReadDir(filepath.Join(dir, "x")); len(entries) > 0 {
		t.Errorf("a bad plan created a run directory")
	}

	cmd := exec.Command(chaosBin, "run", "--duration", "20s", "--runs", dir)
	cmd.Env = append(os.Environ(), "DOCKER_HOST=unix:///nonexistent/docker.sock")
	out, _ := cmd.CombinedOutput()
	if code := cmd.ProcessState.ExitCode(); code != 255 || !strings.Contains(string(out), "unreachable") {
		t.Errorf("docker unreachable: exit %d, output %q; want 255 and a clear message", code, out)
	}
}
