package conformance

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/internal/apimap"
	"github.com/embedfin/embedfin-go/internal/stripemock"
	"github.com/stretchr/testify/require"
)

var (
	client  *embedfin.Client
	mockURL string
	hits    sync.Map // "METHOD /template" -> true
)

// recorder notes which endpoint each request belongs to.
type recorder struct{ next http.RoundTripper }

func (r recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	if ep, ok := apimap.Match(req.Method, req.URL.Path); ok {
		hits.Store(ep.Method+" "+ep.Path, true)
	}
	return r.next.RoundTrip(req)
}

func TestMain(m *testing.M) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	srv, err := stripemock.Start(ctx)
	cancel()
	if err != nil {
		fmt.Fprintln(os.Stderr, "conformance: cannot start stripe-mock:", err)
		os.Exit(1)
	}
	mockURL = srv.URL
	client, err = embedfin.NewClient("sk_test_conformance123",
		embedfin.WithBaseURL(srv.URL),
		embedfin.WithStrictDecoding(),
		embedfin.WithMaxRetries(0),
		embedfin.WithHTTPClient(&http.Client{Transport: recorder{http.DefaultTransport}, Timeout: 30 * time.Second}),
	)
	if err != nil {
		fmt.Fprintln(os.Stderr, "conformance:", err)
		os.Exit(1)
	}
	code := m.Run()
	_ = srv.Close()
	os.Exit(code)
}

// endpointCase is one call through a typed method.
type endpointCase struct {
	name string
	call func(ctx context.Context, c *embedfin.Client) error
}

// allCases is filled by the per-package files' init functions.
var allCases []endpointCase

func register(cases ...endpointCase) { allCases = append(allCases, cases...) }

// TestEveryEndpoint calls every case against stripe-mock: each must get a
// 2xx and decode with no field unknown to the SDK. Afterwards every
// endpoint of apimap must have been called.
func TestEveryEndpoint(t *testing.T) {
	t.Run("calls", func(t *testing.T) {
		for _, tc := range allCases {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				defer cancel()
				require.NoError(t, tc.call(ctx, client))
			})
		}
	})
	var missing []string
	for _, ep := range apimap.Endpoints {
		if _, ok := hits.Load(ep.Method + " " + ep.Path); !ok {
			missing = append(missing, ep.Method+" "+ep.Path+" ("+ep.Call+")")
		}
	}
	sort.Strings(missing)
	require.Empty(t, missing, "endpoints never called")
	t.Logf("%d endpoints called through %d cases", len(apimap.Endpoints), len(allCases))
}
