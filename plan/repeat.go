package plan

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"
)

// maxCount bounds --count: each repeat is a whole run.
const maxCount = 100

// Repeated is m with each of its runs count times, each repeat with its own
// seed derived from seed and the run's name (so the same matrix and seed
// give every run the same seed on any machine and in any shard). Repeat k
// of a run named "etcd-pauses" is named "etcd-pauses-rK" when count > 1;
// its Cell stays "etcd-pauses". Plans that set their own seed keep it only
// when count is 1 (repeats want fresh seeds). count 1 with seed 0 leaves m
// as it is but for the cells; seed 0 with count > 1 is refused.
func (m Matrix) Repeated(count int, seed int64) (Matrix, error) {
	if count < 1 || count > maxCount {
		return m, &Error{Flag: "--count", Msg: fmt.Sprintf("must be between 1 and %d, got %d", maxCount, count)}
	}
	if count > 1 && seed == 0 {
		return m, &Error{Flag: "--seed", Msg: "repeats need a seed to derive theirs from"}
	}
	if len(m.Entries)*count > maxMatrixRuns {
		return m, &Error{Flag: "--count", Msg: fmt.Sprintf("%d runs × %d repeats is more than %d runs: split the matrix", len(m.Entries), count, maxMatrixRuns)}
	}
	out := m
	out.Count, out.Seed = count, seed
	out.Entries = make([]MatrixEntry, 0, len(m.Entries)*count)
	for _, e := range m.Entries {
		cell := e.Cell
		if cell == "" {
			cell = e.Plan.Name
		}
		for k := 1; k <= count; k++ {
			r := e
			r.Cell, r.Repeat = cell, k
			r.Plan.Name = RepeatName(cell, k, count)
			if seed != 0 && (count > 1 || r.Plan.Seed == 0) {
				r.Plan.Seed = RunSeed(seed, r.Plan.Name)
			}
			out.Entries = append(out.Entries, r)
		}
	}
	out.Total = len(out.Entries)
	return out, nil
}

// RepeatName is the name of repeat k (from 1) of a cell in a matrix of
// count repeats: the cell's own name when count is 1, else "CELL-rK".
func RepeatName(cell string, k, count int) string {
	if count <= 1 {
		return cell
	}
	return cell + "-r" + strconv.Itoa(k)
}

// RunSeed is the seed of the run named name in a matrix seeded with seed:
// positive, below 2^53 (exact in JSON), and the same wherever it is
// computed.
func RunSeed(seed int64, name string) int64 {
	h := sha256.New()
	_ = binary.Write(h, binary.BigEndian, seed)
	h.Write([]byte(name))
	sum := h.Sum(nil)
	return int64(binary.BigEndian.Uint64(sum[:8])%(1<<53-1)) + 1
}

// Shard is one part of a matrix's runs for one of several machines: part
// I of N.
type Shard struct{ I, N int }

// String is "I/N", or "" for the whole matrix.
func (s Shard) String() string {
	if s.N <= 1 {
		return ""
	}
	return fmt.Sprintf("%d/%d", s.I, s.N)
}

// ParseShard reads --shard "I/N" (1 ≤ I ≤ N).
func ParseShard(s string) (Shard, error) {
	is, ns, ok := strings.Cut(s, "/")
	i, err1 := strconv.Atoi(is)
	n, err2 := strconv.Atoi(ns)
	if !ok || err1 != nil || err2 != nil || n < 1 || i < 1 || i > n {
		return Shard{}, &Error{Flag: "--shard", Msg: fmt.Sprintf("want I/N with 1 ≤ I ≤ N (\"2/4\"), got %q", s)}
	}
	return Shard{I: i, N: n}, nil
}

// Holds reports whether run j (0-based, in the order of the whole list)
// falls to shard s: j mod N + 1 = I. The whole matrix (N ≤ 1) holds
// every run.
func (s Shard) Holds(j int) bool {
	return s.N <= 1 || j%s.N == s.I-1
}

// Sharded keeps the runs of m that fall to shard s: run j (0-based, in the
// matrix's order after repeats) goes to shard j mod N + 1, so every shard
// gets a share of every cell's repeats and of every target. The whole
// list's length stays in Total.
func (m Matrix) Sharded(s Shard) Matrix {
	if s.N <= 1 {
		return m
	}
	out := m
	out.Shard = s
	if out.Total == 0 {
		out.Total = len(m.Entries)
	}
	out.Entries = nil
	for j, e := range m.Entries {
		if s.Holds(j) {
			out.Entries = append(out.Entries, e)
		}
	}
	return out
}

// Expand is what `chaos matrix --count --seed --shard` runs: m with each
// run count times ([Matrix.Repeated]), the whole list, of which shard s
// will run its part ([Matrix.Sharded]). Shards run on machines that do not
// talk to each other, so they must derive the same seeds: a shard or
// repeats without a seed are refused, and so is a shard that would hold
// no run.
func (m Matrix) Expand(count int, seed int64, s Shard) (Matrix, error) {
	if seed == 0 {
		switch {
		case s.N > 1:
			return m, &Error{Flag: "--shard", Msg: fmt.Sprintf("%s needs --seed: every shard must derive the same seed for each run, or the shards are not parts of one matrix (pass the same --seed to every shard, e.g. --seed $(date +%%Y%%m%%d))", s)}
		case count > 1:
			return m, &Error{Flag: "--count", Msg: fmt.Sprintf("%d repeats need --seed: each repeat's seed is derived from it, so the matrix can be run again with the same seeds (e.g. --seed $(date +%%Y%%m%%d))", count)}
		}
	}
	out, err := m.Repeated(count, seed)
	if err != nil {
		return m, err
	}
	if s.N > len(out.Entries) {
		return m, &Error{Flag: "--shard", Msg: fmt.Sprintf("shard %s of a matrix of %d runs would hold no run: use at most %d shards", s, len(out.Entries), len(out.Entries))}
	}
	return out, nil
}
