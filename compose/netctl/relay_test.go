package netctl

import (
	"bufio"
	"context"
	"io"
	"net"
	"strings"
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
	fromRelay, out := io.Pipe()
	done := make(chan error, 1)
	go func() { done <- Relay(ctx, ln.Addr().String(), in, out, time.Second) }()
	if err := WriteLine(toRelay, Request{Seq: 4, Op: OpShow}); err != nil {
		t.Fatal(err)
	}
	var rep Reply
	if err := ReadLine(bufio.NewReader(fromRelay), &rep); err != nil {
		t.Fatalf("reply: %v", err)
	}
	if rep.Seq != 4 || !rep.OK || rep.State == nil || rep.State.Packets != 7 {
		t.Fatalf("reply %+v", rep)
	}
	go io.Copy(io.Discard, fromRelay) // whatever else the agent says
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
