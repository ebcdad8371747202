// Package apimap lists the SDK's typed endpoints (generated) so tests can
// check that every one of them is exercised.
package apimap
