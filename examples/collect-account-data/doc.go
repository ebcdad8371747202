// Command collect-account-data follows Stripe's guide on collecting account
// data with Financial Connections: create a customer, open a session asking
// for balances, ownership and transactions, let the user link an account,
// then read its balance, owners and transactions.
//
//	go run ./examples/collect-account-data
//
// Without STRIPE_SECRET_KEY it runs on the in-process emulator.
package main
