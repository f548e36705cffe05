package compose

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/netip"
	"slices"
	"strings"
	"sync"

	"github.com/containerd/errdefs"
	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/image"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"

	"github.com/chaos-election/chaos/compose/netctl"
)

// fakeDocker is a small in-memory Docker Engine: the subset compose uses,
// with enough behaviour (names, labels, subnets, network namespaces that
// containers join, network agents running the real netctl.Agent over
// in-memory connections, the rules they hold) to test compose without
// Docker.
type fakeDocker struct {
	mu         sync.Mutex
	seq        int
	images     map[string]image.InspectResponse // by ref
	networks   map[string]*fakeNet              // by id
	containers map[string]*fakeCtr              // by id
	calls      []string
	builds     []fakeBuild
	created    []*fakeCtr // every container ever created, removed ones too

	// failNetworkCreate, when set, may refuse a network create.
	failNetworkCreate func(name, subnet string) error
}

type fakeNet struct {
	ID, Name, Subnet string
	Labels           map[string]string
}

type fakeCtr struct {
	ID, Name  string
	Config    *container.Config
	Host      *container.HostConfig
	Net       *network.NetworkingConfig
	Running   bool
	Paused    bool
	ExitCode  int
	StartedAt string
	Starts    int
	Log       string
	agent     *fakeAgent // a running network agent's process
	waiters   []chan container.WaitResponse
}

type fakeBuild struct {
	Opts  client.ImageBuildOptions
	Files map[string][]byte
	// Changes are those of an import (ImageImport), nil for a build.
	Changes []string
}

func newFake() *fakeDocker {
	return &fakeDocker{
		images:     map[string]image.InspectResponse{},
		networks:   map[string]*fakeNet{},
		containers: map[string]*fakeCtr{},
	}
}

var (
	_ engine   = (*fakeDocker)(nil)
	_ buildAPI = (*fakeDocker)(nil)
)

func (f *fakeDocker) id() string {
	f.seq++
	return fmt.Sprintf("%064x", f.seq)
}

func (f *fakeDocker) call(format string, args ...any) {
	f.calls = append(f.calls, fmt.Sprintf(format, args...))
}

// countCalls counts the calls whose text starts with prefix.
func (f *fakeDocker) countCalls(prefix string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.calls {
		if strings.HasPrefix(c, prefix) {
			n++
		}
	}
	return n
}

func notFound(what, id string) error {
	return fmt.Errorf("No such %s: %s: %w", what, id, errdefs.ErrNotFound)
}

func (f *fakeDocker) addImage(ref string, labels map[string]string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.images[ref] = image.InspectResponse{ID: "sha256:" + f.id(), RepoTags: []string{ref},
		Config: &dockerspec.DockerOCIImageConfig{ImageConfig: ocispec.ImageConfig{Labels: labels}}}
}

func (f *fakeDocker) ImageInspect(_ context.Context, ref string, _ ...client.ImageInspectOption) (client.ImageInspectResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.call("ImageInspect %s", ref)
	if im, ok := f.images[ref]; ok {
		return client.ImageInspectResult{InspectResponse: im}, nil
	}
	return client.ImageInspectResult{}, notFound("image", ref)
}

func (f *fakeDocker) ImageBuild(_ context.Context, r io.Reader, opts client.ImageBuildOptions) (client.ImageBuildResult, error) {
	files := map[string][]byte{}
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return client.ImageBuildResult{}, err
		}
		b, _ := io.ReadAll(tr)
		files[h.Name] = b
	}
	f.mu.Lock()
	f.call("ImageBuild %s", opts.Tags[0])
	f.builds = append(f.builds, fakeBuild{Opts: opts, Files: files})
	prev, rebuilt := f.images[opts.Tags[0]]
	f.mu.Unlock()
	// Like the builder's cache: the same inputs give the same image back.
	if !rebuilt || !maps.Equal(prev.Config.Labels, opts.Labels) {
		f.addImage(opts.Tags[0], opts.Labels)
	}
	body := `{"stream":"Step 1/2 : FROM scratch\n"}` + "\n" + `{"stream":"Successfully built\n"}` + "\n"
	return client.ImageBuildResult{Body: io.NopCloser(strings.NewReader(body))}, nil
}

