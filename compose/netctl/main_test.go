package netctl

import (
	"bytes"
	"net"
	"strings"
	"testing"
)

// Main's command line: the parts that need no network namespace of their
// own (dial, and every error before a rule is touched).
func TestMainCommandLine(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var out bytes.Buffer
	if err := Main([]string{"dial", "--timeout", "2s", ln.Addr().String()}, &out); err != nil {
		t.Fatalf("dial: %v", err)
	}
	if want := "connected to " + ln.Addr().String() + "\n"; out.String() != want {
		t.Errorf("dial printed %q, want %q", out.String(), want)
	}
	if !strings.Contains(Usage, "agent [--listen ADDR]") {
		t.Errorf("Usage lacks the agent: %s", Usage)
	}
	closed := ln.Addr().String()
	ln.Close()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "usage: netctl drop"},
		{[]string{"cut"}, `unknown netctl command "cut"`},
		{[]string{"drop", "--from", "10.0.0.300"}, "netctl drop:"},
		{[]string{"drop", "--bogus"}, "netctl drop: flag provided but not defined: -bogus"},
		{[]string{"dial"}, "netctl dial: want one HOST:PORT"},
		{[]string{"dial", "--timeout", "1s", closed}, "netctl dial:"},
		{[]string{"agent", "--listen", "not-an-address"}, "netctl agent: listen:"},
		{[]string{"agent", "--listen", closed, "--bogus"}, "flag provided but not defined: -bogus"},
	} {
		out.Reset()
		err := Main(tc.args, &out)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Main(%q) = %v, want an error with %q", tc.args, err, tc.want)
		}
		if out.Len() != 0 {
			t.Errorf("Main(%q) printed %q on failing", tc.args, out.String())
		}
	}
}
