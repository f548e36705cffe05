//go:build docker

package targettest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"net"
	"testing"
	"time"

	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"

	"github.com/chaos-election/chaos/compose"
)

// Container is one backend server a test runs by itself, outside a
// compose cluster: for configurations compose does not make (TLS,
// ACLs).
type Container struct {
	Image      string
	Entrypoint []string
	Cmd        []string
	Env        []string // "NAME=value"
	Binds      []string // "host-path:container-path[:ro]"
}

// Start creates and starts c on Docker's default bridge, labelled as
// chaos's (io.chaos.project=chaos and a run id of its own, so `chaos down`
// finds it), and returns its IP address; t.Cleanup removes it, showing its
// log when the test failed. It fails the test when Docker is unreachable.
func Start(t testing.TB, ctx context.Context, c Container) net.IP {
	t.Helper()
	dc, err := compose.NewDocker(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dc.Close() })
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	runID := "t" + hex.EncodeToString(b)
	cfg := &container.Config{
		Image:      c.Image,
		Entrypoint: c.Entrypoint,
		Cmd:        c.Cmd,
		Env:        c.Env,
		Labels: map[string]string{compose.LabelProject: compose.ProjectValue, compose.LabelRun: runID,
			compose.LabelNode: "n1", compose.LabelRole: "node"},
	}
	created, err := dc.ContainerCreate(ctx, client.ContainerCreateOptions{
		Config: cfg, HostConfig: &container.HostConfig{Binds: c.Binds}, Name: "chaos-" + runID + "-n1",
	})
	if err != nil {
		t.Fatalf("create a container of %s (is the image built?): %v", c.Image, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if t.Failed() {
			t.Logf("log of %s:\n%s", c.Image, containerLog(ctx, dc, created.ID))
		}
		if _, err := dc.ContainerRemove(ctx, created.ID, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true}); err != nil {
			t.Errorf("remove the container of %s: %v", c.Image, err)
		}
	})
	if _, err := dc.ContainerStart(ctx, created.ID, client.ContainerStartOptions{}); err != nil {
		t.Fatal(err)
	}
	res, err := dc.ContainerInspect(ctx, created.ID, client.ContainerInspectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	insp := res.Container
	if insp.NetworkSettings != nil {
		for _, n := range insp.NetworkSettings.Networks {
			if n == nil {
				continue
			}
			if n.IPAddress.IsValid() {
				return net.IP(n.IPAddress.AsSlice())
			}
		}
	}
	t.Fatalf("the container of %s has no address", c.Image)
	return nil
}

// Eventually calls fn every 200 ms until it returns nil, failing the test
// with its last error after timeout.
func Eventually(t testing.TB, timeout time.Duration, what string, fn func() error) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		err := fn()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %v", what, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// containerLog is the tail of a container's output.
func containerLog(ctx context.Context, dc *client.Client, id string) string {
	rc, err := dc.ContainerLogs(ctx, id, client.ContainerLogsOptions{ShowStdout: true, ShowStderr: true, Tail: "40"})
	if err != nil {
		return err.Error()
	}
	defer rc.Close()
	var out bytes.Buffer
	if _, err := stdcopy.StdCopy(&out, &out, rc); err != nil {
		out.WriteString(err.Error())
	}
	return out.String()
}
