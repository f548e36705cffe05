package zookeeper

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/go-zookeeper/zk"

	"github.com/chaos-election/chaos/targets"
)

// cleanRetries bounds how often Clean lists and deletes a znode again
// when children appear under it meanwhile (a session still closing, a
// client still writing).
const cleanRetries = 5

// adminSession is the session timeout of Existing's and Clean's client.
const adminSession = 4 * time.Second

// RegisterPath returns the parent of the register workload's znodes:
// Root+"/register".
func (t *Target) RegisterPath() string { return strings.TrimSuffix(t.RegisterPrefix(), "/") }

var _ targets.Namespaced = (*Target)(nil)

// Validate says whether the options make sense: Root, Path and
// ResourcePath ZooKeeper paths (starting with "/", not ending with one, no
// empty, "." or ".." segment, no forbidden character, not under
// /zookeeper); with Root set, Path and ResourcePath under it; a Digest of
// the form "user:password".
func (t *Target) Validate() error {
	var errs []error
	for _, p := range []struct{ name, path string }{
		{"root", t.Root()}, {"election path", t.opts.Path}, {"resource path", t.opts.ResourcePath},
	} {
		if err := checkPath(p.path); err != nil {
			errs = append(errs, fmt.Errorf("zookeeper %s: %w", p.name, err))
		} else if p.name != "root" && t.opts.Root != "" {
			errs = append(errs, targets.KeysUnder("zookeeper", t.Root(), [2]string{p.name, p.path})...)
		}
	}
	if d := t.access.Digest; d != "" {
		if user, password, ok := strings.Cut(d, ":"); !ok || user == "" || password == "" {
			errs = append(errs, errors.New(`zookeeper digest: want "user:password"`))
		}
	}
	return errors.Join(errs...)
}

// checkPath applies ZooKeeper's rules for a znode path (PathUtils) and
// refuses "/" itself and the reserved /zookeeper tree.
func checkPath(p string) error {
	switch {
	case !strings.HasPrefix(p, "/"):
		return fmt.Errorf("%q: must start with /", p)
	case p == "/" || strings.HasSuffix(p, "/"):
		return fmt.Errorf("%q: must not end with /", p)
	case targets.Under(p, "/zookeeper"):
		return fmt.Errorf("%q: /zookeeper is ZooKeeper's own", p)
	}
	for _, seg := range strings.Split(p[1:], "/") {
		switch seg {
		case "":
			return fmt.Errorf("%q: has an empty segment (//)", p)
		case ".", "..":
			return fmt.Errorf("%q: relative segment %q", p, seg)
		}
		for _, r := range seg {
			if r == 0 || r <= 0x1f || r >= 0x7f && r <= 0x9f || r >= 0xd800 && r <= 0xf8ff || r >= 0xfff0 {
				return fmt.Errorf("%q: character %U is not allowed", p, r)
			}
		}
	}
	return nil
}

// Existing returns up to limit znodes below the root (not the root
// itself), sorted; the server is synced first.
func (t *Target) Existing(ctx context.Context, eps []targets.Endpoint, limit int) ([]string, error) {
	conn, err := t.adminConn(ctx, eps)
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", t.Root(), err)
	}
	defer conn.Close()
	var out []string
	if err := walk(ctx, conn, t.Root(), limit, &out); err != nil {
		return nil, fmt.Errorf("list %s: %w", t.Root(), err)
	}
	slices.Sort(out)
	return out, nil
}

// Clean deletes the root and every znode below it, children before
// parents, and returns how many it deleted. A znode gone meanwhile (the
// ephemeral znode of a session closing) is not counted; one that gained
// children meanwhile is tried again.
func (t *Target) Clean(ctx context.Context, eps []targets.Endpoint) (int, error) {
	conn, err := t.adminConn(ctx, eps)
	if err != nil {
		return 0, fmt.Errorf("clean %s: %w", t.Root(), err)
	}
	defer conn.Close()
	n, err := removeTree(ctx, conn, t.Root())
	if err != nil {
		return n, fmt.Errorf("clean %s: %w", t.Root(), err)
	}
	return n, nil
}

// adminConn is a client over eps, synced on the root, for Existing and
// Clean; it refuses an invalid root.
func (t *Target) adminConn(ctx context.Context, eps []targets.Endpoint) (*zk.Conn, error) {
	if err := checkPath(t.Root()); err != nil {
		return nil, err
	}
	conn, err := connect(ctx, targets.Addrs(eps), adminSession, nil, t.access, nil, nil)
	if err != nil {
		return nil, err
	}
	if _, err := call(ctx, func() (string, error) { return conn.Sync(t.Root()) }); err != nil && !errors.Is(err, zk.ErrNoNode) {
		conn.Close()
		return nil, fmt.Errorf("sync: %w", err)
	}
	return conn, nil
}

// walk appends the znodes below p to out, depth first, until out holds
// limit of them (limit <= 0: all).
func walk(ctx context.Context, conn *zk.Conn, p string, limit int, out *[]string) error {
	kids, err := children(ctx, conn, p)
	if errors.Is(err, zk.ErrNoNode) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, ch := range kids {
		if limit > 0 && len(*out) >= limit {
			return nil
		}
		cp := p + "/" + ch
		*out = append(*out, cp)
		if err := walk(ctx, conn, cp, limit, out); err != nil {
			return err
		}
	}
	return nil
}

// removeTree deletes p and everything below it, children first, and
// returns how many znodes it deleted.
func removeTree(ctx context.Context, conn *zk.Conn, p string) (int, error) {
	n := 0
	for attempt := 1; ; attempt++ {
		kids, err := children(ctx, conn, p)
		if errors.Is(err, zk.ErrNoNode) {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		for _, ch := range kids {
			m, err := removeTree(ctx, conn, p+"/"+ch)
			n += m
			if err != nil {
				return n, err
			}
		}
		_, err = call(ctx, func() (struct{}, error) { return struct{}{}, conn.Delete(p, -1) })
		switch {
		case err == nil:
			return n + 1, nil
		case errors.Is(err, zk.ErrNoNode):
			return n, nil
		case errors.Is(err, zk.ErrNotEmpty) && attempt < cleanRetries:
			select {
			case <-ctx.Done():
				return n, ctx.Err()
			case <-time.After(time.Duration(attempt) * 50 * time.Millisecond):
			}
		default:
			return n, fmt.Errorf("delete %s: %w", p, err)
		}
	}
}

// children lists p's children, sorted.
func children(ctx context.Context, conn *zk.Conn, p string) ([]string, error) {
	names, err := call(ctx, func() ([]string, error) {
		ch, _, err := conn.Children(p)
		return ch, err
	})
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", p, err)
	}
	slices.Sort(names)
	return names, nil
}
