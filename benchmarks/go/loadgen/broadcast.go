package main

import (
	"fmt"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

const roundTimeout = 120 * time.Second

// runBroadcast mirrors the Java generator's BroadcastLoad: o.receivers connections to the broadcast
// endpoint; the first sends o.messages text messages back to back and the server writes each to every
// connection (the sender included). A round ends when the last receiver has all of them;
// deliveries/s = receivers x messages / that time. The median measured round is reported.
func runBroadcast(o options) (record, error) {
	conns, err := dial(o.url, o.receivers, 32)
	if err != nil {
		return record{}, err
	}
	defer closeAll(conns)
	// A server may join a connection to its group only after the 101 went out: give every server
	// time to finish setting the connections up, as the Java generator does.
	time.Sleep(3 * time.Second)
	total := o.warmupRounds + o.rounds
	done := make([]sync.WaitGroup, total)
	last := make([]atomic.Int64, total)
	for i := range done {
		done[i].Add(len(conns))
	}
	var failure atomic.Value
	for _, c := range conns {
		go func(c *websocket.Conn) {
			for round := 0; round < total; round++ {
				for m := 0; m < o.messages; m++ {
					if _, _, err := c.ReadMessage(); err != nil {
						failure.CompareAndSwap(nil, err)
						for ; round < total; round++ {
							done[round].Done()
						}
						return
					}
				}
				now := time.Now().UnixNano()
				for {
					prev := last[round].Load()
					if now <= prev || last[round].CompareAndSwap(prev, now) {
						break
					}
				}
				done[round].Done()
			}
		}(c)
	}
	p := payload(o.size, 'b')
	sender := conns[0]
	seconds := make([]float64, 0, o.rounds)
	cpu := 0.0
	for round := 0; round < total; round++ {
		cpu0, err := cpuSeconds(o.pid)
		if err != nil {
			return record{}, err
		}
		start := time.Now().UnixNano()
		for m := 0; m < o.messages; m++ {
			if err := sender.WriteMessage(websocket.TextMessage, p); err != nil {
				return record{}, err
			}
		}
		finished := make(chan struct{})
		go func(round int) { done[round].Wait(); close(finished) }(round)
		select {
		case <-finished:
		case <-time.After(roundTimeout):
			return record{}, fmt.Errorf("broadcast round %d: receivers incomplete after %s", round, roundTimeout)
		}
		if f := failure.Load(); f != nil {
			return record{}, f.(error)
		}
		cpu1, err := cpuSeconds(o.pid)
		if err != nil {
			return record{}, err
		}
		if round >= o.warmupRounds {
			seconds = append(seconds, float64(last[round].Load()-start)/1e9)
			cpu += cpu1 - cpu0
		}
		time.Sleep(200 * time.Millisecond)
	}
	sorted := append([]float64(nil), seconds...)
	sort.Float64s(sorted)
	median := sorted[len(sorted)/2]
	deliveries := int64(o.receivers) * int64(o.messages)
	r := newRecord(o.label, "broadcast")
	r.put("receivers", o.receivers)
	r.put("messages", o.messages)
	r.put("size", o.size)
	r.put("lastReceiverSeconds", median)
	r.put("deliveriesPerSecond", float64(deliveries)/median)
	r.put("roundSeconds", seconds)
	r.put("serverCpuMicrosPerDelivery", cpu/(float64(deliveries)*float64(o.rounds))*1e6)
	return r, nil
}
