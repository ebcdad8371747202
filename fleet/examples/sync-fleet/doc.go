// Command sync-fleet is a runnable example of a sync fleet: one webhook
// receiver and three workers, each on a PostgreSQL pool of its own as
// separate processes would be, with the emulator linking accounts and
// delivering their webhooks. It syncs, refreshes once more, checks the
// table against the API and prints what each worker did.
//
//	go run ./examples/sync-fleet   # DATABASE_URL, default the local test database
//
// It works in a schema of its own, dropped at the end.
package main
