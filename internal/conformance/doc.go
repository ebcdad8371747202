// Package conformance holds the suite that calls every typed endpoint
// against stripe-mock (the pinned version, or STRIPE_MOCK_URL) with
// unknown response fields refused, and the tests that hold the generated
// types against the spec. It has no non-test code beyond this comment.
package conformance
