// Command quickstart is the whole journey in one run: link a customer's
// bank account with Financial Connections, read its balance and
// transactions, check that the customer owns it, then open a Treasury
// financial account for a connected account, fund it, issue a card and
// spend with it.
//
//	go run ./examples/quickstart
//
// Without STRIPE_SECRET_KEY it runs on an in-process emulator of the API,
// so it needs no account and no network. With a test key it runs against
// Stripe's test mode (STRIPE_API_BASE overrides the base URL;
// EMBEDFIN_LOG=debug logs every request).
package main
