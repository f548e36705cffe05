package grant

import (
	"strings"
	"testing"
	"time"
)

func TestCheckTemplate(t *testing.T) {
	for tmpl, ok := range map[string]bool{
		"ssh {host} sudo kill -STOP $(pidof etcd)":  true,
		"iptables -A INPUT -s {peer_hosts} -j DROP": true,
		"awk '{print $1}' /etc/hosts":               true, // the shell's braces
		"ssh {hostname} true":                       false,
		"echo ${HOME}":                              true,
		"ssh {host} sleep {offset_seconds}":         false, // a pause has no offset
	} {
		err := CheckTemplate(FaultPause, tmpl)
		if (err == nil) != ok {
			t.Errorf("%q: %v", tmpl, err)
		}
	}
}

// A clock-skew's templates may name the offset, in both forms, besides
// the placeholders of every kind; a pause's may not, and says why.
func TestCheckTemplateClock(t *testing.T) {
	for _, tmpl := range []string{
		`ssh {host} sudo date -s "@$(( $(date +%s) + {offset_seconds} ))"`,
		"echo {node} {offset} >> /tmp/x",
		"ssh {host} sudo chronyc makestep",
	} {
		if err := CheckTemplate(FaultClockSkew, tmpl); err != nil {
			t.Errorf("clock-skew %q: %v", tmpl, err)
		}
	}
	if err := CheckTemplate(FaultClockSkew, "ssh {host} date {offsett}"); err == nil || !strings.Contains(err.Error(), "{offset_seconds}") {
		t.Errorf("a misspelt offset: %v", err)
	}
	if err := CheckTemplate(FaultKill, "echo {offset}"); err == nil || !strings.Contains(err.Error(), "a clock-skew's only") {
		t.Errorf("an offset in a kill: %v", err)
	}
}

func TestExpandOffset(t *testing.T) {
	for _, tc := range []struct {
		d         time.Duration
		dur, secs string
	}{
		{-4 * time.Second, "-4s", "-4"},
		{-2500 * time.Millisecond, "-2.5s", "-2.5"},
		{90 * time.Second, "1m30s", "90"},
		{time.Millisecond, "1ms", "0.001"},
		{-time.Nanosecond, "-1ns", "-0.000000001"},
		{3*time.Second + 20*time.Millisecond, "3.02s", "3.02"},
	} {
		got := Expand("{node} {offset} {offset_seconds}", Vars{Node: "n2", Offset: tc.d})
		if want := "n2 " + tc.dur + " " + tc.secs; got != want {
			t.Errorf("%v: got %q, want %q", tc.d, got, want)
		}
	}
}

func TestExpand(t *testing.T) {
	got := Expand("ssh {host} cut {node} {endpoint} {container} from {peers} at {peer_hosts} {unknown}", Vars{
		Node: "n1", Host: "db1", Endpoint: "db1:2379", Container: "etcd-a", Peers: []string{"n2", "n3"}, PeerHosts: []string{"db2", "db3"},
	})
	if want := "ssh db1 cut n1 db1:2379 etcd-a from n2 n3 at db2 db3 {unknown}"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestGrant(t *testing.T) {
	cmds := map[string]Command{FaultPause: {Start: "a", Heal: "b"}}
	for _, tc := range []struct {
		kind   string
		docker bool
		want   string
	}{
		{FaultPause, true, "commands"}, // commands win over Docker
		{FaultKill, true, "docker"},
		{FaultKill, false, ""},
		{FaultClockSkew, true, ""}, // a Docker host cannot set a node's clock
	} {
		if got := Grant(tc.kind, cmds, tc.docker); got != tc.want {
			t.Errorf("Grant(%s, docker %v) = %q, want %q", tc.kind, tc.docker, got, tc.want)
		}
	}
	if got := Grant(FaultClockSkew, map[string]Command{FaultClockSkew: {Start: "c", Heal: "d"}}, false); got != "commands" {
		t.Errorf("Grant(clock-skew) with its commands = %q", got)
	}
}
