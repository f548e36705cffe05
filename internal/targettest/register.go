package targettest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/chaos-election/chaos/targets"
)

// RunRegister checks a backend's register clients, in every read mode,
// against its real cluster: a write is read back from another node, a cas
// from the current value succeeds, one from another value or on a key
// with none fails with ErrCASFailed, and an absent key reads as absent.
func RunRegister(t *testing.T, tgt targets.RegisterTarget, eps []targets.Endpoint) {
	ctx := context.Background()
	for _, mode := range tgt.ReadModes() {
		t.Run("register "+mode, func(t *testing.T) {
			clients := make([]targets.Register, len(eps))
			for i, ep := range eps {
				r, err := tgt.NewRegister(ctx, ep, targets.RegisterConfig{ReadMode: mode})
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { r.Close() })
				clients[i] = r
			}
			key := "k-" + mode
			if _, found, err := clients[0].Read(ctx, key+"-absent"); err != nil || found {
				t.Fatalf("absent key: found %v, %v", found, err)
			}
			if err := clients[0].CAS(ctx, key+"-absent", []byte("1"), []byte("2")); !errors.Is(err, targets.ErrCASFailed) {
				t.Fatalf("cas on an absent key: %v", err)
			}
			if err := clients[0].Write(ctx, key, []byte("1")); err != nil {
				t.Fatal(err)
			}
			if err := clients[1].CAS(ctx, key, []byte("1"), []byte("2")); err != nil {
				t.Fatalf("cas 1→2: %v", err)
			}
			if err := clients[2].CAS(ctx, key, []byte("1"), []byte("3")); !errors.Is(err, targets.ErrCASFailed) {
				t.Fatalf("cas 1→3 after 1→2: %v", err)
			}
			// Even a read that may be stale settles on the last write.
			for i, c := range clients {
				v, found, err := readSettled(ctx, c, key, "2")
				if err != nil || !found || string(v) != "2" {
					t.Fatalf("n%d reads %q (found %v, %v), want 2", i+1, v, found, err)
				}
			}
		})
	}
	if _, err := tgt.NewRegister(ctx, eps[0], targets.RegisterConfig{ReadMode: "psychic"}); err == nil {
		t.Error("unknown read mode accepted")
	}
}

// readSettled reads key until it has want, for at most a second: a stale
// read may lag (Consul's stale mode did, on a healthy cluster, for more
// than 50 reads in a row).
func readSettled(ctx context.Context, c targets.Register, key, want string) ([]byte, bool, error) {
	var (
		v     []byte
		found bool
		err   error
	)
	for range 50 {
		if v, found, err = c.Read(ctx, key); err == nil && found && string(v) == want {
			return v, found, nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err == nil && !found {
		err = fmt.Errorf("no value")
	}
	return v, found, err
}
