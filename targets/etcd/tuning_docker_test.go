//go:build docker

package etcd

import (
	"bufio"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/chaos-election/chaos/internal/clustertest"
	"github.com/chaos-election/chaos/tuning"
)

// A plan's etcd.heartbeat_interval and etcd.election_timeout are in force
// in the running server: etcd says so in its own start-up line (embed's
// "starting an etcd server", whose election-timeout is the one it
// computed from its ticks), and its lessor raises a 1 s lease to the
// minimum those timings give (1.5 election timeouts, rounded up: 5 s for
// 20 ticks of 150 ms, where etcd's defaults give 2 s).
func TestEtcdServerSettings(t *testing.T) {
	set := tuning.Etcd{HeartbeatInterval: 150 * time.Millisecond, ElectionTimeout: 3 * time.Second}
	c := clustertest.UpTuned(t, New(Options{}), 1, tuning.Settings{Etcd: set})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	log, err := c.Log(ctx, "n1")
	if err != nil {
		t.Fatal(err)
	}
	var start struct {
		Msg       string `json:"msg"`
		Heartbeat string `json:"heartbeat-interval"`
		Election  string `json:"election-timeout"`
	}
	found := false
	for sc := bufio.NewScanner(strings.NewReader(log)); sc.Scan() && !found; {
		if json.Unmarshal(sc.Bytes(), &start) == nil && start.Msg == "starting an etcd server" {
			found = true
		}
	}
	if !found {
		t.Fatalf("no \"starting an etcd server\" line in n1's log:\n%s", log)
	}
	if start.Heartbeat != "150ms" || start.Election != "3s" {
		t.Errorf("etcd started with heartbeat-interval %q, election-timeout %q; want 150ms, 3s", start.Heartbeat, start.Election)
	}

	cli, err := newClient([]string{c.Endpoints[0].Addr}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	lease, err := cli.Grant(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if lease.TTL != 5 || set.MinLeaseTTL() != 5*time.Second {
		t.Errorf("a 1s lease was granted for %ds (tuning.Etcd.MinLeaseTTL says %s); want 5s", lease.TTL, set.MinLeaseTTL())
	}
}
