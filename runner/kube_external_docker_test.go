//go:build docker

package runner

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/chaos-election/chaos/checkers"
	"github.com/chaos-election/chaos/compose"
	"github.com/chaos-election/chaos/external/grant"
	"github.com/chaos-election/chaos/nemesis"
	"github.com/chaos-election/chaos/plan"
)

// userKube is a Kubernetes control plane started outside the harness, with
// plain docker-compose, as a staging cluster: the subject of target
// kubernetes on cluster: external. Its kubeconfig is a file, as kubectl's.
type userKube struct {
	kubeconfig string // the file's path
	token      string // the user's bearer token, which the file holds
	containers []string
	cs         *kubernetes.Clientset // the user's own client
}

// startUserKube brings testdata/external/kubernetes.compose.yaml up under
// a fresh compose project with fresh credentials, writes the kubeconfig
// (its CA a path relative to it, the server's name by tls-server-name),
// and creates namespace; t.Cleanup takes it all down.
func startUserKube(t *testing.T, namespace string) userKube {
	t.Helper()
	dir := t.TempDir()
	files, creds, err := compose.NewKubeCredentials([]string{"kube-apiserver"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	kubeDir := filepath.Join(dir, "kube")
	if err := os.Mkdir(kubeDir, 0o700); err != nil {
		t.Fatal(err)
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(kubeDir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	project := composeUp(t, "extk", "kubernetes.compose.yaml", "KUBE_DIR="+kubeDir, "ETCD_IMAGE="+compose.EtcdLocalImage,
		"KUBE_APISERVER_IMAGE="+compose.KubeAPIServerLocalImage)
	uk := userKube{token: creds.Token, containers: []string{project + "_etcd_1", project + "_apiserver_1"}}
	out, err := exec.Command("docker", "inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", uk.containers[1]).Output()
	ip := strings.TrimSpace(string(out))
	if err != nil || ip == "" {
		t.Fatalf("inspect %s: %v %q", uk.containers[1], err, out)
	}
	uk.kubeconfig = filepath.Join(dir, "staging.kubeconfig")
	cfg := fmt.Sprintf(`apiVersion: v1
kind: Config
current-context: staging
clusters:
- name: staging
  cluster: {server: "https://%s:6443", certificate-authority: kube/tls.crt, tls-server-name: kube-apiserver}
users:
- name: chaos
  user: {token: %s}
contexts:
- name: staging
  context: {cluster: staging, user: chaos}
`, ip, creds.Token)
	if err := os.WriteFile(uk.kubeconfig, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	rc, err := clientcmd.BuildConfigFromFlags("", uk.kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	if uk.cs, err = kubernetes.NewForConfig(rc); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	for {
		_, err := uk.cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: namespace}}, metav1.CreateOptions{})
		if err == nil {
			return uk
		}
		if ctx.Err() != nil {
			t.Fatalf("the user's API server never served: %v", err)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// leases lists the Leases of namespace.
func (uk userKube) leases(t *testing.T, namespace string) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	list, err := uk.cs.CoordinationV1().Leases(namespace).List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range list.Items {
		out = append(out, l.Name)
	}
	return out
}

// stagingKubePlan is a CI-size plan on the user's control plane: 3
// candidates on a 3 s Lease (2 s / 400 ms), the given faults.
func stagingKubePlan(uk userKube, namespace string, faults ...nemesis.FaultSpec) plan.Plan {
	p := plan.Default()
	p.SetTarget(plan.TargetKubernetes)
	p.Name, p.Cluster, p.Resource, p.Nodes = "kubernetes-staging", plan.ClusterExternal, "token", 3
	p.External = plan.External{Kubeconfig: uk.kubeconfig, Namespace: namespace, HealthTimeout: time.Minute}
	p.LeaseTTL = 3 * time.Second
	p.Nemesis.Interval, p.Recovery = 2*time.Second, 5*time.Second
	p.Nemesis.Faults, p.Duration = faults, time.Second
	for _, f := range faults {
		p.Duration += p.Nemesis.Interval + f.Needs()
	}
	return p
}

// Issue 18, case 4: a staging Kubernetes cluster by kubeconfig. A
// namespace holding someone's Lease is refused and left as it was; in an
// empty one, the client side's faults (the leader's GC pause, its link to
// the API server cut and delayed through the harness's proxy) and a pause
// of the API server that commands grant run, the run is valid with
// failovers, its Lease is removed at the end, the user's containers run
// on, and the token is in no file of the run.
func TestStagingKubernetes(t *testing.T) {
	t.Parallel()
	const ns = "chaos-staging"
	uk := startUserKube(t, ns)
	faults := []nemesis.FaultSpec{
		{Kind: "client-pause", Victim: "leader", Duration: 5 * time.Second},
		{Kind: "client-partition", Victim: "leader", Duration: 5 * time.Second},
		{Kind: "client-delay", Victim: "leader", Delay: 3 * time.Second, Duration: 5 * time.Second},
		{Kind: "pause", Victim: nemesis.VictimAPIServer, Duration: 4 * time.Second},
	}
	p := stagingKubePlan(uk, ns, faults...)
	// The API server's pause, as a staging cluster grants it: commands
	// (here docker's, on the user's own container).
	p.External.Commands = map[string]grant.Command{grant.FaultPause: {
		Start: "docker pause " + uk.containers[1] + " # {node} at {endpoint}", Heal: "docker unpause " + uk.containers[1]}}
	p.Seed = coveringSeed(p)

	ctx := context.Background()
	foreign := &coordinationv1.Lease{ObjectMeta: metav1.ObjectMeta{Name: "someone-elses", Namespace: ns}}
	if _, err := uk.cs.CoordinationV1().Leases(ns).Create(ctx, foreign, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	_, err := Run(ctx, RunConfig{Plan: p, Root: t.TempDir(), Progress: os.Stderr,
		Log: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))})
	if ExitCode(err) != ExitBadInput || !strings.Contains(fmt.Sprint(err), "the namespace "+ns+" is not empty (lease/someone-elses): choose another external.namespace") {
		t.Fatalf("a namespace holding a Lease: exit %d, %v", ExitCode(err), err)
	}
	if got := uk.leases(t, ns); len(got) != 1 || got[0] != "someone-elses" {
		t.Fatalf("the refused run touched the namespace: %v", got)
	}
	if err := uk.cs.CoordinationV1().Leases(ns).Delete(ctx, foreign.Name, metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}

	out, ops := runQuiet(t, p)
	kinds := validWithFaults(t, out, ops)
	for _, f := range faults {
		if kinds[f.Kind] == 0 {
			t.Errorf("%s never in effect: %v", f.Kind, kinds)
		}
	}
	if left := uk.leases(t, ns); len(left) > 0 {
		t.Errorf("Leases left in %s: %v", ns, left)
	}
	for _, c := range uk.containers {
		out, err := exec.Command("docker", "inspect", "-f", "{{.State.Status}}", c).Output()
		if st := strings.TrimSpace(string(out)); err != nil || st != "running" {
			t.Errorf("after the run the user's container %s is %q (%v), want running", c, st, err)
		}
	}
	cmds, err := os.ReadFile(filepath.Join(out.Dir, CommandsLog))
	if err != nil || !bytes.Contains(cmds, []byte("apiserver pause start: docker pause "+uk.containers[1])) ||
		!bytes.Contains(cmds, []byte("apiserver pause heal: docker unpause")) {
		t.Errorf("%s does not record the API server's pause and heal: %v\n%s", CommandsLog, err, cmds)
	}
	saved, err := os.ReadFile(filepath.Join(out.Dir, plan.FileName))
	if err != nil || !bytes.Contains(saved, []byte(uk.kubeconfig)) {
		t.Errorf("the saved plan does not name the kubeconfig: %v\n%s", err, saved)
	}
	files := 0
	err = filepath.WalkDir(out.Dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		files++
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if bytes.Contains(b, []byte(uk.token)) {
			t.Errorf("the token is in %s", path)
		}
		return nil
	})
	if err != nil || files < 5 {
		t.Errorf("walked %d files of the run directory: %v", files, err)
	}
	if out.Results.Validity != checkers.Valid {
		t.Fatal(out.Results.Validity)
	}
}
