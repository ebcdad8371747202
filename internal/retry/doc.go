// Package retry holds the SDK's retry policy: which failed attempts are tried
// again, and how long to wait before the next one. The transport plugs these
// into go-retryablehttp as its CheckRetry and Backoff.
package retry
