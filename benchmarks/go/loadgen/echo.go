package main

import (
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// runEcho is the closed-loop echo: each connection sends a message, waits for it to come back and
// sends the next, for a warm-up and then a measured period (as the Java generator's EchoLoad).
func runEcho(o options) (record, error) {
	mt, err := messageType(o.typ)
	if err != nil {
		return record{}, err
	}
	conns, err := dial(o.url, o.connections, 16)
	if err != nil {
		return record{}, err
	}
	var measuring, stop atomic.Bool
	var roundTrips atomic.Int64
	hs := make([]*samples, len(conns))
	errs := make(chan error, len(conns))
	var wg sync.WaitGroup
	for i, c := range conns {
		hs[i] = &samples{}
		wg.Add(1)
		go func(h *samples, c *websocket.Conn) {
			defer wg.Done()
			p := payload(o.size, 'x')
			// One buffer per connection, a byte longer than the message: the echo is read into it
			// (gorilla's ReadMessage grows a new slice per message, client work that would cap
			// the large-message figures before the server does).
			buf := make([]byte, o.size+1)
			for !stop.Load() {
				start := time.Now()
				if err := c.WriteMessage(mt, p); err != nil {
					if !stop.Load() {
						errs <- err
					}
					return
				}
				t, n, err := readInto(c, buf)
				rtt := time.Since(start)
				if err != nil {
					if !stop.Load() {
						errs <- err
					}
					return
				}
				if t != mt || n != o.size {
					errs <- fmt.Errorf("echo came back as type %d, %d bytes", t, n)
					return
				}
				if measuring.Load() {
					roundTrips.Add(1)
					h.add(int64(rtt))
				}
			}
		}(hs[i], c)
	}
	time.Sleep(time.Duration(o.warmup) * time.Second)
	u0, err := sample(o.pid)
	if err != nil {
		return record{}, err
	}
	t0 := time.Now()
	measuring.Store(true)
	time.Sleep(time.Duration(o.seconds) * time.Second)
	measuring.Store(false)
	elapsed := time.Since(t0).Seconds()
	u1, err := sample(o.pid)
	stop.Store(true)
	// Closing unblocks any loop still waiting for an echo.
	closeAll(conns)
	wg.Wait()
	if err != nil {
		return record{}, err
	}
	select {
	case e := <-errs:
		return record{}, e
	default:
	}
	sorted := merge(hs)
	n := roundTrips.Load()
	cpu := float64((u1.user+u1.sys)-(u0.user+u0.sys)) / 100.0
	prefix := "echo-text-"
	if o.typ == "binary" {
		prefix = "echo-binary-"
	}
	r := newRecord(o.label, fmt.Sprintf("%s%d", prefix, o.size))
	r.put("connections", o.connections)
	r.put("size", o.size)
	r.put("seconds", elapsed)
	r.put("roundTrips", n)
	r.put("messagesPerSecond", float64(n)/elapsed)
	r.put("payloadMBps", float64(n)*float64(o.size)/elapsed/1e6)
	r.put("p50us", percentileMicros(sorted, 50))
	r.put("p99us", percentileMicros(sorted, 99))
	r.put("p999us", percentileMicros(sorted, 99.9))
	r.put("serverCpuSeconds", cpu)
	r.put("serverCpuMicrosPerMessage", perMessage(cpu, n))
	r.put("messagesPerServerCpuSecond", perCpu(n, cpu))
	r.putUsage(u0, u1, n)
	return r, nil
}

func perMessage(cpu float64, n int64) float64 {
	if n == 0 {
		return 0
	}
	return cpu / float64(n) * 1e6
}

func perCpu(n int64, cpu float64) float64 {
	if cpu == 0 {
		return 0
	}
	return float64(n) / cpu
}

// readInto reads the next message into buf: its type and length, or an error when it does not fit.
func readInto(c *websocket.Conn, buf []byte) (int, int, error) {
	t, r, err := c.NextReader()
	if err != nil {
		return 0, 0, err
	}
	n := 0
	for {
		k, err := r.Read(buf[n:])
		n += k
		if err == io.EOF {
			return t, n, nil
		}
		if err != nil {
			return 0, 0, err
		}
		if n == len(buf) {
			return 0, 0, fmt.Errorf("a message longer than %d bytes", len(buf)-1)
		}
	}
}
