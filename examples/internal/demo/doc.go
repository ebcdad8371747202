// Package demo is the shared scaffolding of the runnable examples: it
// builds the client (on an in-process emulator when STRIPE_SECRET_KEY is
// unset, against Stripe's test mode when it is set), turns on the SDK's
// debug log with EMBEDFIN_LOG=debug, and prints the steps.
package demo
