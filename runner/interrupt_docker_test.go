//go:build docker

package runner

import (
	"bytes"
	"cmp"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chaos-election/chaos/history"
)

// Ctrl-C at every stage of `chaos run` — while the containers are created,
// while the health wait runs, during the faults, during recovery — exits
// 130 with one line saying when, whether any fault had started and that
// everything was removed; no raw Docker error; nothing of the run left.
func TestSIGINTAtEveryStage(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		// at waits for the moment to interrupt the run.
		at   func(t *testing.T, cmd *exec.Cmd, dir string, stderr *syncBuf)
		want []string // in stderr
		// fault is the plan's fault (default: a pause of the leader), and
		// healed the kind whose heal the history must hold.
		fault, healed string
	}{
		{"1s", after(time.Second), []string{"was interrupted while bringing the cluster up, before any fault; everything it created was removed"}, "", ""},
		{"3s", after(3 * time.Second), []string{"was interrupted ", ", before any fault; everything it created was removed"}, "", ""},
		{"faults", func(t *testing.T, cmd *exec.Cmd, dir string, stderr *syncBuf) {
			waitForFault(t, cmd, filepath.Join(dir, "latest", HistoryFile), "pause", 90*time.Second, stderr)
		}, []string{"was interrupted during the faults (", "every fault was healed; everything it created was removed", "run directory:"}, "", "pause"},
		{"recovery", func(t *testing.T, cmd *exec.Cmd, dir string, stderr *syncBuf) {
			waitFor(t, cmd, stderr, "all faults healed; recovery window", 90*time.Second)
		}, []string{"was interrupted during the recovery window (", "every fault was healed", "run directory:"}, "", ""},
		// A fault on the links between nodes in force: its heal is sent to
		// the agents and recorded before they are removed.
		{"link-delay", func(t *testing.T, cmd *exec.Cmd, dir string, stderr *syncBuf) {
			waitForFault(t, cmd, filepath.Join(dir, "latest", HistoryFile), "link-delay", 90*time.Second, stderr)
		}, []string{"was interrupted during the faults (", "every fault was healed; everything it created was removed"},
			"{kind: link-delay, victim: leader, delay: 200ms, duration: 3s}", "link-delay"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			pl := filepath.Join(dir, "plan.yaml")
			fault := cmp.Or(tc.fault, "{kind: pause, victim: leader, duration: 4s}")
			os.WriteFile(pl, []byte(`name: sigint-`+tc.name+`
duration: 8s
recovery: 1m
lease_ttl: 2s
nemesis:
  interval: 1s
  faults: [`+fault+`]
`), 0o644)
			cmd := exec.Command(chaosBin, "run", "--config", pl, "--runs", dir)
			stderr := &syncBuf{}
			var stdout bytes.Buffer
			cmd.Stderr, cmd.Stdout = stderr, &stdout
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			tc.at(t, cmd, dir, stderr)
			if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
				t.Fatal(err)
			}
			_ = cmd.Wait()
			code := cmd.ProcessState.ExitCode()
			all := stderr.String() + stdout.String()
			if code != ExitInterrupted {
				t.Errorf("exit %d, want %d:\n%s", code, ExitInterrupted, all)
			}
			for _, want := range tc.want {
				if !strings.Contains(all, want) {
					t.Errorf("output lacks %q:\n%s", want, all)
				}
			}
			for _, raw := range []string{"docker.sock", "http://", "context canceled", "interrupt signal received"} {
				if strings.Contains(stderr.String(), raw) {
					t.Errorf("a raw error (%q) reaches the user:\n%s", raw, stderr.String())
				}
			}
			assertRunsLeftNothing(t, stderr.String())
			if tc.healed != "" {
				assertHealed(t, filepath.Join(dir, "latest", HistoryFile), tc.healed)
			}
		})
	}
}

// assertHealed checks that the history at path heals its last start of
// kind after it.
func assertHealed(t *testing.T, path, kind string) {
	t.Helper()
	ops, _, err := history.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	started := -1
	for i, op := range ops {
		v, _ := op.Fault()
		switch {
		case v.Kind != kind:
		case op.F == history.FFaultStart:
			started = i
		case op.F == history.FFaultHeal && started >= 0:
			return
		}
	}
	t.Errorf("%s: the %s started at op %d was never healed", path, kind, started)
}

// after waits d.
func after(d time.Duration) func(*testing.T, *exec.Cmd, string, *syncBuf) {
	return func(*testing.T, *exec.Cmd, string, *syncBuf) { time.Sleep(d) }
}

// waitFor waits until the command's stderr says s; it kills the command
// and fails after timeout.
func waitFor(t *testing.T, cmd *exec.Cmd, stderr *syncBuf, s string, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !strings.Contains(stderr.String(), s) {
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("no %q after %s:\n%s", s, timeout, stderr.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// syncBuf is a buffer a command writes while the test reads it.
type syncBuf struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuf) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuf) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
