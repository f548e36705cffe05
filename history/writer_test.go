package history

import (
	"bytes"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

func TestWriterConcurrent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history.jsonl")
	w, err := Create(path, NewClock(), KeepOps())
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 500; i++ {
				w.Record(Op{Process: Observer, Type: Info, F: "note", Value: MustValue(map[string]int{"i": i})})
			}
		}()
	}
	wg.Wait()
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	ops, warns, err := ReadFile(path)
	if err != nil || len(warns) > 0 || len(ops) != 4000 {
		t.Fatalf("read back %d ops, %v %v", len(ops), warns, err)
	}
	for i, op := range ops {
		if op.Index != int64(i) || (i > 0 && op.Time < ops[i-1].Time) {
			t.Fatalf("op %d: %+v", i, op)
		}
	}
	kept := w.Ops()
	if len(kept) != len(ops) || string(kept[17].Value) != string(ops[17].Value) {
		t.Fatal("KeepOps differs from the file")
	}
}

// TestWriterFlushesByItself polls the file: the writer must flush within
// its interval without Flush or Close.
func TestWriterFlushesByItself(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history.jsonl")
	w, err := Create(path, NewClock())
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	w.Record(Op{Process: Observer, Type: Info, F: "note"})
	deadline := time.Now().Add(5 * time.Second)
	for {
		b, _ := os.ReadFile(path)
		if bytes.Count(b, []byte("\n")) == 1 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("op not on disk 5 s after Record")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestEveryCutPrefixReads cuts a written history at every byte: the
// reader keeps exactly the complete lines and warns about a cut one.
func TestEveryCutPrefixReads(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf, NewClock())
	w.Record(Op{Process: "n1", Node: "n1", Type: Invoke, F: FCampaign, Value: MustValue(map[string]any{})})
	w.Record(Op{Process: "n1", Node: "n1", Type: OK, F: FCampaign, Value: MustValue(map[string]any{"token": 3})})
	w.Record(Op{Process: "n1", Node: "n1", Type: Invoke, F: FWrite, Value: MustValue(map[string]any{"token": 3, "seq": 1})})
	w.Record(Op{Process: Nemesis, Node: "n2", Type: Info, F: FFaultStart, Value: MustValue(map[string]any{"fault": "pause"})})
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	full := buf.Bytes()
	for cut := 0; cut <= len(full); cut++ {
		prefix := full[:cut]
		ops, warns, err := Read(bytes.NewReader(prefix), "cut.jsonl")
		if err != nil {
			t.Fatalf("cut at %d: %v", cut, err)
		}
		complete := bytes.Count(prefix, []byte("\n"))
		partial := cut > 0 && prefix[cut-1] != '\n'
		if partial {
			// A cut that leaves a whole object without its newline still
			// parses; otherwise it is dropped with a warning.
			if len(ops) != complete && len(ops) != complete+1 {
				t.Fatalf("cut at %d: %d ops, want %d or %d", cut, len(ops), complete, complete+1)
			}
			if len(ops) == complete && len(warns) != 1 {
				t.Fatalf("cut at %d: no warning for the cut line", cut)
			}
		} else if len(ops) != complete || len(warns) != 0 {
			t.Fatalf("cut at %d: %d ops %v, want %d", cut, len(ops), warns, complete)
		}
	}
}
