package archtest

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// scope says which files of a package a rule reads.
type scope int

const (
	// allFiles: non-test files, internal and external test files, whatever
	// their build tags.
	allFiles scope = iota
	// nonTestFiles: the files that are not _test.go, whatever their build
	// tags.
	nonTestFiles
)

// A rule constrains what some packages import. Patterns are import paths,
// exact, or ending in "/..." for the path and everything under it.
type rule struct {
	name string
	why  string
	// pkgs are the importing packages the rule covers, but for except.
	pkgs, except []string
	scope        scope
	// forbid are imports the covered files may not have.
	forbid []string
	// onlyStd, when set, permits only the standard library and allow.
	onlyStd bool
	allow   []string
}

// rules are docs/architecture.md's import rules for the module mod.
func rules(mod string) []rule {
	m := func(rel string) string { return mod + "/" + rel }
	docker := []string{ // the Docker Engine API and its ecosystem
		"github.com/docker/...", "github.com/moby/...", "github.com/containerd/...",
		"github.com/opencontainers/...", "github.com/compose-spec/...",
	}
	backendClients := []string{"go.etcd.io/...", "github.com/go-zookeeper/...", "github.com/hashicorp/consul/..."}
	harness := []string{ // what runs clusters, clients and faults
		m("compose/..."), m("nemesis/..."), m("targets/..."), m("workloads/..."),
		m("runner/..."), m("linkproxy/..."), m("external/..."),
	}
	return []rule{
		{
			name:   "runner-only-from-the-top",
			why:    "runner knows every package; only the commands and the packages of many runs (matrix, sweep, bench) drive it (runner's own tests are runner)",
			pkgs:   []string{m("...")},
			except: []string{m("cmd/chaos"), m("matrix/..."), m("sweep/..."), m("bench/...")},
			forbid: []string{m("runner/...")},
		},
		{
			name: "cmd-only-parses-flags",
			why: "cmd/chaos parses flags into the calls of plan, runner, matrix, sweep and bench; " +
				"Docker, compose, netctl, checkers and reports are reached through them",
			pkgs:    []string{m("cmd/...")},
			scope:   nonTestFiles,
			onlyStd: true,
			allow:   []string{m("plan"), m("runner"), m("matrix"), m("sweep"), m("bench"), "github.com/spf13/cobra"},
		},
		{
			name: "plan-starts-nothing",
			why: "a plan is loaded and checked without anything that starts containers, clients or faults: " +
				"plan reads the targets' settings and the nemesis' fault specs, never Docker, compose, external's runner or the workloads",
			pkgs: []string{m("plan/...")},
			forbid: slices.Concat(docker, []string{m("compose/..."), m("external"), m("workloads/..."),
				m("runner/..."), m("matrix/..."), m("sweep/..."), m("bench/...")}),
		},
		{
			name:   "many-runs-through-runner",
			why:    "matrix, sweep and bench run plans through runner.Run only: no cluster or client code of their own (a fault spec is a plan value)",
			pkgs:   []string{m("matrix/..."), m("sweep/..."), m("bench/...")},
			forbid: slices.Concat(docker, backendClients, []string{m("compose/..."), m("targets/..."), m("workloads/..."), m("linkproxy/..."), m("external/...")}),
		},
		{
			name:   "no-cmd-imports",
			why:    "commands are the top of the graph: nothing imports them",
			pkgs:   []string{m("...")},
			forbid: []string{m("cmd/...")},
		},
		{
			name: "checkers-pure",
			why: "checkers are pure functions of a history: no Docker, no network, no cluster, client or fault code, " +
				"so any history on disk can be checked again (chaos check)",
			pkgs:   []string{m("checkers/...")},
			forbid: slices.Concat(docker, backendClients, []string{"net", "net/..."}, harness),
		},
		{
			name:   "checkers-no-exec",
			why:    "checkers run no programs (a test may: jepsen_log_test.go asks `go list -m` where porcupine's logs are)",
			pkgs:   []string{m("checkers/...")},
			scope:  nonTestFiles,
			forbid: []string{"os/exec"},
		},
		{
			name:    "history-stdlib",
			why:     "the history format is a public interface read by everything: its package depends on nothing but the standard library and jsonscan",
			pkgs:    []string{m("history"), m("internal/jsonscan")},
			onlyStd: true,
			allow:   []string{m("internal/jsonscan")},
		},
		{
			name:   "reports-no-harness",
			why:    "reports render checked results and a history: no Docker, no cluster, client, fault or run code",
			pkgs:   []string{m("reports/...")},
			forbid: slices.Concat(docker, backendClients, harness),
		},
		{
			name:   "docker-in-compose",
			why:    "compose owns the Docker Engine API (and the connection to it); internal/targettest's Docker tests reach containers",
			pkgs:   []string{m("...")},
			except: []string{m("compose/..."), m("internal/targettest")},
			forbid: docker,
		},
		{
			name:   "backend-clients-in-targets",
			why:    "each backend's client library belongs to its targets sub-package (Docker tests elsewhere may talk to a backend directly)",
			pkgs:   []string{m("...")},
			except: []string{m("targets/...")},
			scope:  nonTestFiles,
			forbid: backendClients,
		},
	}
}

