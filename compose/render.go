package compose

import (
	"bytes"
	"embed"
	"fmt"
	"net/netip"
	"strings"
	"text/template"

	"github.com/chaos-election/chaos/tuning"
)

//go:embed files/*.tmpl
var templates embed.FS

// MaxNodes is the largest cluster a compose file is rendered for.
const MaxNodes = 50

// renderParams is what one rendering of a compose file depends on.
type renderParams struct {
	Nodes  int
	RunID  string
	Subnet netip.Prefix // a /24; node i gets .10+i, the gateway .1
	// Tuning are the servers' own settings; zero fields render as the
	// shipped files.
	Tuning tuning.Settings
	// APIServers is how many kube-apiservers front the etcd members
	// (target kubernetes; 0 otherwise).
	APIServers int
}

// member is one node as the template sees it.
type member struct {
	Index    int // 1-based: ZooKeeper's server id
	Name, IP string
}

// templateData is the template's input.
type templateData struct {
	Nodes          int
	RunID          string
	Prefix         string
	OfficialImage  string
	Subnet         string
	Gateway        string
	InitialCluster string
	Members        []member
	Etcd           etcdData
	ZooKeeper      zooKeeperData
	Consul         consulData
	// Target kubernetes: its API servers, their image and the members'
	// client URLs they are given.
	APIServers     []member
	APIServerImage string
	EtcdServers    string
}

// etcdData is what the etcd template reads of the servers' settings: the
// flags of those set (none by default: etcd's own).
type etcdData struct{ Flags []string }

// zooKeeperData is zoo.cfg's timing, in milliseconds and ticks.
type zooKeeperData struct {
	TickMS, MinSessionMS, MaxSessionMS int64
	InitLimit, SyncLimit               int
}

// consulData is the servers' performance settings.
type consulData struct{ RaftMultiplier int }

// settingsData turns the servers' settings into what the templates write.
func settingsData(s tuning.Settings) (etcdData, zooKeeperData, consulData) {
	lo, hi := s.ZooKeeper.SessionTimeouts()
	return etcdData{Flags: s.Etcd.Flags()},
		zooKeeperData{
			TickMS: s.ZooKeeper.Tick().Milliseconds(), MinSessionMS: lo.Milliseconds(), MaxSessionMS: hi.Milliseconds(),
			InitLimit: tuning.ZooKeeperInitLimit, SyncLimit: tuning.ZooKeeperSyncLimit,
		},
		consulData{RaftMultiplier: s.Consul.Multiplier()}
}

// nodeName is the name of node i (1-based).
func nodeName(i int) string { return fmt.Sprintf("n%d", i) }

// nodeIP is the fixed address of node i (1-based) in subnet.
func nodeIP(subnet netip.Prefix, i int) netip.Addr {
	b := subnet.Masked().Addr().As4()
	b[3] = byte(10 + i)
	return netip.AddrFrom4(b)
}

// apiServerName is the name of API server i (1-based).
func apiServerName(i int) string { return fmt.Sprintf("api%d", i) }

// apiServerIP is the fixed address of API server i (1-based): after every
// node's.
func apiServerIP(subnet netip.Prefix, i int) netip.Addr { return nodeIP(subnet, MaxNodes+i) }

// gatewayIP is the bridge's address in subnet: where the harness's
// packets come from.
func gatewayIP(subnet netip.Prefix) netip.Addr {
	b := subnet.Masked().Addr().As4()
	b[3] = 1
	return netip.AddrFrom4(b)
}

// render renders b's compose file.
func render(b backend, p renderParams) ([]byte, error) {
	if p.Nodes < 1 || p.Nodes > MaxNodes {
		return nil, fmt.Errorf("render %s compose file: %d nodes (want 1..%d)", b.name, p.Nodes, MaxNodes)
	}
	if err := checkRunID(p.RunID); err != nil {
		return nil, fmt.Errorf("render %s compose file: %w", b.name, err)
	}
	if !p.Subnet.Addr().Is4() || p.Subnet.Bits() != 24 {
		return nil, fmt.Errorf("render %s compose file: subnet %s is not an IPv4 /24", b.name, p.Subnet)
	}
	d := templateData{
		Nodes:         p.Nodes,
		RunID:         p.RunID,
		Prefix:        prefix(p.RunID),
		OfficialImage: b.officialImage,
		Subnet:        p.Subnet.Masked().String(),
		Gateway:       gatewayIP(p.Subnet).String(),
	}
	if ps := p.Tuning.For(b.name); len(ps) > 0 {
		return nil, fmt.Errorf("render %s compose file: %w", b.name, ps[0])
	}
	d.Etcd, d.ZooKeeper, d.Consul = settingsData(p.Tuning)
	peers := make([]string, 0, p.Nodes)
	for i := 1; i <= p.Nodes; i++ {
		m := member{Index: i, Name: nodeName(i), IP: nodeIP(p.Subnet, i).String()}
		d.Members = append(d.Members, m)
		peers = append(peers, fmt.Sprintf("%s=http://%s:2380", m.Name, m.IP))
	}
	d.InitialCluster = strings.Join(peers, ",")
	if p.APIServers > 0 {
		if b.name != targetKubernetes {
			return nil, fmt.Errorf("render %s compose file: API servers are for target %s", b.name, targetKubernetes)
		}
		var urls []string
		for _, m := range d.Members {
			urls = append(urls, "http://"+m.IP+":2379")
		}
		d.EtcdServers, d.APIServerImage = strings.Join(urls, ","), KubeAPIServerOfficialImage
		for i := 1; i <= p.APIServers; i++ {
			d.APIServers = append(d.APIServers, member{Index: i, Name: apiServerName(i), IP: apiServerIP(p.Subnet, i).String()})
		}
	}
	t, err := template.New(b.template).Option("missingkey=error").ParseFS(templates, b.template)
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", b.template, err)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, strings.TrimPrefix(b.template, "files/"), d); err != nil {
		return nil, fmt.Errorf("render %s: %w", b.template, err)
	}
	return buf.Bytes(), nil
}
