package checkers_test

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/anishathalye/porcupine"

	"github.com/chaos-election/chaos/history"
)

// The Jepsen etcd logs porcupine ships in its module (test_data/jepsen),
// with porcupine's own parser, model and expected verdicts (its
// porcupine_test.go), are a common yardstick: chaos must give the same
// verdict on each, and be no slower.

// porcupineModule is the module path the logs come from.
const porcupineModule = "github.com/anishathalye/porcupine"

// jepsenLog is one of porcupine's Jepsen logs, read both ways.
type jepsenLog struct {
	num    int
	path   string
	linear bool // porcupine_test.go's expected verdict
	// chaos is the log as a chaos register history (key "0").
	chaos []history.Op
	// events is porcupine's own parse; ops the same as porcupine
	// operations, each event's position its time.
	events []porcupine.Event
	ops    []porcupine.Operation
}

var (
	jepsenOnce sync.Once
	jepsenLogs []jepsenLog
	jepsenErr  error
	jepsenSkip string
)

// jepsenEtcd returns every log porcupine_test.go gives a verdict for,
// parsed once per process.
func jepsenEtcd(tb testing.TB) []jepsenLog {
	tb.Helper()
	jepsenOnce.Do(func() { jepsenLogs, jepsenSkip, jepsenErr = loadJepsen() })
	if jepsenSkip != "" {
		tb.Skip(jepsenSkip)
	}
	if jepsenErr != nil {
		tb.Fatal(jepsenErr)
	}
	return jepsenLogs
}

func loadJepsen() ([]jepsenLog, string, error) {
	goCmd, err := exec.LookPath("go")
	if err != nil {
		return nil, "no go command to locate " + porcupineModule + ": " + err.Error(), nil
	}
	out, err := exec.Command(goCmd, "list", "-m", "-f", "{{.Dir}}", porcupineModule).Output()
	if err != nil {
		return nil, "", fmt.Errorf("locating %s: %w", porcupineModule, err)
	}
	dir := strings.TrimSpace(string(out))
	if dir == "" {
		return nil, "", fmt.Errorf("locating %s: go list gave no directory (not downloaded?)", porcupineModule)
	}
	verdicts, err := jepsenVerdicts(filepath.Join(dir, "porcupine_test.go"))
	if err != nil {
		return nil, "", err
	}
	var logs []jepsenLog
	for num := 0; num <= 999; num++ {
		linear, ok := verdicts[num]
		if !ok {
			continue
		}
		l := jepsenLog{num: num, linear: linear, path: filepath.Join(dir, "test_data", "jepsen", fmt.Sprintf("etcd_%03d.log", num))}
		if l.chaos, err = jepsenHistory(l.path); err != nil {
			return nil, "", err
		}
		l.events = parseJepsenLog(l.path)
		l.ops = eventsToOperations(l.events)
		logs = append(logs, l)
	}
	return logs, "", nil
}

// jepsenVerdicts reads the expected verdicts of porcupine_test.go's
// TestEtcdJepsenNNN functions: checkJepsen(t, N, true|false).
func jepsenVerdicts(path string) (map[int]bool, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading porcupine's verdicts: %w", err)
	}
	re := regexp.MustCompile(`checkJepsen\(t,\s*(\d+),\s*(true|false)\)`)
	m := map[int]bool{}
	for _, s := range re.FindAllStringSubmatch(string(b), -1) {
		n, _ := strconv.Atoi(s[1])
		m[n] = s[2] == "true"
	}
	if len(m) == 0 {
		return nil, fmt.Errorf("%s: no checkJepsen verdicts found", path)
	}
	return m, nil
}

// Jepsen log lines of a worker: "INFO  jepsen.util - 3	:ok	:cas	[1 4]".
var jepsenLine = regexp.MustCompile(`^INFO\s+jepsen\.util\s+-\s+(\d+)\s+:(invoke|ok|fail|info)\s+:(read|write|cas)\s+(.*)$`)

