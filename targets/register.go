package targets

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
)

// Register is a client of the register workload's keys on one node: reads,
// writes and compare-and-set of small values, for the linearizability
// checker. A backend offers it through [RegisterTarget].
type Register interface {
	// Read returns the key's value; found is false when it has none.
	Read(ctx context.Context, key string) (value []byte, found bool, err error)
	// Write sets the key.
	Write(ctx context.Context, key string, value []byte) error
	// CAS sets the key to to if its value is from. An error wrapping
	// ErrCASFailed means it certainly did not: the value was not from
	// (or the key had none). Any other error is an unknown outcome.
	CAS(ctx context.Context, key string, from, to []byte) error
	Close() error
}

// RegisterConfig configures one register client.
type RegisterConfig struct {
	// ReadMode is one of the target's ReadModes ("" = the first).
	ReadMode string
	Dial     Dialer       // nil = plain TCP
	Log      *slog.Logger // nil = discard
}

// RegisterTarget is a backend that serves the register workload.
type RegisterTarget interface {
	// ReadModes lists the ways the backend can read, the default first.
	ReadModes() []string
	NewRegister(ctx context.Context, ep Endpoint, cfg RegisterConfig) (Register, error)
}

// ErrCASFailed marks a compare-and-set whose expected value was not there.
var ErrCASFailed = errors.New("cas: the value was not the expected one")

// ResolveReadMode returns mode, or the target's default ("" = the first of
// its ReadModes), or an error naming the modes it knows.
func ResolveReadMode(t RegisterTarget, mode string) (string, error) {
	modes := t.ReadModes()
	if mode == "" {
		return modes[0], nil
	}
	if !slices.Contains(modes, mode) {
		return "", fmt.Errorf("unknown read mode %q (known: %v)", mode, modes)
	}
	return mode, nil
}
