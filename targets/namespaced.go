package targets

import (
	"context"
	"fmt"
	"strings"
)

// Namespaced is a target whose every key lives under one root that can be
// listed and removed: a run against a cluster the user already runs
// starts only when the root is empty (the caller decides, from Existing)
// and leaves nothing behind (Clean).
type Namespaced interface {
	// Root is the root every key of the target lives under.
	Root() string
	// Existing returns up to limit keys (znode paths) under the root,
	// sorted; empty when the root holds nothing. limit <= 0 means all.
	Existing(ctx context.Context, eps []Endpoint, limit int) ([]string, error)
	// Clean removes everything under the root (the root znode too) and
	// returns how many keys/znodes it removed.
	Clean(ctx context.Context, eps []Endpoint) (int, error)
}

// Under reports whether key is root or lies below it (root + "/" ...).
func Under(key, root string) bool {
	return key == root || strings.HasPrefix(key, root+"/")
}

// KeysUnder returns an error for each named key that does not lie below
// root: with a root set, every key a target writes must be under it, or
// Existing and Clean would miss it. names and keys go in pairs.
func KeysUnder(backend, root string, named ...[2]string) []error {
	var errs []error
	for _, nk := range named {
		if !strings.HasPrefix(nk[1], root+"/") {
			errs = append(errs, fmt.Errorf("%s %s %q is not under the root %q", backend, nk[0], nk[1], root))
		}
	}
	return errs
}

// RootDescriber is a Namespaced target whose root is not a key prefix (a
// Kubernetes namespace): it says what the root is, for the messages of a
// run that finds it in use or cleans it.
type RootDescriber interface {
	DescribeRoot() RootDescription
}

// RootDescription is what a root is, in a message's words.
type RootDescription struct {
	What    string // "the key prefix /chaos", "the namespace chaos-test"
	Holds   string // what it holds when not empty: "keys", "Leases"
	Field   string // the plan field that names it: "external.prefix"
	Removed string // what Clean removes: "everything under it"
}

// DescribeRoot is what ns's root is: its own description, or a key
// prefix's.
func DescribeRoot(ns Namespaced) RootDescription {
	if d, ok := ns.(RootDescriber); ok {
		return d.DescribeRoot()
	}
	return RootDescription{What: "the key prefix " + ns.Root(), Holds: "keys", Field: "external.prefix", Removed: "everything under it"}
}
