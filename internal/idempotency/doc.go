// Package idempotency makes the Idempotency-Key sent with every POST and
// DELETE: a random (version 4) UUID, generated once per logical call and
// reused on each of its attempts.
package idempotency
