package etcd

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/chaos-election/chaos/targets"
)

var _ targets.Namespaced = (*Target)(nil)

// Validate says whether the options make sense: a Root that starts with
// "/", does not end with one and has no empty segment; with Root set, the
// election prefix and the resource key under it; a username and a
// password together or neither.
func (t *Target) Validate() error {
	errs := t.ValidateRoot("etcd", checkRoot, [2]string{"prefix", t.opts.Prefix}, [2]string{"resource key", t.opts.ResourceKey})
	if (t.access.Username == "") != (t.access.Password == "") {
		errs = append(errs, errors.New("etcd credentials: a username and a password, or neither"))
	}
	return errors.Join(errs...)
}

// checkRoot says whether root can be the root of an etcd target.
func checkRoot(root string) error {
	switch {
	case !strings.HasPrefix(root, "/"):
		return fmt.Errorf("etcd root %q: must start with /", root)
	case strings.HasSuffix(root, "/"):
		return fmt.Errorf("etcd root %q: must not end with /", root)
	case strings.Contains(root, "//"):
		return fmt.Errorf("etcd root %q: has an empty segment (//)", root)
	}
	return nil
}

// Existing returns up to limit keys under the root (the root key itself
// and every key under root+"/"), sorted, by linearizable reads. A user
// whose permissions cover root+"/" but not the root key itself still
// lists: that key is then left out.
func (t *Target) Existing(ctx context.Context, eps []targets.Endpoint, limit int) ([]string, error) {
	if err := checkRoot(t.Root()); err != nil {
		return nil, err
	}
	cli, err := t.newClient(targets.Addrs(eps), nil)
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", t.Root(), err)
	}
	defer cli.Close()
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	var keys []string
	resp, err := cli.Get(ctx, t.Root(), clientv3.WithKeysOnly())
	if err != nil && !errors.Is(err, rpctypes.ErrPermissionDenied) {
		return nil, fmt.Errorf("list %s: %w", t.Root(), err)
	}
	if err == nil && len(resp.Kvs) > 0 {
		keys = append(keys, t.Root())
	}
	opts := []clientv3.OpOption{clientv3.WithPrefix(), clientv3.WithKeysOnly(), clientv3.WithSort(clientv3.SortByKey, clientv3.SortAscend)}
	if limit > 0 {
		opts = append(opts, clientv3.WithLimit(int64(limit)))
	}
	if resp, err = cli.Get(ctx, t.Root()+"/", opts...); err != nil {
		return nil, fmt.Errorf("list %s/: %w", t.Root(), err)
	}
	for _, kv := range resp.Kvs {
		keys = append(keys, string(kv.Key))
	}
	if limit > 0 && len(keys) > limit {
		keys = keys[:limit]
	}
	return keys, nil
}

// Clean deletes every key under root+"/", then the root key itself, and
// returns how many it deleted. A user whose permissions cover root+"/" but
// not the root key itself still cleans: that key is then left alone.
func (t *Target) Clean(ctx context.Context, eps []targets.Endpoint) (int, error) {
	if err := checkRoot(t.Root()); err != nil {
		return 0, err
	}
	cli, err := t.newClient(targets.Addrs(eps), nil)
	if err != nil {
		return 0, fmt.Errorf("clean %s: %w", t.Root(), err)
	}
	defer cli.Close()
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	under, err := cli.Delete(ctx, t.Root()+"/", clientv3.WithPrefix())
	if err != nil {
		return 0, fmt.Errorf("clean %s/: %w", t.Root(), err)
	}
	n := int(under.Deleted)
	self, err := cli.Delete(ctx, t.Root())
	switch {
	case errors.Is(err, rpctypes.ErrPermissionDenied):
	case err != nil:
		return n, fmt.Errorf("clean %s: %w", t.Root(), err)
	default:
		n += int(self.Deleted)
	}
	return n, nil
}
