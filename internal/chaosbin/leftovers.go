package chaosbin

import (
	"context"
	"regexp"
	"strings"
	"testing"
)

// runStarting finds the run ids in a command's log.
var runStarting = regexp.MustCompile(`msg="run starting" run=([0-9a-f]+)`)

// CheckLeftNothing fails t unless the log of a command names want runs
// and none of them left a container or network, as leftovers (runner's
// Leftovers) lists them by run id.
func CheckLeftNothing(t *testing.T, log string, want int, leftovers func(ctx context.Context, runID string) ([]string, error)) {
	t.Helper()
	ms := runStarting.FindAllStringSubmatch(log, -1)
	if len(ms) != want {
		t.Errorf("%d run ids in the log, want %d", len(ms), want)
	}
	for _, m := range ms {
		left, err := leftovers(context.Background(), m[1])
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range left {
			t.Errorf("run %s left behind: %s", m[1], l)
		}
	}
}

// LastLines is the last n lines of s, for a failure message.
func LastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
