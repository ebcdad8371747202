// Package stripemock gives tests the pinned stripe-mock server and the
// OpenAPI spec it embeds. STRIPE_MOCK_URL points the tests at a server that
// is already running; otherwise the pinned version is installed once into
// the user cache directory (go install, so only Go is needed) and started on
// a free loopback port. stripe-mock never enters the SDK's go.mod.
package stripemock
