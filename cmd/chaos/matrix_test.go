package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// --count and --shard need --seed, refused before anything runs (254);
// --list shows every run's seed and the shard's runs.
func TestMatrixRepeatsAndShardsFlags(t *testing.T) {
	file := filepath.Join("..", "..", "examples", "nightly-matrix.yaml")
	notMatrix := t.TempDir()
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"matrix", "--shard", "2/4", file}, "flag --shard: 2/4 needs --seed: every shard must derive the same seed for each run"},
		{[]string{"matrix", "--count", "3", file}, "flag --count: 3 repeats need --seed"},
		{[]string{"matrix", "--shard", "5/4", "--seed", "1", file}, `flag --shard: want I/N with 1 ≤ I ≤ N ("2/4"), got "5/4"`},
		{[]string{"matrix", "--shard", "14/14", "--seed", "1", file}, "shard 14/14 of a matrix of 13 runs would hold no run"},
		{[]string{"matrix", "--count", "x", file}, `invalid argument "x" for "--count"`},
		{[]string{"merge"}, "requires at least 1 arg"},
		{[]string{"merge", notMatrix}, notMatrix + ": not a matrix directory: it has no matrix.json"},
	} {
		code, _, errOut := chaos(t, tt.args...)
		if code != 254 || !strings.Contains(errOut, tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want 254 and %q", tt.args, code, errOut, tt.want)
		}
	}

	code, out, errOut := chaos(t, "matrix", "--list", "--count", "2", "--seed", "20261203", "--shard", "3/4", file)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != 27 {
		t.Fatalf("--list: exit %d, %d lines\n%s%s", code, len(lines), out, errOut)
	}
	for j, l := range lines[:26] {
		mine := strings.HasPrefix(l, "*")
		if mine != (j%4 == 2) || !strings.Contains(l, " seed ") || strings.Contains(l, "seed drawn") {
			t.Errorf("run %d: %q (shard 3/4's: %v)", j+1, l, j%4 == 2)
		}
	}
	if !strings.Contains(lines[0], "etcd-partitions-r1") || lines[26] != "shard 3/4 runs the 6 runs marked * of 26" {
		t.Errorf("--list:\n%s", out)
	}
	if _, err := os.Stat("runs"); err == nil {
		t.Error("--list made a runs directory")
	}
}
