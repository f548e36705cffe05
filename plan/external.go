package plan

import (
	"fmt"
	"net"
	"slices"
	"sort"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/chaos-election/chaos/external/grant"
	"github.com/chaos-election/chaos/nemesis"
	"github.com/chaos-election/chaos/targets"
)

// Where a plan's nodes come from.
const (
	ClusterCompose  = "compose"  // the harness starts them (the default)
	ClusterExternal = "external" // a cluster the harness did not start
)

// ExternalPlan is a cluster the harness did not start: its nodes'
// endpoints, how clients authenticate, where the harness's keys live, and
// the faults the plan grants. It holds no secret: credentials are named
// by the file or environment variable that holds them, and read only
// when the run starts.
type External struct {
	// Nodes are n1, n2, ... in order.
	Nodes []ExternalNode
	// Prefix is the root of every key (znode) the harness writes; the run
	// refuses to start when it is not empty (unless --reuse) and removes
	// everything under it at the end. "" = the target's default root
	// (/chaos for etcd and ZooKeeper, chaos for Consul).
	Prefix string
	// Docker says the nodes' containers (ExternalNode.Container) run on
	// the Docker host of DOCKER_HOST: it grants partition, pause and kill.
	Docker bool
	// Commands grant partition, pause, kill or clock-skew (a server
	// node's clock: clock: node) as shell commands per node (templates:
	// grant.PlaceholdersFor); they win over Docker, which cannot set a
	// node's clock.
	Commands map[string]grant.Command
	// CommandTimeout bounds one command (0 = external.DefaultTimeout).
	CommandTimeout time.Duration
	// HealthTimeout bounds the wait for every node to pass the target's
	// probe before the run starts (0 = DefaultExternalHealthTimeout).
	HealthTimeout time.Duration
	TLS           TLS
	Auth          Auth
	// Kubeconfig, Context and Namespace are a staging Kubernetes cluster
	// (target kubernetes): the kubeconfig file the candidates connect
	// with (read when the run starts, as client-go reads it; nothing of
	// it but its path reaches the run directory), its context ("" = its
	// current-context), and the namespace of the candidates' Lease, which
	// must exist: the run refuses one holding Leases (unless --reuse) and
	// removes the Leases in it at the end. Such a cluster has no nodes to
	// list: its candidates are n1..n<nodes>.
	Kubeconfig, Context, Namespace string
}

// ExternalNode is one node of an external cluster.
type ExternalNode struct {
	Endpoint  string // host:port that clients dial
	Container string // its container on the Docker host (with docker: true)
	Host      string // {host} in commands; "" = the endpoint's host
}

// TLSPlan names the PEM files of a TLS connection.
type TLS struct {
	CAFile, CertFile, KeyFile string
	ServerName                string // "" = the endpoint's host
}

// AuthPlan names where the credentials are: each secret in a file or an
// environment variable, never in the plan or on the command line.
type Auth struct {
	Username                  string // etcd user (not a secret)
	PasswordEnv, PasswordFile string // etcd password
	TokenEnv, TokenFile       string // Consul ACL token
	DigestEnv, DigestFile     string // ZooKeeper digest "user:password"
}

