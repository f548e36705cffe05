package plan

import (
	"errors"
	"strings"
	"testing"
)

func threeRuns() Matrix {
	m := Matrix{Name: "m"}
	for _, n := range []string{"a", "b", "c"} {
		p := Default()
		p.Name = n
		m.Entries = append(m.Entries, MatrixEntry{Plan: p, Cell: n, Repeat: 1})
	}
	return m
}

func TestRepeatedNamesAndSeeds(t *testing.T) {
	m, err := threeRuns().Repeated(3, 42)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Entries) != 9 || m.Total != 9 || m.Count != 3 {
		t.Fatalf("%d runs, total %d, count %d; want 9, 9, 3", len(m.Entries), m.Total, m.Count)
	}
	seeds := map[int64]bool{}
	for i, e := range m.Entries {
		wantCell := []string{"a", "b", "c"}[i/3]
		wantName := wantCell + "-r" + string(rune('1'+i%3))
		if e.Cell != wantCell || e.Plan.Name != wantName || e.Repeat != i%3+1 {
			t.Errorf("run %d: cell %q name %q repeat %d, want %q %q %d", i, e.Cell, e.Plan.Name, e.Repeat, wantCell, wantName, i%3+1)
		}
		if e.Plan.Seed <= 0 || e.Plan.Seed >= 1<<53 || seeds[e.Plan.Seed] {
			t.Errorf("run %d: seed %d not fresh and positive below 2^53", i, e.Plan.Seed)
		}
		seeds[e.Plan.Seed] = true
		if e.Plan.Seed != RunSeed(42, e.Plan.Name) {
			t.Errorf("run %d: seed %d is not RunSeed(42, %q)", i, e.Plan.Seed, e.Plan.Name)
		}
	}
	again, _ := threeRuns().Repeated(3, 43)
	if again.Entries[0].Plan.Seed == m.Entries[0].Plan.Seed {
		t.Error("another matrix seed gave the same run seed")
	}
}

func TestRepeatedKeepsPlanSeedOnce(t *testing.T) {
	base := threeRuns()
	base.Entries[0].Plan.Seed = 7
	one, err := base.Repeated(1, 42)
	if err != nil {
		t.Fatal(err)
	}
	if one.Entries[0].Plan.Seed != 7 || one.Entries[0].Plan.Name != "a" {
		t.Errorf("count 1: %q seed %d, want a with its own seed 7", one.Entries[0].Plan.Name, one.Entries[0].Plan.Seed)
	}
	if one.Entries[1].Plan.Seed != RunSeed(42, "b") {
		t.Errorf("count 1: b seed %d, want the derived one", one.Entries[1].Plan.Seed)
	}
	two, _ := base.Repeated(2, 42)
	if two.Entries[0].Plan.Seed == 7 {
		t.Error("count 2 kept the plan's own seed: repeats would be the same run")
	}
	plain, _ := threeRuns().Repeated(1, 0)
	if plain.Entries[1].Plan.Seed != 0 {
		t.Errorf("count 1 without a seed set seed %d, want 0 (picked at the start)", plain.Entries[1].Plan.Seed)
	}
}

func TestRepeatedRefuses(t *testing.T) {
	for _, tc := range []struct {
		count int
		seed  int64
		field string
	}{{0, 1, "--count"}, {101, 1, "--count"}, {2, 0, "--seed"}, {100, 1, "--count"}} {
		m := threeRuns()
		if tc.count == 100 { // 3 × 100 < 500, so make it 6 × 100
			m.Entries = append(m.Entries, m.Entries...)
			for i := range m.Entries {
				m.Entries[i].Plan.Name = string(rune('a' + i))
				m.Entries[i].Cell = ""
			}
		}
		_, err := m.Repeated(tc.count, tc.seed)
		var pe *Error
		if !errors.As(err, &pe) || pe.Flag != tc.field {
			t.Errorf("count %d seed %d: %v, want an error on %s", tc.count, tc.seed, err, tc.field)
		}
	}
}

func TestShardedSplitsEveryRunOnce(t *testing.T) {
	m, _ := threeRuns().Repeated(3, 1)
	seen := map[string]int{}
	for i := 1; i <= 4; i++ {
		s := m.Sharded(Shard{I: i, N: 4})
		if s.Total != 9 || s.Shard.String() != string(rune('0'+i))+"/4" {
			t.Errorf("shard %d: total %d shard %q", i, s.Total, s.Shard)
		}
		for _, e := range s.Entries {
			seen[e.Plan.Name]++
		}
	}
	if len(seen) != 9 {
		t.Errorf("the shards ran %d distinct runs, want 9", len(seen))
	}
	for n, c := range seen {
		if c != 1 {
			t.Errorf("%s in %d shards", n, c)
		}
	}
	if whole := m.Sharded(Shard{I: 1, N: 1}); len(whole.Entries) != 9 {
		t.Errorf("1/1 kept %d runs", len(whole.Entries))
	}
}

func TestParseShard(t *testing.T) {
	if s, err := ParseShard("2/4"); err != nil || s != (Shard{2, 4}) {
		t.Errorf("2/4: %v %v", s, err)
	}
	for _, bad := range []string{"", "2", "0/4", "5/4", "a/b", "1/0", "-1/2"} {
		if _, err := ParseShard(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestExpandRefusesWhatShardsCannotAgreeOn(t *testing.T) {
	for _, tc := range []struct {
		count int
		seed  int64
		shard Shard
		flag  string
		says  string
	}{
		{1, 0, Shard{2, 4}, "--shard", "flag --shard: 2/4 needs --seed: every shard must derive the same seed"},
		{3, 0, Shard{}, "--count", "flag --count: 3 repeats need --seed"},
		{1, 7, Shard{4, 4}, "--shard", "flag --shard: shard 4/4 of a matrix of 3 runs would hold no run: use at most 3 shards"},
		{0, 7, Shard{}, "--count", "flag --count: must be between 1 and 100, got 0"},
	} {
		_, err := threeRuns().Expand(tc.count, tc.seed, tc.shard)
		var pe *Error
		if !errors.As(err, &pe) || pe.Flag != tc.flag || !strings.HasPrefix(err.Error(), tc.says) {
			t.Errorf("count %d seed %d shard %v: %v, want %q", tc.count, tc.seed, tc.shard, err, tc.says)
		}
	}
	m, err := threeRuns().Expand(2, 7, Shard{3, 3})
	if err != nil || len(m.Entries) != 6 || m.Total != 6 || m.Entries[5].Plan.Seed != RunSeed(7, "c-r2") {
		t.Fatalf("expand 2 × 3 for shard 3/3: %v, %d runs, total %d", err, len(m.Entries), m.Total)
	}
	if mine := m.Sharded(Shard{3, 3}); len(mine.Entries) != 2 || mine.Entries[0].Plan.Name != "a-r3" && mine.Entries[0].Plan.Name != "b-r1" {
		t.Errorf("shard 3/3 of %d: %+v", len(m.Entries), mine.Entries)
	}
}
