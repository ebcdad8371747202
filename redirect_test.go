package embedfin_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/embedfin/embedfin-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The client never follows a redirect: Stripe's API does not redirect, and
// following one would send the key (net/http keeps Authorization when only
// the port differs), the body of a 307/308 and its Idempotency-Key to the
// Location, even from https to plain http. The 3xx comes back as an
// *embedfin.Error, is not retried, and prints no secret of the Location.

const (
	// redirectKey is the client's key; redirectQueryKey and redirectToken
	// are in the Location's query. None may be printed.
	redirectKey      = "sk_test_51RedirectClientKeyQq7Lm"
	redirectQueryKey = "sk_test_51RedirectLocationKey3Vx"
	redirectToken    = "opaque-token-4711"
)

// hits records the requests a test server received.
type hits struct {
	mu   sync.Mutex
	reqs []string // method, path and whether Authorization was set
}

func (h *hits) add(r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	h.mu.Lock()
	defer h.mu.Unlock()
	h.reqs = append(h.reqs, r.Method+" "+r.URL.Path+" auth="+strconv.FormatBool(r.Header.Get("Authorization") != ""))
}

func (h *hits) all() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.reqs...)
}

// redirectTarget starts an http server on addr that records every request
// and answers each with an object, as an API would.
func redirectTarget(t *testing.T, addr string) (*httptest.Server, *hits) {
	t.Helper()
	l, err := net.Listen("tcp", addr)
	if err != nil {
		t.Skipf("cannot listen on %s here: %v", addr, err)
	}
	h := &hits{}
	srv := &httptest.Server{Listener: l, Config: &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.add(r)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"id":"cus_redirected","object":"customer"}`)
	})}}
	srv.Start()
	t.Cleanup(srv.Close)
	return srv, h
}

func TestRedirectsAreNeverFollowed(t *testing.T) {
	t.Parallel()
	targets := []struct {
		name   string
		https  bool   // the API (base URL) is https, the target plain http
		listen string // where the target listens
		host   string // the host the Location names
	}{
		{"another port", false, "127.0.0.1:0", "127.0.0.1"},
		{"another host", false, "127.0.0.2:0", "127.0.0.2"},
		{"another host name", false, "127.0.0.1:0", "localhost"},
		{"https to http", true, "127.0.0.1:0", "127.0.0.1"},
	}
	for _, tg := range targets {
		for _, code := range []int{http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther, http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
			for _, method := range []string{http.MethodGet, http.MethodPost} {
				clients := []string{"caller's client"}
				if !tg.https {
					clients = append(clients, "default client")
				}
				for _, which := range clients {
					name := tg.name + "/" + strconv.Itoa(code) + "/" + method + "/" + which
					t.Run(name, func(t *testing.T) {
						t.Parallel()
						target, targetHits := redirectTarget(t, tg.listen)
						_, port, err := net.SplitHostPort(target.Listener.Addr().String())
						require.NoError(t, err)
						targetHost := net.JoinHostPort(tg.host, port)
						location := "http://" + targetHost + "/v1/landing?key=" + redirectQueryKey + "&token=" + redirectToken

						apiHits := &hits{}
						handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
							apiHits.add(r)
							w.Header().Set("Request-Id", "req_redirect")
							http.Redirect(w, r, location, code)
						})
						var api *httptest.Server
						if tg.https {
							api = httptest.NewTLSServer(handler)
						} else {
							api = httptest.NewServer(handler)
						}
						t.Cleanup(api.Close)

						opts := []embedfin.Option{
							embedfin.WithBaseURL(api.URL),
							embedfin.WithBackoff(time.Millisecond, time.Millisecond),
						}
						var hc *http.Client
						if which == "caller's client" {
							if tg.https {
								hc = api.Client() // trusts the test certificate
							} else {
								tr := &http.Transport{}
								t.Cleanup(tr.CloseIdleConnections)
								hc = &http.Client{Transport: tr, Timeout: 10 * time.Second}
							}
							require.Nil(t, hc.CheckRedirect)
							opts = append(opts, embedfin.WithHTTPClient(hc))
						}
						var before http.Client
						if hc != nil {
							before = *hc
						}
						c, err := embedfin.NewClient(redirectKey, opts...)
						require.NoError(t, err)

						ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
						defer cancel()
						if method == http.MethodGet {
							err = c.Do(ctx, method, "/v1/customers", url.Values{"limit": {"3"}}, nil)
						} else {
							err = c.Do(ctx, method, "/v1/customers", url.Values{"email": {"jenny@example.com"}}, nil)
						}

						// Nothing reached the Location; the API saw one request.
						assert.Empty(t, targetHits.all(), "no request arrives at the Location")
						if got := apiHits.all(); assert.Len(t, got, 1, "a 3xx is answered once and not retried") {
							assert.Equal(t, method+" /v1/customers auth=true", got[0])
						}

						// A typed error with the status, printing no secret.
						var apiErr *embedfin.Error
						require.True(t, errors.As(err, &apiErr), "want *embedfin.Error, got %T: %v", err, err)
						assert.Equal(t, code, apiErr.HTTPStatusCode)
						msg := err.Error()
						for _, secret := range []string{redirectKey, redirectQueryKey, redirectToken, "key=sk_"} {
							assert.NotContains(t, msg, secret)
						}
						assert.Contains(t, apiErr.Message, targetHost+"/v1/landing", "the message names where the redirect pointed")

						// The caller's client is as it was.
						if hc != nil {
							assert.Nil(t, hc.CheckRedirect, "the caller's CheckRedirect is not set")
							assert.True(t, hc.Transport == before.Transport, "the caller's Transport is not replaced")
							assert.Equal(t, before.Timeout, hc.Timeout)
							assert.Equal(t, before.Jar, hc.Jar)
						}
					})
				}
			}
		}
	}
}
