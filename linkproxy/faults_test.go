package linkproxy

import (
	"math"
	"strings"
	"testing"
	"time"
)

func TestValidateNamesTheField(t *testing.T) {
	for _, tc := range []struct {
		f    Faults
		want string // "" = valid
	}{
		{Faults{}, ""},
		{Faults{Cut: true, Delay: time.Second, Jitter: time.Millisecond, Loss: 1}, ""},
		{Faults{Loss: 1.5}, "Loss"},
		{Faults{Loss: -0.1}, "Loss"},
		{Faults{Delay: -time.Millisecond}, "Delay"},
		{Faults{Jitter: -1}, "Jitter"},
	} {
		err := tc.f.Validate()
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%+v: unexpected error %v", tc.f, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%+v: error %v, want one naming %s", tc.f, err, tc.want)
		}
	}
}

func TestValidateRejectsNaNLoss(t *testing.T) {
	if err := (Faults{Loss: math.NaN()}).Validate(); err == nil || !strings.Contains(err.Error(), "Loss") {
		t.Fatalf("NaN loss: %v", err)
	}
}

type draw struct {
	d    time.Duration
	lost bool
}

func draws(seed uint64, f Faults, n int) []draw {
	s := newSource(seed)
	out := make([]draw, n)
	for i := range out {
		out[i].d, out[i].lost = f.hold(s)
	}
	return out
}

func TestSameSeedSameDraws(t *testing.T) {
	f := Faults{Delay: 10 * time.Millisecond, Jitter: 50 * time.Millisecond, Loss: 0.3}
	a, b, c := draws(42, f, 1000), draws(42, f, 1000), draws(43, f, 1000)
	same := true
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("seed 42 draw %d: %v then %v", i, a[i], b[i])
		}
		same = same && a[i] == c[i]
	}
	if same {
		t.Fatal("seeds 42 and 43 drew the same sequence")
	}
}

func TestHoldBounds(t *testing.T) {
	f := Faults{Delay: 10 * time.Millisecond, Jitter: 50 * time.Millisecond, Loss: 0.3}
	lost := 0
	for i, d := range draws(7, f, 10000) {
		base := d.d
		if d.lost {
			lost++
			base -= RetransmitTimeout
		}
		if base < f.Delay || base >= f.Delay+f.Jitter {
			t.Fatalf("draw %d: hold %v outside [Delay, Delay+Jitter) (lost %v)", i, d.d, d.lost)
		}
	}
	if lost < 2500 || lost > 3500 {
		t.Fatalf("Loss 0.3 lost %d of 10000", lost)
	}
}

func TestLossOneLosesEveryChunkLossZeroNone(t *testing.T) {
	for i, d := range draws(1, Faults{Loss: 1}, 1000) {
		if !d.lost || d.d != RetransmitTimeout {
			t.Fatalf("Loss 1, draw %d: %v", i, d)
		}
	}
	for i, d := range draws(1, Faults{Delay: time.Millisecond}, 1000) {
		if d.lost || d.d != time.Millisecond {
			t.Fatalf("Loss 0, draw %d: %v", i, d)
		}
	}
}

func TestFaultsWithoutRandomnessDrawNothing(t *testing.T) {
	f := Faults{Jitter: time.Second, Loss: 0.5}
	s := newSource(9)
	for range 100 {
		Faults{Delay: time.Millisecond}.hold(s)
		Faults{Cut: true}.hold(s)
	}
	var got draw
	got.d, got.lost = f.hold(s)
	if want := draws(9, f, 1)[0]; got != want {
		t.Fatalf("after draw-free holds: %v, want the fresh source's first draw %v", got, want)
	}
}
