package compose

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
)

// sidecarTimeout bounds one netctl sidecar, start to exit.
const sidecarTimeout = 30 * time.Second

// removeTimeout bounds removing one container on cleanup paths.
const removeTimeout = 15 * time.Second

// runNetctl runs `/chaos <args>` in a one-shot container from the netctl
// image that shares n's network namespace (and may change its nftables
// rules), waits for it to exit, removes it, and returns its output. A
// non-zero exit is an error carrying the output.
func (c *Cluster) runNetctl(ctx context.Context, n Node, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, sidecarTimeout)
	defer cancel()
	what := strings.Join(args, " ")
	name := fmt.Sprintf("%s-netctl-%s-%d", prefix(c.spec.RunID), n.Name, c.seq.Add(1))
	cfg := &container.Config{
		Image:      NetctlImage,
		Entrypoint: []string{"/chaos"},
		Cmd:        args,
		Labels: map[string]string{
			LabelProject: ProjectValue, LabelRun: c.spec.RunID, LabelNode: n.Name, LabelRole: roleNetctl,
		},
	}
	host := &container.HostConfig{
		NetworkMode: container.NetworkMode("container:" + n.ContainerID),
		CapAdd:      []string{"NET_ADMIN"},
	}
	created, err := c.api.ContainerCreate(ctx, client.ContainerCreateOptions{Config: cfg, HostConfig: host, Name: name})
	if err != nil {
		return "", fmt.Errorf("%s on %s: create sidecar: %w", what, n.Name, err)
	}
	defer func() {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), removeTimeout)
		defer cancel()
		if _, err := c.api.ContainerRemove(rctx, created.ID, client.ContainerRemoveOptions{Force: true}); err != nil {
			c.log.Warn("remove netctl sidecar", "node", n.Name, "container", name, "err", err)
		}
	}()
	wait := c.api.ContainerWait(ctx, created.ID, client.ContainerWaitOptions{Condition: container.WaitConditionNextExit})
	if _, err := c.api.ContainerStart(ctx, created.ID, client.ContainerStartOptions{}); err != nil {
		return "", fmt.Errorf("%s on %s: start sidecar: %w", what, n.Name, err)
	}
	var code int64
	select {
	case res := <-wait.Result:
		code = res.StatusCode
		if res.Error != nil && res.Error.Message != "" {
			return "", fmt.Errorf("%s on %s: sidecar: %s", what, n.Name, res.Error.Message)
		}
	case err := <-wait.Error:
		return "", fmt.Errorf("%s on %s: wait for sidecar: %w", what, n.Name, err)
	}
	out, logErr := containerOutput(ctx, c.api, created.ID, "")
	if code != 0 {
		return out, fmt.Errorf("%s on %s: sidecar exited %d: %s", what, n.Name, code, strings.TrimSpace(out))
	}
	if logErr != nil {
		return "", fmt.Errorf("%s on %s: sidecar output: %w", what, n.Name, logErr)
	}
	return out, nil
}

// containerOutput returns a container's stdout and stderr interleaved
// (demultiplexed), the last tail lines of it when tail is not "".
func containerOutput(ctx context.Context, api containerAPI, id, tail string) (string, error) {
	rc, err := api.ContainerLogs(ctx, id, client.ContainerLogsOptions{ShowStdout: true, ShowStderr: true, Tail: tail})
	if err != nil {
		return "", err
	}
	defer rc.Close()
	var buf bytes.Buffer
	if _, err := stdcopy.StdCopy(&buf, &buf, rc); err != nil {
		return buf.String(), err
	}
	return buf.String(), nil
}
