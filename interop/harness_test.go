package interop

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	stripe "github.com/stripe/stripe-go/v85"
	"github.com/stripe/stripe-go/v85/rawrequest"
	"github.com/stripe/stripe-go/v85/webhook"
)

// Timing of the emulator under test: short enough that the whole module
// runs in well under a minute, long enough that "pending" is observable.
const (
	refreshDelay = 150 * time.Millisecond
	featureDelay = 250 * time.Millisecond

	// waitLimit bounds every wait for an asynchronous change or a webhook.
	waitLimit = 10 * time.Second
	// callTimeout bounds each HTTP call stripe-go makes.
	callTimeout = 15 * time.Second
)

// The emulator under test: built once, by the first test that needs it.
var (
	buildDir       string // a temporary directory TestMain makes and removes
	buildOnce      sync.Once
	emulatorBinary string
	buildErr       error
)

// emulatorPath returns the emulator binary: INTEROP_EMULATOR when set,
// else cmd/embedfin-emulator built from the working tree. It runs inside
// the tests (not in TestMain) so that the go command's test cache records
// the files it looks at: a cached result is reused only while the
// emulator's sources are unchanged.
func emulatorPath(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		if p := os.Getenv("INTEROP_EMULATOR"); p != "" {
			emulatorBinary = p
			_, buildErr = os.Stat(p)
			return
		}
		emulatorBinary, buildErr = buildEmulator(buildDir)
	})
	require.NoError(t, buildErr)
	return emulatorBinary
}

// buildEmulator builds cmd/embedfin-emulator from the repository this
// module sits in (its parent directory) into dir, with the repository's
// own go.mod: this module never imports the SDK.
func buildEmulator(dir string) (string, error) {
	root, err := filepath.Abs("..")
	if err != nil {
		return "", err
	}
	mod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil || !bytes.HasPrefix(mod, []byte("module github.com/embedfin/embedfin-go\n")) {
		return "", fmt.Errorf("%s is not the embedfin-go repository (go.mod: %v)", root, err)
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "embedfin-emulator")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, goTool, "build", "-buildvcs=false", "-o", bin, "./cmd/embedfin-emulator")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/embedfin-emulator: %v\n%s", err, out)
	}
	return bin, statSources(root)
}

// statSources stats the root module's Go files and directories (not the
// other modules' nor .git), which is how the test cache learns that a
// result depends on them.
func statSources(root string) error {
	return filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == ".git" {
				return filepath.SkipDir
			}
			if path != root {
				if _, err := os.Stat(filepath.Join(path, "go.mod")); err == nil {
					return filepath.SkipDir
				}
			}
			_, err := os.Stat(path)
			return err
		}
		if strings.HasSuffix(path, ".go") || d.Name() == "go.mod" || d.Name() == "go.sum" {
			_, err := os.Stat(path)
			return err
		}
		return nil
	})
}

// emulator is one cmd/embedfin-emulator process, with the webhook receiver
// it delivers to.
type emulator struct {
	URL   string
	hooks *hookReceiver
}

// startEmulator starts a fresh emulator process on a free loopback port
// for t, delivering its webhooks to a receiver of its own; both stop when
// t ends.
func startEmulator(t *testing.T) *emulator {
	t.Helper()
	bin := emulatorPath(t)
	hooks := newHookReceiver(t)

	cmd := exec.Command(bin,
		"-addr", "127.0.0.1:0",
		"-webhook-url", hooks.URL,
		"-webhook-secret", hooks.secret,
		"-refresh-delay", refreshDelay.String(),
		"-feature-delay", featureDelay.String(),
	)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	var stderr lockedBuffer
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())

	stopped := make(chan struct{})
	go func() { _ = cmd.Wait(); close(stopped) }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		select {
		case <-stopped:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-stopped
		}
		if t.Failed() {
			t.Logf("emulator stderr:\n%s", stderr.String())
		}
	})

	// The first line on stdout is the base URL; the rest is drained.
	first := make(chan string, 1)
	go func() {
		r := bufio.NewReader(stdout)
		line, _ := r.ReadString('\n')
		first <- strings.TrimSpace(line)
		_, _ = io.Copy(io.Discard, r)
	}()
	var base string
	select {
	case base = <-first:
	case <-stopped:
		t.Fatalf("the emulator exited before printing its URL; stderr:\n%s", stderr.String())
	case <-time.After(30 * time.Second):
		t.Fatalf("the emulator printed no URL within 30 s; stderr:\n%s", stderr.String())
	}
	u, err := url.Parse(base)
	require.NoError(t, err, "first stdout line %q", base)
	require.True(t, isLoopback(u), "the emulator must listen on loopback, printed %q", base)
	return &emulator{URL: base, hooks: hooks}
}

