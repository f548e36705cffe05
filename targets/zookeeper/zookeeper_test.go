package zookeeper

import (
	"slices"
	"testing"
)

func TestSortBySequence(t *testing.T) {
	in := []string{
		"_c_9a7c-n-0000000012",
		"_c_11f0-n-0000000003",
		"stray",
		"_c_0b2e-n-0000000010",
	}
	got := sortBySequence(in)
	want := []string{"_c_11f0-n-0000000003", "_c_0b2e-n-0000000010", "_c_9a7c-n-0000000012"}
	if !slices.Equal(got, want) {
		t.Fatalf("sortBySequence = %v, want %v", got, want)
	}
	if sequence("n-") != -1 || sequence("_c_x-n-000000000a") != -1 {
		t.Error("a name without a sequence has one")
	}
}
