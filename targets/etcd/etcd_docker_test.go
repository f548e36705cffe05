//go:build docker

package etcd

import (
	"context"
	"fmt"
	"testing"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/chaos-election/chaos/internal/clustertest"
	"github.com/chaos-election/chaos/internal/targettest"
	"github.com/chaos-election/chaos/targets"
)

func TestEtcd(t *testing.T) {
	eps := clustertest.Up(t, New(Options{}), 3)
	raw, err := newClient([]string{eps[0].Addr, eps[1].Addr, eps[2].Addr}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	opts := func(scope string) Options {
		return Options{Prefix: "/t/" + scope + "/election", ResourceKey: "/t/" + scope + "/resource"}
	}
	// first is the leader key of scope: the one with the lowest create
	// revision, as concurrency.Election decides.
	first := func(ctx context.Context, scope string) (*clientv3.GetResponse, error) {
		return raw.Get(ctx, opts(scope).Prefix+"/", clientv3.WithFirstCreate()...)
	}
	targettest.Run(t, targettest.Backend{
		Endpoints: eps,
		New:       func(scope string) targets.Target { return New(opts(scope)) },
		Leader: func(ctx context.Context, scope string) (string, uint64, error) {
			resp, err := first(ctx, scope)
			if err != nil || len(resp.Kvs) == 0 {
				return "", 0, err
			}
			return string(resp.Kvs[0].Value), uint64(resp.Kvs[0].CreateRevision), nil
		},
		EndLeadership: func(ctx context.Context, scope string) error {
			resp, err := first(ctx, scope)
			if err != nil {
				return err
			}
			if len(resp.Kvs) == 0 {
				return fmt.Errorf("nobody leads %s", scope)
			}
			_, err = raw.Revoke(ctx, clientv3.LeaseID(resp.Kvs[0].Lease))
			return err
		},
		Resource: func(ctx context.Context, scope string) (string, error) {
			resp, err := raw.Get(ctx, opts(scope).ResourceKey)
			if err != nil || len(resp.Kvs) == 0 {
				return "", err
			}
			return string(resp.Kvs[0].Value), nil
		},
		LostReasons: []string{ReasonKeyDeleted, ReasonSessionDone},
	})
	targettest.RunRegister(t, New(Options{}), eps)
	targettest.RunNamespaced(t, targettest.NamespacedBackend{
		Endpoints: eps,
		New:       func(root string) targets.Target { return New(Options{Root: root}) },
		RootBase:  "/t-ns",
		AllKeys: func(ctx context.Context) ([]string, error) {
			resp, err := raw.Get(ctx, "\x00", clientv3.WithFromKey(), clientv3.WithKeysOnly())
			if err != nil {
				return nil, err
			}
			var keys []string
			for _, kv := range resp.Kvs {
				keys = append(keys, string(kv.Key))
			}
			return keys, nil
		},
	})
	t.Run("auth", func(t *testing.T) { testAuth(t, eps, raw) })
}
