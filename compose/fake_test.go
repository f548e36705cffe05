package compose

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/netip"
	"slices"
	"strings"
	"sync"

	"github.com/containerd/errdefs"
	"github.com/docker/docker/api/types"
	"github.com/docker/docker/api/types/build"
	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/filters"
	"github.com/docker/docker/api/types/image"
	"github.com/docker/docker/api/types/network"
	"github.com/docker/docker/client"
	"github.com/docker/docker/pkg/stdcopy"
	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// fakeDocker is a small in-memory Docker Engine: the subset compose uses,
// with enough behaviour (names, labels, subnets, network namespaces shared
// by sidecars, the netctl rules they set) to test compose without Docker.
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
	Running   bool
	Paused    bool
	ExitCode  int
	StartedAt string
	Starts    int
	Log       string
	Rules     string // what netctl made its namespace drop
	waiters   []chan container.WaitResponse
}

type fakeBuild struct {
	Opts  build.ImageBuildOptions
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

func (f *fakeDocker) ImageInspect(_ context.Context, ref string, _ ...client.ImageInspectOption) (image.InspectResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.call("ImageInspect %s", ref)
	if im, ok := f.images[ref]; ok {
		return im, nil
	}
	return image.InspectResponse{}, notFound("image", ref)
}

func (f *fakeDocker) ImageBuild(_ context.Context, r io.Reader, opts build.ImageBuildOptions) (build.ImageBuildResponse, error) {
	files := map[string][]byte{}
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return build.ImageBuildResponse{}, err
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
	return build.ImageBuildResponse{Body: io.NopCloser(strings.NewReader(body))}, nil
}

// ImageImport records an import as a build: the tar's regular files, the
// changes, and the labels its LABEL changes set.
func (f *fakeDocker) ImageImport(_ context.Context, src image.ImportSource, ref string, opts image.ImportOptions) (io.ReadCloser, error) {
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
	f.builds = append(f.builds, fakeBuild{Opts: build.ImageBuildOptions{Tags: []string{ref}, Labels: labels}, Files: files, Changes: opts.Changes})
	f.mu.Unlock()
	f.addImage(ref, labels)
	return io.NopCloser(strings.NewReader(`{"status":"sha256:0123"}` + "\n")), nil
}

func (f *fakeDocker) ImageRemove(_ context.Context, id string, _ image.RemoveOptions) ([]image.DeleteResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.call("ImageRemove %s", id)
	for ref, im := range f.images {
		if im.ID == id {
			delete(f.images, ref)
		}
	}
	return nil, nil
}

func (f *fakeDocker) ServerVersion(context.Context) (types.Version, error) {
	return types.Version{Os: "linux", Arch: "amd64", APIVersion: "1.41"}, nil
}

func labelsMatch(args filters.Args, labels map[string]string) bool {
	for _, l := range args.Get("label") {
		k, v, hasValue := strings.Cut(l, "=")
		got, present := labels[k]
		if !present || hasValue && got != v {
			return false
		}
	}
	return true
}

func (f *fakeDocker) NetworkList(_ context.Context, opts network.ListOptions) ([]network.Summary, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []network.Summary
	for _, n := range f.networks {
		if labelsMatch(opts.Filters, n.Labels) {
			out = append(out, network.Summary{ID: n.ID, Name: n.Name, Labels: n.Labels,
				IPAM: network.IPAM{Config: []network.IPAMConfig{{Subnet: n.Subnet}}}})
		}
	}
	return out, nil
}

func (f *fakeDocker) NetworkCreate(_ context.Context, name string, opts network.CreateOptions) (network.CreateResponse, error) {
	subnet := opts.IPAM.Config[0].Subnet
	if f.failNetworkCreate != nil {
		if err := f.failNetworkCreate(name, subnet); err != nil {
			return network.CreateResponse{}, err
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.call("NetworkCreate %s %s", name, subnet)
	p := netip.MustParsePrefix(subnet)
	for _, n := range f.networks {
		if n.Name == name {
			return network.CreateResponse{}, fmt.Errorf("network with name %s already exists: %w", name, errdefs.ErrConflict)
		}
		if netip.MustParsePrefix(n.Subnet).Overlaps(p) {
			return network.CreateResponse{}, errors.New("Error response from daemon: Pool overlaps with other one on this address space")
		}
	}
	n := &fakeNet{ID: f.id(), Name: name, Subnet: subnet, Labels: opts.Labels}
	f.networks[n.ID] = n
	return network.CreateResponse{ID: n.ID}, nil
}

func (f *fakeDocker) NetworkRemove(_ context.Context, id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.call("NetworkRemove %s", id)
	if _, ok := f.networks[id]; !ok {
		return notFound("network", id)
	}
	delete(f.networks, id)
	return nil
}

func (f *fakeDocker) ContainerCreate(_ context.Context, cfg *container.Config, host *container.HostConfig,
	_ *network.NetworkingConfig, _ *ocispec.Platform, name string) (container.CreateResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.call("ContainerCreate %s", name)
	if _, ok := f.images[cfg.Image]; !ok {
		return container.CreateResponse{}, notFound("image", cfg.Image)
	}
	for _, c := range f.containers {
		if c.Name == name {
			return container.CreateResponse{}, fmt.Errorf("name %s in use: %w", name, errdefs.ErrConflict)
		}
	}
	c := &fakeCtr{ID: f.id(), Name: name, Config: cfg, Host: host, Log: "hello from " + name + "\n"}
	f.containers[c.ID] = c
	f.created = append(f.created, c)
	return container.CreateResponse{ID: c.ID}, nil
}

func (f *fakeDocker) ctr(id string) (*fakeCtr, error) {
	if c, ok := f.containers[id]; ok {
		return c, nil
	}
	return nil, notFound("container", id)
}

// exit stops c and wakes whoever waits for it. f.mu is held.
func (c *fakeCtr) exit(code int) {
	c.Running, c.Paused, c.ExitCode = false, false, code
	c.Rules = "" // the network namespace is gone
	for _, w := range c.waiters {
		w <- container.WaitResponse{StatusCode: int64(code)}
	}
	c.waiters = nil
}

func (f *fakeDocker) ContainerStart(_ context.Context, id string, _ container.StartOptions) error {
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
	var target *fakeCtr
	if mode := string(c.Host.NetworkMode); strings.HasPrefix(mode, "container:") {
		target, err = f.ctr(strings.TrimPrefix(mode, "container:"))
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
	if c.Config.Labels[LabelRole] == roleNetctl {
		out, code := runFakeNetctl(c.Config.Cmd, target)
		c.Log = out
		c.exit(code)
	}
	return nil
}

// runFakeNetctl does what `chaos netctl` does, to the target's namespace.
func runFakeNetctl(args []string, target *fakeCtr) (string, int) {
	switch {
	case len(args) == 4 && args[1] == "drop":
		target.Rules = args[3]
	case len(args) == 2 && args[1] == "clear":
		target.Rules = ""
	case len(args) == 2 && args[1] == "show":
	default:
		return fmt.Sprintf("bad netctl args %v\n", args), 2
	}
	r := target.Rules
	if r == "" {
		r = "none"
	}
	return "dropping from: " + r + "\n", 0
}

func (f *fakeDocker) ContainerKill(_ context.Context, id, signal string) error {
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

func (f *fakeDocker) ContainerPause(_ context.Context, id string) error {
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

func (f *fakeDocker) ContainerUnpause(_ context.Context, id string) error {
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

func (f *fakeDocker) ContainerRemove(_ context.Context, id string, opts container.RemoveOptions) error {
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

func (f *fakeDocker) ContainerInspect(_ context.Context, id string) (container.InspectResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c, err := f.ctr(id)
	if err != nil {
		return container.InspectResponse{}, err
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
	return container.InspectResponse{
		ContainerJSONBase: &container.ContainerJSONBase{ID: c.ID, Name: "/" + c.Name, State: &container.State{
			Status: status, Running: c.Running, Paused: c.Paused, ExitCode: c.ExitCode, StartedAt: c.StartedAt,
		}},
		Config: c.Config,
	}, nil
}

func (f *fakeDocker) ContainerList(_ context.Context, opts container.ListOptions) ([]container.Summary, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []container.Summary
	for _, c := range f.containers {
		if (opts.All || c.Running) && labelsMatch(opts.Filters, c.Config.Labels) {
			out = append(out, container.Summary{ID: c.ID, Names: []string{"/" + c.Name}, Labels: c.Config.Labels})
		}
	}
	return out, nil
}

func (f *fakeDocker) ContainerWait(_ context.Context, id string, cond container.WaitCondition) (<-chan container.WaitResponse, <-chan error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	res, errc := make(chan container.WaitResponse, 1), make(chan error, 1)
	c, err := f.ctr(id)
	if err != nil {
		errc <- err
		return res, errc
	}
	if cond == container.WaitConditionNotRunning && !c.Running {
		res <- container.WaitResponse{StatusCode: int64(c.ExitCode)}
		return res, errc
	}
	c.waiters = append(c.waiters, res)
	return res, errc
}

func (f *fakeDocker) ContainerLogs(_ context.Context, id string, _ container.LogsOptions) (io.ReadCloser, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c, err := f.ctr(id)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	_, _ = stdcopy.NewStdWriter(&buf, stdcopy.Stdout).Write([]byte(c.Log))
	return io.NopCloser(&buf), nil
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

// rules returns what each node container's namespace drops.
func (f *fakeDocker) rules(c *Cluster) map[string]string {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[string]string{}
	for _, n := range c.nodes {
		out[n.Name] = f.containers[n.ContainerID].Rules
	}
	return out
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

func networkOpts(subnet string) network.CreateOptions {
	return network.CreateOptions{Driver: "bridge", IPAM: &network.IPAM{Config: []network.IPAMConfig{{Subnet: subnet}}}}
}

// sidecars returns the netctl sidecars ever created, in order.
func (f *fakeDocker) sidecars() []*fakeCtr {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []*fakeCtr
	for _, c := range f.created {
		if c.Config.Labels[LabelRole] == roleNetctl {
			out = append(out, c)
		}
	}
	return out
}
