package ratelimit_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/customers"
	"github.com/embedfin/embedfin-go/fleet/internal/testenv"
	"github.com/embedfin/embedfin-go/fleet/ratelimit"
	"github.com/embedfin/embedfin-go/stripetest"
)

// The environment of a worker process (the test binary run again).
const (
	envRole       = "EMBEDFIN_RATELIMIT_TEST_ROLE" // "worker"
	envURL        = "EMBEDFIN_RATELIMIT_TEST_URL"
	envPrefix     = "EMBEDFIN_RATELIMIT_TEST_PREFIX"
	envGoroutines = "EMBEDFIN_RATELIMIT_TEST_GOROUTINES"
	envRate       = "EMBEDFIN_RATELIMIT_TEST_RATE"
	envBurst      = "EMBEDFIN_RATELIMIT_TEST_BURST"
	envDuration   = "EMBEDFIN_RATELIMIT_TEST_DURATION"
)

func TestMain(m *testing.M) {
	if os.Getenv(envRole) == "worker" {
		if err := runWorker(); err != nil {
			fmt.Fprintln(os.Stderr, "worker:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// workerReport is what a worker prints when its window is over.
type workerReport struct {
	OK          int      // requests answered 2xx
	RateLimited int      // 429 rate limits
	Cut         int      // calls cut by the window's end (refused by the limiter, or in flight)
	Other       int      // any other error
	Samples     []string // a few of the other errors
	First, Last int64    // Unix nanoseconds of the first and last 2xx answer
}

// runWorker is one process of the fleet: a client on the shared limiter,
// goroutines listing customers from the start time it reads on stdin until
// the window ends.
func runWorker() error {
	goroutines, err1 := strconv.Atoi(os.Getenv(envGoroutines))
	perSecond, err2 := strconv.ParseFloat(os.Getenv(envRate), 64)
	burst, err3 := strconv.Atoi(os.Getenv(envBurst))
	window, err4 := time.ParseDuration(os.Getenv(envDuration))
	if err := errors.Join(err1, err2, err3, err4); err != nil {
		return err
	}
	opt, err := redis.ParseURL(testenv.RedisURL())
	if err != nil {
		return err
	}
	rdb := redis.NewClient(opt)
	defer rdb.Close()
	lim, err := ratelimit.New(rdb, perSecond, burst, ratelimit.WithKeyPrefix(os.Getenv(envPrefix)))
	if err != nil {
		return err
	}
	c, err := embedfin.NewClient(stripetest.DefaultKey, embedfin.WithBaseURL(os.Getenv(envURL)),
		embedfin.WithLimiter(lim), embedfin.WithMaxRetries(0))
	if err != nil {
		return err
	}
	list := customers.New(c).Customers
	if err := rdb.Ping(context.Background()).Err(); err != nil {
		return err
	}
	fmt.Println("ready")
	line, err := bufio.NewReader(os.Stdin).ReadString('\n')
	if err != nil {
		return fmt.Errorf("reading the start time: %w", err)
	}
	startNano, err := strconv.ParseInt(strings.TrimSpace(line), 10, 64)
	if err != nil {
		return err
	}
	start := time.Unix(0, startNano)
	end := start.Add(window)
	time.Sleep(time.Until(start))
	ctx, cancel := context.WithDeadline(context.Background(), end)
	defer cancel()

	var mu sync.Mutex
	var rep workerReport
	var wg sync.WaitGroup
	for range goroutines {
		wg.Go(func() {
			for range 5000 { // far more than a window allows; the deadline ends it
				if ctx.Err() != nil {
					return
				}
				_, err := list.List(ctx, nil)
				now := time.Now().UnixNano()
				mu.Lock()
				switch {
				case err == nil:
					rep.OK++
					if rep.First == 0 || now < rep.First {
						rep.First = now
					}
					rep.Last = max(rep.Last, now)
				case embedfin.IsRateLimited(err):
					rep.RateLimited++
				case errors.Is(err, context.DeadlineExceeded):
					// The next slot is past the window (or the window
					// ended in flight): this goroutine is done.
					rep.Cut++
					mu.Unlock()
					return
				default:
					rep.Other++
					if len(rep.Samples) < 5 {
						rep.Samples = append(rep.Samples, err.Error())
					}
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return json.NewEncoder(os.Stdout).Encode(rep)
}

// TestFleetSharesOneRate runs 4 worker processes of 16 goroutines each,
// every one listing customers as fast as the shared 25 requests per second
// lets it, against one emulator that enforces 25 requests per second per
// account, for 20 s. Together they must reach that rate within 10% and never
// be answered 429.
func TestFleetSharesOneRate(t *testing.T) {
	const (
		processes  = 4
		goroutines = 16
		perSecond  = 25
		burst      = 2 // see the package documentation
		window     = 20 * time.Second
	)
	_, prefix := testenv.Redis(t)
	srv := stripetest.NewServer(stripetest.WithRateLimit(perSecond))
	defer srv.Close()

	type worker struct {
		cmd    *exec.Cmd
		stdin  io.WriteCloser
		stdout *bufio.Reader
		stderr *lockedBuffer
	}
	workers := make([]*worker, processes)
	for i := range workers {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(),
			envRole+"=worker", envURL+"="+srv.URL, envPrefix+"="+prefix,
			fmt.Sprintf("%s=%d", envGoroutines, goroutines), fmt.Sprintf("%s=%d", envRate, perSecond),
			fmt.Sprintf("%s=%d", envBurst, burst), envDuration+"="+window.String())
		stdin, err := cmd.StdinPipe()
		if err != nil {
			t.Fatal(err)
		}
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		w := &worker{cmd: cmd, stdin: stdin, stdout: bufio.NewReader(stdout), stderr: &lockedBuffer{}}
		cmd.Stderr = w.stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			_ = stdin.Close()
			done := make(chan struct{})
			go func() { _ = cmd.Wait(); close(done) }()
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				_ = cmd.Process.Kill()
				<-done
			}
		})
		workers[i] = w
	}
	// readLine reads a line of a worker's output within a time limit.
	readLine := func(w *worker, limit time.Duration) string {
		t.Helper()
		got := make(chan string, 1)
		go func() {
			line, _ := w.stdout.ReadString('\n')
			got <- line
		}()
		select {
		case line := <-got:
			if line == "" {
				t.Fatalf("worker ended without output:\n%s", w.stderr)
			}
			return line
		case <-time.After(limit):
			_ = w.cmd.Process.Kill()
			t.Fatalf("worker said nothing for %v:\n%s", limit, w.stderr)
		}
		return ""
	}
	for _, w := range workers {
		if line := readLine(w, 30*time.Second); line != "ready\n" {
			t.Fatalf("worker said %q, want ready\n%s", line, w.stderr)
		}
	}
	start := time.Now().Add(200 * time.Millisecond)
	for _, w := range workers {
		if _, err := fmt.Fprintf(w.stdin, "%d\n", start.UnixNano()); err != nil {
			t.Fatal(err)
		}
	}

	var total workerReport
	for i, w := range workers {
		var rep workerReport
		if err := json.Unmarshal([]byte(readLine(w, window+30*time.Second)), &rep); err != nil {
			t.Fatalf("worker %d: %v\n%s", i, err, w.stderr)
		}
		t.Logf("process %d: %d ok, %d rate limited, %d cut at the end, %d other errors", i, rep.OK, rep.RateLimited, rep.Cut, rep.Other)
		if rep.OK == 0 {
			t.Errorf("process %d sent nothing", i)
		}
		total.OK += rep.OK
		total.RateLimited += rep.RateLimited
		total.Cut += rep.Cut
		total.Other += rep.Other
		total.Samples = append(total.Samples, rep.Samples...)
		if total.First == 0 || rep.First < total.First {
			total.First = rep.First
		}
		total.Last = max(total.Last, rep.Last)
	}
	rate := float64(total.OK) / window.Seconds()
	span := time.Duration(total.Last - total.First)
	steady := float64(total.OK-1) / span.Seconds()
	t.Logf("%d processes x %d goroutines, %v: %d requests answered 2xx, %.2f req/s over the window (%.2f between the first and last answer, %v apart); 429 seen by clients: %d, sent by the emulator: %d; cut at the end: %d",
		processes, goroutines, window, total.OK, rate, steady, span.Round(time.Millisecond), total.RateLimited, srv.RateLimited(), total.Cut)
	if total.Other > 0 {
		t.Errorf("%d calls failed otherwise, e.g. %q", total.Other, total.Samples)
	}
	if total.RateLimited > 0 || srv.RateLimited() > 0 {
		t.Errorf("rate limited: %d calls saw 429, the emulator sent %d; want none", total.RateLimited, srv.RateLimited())
	}
	if rate < 0.9*perSecond || rate > 1.1*perSecond {
		t.Errorf("aggregate rate %.2f req/s, want within 10%% of %d", rate, perSecond)
	}
}

// lockedBuffer collects a child's stderr.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