// decodeExternal decodes the plan's external section.
func (d *decoder) decodeExternal(field string, v *yaml.Node) {
	e := &d.plan.External
	d.mapping(v, field, []fieldDef{
		{"prefix", func(f string, v *yaml.Node) { d.str(f, v, &e.Prefix) }},
		{"kubeconfig", func(f string, v *yaml.Node) { d.str(f, v, &e.Kubeconfig) }},
		{"context", func(f string, v *yaml.Node) { d.str(f, v, &e.Context) }},
		{"namespace", func(f string, v *yaml.Node) { d.str(f, v, &e.Namespace) }},
		{"docker", func(f string, v *yaml.Node) { d.boolean(f, v, &e.Docker) }},
		{"command_timeout", func(f string, v *yaml.Node) { d.duration(f, v, &e.CommandTimeout) }},
		{"health_timeout", func(f string, v *yaml.Node) { d.duration(f, v, &e.HealthTimeout) }},
		{"nodes", func(f string, v *yaml.Node) { d.externalNodes(f, v) }},
		{"commands", func(f string, v *yaml.Node) {
			e.Commands = map[string]grant.Command{}
			var defs []fieldDef
			for _, kind := range grant.CommandFaults {
				defs = append(defs, fieldDef{kind, func(f string, v *yaml.Node) {
					var c grant.Command
					d.mapping(v, f, []fieldDef{
						{"start", func(f string, v *yaml.Node) { d.str(f, v, &c.Start) }},
						{"heal", func(f string, v *yaml.Node) { d.str(f, v, &c.Heal) }},
					})
					e.Commands[kind] = c
				}})
			}
			d.mapping(v, f, defs)
		}},
		{"tls", func(f string, v *yaml.Node) {
			d.mapping(v, f, []fieldDef{
				{"ca_file", func(f string, v *yaml.Node) { d.str(f, v, &e.TLS.CAFile) }},
				{"cert_file", func(f string, v *yaml.Node) { d.str(f, v, &e.TLS.CertFile) }},
				{"key_file", func(f string, v *yaml.Node) { d.str(f, v, &e.TLS.KeyFile) }},
				{"server_name", func(f string, v *yaml.Node) { d.str(f, v, &e.TLS.ServerName) }},
			})
		}},
		{"auth", func(f string, v *yaml.Node) {
			a := &e.Auth
			d.noSecrets(f, v)
			d.mapping(v, f, []fieldDef{
				{"username", func(f string, v *yaml.Node) { d.str(f, v, &a.Username) }},
				{"password_env", func(f string, v *yaml.Node) { d.str(f, v, &a.PasswordEnv) }},
				{"password_file", func(f string, v *yaml.Node) { d.str(f, v, &a.PasswordFile) }},
				{"token_env", func(f string, v *yaml.Node) { d.str(f, v, &a.TokenEnv) }},
				{"token_file", func(f string, v *yaml.Node) { d.str(f, v, &a.TokenFile) }},
				{"digest_env", func(f string, v *yaml.Node) { d.str(f, v, &a.DigestEnv) }},
				{"digest_file", func(f string, v *yaml.Node) { d.str(f, v, &a.DigestFile) }},
			})
		}},
	})
}

// noSecrets fails a secret written into the plan itself (password:,
// token:, digest:) with what to write instead, and removes it so that the
// mapping does not report it a second time.
func (d *decoder) noSecrets(field string, n *yaml.Node) {
	n = resolve(n)
	if n.Kind != yaml.MappingNode {
		return
	}
	kept := n.Content[:0:0]
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		if name := k.Value; name == "password" || name == "token" || name == "digest" {
			d.fail(k, field+"."+name, "a secret is never written in the plan: name where it is, with %s_env (an environment variable) or %s_file", name, name)
			continue
		}
		kept = append(kept, n.Content[i], n.Content[i+1])
	}
	n.Content = kept
}

// externalNodes decodes the node list, which replaces the base plan's.
func (d *decoder) externalNodes(field string, n *yaml.Node) {
	n = resolve(n)
	if n.Kind != yaml.SequenceNode {
		d.fail(n, field, "want a list of nodes, each with an endpoint, got %s", describe(n))
		return
	}
	d.plan.forget(field)
	nodes := make([]ExternalNode, len(n.Content))
	for i, item := range n.Content {
		en := &nodes[i]
		name := fmt.Sprintf("%s[%d]", field, i)
		d.plan.setOrigin(name, origin{file: d.file, line: item.Line})
		d.mapping(item, name, []fieldDef{
			{"endpoint", func(f string, v *yaml.Node) { d.str(f, v, &en.Endpoint) }},
			{"container", func(f string, v *yaml.Node) { d.str(f, v, &en.Container) }},
			{"host", func(f string, v *yaml.Node) { d.str(f, v, &en.Host) }},
		})
	}
	d.plan.External.Nodes = nodes
	if _, set := d.plan.src["nodes"]; !set {
		d.plan.Nodes = len(nodes)
	}
}

