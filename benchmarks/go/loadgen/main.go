// The neutral load generator of the benchmarks: a gorilla/websocket client that measures the same
// loads as the Java generator (benchmarks/loadgen) and writes the same JSON Lines fields, plus
// "loadgen":"go", p99.9 and the fixed-rate load. Usage (benchmarks/run.sh calls it):
//
//	echo      --url ws://127.0.0.1:P/echo --pid PID --label L --results F
//	          --connections 64 --size 64 --type text|binary --warmup 5 --seconds 10
//	rate      --url ws://127.0.0.1:P/echo --pid PID --label L --results F
//	          --connections 100 --rate 20000 --size 64 --type text|binary --warmup 2 --seconds 10
//	          [--timer auto|kernel|runtime]
//	broadcast --url ws://127.0.0.1:P/broadcast --pid PID --label L --results F
//	          --receivers 1000 --messages 100 --size 64 --warmup-rounds 2 --rounds 3
//
// The idle load (heap per connection, read with jcmd) is the Java generator's only.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

type options struct {
	url, label, results, typ, timer                 string
	pid, connections, size, warmup, seconds         int
	rate, receivers, messages, warmupRounds, rounds int
}

func main() {
	if len(os.Args) < 2 {
		fail(fmt.Errorf("usage: loadgen echo|rate|broadcast --name value ..."))
	}
	var o options
	fs := flag.NewFlagSet(os.Args[1], flag.ExitOnError)
	fs.StringVar(&o.url, "url", "", "server URL")
	fs.StringVar(&o.label, "label", "", "server label of the results")
	fs.StringVar(&o.results, "results", "", "JSON Lines file the result is appended to")
	fs.StringVar(&o.typ, "type", "text", "text|binary")
	fs.StringVar(&o.timer, "timer", "auto", "rate: how sends wait for their time, kernel (nanosleep) | runtime (Go timers) | auto")
	fs.String("jcmd", "", "accepted for the Java generator's command line; unused")
	fs.IntVar(&o.pid, "pid", 0, "server process id (its CPU time is read from /proc)")
	fs.IntVar(&o.connections, "connections", 64, "connections")
	fs.IntVar(&o.size, "size", 64, "message size in bytes")
	fs.IntVar(&o.warmup, "warmup", 5, "warm-up seconds")
	fs.IntVar(&o.seconds, "seconds", 10, "measured seconds")
	fs.IntVar(&o.rate, "rate", 1000, "offered messages per second over all connections (rate)")
	fs.IntVar(&o.receivers, "receivers", 1000, "broadcast receivers")
	fs.IntVar(&o.messages, "messages", 100, "messages per broadcast round")
	fs.IntVar(&o.warmupRounds, "warmup-rounds", 2, "broadcast warm-up rounds")
	fs.IntVar(&o.rounds, "rounds", 3, "measured broadcast rounds")
	if err := fs.Parse(os.Args[2:]); err != nil {
		fail(err)
	}
	if o.url == "" || o.label == "" || o.results == "" || o.pid == 0 {
		fail(fmt.Errorf("--url, --label, --results and --pid are required"))
	}
	var r record
	var err error
	switch os.Args[1] {
	case "echo":
		r, err = runEcho(o)
	case "rate":
		r, err = runRate(o)
	case "broadcast":
		r, err = runBroadcast(o)
	default:
		err = fmt.Errorf("unknown load %q (the idle load is the Java generator's)", os.Args[1])
	}
	if err != nil {
		fail(err)
	}
	if err := appendResult(o.results, r); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "loadgen:", err)
	os.Exit(1)
}

// record is one result line; fields keep the order they were added in.
type record struct {
	keys   []string
	values map[string]any
}

func newRecord(server, scenario string) record {
	r := record{values: map[string]any{}}
	r.put("server", server)
	r.put("scenario", scenario)
	r.put("loadgen", "go")
	// The machine is shared: the 1-minute load average says how busy it was during the measurement.
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		if v, err := strconv.ParseFloat(strings.Fields(string(b))[0], 64); err == nil {
			r.put("loadAverage", v)
		}
	}
	return r
}

func (r *record) put(k string, v any) {
	if _, ok := r.values[k]; !ok {
		r.keys = append(r.keys, k)
	}
	r.values[k] = v
}

func (r record) MarshalJSON() ([]byte, error) {
	var b strings.Builder
	b.WriteByte('{')
	for i, k := range r.keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kj, _ := json.Marshal(k)
		vj, err := json.Marshal(r.values[k])
		if err != nil {
			return nil, err
		}
		b.Write(kj)
		b.WriteByte(':')
		b.Write(vj)
	}
	b.WriteByte('}')
	return []byte(b.String()), nil
}

func appendResult(path string, r record) error {
	line, err := json.Marshal(r)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	defer f.Close()
	if _, err := f.Write(append(line, '\n')); err != nil {
		return err
	}
	fmt.Println(string(line))
	return nil
}

