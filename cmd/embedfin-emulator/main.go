package main

import (
	"context"
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
	if err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr); err != nil {
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
