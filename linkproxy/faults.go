package linkproxy

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"time"
)

// RetransmitTimeout is the extra hold of a chunk that [Faults.Loss] loses:
// Linux's minimum TCP retransmission timeout.
const RetransmitTimeout = 200 * time.Millisecond

// Faults are the link faults in force on a proxy; the zero value forwards
// untouched. See the package documentation for what each one emulates.
type Faults struct {
	Cut    bool          // partition: nothing flows either way
	Delay  time.Duration // added to each chunk, each direction
	Jitter time.Duration // uniform extra in [0, Jitter)
	Loss   float64       // probability 0..1 that a chunk is held an extra RetransmitTimeout
}

// Validate reports every field out of range, each error naming its field.
func (f Faults) Validate() error {
	var errs []error
	if f.Delay < 0 {
		errs = append(errs, fmt.Errorf("Delay %v is negative", f.Delay))
	}
	if f.Jitter < 0 {
		errs = append(errs, fmt.Errorf("Jitter %v is negative", f.Jitter))
	}
	if math.IsNaN(f.Loss) || f.Loss < 0 || f.Loss > 1 {
		errs = append(errs, fmt.Errorf("Loss %v is not in [0, 1]", f.Loss))
	}
	return errors.Join(errs...)
}

// source is a proxy's one random source, shared by all its connections.
type source struct {
	mu sync.Mutex
	r  *rand.Rand
}

// pcgStream is the PCG's second seed word; the user's seed is the first.
const pcgStream = 0x9e3779b97f4a7c15

func newSource(seed uint64) *source {
	return &source{r: rand.New(rand.NewPCG(seed, pcgStream))}
}

// hold is the schedule of one chunk under f: how long after it was read
// it may be delivered, and whether it was lost (hold includes the
// retransmission timeout then). It draws from s only for the faults that
// need a draw (Jitter > 0, Loss > 0), so faults without randomness do not
// advance the source.
func (f Faults) hold(s *source) (d time.Duration, lost bool) {
	d = f.Delay
	if f.Jitter <= 0 && f.Loss <= 0 {
		return d, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if f.Jitter > 0 {
		d += time.Duration(s.r.Int64N(int64(f.Jitter)))
	}
	if f.Loss > 0 && s.r.Float64() < f.Loss {
		d += RetransmitTimeout
		lost = true
	}
	return d, lost
}
