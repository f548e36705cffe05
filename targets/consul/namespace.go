package consul

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/chaos-election/chaos/targets"
)

var _ targets.Namespaced = (*Target)(nil)

// Validate says whether the options make sense: a Root that neither
// starts nor ends with "/" and has no empty segment or control character;
// with Root set, the lock key and the resource key under it; a known
// session behavior.
func (t *Target) Validate() error {
	errs := t.ValidateRoot("consul", checkRoot, [2]string{"lock key", t.opts.Key}, [2]string{"resource key", t.opts.ResourceKey})
	if !slices.Contains(Behaviors, t.opts.Behavior) {
		errs = append(errs, fmt.Errorf("consul session behavior %q (known: %v)", t.opts.Behavior, Behaviors))
	}
	return errors.Join(errs...)
}

// checkRoot says whether root can be the root of a Consul target.
func checkRoot(root string) error {
	switch {
	case root == "":
		return errors.New("consul root: empty")
	case strings.HasPrefix(root, "/"):
		return fmt.Errorf("consul root %q: must not start with / (Consul keys have none)", root)
	case strings.HasSuffix(root, "/"):
		return fmt.Errorf("consul root %q: must not end with /", root)
	case strings.Contains(root, "//"):
		return fmt.Errorf("consul root %q: has an empty segment (//)", root)
	case strings.IndexFunc(root, unicode.IsControl) >= 0:
		return fmt.Errorf("consul root %q: has a control character", root)
	}
	return nil
}

// Existing returns up to limit keys under root+"/", sorted, by a
// consistent read from the first endpoint that answers.
func (t *Target) Existing(ctx context.Context, eps []targets.Endpoint, limit int) ([]string, error) {
	keys, err := t.keys(ctx, eps)
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", t.Root(), err)
	}
	if limit > 0 && len(keys) > limit {
		keys = keys[:limit]
	}
	return keys, nil
}

// Clean deletes the tree under root+"/" and returns how many keys it held
// just before.
func (t *Target) Clean(ctx context.Context, eps []targets.Endpoint) (int, error) {
	keys, err := t.keys(ctx, eps)
	if err != nil {
		return 0, fmt.Errorf("clean %s: %w", t.Root(), err)
	}
	err = t.firstAnswer(ctx, eps, func(ctx context.Context, ep targets.Endpoint) error {
		cli, err := t.newClient(ep.Addr, nil)
		if err != nil {
			return err
		}
		_, err = cli.KV().DeleteTree(t.Root()+"/", writeCtx(ctx))
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("clean %s: %w", t.Root(), err)
	}
	return len(keys), nil
}

// keys lists every key under root+"/", sorted.
func (t *Target) keys(ctx context.Context, eps []targets.Endpoint) ([]string, error) {
	if err := checkRoot(t.Root()); err != nil {
		return nil, err
	}
	var keys []string
	err := t.firstAnswer(ctx, eps, func(ctx context.Context, ep targets.Endpoint) error {
		cli, err := t.newClient(ep.Addr, nil)
		if err != nil {
			return err
		}
		keys, _, err = cli.KV().Keys(t.Root()+"/", "", queryCtx(ctx))
		return err
	})
	slices.Sort(keys)
	return keys, err
}

// firstAnswer runs fn against each endpoint in turn, each bounded by the
// request timeout, until one succeeds; it returns the errors of all when
// none does.
func (t *Target) firstAnswer(ctx context.Context, eps []targets.Endpoint, fn func(context.Context, targets.Endpoint) error) error {
	if len(eps) == 0 {
		return errors.New("no endpoints")
	}
	var errs []error
	for _, ep := range eps {
		rctx, cancel := context.WithTimeout(ctx, requestTimeout)
		err := fn(rctx, ep)
		cancel()
		if err == nil {
			return nil
		}
		errs = append(errs, fmt.Errorf("%s: %w", ep.Node, err))
		if ctx.Err() != nil {
			break
		}
	}
	return errors.Join(errs...)
}