// jepsenHistory converts a Jepsen etcd log into a chaos register history
// of the single key "0", as docs/history.md maps outcomes: ":info" is unknown,
// a failed read did not happen, a failed cas saw another value. Each line
// is one millisecond.
func jepsenHistory(path string) ([]history.Op, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading jepsen log: %w", err)
	}
	defer f.Close()
	var h []history.Op
	invoked := map[string]string{} // process → its invoke's value
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		m := jepsenLine.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		proc, typ, fn, arg := "p"+m[1], history.Type(m[2]), m[3], strings.TrimSpace(m[4])
		var value string
		switch {
		case typ == history.Invoke && fn == history.FRead:
			value = `{"key":"0"}`
		case typ == history.Invoke && fn == history.FWrite:
			value = fmt.Sprintf(`{"key":"0","value":%s}`, arg)
		case typ == history.Invoke: // cas [from to]
			var from, to int
			if _, err := fmt.Sscanf(arg, "[%d %d]", &from, &to); err != nil {
				return nil, fmt.Errorf("%s:%d: cas %q: %w", path, line, arg, err)
			}
			value = fmt.Sprintf(`{"key":"0","from":%d,"to":%d}`, from, to)
		case typ == history.OK && fn == history.FRead:
			if arg == "nil" {
				arg = "null"
			}
			value = fmt.Sprintf(`{"key":"0","value":%s}`, arg)
		default: // a write's or cas's completion, a timed-out read: as invoked
			value = invoked[proc]
		}
		if typ == history.Invoke {
			invoked[proc] = value
		} else {
			delete(invoked, proc)
		}
		h = append(h, history.Op{Index: int64(len(h)), Time: time.Duration(line) * time.Millisecond,
			Process: proc, Type: typ, F: fn, Value: []byte(value)})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	return h, nil
}

// eventsToOperations pairs porcupine events into operations, each event's
// position in the log its time — what porcupine's CheckEvents does.
func eventsToOperations(events []porcupine.Event) []porcupine.Operation {
	calls := map[int]int{} // event id → its operation
	var ops []porcupine.Operation
	for i, e := range events {
		if e.Kind == porcupine.CallEvent {
			calls[e.Id] = len(ops)
			ops = append(ops, porcupine.Operation{ClientId: e.ClientId, Input: e.Value, Call: int64(i)})
			continue
		}
		o := &ops[calls[e.Id]]
		o.Output, o.Return = e.Value, int64(i)
	}
	return ops
}

// What follows is porcupine v1.3.1's own etcd model and Jepsen log parser,
// copied from its porcupine_test.go (MIT licence, © Anish Athalye) as it is.

type etcdInput struct {
	op   uint8 // 0 => read, 1 => write, 2 => cas
	arg1 int   // used for write, or for CAS from argument
	arg2 int   // used for CAS to argument
}

type etcdOutput struct {
	ok      bool // used for CAS
	exists  bool // used for read
	value   int  // used for read
	unknown bool // used when operation times out
}

var etcdModel = porcupine.Model{
	Init: func() interface{} { return -1000000 }, // -1000000 corresponds with nil
	Step: func(state interface{}, input interface{}, output interface{}) (bool, interface{}) {
		st := state.(int)
		inp := input.(etcdInput)
		out := output.(etcdOutput)
		if inp.op == 0 {
			// read
			ok := (out.exists == false && st == -1000000) || (out.exists == true && st == out.value) || out.unknown
			return ok, state
		} else if inp.op == 1 {
			// write
			return true, inp.arg1
		} else {
			// cas
			ok := (inp.arg1 == st && out.ok) || (inp.arg1 != st && !out.ok) || out.unknown
			result := st
			if inp.arg1 == st {
				result = inp.arg2
			}
			return ok, result
		}
	},
}

