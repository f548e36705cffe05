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

// Command is a fault the plan supplies as shell commands: Start puts it in
// effect on one node, Heal undoes it. Both are templates (see Expand).
type Command struct {
	Start string
	Heal  string
}

// Placeholders are what a command template may name; Expand fills them
// in for one node.
var Placeholders = []string{"{node}", "{host}", "{endpoint}", "{container}", "{peers}", "{peer_hosts}"}

// Vars are a command's placeholder values for one node.
type Vars struct {
	Node, Host, Endpoint, Container string
	// Peers are the nodes whose traffic the node drops (partitions only).
	Peers, PeerHosts []string
}

// Expand fills in tmpl's placeholders: {node} (n1), {host} (the node's
// host), {endpoint} (host:port), {container}, and for partitions {peers}
// and {peer_hosts}, the nodes the node drops, space-separated.
func Expand(tmpl string, v Vars) string {
	return strings.NewReplacer(
		"{node}", v.Node, "{host}", v.Host, "{endpoint}", v.Endpoint, "{container}", v.Container,
		"{peers}", strings.Join(v.Peers, " "), "{peer_hosts}", strings.Join(v.PeerHosts, " "),
	).Replace(tmpl)
}

// CheckTemplate returns an error naming the first {word} in tmpl that is
// not a placeholder.
func CheckTemplate(tmpl string) error {
	for rest := tmpl; ; {
		i := strings.IndexByte(rest, '{')
		if i < 0 {
			return nil
		}
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			return nil // a lone brace is the shell's business
		}
		word := rest[i : i+j+1]
		known := false
		for _, p := range Placeholders {
			known = known || word == p
		}
		shellVar := i > 0 && rest[i-1] == '$' // ${HOME}
		if !known && !shellVar && isWord(word[1:len(word)-1]) {
			return fmt.Errorf("unknown placeholder %s (known: %s)", word, strings.Join(Placeholders, " "))
		}
		rest = rest[i+j+1:]
	}
}

func isWord(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

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
