package compose

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

func TestNewDockerSaysWhereItLooked(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "no-docker.sock")
	t.Setenv("DOCKER_HOST", "unix://"+sock)
	dc, err := NewDocker(context.Background())
	if err == nil {
		dc.Close()
		t.Fatal("NewDocker with no engine succeeded")
	}
	if msg := err.Error(); !strings.HasPrefix(msg, "docker unreachable") || !strings.Contains(msg, sock) {
		t.Errorf("err = %q, want it to start with \"docker unreachable\" and name %s", msg, sock)
	}
}
