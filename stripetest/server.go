package stripetest

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/form"
	"golang.org/x/time/rate"
)

// DefaultKey is the test key of Server.Client. Any sk_test_ key is
// accepted; each has its own state.
const DefaultKey = "sk_test_emulator"

// maxBody caps request bodies.
const maxBody = 1 << 20

// Server is a running emulator.
type Server struct {
	// URL is the base URL, http://127.0.0.1:PORT.
	URL string

	http   *httptest.Server
	mux    *http.ServeMux
	cfg    config
	mu     sync.Mutex // guards all state below
	keys   map[string]*keyState
	rng    *rand.Rand
	timers []*time.Timer
	closed bool
	hooks  *deliverer

	limits      map[string]*rate.Limiter // per key and account, with WithRateLimit
	rateLimited atomic.Int64
}

// keyState is one secret key's Stripe account: its own objects and its
// connected accounts'.
type keyState struct {
	key       string
	platform  *env
	connected map[string]*env
}

// env holds the objects of one account (the platform, or one connected
// account) under one key.
type env struct {
	srv     *Server
	key     string
	account string // "" for the platform
	objects map[string]any
	order   map[string][]string // kind -> IDs, oldest first
	idem    map[string]*idemRecord
	fc      map[string]*fcState // Financial Connections accounts' bank-side state
}

type idemRecord struct {
	fingerprint [32]byte
	status      int
	body        []byte
	requestID   string
}

// NewServer starts an emulator on a free loopback port; it panics if it
// cannot listen (like httptest.NewServer). Close it when done.
func NewServer(opts ...Option) *Server {
	s, err := Start("127.0.0.1:0", opts...)
	if err != nil {
		panic(fmt.Sprintf("stripetest: %v", err))
	}
	return s
}

// Start starts an emulator listening on addr ("127.0.0.1:0" for a free
// port). The address must be a loopback one: the emulator has no
// authentication worth the name.
func Start(addr string, opts ...Option) (*Server, error) {
	cfg := defaultConfig()
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, fmt.Errorf("address %q is not a loopback address", addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	s := &Server{
		cfg:  cfg,
		keys: map[string]*keyState{},
		rng:  rand.New(rand.NewPCG(uint64(cfg.seed), uint64(cfg.seed)^0x9e3779b97f4a7c15)),
		mux:  http.NewServeMux(),
	}
	s.routes()
	s.http = httptest.NewUnstartedServer(s)
	s.http.Listener.Close()
	s.http.Listener = ln
	s.http.Start()
	s.URL = s.http.URL
	s.hooks = newDeliverer(cfg)
	return s, nil
}

// Close stops the server, its timers and webhook deliveries.
func (s *Server) Close() {
	s.mu.Lock()
	s.closed = true
	for _, t := range s.timers {
		t.Stop()
	}
	s.mu.Unlock()
	s.hooks.close()
	s.http.Close()
}

// Client returns a client for this server with DefaultKey, fast retries
// and the given extra options.
func (s *Server) Client(opts ...embedfin.Option) *embedfin.Client {
	return s.ClientWithKey(DefaultKey, opts...)
}

// ClientWithKey returns a client for this server with the given test key.
func (s *Server) ClientWithKey(key string, opts ...embedfin.Option) *embedfin.Client {
	all := append([]embedfin.Option{embedfin.WithBaseURL(s.URL), embedfin.WithBackoff(10*time.Millisecond, 100*time.Millisecond)}, opts...)
	c, err := embedfin.NewClient(key, all...)
	if err != nil {
		panic(fmt.Sprintf("stripetest: %v", err))
	}
	return c
}

// now is the emulator's clock.
func (s *Server) now() time.Time { return s.cfg.clock() }

// newID returns prefix_ followed by 14 random letters and digits, drawn
// from the seeded generator (call with s.mu held).
func (s *Server) newID(prefix string) string {
	const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	b := make([]byte, 0, len(prefix)+15)
	b = append(b, prefix...)
	b = append(b, '_')
	for range 14 {
		b = append(b, alphabet[s.rng.IntN(len(alphabet))])
	}
	return string(b)
}

// after runs f with s.mu held once d has passed (right away for d <= 0,
// still asynchronously).
func (s *Server) after(d time.Duration, f func()) {
	t := time.AfterFunc(max(d, 0), func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if !s.closed {
			f()
		}
	})
	s.timers = append(s.timers, t)
}