// ImageImport records an import as a build: the tar's regular files, the
// changes, and the labels its LABEL changes set.
func (f *fakeDocker) ImageImport(_ context.Context, src client.ImageImportSource, ref string, opts client.ImageImportOptions) (client.ImageImportResult, error) {
	files := map[string][]byte{}
	tr := tar.NewReader(src.Source)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if h.Typeflag == tar.TypeReg {
			b, _ := io.ReadAll(tr)
			files[strings.TrimPrefix(h.Name, "./")] = b
		}
	}
	labels := map[string]string{}
	for _, c := range opts.Changes {
		if rest, ok := strings.CutPrefix(c, "LABEL "); ok {
			for _, kv := range strings.Fields(rest) {
				k, v, _ := strings.Cut(kv, "=")
				labels[k] = v
			}
		}
	}
	f.mu.Lock()
	f.call("ImageImport %s", ref)
	f.builds = append(f.builds, fakeBuild{Opts: client.ImageBuildOptions{Tags: []string{ref}, Labels: labels}, Files: files, Changes: opts.Changes})
	f.mu.Unlock()
	f.addImage(ref, labels)
	return io.NopCloser(strings.NewReader(`{"status":"sha256:0123"}` + "\n")), nil
}

func (f *fakeDocker) ImageRemove(_ context.Context, id string, _ client.ImageRemoveOptions) (client.ImageRemoveResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.call("ImageRemove %s", id)
	for ref, im := range f.images {
		if im.ID == id {
			delete(f.images, ref)
		}
	}
	return client.ImageRemoveResult{}, nil
}

func (f *fakeDocker) ServerVersion(context.Context, client.ServerVersionOptions) (client.ServerVersionResult, error) {
	return client.ServerVersionResult{Os: "linux", Arch: "amd64", APIVersion: "1.41"}, nil
}

func labelsMatch(args client.Filters, labels map[string]string) bool {
	for l := range args["label"] {
		k, v, hasValue := strings.Cut(l, "=")
		got, present := labels[k]
		if !present || hasValue && got != v {
			return false
		}
	}
	return true
}

func (f *fakeDocker) NetworkList(_ context.Context, opts client.NetworkListOptions) (client.NetworkListResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out client.NetworkListResult
	for _, n := range f.networks {
		if labelsMatch(opts.Filters, n.Labels) {
			out.Items = append(out.Items, network.Summary{Network: network.Network{ID: n.ID, Name: n.Name, Labels: n.Labels,
				IPAM: network.IPAM{Config: []network.IPAMConfig{{Subnet: netip.MustParsePrefix(n.Subnet)}}}}})
		}
	}
	return out, nil
}

