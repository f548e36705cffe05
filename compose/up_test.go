package compose

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/moby/moby/client"
)

// fakeWithImages is a fake engine holding the local etcd build and the
// netctl image.
func fakeWithImages() *fakeDocker {
	f := newFake()
	f.addImage(EtcdLocalImage, nil)
	f.addImage(NetctlImage, nil)
	return f
}

func upFake(t *testing.T, f *fakeDocker, spec Spec) *Cluster {
	t.Helper()
	if spec.RunID == "" {
		spec.RunID = "r1"
	}
	if spec.Dir == "" {
		spec.Dir = t.TempDir()
	}
	c, err := up(context.Background(), f, spec)
	if err != nil {
		t.Fatalf("up: %v", err)
	}
	return c
}

func TestUp(t *testing.T) {
	f := fakeWithImages()
	var logBuf bytes.Buffer
	var mu sync.Mutex
	probed := map[string]int{}
	dir := t.TempDir()
	c := upFake(t, f, Spec{
		Nodes: 3, RunID: "r1", Dir: dir,
		Log: slog.New(slog.NewTextHandler(&logBuf, nil)),
		Healthy: func(_ context.Context, n Node) error {
			mu.Lock()
			defer mu.Unlock()
			probed[n.Name]++
			if probed[n.Name] < 2 { // unhealthy once, then fine
				return errors.New("starting")
			}
			return nil
		},
	})
	if got := c.Names(); strings.Join(got, ",") != "n1,n2,n3" {
		t.Errorf("Names = %v", got)
	}
	if c.Image() != EtcdLocalImage {
		t.Errorf("image = %s, want %s", c.Image(), EtcdLocalImage)
	}
	if !strings.Contains(logBuf.String(), "using local build chaos-local/etcd:v3.6.16") {
		t.Errorf("the image choice is not logged:\n%s", logBuf.String())
	}
	for i, n := range c.Nodes() {
		if want := nodeIP(c.Subnet(), i+1).String(); n.IP != want || n.ClientAddr != want+":2379" {
			t.Errorf("%s: IP %s client %s, want %s", n.Name, n.IP, n.ClientAddr, want)
		}
		ct := f.byName("chaos-r1-" + n.Name)
		if ct == nil || ct.ID != n.ContainerID || !ct.Running {
			t.Fatalf("%s: container %+v", n.Name, ct)
		}
		if ct.Config.Image != EtcdLocalImage || ct.Config.Labels[LabelRun] != "r1" || ct.Config.Labels[LabelProject] != ProjectValue {
			t.Errorf("%s: image %s labels %v", n.Name, ct.Config.Image, ct.Config.Labels)
		}
		if probed[n.Name] != 2 {
			t.Errorf("%s probed %d times, want 2", n.Name, probed[n.Name])
		}
	}
	if got := f.names(); strings.Join(got, " ") != "container chaos-r1-n1 container chaos-r1-n1-netagent container chaos-r1-n2 container chaos-r1-n2-netagent "+
		"container chaos-r1-n3 container chaos-r1-n3-netagent network chaos-r1" {
		t.Errorf("engine holds %v", got)
	}
	b, err := os.ReadFile(filepath.Join(dir, ComposeFile))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "subnet: "+c.Subnet().String()) {
		t.Errorf("compose.yaml does not hold the subnet %s", c.Subnet())
	}
}

func TestUpPrefersTheOfficialImage(t *testing.T) {
	f := fakeWithImages()
	f.addImage(EtcdOfficialImage, nil)
	c := upFake(t, f, Spec{Nodes: 1})
	if c.Image() != EtcdOfficialImage || f.byName("chaos-r1-n1").Config.Image != EtcdOfficialImage {
		t.Errorf("image = %s, want %s", c.Image(), EtcdOfficialImage)
	}
}

func TestUpWithoutImages(t *testing.T) {
	f := newFake()
	_, err := up(context.Background(), f, Spec{RunID: "r1", Dir: t.TempDir()})
	if err == nil || !strings.Contains(err.Error(), "chaos images build") {
		t.Fatalf("err = %v, want advice to run `chaos images build`", err)
	}
	f.addImage(EtcdLocalImage, nil)
	_, err = up(context.Background(), f, Spec{RunID: "r1", Dir: t.TempDir()})
	if err == nil || !strings.Contains(err.Error(), NetctlImage) {
		t.Fatalf("err = %v, want the missing netctl image named", err)
	}
	if n := f.names(); len(n) != 0 {
		t.Errorf("engine holds %v", n)
	}
}

func TestUpRemovesEverythingWhenUnhealthy(t *testing.T) {
	f := fakeWithImages()
	_, err := up(context.Background(), f, Spec{
		Nodes: 3, RunID: "r1", Dir: t.TempDir(), HealthTimeout: 300 * time.Millisecond,
		Healthy: func(_ context.Context, n Node) error {
			if n.Name == "n2" {
				return errors.New("connection refused")
			}
			return nil
		},
	})
	if err == nil {
		t.Fatal("up with an unhealthy node succeeded")
	}
	msg := err.Error()
	for _, want := range []string{"after 300ms", "n2 (", "connection refused", "hello from chaos-r1-n2"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, "n1 (") {
		t.Errorf("error names the healthy n1:\n%s", msg)
	}
	if n := f.names(); len(n) != 0 {
		t.Errorf("engine still holds %v", n)
	}
}

func TestUpFailsFastWhenAContainerExits(t *testing.T) {
	f := fakeWithImages()
	start := time.Now()
	_, err := up(context.Background(), f, Spec{
		Nodes: 2, RunID: "r1", Dir: t.TempDir(), HealthTimeout: time.Minute,
		Healthy: func(ctx context.Context, n Node) error {
			if n.Name == "n1" {
				_, _ = f.ContainerKill(ctx, n.ContainerID, client.ContainerKillOptions{Signal: "SIGKILL"}) // it crashes
			}
			return errors.New("not yet")
		},
	})
	if err == nil || !strings.Contains(err.Error(), "container exited") {
		t.Fatalf("err = %v, want a container exit reported", err)
	}
	if time.Since(start) > 30*time.Second {
		t.Errorf("up waited %v for a dead container", time.Since(start))
	}
	if n := f.names(); len(n) != 0 {
		t.Errorf("engine still holds %v", n)
	}
}

func TestUpCancelledCleansUp(t *testing.T) {
	f := fakeWithImages()
	ctx, cancel := context.WithCancel(context.Background())
	_, err := up(ctx, f, Spec{
		Nodes: 1, RunID: "r1", Dir: t.TempDir(),
		Healthy: func(context.Context, Node) error { cancel(); return errors.New("not yet") },
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if n := f.names(); len(n) != 0 {
		t.Errorf("engine still holds %v", n)
	}
}

func TestSpecChecks(t *testing.T) {
	f := fakeWithImages()
	for _, s := range []Spec{
		{RunID: "", Dir: "d"},
		{RunID: "a/b", Dir: "d"},
		{RunID: "r", Dir: ""},
		{RunID: "r", Dir: "d", Nodes: MaxNodes + 1},
		{RunID: "r", Dir: "d", Target: "zookeeper"},
	} {
		if _, err := up(context.Background(), f, s); err == nil {
			t.Errorf("up(%+v): want error", s)
		}
	}
	if n := f.names(); len(n) != 0 {
		t.Errorf("engine holds %v", n)
	}
}
