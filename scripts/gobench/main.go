// gobench: the project's Go anchor for client throughput, a load generator on etcd's official Go
// client as people use it today: go.etcd.io/etcd/client/v3 (etcd 3.5), built on a current Go by
// scripts/gobench/build.sh from Debian's packages.
//
// Same flags, same requests and the same output as the older anchor in shared/anchors/gobench
// (clientv3 of etcd 3.4), so scripts/bench-compare.sh reads either; the output adds which client
// and which Go it was built with.
//
//	gobench -endpoints http://127.0.0.1:2379 -clients 16 -total 20000 -val-size 256 [-mode put|get] [-json]
//	gobench -version
//
// -clients requesters each wait for their reply before sending the next request, so -clients is
// the number of requests in flight; they share -conns gRPC connections. Before the timed part:
// with -mode get, one put of gobench/key (the key every get reads); then -warmup sequential,
// untimed puts of gobench/warmNNN. Timed put i writes gobench/%08d of i mod 100000. No deadline on
// any request. Prints one line: ops/s and the p50 and p99 latency in ms (a JSON object with -json).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.etcd.io/etcd/api/v3/version"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// builtWith names the client, from the etcd sources this binary was compiled from, and the Go
// toolchain that compiled it: "etcd client/v3 3.5.30" and "go1.27.3".
func builtWith() (client, goVersion string) {
	return "etcd client/v3 " + version.Version, runtime.Version()
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "gobench:", err)
	os.Exit(1)
}

func main() {
	endpoints := flag.String("endpoints", "http://127.0.0.1:2379", "comma-separated")
	conns := flag.Int("conns", 1, "gRPC connections")
	clients := flag.Int("clients", 16, "concurrent requesters")
	total := flag.Int("total", 20000, "total puts")
	valSize := flag.Int("val-size", 256, "value bytes")
	mode := flag.String("mode", "put", "put|get")
	warmup := flag.Int("warmup", 2000, "untimed requests first")
	asJSON := flag.Bool("json", false, "print a JSON object")
	showVersion := flag.Bool("version", false, "print the client and Go versions and exit")
	flag.Parse()

	client, goVersion := builtWith()
	if *showVersion {
		fmt.Printf("%s; %s\n", client, goVersion)
		return
	}
	if *mode != "put" && *mode != "get" {
		fail(fmt.Errorf("-mode %q: put or get", *mode))
	}
	if *conns < 1 || *clients < 1 || *total < 1 {
		fail(fmt.Errorf("-conns, -clients and -total must be at least 1"))
	}

	conn := make([]*clientv3.Client, *conns)
	for i := range conn {
		c, err := clientv3.New(clientv3.Config{
			Endpoints:   strings.Split(*endpoints, ","),
			DialTimeout: 5 * time.Second,
		})
		if err != nil {
			fail(err)
		}
		defer c.Close()
		conn[i] = c
	}

	ctx := context.Background()
	value := strings.Repeat("v", *valSize)
	if *mode == "get" {
		if _, err := conn[0].Put(ctx, "gobench/key", value); err != nil {
			fail(err)
		}
	}
	for i := 0; i < *warmup; i++ {
		if _, err := conn[0].Put(ctx, fmt.Sprintf("gobench/warm%03d", i%100), value); err != nil {
			fail(err)
		}
	}

	// Requesters take the next request's number from a shared counter; each request's latency goes
	// into its own slot.
	latency := make([]time.Duration, *total)
	var next atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for r := 0; r < *clients; r++ {
		wg.Add(1)
		go func(c *clientv3.Client) {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= *total {
					return
				}
				sent := time.Now()
				var err error
				if *mode == "get" {
					_, err = c.Get(ctx, "gobench/key")
				} else {
					_, err = c.Put(ctx, fmt.Sprintf("gobench/%08d", i%100000), value)
				}
				if err != nil {
					fail(err)
				}
				latency[i] = time.Since(sent)
			}
		}(conn[r%len(conn)])
	}
	wg.Wait()
	elapsed := time.Since(start)

	sort.Slice(latency, func(a, b int) bool { return latency[a] < latency[b] })
	// The q-quantile as the older anchor takes it: the sample at q × (n-1), rounded down, in whole µs.
	ms := func(q float64) float64 {
		return float64(latency[int(q*float64(len(latency)-1))].Microseconds()) / 1000
	}
	opsPerSec := float64(*total) / elapsed.Seconds()
	if *asJSON {
		fmt.Printf("{\"client\":%q,\"go\":%q,\"op\":%q,\"clients\":%d,\"total\":%d,\"ops_per_sec\":%.1f,\"p50_ms\":%.3f,\"p99_ms\":%.3f}\n",
			client, goVersion, *mode, *clients, *total, opsPerSec, ms(0.5), ms(0.99))
		return
	}
	fmt.Printf("go-client/v3 %s clients=%d conns=%d total=%d ops/s=%.0f p50=%.2fms p99=%.2fms (%s, %s)\n",
		*mode, *clients, *conns, *total, opsPerSec, ms(0.5), ms(0.99), client, goVersion)
}
