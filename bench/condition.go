package bench

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/chaos-election/chaos/nemesis"
)

// LinkCondition is one column of `chaos bench links`: what the links of
// the leader's node suffer for the whole run, or nothing (the control).
type LinkCondition struct {
	Delay, Jitter time.Duration // link-delay
	Loss          float64       // link-loss
}

// ParseLinkCondition parses "none", "delay=300ms", "delay=1500ms/500ms"
// (delay/jitter) or "loss=0.3".
func ParseLinkCondition(s string) (LinkCondition, error) {
	s = strings.TrimSpace(s)
	if s == "none" {
		return LinkCondition{}, nil
	}
	k, v, ok := strings.Cut(s, "=")
	if !ok {
		return LinkCondition{}, fmt.Errorf("link condition %q: want none, delay=D[/JITTER] or loss=P", s)
	}
	switch k {
	case "delay":
		ds, js, hasJitter := strings.Cut(v, "/")
		d, err := time.ParseDuration(ds)
		if err != nil || d <= 0 {
			return LinkCondition{}, fmt.Errorf("link condition %q: delay %q: want a positive duration", s, ds)
		}
		c := LinkCondition{Delay: d}
		if hasJitter {
			if c.Jitter, err = time.ParseDuration(js); err != nil || c.Jitter < 0 {
				return LinkCondition{}, fmt.Errorf("link condition %q: jitter %q: want a duration", s, js)
			}
		}
		return c, nil
	case "loss":
		p, err := strconv.ParseFloat(v, 64)
		if err != nil || p <= 0 || p >= 1 {
			return LinkCondition{}, fmt.Errorf("link condition %q: loss %q: want a probability in (0, 1)", s, v)
		}
		return LinkCondition{Loss: p}, nil
	}
	return LinkCondition{}, fmt.Errorf("link condition %q: unknown %q, want none, delay=D[/JITTER] or loss=P", s, k)
}

// String is the condition as ParseLinkCondition reads it.
func (c LinkCondition) String() string {
	switch {
	case c.Loss > 0:
		return "loss=" + strconv.FormatFloat(c.Loss, 'g', -1, 64)
	case c.Jitter > 0:
		return "delay=" + c.Delay.String() + "/" + c.Jitter.String()
	case c.Delay > 0:
		return "delay=" + c.Delay.String()
	}
	return "none"
}

// slug is the condition in a run's name: "none", "delay-300ms",
// "delay-1.2s-600ms", "loss-0.3".
func (c LinkCondition) slug() string {
	return strings.NewReplacer("=", "-", "/", "-").Replace(c.String())
}

// Label words the condition for the table: "no fault", "delay 300ms",
// "delay 1.5s ± 500ms", "loss 30%".
func (c LinkCondition) Label() string {
	switch {
	case c.Loss > 0:
		return fmt.Sprintf("loss %g%%", c.Loss*100)
	case c.Jitter > 0:
		return "delay " + c.Delay.String() + " + jitter " + c.Jitter.String()
	case c.Delay > 0:
		return "delay " + c.Delay.String()
	}
	return "no fault"
}

// fault is the condition as a fault on the leader's links, held hold.
func (c LinkCondition) fault(hold time.Duration) (nemesis.FaultSpec, bool) {
	switch {
	case c.Loss > 0:
		return nemesis.FaultSpec{Kind: "link-loss", Shape: "isolate-leader", Loss: c.Loss, Duration: hold}, true
	case c.Delay > 0:
		return nemesis.FaultSpec{Kind: "link-delay", Shape: "isolate-leader", Delay: c.Delay, Jitter: c.Jitter, Duration: hold}, true
	}
	return nemesis.FaultSpec{}, false
}
