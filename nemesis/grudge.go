package nemesis

import (
	"math/rand/v2"
	"slices"
)

// Grudge maps each node to the nodes whose traffic it drops.
type Grudge map[string][]string

// completeGrudge cuts every component off from every other (Jepsen's
// complete-grudge): each node drops everything from nodes outside its
// component.
func completeGrudge(components [][]string) Grudge {
	g := Grudge{}
	for i, c := range components {
		for _, n := range c {
			for j, other := range components {
				if i != j {
					g[n] = append(g[n], other...)
				}
			}
		}
	}
	for n := range g {
		slices.Sort(g[n])
	}
	return g
}

// halves splits nodes at random into ⌊n/2⌋ and ⌈n/2⌉.
func halves(rng *rand.Rand, nodes []string) [][]string {
	s := shuffled(rng, nodes)
	k := len(s) / 2
	return [][]string{sorted(s[:k]), sorted(s[k:])}
}

// isolate cuts one node off from all the others.
func isolate(node string, nodes []string) [][]string {
	var rest []string
	for _, n := range nodes {
		if n != node {
			rest = append(rest, n)
		}
	}
	return [][]string{{node}, rest}
}

// majoritiesRing is Jepsen's majorities-ring: nodes on a ring (in random
// order), each sees a majority made of itself and its nearest neighbours,
// so every node sees a majority but no two majorities are the same (for
// n ≥ 5). Each node drops traffic from the nodes outside its majority.
func majoritiesRing(rng *rand.Rand, nodes []string) Grudge {
	ring := shuffled(rng, nodes)
	n := len(ring)
	m := n/2 + 1
	g := Grudge{}
	for i, node := range ring {
		sees := map[string]bool{}
		// The majority centred on i: m nodes around it.
		for k := 0; k < m; k++ {
			sees[ring[(i-(m-1)/2+k+n)%n]] = true
		}
		for _, other := range ring {
			if !sees[other] {
				g[node] = append(g[node], other)
			}
		}
		slices.Sort(g[node])
	}
	return g
}

// bridge splits nodes into two halves joined by one bridge node that sees
// both; the halves do not see each other.
func bridge(rng *rand.Rand, nodes []string) (Grudge, string) {
	s := shuffled(rng, nodes)
	b := s[0]
	rest := s[1:]
	k := len(rest) / 2
	left, right := rest[:k], rest[k:]
	g := completeGrudge([][]string{left, right})
	delete(g, b)
	return g, b
}

// randomGroups splits nodes into 2 or more non-empty components at random.
func randomGroups(rng *rand.Rand, nodes []string) [][]string {
	s := shuffled(rng, nodes)
	k := 2
	if len(s) > 3 {
		k = 2 + rng.IntN(len(s)/2)
	}
	groups := make([][]string, k)
	for i, n := range s {
		if i < k {
			groups[i] = append(groups[i], n)
		} else {
			j := rng.IntN(k)
			groups[j] = append(groups[j], n)
		}
	}
	for i := range groups {
		groups[i] = sorted(groups[i])
	}
	return groups
}

func shuffled(rng *rand.Rand, nodes []string) []string {
	s := slices.Clone(nodes)
	slices.Sort(s)
	rng.Shuffle(len(s), func(i, j int) { s[i], s[j] = s[j], s[i] })
	return s
}

func sorted(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}