func parseJepsenLog(filename string) []porcupine.Event {
	file, err := os.Open(filename)
	if err != nil {
		panic("can't open file")
	}
	defer file.Close()

	reader := bufio.NewReader(file)

	invokeRead, _ := regexp.Compile(`^INFO\s+jepsen\.util\s+-\s+(\d+)\s+:invoke\s+:read\s+nil$`)
	invokeWrite, _ := regexp.Compile(`^INFO\s+jepsen\.util\s+-\s+(\d+)\s+:invoke\s+:write\s+(\d+)$`)
	invokeCas, _ := regexp.Compile(`^INFO\s+jepsen\.util\s+-\s+(\d+)\s+:invoke\s+:cas\s+\[(\d+)\s+(\d+)\]$`)
	returnRead, _ := regexp.Compile(`^INFO\s+jepsen\.util\s+-\s+(\d+)\s+:ok\s+:read\s+(nil|\d+)$`)
	returnWrite, _ := regexp.Compile(`^INFO\s+jepsen\.util\s+-\s+(\d+)\s+:ok\s+:write\s+(\d+)$`)
	returnCas, _ := regexp.Compile(`^INFO\s+jepsen\.util\s+-\s+(\d+)\s+:(ok|fail)\s+:cas\s+\[(\d+)\s+(\d+)\]$`)
	timeoutRead, _ := regexp.Compile(`^INFO\s+jepsen\.util\s+-\s+(\d+)\s+:fail\s+:read\s+:timed-out$`)

	var events []porcupine.Event = nil

	id := 0
	procIdMap := make(map[int]int)
	for {
		lineBytes, isPrefix, err := reader.ReadLine()
		if err == io.EOF {
			break
		} else if err != nil {
			panic("error while reading file: " + err.Error())
		}
		if isPrefix {
			panic("can't handle isPrefix")
		}
		line := string(lineBytes)

		switch {
		case invokeRead.MatchString(line):
			args := invokeRead.FindStringSubmatch(line)
			proc, _ := strconv.Atoi(args[1])
			events = append(events, porcupine.Event{ClientId: proc, Kind: porcupine.CallEvent, Value: etcdInput{op: 0}, Id: id})
			procIdMap[proc] = id
			id++
		case invokeWrite.MatchString(line):
			args := invokeWrite.FindStringSubmatch(line)
			proc, _ := strconv.Atoi(args[1])
			value, _ := strconv.Atoi(args[2])
			events = append(events, porcupine.Event{ClientId: proc, Kind: porcupine.CallEvent, Value: etcdInput{op: 1, arg1: value}, Id: id})
			procIdMap[proc] = id
			id++
		case invokeCas.MatchString(line):
			args := invokeCas.FindStringSubmatch(line)
			proc, _ := strconv.Atoi(args[1])
			from, _ := strconv.Atoi(args[2])
			to, _ := strconv.Atoi(args[3])
			events = append(events, porcupine.Event{ClientId: proc, Kind: porcupine.CallEvent, Value: etcdInput{op: 2, arg1: from, arg2: to}, Id: id})
			procIdMap[proc] = id
			id++
		case returnRead.MatchString(line):
			args := returnRead.FindStringSubmatch(line)
			proc, _ := strconv.Atoi(args[1])
			exists := false
			value := 0
			if args[2] != "nil" {
				exists = true
				value, _ = strconv.Atoi(args[2])
			}
			matchId := procIdMap[proc]
			delete(procIdMap, proc)
			events = append(events, porcupine.Event{ClientId: proc, Kind: porcupine.ReturnEvent, Value: etcdOutput{exists: exists, value: value}, Id: matchId})
		case returnWrite.MatchString(line):
			args := returnWrite.FindStringSubmatch(line)
			proc, _ := strconv.Atoi(args[1])
			matchId := procIdMap[proc]
			delete(procIdMap, proc)
			events = append(events, porcupine.Event{ClientId: proc, Kind: porcupine.ReturnEvent, Value: etcdOutput{}, Id: matchId})
		case returnCas.MatchString(line):
			args := returnCas.FindStringSubmatch(line)
			proc, _ := strconv.Atoi(args[1])
			matchId := procIdMap[proc]
			delete(procIdMap, proc)
			events = append(events, porcupine.Event{ClientId: proc, Kind: porcupine.ReturnEvent, Value: etcdOutput{ok: args[2] == "ok"}, Id: matchId})
		case timeoutRead.MatchString(line):
			// timing out a read and then continuing operations is fine
			// we could just delete the read from the events, but we do this the lazy way
			args := timeoutRead.FindStringSubmatch(line)
			proc, _ := strconv.Atoi(args[1])
			matchId := procIdMap[proc]
			delete(procIdMap, proc)
			// okay to put the return here in the history
			events = append(events, porcupine.Event{ClientId: proc, Kind: porcupine.ReturnEvent, Value: etcdOutput{unknown: true}, Id: matchId})
		}
	}

	for proc, matchId := range procIdMap {
		events = append(events, porcupine.Event{ClientId: proc, Kind: porcupine.ReturnEvent, Value: etcdOutput{unknown: true}, Id: matchId})
	}

	return events
}
