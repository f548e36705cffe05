//go:build docker

package zookeeper

import (
	"context"
	"errors"
	"path"
	"testing"
	"time"

	"github.com/go-zookeeper/zk"

	"github.com/chaos-election/chaos/internal/clustertest"
	"github.com/chaos-election/chaos/internal/targettest"
	"github.com/chaos-election/chaos/targets"
)

func TestZooKeeper(t *testing.T) {
	eps := clustertest.Up(t, New(Options{}), 3)
	addrs := []string{eps[0].Addr, eps[1].Addr, eps[2].Addr}
	raw, err := connect(context.Background(), addrs, 10*time.Second, nil, nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	opts := func(scope string) Options {
		return Options{Path: "/t/" + scope + "/election", ResourcePath: "/t/" + scope + "/resource"}
	}
	// lowest returns the path, data and stat of the lowest znode of scope.
	lowest := func(ctx context.Context, scope string) (string, []byte, *zk.Stat, error) {
		p := opts(scope).Path
		if _, err := raw.Sync(p); err != nil {
			return "", nil, nil, err
		}
		names, _, err := raw.Children(p)
		if err != nil {
			return "", nil, nil, err
		}
		names = sortBySequence(names)
		if len(names) == 0 {
			return "", nil, nil, nil
		}
		z := path.Join(p, names[0])
		data, st, err := raw.Get(z)
		return z, data, st, err
	}
	targettest.Run(t, targettest.Backend{
		Endpoints: eps,
		New:       func(scope string) targets.Target { return New(opts(scope)) },
		Leader: func(ctx context.Context, scope string) (string, uint64, error) {
			_, data, st, err := lowest(ctx, scope)
			if err != nil || st == nil {
				return "", 0, err
			}
			return string(data), uint64(st.Czxid), nil
		},
		EndLeadership: func(ctx context.Context, scope string) error {
			z, _, _, err := lowest(ctx, scope)
			if err != nil {
				return err
			}
			return raw.Delete(z, -1)
		},
		Resource: func(ctx context.Context, scope string) (string, error) {
			data, _, err := raw.Get(opts(scope).ResourcePath)
			return string(data), err
		},
		LostReasons: []string{ReasonZnodeDeleted},
	})
	targettest.RunRegister(t, New(Options{}), eps)
	targettest.RunNamespaced(t, targettest.NamespacedBackend{
		Endpoints: eps,
		New:       func(root string) targets.Target { return New(Options{Root: root}) },
		RootBase:  "/t-ns",
		AllKeys: func(ctx context.Context) ([]string, error) {
			var all []string
			err := allZnodes(raw, "", &all)
			return all, err
		},
		RootIsKey: true,
	})
	t.Run("digest", func(t *testing.T) { testDigest(t, eps, raw) })
}

// allZnodes appends every znode below p ("" = the tree's root), but for
// ZooKeeper's own /zookeeper, to all.
func allZnodes(raw *zk.Conn, p string, all *[]string) error {
	dir := p
	if dir == "" {
		dir = "/"
	}
	names, _, err := raw.Children(dir)
	if errors.Is(err, zk.ErrNoNode) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, n := range names {
		c := p + "/" + n
		if c == "/zookeeper" {
			continue
		}
		*all = append(*all, c)
		if err := allZnodes(raw, c, all); err != nil {
			return err
		}
	}
	return nil
}