// keyState returns the state of a key, creating it on first use.
func (s *Server) keyState(key string) *keyState {
	ks := s.keys[key]
	if ks == nil {
		ks = &keyState{key: key, connected: map[string]*env{}}
		ks.platform = s.newEnv(key, "")
		s.keys[key] = ks
	}
	return ks
}

func (s *Server) newEnv(key, account string) *env {
	return &env{srv: s, key: key, account: account, objects: map[string]any{}, order: map[string][]string{}, idem: map[string]*idemRecord{}, fc: map[string]*fcState{}}
}

// ---- object store ----

func put[T any](e *env, kind, id string, v *T) {
	if _, exists := e.objects[id]; !exists {
		e.order[kind] = append(e.order[kind], id)
	}
	e.objects[id] = v
}

func get[T any](e *env, id string) (*T, bool) {
	v, ok := e.objects[id].(*T)
	return v, ok
}

func remove(e *env, kind, id string) {
	delete(e.objects, id)
	ids := e.order[kind]
	for i, x := range ids {
		if x == id {
			e.order[kind] = append(ids[:i:i], ids[i+1:]...)
			break
		}
	}
}

// all returns the objects of a kind, newest first, that pass keep.
func all[T any](e *env, kind string, keep func(*T) bool) []*T {
	ids := e.order[kind]
	out := make([]*T, 0, len(ids))
	for i := len(ids) - 1; i >= 0; i-- {
		if v, ok := get[T](e, ids[i]); ok && (keep == nil || keep(v)) {
			out = append(out, v)
		}
	}
	return out
}

// ---- requests ----

// call is one request being served.
type call struct {
	s         *Server
	w         http.ResponseWriter
	r         *http.Request
	ks        *keyState
	env       *env
	values    url.Values
	requestID string
	idemKey   string
}

type handler func(c *call) (any, error)

// handle registers a route; pattern is "METHOD /path/{param}".
func (s *Server) handle(pattern string, h handler) {
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) { s.serve(w, r, h) })
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if _, pattern := s.mux.Handler(r); pattern == "" {
		rid := "req_" + strings.TrimPrefix(s.lockedID("req"), "req_")
		w.Header().Set("Request-Id", rid)
		writeError(w, newAPIError(http.StatusNotFound, embedfin.ErrorTypeInvalidRequest, "", "",
			"Unrecognized request URL (%s: %s).", r.Method, r.URL.Path))
		return
	}
	s.mux.ServeHTTP(w, r)
}

// admitLocked takes a token from the account's bucket when a rate limit
// is set, counting the requests it refuses.
func (s *Server) admitLocked(key, account string) bool {
	if s.cfg.rateLimit <= 0 {
		return true
	}
	id := key + "|" + account
	l, ok := s.limits[id]
	if !ok {
		if s.limits == nil {
			s.limits = map[string]*rate.Limiter{}
		}
		burst := max(int(s.cfg.rateLimit), 1)
		l = rate.NewLimiter(rate.Limit(s.cfg.rateLimit), burst)
		s.limits[id] = l
	}
	if l.Allow() {
		return true
	}
	s.rateLimited.Add(1)
	return false
}

// RateLimited returns how many requests the emulator answered with 429
// because of WithRateLimit.
func (s *Server) RateLimited() int64 { return s.rateLimited.Load() }

func (s *Server) lockedID(prefix string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.newID(prefix)
}

