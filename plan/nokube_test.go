//go:build nokube

package plan

import (
	"strings"
	"testing"
)

// A chaos built without client-go refuses lease-observed before anything
// starts, saying how to get it.
func TestObservedNeedsClientGo(t *testing.T) {
	p := Default()
	p.Recipe = RecipeLeaseObserved
	err := p.Validate()
	if !IsError(err) || !strings.Contains(err.Error(), `field "recipe": lease-observed needs client-go`) || !strings.Contains(err.Error(), "go build ./cmd/chaos") {
		t.Fatalf("got %v", err)
	}
	p.Recipe = RecipeLeaseTimestamp
	if err := p.Validate(); err != nil {
		t.Fatalf("lease-timestamp needs no client-go: %v", err)
	}
}

// ... and so does target kubernetes.
func TestKubernetesNeedsClientGo(t *testing.T) {
	p := Default()
	p.SetTarget(TargetKubernetes)
	err := p.Validate()
	if !IsError(err) || !strings.Contains(err.Error(), `field "target": kubernetes needs client-go`) {
		t.Fatalf("got %v", err)
	}
}
