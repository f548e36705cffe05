package freezenet

import (
	"context"
	"errors"
	"io"
	"net"
	"testing"
	"time"
)

// closingServer accepts connections on loopback and reports, for each,
// when the peer closed it (the read's error).
func closingServer(t *testing.T) (string, <-chan error) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	ended := make(chan error, 8)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				_, err := io.Copy(io.Discard, c)
				ended <- err
			}()
		}
	}()
	return ln.Addr().String(), ended
}

// TestKillClosesEveryConnection kills a switch with a connection idle, one
// blocked in a read and one frozen: the server sees all three closed, the
// blocked reads end with ErrKilled, and the switch dials, writes and waits
// no more.
func TestKillClosesEveryConnection(t *testing.T) {
	addr, ended := closingServer(t)
	s := New()
	var conns []net.Conn
	for range 3 {
		c, err := s.Dialer(nil)(context.Background(), addr)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
	}
	reads := make(chan error, 2)
	for _, c := range conns[1:] {
		go func() {
			_, err := c.Read(make([]byte, 1))
			reads <- err
		}()
	}
	time.Sleep(50 * time.Millisecond) // the reads are blocked in the kernel
	s.Freeze()                        // the third one's next I/O would wait
	s.Kill()
	for range 3 {
		select {
		case err := <-ended:
			if err != nil {
				t.Logf("server saw %v", err) // a reset is a close too
			}
		case <-time.After(5 * time.Second):
			t.Fatal("the server did not see every connection closed")
		}
	}
	for range 2 {
		select {
		case err := <-reads:
			if !errors.Is(err, ErrKilled) {
				t.Fatalf("blocked read ended with %v, want ErrKilled", err)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("Kill did not end a blocked read")
		}
	}
	if _, err := conns[0].Write([]byte("x")); !errors.Is(err, ErrKilled) {
		t.Fatalf("write after kill: %v, want ErrKilled", err)
	}
	if _, err := s.Dialer(nil)(context.Background(), addr); !errors.Is(err, ErrKilled) {
		t.Fatalf("dial after kill: %v, want ErrKilled", err)
	}
	if err := s.Wait(context.Background()); !errors.Is(err, ErrKilled) {
		t.Fatalf("Wait after kill: %v, want ErrKilled", err)
	}
	if s.Frozen() || !s.Killed() {
		t.Fatalf("Frozen %v, Killed %v after Kill; want false, true", s.Frozen(), s.Killed())
	}
	s.Freeze() // a dead process is not paused
	if s.Frozen() {
		t.Fatal("a killed switch froze")
	}
	s.Kill() // idempotent
	for _, c := range conns {
		c.Close()
	}
}

// TestKillEndsAFrozenWait: a Wait blocked by a freeze returns ErrKilled
// at the kill.
func TestKillEndsAFrozenWait(t *testing.T) {
	s := New()
	s.Freeze()
	done := make(chan error, 1)
	go func() { done <- s.Wait(context.Background()) }()
	select {
	case err := <-done:
		t.Fatalf("Wait returned %v while frozen", err)
	case <-time.After(50 * time.Millisecond):
	}
	s.Kill()
	select {
	case err := <-done:
		if !errors.Is(err, ErrKilled) {
			t.Fatalf("Wait = %v, want ErrKilled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Kill did not end a frozen Wait")
	}
}