// serve authenticates, resolves the account, parses parameters, applies
// idempotency, and runs h under the state lock.
func (s *Server) serve(w http.ResponseWriter, r *http.Request, h handler) {
	var body []byte
	if r.Body != nil {
		b, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
		if err != nil {
			return
		}
		body = b
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := &call{s: s, w: w, r: r, requestID: s.newID("req")}
	w.Header().Set("Request-Id", c.requestID)
	w.Header().Set("Stripe-Version", embedfin.APIVersion)
	if len(body) > maxBody {
		writeError(w, newAPIError(http.StatusRequestEntityTooLarge, embedfin.ErrorTypeInvalidRequest, "", "", "Request body too large."))
		return
	}
	key, aerr := apiKey(r)
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	c.ks = s.keyState(key)
	c.env = c.ks.platform
	if acct := r.Header.Get("Stripe-Account"); acct != "" {
		e, ok := c.ks.connected[acct]
		if !ok {
			writeError(w, newAPIError(http.StatusForbidden, embedfin.ErrorTypeInvalidRequest, "account_invalid", "",
				"The provided key '%s' does not have access to account '%s' (or that account does not exist).", maskKey(key), acct))
			return
		}
		c.env = e
	}
	if !s.admitLocked(key, r.Header.Get("Stripe-Account")) {
		w.Header().Set("Stripe-Rate-Limited-Reason", "global-rate")
		writeError(w, newAPIError(http.StatusTooManyRequests, embedfin.ErrorTypeInvalidRequest, string(embedfin.ErrorCodeRateLimit), "",
			"This account sent more than the %v requests per second this emulator allows; slow down and retry later.", s.cfg.rateLimit))
		return
	}
	var err error
	if r.Method == http.MethodGet {
		c.values = r.URL.Query()
	} else {
		c.values, err = url.ParseQuery(string(body))
		if err != nil {
			writeError(w, invalidRequest("", "", "Invalid request body: %v", err))
			return
		}
		if len(r.URL.RawQuery) > 0 {
			writeError(w, invalidRequest("", "", "POST parameters go in the body, not the query string."))
			return
		}
	}
	// Stripe refuses parameters that are not UTF-8 rather than storing
	// them with the bad bytes replaced. The value is not quoted back.
	for k, vs := range c.values {
		for _, v := range vs {
			if !utf8.ValidString(k) || !utf8.ValidString(v) {
				param := strings.ToValidUTF8(k, "\uFFFD")
				writeError(w, invalidRequest("", param, "Invalid UTF-8 characters found in the request parameters (%s).", param))
				return
			}
		}
	}

	// Idempotency: a POST with a key seen before replays the first answer,
	// provided the request is the same.
	var fp [32]byte
	if r.Method == http.MethodPost {
		c.idemKey = r.Header.Get("Idempotency-Key")
		if c.idemKey != "" {
			fp = sha256.Sum256([]byte(r.Method + " " + r.URL.Path + "\n" + r.Header.Get("Stripe-Account") + "\n" + canonical(c.values)))
			if rec, ok := c.env.idem[c.idemKey]; ok {
				if rec.fingerprint != fp {
					writeError(w, newAPIError(http.StatusBadRequest, embedfin.ErrorTypeIdempotency, "", "",
						"Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '%s' if you meant to execute a different request.", c.idemKey))
					return
				}
				w.Header().Set("Idempotent-Replayed", "true")
				w.Header().Set("Original-Request", rec.requestID)
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(rec.status)
				_, _ = w.Write(rec.body)
				return
			}
		}
	}

	out, herr := h(c)
	status := http.StatusOK
	var payload []byte
	if herr != nil {
		var ae *apiError
		if !errors.As(herr, &ae) {
			ae = newAPIError(http.StatusInternalServerError, embedfin.ErrorTypeAPI, "", "", "Internal emulator error: %v", herr)
		}
		status, payload = ae.status, errorBody(ae)
	} else {
		payload, err = json.Marshal(out)
		if err != nil {
			status, payload = http.StatusInternalServerError, errorBody(newAPIError(500, embedfin.ErrorTypeAPI, "", "", "encoding the response: %v", err))
		}
	}
	// Stripe keeps the result of any request that got past validation;
	// 5xx are not kept, so that a retry can succeed.
	if c.idemKey != "" && status < 500 {
		c.env.idem[c.idemKey] = &idemRecord{fingerprint: fp, status: status, body: payload, requestID: c.requestID}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(payload)
}

// apiKey reads the key from Authorization: Bearer (or Basic with the key
// as user name, as curl -u sends) and accepts test secret keys only.
func apiKey(r *http.Request) (string, *apiError) {
	auth := r.Header.Get("Authorization")
	var key string
	switch {
	case strings.HasPrefix(auth, "Bearer "):
		key = strings.TrimPrefix(auth, "Bearer ")
	case strings.HasPrefix(auth, "Basic "):
		if u, _, ok := r.BasicAuth(); ok {
			key = u
		}
	}
	unauthorized := func(format string, args ...any) *apiError {
		return newAPIError(http.StatusUnauthorized, embedfin.ErrorTypeInvalidRequest, "", "", format, args...)
	}
	switch {
	case key == "":
		return "", unauthorized("You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').")
	case strings.HasPrefix(key, "sk_live_") || strings.HasPrefix(key, "rk_live_"):
		return "", unauthorized("The emulator accepts test keys only; this is a live key.")
	case !(strings.HasPrefix(key, "sk_test_") || strings.HasPrefix(key, "rk_test_")) || len(key) < 10:
		return "", unauthorized("Invalid API Key provided: %s", maskKey(key))
	}
	return key, nil
}

// maskKey shows a key as Stripe does in errors: prefix and last four.
func maskKey(key string) string {
	if len(key) <= 12 {
		return "***"
	}
	i := strings.LastIndexByte(key[:len(key)-4], '_')
	return key[:i+1] + "***" + key[len(key)-4:]
}

// canonical renders values in a stable order for fingerprints.
func canonical(v url.Values) string { return v.Encode() }

func errorBody(ae *apiError) []byte {
	b, _ := json.Marshal(struct {
		Error embedfin.Error `json:"error"`
	}{ae.body})
	return b
}

func writeError(w http.ResponseWriter, ae *apiError) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(ae.status)
	_, _ = w.Write(errorBody(ae))
}

// decode fills params (a pointer to a generated params struct) from the
// request and checks its required fields.
func (c *call) decode(params any) error {
	if err := form.Decode(c.values, params); err != nil {
		return paramsError(err)
	}
	if v, ok := params.(interface{ Validate() error }); ok {
		if err := v.Validate(); err != nil {
			return paramsError(err)
		}
	}
	return nil
}

// id returns a path parameter.
func (c *call) id(name string) string { return c.r.PathValue(name) }

// unix is the current time in seconds.
func (c *call) unix() int64 { return c.s.now().Unix() }

// expanded reports whether the request asked to expand field.
func (c *call) expanded(field string) bool {
	for _, k := range []string{"expand[]", "expand"} {
		for _, v := range c.values[k] {
			if v == field {
				return true
			}
		}
	}
	for k, vs := range c.values {
		if strings.HasPrefix(k, "expand[") {
			for _, v := range vs {
				if v == field {
					return true
				}
			}
		}
	}
	return false
}

// snapshot copies an object through JSON, so that a response or an event
// does not share memory with the stored state.
func snapshot[T any](v *T) *T {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	out := new(T)
	if err := json.Unmarshal(b, out); err != nil {
		panic(err)
	}
	return out
}

// rawJSON encodes v.
func rawJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// route registers a handler that receives its parameters already decoded
// into P (a generated params struct) and validated.
func route[P any](s *Server, pattern string, h func(c *call, p *P) (any, error)) {
	s.handle(pattern, func(c *call) (any, error) {
		p := new(P)
		if err := c.decode(p); err != nil {
			return nil, err
		}
		return h(c, p)
	})
}
