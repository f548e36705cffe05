package freezenet

import (
	"context"
	"io"
	"net"
	"testing"
	"time"
)

// echoServer accepts connections on loopback and echoes what they send.
func echoServer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { defer c.Close(); io.Copy(c, c) }()
		}
	}()
	return ln.Addr().String()
}

func TestFreezeHoldsTrafficUntilThaw(t *testing.T) {
	addr := echoServer(t)
	s := New()
	c, err := s.Dialer(nil)(context.Background(), addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	buf := make([]byte, 4)
	if _, err := c.Write([]byte("ping")); err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadFull(c, buf); err != nil || string(buf) != "ping" {
		t.Fatalf("echo before freeze: %q %v", buf, err)
	}

	s.Freeze()
	if !s.Frozen() {
		t.Fatal("Frozen() = false after Freeze")
	}
	got := make(chan string, 1)
	go func() {
		if _, err := c.Write([]byte("pong")); err != nil {
			got <- "write: " + err.Error()
			return
		}
		b := make([]byte, 4)
		_, err := io.ReadFull(c, b)
		if err != nil {
			got <- "read: " + err.Error()
			return
		}
		got <- string(b)
	}()
	select {
	case g := <-got:
		t.Fatalf("traffic flowed while frozen: %q", g)
	case <-time.After(200 * time.Millisecond):
	}
	s.Thaw()
	select {
	case g := <-got:
		if g != "pong" {
			t.Fatalf("after thaw got %q, want pong", g)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("traffic still blocked after thaw")
	}
}

func TestCloseUnblocksFrozenRead(t *testing.T) {
	addr := echoServer(t)
	s := New()
	c, err := s.Dialer(nil)(context.Background(), addr)
	if err != nil {
		t.Fatal(err)
	}
	s.Freeze()
	defer s.Thaw()
	done := make(chan error, 1)
	go func() {
		_, err := c.Read(make([]byte, 1))
		done <- err
	}()
	c.Close()
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("read on a closed conn returned no error")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not unblock a frozen read")
	}
}

func TestDialWaitsWhileFrozen(t *testing.T) {
	addr := echoServer(t)
	s := New()
	s.Freeze()
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, err := s.Dialer(nil)(ctx, addr); err == nil {
		t.Fatal("dial succeeded while frozen")
	}
	s.Thaw()
	c, err := s.Dialer(nil)(context.Background(), addr)
	if err != nil {
		t.Fatalf("dial after thaw: %v", err)
	}
	c.Close()
}
