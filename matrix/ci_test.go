package matrix

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/chaos-election/chaos/plan"
	"github.com/chaos-election/chaos/runner"
)

// ciWorkflow is what the tests read of a GitHub Actions workflow.
type ciWorkflow struct {
	Jobs map[string]struct {
		Needs    any `yaml:"needs"`
		Strategy struct {
			Matrix map[string][]int `yaml:"matrix"`
		} `yaml:"strategy"`
		Steps []struct {
			ID   string            `yaml:"id"`
			Run  string            `yaml:"run"`
			With map[string]string `yaml:"with"`
		} `yaml:"steps"`
	} `yaml:"jobs"`
}

// The example CI workflow runs the shipped matrix and publishes the files
// that matrix writes.
func TestCIWorkflowRunsShippedMatrix(t *testing.T) {
	b, err := os.ReadFile("../docs/ci-github-actions.yml")
	if err != nil {
		t.Fatal(err)
	}
	var wf ciWorkflow
	if err := yaml.Unmarshal(b, &wf); err != nil {
		t.Fatal(err)
	}
	var matrixFile, junit string
	for _, job := range wf.Jobs {
		for _, s := range job.Steps {
			if f := strings.Fields(s.Run); len(f) > 0 && strings.Contains(s.Run, "chaos matrix") {
				matrixFile = f[len(f)-1]
			}
			if p := s.With["report_paths"]; p != "" {
				junit = p
			}
		}
	}
	m, err := plan.LoadMatrix(filepath.Join("..", matrixFile))
	if err != nil {
		t.Fatalf("the workflow's matrix %q: %v", matrixFile, err)
	}
	if want := "runs/" + m.Name + "/latest/" + runner.JUnitFile; junit != want {
		t.Errorf("the workflow publishes %q; the matrix writes %q", junit, want)
	}
}

// The sharded example runs the shipped matrix on N runners, shards 1/N to
// N/N with one seed, uploads each shard's directory, and merges what it
// downloads, publishing the junit.xml the merge writes.
func TestCIShardedWorkflowRunsShippedMatrix(t *testing.T) {
	b, err := os.ReadFile("../docs/ci-github-actions-sharded.yml")
	if err != nil {
		t.Fatal(err)
	}
	var wf ciWorkflow
	if err := yaml.Unmarshal(b, &wf); err != nil {
		t.Fatal(err)
	}
	shardJob, ok := wf.Jobs["shard"]
	if !ok {
		t.Fatal("no shard job")
	}
	shards := shardJob.Strategy.Matrix["shard"]
	n := len(shards)
	if n != 4 || !slices.Equal(shards, []int{1, 2, 3, 4}) {
		t.Fatalf("the shard job's strategy.matrix.shard is %v, want [1 2 3 4]", shards)
	}
	matrixRun := regexp.MustCompile(`chaos matrix .*--seed (\$\{\{ [a-z.]+ \}\}) --shard \$\{\{ matrix\.shard \}\}/(\d+) (\S+)$`)
	var file, seedExpr, upload, dirStep string
	for _, s := range shardJob.Steps {
		if m := matrixRun.FindStringSubmatch(strings.TrimSpace(s.Run)); m != nil {
			seedExpr, file = m[1], m[3]
			if m[2] != strconv.Itoa(n) {
				t.Errorf("--shard I/%s on %d runners", m[2], n)
			}
		}
		if strings.Contains(s.Run, "readlink -f runs/") {
			dirStep = s.ID
			if want := "runs/nightly/latest"; !strings.Contains(s.Run, want) {
				t.Errorf("the shard's directory is read from %q, want %s", s.Run, want)
			}
		}
		if name := s.With["name"]; name != "" {
			upload = name
			if s.With["path"] != "${{ steps."+dirStep+".outputs.dir }}" {
				t.Errorf("the shard uploads %q, not its matrix directory", s.With["path"])
			}
		}
	}
	if file == "" || seedExpr != "${{ needs.seed.outputs.seed }}" {
		t.Fatalf("no `chaos matrix --seed ${{ needs.seed.outputs.seed }} --shard ${{ matrix.shard }}/N FILE` step (seed %q)", seedExpr)
	}
	m, err := plan.LoadMatrix(filepath.Join("..", file))
	if err != nil {
		t.Fatalf("the workflow's matrix %q: %v", file, err)
	}
	if _, err := m.Expand(1, 1, plan.Shard{I: n, N: n}); err != nil {
		t.Errorf("the matrix in %d shards: %v", n, err)
	}
	if upload != "chaos-shard-${{ matrix.shard }}" {
		t.Errorf("each shard uploads %q", upload)
	}

	merge, ok := wf.Jobs["merge"]
	if !ok || merge.Needs != "shard" {
		t.Fatalf("no merge job after the shards (needs %v)", merge.Needs)
	}
	var downloaded, merged, junit string
	for _, s := range merge.Steps {
		if p := s.With["pattern"]; p != "" {
			downloaded = s.With["path"] + "/" + p
			if p != "chaos-shard-*" {
				t.Errorf("the merge downloads %q, the shards upload %q", p, upload)
			}
		}
		if f := strings.Fields(s.Run); len(f) > 2 && strings.HasSuffix(f[0], "chaos") && f[1] == "merge" {
			merged = f[2]
		}
		if p := s.With["report_paths"]; p != "" {
			junit = p
		}
	}
	if merged == "" || merged != downloaded {
		t.Errorf("the merge merges %q; the shards are downloaded to %q", merged, downloaded)
	}
	if want := "runs/" + m.Name + "/latest/" + runner.JUnitFile; junit != want {
		t.Errorf("the workflow publishes %q; the merge writes %q", junit, want)
	}
}
