package netfault

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// Effect is what the packets of one link suffer. The zero Effect is a
// healthy link.
type Effect struct {
	Drop   bool          `json:"drop,omitempty"`   // every packet dropped: a cut
	Loss   float64       `json:"loss,omitempty"`   // each packet dropped with this probability, in (0, 1)
	Delay  time.Duration `json:"delay,omitempty"`  // added to each packet
	Jitter time.Duration `json:"jitter,omitempty"` // uniform extra delay in [0, Jitter)
	Rate   uint64        `json:"rate,omitempty"`   // bytes per second; 0 is unlimited
}

// Zero says whether e leaves the link healthy.
func (e Effect) Zero() bool { return e == Effect{} }

// Delays says whether e delays packets (Delay or Jitter).
func (e Effect) Delays() bool { return e.Delay > 0 || e.Jitter > 0 }

// Validate checks e's values.
func (e Effect) Validate() error {
	if e.Loss != 0 && (e.Loss < 0 || e.Loss >= 1) {
		return fmt.Errorf("loss %v: want a probability in (0, 1)", e.Loss)
	}
	if e.Delay < 0 {
		return fmt.Errorf("delay %v: negative", e.Delay)
	}
	if e.Jitter < 0 {
		return fmt.Errorf("jitter %v: negative", e.Jitter)
	}
	return nil
}

// String words e: "drop", "loss 30%", "delay 300ms±200ms", "rate 125000 B/s".
func (e Effect) String() string {
	var parts []string
	if e.Drop {
		parts = append(parts, "drop")
	}
	if e.Loss > 0 {
		parts = append(parts, fmt.Sprintf("loss %g%%", e.Loss*100))
	}
	if e.Delays() {
		d := "delay " + e.Delay.String()
		if e.Jitter > 0 {
			d += "±" + e.Jitter.String()
		}
		parts = append(parts, d)
	}
	if e.Rate > 0 {
		parts = append(parts, fmt.Sprintf("rate %d B/s", e.Rate))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

// Link is the packets From sends To.
type Link struct {
	From string `json:"from"`
	To   string `json:"to"`
}

func (l Link) String() string { return l.From + "→" + l.To }

// Shape is every link effect in force; a link absent from it is healthy.
type Shape map[Link]Effect

// Clean returns s without healthy links and self-links.
func (s Shape) Clean() Shape {
	out := make(Shape, len(s))
	for l, e := range s {
		if l.From != l.To && !e.Zero() {
			out[l] = e
		}
	}
	return out
}

// Links returns s's links in order (by From, then To).
func (s Shape) Links() []Link {
	ls := slices.Collect(maps.Keys(s))
	slices.SortFunc(ls, func(a, b Link) int {
		if c := strings.Compare(a.From, b.From); c != 0 {
			return c
		}
		return strings.Compare(a.To, b.To)
	})
	return ls
}

// Into returns the effects on what node receives, by sender.
func (s Shape) Into(node string) map[string]Effect {
	out := map[string]Effect{}
	for l, e := range s {
		if l.To == node && l.From != node && !e.Zero() {
			out[l.From] = e
		}
	}
	return out
}

// OutOf returns the effects on what node sends, by receiver.
func (s Shape) OutOf(node string) map[string]Effect {
	out := map[string]Effect{}
	for l, e := range s {
		if l.From == node && l.To != node && !e.Zero() {
			out[l.To] = e
		}
	}
	return out
}

// Delays says whether any link of s is delayed.
func (s Shape) Delays() bool {
	for _, e := range s {
		if e.Delays() {
			return true
		}
	}
	return false
}

// FromGrudge is the cut a grudge describes: grudge[a] lists the nodes
// whose packets a drops, so each b in it cuts Link{From: b, To: a}.
func FromGrudge(grudge map[string][]string) Shape {
	s := Shape{}
	for a, froms := range grudge {
		for _, b := range froms {
			if a != b {
				s[Link{From: b, To: a}] = Effect{Drop: true}
			}
		}
	}
	return s
}

// Grudge is the inverse of [FromGrudge] for the cut links of s: each
// node and the nodes whose packets it drops, sorted.
func (s Shape) Grudge() map[string][]string {
	g := map[string][]string{}
	for _, l := range s.Links() {
		if s[l].Drop {
			g[l.To] = append(g[l.To], l.From)
		}
	}
	return g
}

// Between is e on every link between the groups a and b, both ways (or
// from a to b only when oneWay).
func Between(a, b []string, e Effect, oneWay bool) Shape {
	s := Shape{}
	for _, x := range a {
		for _, y := range b {
			if x == y {
				continue
			}
			s[Link{From: x, To: y}] = e
			if !oneWay {
				s[Link{From: y, To: x}] = e
			}
		}
	}
	return s
}
