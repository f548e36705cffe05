package netctl

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/chaos-election/chaos/netfault"
)

// The agent's control protocol: one JSON object per line each way. The
// harness sends a [Request] with a sequence number of its choosing; the
// agent answers each with a [Reply] carrying that number, once the
// request is carried out (an apply: once the rules are in the kernel).
// Replies to different requests may come out of order (a dial takes its
// time); the applies of one connection are carried out in the order
// they were sent.
const (
	// OpApply replaces everything the node's namespace does to its links
	// with Request.Rules.
	OpApply = "apply"
	// OpDial opens a TCP connection to Request.Addr from inside the
	// namespace (a probe across a cut) and closes it.
	OpDial = "dial"
	// OpShow reads what is in force: Reply.State, and how the agent
	// applies delays and rates: Reply.Methods.
	OpShow = "show"
	// OpEcho answers at once: what another agent's OpPing times.
	OpEcho = "echo"
	// OpPing times one request and its reply to the agent at
	// Request.Addr (another node's, on AgentPort) over a connection
	// opened first: a round trip across the link, data both ways, which
	// every method of delaying (netem, the user-space proxy) holds back.
	// With Request.Size the request carries that many bytes: a transfer
	// a rate limit slows.
	OpPing = "ping"
)

// MaxLine bounds one line of the protocol.
const MaxLine = 1 << 20

// Request is one line from the harness to an agent.
type Request struct {
	Seq   uint64     `json:"seq"`
	Op    string     `json:"op"`
	Rules *NodeRules `json:"rules,omitempty"` // apply
	Addr  string     `json:"addr,omitempty"`  // dial: HOST:PORT
	// Timeout bounds a dial (0 = DefaultDialTimeout).
	Timeout Duration `json:"timeout,omitempty"`
	// Size is how many bytes of padding a ping's echo request carries
	// (at most MaxPad): a timed transfer that a rate limit slows.
	Size int `json:"size,omitempty"`
	// Pad is an echo request's padding, ignored.
	Pad string `json:"pad,omitempty"`
}

// MaxPad bounds a ping's padding, within one line of the protocol.
const MaxPad = MaxLine - 4096

// Reply is one line from an agent to the harness.
type Reply struct {
	Seq   uint64 `json:"seq"`
	OK    bool   `json:"ok"`
	Error string `json:"error,omitempty"`
	State *State `json:"state,omitempty"` // show
	// Took is how long a dial took to connect (one round trip, SYN and
	// SYN-ACK, across the link), or a ping's round trip.
	Took Duration `json:"took,omitempty"`
	// Methods say how the agent applies delays and rates (show).
	Methods *netfault.Methods `json:"methods,omitempty"`
}

// Err is the reply's failure as an error, nil when OK.
func (r Reply) Err() error {
	if r.OK {
		return nil
	}
	if r.Error == "" {
		return errors.New("failed (no reason given)")
	}
	return errors.New(r.Error)
}

// Duration is a time.Duration written as text in JSON ("1.5s").
type Duration time.Duration

// MarshalText writes d as time.Duration.String does.
func (d Duration) MarshalText() ([]byte, error) { return []byte(time.Duration(d).String()), nil }

// UnmarshalText reads what time.ParseDuration reads.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

// WriteLine writes v as one line of JSON, in a single Write.
func WriteLine(w io.Writer, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if len(b) >= MaxLine {
		return fmt.Errorf("protocol line of %d bytes: over %d", len(b), MaxLine)
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// ReadLine reads one line of JSON into v. A line that is not valid JSON
// for v is an error that leaves r at the next line; a line over MaxLine
// and any read error (io.EOF at the end) are errors after which r is
// of no further use.
func ReadLine(r *bufio.Reader, v any) error {
	var line []byte
	for {
		chunk, err := r.ReadSlice('\n')
		line = append(line, chunk...)
		if len(line) > MaxLine {
			return fmt.Errorf("protocol line over %d bytes: %w", MaxLine, errLineTooLong)
		}
		if err == nil {
			break
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if len(line) > 0 && errors.Is(err, io.EOF) {
			return io.ErrUnexpectedEOF
		}
		return err
	}
	if err := json.Unmarshal(bytes.TrimSpace(line), v); err != nil {
		return &BadLineError{Err: err}
	}
	return nil
}

var errLineTooLong = errors.New("line too long")

// BadLineError is a line that is not the JSON expected; the stream goes
// on at the next line.
type BadLineError struct{ Err error }

func (e *BadLineError) Error() string { return "bad protocol line: " + e.Err.Error() }
func (e *BadLineError) Unwrap() error { return e.Err }
