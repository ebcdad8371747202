package embedfin

// APIVersion is the Stripe API version this release of the SDK is built and
// tested against. Every request carries it in the Stripe-Version header unless
// the client was created with WithAPIVersion.
const APIVersion = "2026-08-26.dahlia"

// Version is the version of this SDK, reported to Stripe in the User-Agent and
// X-Stripe-Client-User-Agent headers.
const Version = "0.1.0"

// DefaultBaseURL is the root of Stripe's API.
const DefaultBaseURL = "https://api.stripe.com"
