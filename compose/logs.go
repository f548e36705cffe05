package compose

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/client"
)

// LogsDir is where CollectLogs writes, under Spec.Dir.
const LogsDir = "logs"

// CollectLogs writes each node's container log (stdout and stderr,
// demultiplexed, interleaved as written) to Dir/logs/<node>.log, and its
// network agent's (what it applied, its proxy's connections) to
// Dir/logs/<node>-agent.log, and each API server's to
// Dir/logs/api<i>.log. Call it before Down, on a context that
// outlives cancellation.
func (c *Cluster) CollectLogs(ctx context.Context) error {
	dir := filepath.Join(c.spec.Dir, LogsDir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("collect logs: %w", err)
	}
	errs := make([]error, len(c.nodes)+len(c.agents)+len(c.servers))
	var wg sync.WaitGroup
	for i, n := range c.nodes {
		wg.Go(func() { errs[i] = c.writeLog(ctx, n.Name, n.ContainerID, filepath.Join(dir, n.Name+".log")) })
	}
	for i, ag := range c.agents {
		name := c.nodes[i].Name + "-agent"
		wg.Go(func() { errs[len(c.nodes)+i] = c.writeLog(ctx, name, ag.containerID, filepath.Join(dir, name+".log")) })
	}
	for i, n := range c.servers {
		wg.Go(func() {
			errs[len(c.nodes)+len(c.agents)+i] = c.writeLog(ctx, n.Name, n.ContainerID, filepath.Join(dir, n.Name+".log"))
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("collect logs: %w", err)
	}
	return nil
}

// writeLog writes the log of container id, called name, to path.
func (c *Cluster) writeLog(ctx context.Context, name, id, path string) (err error) {
	rc, err := c.api.ContainerLogs(ctx, id, client.ContainerLogsOptions{ShowStdout: true, ShowStderr: true})
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	defer rc.Close()
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	defer func() { err = errors.Join(err, f.Close()) }()
	if _, err := stdcopy.StdCopy(f, f, rc); err != nil {
		return fmt.Errorf("%s: read log: %w", name, err)
	}
	return nil
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
