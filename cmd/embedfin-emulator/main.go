package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/embedfin/embedfin-go/stripetest"
)

func main() {
	err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr)
	switch {
	case errors.Is(err, flag.ErrHelp):
	case err != nil:
		fmt.Fprintln(os.Stderr, "embedfin-emulator:", err)
		os.Exit(1)
	}
}

// run parses flags, starts the server, prints its URL and serves until ctx
// ends or a signal arrives.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("embedfin-emulator", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:12111", "loopback address to listen on (port 0 picks a free one)")
	hookURL := fs.String("webhook-url", "", "deliver every event, signed, to this URL")
	hookSecret := fs.String("webhook-secret", "", "signing secret for webhook deliveries (whsec_...)")
	refresh := fs.Duration("refresh-delay", time.Second, "how long Financial Connections refreshes stay pending")
	features := fs.Duration("feature-delay", time.Second, "how long Treasury features stay pending")
	seed := fs.Int64("seed", 1, "seed for deterministic IDs and generated data")
	rateLimit := fs.Float64("rate-limit", 0, "requests per second allowed per account; past it, 429 as Stripe answers (0: no limit)")
	retention := fs.Int("retention", stripetest.DefaultRetention, "objects of each kind kept per account, the oldest evicted past it (0: keep everything)")
	fs.Usage = func() { usage(fs) }
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *hookURL != "" && *hookSecret == "" {
		return fmt.Errorf("-webhook-url needs -webhook-secret")
	}
	opts := []stripetest.Option{
		stripetest.WithRefreshDelay(*refresh),
		stripetest.WithFeatureActivationDelay(*features),
		stripetest.WithSeed(*seed),
		stripetest.WithRateLimit(*rateLimit),
		stripetest.WithRetention(*retention),
	}
	if *hookURL != "" {
		opts = append(opts, stripetest.WithWebhook(*hookURL, *hookSecret))
	}
	srv, err := stripetest.Start(*addr, opts...)
	if err != nil {
		return err
	}
	defer srv.Close()
	fmt.Fprintln(stdout, srv.URL)
	fmt.Fprintf(stderr, "embedfin-emulator: serving the Stripe API emulator at %s (any sk_test_ key); Ctrl-C to stop\n", srv.URL)

	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	<-ctx.Done()
	return nil
}

// usage prints the flags, then what the emulator serves beyond the API:
// the hosted pages, the emulator-only test helpers and the Financial
// Connections test institutions.
func usage(fs *flag.FlagSet) {
	w := fs.Output()
	fmt.Fprintf(w, "Usage: embedfin-emulator [flags]\n\nServes a stateful emulator of the Stripe API on a loopback address; the first line printed is its URL.\n\nFlags:\n")
	fs.PrintDefaults()
	fmt.Fprint(w, `
Hosted pages (HTML forms on the emulator's address, where Stripe sends a person):
  /setup/s/{token}        an account link's url: onboarding, filled with Stripe's test data; opens once,
                          expires after 300 s (then refresh_url); submitted, activates the capabilities (return_url)
  /microdeposit/{token}   a SetupIntent's hosted_verification_url: descriptor code SM11AA, or amounts 32 and 45;
                          the 10th wrong entry ends the verification

Test helpers (emulator only; Stripe has no such endpoints):
  POST /v1/test_helpers/accounts/{account}/onboard
      onboards a connected account with Stripe's test data (business_type=individual for an individual)
  POST /v1/test_helpers/financial_connections/sessions/{session}/complete
      links a session's accounts; institution=<name> picks the test institution, accounts[i][...] describes them

Retention (-retention N): memory stays flat however long the emulator serves. Each account (a key's
platform, each connected account) keeps its newest N objects of each kind and the results of its last N
idempotent requests; once a request is over, older ones are evicted (retrieving one is a 404
resource_missing), with what is keyed by them (a connected account's own objects...). An object still
named by a retained one that depends on it (a customer by its Financial Connections accounts, sessions or
SetupIntents, an FC account by its transactions) is kept, beside the N, until nothing names it. Events
also leave after 30 days (emulator clock), as on Stripe.

Financial Connections test institutions (institution=...):
`)
	for _, in := range stripetest.Institutions() {
		fmt.Fprintf(w, "  %-24s %s\n", in, in.Summary())
	}
	fmt.Fprint(w, "  (none)                   a checking account at \"Test Bank\"; refreshes succeed\n")
}
