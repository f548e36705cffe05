package compose

import (
	"context"
	"fmt"
	"net/netip"
	"path/filepath"
	"sort"
	"time"

	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/types"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"
)

// networkKey is the network's key in the compose files.
const networkKey = "chaos"

// plan is a parsed compose file turned into Engine API requests.
type plan struct {
	NetworkName string
	Network     client.NetworkCreateOptions
	Containers  []containerPlan // in node order: n1, n2, ...
	Servers     []containerPlan // target kubernetes's API servers: api1, ...
}

// containerPlan is one service as a container create request.
type containerPlan struct {
	Node   string
	Name   string
	IP     netip.Addr
	Config *container.Config
	Host   *container.HostConfig
	Net    *network.NetworkingConfig
}

// loadPlan reads a rendered compose file with compose-go (interpolating
// env, e.g. the image variable) and turns it into the requests that
// create the network and the nodes' containers.
func loadPlan(ctx context.Context, path string, content []byte, projectName string, env map[string]string, nodes, apiServers int) (plan, error) {
	proj, err := loader.LoadWithContext(ctx, types.ConfigDetails{
		WorkingDir:  filepath.Dir(path),
		ConfigFiles: []types.ConfigFile{{Filename: path, Content: content}},
		Environment: env,
	}, func(o *loader.Options) {
		o.SetProjectName(projectName, true)
	})
	if err != nil {
		return plan{}, fmt.Errorf("load %s: %w", path, err)
	}
	netCfg, ok := proj.Networks[networkKey]
	if !ok {
		return plan{}, fmt.Errorf("load %s: no network %q", path, networkKey)
	}
	netOpts, err := networkOptions(netCfg)
	if err != nil {
		return plan{}, fmt.Errorf("load %s: network %q: %w", path, networkKey, err)
	}
	p := plan{NetworkName: netCfg.Name, Network: netOpts}
	service := func(name string) (containerPlan, error) {
		svc, ok := proj.Services[name]
		if !ok {
			return containerPlan{}, fmt.Errorf("load %s: no service %s", path, name)
		}
		cp, err := containerFrom(svc, netCfg.Name)
		if err != nil {
			return containerPlan{}, fmt.Errorf("load %s: service %s: %w", path, svc.Name, err)
		}
		return cp, nil
	}
	for i := 1; i <= nodes; i++ {
		cp, err := service(nodeName(i))
		if err != nil {
			return plan{}, err
		}
		p.Containers = append(p.Containers, cp)
	}
	for i := 1; i <= apiServers; i++ {
		cp, err := service(apiServerName(i))
		if err != nil {
			return plan{}, err
		}
		p.Servers = append(p.Servers, cp)
	}
	if len(proj.Services) != nodes+apiServers {
		return plan{}, fmt.Errorf("load %s: %d services, want %d", path, len(proj.Services), nodes+apiServers)
	}
	return p, nil
}

func networkOptions(n types.NetworkConfig) (client.NetworkCreateOptions, error) {
	ipam := &network.IPAM{Driver: n.Ipam.Driver}
	if ipam.Driver == "" {
		ipam.Driver = "default"
	}
	for _, pool := range n.Ipam.Config {
		var c network.IPAMConfig
		var err error
		if c.Subnet, err = parsePrefix(pool.Subnet); err != nil {
			return client.NetworkCreateOptions{}, fmt.Errorf("ipam subnet: %w", err)
		}
		if c.IPRange, err = parsePrefix(pool.IPRange); err != nil {
			return client.NetworkCreateOptions{}, fmt.Errorf("ipam ip_range: %w", err)
		}
		if pool.Gateway != "" {
			if c.Gateway, err = netip.ParseAddr(pool.Gateway); err != nil {
				return client.NetworkCreateOptions{}, fmt.Errorf("ipam gateway: %w", err)
			}
		}
		ipam.Config = append(ipam.Config, c)
	}
	return client.NetworkCreateOptions{
		Driver:     n.Driver,
		Internal:   n.Internal,
		Attachable: n.Attachable,
		Options:    n.DriverOpts,
		Labels:     n.Labels,
		IPAM:       ipam,
	}, nil
}

// parsePrefix parses a subnet as the Engine does; "" is no subnet.
func parsePrefix(s string) (netip.Prefix, error) {
	if s == "" {
		return netip.Prefix{}, nil
	}
	return netip.ParsePrefix(s)
}

func containerFrom(svc types.ServiceConfig, netName string) (containerPlan, error) {
	sn, ok := svc.Networks[networkKey]
	if !ok || sn == nil || sn.Ipv4Address == "" {
		return containerPlan{}, fmt.Errorf("no fixed ipv4_address on network %q", networkKey)
	}
	ip, err := netip.ParseAddr(sn.Ipv4Address)
	if err != nil {
		return containerPlan{}, fmt.Errorf("ipv4_address: %w", err)
	}
	if svc.ContainerName == "" {
		return containerPlan{}, fmt.Errorf("no container_name")
	}
	env := make([]string, 0, len(svc.Environment))
	for k, v := range svc.Environment {
		if v != nil {
			env = append(env, k+"="+*v)
		}
	}
	sort.Strings(env)
	cfg := &container.Config{
		Image:      svc.Image,
		Hostname:   svc.Hostname,
		Entrypoint: []string(svc.Entrypoint),
		Cmd:        []string(svc.Command),
		Env:        env,
		Labels:     svc.Labels,
		StopSignal: svc.StopSignal,
	}
	if svc.StopGracePeriod != nil {
		secs := int(time.Duration(*svc.StopGracePeriod).Round(time.Second) / time.Second)
		cfg.StopTimeout = &secs
	}
	host := &container.HostConfig{NetworkMode: container.NetworkMode(netName)}
	aliases := []string{svc.Name}
	netCfg := &network.NetworkingConfig{EndpointsConfig: map[string]*network.EndpointSettings{
		netName: {IPAMConfig: &network.EndpointIPAMConfig{IPv4Address: ip}, Aliases: aliases},
	}}
	return containerPlan{Node: svc.Name, Name: svc.ContainerName, IP: ip, Config: cfg, Host: host, Net: netCfg}, nil
}
