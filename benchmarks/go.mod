module github.com/embedfin/embedfin-go/benchmarks

go 1.24.0

replace github.com/embedfin/embedfin-go => ../

require (
	github.com/embedfin/embedfin-go v0.0.0-00010101000000-000000000000
	github.com/stripe/stripe-go/v85 v85.0.0
)

require (
	github.com/google/go-querystring v1.2.0 // indirect
	github.com/hashicorp/go-cleanhttp v0.5.2 // indirect
	github.com/hashicorp/go-retryablehttp v0.7.8 // indirect
	golang.org/x/time v0.14.0 // indirect
)
