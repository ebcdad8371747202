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

// Connection deadlines of the HTTP server: reading a request's headers,
// reading a whole request, writing a response (counted from the end of
// the request's headers), and keeping an idle keep-alive connection.
const (
	readHeaderTimeout = 10 * time.Second
	readTimeout       = 30 * time.Second
	writeTimeout      = 30 * time.Second
	idleTimeout       = 2 * time.Minute
)

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
	timers map[uint64]*time.Timer // pending ones; a timer leaves when it fires
	timerN uint64
	closed bool
	hooks  *deliverer

	idem        idemStore                // saved idempotent results
	limits      map[string]*rate.Limiter // per key and account, with WithRateLimit
	rateLimited atomic.Int64
	unsettled   []*env // envs changed since the retention bound was applied (retention.go)
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
	objects map[string]*record
	lists   map[string]*index   // see store.go
	seq     uint64              // objects created so far
	fc      map[string]*fcState // Financial Connections accounts' bank-side state
	ret     retainer            // the retention bound's bookkeeping (retention.go)
}

// NewServer starts an emulator on a free loopback port; like
// httptest.NewServer, it panics if it cannot listen, and also if an option
// is invalid (Start returns these errors instead). Close it when done.
func NewServer(opts ...Option) *Server {
	s, err := Start("127.0.0.1:0", opts...)
	if err != nil {
		panic(fmt.Sprintf("stripetest: %v", err))
	}
	return s
}

// Start starts an emulator listening on addr ("127.0.0.1:0" for a free
// port). The address must be a loopback one: the emulator has no
// authentication worth the name. An invalid option is reported as its
// *embedfin.ValidationError, before anything listens.
func Start(addr string, opts ...Option) (*Server, error) {
	cfg := defaultConfig()
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&cfg); err != nil {
			return nil, err
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
		cfg:    cfg,
		keys:   map[string]*keyState{},
		timers: map[uint64]*time.Timer{},
		rng:    rand.New(rand.NewPCG(uint64(cfg.seed), uint64(cfg.seed)^0x9e3779b97f4a7c15)),
		mux:    http.NewServeMux(),
		idem:   idemStore{perAccount: cfg.retention},
	}
	s.routes()
	s.http = httptest.NewUnstartedServer(s)
	s.http.Listener.Close()
	s.http.Listener = ln
	// Per-connection deadlines: a client that stalls while sending a
	// request, or stops reading its responses, loses its connection
	// instead of keeping it (and its goroutine) forever.
	s.http.Config.ReadHeaderTimeout = readHeaderTimeout
	s.http.Config.ReadTimeout = readTimeout
	s.http.Config.WriteTimeout = writeTimeout
	s.http.Config.IdleTimeout = idleTimeout
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
	s.timerN++
	n := s.timerN
	s.timers[n] = time.AfterFunc(max(d, 0), func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		delete(s.timers, n)
		if !s.closed {
			f()
			s.settle() // the retention bound (retention.go)
		}
	})
}

// pendingTimers returns how many timers have not fired yet.
func (s *Server) pendingTimers() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.timers)
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
	return &env{srv: s, key: key, account: account, objects: map[string]*record{}, lists: map[string]*index{}, fc: map[string]*fcState{}}
}

// all returns the objects in a kind's index, newest first, that pass
// keep: a scan, for search.
func all[T any](e *env, kind string, keep func(*T) bool) []*T {
	x := e.index(kind, "")
	if x == nil {
		return []*T{}
	}
	out := make([]*T, 0, len(x.entries))
	for i := len(x.entries) - 1; i >= 0; i-- {
		if v, ok := get[T](e, x.entries[i].id); ok && (keep == nil || keep(v)) {
			out = append(out, v)
		}
	}
	return out
}

// ---- requests ----

// call is one request being served.
type call struct {
	s         *Server
	r         *http.Request
	header    http.Header // response headers
	ks        *keyState
	env       *env
	values    url.Values
	requestID string
	idemKey   string
	began     bool // the endpoint began to run: parameters decoded and valid
}

type handler func(c *call) (any, error)