// externalYAML writes the external section; nil for a compose plan.
func (p Plan) externalYAML() *yaml.Node {
	if p.Cluster != ClusterExternal {
		return nil
	}
	e := p.External
	m := mapNode(0)
	if p.Target == TargetKubernetes { // a staging Kubernetes cluster: its own fields
		add(m, "kubeconfig", strNode(e.Kubeconfig))
		if e.Context != "" {
			add(m, "context", strNode(e.Context))
		}
		add(m, "namespace", strNode(e.Namespace))
		add(m, "health_timeout", durNode(e.HealthTimeout))
		if cm := commandsYAML(e.Commands); cm != nil {
			add(m, "command_timeout", durNode(e.CommandTimeout))
			add(m, "commands", cm)
		}
		return m
	}
	add(m, "prefix", strNode(e.Prefix))
	add(m, "docker", boolNode(e.Docker))
	add(m, "command_timeout", durNode(e.CommandTimeout))
	add(m, "health_timeout", durNode(e.HealthTimeout))
	nodes := &yaml.Node{Kind: yaml.SequenceNode}
	for _, n := range e.Nodes {
		nm := mapNode(yaml.FlowStyle)
		add(nm, "endpoint", strNode(n.Endpoint))
		for _, kv := range [][2]string{{"container", n.Container}, {"host", n.Host}} {
			if kv[1] != "" {
				add(nm, kv[0], strNode(kv[1]))
			}
		}
		nodes.Content = append(nodes.Content, nm)
	}
	add(m, "nodes", nodes)
	if cm := commandsYAML(e.Commands); cm != nil {
		add(m, "commands", cm)
	}
	optional := func(name string, pairs [][2]string) {
		sm := mapNode(0)
		for _, kv := range pairs {
			if kv[1] != "" {
				add(sm, kv[0], strNode(kv[1]))
			}
		}
		if len(sm.Content) > 0 {
			add(m, name, sm)
		}
	}
	optional("tls", [][2]string{{"ca_file", e.TLS.CAFile}, {"cert_file", e.TLS.CertFile}, {"key_file", e.TLS.KeyFile}, {"server_name", e.TLS.ServerName}})
	a := e.Auth
	optional("auth", [][2]string{{"username", a.Username}, {"password_env", a.PasswordEnv}, {"password_file", a.PasswordFile},
		{"token_env", a.TokenEnv}, {"token_file", a.TokenFile}, {"digest_env", a.DigestEnv}, {"digest_file", a.DigestFile}})
	return m
}

// commandsYAML writes the granted commands, by kind; nil when none.
func commandsYAML(cmds map[string]grant.Command) *yaml.Node {
	if len(cmds) == 0 {
		return nil
	}
	cm := mapNode(0)
	kinds := make([]string, 0, len(cmds))
	for k := range cmds {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		c := mapNode(0)
		add(c, "start", strNode(cmds[k].Start))
		add(c, "heal", strNode(cmds[k].Heal))
		add(cm, k, c)
	}
	return cm
}