// match reports whether the import path p matches pattern.
func match(pattern, p string) bool {
	if base, ok := strings.CutSuffix(pattern, "/..."); ok {
		return p == base || strings.HasPrefix(p, base+"/")
	}
	return p == pattern
}

func matchAny(patterns []string, p string) bool {
	return slices.ContainsFunc(patterns, func(pat string) bool { return match(pat, p) })
}

// isStd reports whether p is a standard library import path: its first
// element has no dot (as the go command decides).
func isStd(p string) bool {
	first, _, _ := strings.Cut(p, "/")
	return !strings.Contains(first, ".") && p != "C"
}

type importDecl struct {
	path string
	line int
}

type goFile struct {
	rel     string // slash path, relative to the module root
	test    bool
	imports []importDecl
}

type goPackage struct {
	path  string // import path
	files []goFile
}

// loadModule reads the module rooted at root: its path from go.mod and,
// for every directory the go command would treat as a package of it
// (not testdata, not "." or "_" prefixed, not inside a nested module),
// the imports of every .go file whatever its build constraints.
func loadModule(root string) (string, []goPackage, error) {
	mod, err := modulePath(filepath.Join(root, "go.mod"))
	if err != nil {
		return "", nil, err
	}
	fset := token.NewFileSet()
	byDir := map[string]*goPackage{}
	var dirs []string
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if p == root {
				return nil
			}
			if strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "testdata" || name == "vendor" {
				return filepath.SkipDir
			}
			if _, err := os.Stat(filepath.Join(p, "go.mod")); err == nil {
				return filepath.SkipDir // another module
			}
			return nil
		}
		if !strings.HasSuffix(name, ".go") || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || !d.Type().IsRegular() {
			return nil
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		f, err := parser.ParseFile(fset, p, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		gf := goFile{rel: rel, test: strings.HasSuffix(name, "_test.go")}
		for _, is := range f.Imports {
			ip, err := strconv.Unquote(is.Path.Value)
			if err != nil {
				return fmt.Errorf("%s: import %s: %w", rel, is.Path.Value, err)
			}
			gf.imports = append(gf.imports, importDecl{path: ip, line: fset.Position(is.Pos()).Line})
		}
		dir := path.Dir(rel)
		pkg := byDir[dir]
		if pkg == nil {
			ip := mod
			if dir != "." {
				ip = mod + "/" + dir
			}
			pkg = &goPackage{path: ip}
			byDir[dir] = pkg
			dirs = append(dirs, dir)
		}
		pkg.files = append(pkg.files, gf)
		return nil
	})
	if err != nil {
		return "", nil, err
	}
	slices.Sort(dirs)
	pkgs := make([]goPackage, 0, len(dirs))
	for _, d := range dirs {
		pkgs = append(pkgs, *byDir[d])
	}
	return mod, pkgs, nil
}

// modulePath is the module directive of the go.mod file at p.
func modulePath(p string) (string, error) {
	data, err := os.ReadFile(p)
	if err != nil {
		return "", err
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if rest, ok := strings.CutPrefix(line, "module"); ok && (rest == "" || rest[0] == ' ' || rest[0] == '\t') {
			rest, _, _ = strings.Cut(rest, "//")
			rest = strings.TrimSpace(rest)
			if uq, err := strconv.Unquote(rest); err == nil {
				rest = uq
			}
			if rest != "" {
				return rest, nil
			}
		}
	}
	return "", fmt.Errorf("%s: no module directive", p)
}

// A violation is one import against one rule.
type violation struct {
	rule     string
	pkg      string // the importing package
	file     string // slash path relative to the module root
	line     int
	imported string
}

func (v violation) String() string {
	return fmt.Sprintf("%s:%d: %s imports %q (rule %s)", v.file, v.line, v.pkg, v.imported, v.rule)
}

// check returns every import of pkgs that breaks one of rs, in package,
// file and line order, rule by rule.
func check(pkgs []goPackage, rs []rule) []violation {
	var out []violation
	for _, pkg := range pkgs {
		for _, r := range rs {
			if !matchAny(r.pkgs, pkg.path) || matchAny(r.except, pkg.path) {
				continue
			}
			for _, f := range pkg.files {
				if r.scope == nonTestFiles && f.test {
					continue
				}
				for _, im := range f.imports {
					if im.path == pkg.path {
						continue // an external test package importing the package under test
					}
					bad := matchAny(r.forbid, im.path) ||
						(r.onlyStd && !isStd(im.path) && !matchAny(r.allow, im.path))
					if bad {
						out = append(out, violation{rule: r.name, pkg: pkg.path, file: f.rel, line: im.line, imported: im.path})
					}
				}
			}
		}
	}
	return out
}

