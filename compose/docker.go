package compose

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/docker/docker/api/types"
	"github.com/docker/docker/api/types/build"
	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/image"
	"github.com/docker/docker/api/types/network"
	"github.com/docker/docker/client"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
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
	dc, err := client.NewClientWithOpts(append([]client.Opt{client.FromEnv, client.WithAPIVersionNegotiation()}, ssh...)...)
	if err != nil {
		return nil, fmt.Errorf("docker unreachable: client for DOCKER_HOST: %w", err)
	}
	pctx, cancel := context.WithTimeout(ctx, pingTimeout)
	defer cancel()
	if _, err := dc.Ping(pctx); err != nil {
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
	ImageInspect(ctx context.Context, ref string, opts ...client.ImageInspectOption) (image.InspectResponse, error)
}

type imageBuildAPI interface {
	imageAPI
	ImageBuild(ctx context.Context, buildContext io.Reader, opts build.ImageBuildOptions) (build.ImageBuildResponse, error)
}

type networkAPI interface {
	NetworkList(ctx context.Context, opts network.ListOptions) ([]network.Summary, error)
	NetworkCreate(ctx context.Context, name string, opts network.CreateOptions) (network.CreateResponse, error)
	NetworkRemove(ctx context.Context, id string) error
}

type containerAPI interface {
	ContainerCreate(ctx context.Context, cfg *container.Config, host *container.HostConfig,
		net *network.NetworkingConfig, platform *ocispec.Platform, name string) (container.CreateResponse, error)
	ContainerStart(ctx context.Context, id string, opts container.StartOptions) error
	ContainerKill(ctx context.Context, id, signal string) error
	ContainerPause(ctx context.Context, id string) error
	ContainerUnpause(ctx context.Context, id string) error
	ContainerRemove(ctx context.Context, id string, opts container.RemoveOptions) error
	ContainerInspect(ctx context.Context, id string) (container.InspectResponse, error)
	ContainerList(ctx context.Context, opts container.ListOptions) ([]container.Summary, error)
	ContainerWait(ctx context.Context, id string, cond container.WaitCondition) (<-chan container.WaitResponse, <-chan error)
	ContainerLogs(ctx context.Context, id string, opts container.LogsOptions) (io.ReadCloser, error)
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
	_               = types.Ping{}
)
