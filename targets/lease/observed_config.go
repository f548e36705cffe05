//go:build !nokube

package lease

import (
	"errors"
	"fmt"
	"time"

	"k8s.io/client-go/tools/leaderelection"
)

// CheckObserved returns why client-go cannot run with cfg (its defaults
// filled), or nil: it needs Duration > RenewDeadline >
// leaderelection.JitterFactor × RetryPeriod > 0, as NewLeaderElector
// checks, and a Duration of at least a second, because it writes the
// lease duration in whole seconds (LeaseDurationSeconds): under a second
// it writes 0, which every other candidate takes as expired at once.
// Durations are truncated to whole seconds in the record too (2.5 s is
// judged as 2 s by the others).
func CheckObserved(cfg Config) error {
	cfg = cfg.Defaults()
	switch {
	case cfg.Process == "":
		return errors.New("lease-observed: the process identity is empty")
	case cfg.Duration < time.Second:
		return fmt.Errorf("lease-observed: lease duration %v is under a second: client-go writes it in whole seconds (0 s: expired at once)", cfg.Duration)
	case cfg.RenewDeadline >= cfg.Duration:
		return fmt.Errorf("lease-observed: client-go needs lease duration %v > renew deadline %v", cfg.Duration, cfg.RenewDeadline)
	case cfg.RetryPeriod <= 0 || float64(cfg.RenewDeadline) <= leaderelection.JitterFactor*float64(cfg.RetryPeriod):
		return fmt.Errorf("lease-observed: client-go needs renew deadline %v > %.1f × retry period %v > 0",
			cfg.RenewDeadline, leaderelection.JitterFactor, cfg.RetryPeriod)
	}
	return nil
}
