package targets

import (
	"context"
	"strings"
	"testing"
)

type modes []string

func (m modes) ReadModes() []string { return m }
func (m modes) NewRegister(context.Context, Endpoint, RegisterConfig) (Register, error) {
	return nil, nil
}

func TestResolveReadMode(t *testing.T) {
	rt := modes{"plain", "sync"}
	if m, err := ResolveReadMode(rt, ""); m != "plain" || err != nil {
		t.Fatalf("default: %q %v", m, err)
	}
	if m, err := ResolveReadMode(rt, "sync"); m != "sync" || err != nil {
		t.Fatalf("sync: %q %v", m, err)
	}
	if _, err := ResolveReadMode(rt, "stale"); err == nil || !strings.Contains(err.Error(), `unknown read mode "stale" (known: [plain sync])`) {
		t.Fatalf("stale: %v", err)
	}
}
