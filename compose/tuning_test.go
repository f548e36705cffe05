package compose

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chaos-election/chaos/tuning"
)

// The servers' settings reach each container as the backend reads them:
// etcd's flags in milliseconds, zoo.cfg's variables, Consul's -hcl; unset,
// the shipped files' own (TestShippedComposeFilesAreTheRenderForThreeNodes).
func TestRenderServerSettings(t *testing.T) {
	set := tuning.Settings{
		Etcd:      tuning.Etcd{HeartbeatInterval: 50 * time.Millisecond, ElectionTimeout: 750 * time.Millisecond},
		ZooKeeper: tuning.ZooKeeper{TickTime: 4 * time.Second},
		Consul:    tuning.Consul{RaftMultiplier: 3},
	}
	for target, check := range map[string]func(t *testing.T, cmd, env []string){
		"etcd": func(t *testing.T, cmd, _ []string) {
			if !slices.Contains(cmd, "--heartbeat-interval=50") || !slices.Contains(cmd, "--election-timeout=750") {
				t.Errorf("etcd cmd %v lacks the Raft timing", cmd)
			}
		},
		"zookeeper": func(t *testing.T, _, env []string) {
			for _, want := range []string{"ZOO_TICK_TIME=4000", "ZOO_INIT_LIMIT=10", "ZOO_SYNC_LIMIT=4",
				"ZOO_CFG_EXTRA=minSessionTimeout=8000 maxSessionTimeout=80000 quorumListenOnAllIPs=true",
				"ZOO_4LW_COMMANDS_WHITELIST=srvr,conf"} {
				if !slices.Contains(env, want) {
					t.Errorf("zookeeper env %v lacks %s", env, want)
				}
			}
		},
		"consul": func(t *testing.T, cmd, _ []string) {
			if !slices.Contains(cmd, "-hcl=performance { raft_multiplier = 3 }") {
				t.Errorf("consul cmd %v lacks the multiplier", cmd)
			}
		},
	} {
		t.Run(target, func(t *testing.T) {
			b, err := lookupBackend(target)
			if err != nil {
				t.Fatal(err)
			}
			params := shippedParams
			params.Tuning = set
			content, err := render(b, params)
			if err != nil {
				t.Fatal(err)
			}
			p, err := loadPlan(context.Background(), filepath.Join(t.TempDir(), ComposeFile), content, "chaos-manual", nil, 3, 0)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range p.Containers {
				check(t, c.Config.Cmd, c.Config.Env)
			}
		})
	}
}

// Up refuses what the backend would refuse, before it creates anything;
// a longer election time lengthens the wait for health.
func TestSpecServerSettings(t *testing.T) {
	s := Spec{Target: "etcd", RunID: "r", Dir: t.TempDir(), Tuning: tuning.Settings{Etcd: tuning.Etcd{ElectionTimeout: 300 * time.Millisecond}}}
	if _, err := s.withDefaults(); err == nil || !strings.Contains(err.Error(), "etcd election_timeout: etcd refuses an election timeout under 5 heartbeats") {
		t.Errorf("election timeout of 3 heartbeats: %v", err)
	}
	b, _ := lookupBackend("etcd")
	if _, err := render(b, renderParams{Nodes: 3, RunID: "r", Subnet: shippedParams.Subnet, Tuning: s.Tuning}); err == nil {
		t.Error("render of an election timeout of 3 heartbeats: want error")
	}
	// Another backend's settings are not read.
	s.Target = "consul"
	got, err := s.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	if got.HealthTimeout != DefaultHealthTimeout+2*time.Second {
		t.Errorf("consul health timeout %s, want %s", got.HealthTimeout, DefaultHealthTimeout+2*time.Second)
	}
	s = Spec{Target: "etcd", RunID: "r", Dir: t.TempDir(), Tuning: tuning.Settings{Etcd: tuning.Etcd{ElectionTimeout: 20 * time.Second}}}
	if got, err = s.withDefaults(); err != nil || got.HealthTimeout != DefaultHealthTimeout+40*time.Second {
		t.Errorf("etcd with a 20s election timeout: health timeout %s, %v", got.HealthTimeout, err)
	}
}
