// Package benchmarks compares the cost of embedfin-go with stripe-go v85
// doing the same work on the same inputs: encoding params, decoding
// responses, whole calls against a local server, pagination and webhook
// verification. It is a separate module so that the SDK never depends on
// stripe-go. Run it with:
//
//	cd benchmarks && go test -bench . -benchmem
//
// See README.md for the method and the latest figures.
package benchmarks
