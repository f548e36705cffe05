package zookeeper

import (
	"bufio"
	"cmp"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/chaos-election/chaos/targets"
)

// Defaults of [Options]: the znodes of Root "".
const (
	DefaultRoot         = "/chaos"
	DefaultPath         = DefaultRoot + "/election"
	DefaultResourcePath = DefaultRoot + "/resource"
)

// Client timeouts.
const (
	requestTimeout = 3 * time.Second // per request, so a cut-off client's ops end as errors
	probeTimeout   = 2 * time.Second
	dialTimeout    = 2 * time.Second
)

// Options configure the ZooKeeper target.
type Options struct {
	// Root is the znode every znode of the target lives under: the
	// election at Root+"/election", the resource at Root+"/resource", the
	// register workload's znodes under Root+"/register" ("" =
	// DefaultRoot). A ZooKeeper path: it starts with "/" and does not end
	// with one. Its ancestors are created when absent, and left by Clean.
	Root         string
	Path         string // parent of the candidates' znodes ("" = Root+"/election"); under Root when Root is set
	ResourcePath string // znode of the fenced resource ("" = Root+"/resource"); under Root when Root is set
	// Access is how every client connects: TLS, and Digest ("user:password")
	// for digest authentication. With a Digest, every znode the target
	// creates carries only that identity's ACL; without one, the world's.
	Access targets.Access
}

// Target is the ZooKeeper backend.
type Target struct {
	targets.Namespace                 // the root, and the register workload's znodes under it
	opts              Options         // Access zeroed: the secrets live in access only
	access            *targets.Access // a pointer, so that printing a Target prints no secret
}

var _ targets.Target = (*Target)(nil)

// New returns the ZooKeeper target. It accepts any options;
// [Target.Validate] says whether they make sense.
func New(opts Options) *Target {
	ns := targets.NewNamespace(opts.Root, DefaultRoot)
	opts.Path = cmp.Or(opts.Path, ns.Root()+"/election")
	opts.ResourcePath = cmp.Or(opts.ResourcePath, ns.Root()+"/resource")
	access := opts.Access.Take()
	return &Target{Namespace: ns, opts: opts, access: access}
}

// Name returns "zookeeper".
func (t *Target) Name() string { return "zookeeper" }

// Probe sends the four-letter command srvr: a server answers with its
// Mode (leader, follower) once it is part of a quorum and serves clients.
func (t *Target) Probe(ctx context.Context, ep targets.Endpoint) error {
	mode, err := serverMode(ctx, ep, t.access.TLS)
	if err != nil {
		return err
	}
	if mode == "" {
		return fmt.Errorf("probe %s: not serving", ep.Node)
	}
	return nil
}

var _ targets.LeaderReporter = (*Target)(nil)

// Leads reports whether the server at ep is the ensemble's leader (srvr
// says "Mode: leader", or "standalone" for a single server).
func (t *Target) Leads(ctx context.Context, ep targets.Endpoint) (bool, error) {
	mode, err := serverMode(ctx, ep, t.access.TLS)
	return mode == "leader" || mode == "standalone", err
}

// serverMode asks the server at ep for its Mode with the four-letter
// command srvr, over TLS when tlsCfg is set; "" with an error when it
// does not serve.
func serverMode(ctx context.Context, ep targets.Endpoint, tlsCfg *tls.Config) (string, error) {
	pctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	conn, err := dialTLS(pctx, ep.Addr, plainDial, tlsCfg)
	if err != nil {
		return "", fmt.Errorf("srvr %s: %w", ep.Node, err)
	}
	defer conn.Close()
	if dl, ok := pctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	if _, err := io.WriteString(conn, "srvr"); err != nil {
		return "", fmt.Errorf("srvr %s: %w", ep.Node, err)
	}
	out, err := io.ReadAll(bufio.NewReader(conn))
	if err != nil && len(out) == 0 {
		return "", fmt.Errorf("srvr %s: %w", ep.Node, err)
	}
	for _, line := range strings.Split(string(out), "\n") {
		if mode, ok := strings.CutPrefix(line, "Mode: "); ok && mode != "" {
			return strings.TrimSpace(mode), nil
		}
	}
	return "", fmt.Errorf("srvr %s: not serving: %q", ep.Node, firstLine(string(out)))
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}

// sequence is the sequence number ZooKeeper appended to a sequential
// znode's name (its last 10 digits); -1 when there is none.
func sequence(name string) int64 {
	if len(name) < 10 {
		return -1
	}
	n, err := strconv.ParseInt(name[len(name)-10:], 10, 64)
	if err != nil {
		return -1
	}
	return n
}

// sortBySequence sorts znode names by their sequence numbers, dropping
// names without one.
func sortBySequence(names []string) []string {
	out := names[:0:0]
	for _, n := range names {
		if sequence(n) >= 0 {
			out = append(out, n)
		}
	}
	sort.Slice(out, func(i, j int) bool { return sequence(out[i]) < sequence(out[j]) })
	return out
}

// printfLogger sends go-zookeeper's log lines to slog at debug level.
type printfLogger struct{ log *slog.Logger }

func (l printfLogger) Printf(format string, args ...any) {
	l.log.Debug("zk: " + fmt.Sprintf(format, args...))
}

// logger returns l, or a discarding logger.
func logger(l *slog.Logger) *slog.Logger {
	if l == nil {
		return slog.New(slog.DiscardHandler)
	}
	return l
}
