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
	keys, err := ns.Existing(ctx, eps, 4)
	if err != nil {
		return fmt.Errorf("list the keys under %s: %w", ns.Root(), err)
	}
	if len(keys) == 0 {
		return nil
	}
	if reuse {
		log.Warn("the key prefix is not empty; --reuse: running on it, and removing everything under it at the end", "prefix", ns.Root(), "keys", keys)
		return nil
	}
	return BadInput(fmt.Errorf("the key prefix %s is not empty (%s): choose another external.prefix, "+
		"or pass --reuse to run on it anyway (everything under it is removed at the end)", ns.Root(), strings.Join(keys, ", ")))
}

// cleanNamespace removes every key under the prefix at the end of a run
// on an external cluster.
func cleanNamespace(ctx context.Context, target targets.Target, eps []targets.Endpoint, log *slog.Logger) error {
	ns, ok := target.(targets.Namespaced)
	if !ok {
		return nil
	}
	n, err := ns.Clean(ctx, eps)
	if err != nil {
		return fmt.Errorf("remove the keys under %s: %w", ns.Root(), err)
	}
	log.Info("removed the run's keys", "prefix", ns.Root(), "keys", n)
	return nil
}
