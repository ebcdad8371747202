// Package stripeversion parses and composes the Stripe-Version header: a base
// API version optionally followed by beta feature versions, joined with "; ",
// as in "2026-08-26.dahlia; financial_connections_ownership_match_api_preview=v1".
package stripeversion