func (f *fakeDocker) NetworkCreate(_ context.Context, name string, opts client.NetworkCreateOptions) (client.NetworkCreateResult, error) {
	subnet := opts.IPAM.Config[0].Subnet.String()
	if f.failNetworkCreate != nil {
		if err := f.failNetworkCreate(name, subnet); err != nil {
			return client.NetworkCreateResult{}, err
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.call("NetworkCreate %s %s", name, subnet)
	p := netip.MustParsePrefix(subnet)
	for _, n := range f.networks {
		if n.Name == name {
			return client.NetworkCreateResult{}, fmt.Errorf("network with name %s already exists: %w", name, errdefs.ErrConflict)
		}
		if netip.MustParsePrefix(n.Subnet).Overlaps(p) {
			return client.NetworkCreateResult{}, errors.New("Error response from daemon: Pool overlaps with other one on this address space")
		}
	}
	n := &fakeNet{ID: f.id(), Name: name, Subnet: subnet, Labels: opts.Labels}
	f.networks[n.ID] = n
	return client.NetworkCreateResult{ID: n.ID}, nil
}

func (f *fakeDocker) NetworkRemove(_ context.Context, id string, _ client.NetworkRemoveOptions) (client.NetworkRemoveResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.call("NetworkRemove %s", id)
	if _, ok := f.networks[id]; !ok {
		return client.NetworkRemoveResult{}, notFound("network", id)
	}
	delete(f.networks, id)
	return client.NetworkRemoveResult{}, nil
}

func (f *fakeDocker) ContainerCreate(_ context.Context, opts client.ContainerCreateOptions) (client.ContainerCreateResult, error) {
	cfg, host, name := opts.Config, opts.HostConfig, opts.Name
	f.mu.Lock()
	defer f.mu.Unlock()
	f.call("ContainerCreate %s", name)
	if _, ok := f.images[cfg.Image]; !ok {
		return client.ContainerCreateResult{}, notFound("image", cfg.Image)
	}
	for _, c := range f.containers {
		if c.Name == name {
			return client.ContainerCreateResult{}, fmt.Errorf("name %s in use: %w", name, errdefs.ErrConflict)
		}
	}
	if host.NetworkMode.IsContainer() {
		// As the Engine: a container in another's network namespace has
		// no hostname and no network endpoints of its own.
		if cfg.Hostname != "" {
			return client.ContainerCreateResult{}, errors.New("conflicting options: hostname and the network mode")
		}
		if opts.NetworkingConfig != nil && len(opts.NetworkingConfig.EndpointsConfig) > 0 {
			return client.ContainerCreateResult{}, errors.New("container sharing network namespace with another container or host cannot be connected to any other network")
		}
	}
	c := &fakeCtr{ID: f.id(), Name: name, Config: cfg, Host: host, Net: opts.NetworkingConfig, Log: "hello from " + name + "\n"}
	f.containers[c.ID] = c
	f.created = append(f.created, c)
	return client.ContainerCreateResult{ID: c.ID}, nil
}

// ctr finds a container by id or, as the Engine does, by name.
func (f *fakeDocker) ctr(id string) (*fakeCtr, error) {
	if c, ok := f.containers[id]; ok {
		return c, nil
	}
	for _, c := range f.containers {
		if c.Name == id {
			return c, nil
		}
	}
	return nil, notFound("container", id)
}

// exit stops c and wakes whoever waits for it. f.mu is held.
func (c *fakeCtr) exit(code int) {
	c.Running, c.Paused, c.ExitCode = false, false, code
	if c.agent != nil { // the agent's process ends, its namespace and rules with it
		c.agent.stop()
		c.agent = nil
	}
	for _, w := range c.waiters {
		w <- container.WaitResponse{StatusCode: int64(code)}
	}
	c.waiters = nil
}

func (f *fakeDocker) ContainerStart(_ context.Context, id string, _ client.ContainerStartOptions) (client.ContainerStartResult, error) {
	return client.ContainerStartResult{}, f.start(id)
}

func (f *fakeDocker) start(id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	c, err := f.ctr(id)
	if err != nil {
		return err
	}
	f.call("ContainerStart %s", c.Name)
	if c.Running {
		return nil
	}
	if mode := string(c.Host.NetworkMode); strings.HasPrefix(mode, "container:") {
		target, err := f.ctr(strings.TrimPrefix(mode, "container:"))
		if err != nil {
			return err
		}
		if !target.Running {
			return fmt.Errorf("cannot join network of a non running container: %w", errdefs.ErrConflict)
		}
	}
	c.Running = true
	c.Starts++
	c.StartedAt = fmt.Sprintf("start-%d", f.seq)
	f.seq++
	if c.Config.Labels[LabelRole] == roleNetAgent {
		c.agent = startFakeAgent(f, c, f.nsOwner(c))
		c.Log = "agent listening on " + c.agent.listen + "\n"
	}
	return nil
}

func (f *fakeDocker) ContainerKill(_ context.Context, id string, opts client.ContainerKillOptions) (client.ContainerKillResult, error) {
	return client.ContainerKillResult{}, f.kill(id, opts.Signal)
}

func (f *fakeDocker) kill(id, signal string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	c, err := f.ctr(id)
	if err != nil {
		return err
	}
	f.call("ContainerKill %s %s", c.Name, signal)
	if !c.Running {
		return fmt.Errorf("container %s is not running: %w", id, errdefs.ErrConflict)
	}
	c.exit(137)
	return nil
}

func (f *fakeDocker) ContainerPause(_ context.Context, id string, _ client.ContainerPauseOptions) (client.ContainerPauseResult, error) {
	return client.ContainerPauseResult{}, f.pause(id)
}

func (f *fakeDocker) pause(id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	c, err := f.ctr(id)
	if err != nil {
		return err
	}
	f.call("ContainerPause %s", c.Name)
	if !c.Running || c.Paused {
		return fmt.Errorf("container %s is not running or already paused: %w", id, errdefs.ErrConflict)
	}
	c.Paused = true
	return nil
}

func (f *fakeDocker) ContainerUnpause(_ context.Context, id string, _ client.ContainerUnpauseOptions) (client.ContainerUnpauseResult, error) {
	return client.ContainerUnpauseResult{}, f.unpause(id)
}

func (f *fakeDocker) unpause(id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	c, err := f.ctr(id)
	if err != nil {
		return err
	}
	f.call("ContainerUnpause %s", c.Name)
	if !c.Paused {
		return fmt.Errorf("container %s is not paused: %w", id, errdefs.ErrConflict)
	}
	c.Paused = false
	return nil
}

func (f *fakeDocker) ContainerRemove(_ context.Context, id string, opts client.ContainerRemoveOptions) (client.ContainerRemoveResult, error) {
	return client.ContainerRemoveResult{}, f.remove(id, opts)
}

func (f *fakeDocker) remove(id string, opts client.ContainerRemoveOptions) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	c, err := f.ctr(id)
	if err != nil {
		return err
	}
	f.call("ContainerRemove %s", c.Name)
	if c.Running && !opts.Force {
		return fmt.Errorf("container %s is running: %w", id, errdefs.ErrConflict)
	}
	if c.Running {
		c.exit(137)
	}
	delete(f.containers, id)
	return nil
}

func (f *fakeDocker) ContainerInspect(_ context.Context, id string, _ client.ContainerInspectOptions) (client.ContainerInspectResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c, err := f.ctr(id)
	if err != nil {
		return client.ContainerInspectResult{}, err
	}
	status := container.StateExited
	switch {
	case c.Paused:
		status = container.StatePaused
	case c.Running:
		status = container.StateRunning
	case c.Starts == 0:
		status = container.StateCreated
	}
	settings := &container.NetworkSettings{Networks: map[string]*network.EndpointSettings{}}
	if c.Net != nil && c.Running {
		for name, ep := range c.Net.EndpointsConfig {
			if ep != nil && ep.IPAMConfig != nil {
				settings.Networks[name] = &network.EndpointSettings{IPAddress: ep.IPAMConfig.IPv4Address, Aliases: ep.Aliases}
			}
		}
	}
	return client.ContainerInspectResult{Container: container.InspectResponse{
		ID: c.ID, Name: "/" + c.Name, State: &container.State{
			Status: status, Running: c.Running, Paused: c.Paused, ExitCode: c.ExitCode, StartedAt: c.StartedAt,
		},
		Config: c.Config, HostConfig: c.Host, NetworkSettings: settings,
	}}, nil
}

func (f *fakeDocker) ContainerList(_ context.Context, opts client.ContainerListOptions) (client.ContainerListResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out client.ContainerListResult
	for _, c := range f.containers {
		if (opts.All || c.Running) && labelsMatch(opts.Filters, c.Config.Labels) {
			out.Items = append(out.Items, container.Summary{ID: c.ID, Names: []string{"/" + c.Name}, Labels: c.Config.Labels})
		}
	}
	return out, nil
}

func (f *fakeDocker) ContainerWait(_ context.Context, id string, opts client.ContainerWaitOptions) client.ContainerWaitResult {
	f.mu.Lock()
	defer f.mu.Unlock()
	res, errc := make(chan container.WaitResponse, 1), make(chan error, 1)
	out := client.ContainerWaitResult{Result: res, Error: errc}
	c, err := f.ctr(id)
	if err != nil {
		errc <- err
		return out
	}
	if opts.Condition == container.WaitConditionNotRunning && !c.Running {
		res <- container.WaitResponse{StatusCode: int64(c.ExitCode)}
		return out
	}
	c.waiters = append(c.waiters, res)
	return out
}

func (f *fakeDocker) ContainerLogs(_ context.Context, id string, _ client.ContainerLogsOptions) (client.ContainerLogsResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c, err := f.ctr(id)
	if err != nil {
		return nil, err
	}
	return io.NopCloser(bytes.NewReader(multiplexed(stdcopy.Stdout, c.Log))), nil
}

// multiplexed frames text as the Engine sends a non-TTY container's log:
// an 8-byte header (stream, 3 zero bytes, big-endian length), then text.
func multiplexed(stream stdcopy.StdType, text string) []byte {
	hdr := []byte{byte(stream), 0, 0, 0, 0, 0, 0, 0}
	binary.BigEndian.PutUint32(hdr[4:], uint32(len(text)))
	return append(hdr, text...)
}

// byName finds a container by name.
func (f *fakeDocker) byName(name string) *fakeCtr {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, c := range f.containers {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// rules returns what each node's network namespace drops, as
// netctl.FormatAddrs writes the sources.
func (f *fakeDocker) rules(c *Cluster) map[string]string {
	out := map[string]string{}
	for name, r := range f.nodeRules(c) {
		var drops []netip.Addr
		for a, e := range r.Into {
			if e.Drop {
				drops = append(drops, a)
			}
		}
		out[name] = netctl.FormatAddrs(drops)
	}
	return out
}

// nodeRules returns the rules in force in each node's network namespace:
// those its agent holds (none without a running agent in it).
func (f *fakeDocker) nodeRules(c *Cluster) map[string]netctl.NodeRules {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[string]netctl.NodeRules{}
	for _, n := range c.nodes {
		out[n.Name] = netctl.NodeRules{}
		if a := f.agentIn(f.nsOwner(f.containers[n.ContainerID])); a != nil {
			out[n.Name] = a.kernel.get()
		}
	}
	return out
}

// nsOwner is the container whose network namespace c is in: c itself,
// or the one it joined. f.mu is held.
func (f *fakeDocker) nsOwner(c *fakeCtr) *fakeCtr {
	if c != nil && c.Host.NetworkMode.IsContainer() {
		return f.containers[c.Host.NetworkMode.ConnectedContainer()]
	}
	return c
}

// agentIn is the running agent in owner's current network namespace
// (its own, or one that joined it since it last started). f.mu is held.
func (f *fakeDocker) agentIn(owner *fakeCtr) *fakeAgent {
	if owner == nil {
		return nil
	}
	if owner.agent != nil {
		return owner.agent
	}
	for _, c := range f.containers {
		if c.agent != nil && c.agent.reachable() && c.agent.owner == owner {
			return c.agent
		}
	}
	return nil
}

// names lists every container and network name, sorted.
func (f *fakeDocker) names() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, c := range f.containers {
		out = append(out, "container "+c.Name)
	}
	for _, n := range f.networks {
		out = append(out, "network "+n.Name)
	}
	slices.Sort(out)
	return out
}

func networkOpts(subnet string) client.NetworkCreateOptions {
	return client.NetworkCreateOptions{Driver: "bridge", IPAM: &network.IPAM{Config: []network.IPAMConfig{{Subnet: netip.MustParsePrefix(subnet)}}}}
}

// agents returns the network agents ever created, in order.
func (f *fakeDocker) agents() []*fakeCtr {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []*fakeCtr
	for _, c := range f.created {
		if c.Config.Labels[LabelRole] == roleNetAgent {
			out = append(out, c)
		}
	}
	return out
}

// agentOf returns the running agent container of node (its owner's on a
// cluster Up started).
func (f *fakeDocker) agentOf(c *Cluster, node string) *fakeCtr {
	f.mu.Lock()
	defer f.mu.Unlock()
	i := c.byName[node]
	return f.containers[c.agents[i].containerID]
}