// isLoopback reports whether u points at a loopback host.
func isLoopback(u *url.URL) bool {
	host := u.Hostname()
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// lockedBuffer is a bytes.Buffer safe for the process's writes and the
// test's reads.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// ---- stripe-go pointed at the emulator ----

// client is stripe-go v85 configured for one emulator: the API backend's
// URL overridden, a client of its own, no retries (so that every request
// the test makes is exactly one request the emulator sees).
type client struct {
	*stripe.Client
	key     string
	backend stripe.Backend
	raw     rawrequest.Client
}

// testKey is the secret key the flows use; any sk_test_ key works.
const testKey = "sk_test_interop_51Interop"

func (e *emulator) client(t *testing.T) *client {
	return e.clientWithKey(t, testKey)
}

func (e *emulator) clientWithKey(t *testing.T, key string) *client {
	t.Helper()
	transport := &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
		MaxIdleConnsPerHost: 8,
	}
	t.Cleanup(transport.CloseIdleConnections)
	backend := stripe.GetBackendWithConfig(stripe.APIBackend, &stripe.BackendConfig{
		URL:               stripe.String(e.URL),
		HTTPClient:        &http.Client{Timeout: callTimeout, Transport: transport},
		MaxNetworkRetries: stripe.Int64(0),
		LeveledLogger:     &stripe.LeveledLogger{Level: stripe.LevelNull},
	})
	rb, ok := backend.(stripe.RawRequestBackend)
	require.True(t, ok, "stripe-go's API backend makes raw requests")
	sc := stripe.NewClient(key, stripe.WithBackends(&stripe.Backends{
		API: backend, Connect: backend, Uploads: backend, MeterEvents: backend,
	}))
	return &client{Client: sc, key: key, backend: backend, raw: rawrequest.Client{B: rb, Key: key}}
}

// rawPost makes a form-encoded POST through stripe-go's raw request
// facility (for endpoints stripe-go has no method for) and decodes the
// JSON answer into out when it is not nil.
func (c *client) rawPost(path string, form url.Values, params *stripe.RawParams, out any) (*stripe.APIResponse, error) {
	resp, err := c.raw.RawRequest(http.MethodPost, path, form.Encode(), params)
	if err != nil {
		return resp, err
	}
	if out != nil {
		if err := json.Unmarshal(resp.RawJSON, out); err != nil {
			return resp, fmt.Errorf("decoding %s: %w", path, err)
		}
	}
	return resp, nil
}

// stripeError returns err as stripe-go's *stripe.Error, failing t when it
// is something else.
func stripeError(t T, err error) *stripe.Error {
	t.Helper()
	var se *stripe.Error
	require.Error(t, err)
	require.True(t, errors.As(err, &se), "want a *stripe.Error, got %T: %v", err, err)
	return se
}

// rawKeys returns the top-level keys of a JSON object (a response body as
// stripe-go keeps it in LastResponse.RawJSON) and their raw values.
func rawKeys(t T, body []byte) map[string]json.RawMessage {
	t.Helper()
	var m map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(body, &m), "response body %s", body)
	return m
}

// rawField returns the raw JSON at a dotted path of a JSON object.
func rawField(t T, body []byte, path string) json.RawMessage {
	t.Helper()
	cur := json.RawMessage(body)
	for _, k := range strings.Split(path, ".") {
		m := rawKeys(t, cur)
		v, ok := m[k]
		require.True(t, ok, "key %q of %q is absent in %s", k, path, cur)
		cur = v
	}
	return cur
}

// lastJSON is the body stripe-go decoded a resource from.
func lastJSON(t T, resp *stripe.APIResponse) []byte {
	t.Helper()
	require.NotNil(t, resp, "stripe-go keeps the last response")
	return resp.RawJSON
}

// eventually polls cond every 25 ms until it holds or waitLimit passes.
func eventually(t T, what string, cond func() (bool, error)) {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	for {
		ok, err := cond()
		require.NoError(t, err, what)
		if ok {
			return
		}
		if time.Now().After(deadline) {
			require.Failf(t, "timed out", "%s: not within %s", what, waitLimit)
			return
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// ctx returns the context of a flow's calls: a minute at most, however the
// emulator behaves.
func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return c
}

// ---- webhooks ----

// delivery is one POST the emulator made to the receiver.
type delivery struct {
	payload []byte
	event   stripe.Event
	err     error // from webhook.ConstructEvent
}

// hookReceiver is the webhook endpoint the emulator delivers to: every
// delivery is verified with stripe-go's webhook.ConstructEvent, and
// answered 400 when it does not verify (as a real endpoint would).
type hookReceiver struct {
	URL    string
	secret string

	mu         sync.Mutex
	changed    chan struct{} // closed and replaced on every delivery
	deliveries []delivery
}

func newHookReceiver(t *testing.T) *hookReceiver {
	t.Helper()
	var b [12]byte
	_, _ = rand.Read(b[:])
	h := &hookReceiver{secret: "whsec_interop" + hex.EncodeToString(b[:]), changed: make(chan struct{})}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		payload, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		ev, verr := webhook.ConstructEvent(payload, r.Header.Get("Stripe-Signature"), h.secret)
		h.mu.Lock()
		h.deliveries = append(h.deliveries, delivery{payload: payload, event: ev, err: verr})
		close(h.changed)
		h.changed = make(chan struct{})
		h.mu.Unlock()
		if verr != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(srv.Close)
	h.URL = srv.URL + "/webhooks"
	return h
}

// snapshot returns the deliveries so far.
func (h *hookReceiver) snapshot() ([]delivery, <-chan struct{}) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]delivery(nil), h.deliveries...), h.changed
}