// moduleRoot is the directory of the go.mod above the test's directory.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's directory")
		}
		dir = parent
	}
}

func loadThisModule(t *testing.T) (string, string, []goPackage) {
	t.Helper()
	root := moduleRoot(t)
	mod, pkgs, err := loadModule(root)
	if err != nil {
		t.Fatalf("read the module's imports: %v", err)
	}
	return root, mod, pkgs
}

// TestImportRules checks every package of the module against the rules.
func TestImportRules(t *testing.T) {
	_, mod, pkgs := loadThisModule(t)
	rs := rules(mod)
	why := map[string]string{}
	for _, r := range rs {
		why[r.name] = r.why
	}
	for _, v := range check(pkgs, rs) {
		t.Errorf("%s: %s", v, why[v.rule])
	}
}

// TestRulesCoverPackages fails a rule that covers no package (or exempts
// one that does not exist): a package renamed or moved would otherwise
// leave its rule checking nothing.
func TestRulesCoverPackages(t *testing.T) {
	_, mod, pkgs := loadThisModule(t)
	exists := func(pattern string) bool {
		return slices.ContainsFunc(pkgs, func(p goPackage) bool { return match(pattern, p.path) })
	}
	for _, r := range rules(mod) {
		for _, pat := range slices.Concat(r.pkgs, r.except, r.allow) {
			if strings.HasPrefix(pat, mod) && !exists(pat) {
				t.Errorf("rule %s names %s, which matches no package of the module", r.name, pat)
			}
		}
	}
}

