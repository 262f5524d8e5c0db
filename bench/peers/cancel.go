// SPDX-License-Identifier: MIT
//
// cancel.go - the Go peer of bench/cancel.pipe and bench/cancel_main.c:
// the seed pipeline's shape, run RUNS times in this process, measuring
// the time from the sink's return to the end of the run (every goroutine
// done) with the pipeline caught in one of two positions:
//
//	send  (a) gen never stops sending: while the sink settles every
//	      channel fills and gen blocks in its send
//	recv  (b) gen sends K values, then waits for input that never comes
//	      (only the cancellation ends the wait): while the sink settles
//	      every other stage drains its input and blocks in receive
//
// Cancellation is Go's usual one: a context cancelled by the sink when it
// returns; every send selects on ctx.Done(), every stage ranges over its
// input and closes its output when it returns.
//
// Usage: cancel_go RUNS K W CAP send|recv SETTLE_US
// (CAP: 0 = unbuffered, N = buffered N). Prints one key=value line, the
// keys of cancel_main.c.
package main

import (
	"context"
	"fmt"
	"math"
	"os"
	"sort"
	"strconv"
	"sync"
	"time"
)

type config struct {
	k      uint64
	w, cap int
	inSend bool
	settle time.Duration
}

// oneRun returns the time from the sink's return to the end of the run,
// and the values generated but never consumed.
func oneRun(c config) (time.Duration, uint64) {
	ctx, cancel := context.WithCancel(context.Background())
	done := ctx.Done()
	var wg sync.WaitGroup // every goroutine of the pipeline
	c1 := make(chan uint64, c.cap)
	c2 := make(chan uint64, c.cap)
	c3 := make(chan uint64, c.cap)

	var generated uint64 // read after wg.Wait()
	wg.Add(1)
	go func() { // gen
		defer wg.Done()
		defer close(c1)
		n := c.k
		if c.inSend {
			n = math.MaxUint64
		}
		for i := uint64(0); i < n; i++ {
			select {
			case c1 <- i:
				generated++
			case <-done:
				return
			}
		}
		<-done // a source waiting on outside input
	}()

	var workers sync.WaitGroup // so that c2 is closed when all are gone
	for j := 0; j < c.w; j++ {
		wg.Add(1)
		workers.Add(1)
		go func() { // square
			defer wg.Done()
			defer workers.Done()
			for v := range c1 {
				select {
				case c2 <- v * v:
				case <-done:
					return
				}
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		workers.Wait()
		close(c2)
	}()

	wg.Add(1)
	go func() { // merge
		defer wg.Done()
		defer close(c3)
		for v := range c2 {
			select {
			case c3 <- v:
			case <-done:
				return
			}
		}
	}()

	var consumed uint64
	var stop time.Time
	wg.Add(1)
	go func() { // sink
		defer wg.Done()
		for consumed < c.k {
			if _, ok := <-c3; !ok {
				break
			}
			consumed++
		}
		time.Sleep(c.settle)
		stop = time.Now()
		cancel()
	}()

	wg.Wait()
	return time.Since(stop), generated - consumed
}

// percentile is the nearest-rank p-th percentile of the sorted v.
func percentile(v []float64, p int) float64 {
	rank := (len(v)*p + 99) / 100
	if rank == 0 {
		rank = 1
	}
	return v[rank-1]
}

func main() {
	a := os.Args
	if len(a) != 7 || (a[5] != "send" && a[5] != "recv") {
		fmt.Fprintf(os.Stderr, "usage: %s RUNS K W CAP send|recv SETTLE_US\n", a[0])
		os.Exit(2)
	}
	runs, err1 := strconv.Atoi(a[1])
	k, err2 := strconv.ParseUint(a[2], 10, 64)
	w, err3 := strconv.Atoi(a[3])
	capn, err4 := strconv.Atoi(a[4])
	settle, err5 := strconv.Atoi(a[6])
	if err1 != nil || err2 != nil || err3 != nil || err4 != nil || err5 != nil ||
		runs < 1 || k < 1 || w < 1 {
		fmt.Fprintln(os.Stderr, "bad arguments")
		os.Exit(2)
	}
	c := config{k, w, capn, a[5] == "send", time.Duration(settle) * time.Microsecond}

	lat := make([]float64, runs)
	waste := make([]float64, runs)
	for r := 0; r < runs; r++ {
		l, wasted := oneRun(c)
		lat[r] = float64(l.Nanoseconds()) / 1e3
		waste[r] = float64(wasted)
	}
	sort.Float64s(lat)
	sort.Float64s(waste)
	fmt.Printf("impl=go position=%s runs=%d K=%d W=%d CAP=%d settle_us=%d "+
		"cancel_us_p50=%.1f cancel_us_p99=%.1f cancel_us_max=%.1f "+
		"wasted_p50=%.0f wasted_max=%.0f\n",
		a[5], runs, k, w, capn, settle, percentile(lat, 50), percentile(lat, 99),
		lat[runs-1], percentile(waste, 50), waste[runs-1])
}
