package grant

import (
	"fmt"
	"strings"
)

// Command is a fault the plan supplies as shell commands: Start puts it in
// effect on one node, Heal undoes it. Both are templates (see Expand).
type Command struct {
	Start string
	Heal  string
}

// Placeholders are what a command template may name; Expand fills them
// in for one node.
var Placeholders = []string{"{node}", "{host}", "{endpoint}", "{container}", "{peers}", "{peer_hosts}"}

// Vars are a command's placeholder values for one node.
type Vars struct {
	Node, Host, Endpoint, Container string
	// Peers are the nodes whose traffic the node drops (partitions only).
	Peers, PeerHosts []string
}

// Expand fills in tmpl's placeholders: {node} (n1), {host} (the node's
// host), {endpoint} (host:port), {container}, and for partitions {peers}
// and {peer_hosts}, the nodes the node drops, space-separated.
func Expand(tmpl string, v Vars) string {
	return strings.NewReplacer(
		"{node}", v.Node, "{host}", v.Host, "{endpoint}", v.Endpoint, "{container}", v.Container,
		"{peers}", strings.Join(v.Peers, " "), "{peer_hosts}", strings.Join(v.PeerHosts, " "),
	).Replace(tmpl)
}

// CheckTemplate returns an error naming the first {word} in tmpl that is
// not a placeholder.
func CheckTemplate(tmpl string) error {
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
		known := false
		for _, p := range Placeholders {
			known = known || word == p
		}
		shellVar := i > 0 && rest[i-1] == '$' // ${HOME}
		if !known && !shellVar && isWord(word[1:len(word)-1]) {
			return fmt.Errorf("unknown placeholder %s (known: %s)", word, strings.Join(Placeholders, " "))
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