// cpuSeconds is the user + system CPU time the process has used (fields 14 and 15 of /proc/PID/stat,
// in clock ticks of 1/100 s), read as the Java generator reads it.
func cpuSeconds(pid int) (float64, error) {
	user, sys, err := cpuTicks(pid)
	return float64(user+sys) / 100.0, err
}

func cpuTicks(pid int) (user, sys int64, err error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, 0, err
	}
	s := string(b)
	// The command name (field 2) may contain spaces; the fields after its closing parenthesis do not.
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, 0, fmt.Errorf("cannot read the CPU time of %d from %q", pid, s)
	}
	return utime, stime, nil
}

// usage is what the server process has done so far: CPU time split between user and kernel, system
// calls that read or write (/proc/PID/io: syscr + syscw) and context switches of its threads
// (voluntary and not, summed over /proc/PID/task/*/status; a thread that ends in between takes its
// count with it). The counters are where a server's time goes per message, whatever its language.
type usage struct {
	user, sys, syscalls, switches int64
}

func sample(pid int) (usage, error) {
	var u usage
	var err error
	if u.user, u.sys, err = cpuTicks(pid); err != nil {
		return u, err
	}
	if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/io", pid)); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if f := strings.Fields(line); len(f) == 2 && (f[0] == "syscr:" || f[0] == "syscw:") {
				n, _ := strconv.ParseInt(f[1], 10, 64)
				u.syscalls += n
			}
		}
	}
	tasks, _ := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
	for _, t := range tasks {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%s/status", pid, t.Name()))
		if err != nil {
			continue // the thread has ended
		}
		for _, line := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(line, "voluntary_ctxt_switches:") || strings.HasPrefix(line, "nonvoluntary_ctxt_switches:") {
				n, _ := strconv.ParseInt(strings.TrimSpace(line[strings.IndexByte(line, ':')+1:]), 10, 64)
				u.switches += n
			}
		}
	}
	return u, nil
}

// putUsage records the window's kernel share of the server's CPU time, and its read and write
// system calls and context switches per message.
func (r *record) putUsage(a, b usage, messages int64) {
	ticks := (b.user - a.user) + (b.sys - a.sys)
	if ticks > 0 {
		r.put("serverKernelShare", float64(b.sys-a.sys)/float64(ticks))
	}
	if messages > 0 {
		r.put("serverSyscallsPerMessage", float64(b.syscalls-a.syscalls)/float64(messages))
		r.put("serverSwitchesPerMessage", float64(b.switches-a.switches)/float64(messages))
	}
}

// dial opens count connections, at most parallel handshakes at a time.
func dial(url string, count, parallel int) ([]*websocket.Conn, error) {
	d := websocket.Dialer{ReadBufferSize: 32 * 1024, WriteBufferSize: 64 * 1024, HandshakeTimeout: 30 * time.Second}
	conns := make([]*websocket.Conn, count)
	errs := make([]error, count)
	sem := make(chan struct{}, parallel)
	var wg sync.WaitGroup
	for i := 0; i < count; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			c, _, err := d.Dial(url, nil)
			if c != nil {
				c.SetReadLimit(1 << 20)
			}
			conns[i], errs[i] = c, err
		}(i)
	}
	wg.Wait()
	var open []*websocket.Conn
	var first error
	for i, c := range conns {
		if c != nil {
			open = append(open, c)
		} else if first == nil {
			first = errs[i]
		}
	}
	if first != nil {
		closeAll(open)
		return nil, fmt.Errorf("%d of %d dials to %s failed: %w", count-len(open), count, url, first)
	}
	return open, nil
}

func closeAll(conns []*websocket.Conn) {
	for _, c := range conns {
		c.Close()
	}
}

// samples collects latencies in nanoseconds; percentiles are read from the sorted samples, exactly.
// Past maxSamples values are dropped (and counted), which bounds memory on long runs.
type samples struct {
	v       []int64
	dropped int64
}

const maxSamples = 20_000_000

func (s *samples) add(ns int64) {
	if len(s.v) < maxSamples {
		s.v = append(s.v, ns)
	} else {
		s.dropped++
	}
}

func merge(all []*samples) []int64 {
	var v []int64
	for _, s := range all {
		v = append(v, s.v...)
	}
	sort.Slice(v, func(i, j int) bool { return v[i] < v[j] })
	return v
}

// percentileMicros is the smallest sample at or below which p percent of the sorted samples lie.
func percentileMicros(sorted []int64, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(float64(len(sorted))*p/100.0+0.999999) - 1
	if i < 0 {
		i = 0
	}
	if i >= len(sorted) {
		i = len(sorted) - 1
	}
	return float64(sorted[i]) / 1000.0
}

func payload(size int, fill byte) []byte {
	b := make([]byte, size)
	for i := range b {
		b[i] = fill
	}
	return b
}

func messageType(typ string) (int, error) {
	switch typ {
	case "text":
		return websocket.TextMessage, nil
	case "binary":
		return websocket.BinaryMessage, nil
	}
	return 0, fmt.Errorf("--type must be text or binary, not %q", typ)
}
