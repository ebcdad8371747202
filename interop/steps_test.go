package interop

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"sort"
	"sync"
	"testing"
)

// T is what a step gets: the part of *testing.T that testify's assert and
// require use, so that a known gap's step can run on a recorder instead.
type T interface {
	Errorf(format string, args ...any)
	FailNow()
	Helper()
	Logf(format string, args ...any)
}

// flow runs the steps of one seed flow in order, each as a subtest. When
// a step outside knownGaps fails, the steps after it are skipped (they
// depend on what it should have made); the test has failed already.
type flow struct {
	t      *testing.T
	broken string
}

func newFlow(t *testing.T) *flow { return &flow{t: t} }

// step runs fn as the subtest name; later steps depend on what it makes,
// so they are skipped when it fails (or, listed in knownGaps, when it
// still fails). A step listed in knownGaps runs on a recorder: its
// failures are logged and the step is skipped, and if it passes the test
// fails, so that the table only shrinks.
func (f *flow) step(name string, fn func(t T)) {
	f.t.Helper()
	if !f.run(name, fn) && f.broken == "" {
		f.broken = name
	}
}

// check is a step that only asserts: later steps run whatever it finds.
func (f *flow) check(name string, fn func(t T)) {
	f.t.Helper()
	f.run(name, fn)
}

// run runs one step and reports whether it passed.
func (f *flow) run(name string, fn func(t T)) bool {
	f.t.Helper()
	passed := false
	f.t.Run(name, func(t *testing.T) {
		markVisited(t.Name())
		if f.broken != "" {
			t.Skipf("not run: step %q failed", f.broken)
		}
		reason, gap := knownGaps[t.Name()]
		if !gap {
			fn(t)
			passed = !t.Failed()
			return
		}
		rec := &recorder{}
		rec.run(fn)
		if rec.failed {
			for _, m := range rec.msgs {
				t.Log(m)
			}
			t.Skipf("emulator gap (issue 13): %s", reason)
		}
		t.Errorf("%s passes now: remove it from knownGaps (it was listed as: %s)", t.Name(), reason)
	})
	return passed
}

// recorder stands in for *testing.T in a known gap's step: it records
// failures instead of reporting them.
type recorder struct {
	mu     sync.Mutex
	failed bool
	msgs   []string
}

func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failed = true
	r.msgs = append(r.msgs, fmt.Sprintf(format, args...))
}

// FailNow ends the step's goroutine, as testing.T's does.
func (r *recorder) FailNow() {
	r.mu.Lock()
	r.failed = true
	r.mu.Unlock()
	runtime.Goexit()
}

func (r *recorder) Helper() {}

func (r *recorder) Logf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.msgs = append(r.msgs, fmt.Sprintf(format, args...))
}

// run runs fn on its own goroutine (FailNow ends it) and waits for it.
func (r *recorder) run(fn func(T)) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer func() {
			if p := recover(); p != nil {
				r.Errorf("panic: %v", p)
			}
		}()
		fn(r)
	}()
	<-done
}

var (
	visitedMu sync.Mutex
	visited   = map[string]bool{}
)

func markVisited(name string) {
	visitedMu.Lock()
	defer visitedMu.Unlock()
	visited[name] = true
}

// staleGaps returns the knownGaps entries no step ran under.
func staleGaps() []string {
	visitedMu.Lock()
	defer visitedMu.Unlock()
	var out []string
	for name := range knownGaps {
		if !visited[name] {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

// TestMain makes the directory the emulator is built into, and after a
// full run
// (no -run or -skip filter) fails when a knownGaps entry names no step.
func TestMain(m *testing.M) {
	flag.Parse()
	var err error
	buildDir, err = os.MkdirTemp("", "embedfin-interop-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(buildDir)
	if code == 0 && flagValue("test.run") == "" && flagValue("test.skip") == "" {
		if stale := staleGaps(); len(stale) > 0 {
			fmt.Fprintf(os.Stderr, "knownGaps entries that match no step (remove or rename them): %v\n", stale)
			code = 1
		}
	}
	os.Exit(code)
}

func flagValue(name string) string {
	if f := flag.Lookup(name); f != nil {
		return f.Value.String()
	}
	return ""
}
