package targettest

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chaos-election/chaos/targets"
)

// NamespacedBackend is what the key-root tests need of a backend.
type NamespacedBackend struct {
	Endpoints []targets.Endpoint
	// New returns a target whose every key lives under root; it is also a
	// targets.Namespaced and a targets.RegisterTarget.
	New func(root string) targets.Target
	// RootBase is where the test's roots go: "/t-ns" (etcd, ZooKeeper)
	// or "t-ns" (Consul).
	RootBase string
	// AllKeys lists, with the backend's own client, every key (znode) the
	// backend holds, wherever it is.
	AllKeys func(ctx context.Context) ([]string, error)
	// RootIsKey is true when the root itself is a key (a znode) that
	// Clean removes and counts but Existing does not list.
	RootIsKey bool
}

// RandomRoot is base + "/" + 8 random hex digits.
func RandomRoot(base string) string {
	return base + "/" + RandomHex(4)
}

// RunNamespaced checks a backend's key root against its real cluster: a
// short election (campaign, fenced write) and a register write under one
// root create keys there and nowhere else; Existing lists them, sorted
// and bounded by its limit; Clean removes them all, counting them, and
// Existing is then empty; another root's keys are untouched.
func RunNamespaced(t *testing.T, b NamespacedBackend) {
	t.Run("key root", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		rootA, rootB := RandomRoot(b.RootBase), RandomRoot(b.RootBase)
		before, err := b.AllKeys(ctx)
		if err != nil {
			t.Fatal(err)
		}
		nsA := exercise(t, ctx, b, rootA, true)
		nsB := exercise(t, ctx, b, rootB, false)
		t.Cleanup(func() { _, _ = nsB.Clean(context.Background(), b.Endpoints) })

		after, err := b.AllKeys(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range after {
			if slices.Contains(before, k) || targets.Under(k, rootA) || targets.Under(k, rootB) {
				continue
			}
			// A parent of the roots (a znode ZooKeeper needs) is all that
			// may appear elsewhere.
			if !strings.HasPrefix(rootA, k+"/") {
				t.Errorf("key %q written outside the roots %s and %s", k, rootA, rootB)
			}
		}

		listA := existing(t, ctx, nsA, b.Endpoints, rootA, 0)
		listB := existing(t, ctx, nsB, b.Endpoints, rootB, 0)
		if one := existing(t, ctx, nsA, b.Endpoints, rootA, 1); len(one) != 1 || one[0] != listA[0] {
			t.Errorf("Existing with limit 1: %q, want the first of %q", one, listA)
		}
		n, err := nsA.Clean(ctx, b.Endpoints)
		if err != nil {
			t.Fatal(err)
		}
		want := len(listA)
		if b.RootIsKey {
			want++
		}
		if n != want {
			t.Errorf("Clean removed %d, want %d (%q)", n, want, listA)
		}
		if left := existing(t, ctx, nsA, b.Endpoints, rootA, 0); len(left) != 0 {
			t.Errorf("after Clean, %s holds %q", rootA, left)
		}
		if again, err := nsA.Clean(ctx, b.Endpoints); err != nil || again != 0 {
			t.Errorf("a second Clean: %d, %v", again, err)
		}
		if gotB := existing(t, ctx, nsB, b.Endpoints, rootB, 0); !slices.Equal(gotB, listB) {
			t.Errorf("cleaning %s changed %s: %q, was %q", rootA, rootB, gotB, listB)
		}
		t.Logf("%s: %d keys listed, %d removed: %q", rootA, len(listA), n, listA)
	})
}

// exercise runs a campaign, a fenced write and a register write under root
// and returns the target, its clients closed; with check, it first checks
// that the root is empty and that Existing sees the live leader's key.
func exercise(t *testing.T, ctx context.Context, b NamespacedBackend, root string, check bool) targets.Namespaced {
	t.Helper()
	tgt := b.New(root)
	ns, ok := tgt.(targets.Namespaced)
	if !ok {
		t.Fatalf("%s target is not targets.Namespaced", tgt.Name())
	}
	rt, ok := tgt.(targets.RegisterTarget)
	if !ok {
		t.Fatalf("%s target is not a targets.RegisterTarget", tgt.Name())
	}
	if ns.Root() != root {
		t.Fatalf("Root() = %q, want %q", ns.Root(), root)
	}
	if check {
		if keys := existing(t, ctx, ns, b.Endpoints, root, 0); len(keys) != 0 {
			t.Fatalf("a fresh root holds %q", keys)
		}
	}
	c, _ := Lead(t, ctx, tgt, b.Endpoints[0], targets.CandidateConfig{Process: b.Endpoints[0].Node, TTL: 2 * time.Second})
	defer c.Close()
	r, err := rt.NewRegister(ctx, b.Endpoints[1], targets.RegisterConfig{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if err := r.Write(ctx, "k1", []byte("1")); err != nil {
		t.Fatal(err)
	}
	if check {
		keys := existing(t, ctx, ns, b.Endpoints, root, 0)
		var election, resource, register bool
		for _, k := range keys {
			election = election || strings.HasPrefix(k, root+"/election/")
			resource = resource || k == root+"/resource"
			register = register || strings.HasPrefix(k, root+"/register/")
		}
		if !election || !resource || !register {
			t.Fatalf("with a leader: %q, want its key under %s/election/, %s/resource and a key under %s/register/",
				keys, root, root, root)
		}
	}
	return ns
}

// existing lists root with ns and checks the listing: sorted, within
// limit, every key under root, and none but root itself on a root that
// holds keys.
func existing(t *testing.T, ctx context.Context, ns targets.Namespaced, eps []targets.Endpoint, root string, limit int) []string {
	t.Helper()
	keys, err := ns.Existing(ctx, eps, limit)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.IsSorted(keys) {
		t.Errorf("Existing is not sorted: %q", keys)
	}
	if limit > 0 && len(keys) > limit {
		t.Errorf("Existing returned %d keys, limit %d", len(keys), limit)
	}
	for _, k := range keys {
		if !targets.Under(k, root) {
			t.Errorf("Existing listed %q, not under %s", k, root)
		}
	}
	return keys
}

// Clean cleans ns on eps, failing the test if that fails or if Existing
// lists a key afterwards, and returns how many keys Clean removed.
func Clean(t testing.TB, ctx context.Context, ns targets.Namespaced, eps []targets.Endpoint) int {
	t.Helper()
	n, err := ns.Clean(ctx, eps)
	if err != nil {
		t.Fatalf("clean: %d %v", n, err)
	}
	if keys, err := ns.Existing(ctx, eps, 0); err != nil || len(keys) != 0 {
		t.Fatalf("after clean: %q %v", keys, err)
	}
	return n
}
