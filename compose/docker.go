package compose

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/client"
)

// pingTimeout bounds the first contact with the Docker Engine.
const pingTimeout = 10 * time.Second

// NewDocker connects to the Docker Engine named by the environment
// (DOCKER_HOST: the local socket by default, tcp://, unix://, or
// ssh://[user@]host[:port] through the machine's ssh client), negotiates
// the API version and pings it. When the engine cannot be reached the
// error starts with "docker unreachable" and names the address it tried.
func NewDocker(ctx context.Context) (*client.Client, error) {
	ssh, err := sshOptions()
	if err != nil {
		return nil, fmt.Errorf("docker unreachable: %w", err)
	}
	dc, err := client.New(append([]client.Opt{client.FromEnv}, ssh...)...)
	if err != nil {
		return nil, fmt.Errorf("docker unreachable: client for DOCKER_HOST: %w", err)
	}
	pctx, cancel := context.WithTimeout(ctx, pingTimeout)
	defer cancel()
	if _, err := dc.Ping(pctx, client.PingOptions{NegotiateAPIVersion: true}); err != nil {
		host := dc.DaemonHost()
		if ssh != nil {
			host = os.Getenv(client.EnvOverrideHost)
		}
		_ = dc.Close()
		return nil, fmt.Errorf("docker unreachable: no Docker Engine answered at %s (is it running? set DOCKER_HOST to use another): %w", host, err)
	}
	return dc, nil
}

// The parts of the Docker Engine API compose uses, declared narrowly (as
// pumba does) so the tests can run against a small hand-written fake.
// *client.Client satisfies all of them.

type imageAPI interface {
	ImageInspect(ctx context.Context, ref string, opts ...client.ImageInspectOption) (client.ImageInspectResult, error)
}

type imageBuildAPI interface {
	imageAPI
	ImageBuild(ctx context.Context, buildContext io.Reader, opts client.ImageBuildOptions) (client.ImageBuildResult, error)
}

type networkAPI interface {
	NetworkList(ctx context.Context, opts client.NetworkListOptions) (client.NetworkListResult, error)
	NetworkCreate(ctx context.Context, name string, opts client.NetworkCreateOptions) (client.NetworkCreateResult, error)
	NetworkRemove(ctx context.Context, id string, opts client.NetworkRemoveOptions) (client.NetworkRemoveResult, error)
}

type containerAPI interface {
	ContainerCreate(ctx context.Context, opts client.ContainerCreateOptions) (client.ContainerCreateResult, error)
	ContainerStart(ctx context.Context, id string, opts client.ContainerStartOptions) (client.ContainerStartResult, error)
	ContainerKill(ctx context.Context, id string, opts client.ContainerKillOptions) (client.ContainerKillResult, error)
	ContainerPause(ctx context.Context, id string, opts client.ContainerPauseOptions) (client.ContainerPauseResult, error)
	ContainerUnpause(ctx context.Context, id string, opts client.ContainerUnpauseOptions) (client.ContainerUnpauseResult, error)
	ContainerRemove(ctx context.Context, id string, opts client.ContainerRemoveOptions) (client.ContainerRemoveResult, error)
	ContainerInspect(ctx context.Context, id string, opts client.ContainerInspectOptions) (client.ContainerInspectResult, error)
	ContainerList(ctx context.Context, opts client.ContainerListOptions) (client.ContainerListResult, error)
	ContainerWait(ctx context.Context, id string, opts client.ContainerWaitOptions) client.ContainerWaitResult
	ContainerLogs(ctx context.Context, id string, opts client.ContainerLogsOptions) (client.ContainerLogsResult, error)
}

// engine is everything a Cluster needs.
type engine interface {
	imageAPI
	networkAPI
	containerAPI
}

var (
	_ engine        = (*client.Client)(nil)
	_ imageBuildAPI = (*client.Client)(nil)
)

// createTimeout bounds one create request to the Engine.
const createTimeout = 60 * time.Second

// createContext is the context of a create request: not cancelled with
// ctx. A create cancelled while the Engine carries it out can still make
// the network or container after the client gave up, and after the
// teardown of the interrupted start-up listed what to remove (seen under
// load: a run's network left behind by a Ctrl-C at start-up). Seen
// through, what it made is there for the teardown; the next step of
// start-up then fails on ctx.
func createContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), createTimeout)
}

// createNetwork creates a network and refuses a name already taken, as
// the Engine does for API 1.44 and later. Older engines (API < 1.44, e.g.
// Docker 20.10) refuse a duplicate name only when the request asks them to
// (CheckDuplicate), which the moby client no longer sends: they create a
// second network of that name and only warn. Such a duplicate is removed
// again and the create fails with a conflict, as before.
func createNetwork(ctx context.Context, api networkAPI, name string, opts client.NetworkCreateOptions) (client.NetworkCreateResult, error) {
	cctx, cancel := createContext(ctx)
	defer cancel()
	res, err := api.NetworkCreate(cctx, name, opts)
	if err != nil {
		return res, err
	}
	for _, w := range res.Warning {
		if strings.Contains(w, "already exists") {
			if _, rerr := api.NetworkRemove(context.WithoutCancel(ctx), res.ID, client.NetworkRemoveOptions{}); rerr != nil {
				return client.NetworkCreateResult{}, fmt.Errorf("network with name %s already exists (%s); remove the duplicate %s: %w: %w",
					name, w, res.ID, rerr, errdefs.ErrConflict)
			}
			return client.NetworkCreateResult{}, fmt.Errorf("network with name %s already exists: %s: %w", name, w, errdefs.ErrConflict)
		}
	}
	return res, nil
}
