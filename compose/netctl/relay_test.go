package netctl

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

// The relay carries the protocol both ways between a pipe (the exec's
// stdin and stdout) and an agent, and ends when the harness closes its end.
func TestRelayCarriesRequestsAndReplies(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ag := &Agent{Show: func() (State, error) { return State{Packets: 7}, nil }}
	go ag.Serve(ctx, ln)

	in, toRelay := io.Pipe()
	var out syncBuffer
	done := make(chan error, 1)
	go func() { done <- Relay(ctx, ln.Addr().String(), in, &out, time.Second) }()
	if err := WriteLine(toRelay, Request{Seq: 4, Op: OpShow}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(out.String(), "\n") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	var rep Reply
	if err := ReadLine(bufio.NewReader(strings.NewReader(out.String())), &rep); err != nil {
		t.Fatalf("reply %q: %v", out.String(), err)
	}
	if rep.Seq != 4 || !rep.OK || rep.State == nil || rep.State.Packets != 7 {
		t.Fatalf("reply %+v", rep)
	}
	toRelay.Close()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("relay ended with %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the relay did not end when its input closed")
	}
	if err := Relay(ctx, "127.0.0.1:1", strings.NewReader(""), io.Discard, time.Second); err == nil {
		t.Fatal("a relay to a closed port: no error")
	}
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
