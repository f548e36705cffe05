package external

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"
)

// shell runs commands with sh -c, each bounded by a timeout, in a process
// group of its own (a Ctrl-C at the terminal does not kill a heal half
// way; a timeout kills the whole group), and writes what ran, how it
// ended and its output to out.
type shell struct {
	timeout time.Duration
	mu      sync.Mutex // serializes writes to out
	out     io.Writer
}

// run runs cmd for node as what ("pause start") and returns an error
// carrying the end of its output when it fails or times out.
func (s *shell) run(ctx context.Context, node, what, cmd string) error {
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	c := exec.CommandContext(ctx, "sh", "-c", cmd)
	c.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	c.Cancel = func() error { return syscall.Kill(-c.Process.Pid, syscall.SIGKILL) }
	c.WaitDelay = time.Second
	var buf bytes.Buffer
	c.Stdout, c.Stderr = &buf, &buf
	start := time.Now()
	err := c.Run()
	took := time.Since(start)
	end := "exit 0"
	switch {
	case ctx.Err() == context.DeadlineExceeded:
		end = fmt.Sprintf("timed out after %s, killed", s.timeout)
		err = fmt.Errorf("timed out after %s", s.timeout)
	case err != nil:
		end = err.Error()
	}
	s.mu.Lock()
	fmt.Fprintf(s.out, "%s %s %s: %s\n  %s in %.2f s\n", start.UTC().Format(time.RFC3339Nano), node, what, cmd, end, took.Seconds())
	if buf.Len() > 0 {
		for _, line := range strings.Split(strings.TrimRight(buf.String(), "\n"), "\n") {
			fmt.Fprintf(s.out, "  | %s\n", line)
		}
	}
	s.mu.Unlock()
	if err != nil {
		return fmt.Errorf("%s %s: `%s`: %w: %s", node, what, cmd, err, tail(buf.String(), 300))
	}
	return nil
}

// tail is the last n bytes of s, trimmed.
func tail(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) > n {
		s = "…" + s[len(s)-n:]
	}
	return s
}
