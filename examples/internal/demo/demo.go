package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/connect"
	fc "github.com/embedfin/embedfin-go/financialconnections"
	"github.com/embedfin/embedfin-go/stripetest"
)

// Env is the environment an example runs in.
type Env struct {
	// Client talks to the emulator or to Stripe.
	Client *embedfin.Client
	// Emulator is the in-process emulator, nil against Stripe.
	Emulator *stripetest.Server
	// Out receives the example's narration.
	Out  io.Writer
	step int
}

// Config tunes the emulator an example starts.
type Config struct {
	// Emulator options (webhook destination, delays).
	Options []stripetest.Option
}

// Setup returns the environment: Stripe's test mode when STRIPE_SECRET_KEY
// is set (STRIPE_API_BASE overrides the base URL), else a fresh emulator
// with short delays. EMBEDFIN_LOG=debug logs every request attempt to
// stderr. Close the Env when done.
func Setup(out io.Writer, cfg Config) (*Env, error) {
	var opts []embedfin.Option
	if strings.EqualFold(os.Getenv("EMBEDFIN_LOG"), "debug") {
		opts = append(opts, embedfin.WithLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	}
	env := &Env{Out: out}
	if key := os.Getenv("STRIPE_SECRET_KEY"); key != "" {
		if strings.HasPrefix(key, "sk_live_") || strings.HasPrefix(key, "rk_live_") {
			return nil, errors.New("the examples create and change objects: use a test key (sk_test_...), not a live one")
		}
		if base := os.Getenv("STRIPE_API_BASE"); base != "" {
			opts = append(opts, embedfin.WithBaseURL(base))
		}
		c, err := embedfin.NewClient(key, opts...)
		if err != nil {
			return nil, err
		}
		env.Client = c
		env.Printf("Using Stripe test mode (%s).", c.BaseURL())
		return env, nil
	}
	emuOpts := append([]stripetest.Option{
		stripetest.WithRefreshDelay(200 * time.Millisecond),
		stripetest.WithFeatureActivationDelay(200 * time.Millisecond),
	}, cfg.Options...)
	env.Emulator = stripetest.NewServer(emuOpts...)
	env.Client = env.Emulator.Client(opts...)
	env.Printf("No STRIPE_SECRET_KEY: using the in-process emulator at %s.", env.Emulator.URL)
	return env, nil
}

// Close stops the emulator, if any.
func (e *Env) Close() {
	if e.Emulator != nil {
		e.Emulator.Close()
	}
}

// Step prints a numbered step title.
func (e *Env) Step(format string, args ...any) {
	e.step++
	fmt.Fprintf(e.Out, "\n%d. %s\n", e.step, fmt.Sprintf(format, args...))
}

// Printf prints an indented detail line.
func (e *Env) Printf(format string, args ...any) {
	fmt.Fprintf(e.Out, "   %s\n", fmt.Sprintf(format, args...))
}

// LinkAccounts stands in for the user linking their bank in Stripe.js. On
// the emulator it completes the session with stripetest.CompleteSession:
// link names the test institution and describes the accounts (nil links
// the default test bank's checking account). Against Stripe it cannot: a
// person must link through the browser flow, so it uses the account named
// by EMBEDFIN_FC_ACCOUNT (linked beforehand) or explains how to get one.
func (e *Env) LinkAccounts(ctx context.Context, sessionID string, link *stripetest.CompleteSessionParams) ([]*fc.Account, error) {
	if e.Emulator == nil {
		id := os.Getenv("EMBEDFIN_FC_ACCOUNT")
		if id == "" {
			return nil, fmt.Errorf("session %s must be completed by a person in Stripe.js (collectFinancialConnectionsAccounts with its client secret); "+
				"link an account that way once, then set EMBEDFIN_FC_ACCOUNT=fca_... to run this example against test mode", sessionID)
		}
		acct, err := fc.New(e.Client).Accounts.Retrieve(ctx, id, nil)
		if err != nil {
			return nil, err
		}
		return []*fc.Account{acct}, nil
	}
	return stripetest.CompleteSession(ctx, e.Client, sessionID, link)
}

// Onboard stands in for the account holder completing the hosted
// onboarding an account link leads to. On the emulator it calls
// stripetest.OnboardAccount, which enters Stripe's test data as a person
// would on the page at link.URL. Against Stripe a person must open the
// link: Onboard waits (up to ten minutes) until the account has nothing
// left to provide.
func (e *Env) Onboard(ctx context.Context, accountID string, link *connect.AccountLink) (*connect.Account, error) {
	if e.Emulator != nil {
		return stripetest.OnboardAccount(ctx, e.Client, accountID)
	}
	e.Printf("open %s and complete onboarding; waiting for the account's requirements...", link.URL)
	ctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	for {
		acct, err := connect.New(e.Client).Accounts.Retrieve(ctx, accountID, nil)
		if err != nil {
			return nil, err
		}
		if embedfin.Deref(acct.DetailsSubmitted) && acct.Requirements != nil && len(acct.Requirements.CurrentlyDue) == 0 {
			return acct, nil
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("account %s still has requirements due: %w", accountID, ctx.Err())
		case <-time.After(5 * time.Second):
		}
	}
}

// Money formats cents as dollars.
func Money(cents int64) string {
	sign := ""
	if cents < 0 {
		sign, cents = "-", -cents
	}
	return fmt.Sprintf("%s$%d.%02d", sign, cents/100, cents%100)
}

// Main runs an example's body and exits non-zero on failure.
func Main(run func(ctx context.Context, out io.Writer) error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if err := run(ctx, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "\nFAILED:", err)
		os.Exit(1)
	}
	fmt.Fprintln(os.Stdout, "\nDone.")
}
