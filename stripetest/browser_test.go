package stripetest_test

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"image/png"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/connect"
	si "github.com/embedfin/embedfin-go/setupintents"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The hosted pages in a real browser: headless Chromium (Debian's chromium
// package, which .ci/run installs) renders them (--dump-dom, --screenshot)
// and submits their forms, following the redirects. Every page it loads is
// on loopback: the emulator's, and a test server standing in for the
// platform (return and refresh URLs, and a page that submits a form the
// way the account holder would, with the values the rendered page holds).

// chromium returns the browser, or skips the test outside CI when it is
// not installed (CI=true makes its absence a failure).
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("chromium is not installed (apt-get install chromium); CI runs the browser tests")
	}
	t.Skip("chromium is not installed: the hosted pages are not tested in a browser (apt-get install chromium to run this test)")
	return ""
}

// browse runs headless Chromium on u with extra flags and returns its
// standard output (the DOM, with --dump-dom).
func browse(t *testing.T, bin, u string, extra ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	args := append([]string{
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + t.TempDir(),
	}, extra...)
	cmd := exec.CommandContext(ctx, bin, append(args, u)...)
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	require.NoError(t, cmd.Run(), "chromium %s: %s", u, lastLines(stderr.String(), 10))
	return out.String()
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// platform is the test's stand-in for the platform's site: /return and
// /reauth say which one the browser reached; /submit/{n} holds a form,
// posted to an emulator page as soon as it loads.
type platform struct {
	*httptest.Server
	mu    sync.Mutex
	forms map[string]string // /submit/{n} → HTML
}

func newPlatform(t *testing.T) *platform {
	p := &platform{forms: map[string]string{}}
	mux := http.NewServeMux()
	for _, name := range []string{"return", "reauth"} {
		mux.HandleFunc("GET /"+name, func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprintf(w, `<!doctype html><p id="%s">back at the platform</p>`, name)
		})
	}
	mux.HandleFunc("GET /submit/{n}", func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		page := p.forms[r.PathValue("n")]
		p.mu.Unlock()
		_, _ = w.Write([]byte(page))
	})
	p.Server = httptest.NewServer(mux)
	t.Cleanup(p.Close)
	return p
}

// submitter registers a page that posts values to action when it loads,
// and returns its URL.
func (p *platform) submitter(action string, values url.Values) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<!doctype html><form id="f" method="post" action="%s">`, html.EscapeString(action))
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, `<input type="hidden" name="%s" value="%s">`, html.EscapeString(k), html.EscapeString(values.Get(k)))
	}
	b.WriteString(`</form><script>document.getElementById("f").submit()</script>`)
	p.mu.Lock()
	defer p.mu.Unlock()
	n := fmt.Sprint(len(p.forms))
	p.forms[n] = b.String()
	return p.URL + "/submit/" + n
}

// unescaped reads the values of a form in a DOM Chromium dumped.
func unescaped(dom string) url.Values {
	out := formValues(dom)
	for k, v := range out {
		out.Set(k, html.UnescapeString(v[0]))
	}
	return out
}

func TestHostedPagesInABrowser(t *testing.T) {
	t.Parallel()
	bin := chromium(t)
	srv := newServer(t)
	c := srv.Client()
	site := newPlatform(t)

	t.Run("onboarding", func(t *testing.T) {
		acct, _ := guideAccount(t, c)
		link, err := connect.New(c).AccountLinks.Create(ctx, &connect.AccountLinkCreateParams{
			Account: embedfin.Ptr(acct.ID), Type: embedfin.Ptr(connect.AccountLinkTypeAccountOnboarding),
			RefreshURL: embedfin.Ptr(site.URL + "/reauth"), ReturnURL: embedfin.Ptr(site.URL + "/return"),
		})
		require.NoError(t, err)

		// The page as the browser builds it.
		dom := browse(t, bin, link.URL, "--dump-dom")
		assert.Contains(t, dom, `<form method="post" id="onboarding">`)
		assert.Contains(t, dom, acct.ID)
		form := unescaped(dom)
		for _, name := range []string{"session", "business_type", "mcc", "url", "company_name", "tax_id", "line1", "first_name",
			"dob", "ssn_last_4", "routing_number", "account_number", "accept_terms"} {
			assert.NotEmpty(t, form.Get(name), name)
		}

		// Submitted by the browser as it stands: the account holder lands
		// on the platform's return_url and the account is onboarded.
		form.Set("action", "submit")
		dom = browse(t, bin, site.submitter(link.URL, form), "--virtual-time-budget=10000", "--dump-dom")
		assert.Contains(t, dom, `id="return"`)
		a, err := connect.New(c).Accounts.Retrieve(ctx, acct.ID, nil)
		require.NoError(t, err)
		assert.Equal(t, "active", capabilityOf(t, a, "treasury"))
		assert.Empty(t, a.Requirements.CurrentlyDue)
		assert.Contains(t, *a.TOSAcceptance.UserAgent, "Chrome", "the terms were accepted from the browser")

		// Opened again, the link leads to refresh_url.
		dom = browse(t, bin, link.URL, "--virtual-time-budget=10000", "--dump-dom")
		assert.Contains(t, dom, `id="reauth"`)
	})

	t.Run("microdeposits", func(t *testing.T) {
		intent := awaitingIntent(t, srv)
		page := intent.NextAction.VerifyWithMicrodeposits.HostedVerificationURL

		shot := filepath.Join(t.TempDir(), "page.png")
		browse(t, bin, page, "--window-size=800,900", "--screenshot="+shot)
		f, err := os.Open(shot)
		require.NoError(t, err)
		defer f.Close()
		img, err := png.Decode(f)
		require.NoError(t, err)
		assert.Equal(t, 800, img.Bounds().Dx())
		colors := map[uint32]bool{}
		for y := 0; y < img.Bounds().Dy(); y += 7 {
			for x := 0; x < img.Bounds().Dx(); x += 7 {
				r, g, b, _ := img.At(x, y).RGBA()
				colors[r>>8<<16|g>>8<<8|b>>8] = true
			}
		}
		assert.Greater(t, len(colors), 10, "the page is drawn, not blank")

		dom := browse(t, bin, page, "--dump-dom")
		assert.Contains(t, dom, `name="descriptor_code"`)
		assert.Contains(t, dom, "10 attempts left")

		// A wrong code typed in the browser is refused and counted.
		dom = browse(t, bin, site.submitter(page, url.Values{"descriptor_code": {"SM12AB"}}), "--virtual-time-budget=10000", "--dump-dom")
		assert.Contains(t, dom, "does not match")
		assert.Contains(t, dom, "9 attempts left")

		// The right one verifies; the browser follows the redirect back to
		// the page, which says so.
		dom = browse(t, bin, site.submitter(page, url.Values{"descriptor_code": {"SM11AA"}}), "--virtual-time-budget=10000", "--dump-dom")
		assert.Contains(t, dom, "Bank account verified")
		got, err := si.New(c).SetupIntents.Retrieve(ctx, intent.ID, nil)
		require.NoError(t, err)
		assert.Equal(t, si.SetupIntentStatusSucceeded, got.Status)
	})
}
