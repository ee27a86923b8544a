package main

import (
	"fmt"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/gorilla/websocket"
)

// lateAfter is how far behind its scheduled time a send may start and still count as on time.
const lateAfter = time.Millisecond

// grace is how long after the measured period the generator still sends what it owes and waits for echoes.
const grace = 2 * time.Second

// runRate offers a fixed rate: o.rate messages per second spread evenly over o.connections, each
// connection sending on its own fixed schedule (staggered between connections) and reading the echoes
// on a second goroutine. A message's latency runs from its scheduled send time to its echo's arrival,
// so a send that starts late (the connection was still writing, the generator was descheduled)
// counts its wait: coordinated omission is accounted for. Messages scheduled during the warm-up are
// sent but not measured.
func runRate(o options) (record, error) {
	mt, err := messageType(o.typ)
	if err != nil {
		return record{}, err
	}
	if o.rate <= 0 || o.connections <= 0 {
		return record{}, fmt.Errorf("--rate and --connections must be positive")
	}
	conns, err := dial(o.url, o.connections, 16)
	if err != nil {
		return record{}, err
	}
	kernelSleep := o.timer == "kernel" || (o.timer == "auto" && o.connections <= 4)
	interval := time.Duration(float64(time.Second) * float64(o.connections) / float64(o.rate))
	base := time.Now().Add(100 * time.Millisecond)
	from := base.Add(time.Duration(o.warmup) * time.Second)
	until := from.Add(time.Duration(o.seconds) * time.Second)
	var late, missed, received, sent, inWindow atomic.Int64
	var failure atomic.Value
	hs := make([]*samples, len(conns))
	lags := make([]*samples, len(conns))
	var wg sync.WaitGroup
	for i, c := range conns {
		hs[i] = &samples{}
		lags[i] = &samples{}
		lag := lags[i]
		offset := interval * time.Duration(i) / time.Duration(len(conns))
		// A sender more than this far ahead of its echoes waits; its later sends then count as late.
		fifo := make(chan time.Time, 4096)
		wg.Add(2)
		go func(c *websocket.Conn) {
			defer wg.Done()
			defer close(fifo)
			p := payload(o.size, 'r')
			for k := 0; ; k++ {
				sched := base.Add(offset + interval*time.Duration(k))
				if !sched.Before(until) {
					return
				}
				now := time.Now()
				if now.After(until.Add(grace)) {
					// Owed sends the connection never got to: every measured one is missed.
					for ; sched.Before(until); k++ {
						if !sched.Before(from) {
							missed.Add(1)
						}
						sched = base.Add(offset + interval*time.Duration(k+1))
					}
					return
				}
				if d := sched.Sub(now); d > 0 {
					if kernelSleep {
						sleep(d)
					} else {
						time.Sleep(d)
					}
					now = time.Now()
				}
				if !sched.Before(from) {
					if now.Sub(sched) > lateAfter {
						late.Add(1)
					}
					lag.add(int64(now.Sub(sched)))
				}
				if err := c.WriteMessage(mt, p); err != nil {
					// After the grace period the reader may have closed the connection on purpose.
					if time.Now().Before(until.Add(grace)) {
						failure.CompareAndSwap(nil, err)
					}
					return
				}
				if !sched.Before(from) {
					sent.Add(1)
				}
				fifo <- sched
			}
		}(c)
		go func(c *websocket.Conn, h *samples) {
			defer wg.Done()
			c.SetReadDeadline(until.Add(grace))
			broken := false
			for sched := range fifo {
				measured := !sched.Before(from)
				if broken {
					if measured {
						missed.Add(1)
					}
					continue
				}
				t, m, err := c.ReadMessage()
				now := time.Now()
				if err == nil && (t != mt || len(m) != o.size) {
					err = fmt.Errorf("echo came back as type %d, %d bytes", t, len(m))
				}
				if err != nil {
					// Past the deadline or broken: this and every later echo is missed.
					if !isTimeout(err) {
						failure.CompareAndSwap(nil, err)
					}
					broken = true
					c.Close()
					if measured {
						missed.Add(1)
					}
					continue
				}
				if !now.Before(from) && now.Before(until) {
					inWindow.Add(1)
				}
				if measured {
					received.Add(1)
					h.add(int64(now.Sub(sched)))
				}
			}
		}(c, hs[i])
	}
	time.Sleep(time.Until(from))
	u0, err := sample(o.pid)
	if err != nil {
		closeAll(conns)
		return record{}, err
	}
	time.Sleep(time.Until(until))
	u1, err := sample(o.pid)
	wg.Wait()
	closeAll(conns)
	if err != nil {
		return record{}, err
	}
	if f := failure.Load(); f != nil {
		return record{}, f.(error)
	}
	sorted := merge(hs)
	n := received.Load()
	cpu := float64((u1.user+u1.sys)-(u0.user+u0.sys)) / 100.0
	prefix := "rate-text-"
	if o.typ == "binary" {
		prefix = "rate-binary-"
	}
	r := newRecord(o.label, fmt.Sprintf("%s%d-c%d-r%d", prefix, o.size, o.connections, o.rate))
	r.put("connections", o.connections)
	r.put("size", o.size)
	r.put("seconds", float64(o.seconds))
	r.put("offeredRate", o.rate)
	r.put("sent", sent.Load())
	r.put("received", n)
	// What the server sustained: echoes that arrived during the measured period, per second.
	r.put("achievedRate", float64(inWindow.Load())/float64(o.seconds))
	r.put("late", late.Load())
	r.put("missed", missed.Load())
	r.put("p50us", percentileMicros(sorted, 50))
	r.put("p99us", percentileMicros(sorted, 99))
	r.put("p999us", percentileMicros(sorted, 99.9))
	r.put("maxus", percentileMicros(sorted, 100))
	// How far behind schedule the sends started (the generator's own share of the latency).
	lagSorted := merge(lags)
	r.put("sendLagP50us", percentileMicros(lagSorted, 50))
	r.put("sendLagP99us", percentileMicros(lagSorted, 99))
	if kernelSleep {
		r.put("timer", "kernel")
	} else {
		r.put("timer", "runtime")
	}
	r.put("serverCpuSeconds", cpu)
	r.put("serverCpuMicrosPerMessage", perMessage(cpu, inWindow.Load()))
	r.put("messagesPerServerCpuSecond", perCpu(inWindow.Load(), cpu))
	r.putUsage(u0, u1, inWindow.Load())
	return r, nil
}

// sleep blocks the goroutine's thread in nanosleep(2). When the process is otherwise idle the
// runtime's timers wake no earlier than the network poller's millisecond timeout, which would put up
// to 1 ms of the generator's own delay into every unloaded latency; the kernel's timer wakes within
// its slack (50 µs by default). With many connections the process is rarely idle and a thread per
// sleeping connection costs more than it saves, so --timer auto uses it for up to 4 connections.
func sleep(d time.Duration) {
	ts := syscall.NsecToTimespec(int64(d))
	for syscall.Nanosleep(&ts, &ts) == syscall.EINTR {
	}
}

func isTimeout(err error) bool {
	type timeout interface{ Timeout() bool }
	t, ok := err.(timeout)
	return ok && t.Timeout()
}
