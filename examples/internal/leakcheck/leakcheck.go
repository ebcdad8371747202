package leakcheck

import (
	"bytes"
	"context"
	"io"
	"os"
	"regexp"
	"sync"
	"testing"
	"time"
)

// patterns are the secrets that must never be printed or logged. A masked
// value ("sk_test_***", "_secret_***", "***6789") does not match.
var patterns = []struct {
	name string
	re   *regexp.Regexp
}{
	{"API key", regexp.MustCompile(`(?:sk|rk)_(?:test|live)_[A-Za-z0-9]+`)},
	{"webhook secret", regexp.MustCompile(`whsec_[A-Za-z0-9]+`)},
	{"client secret", regexp.MustCompile(`_secret_[A-Za-z0-9]+`)},
	{"full account number", regexp.MustCompile(`\d{12,}`)},
}

// Findings returns every secret found in s, as "kind: text".
func Findings(s string) []string {
	var out []string
	for _, p := range patterns {
		for _, m := range p.re.FindAllString(s, -1) {
			out = append(out, p.name+": "+m)
		}
	}
	return out
}

// Run runs an example's run function as `EMBEDFIN_LOG=debug go run` would
// on the emulator (STRIPE_SECRET_KEY unset), and returns what it printed
// and what was written to standard error meanwhile, where the examples'
// debug log goes. It fails t if run fails. It changes the environment and
// os.Stderr while it runs, so tests using it must not be parallel.
func Run(t testing.TB, run func(ctx context.Context, out io.Writer) error) (out, stderr string) {
	t.Helper()
	t.Setenv("STRIPE_SECRET_KEY", "")
	t.Setenv("EMBEDFIN_LOG", "debug")

	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	var (
		logs bytes.Buffer
		wg   sync.WaitGroup
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		_, _ = io.Copy(&logs, r)
	}()
	saved := os.Stderr
	os.Stderr = w
	var stdout bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	runErr := run(ctx, &stdout)
	cancel()
	os.Stderr = saved
	_ = w.Close()
	wg.Wait()
	_ = r.Close()
	if runErr != nil {
		t.Fatalf("the example failed: %v\nstdout:\n%s\nstderr:\n%s", runErr, stdout.String(), logs.String())
	}
	return stdout.String(), logs.String()
}

// Check runs the example with Run and fails t if the debug log is missing
// or if its output or log holds a secret.
func Check(t testing.TB, run func(ctx context.Context, out io.Writer) error) {
	t.Helper()
	out, logs := Run(t, run)
	if !bytes.Contains([]byte(logs), []byte("embedfin: request")) {
		t.Fatalf("EMBEDFIN_LOG=debug logged no request; stderr:\n%s", logs)
	}
	for _, f := range Findings(out) {
		t.Errorf("the example printed a secret (%s)", f)
	}
	for _, f := range Findings(logs) {
		t.Errorf("the debug log holds a secret (%s)", f)
	}
}
