package runner

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/chaos-election/chaos/targets"
)

// claimNamespace refuses a run on an external cluster whose key prefix
// already holds keys, unless reuse: they may be someone's data, or what a
// killed run left (which the end of this run then removes).
func claimNamespace(ctx context.Context, target targets.Target, eps []targets.Endpoint, reuse bool, log *slog.Logger) error {
	ns, ok := target.(targets.Namespaced)
	if !ok {
		return nil
	}
	d := targets.DescribeRoot(ns)
	keys, err := ns.Existing(ctx, eps, 4)
	if err != nil {
		return fmt.Errorf("list the %s of %s: %w", d.Holds, d.What, err)
	}
	if len(keys) == 0 {
		return nil
	}
	if reuse {
		log.Warn(fmt.Sprintf("%s is not empty; --reuse: running on it, and removing %s at the end", d.What, d.Removed), "root", ns.Root(), d.Holds, keys)
		return nil
	}
	return BadInput(fmt.Errorf("%s is not empty (%s): choose another %s, "+
		"or pass --reuse to run on it anyway (%s is removed at the end)", d.What, strings.Join(keys, ", "), d.Field, d.Removed))
}

// cleanNamespace removes every key under the prefix at the end of a run
// on an external cluster.
func cleanNamespace(ctx context.Context, target targets.Target, eps []targets.Endpoint, log *slog.Logger) error {
	ns, ok := target.(targets.Namespaced)
	if !ok {
		return nil
	}
	d := targets.DescribeRoot(ns)
	n, err := ns.Clean(ctx, eps)
	if err != nil {
		return fmt.Errorf("remove the %s of %s: %w", d.Holds, d.What, err)
	}
	log.Info("removed the run's "+d.Holds, "root", ns.Root(), d.Holds, n)
	return nil
}