// checkExternal lists the problems of the cluster section: a compose plan
// with external settings, an external one without endpoints, and faults
// nothing grants.
func (p Plan) checkExternal(bad func(field, format string, args ...any)) {
	if p.Cluster != "" && !slices.Contains(knownClusters, p.Cluster) {
		bad("cluster", "unknown cluster %q (known: %s)", p.Cluster, strings.Join(knownClusters, ", "))
		return
	}
	e := p.External
	if p.Cluster != ClusterExternal {
		if len(e.Nodes) > 0 || e.Docker || len(e.Commands) > 0 || e.Prefix != "" || e.Kubeconfig != "" || e.Context != "" || e.Namespace != "" {
			bad("external", "set, but cluster is %s: add cluster: external to run against these nodes", ClusterCompose)
		}
		return
	}
	if e.CommandTimeout < 0 {
		bad("external.command_timeout", "must not be negative, got %s", FormatDuration(e.CommandTimeout))
	}
	if e.HealthTimeout < 0 {
		bad("external.health_timeout", "must not be negative, got %s", FormatDuration(e.HealthTimeout))
	}
	if p.Target == TargetKubernetes {
		p.checkExternalKubernetes(bad)
		return
	}
	for _, f := range [][2]string{{"kubeconfig", e.Kubeconfig}, {"context", e.Context}, {"namespace", e.Namespace}} {
		if f[1] != "" {
			bad("external."+f[0], "is for target kubernetes (a staging Kubernetes cluster); target %s names its nodes in external.nodes and its key root in external.prefix", p.Target)
		}
	}
	if len(e.Nodes) == 0 {
		bad("external.nodes", "cluster external needs its nodes: a list of {endpoint: host:port}")
		return
	}
	if p.Nodes != len(e.Nodes) {
		bad("nodes", "is %d, but external.nodes lists %d", p.Nodes, len(e.Nodes))
	}
	for i, n := range e.Nodes {
		field := fmt.Sprintf("external.nodes[%d]", i)
		if _, port, err := net.SplitHostPort(n.Endpoint); err != nil || port == "" {
			bad(field+".endpoint", "want host:port, got %q", n.Endpoint)
		}
		if e.Docker && n.Container == "" {
			bad(field+".container", "external.docker is true: name n%d's container on the Docker host", i+1)
		}
	}
	p.checkCommands(bad)
	if t, err := p.NewTarget(targets.Access{}); err == nil {
		if v, ok := t.(interface{ Validate() error }); ok {
			if err := v.Validate(); err != nil {
				bad("external.prefix", "%v", err)
			}
		}
	}
	if (e.TLS.CertFile == "") != (e.TLS.KeyFile == "") {
		bad("external.tls", "cert_file and key_file go together (a client certificate and its key)")
	}
	for _, pair := range [][3]string{
		{"password", e.Auth.PasswordEnv, e.Auth.PasswordFile},
		{"token", e.Auth.TokenEnv, e.Auth.TokenFile},
		{"digest", e.Auth.DigestEnv, e.Auth.DigestFile},
	} {
		if pair[1] != "" && pair[2] != "" {
			bad("external.auth."+pair[0]+"_env", "set with %s_file: name one place for the %s", pair[0], pair[0])
		}
	}
	if (e.Auth.PasswordEnv != "" || e.Auth.PasswordFile != "") && e.Auth.Username == "" {
		bad("external.auth.username", "missing: a password needs its user")
	}
	for i, f := range p.Nemesis.Faults {
		field := fmt.Sprintf("nemesis.faults[%d].kind", i)
		switch {
		case nemesis.IsNodeLinkFault(f.Kind):
			bad(field, "%s needs a cluster chaos starts: it shapes the links between nodes through the network agent under each node, which an external cluster has not (the faults between the harness's clients and the nodes, %s, work here)",
				f.Kind, strings.Join(linkFaultKinds(), ", "))
			continue
		case f.Kind == "flaky" && grant.Grant(grant.FaultPartition, e.Commands, e.Docker) == "":
			bad(field, "flaky cuts and heals links as a partition does, and partition is not granted on this external cluster: set external.docker with the nodes' containers, or external.commands.partition")
			continue
		}
		if !slices.Contains(grant.NodeFaults, f.Kind) {
			continue
		}
		if grant.Grant(f.Kind, e.Commands, e.Docker) == "" {
			bad(fmt.Sprintf("nemesis.faults[%d].kind", i), "%s is not granted on this external cluster: set external.docker with the nodes' containers, or external.commands.%s (link faults %s need no grant)",
				f.Kind, f.Kind, strings.Join(linkFaultKinds(), ", "))
		}
	}
}

// checkCommands checks each granted command: a start and a heal, each a
// template of its kind's placeholders.
func (p Plan) checkCommands(bad func(field, format string, args ...any)) {
	for _, kind := range grant.CommandFaults {
		c, ok := p.External.Commands[kind]
		if !ok {
			continue
		}
		field := "external.commands." + kind
		if c.Start == "" {
			bad(field+".start", "missing: the command that puts the fault in effect on {node}")
		}
		if c.Heal == "" {
			bad(field+".heal", "missing: the command that undoes it; heals run even when the run is interrupted")
		}
		for _, part := range [][2]string{{"start", c.Start}, {"heal", c.Heal}} {
			if err := grant.CheckTemplate(kind, part[1]); err != nil {
				bad(field+"."+part[0], "%v", err)
			}
		}
	}
}

// linkFaultKinds are the faults that act through the harness's proxy.
func linkFaultKinds() []string {
	var out []string
	for _, k := range nemesis.Kinds {
		if nemesis.IsLinkFault(k) || nemesis.IsClientProcessFault(k) {
			out = append(out, k)
		}
	}
	return out
}

// LinkFaults reports whether the plan has faults that act through the
// harness's proxy, which the run then puts in front of every node.
func (p Plan) LinkFaults() bool {
	return slices.ContainsFunc(p.Nemesis.Faults, func(f nemesis.FaultSpec) bool { return nemesis.IsLinkFault(f.Kind) })
}
