//go:build !nokube

package lease

// ObservedAvailable reports whether this binary has lease-observed
// (client-go's LeaderElector): yes, unless built with -tags nokube.
const ObservedAvailable = true
