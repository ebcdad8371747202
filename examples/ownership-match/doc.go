// Command ownership-match checks that the user owns the bank account they
// linked, with Stripe's Ownership Match API (private beta), in its three
// input modes, and turns the scores into a risk decision.
//
//	go run ./examples/ownership-match
//
// Without STRIPE_SECRET_KEY it runs on the in-process emulator; against
// Stripe the account needs Ownership Match access.
package main
