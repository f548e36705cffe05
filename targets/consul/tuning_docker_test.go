//go:build docker

package consul

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/chaos-election/chaos/internal/clustertest"
	"github.com/chaos-election/chaos/tuning"
)

// A plan's consul.raft_multiplier is in force in the running server: the
// agent's own runtime configuration (/v1/agent/self, DebugConfig) has the
// Raft timeouts it multiplied (hashicorp/raft's 1 s, 1 s and 500 ms by
// 3), not the compose file's 1× ones.
func TestConsulServerSettings(t *testing.T) {
	c := clustertest.UpTuned(t, New(Options{}), 1, tuning.Settings{Consul: tuning.Consul{RaftMultiplier: 3}})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf("http://%s/v1/agent/self", c.Endpoints[0].Addr), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("/v1/agent/self: %s", resp.Status)
	}
	var self struct {
		DebugConfig struct {
			ConsulRaftElectionTimeout, ConsulRaftHeartbeatTimeout, ConsulRaftLeaderLeaseTimeout string
		}
	}
	if err := json.NewDecoder(resp.Body).Decode(&self); err != nil {
		t.Fatal(err)
	}
	got := self.DebugConfig
	if got.ConsulRaftElectionTimeout != "3s" || got.ConsulRaftHeartbeatTimeout != "3s" || got.ConsulRaftLeaderLeaseTimeout != "1.5s" {
		t.Errorf("Consul runs with Raft election %q, heartbeat %q, leader lease %q; want 3s, 3s, 1.5s", got.ConsulRaftElectionTimeout,
			got.ConsulRaftHeartbeatTimeout, got.ConsulRaftLeaderLeaseTimeout)
	}
}