// handle registers a route; pattern is "METHOD /path/{param}".
func (s *Server) handle(pattern string, h handler) {
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) { s.serve(w, r, h) })
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if _, pattern := s.mux.Handler(r); pattern == "" {
		w.Header().Set("Request-Id", s.lockedID("req"))
		if key, ok := idempotencyKey(r); ok {
			w.Header().Set("Idempotency-Key", key)
		}
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

// response is an answer computed under the state lock, written once the
// lock is released: a client that does not read its responses holds up
// its own connection only.
type response struct {
	status int
	header http.Header
	body   []byte
}

// serve answers one request: the body is read before the state lock is
// taken, the response encoded under it and written after it.
func (s *Server) serve(w http.ResponseWriter, r *http.Request, h handler) {
	var body []byte
	if r.Body != nil {
		b, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
		if err != nil {
			return
		}
		body = b
	}
	resp := s.run(r, body, h)
	hdr := w.Header()
	for k, v := range resp.header {
		hdr[k] = v
	}
	hdr.Set("Content-Type", "application/json")
	w.WriteHeader(resp.status)
	_, _ = w.Write(resp.body)
}

// run authenticates, resolves the account, applies the rate limit, parses
// parameters, applies idempotency and runs h, all under the state lock.
func (s *Server) run(r *http.Request, body []byte, h handler) response {
	s.mu.Lock()
	defer s.mu.Unlock()
	defer s.settle() // once the request is over: the retention bound (retention.go)
	c := &call{s: s, r: r, requestID: s.newID("req"), header: http.Header{}}
	c.header.Set("Request-Id", c.requestID)
	c.header.Set("Stripe-Version", embedfin.APIVersion)
	idemKey, hasIdemKey := idempotencyKey(r)
	if hasIdemKey {
		c.header.Set("Idempotency-Key", idemKey)
	}
	fail := func(ae *apiError) response { return response{ae.status, c.header, errorBody(ae)} }
	if len(body) > maxBody {
		return fail(newAPIError(http.StatusRequestEntityTooLarge, embedfin.ErrorTypeInvalidRequest, "", "", "Request body too large."))
	}
	key, aerr := apiKey(r)
	if aerr != nil {
		return fail(aerr)
	}
	c.ks = s.keyState(key)
	c.env = c.ks.platform
	if acct := r.Header.Get("Stripe-Account"); acct != "" {
		e, ok := c.ks.connected[acct]
		if !ok {
			return fail(newAPIError(http.StatusForbidden, embedfin.ErrorTypeInvalidRequest, "account_invalid", "",
				"The provided key '%s' does not have access to account '%s' (or that account does not exist).", maskKey(key), acct))
		}
		c.env = e
	}
	if !s.admitLocked(key, r.Header.Get("Stripe-Account")) {
		c.header.Set("Stripe-Rate-Limited-Reason", "global-rate")
		return fail(newAPIError(http.StatusTooManyRequests, embedfin.ErrorTypeInvalidRequest, string(embedfin.ErrorCodeRateLimit), "",
			"This account sent more than the %v requests per second this emulator allows; slow down and retry later.", s.cfg.rateLimit))
	}
	if r.Method == http.MethodPost && hasIdemKey {
		if ae := idemKeyError(idemKey); ae != nil {
			return fail(ae)
		}
		c.idemKey = idemKey
	}
	var err error
	if r.Method == http.MethodGet {
		if c.values, err = parseParams(r.URL.RawQuery); err != nil {
			return fail(invalidRequest("", "", "Invalid query string: %v", err))
		}
	} else {
		c.values, err = parseParams(string(body))
		if err != nil {
			return fail(invalidRequest("", "", "Invalid request body: %v", err))
		}
		if len(r.URL.RawQuery) > 0 {
			return fail(invalidRequest("", "", "POST parameters go in the body, not the query string."))
		}
	}
	// Stripe refuses parameters that are not UTF-8 rather than storing
	// them with the bad bytes replaced. The value is not quoted back.
	for k, vs := range c.values {
		for _, v := range vs {
			if !utf8.ValidString(k) || !utf8.ValidString(v) {
				param := strings.ToValidUTF8(k, "\uFFFD")
				return fail(invalidRequest("", param, "Invalid UTF-8 characters found in the request parameters (%s).", param))
			}
		}
	}

	// Idempotency: a POST with a key seen before replays the first answer,
	// provided the request is the same.
	var fp [32]byte
	var id idemID
	if c.idemKey != "" {
		id = idemID{key: key, account: c.env.account, idem: c.idemKey}
		fp = sha256.Sum256([]byte(r.Method + " " + r.URL.Path + "\n" + r.Header.Get("Stripe-Account") + "\n" + canonical(c.values)))
		if rec := s.idem.lookup(id, s.now()); rec != nil {
			if rec.fingerprint != fp {
				return fail(newAPIError(http.StatusBadRequest, embedfin.ErrorTypeIdempotency, "", "",
					"Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '%s' if you meant to execute a different request.", c.idemKey))
			}
			c.header.Set("Idempotent-Replayed", "true")
			c.header.Set("Original-Request", rec.requestID)
			return response{rec.status, c.header, rec.body}
		}
	}

	// Parameters are checked against the spec before the endpoint runs.
	if ae := validateParams(r.Pattern, c.values); ae != nil {
		return fail(ae)
	}
	if ae := c.checkExpand(); ae != nil { // expand[] paths, before the endpoint runs (render.go)
		return fail(ae)
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
		payload, err = c.render(out) // default keys and expansions (render.go)
		if err != nil {
			status, payload = http.StatusInternalServerError, errorBody(newAPIError(500, embedfin.ErrorTypeAPI, "", "", "encoding the response: %v", err))
		}
	}
	// Stripe saves the result of a request once the endpoint has begun
	// to run (parameters decoded and validated), errors included; a 5xx is
	// not saved here, so that a retry can succeed.
	if c.idemKey != "" && c.began && status < 500 {
		s.idem.save(&idemRecord{id: id, fingerprint: fp, status: status, body: payload, requestID: c.requestID, saved: s.now()})
		c.header.Set("Original-Request", c.requestID)
	}
	return response{status, c.header, payload}
}

// idempotencyKey returns the request's Idempotency-Key and whether it sent
// one (possibly empty).
func idempotencyKey(r *http.Request) (string, bool) {
	v, ok := r.Header["Idempotency-Key"]
	if !ok || len(v) == 0 {
		return "", false
	}
	return v[0], true
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
	// Required parameters of the spec's endpoints were checked against its
	// facts (validate.go), which know that "" unsets an object; Validate
	// covers the emulator's own routes.
	if v, ok := params.(interface{ Validate() error }); ok && validationRules[c.r.Pattern] == nil {
		if err := v.Validate(); err != nil {
			return paramsError(err)
		}
	}
	if ae := checkBeforeRun(params); ae != nil {
		return ae
	}
	c.began = true
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