// TestArchitectureDocListsEveryPackage keeps docs/architecture.md's
// package table whole: every package directory appears in it, in
// backquotes.
func TestArchitectureDocListsEveryPackage(t *testing.T) {
	root, mod, pkgs := loadThisModule(t)
	doc, err := os.ReadFile(filepath.Join(root, "docs", "architecture.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pkgs {
		rel := strings.TrimPrefix(strings.TrimPrefix(p.path, mod), "/")
		if rel == "" {
			continue
		}
		if !bytes.Contains(doc, []byte("`"+rel+"`")) {
			t.Errorf("docs/architecture.md does not list package %s (as `%s`)", p.path, rel)
		}
	}
}

// TestCheckerCatchesForbiddenImports runs the rules over a synthetic
// module: each forbidden import it holds is reported, exactly, and
// nothing else — files behind build tags and test files included,
// testdata, "_" directories and nested modules skipped.
func TestCheckerCatchesForbiddenImports(t *testing.T) {
	const mod = "example.com/fake"
	root := t.TempDir()
	files := map[string]string{
		"go.mod": "module " + mod + " // a comment\n\ngo 1.24\n",
		// Allowed.
		"checkers/pure.go":       "package checkers\n\nimport (\n\t\"fmt\"\n\t\"example.com/fake/history\"\n)\n",
		"checkers/exec_test.go":  "package checkers_test\n\nimport \"os/exec\"\n",
		"history/history.go":     "package history\n\nimport (\n\t\"strings\"\n\t\"example.com/fake/internal/jsonscan\"\n)\n",
		"history/x_test.go":      "package history_test\n\nimport \"example.com/fake/history\"\n",
		"internal/jsonscan/j.go": "package jsonscan\n",
		"runner/runner.go":       "package runner\n\nimport \"example.com/fake/compose\"\n",
		"runner/x_test.go":       "package runner_test\n\nimport \"example.com/fake/runner\"\n",
		"cmd/chaos/main.go":      "package main\n\nimport (\n\t\"os\"\n\t\"example.com/fake/runner\"\n\t\"example.com/fake/plan\"\n\t\"github.com/spf13/cobra\"\n)\n",
		"cmd/chaos/x_test.go":    "package main\n\nimport \"example.com/fake/compose\"\n",
		"plan/plan.go":           "package plan\n\nimport (\n\t\"example.com/fake/nemesis\"\n\t\"example.com/fake/targets/etcd\"\n\t\"example.com/fake/external/grant\"\n)\n",
		"matrix/matrix.go":       "package matrix\n\nimport (\n\t\"example.com/fake/runner\"\n\t\"example.com/fake/plan\"\n)\n",
		"compose/up.go":          "package compose\n\nimport \"github.com/docker/docker/client\"\n",
		"targets/etcd/etcd.go":   "package etcd\n\nimport \"go.etcd.io/etcd/client/v3\"\n",
		"compose/x_test.go":      "package compose\n\nimport \"go.etcd.io/etcd/client/v3\"\n",
		// Ignored: not packages of the module.
		"runner/testdata/x.go": "package x\n\nimport \"example.com/fake/runner\"\n",
		"_old/x.go":            "package x\n\nimport \"example.com/fake/runner\"\n",
		"nested/go.mod":        "module example.com/nested\n",
		"nested/x.go":          "package x\n\nimport \"example.com/fake/runner\"\n",
		// Forbidden.
		"checkers/net_docker_test.go": "//go:build docker\n\npackage checkers_test\n\nimport (\n\t\"testing\"\n\t\"net/http\"\n)\n",
		"checkers/exec.go":            "package checkers\n\nimport \"os/exec\"\n",
		"checkers/internal/gen/g.go":  "package gen\n\nimport \"example.com/fake/compose\"\n",
		"history/bad.go":              "package history\n\nimport \"example.com/fake/targets\"\n",
		"history/yaml_test.go":        "package history\n\nimport \"gopkg.in/yaml.v3\"\n",
		"nemesis/n.go":                "package nemesis\n\nimport \"example.com/fake/runner\"\n",
		"cmd/chaos/docker.go":         "package main\n\nimport (\n\t\"example.com/fake/compose\"\n\t\"github.com/docker/docker/client\"\n)\n",
		"plan/external.go":            "package plan\n\nimport \"example.com/fake/external\"\n",
		"bench/b.go":                  "package bench\n\nimport \"example.com/fake/compose\"\n",
		"reports/r.go":                "//go:build docker\n\npackage reports\n\nimport \"github.com/docker/docker/client\"\n",
		"workloads/election/e.go":     "package election\n\nimport \"github.com/hashicorp/consul/api\"\n",
	}
	for name, content := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	gotMod, pkgs, err := loadModule(root)
	if err != nil {
		t.Fatal(err)
	}
	if gotMod != mod {
		t.Fatalf("module path %q, want %q", gotMod, mod)
	}
	var got []string
	for _, v := range check(pkgs, rules(mod)) {
		got = append(got, v.String())
	}
	want := []string{
		`checkers/exec.go:3: example.com/fake/checkers imports "os/exec" (rule checkers-no-exec)`,
		`checkers/net_docker_test.go:7: example.com/fake/checkers imports "net/http" (rule checkers-pure)`,
		`checkers/internal/gen/g.go:3: example.com/fake/checkers/internal/gen imports "example.com/fake/compose" (rule checkers-pure)`,
		`history/bad.go:3: example.com/fake/history imports "example.com/fake/targets" (rule history-stdlib)`,
		`history/yaml_test.go:3: example.com/fake/history imports "gopkg.in/yaml.v3" (rule history-stdlib)`,
		`nemesis/n.go:3: example.com/fake/nemesis imports "example.com/fake/runner" (rule runner-only-from-the-top)`,
		`cmd/chaos/docker.go:4: example.com/fake/cmd/chaos imports "example.com/fake/compose" (rule cmd-only-parses-flags)`,
		`cmd/chaos/docker.go:5: example.com/fake/cmd/chaos imports "github.com/docker/docker/client" (rule cmd-only-parses-flags)`,
		`cmd/chaos/docker.go:5: example.com/fake/cmd/chaos imports "github.com/docker/docker/client" (rule docker-in-compose)`,
		`plan/external.go:3: example.com/fake/plan imports "example.com/fake/external" (rule plan-starts-nothing)`,
		`bench/b.go:3: example.com/fake/bench imports "example.com/fake/compose" (rule many-runs-through-runner)`,
		`reports/r.go:5: example.com/fake/reports imports "github.com/docker/docker/client" (rule reports-no-harness)`,
		`reports/r.go:5: example.com/fake/reports imports "github.com/docker/docker/client" (rule docker-in-compose)`,
		`workloads/election/e.go:3: example.com/fake/workloads/election imports "github.com/hashicorp/consul/api" (rule backend-clients-in-targets)`,
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("violations:\n\t%s\nwant:\n\t%s", strings.Join(got, "\n\t"), strings.Join(want, "\n\t"))
	}
}

// TestLoadModuleFailsOnBadSource: a file the parser cannot read is an
// error, never a file with no imports.
func TestLoadModuleFailsOnBadSource(t *testing.T) {
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "go.mod"), []byte("module example.com/fake\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "bad.go"), []byte("package x\n\nimport net/http\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := loadModule(root); err == nil {
		t.Fatal("loadModule read a file with a malformed import")
	}
	if err := os.WriteFile(filepath.Join(root, "go.mod"), []byte("go 1.24\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := loadModule(root); err == nil || errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("go.mod without a module directive: %v", err)
	}
}
