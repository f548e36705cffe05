package headless

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"time"
)

// flags start Chromium the way the tests need it: headless, as root in a
// container (no sandbox), without a GPU, and talking to no one.
var flags = []string{"--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
	"--hide-scrollbars", "--enable-logging=stderr", "--v=0"}

// Find returns the Chromium binary: $CHAOS_CHROMIUM, or chromium or
// chromium-browser on PATH (Debian's package "chromium").
func Find() (string, error) {
	if p := os.Getenv("CHAOS_CHROMIUM"); p != "" {
		return p, nil
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", errors.New("no chromium on PATH (apt-get install chromium; scripts/test installs it)")
}

// Page is a page as Chromium left it.
type Page struct {
	// DOM is the document after its scripts ran (--dump-dom).
	DOM string
	// Console holds every message the page logged, exceptions included.
	Console []string
	// Took is the wall time from starting Chromium to its exit.
	Took time.Duration
}

// console matches Chromium's log lines of console messages:
// [pid:tid:date:INFO:CONSOLE:1] "message", source: file:///... (1)
var console = regexp.MustCompile(`:CONSOLE[:(]\d*\)?\] (.*)$`)

// Load opens url (file:///...) and returns the DOM after its scripts ran.
func Load(ctx context.Context, bin, url string) (Page, error) {
	var p Page
	profile, err := os.MkdirTemp("", "chaos-chromium-")
	if err != nil {
		return p, err
	}
	defer os.RemoveAll(profile)
	cmd := exec.CommandContext(ctx, bin, append(flags, "--user-data-dir="+profile, "--dump-dom", url)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err = cmd.Run()
	p.Took = time.Since(start)
	if err != nil {
		return p, fmt.Errorf("chromium --dump-dom %s: %w: %s", url, err, lastLines(stderr.String(), 5))
	}
	p.DOM = stdout.String()
	for _, line := range strings.Split(stderr.String(), "\n") {
		if m := console.FindStringSubmatch(line); m != nil {
			p.Console = append(p.Console, m[1])
		}
	}
	return p, nil
}

// Screenshot saves a PNG of url in a window of width × height.
func Screenshot(ctx context.Context, bin, url, png string, width, height int) error {
	profile, err := os.MkdirTemp("", "chaos-chromium-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(profile)
	cmd := exec.CommandContext(ctx, bin, append(flags, "--user-data-dir="+profile,
		fmt.Sprintf("--window-size=%d,%d", width, height), "--screenshot="+png, url)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("chromium --screenshot %s: %w: %s", url, err, lastLines(string(out), 5))
	}
	if _, err := os.Stat(png); err != nil {
		return fmt.Errorf("chromium wrote no screenshot: %s", lastLines(string(out), 5))
	}
	return nil
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
