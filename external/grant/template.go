package grant

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Command is a fault the plan supplies as shell commands: Start puts it in
// effect on one node, Heal undoes it. Both are templates (see Expand).
type Command struct {
	Start string
	Heal  string
}

// Placeholders are what any command template may name; Expand fills them
// in for one node.
var Placeholders = []string{"{node}", "{host}", "{endpoint}", "{container}", "{peers}", "{peer_hosts}"}

// ClockPlaceholders are what a clock-skew's templates may name besides
// [Placeholders]: the offset from true time the node's clock is set to.
var ClockPlaceholders = []string{"{offset}", "{offset_seconds}"}

// PlaceholdersFor are the placeholders the templates of kind may name.
func PlaceholdersFor(kind string) []string {
	if kind == FaultClockSkew {
		return slices.Concat(Placeholders, ClockPlaceholders)
	}
	return Placeholders
}

// Vars are a command's placeholder values for one node.
type Vars struct {
	Node, Host, Endpoint, Container string
	// Peers are the nodes whose traffic the node drops (partitions only).
	Peers, PeerHosts []string
	// Offset is how far the node's clock is set from true time (clock-skew
	// only).
	Offset time.Duration
}

// Expand fills in tmpl's placeholders: {node} (n1), {host} (the node's
// host), {endpoint} (host:port), {container}, for partitions {peers} and
// {peer_hosts}, the nodes the node drops, space-separated, and for a
// clock-skew {offset}, a Go duration ("-4s", "1m30s"), and
// {offset_seconds}, the same in decimal seconds ("-4", "-2.5", "90").
func Expand(tmpl string, v Vars) string {
	return strings.NewReplacer(
		"{node}", v.Node, "{host}", v.Host, "{endpoint}", v.Endpoint, "{container}", v.Container,
		"{peers}", strings.Join(v.Peers, " "), "{peer_hosts}", strings.Join(v.PeerHosts, " "),
		"{offset}", v.Offset.String(), "{offset_seconds}", Seconds(v.Offset),
	).Replace(tmpl)
}

// Seconds writes d as a decimal number of seconds, exactly and without
// trailing zeros: -4s is "-4", -2.5s "-2.5", 1ms "0.001".
func Seconds(d time.Duration) string {
	sign := ""
	u := uint64(d)
	if d < 0 {
		sign, u = "-", -u
	}
	whole := strconv.FormatUint(u/uint64(time.Second), 10)
	frac := u % uint64(time.Second)
	if frac == 0 {
		return sign + whole
	}
	return sign + whole + "." + strings.TrimRight(fmt.Sprintf("%09d", frac), "0")
}

// CheckTemplate returns an error naming the first {word} in tmpl, a
// template of kind's commands, that is not one of its placeholders
// ([PlaceholdersFor]).
func CheckTemplate(kind, tmpl string) error {
	known := PlaceholdersFor(kind)
	for rest := tmpl; ; {
		i := strings.IndexByte(rest, '{')
		if i < 0 {
			return nil
		}
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			return nil // a lone brace is the shell's business
		}
		word := rest[i : i+j+1]
		shellVar := i > 0 && rest[i-1] == '$' // ${HOME}
		if !slices.Contains(known, word) && !shellVar && isWord(word[1:len(word)-1]) {
			if slices.Contains(ClockPlaceholders, word) {
				return fmt.Errorf("placeholder %s is a clock-skew's only (%s's: %s)", word, kind, strings.Join(known, " "))
			}
			return fmt.Errorf("unknown placeholder %s (known: %s)", word, strings.Join(known, " "))
		}
		rest = rest[i+j+1:]
	}
}

func isWord(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}
