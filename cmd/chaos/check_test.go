package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// --max-false-failovers limits the false failovers of a checked history:
// unset, the edge history's one false failover is a finding but valid; at
// 0 it fails the check (exit 1); a negative limit is bad input.
func TestCheckMaxFalseFailovers(t *testing.T) {
	b, err := os.ReadFile("../../checkers/testdata/edge-false-failover.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	h := filepath.Join(dir, "history.jsonl")
	if err := os.WriteFile(h, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out, errOut := chaos(t, "check", h); code != 0 || !strings.Contains(out, "1 false failover") {
		t.Fatalf("no limit: exit %d\n%s%s", code, out, errOut)
	}
	if code, out, errOut := chaos(t, "check", "--max-false-failovers", "0", h); code != 1 || !strings.Contains(out, "more than the limit of 0") {
		t.Fatalf("limit 0: exit %d\n%s%s", code, out, errOut)
	}
	if code, _, errOut := chaos(t, "check", "--max-false-failovers", "-1", h); code != 254 || !strings.Contains(errOut, "--max-false-failovers: -1") {
		t.Fatalf("limit -1: exit %d\n%s", code, errOut)
	}
}
