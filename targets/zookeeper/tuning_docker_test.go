//go:build docker

package zookeeper

import (
	"context"
	"fmt"
	"io"
	"net"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-zookeeper/zk"

	"github.com/chaos-election/chaos/internal/clustertest"
	"github.com/chaos-election/chaos/tuning"
)

// A plan's zookeeper.tick_time is in force in the running ensemble: the
// server's conf four-letter word reports its tickTime and the session
// bounds that follow from it, and a client that asks for a 1 s session is
// granted the 2 ticks the server clamps it to (the clamp the plan refuses
// a lease_ttl for).
func TestZooKeeperServerSettings(t *testing.T) {
	c := clustertest.UpTuned(t, New(Options{}), 1, tuning.Settings{ZooKeeper: tuning.ZooKeeper{TickTime: 1200 * time.Millisecond}})
	addr := c.Endpoints[0].Addr

	conf, err := fourLetters(addr, "conf")
	if err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]string{
		"tickTime": "1200", "minSessionTimeout": "2400", "maxSessionTimeout": "60000", "initLimit": "10", "syncLimit": "4",
	} {
		if got := confValue(conf, key); got != want {
			t.Errorf("conf: %s=%q, want %s\n%s", key, got, want, conf)
		}
	}

	var mu sync.Mutex
	var lines []string
	conn, events, err := zk.Connect([]string{addr}, time.Second, zk.WithLogger(loggerFunc(func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		lines = append(lines, fmt.Sprintf(format, args...))
	})))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	go func() {
		for range events {
		}
	}()
	// go-zookeeper logs the timeout the server granted just after it sets
	// StateHasSession, so the test waits for the line, not the state.
	granted := regexp.MustCompile(`authenticated: id=\d+, timeout=(\d+)`)
	deadline := time.Now().Add(20 * time.Second)
	for {
		mu.Lock()
		var got []string
		for _, l := range lines {
			if m := granted.FindStringSubmatch(l); m != nil {
				got = m
				break
			}
		}
		seen := append([]string(nil), lines...)
		mu.Unlock()
		if got != nil {
			if got[1] != "2400" {
				t.Errorf("a 1s session was granted for %s ms, want 2400 (2 ticks)", got[1])
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no granted timeout in the client's log within 20s (state %s): %q", conn.State(), seen)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

type loggerFunc func(format string, args ...any)

func (f loggerFunc) Printf(format string, args ...any) { f(format, args...) }

// fourLetters sends a four-letter word to the server at addr and returns
// its answer.
func fourLetters(addr, word string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", addr)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.WriteString(conn, word); err != nil {
		return "", err
	}
	out, err := io.ReadAll(conn)
	if err != nil {
		return "", fmt.Errorf("%s: %w", word, err)
	}
	if strings.Contains(string(out), "is not executed because it is not in the whitelist") {
		return "", fmt.Errorf("%s: %s", word, out)
	}
	return string(out), nil
}

// confValue is key's value in conf's key=value lines.
func confValue(conf, key string) string {
	for _, l := range strings.Split(conf, "\n") {
		if k, v, ok := strings.Cut(strings.TrimSpace(l), "="); ok && k == key {
			return v
		}
	}
	return ""
}
