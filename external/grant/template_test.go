package grant

import "testing"

func TestCheckTemplate(t *testing.T) {
	for tmpl, ok := range map[string]bool{
		"ssh {host} sudo kill -STOP $(pidof etcd)":  true,
		"iptables -A INPUT -s {peer_hosts} -j DROP": true,
		"awk '{print $1}' /etc/hosts":               true, // the shell's braces
		"ssh {hostname} true":                       false,
		"echo ${HOME}":                              true,
	} {
		err := CheckTemplate(tmpl)
		if (err == nil) != ok {
			t.Errorf("%q: %v", tmpl, err)
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
	} {
		if got := Grant(tc.kind, cmds, tc.docker); got != tc.want {
			t.Errorf("Grant(%s, docker %v) = %q, want %q", tc.kind, tc.docker, got, tc.want)
		}
	}
}