// waitEvent waits for a verified event of type typ that match accepts
// (nil: any) and returns it.
func (h *hookReceiver) waitEvent(t T, typ stripe.EventType, match func(stripe.Event) bool) stripe.Event {
	t.Helper()
	deadline := time.After(waitLimit)
	for {
		ds, changed := h.snapshot()
		for _, d := range ds {
			if d.err == nil && d.event.Type == typ && (match == nil || match(d.event)) {
				return d.event
			}
		}
		select {
		case <-changed:
		case <-deadline:
			require.Failf(t, "no webhook", "no %s event delivered within %s (%d deliveries)", typ, waitLimit, len(ds))
			return stripe.Event{}
		}
	}
}

// waitIDs waits until every event ID in ids has been delivered.
func (h *hookReceiver) waitIDs(t T, ids map[string]bool) []delivery {
	t.Helper()
	deadline := time.After(waitLimit)
	for {
		ds, changed := h.snapshot()
		seen := map[string]bool{}
		for _, d := range ds {
			if d.err == nil {
				seen[d.event.ID] = true
			}
		}
		missing := []string{}
		for id := range ids {
			if !seen[id] {
				missing = append(missing, id)
			}
		}
		if len(missing) == 0 {
			return ds
		}
		select {
		case <-changed:
		case <-deadline:
			require.Failf(t, "events not delivered", "%d of %d listed events not delivered within %s: %v", len(missing), len(ids), waitLimit, missing)
			return ds
		}
	}
}

// objectID returns data.object.id of an event.
func objectID(ev stripe.Event) string {
	if ev.Data == nil {
		return ""
	}
	id, _ := ev.Data.Object["id"].(string)
	return id
}

// eventField returns the value at a dotted path of data.object (nil when
// a part of the path is missing).
func eventField(ev stripe.Event, path string) any {
	if ev.Data == nil {
		return nil
	}
	var cur any = ev.Data.Object
	for _, k := range strings.Split(path, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[k]
	}
	return cur
}

// eventSource is where checkWebhooks lists events: a key's platform, or
// one of its connected accounts through Stripe-Account.
type eventSource struct {
	sc      *client
	account string
}

// checkWebhooks is every flow's last step: the events the API lists (for
// each source) have all been delivered, every delivery verified with
// webhook.ConstructEvent, and each delivered event is one the API lists,
// under the right account.
func checkWebhooks(t T, c context.Context, hooks *hookReceiver, sources ...eventSource) {
	t.Helper()
	listed := map[string]string{} // event ID -> account ("" for a platform)
	for _, src := range sources {
		params := &stripe.EventListParams{}
		params.Limit = stripe.Int64(100)
		if src.account != "" {
			params.SetStripeAccount(src.account)
		}
		for ev, err := range src.sc.V1Events.List(c, params).All(c) {
			require.NoError(t, err)
			listed[ev.ID] = src.account
		}
	}
	require.NotEmpty(t, listed, "the flow produced events")
	ids := map[string]bool{}
	for id := range listed {
		ids[id] = true
	}
	ds := hooks.waitIDs(t, ids)
	verified := 0
	for _, d := range ds {
		if !assert.NoError(t, d.err, "delivery %.200s does not verify with webhook.ConstructEvent", d.payload) {
			continue
		}
		verified++
		acct, ok := listed[d.event.ID]
		if !assert.True(t, ok, "delivered event %s (%s) is not listed by GET /v1/events", d.event.ID, d.event.Type) {
			continue
		}
		assert.Equal(t, acct, d.event.Account, "event %s (%s): account", d.event.ID, d.event.Type)
		assert.Equal(t, "event", d.event.Object, "event %s: object", d.event.ID)
		assert.NotEmpty(t, d.event.APIVersion, "event %s: api_version", d.event.ID)
		assert.NotNil(t, d.event.Data, "event %s: data", d.event.ID)
	}
	t.Logf("%d events listed, %d deliveries, all verified with webhook.ConstructEvent: %v", len(listed), len(ds), verified == len(ds))
}
