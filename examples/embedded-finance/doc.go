// Command embedded-finance walks Stripe's embedded-finance guide for
// platforms: a connected account with Treasury and Issuing capabilities,
// its onboarding link, a financial account with features, funding, a
// cardholder and a card, then a card authorization and its capture, with
// the balance after each step.
//
//	go run ./examples/embedded-finance
//
// Without STRIPE_SECRET_KEY it runs on the in-process emulator. Against
// Stripe's test mode the platform must have Treasury and Issuing enabled.
package main
