package sweep

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/chaos-election/chaos/nemesis"
	"github.com/chaos-election/chaos/plan"
)

// under says a cell's faults in words, for "… under client pauses of 2 s":
// each fault of its plan once, in order; "no faults" for none.
func under(faults []nemesis.FaultSpec) string {
	if len(faults) == 0 {
		return "no faults"
	}
	var parts []string
	for _, f := range faults {
		w := faultWords(f)
		if !slices.Contains(parts, w) {
			parts = append(parts, w)
		}
	}
	return strings.Join(parts, ", ")
}

// faultWords is one fault spec in words: "client pauses of 2 s", "link
// delays of 200 ms ± 50 ms for 8 s".
func faultWords(f nemesis.FaultSpec) string {
	d := seconds(f.Duration)
	delay := seconds(f.Delay)
	if f.Jitter > 0 {
		delay += " ± " + seconds(f.Jitter)
	}
	loss := strconv.FormatFloat(f.Loss*100, 'g', 3, 64) + "%"
	switch f.Kind {
	case "client-pause":
		return "client pauses of " + d
	case "client-kill":
		return "client kills for " + d
	case "pause":
		return "node pauses of " + d
	case "kill":
		return "node kills for " + d
	case "partition":
		return fmt.Sprintf("%s partitions of %s", f.Shape, d)
	case "client-partition":
		return "client partitions of " + d
	case "client-delay":
		return fmt.Sprintf("client link delays of %s for %s", delay, d)
	case "link-delay":
		return fmt.Sprintf("link delays of %s for %s", delay, d)
	case "client-loss":
		return fmt.Sprintf("client link loss of %s for %s", loss, d)
	case "link-loss":
		return fmt.Sprintf("link loss of %s for %s", loss, d)
	case "flaky":
		return fmt.Sprintf("flaky links (cut and healed every %s) for %s", seconds(f.Period), d)
	case "clock-skew":
		return fmt.Sprintf("clock skews of %s for %s", seconds(f.Offset), d)
	case "clock-drift":
		return fmt.Sprintf("clock drifts at %g× for %s", f.Rate, d)
	}
	return fmt.Sprintf("%s faults of %s", f.Kind, d)
}

// seconds writes a duration as people read it: "2 s", "1.5 s", "200 ms";
// a minute or more as Go writes it ("1m30s").
func seconds(d time.Duration) string {
	switch {
	case d >= time.Minute:
		return plan.FormatDuration(d)
	case d < time.Second && d%time.Millisecond == 0:
		return strconv.FormatInt(d.Milliseconds(), 10) + " ms"
	}
	return strconv.FormatFloat(d.Seconds(), 'g', -1, 64) + " s"
}
