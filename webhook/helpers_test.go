package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/events"
)

// Test secrets. They look like real ones so that the redaction checks are
// meaningful; none is a real secret.
const (
	testSecret  = "whsec_6cMWcqNa2vDl8FQbXHGh3sTg0JXhBQ9C"
	otherSecret = "whsec_Zp3kR8vN1tYw5qLm0aXc7bJd2fHs4gUe"
	thirdSecret = "whsec_Q1w2E3r4T5y6U7i8O9p0AsDfGhJkLzXc"
)

// testNow is the clock of most tests: 2026-01-01T00:00:00Z.
var testNow = time.Unix(1767225600, 0)

func fixedClock() Option { return WithClock(func() time.Time { return testNow }) }

// stripeSignature computes a v1 signature the way Stripe and stripe-go's
// test signer do, independently of this package: the hex HMAC-SHA256 of
// "<t>.<payload>".
func stripeSignature(payload []byte, secret string, ts int64) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(strconv.FormatInt(ts, 10)))
	mac.Write([]byte("."))
	mac.Write(payload)
	return hex.EncodeToString(mac.Sum(nil))
}

// stripeHeader is the Stripe-Signature header stripe-go's
// GenerateTestSignedPayload produces: "t=<t>,v1=<hex>".
func stripeHeader(payload []byte, secret string, ts int64) string {
	return fmt.Sprintf("t=%d,v1=%s", ts, stripeSignature(payload, secret, ts))
}

// eventJSON is an event as Stripe sends it, with object as data.object.
func eventJSON(id string, typ events.EventType, object string) []byte {
	return []byte(fmt.Sprintf(`{
  "id": %q,
  "object": "event",
  "account": "acct_1Connected",
  "api_version": %q,
  "context": null,
  "created": 1767225590,
  "data": {
    "object": %s,
    "previous_attributes": {"status": "pending"}
  },
  "livemode": false,
  "pending_webhooks": 2,
  "request": {"id": "req_8fK2", "idempotency_key": "9b1c7f0e-idem"},
  "type": %q
}`, id, embedfin.APIVersion, object, string(typ)))
}

const fcAccountJSON = `{"id":"fca_1Test","object":"financial_connections.account","category":"checking",
"institution_name":"StripeBank","last4":"6789","livemode":false,"status":"active",
"transaction_refresh":{"id":"fctxnref_1Abc","last_attempted_at":1767225500,"next_refresh_available_at":null,"status":"succeeded"}}`

func fcEvent(id string) []byte {
	return eventJSON(id, events.EventTypeFinancialConnectionsAccountRefreshedTransactions, fcAccountJSON)
}

// sizedEvent is an event of about size bytes: a Financial Connections
// account whose list of account numbers is long enough.
func sizedEvent(size int) []byte {
	var sb strings.Builder
	sb.WriteString(`{"id":"fca_1Test","object":"financial_connections.account","category":"checking",` +
		`"institution_name":"StripeBank","last4":"6789","livemode":false,"status":"active","account_numbers":[`)
	base := len(eventJSON("evt_1Sized", events.EventTypeFinancialConnectionsAccountAccountNumbersUpdated, "{}"))
	for i := 0; base+sb.Len() < size-40; i++ {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, `{"expected_expiry_date":%d,"identifier_type":"account_number","status":"active","supported_networks":["ach"]}`, 1767225600+i)
	}
	sb.WriteString(`]}`)
	return eventJSON("evt_1Sized", events.EventTypeFinancialConnectionsAccountAccountNumbersUpdated, sb.String())
}

// fakeClock is a clock tests move by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{t: testNow} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}
