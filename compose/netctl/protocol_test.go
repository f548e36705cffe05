package netctl

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net/netip"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/chaos-election/chaos/netfault"
)

func TestProtocolRoundTrip(t *testing.T) {
	rules := NodeRules{
		Into:  map[netip.Addr]netfault.Effect{a2: {Drop: true}, a3: {Loss: 0.25}},
		OutOf: map[netip.Addr]netfault.Effect{a3: {Delay: 300 * time.Millisecond, Jitter: 5 * time.Millisecond}},
	}
	reqs := []Request{
		{Seq: 1, Op: OpApply, Rules: &rules},
		{Seq: 2, Op: OpDial, Addr: "10.0.0.3:2380", Timeout: Duration(1500 * time.Millisecond)},
		{Seq: 3, Op: OpShow},
		{Seq: 4, Op: OpApply}, // nil rules: heal
	}
	var buf bytes.Buffer
	for _, r := range reqs {
		if err := WriteLine(&buf, r); err != nil {
			t.Fatal(err)
		}
	}
	text := buf.String()
	if strings.Count(text, "\n") != len(reqs) {
		t.Fatalf("not one line per request:\n%s", text)
	}
	for _, want := range []string{`{"seq":1,"op":"apply","rules":{"into":{"10.0.0.2":{"drop":true},"10.0.0.3":{"loss":0.25}}`, `"timeout":"1.5s"`, `{"seq":3,"op":"show"}`} {
		if !strings.Contains(text, want) {
			t.Errorf("wire form lacks %s:\n%s", want, text)
		}
	}
	br := bufio.NewReader(&buf)
	for i, want := range reqs {
		var got Request
		if err := ReadLine(br, &got); err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("request %d: got %+v, want %+v", i, got, want)
		}
	}
	if err := ReadLine(br, &Request{}); !errors.Is(err, io.EOF) {
		t.Errorf("at the end: %v, want EOF", err)
	}

	st := State{Drop: []netip.Addr{a2}, Packets: 7, Loss: []LossState{{P: 0.5, From: []netip.Addr{a3}, Seen: 10, Dropped: 4}}}
	buf.Reset()
	_ = WriteLine(&buf, Reply{Seq: 9, OK: true, State: &st})
	_ = WriteLine(&buf, Reply{Seq: 10, Error: "apply: nftables: operation not permitted"})
	br = bufio.NewReader(&buf)
	var r1, r2 Reply
	if err := ReadLine(br, &r1); err != nil || r1.Err() != nil || !reflect.DeepEqual(*r1.State, st) {
		t.Errorf("reply 1 = %+v, %v", r1, err)
	}
	if err := ReadLine(br, &r2); err != nil || r2.Err() == nil || r2.Err().Error() != "apply: nftables: operation not permitted" {
		t.Errorf("reply 2 = %+v, %v", r2, err)
	}
	if (Reply{}).Err() == nil {
		t.Error("a reply neither ok nor with an error: no error")
	}
}

func TestReadLineErrors(t *testing.T) {
	br := bufio.NewReaderSize(strings.NewReader("not json\n{\"seq\":2,\"op\":\"show\"}\n{\"seq\":3"), 16)
	var r Request
	var bad *BadLineError
	if err := ReadLine(br, &r); !errors.As(err, &bad) {
		t.Fatalf("a bad line: %v, want a BadLineError", err)
	}
	if err := ReadLine(br, &r); err != nil || r.Seq != 2 {
		t.Fatalf("the line after a bad one (longer than the reader's buffer): %+v, %v", r, err)
	}
	if err := ReadLine(br, &r); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("a cut-off line: %v", err)
	}
	long := bufio.NewReader(strings.NewReader(`{"addr":"` + strings.Repeat("x", MaxLine) + "\"}\n"))
	if err := ReadLine(long, &r); err == nil || errors.As(err, &bad) {
		t.Errorf("a line over MaxLine: %v, want a fatal error", err)
	}
	var d Duration
	if err := d.UnmarshalText([]byte("soon")); err == nil {
		t.Error("Duration accepted \"soon\"")
	}
}
