// Command transactions-sync keeps a store of an account's transactions up
// to date the way Stripe's transactions guide recommends: subscribe to
// transaction data (which also starts a refresh), and on each
// financial_connections.account.refreshed_transactions webhook pull only
// what changed since the last refresh you stored, with
// transaction_refresh[after].
//
//	go run ./examples/transactions-sync
//
// Without STRIPE_SECRET_KEY the in-process emulator delivers signed
// webhooks to a local endpoint. Against Stripe's test mode webhooks cannot
// reach this program, so it waits for each refresh by polling instead.
package main
