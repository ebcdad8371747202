package reliability

import (
	"bytes"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// goroutines returns the stacks of every goroutine, by goroutine ID.
func goroutines() map[int]string {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	out := map[int]string{}
	for _, g := range bytes.Split(buf, []byte("\n\n")) {
		s := string(g)
		// "goroutine 42 [running]:"
		rest, ok := strings.CutPrefix(s, "goroutine ")
		if !ok {
			continue
		}
		idText, _, _ := strings.Cut(rest, " ")
		id, err := strconv.Atoi(idText)
		if err != nil {
			continue
		}
		out[id] = s
	}
	return out
}

// leakCheck is a dependency-free stand-in for go.uber.org/goleak: it
// snapshots the goroutines alive when it is created, and verify waits
// (polling, up to a deadline) until every goroutine started since has
// exited, failing with their stacks otherwise. Tests using it must not be
// parallel, so that no other test's goroutines come and go meanwhile.
type leakCheck struct {
	before map[int]string
}

func newLeakCheck() *leakCheck { return &leakCheck{before: goroutines()} }

// verify fails t if goroutines started after newLeakCheck are still alive
// after deadline. The calling goroutine itself is ignored.
func (l *leakCheck) verify(t *testing.T, deadline time.Duration) {
	t.Helper()
	end := time.Now().Add(deadline)
	for {
		leaked := l.leaked()
		if len(leaked) == 0 {
			return
		}
		if time.Now().After(end) {
			t.Fatalf("%d goroutine(s) leaked:\n\n%s", len(leaked), strings.Join(leaked, "\n\n"))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (l *leakCheck) leaked() []string {
	var out []string
	for id, stack := range goroutines() {
		if _, old := l.before[id]; old {
			continue
		}
		if strings.Contains(stack, "[running]") && strings.Contains(stack, "reliability.goroutines(") {
			continue // the goroutine asking
		}
		out = append(out, stack)
	}
	return out
}

func TestLeakCheckSeesLeakedGoroutines(t *testing.T) {
	leaks := newLeakCheck()
	release := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		<-release
	}()
	leaked := leaks.leaked()
	if len(leaked) != 1 || !strings.Contains(leaked[0], "TestLeakCheckSeesLeakedGoroutines") {
		t.Fatalf("want the one blocked goroutine, got %d:\n%s", len(leaked), strings.Join(leaked, "\n\n"))
	}
	close(release)
	<-done
	leaks.verify(t, 5*time.Second)
}
