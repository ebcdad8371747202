package stripemock

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// Module and Version pin stripe-mock; the spec of the same version is the
// source of the generated types.
const (
	Module  = "github.com/stripe/stripe-mock"
	Version = "v0.203.0"
)

// EnvURL names the variable that points tests at a running stripe-mock.
const EnvURL = "STRIPE_MOCK_URL"

// Server is a running stripe-mock.
type Server struct {
	// URL is the base URL to give embedfin.WithBaseURL.
	URL string
	cmd *exec.Cmd
}

// Close stops a server this package started; it is a no-op for one found
// through STRIPE_MOCK_URL.
func (s *Server) Close() error {
	if s == nil || s.cmd == nil {
		return nil
	}
	_ = s.cmd.Process.Kill()
	_ = s.cmd.Wait()
	return nil
}

// Start returns the server named by STRIPE_MOCK_URL, or installs (if
// needed) and starts the pinned binary.
func Start(ctx context.Context) (*Server, error) {
	if u := os.Getenv(EnvURL); u != "" {
		return &Server{URL: strings.TrimRight(u, "/")}, nil
	}
	bin, err := Binary(ctx)
	if err != nil {
		return nil, err
	}
	// Both listeners on free loopback ports: by default stripe-mock also
	// opens HTTPS on :12112, which another instance may hold.
	cmd := exec.Command(bin, "-http-addr", "127.0.0.1:", "-https-addr", "127.0.0.1:", "-strict-version-check")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting stripe-mock: %w", err)
	}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		const marker = "Listening for HTTP at address: "
		for sc.Scan() {
			if i := strings.Index(sc.Text(), marker); i >= 0 {
				addr <- strings.TrimSpace(sc.Text()[i+len(marker):])
				break
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
	}()
	select {
	case a := <-addr:
		return &Server{URL: "http://" + a, cmd: cmd}, nil
	case <-time.After(60 * time.Second):
	case <-ctx.Done():
	}
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	return nil, errors.New("stripe-mock did not report its address within 60s")
}

var installMu sync.Mutex

// Binary returns the path of the pinned stripe-mock, installing it with
// go install into the user cache directory the first time.
func Binary(ctx context.Context) (string, error) {
	installMu.Lock()
	defer installMu.Unlock()
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	dir := filepath.Join(cache, "embedfin-go", "stripe-mock@"+Version)
	bin := filepath.Join(dir, "stripe-mock")
	if fi, err := os.Stat(bin); err == nil && fi.Mode().IsRegular() {
		return bin, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	// Install into a private directory, then rename: concurrent test
	// binaries never see a half-written file.
	tmp, err := os.MkdirTemp(dir, "install-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	cmd := exec.CommandContext(ctx, "go", "install", Module+"@"+Version)
	cmd.Dir = tmp // outside any module: go install pkg@version ignores go.mod anyway
	cmd.Env = append(os.Environ(), "GOBIN="+tmp, "GOFLAGS=-mod=mod")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go install %s@%s: %w\n%s", Module, Version, err, out)
	}
	if err := os.Rename(filepath.Join(tmp, "stripe-mock"), bin); err != nil {
		return "", err
	}
	return bin, nil
}

// SpecPath returns the path of the OpenAPI spec embedded in the pinned
// module (STRIPE_SPEC overrides it), downloading the module if needed.
func SpecPath(ctx context.Context) (string, error) {
	if p := os.Getenv("STRIPE_SPEC"); p != "" {
		return p, nil
	}
	cmd := exec.CommandContext(ctx, "go", "mod", "download", "-json", Module+"@"+Version)
	cmd.Dir = os.TempDir()
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("go mod download %s@%s: %w", Module, Version, err)
	}
	var info struct{ Dir, Error string }
	if err := json.Unmarshal(out, &info); err != nil {
		return "", err
	}
	if info.Error != "" || info.Dir == "" {
		return "", fmt.Errorf("go mod download %s@%s: %s", Module, Version, info.Error)
	}
	return filepath.Join(info.Dir, "embedded", "openapi", "spec3.json"), nil
}
