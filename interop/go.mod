module github.com/embedfin/embedfin-go/interop

go 1.24.0

require (
	github.com/stretchr/testify v1.12.1
	github.com/stripe/stripe-go/v85 v85.0.0
)

require go.yaml.in/yaml/v3 v3.0.5 // indirect
