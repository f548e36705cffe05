//go:build docker

package compose

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/moby/moby/client"
)

// DOCKER_HOST=ssh://user@host:port reaches the engine through the
// machine's ssh client running `docker system dial-stdio` on the far side.
// Here "ssh" is a stand-in on PATH that records its arguments and runs the
// remote command locally, so the bridge to the real engine is what is
// tested, through the real docker CLI; no other host is involved.
func TestDockerHostOverSSH(t *testing.T) {
	dir := t.TempDir()
	record := filepath.Join(dir, "args")
	fake := "#!/bin/sh\necho \"$@\" >> " + record + "\nwhile [ \"$1\" != \"--\" ]; do shift; done\nshift; shift\nexec env -u DOCKER_HOST \"$@\"\n" // the far side has its own engine
	if err := os.WriteFile(filepath.Join(dir, "ssh"), []byte(fake), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	t.Setenv("DOCKER_HOST", "ssh://chaos@staging-docker:2222")
	ctx := context.Background()
	dc, err := NewDocker(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer dc.Close()
	info, err := dc.Info(ctx, client.InfoOptions{})
	if err != nil || info.Info.ID == "" {
		t.Fatalf("engine info over ssh: %v", err)
	}
	if _, err := Leftovers(ctx, dc, ""); err != nil {
		t.Fatalf("list containers over ssh: %v", err)
	}
	b, _ := os.ReadFile(record)
	if !strings.Contains(string(b), "-l chaos -p 2222 -- staging-docker docker system dial-stdio") {
		t.Fatalf("ssh was run as %q", b)
	}
	t.Setenv("DOCKER_HOST", "ssh://staging-docker/some/path")
	if _, err := NewDocker(ctx); err == nil || !strings.Contains(err.Error(), "takes no path") {
		t.Fatalf("an ssh host with a path: %v", err)
	}
}
