// Command embedfin-emulator serves the stateful Stripe emulator of package
// stripetest on a loopback address, for manual testing, other languages'
// tests, or the examples against a long-running server:
//
//	go run ./cmd/embedfin-emulator -addr 127.0.0.1:12111
//
// The first line printed is the base URL (http://127.0.0.1:PORT); give it
// to embedfin.WithBaseURL (or STRIPE_API_BASE for the examples) with any
// sk_test_ key. It runs until interrupted.
package main
