package stripetest_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/events"
	si "github.com/embedfin/embedfin-go/setupintents"
	"github.com/embedfin/embedfin-go/stripetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// awaitingIntent confirms a SetupIntent for a typed-in bank account of the
// platform and returns it, awaiting microdeposits.
func awaitingIntent(t *testing.T, srv *stripetest.Server) *si.SetupIntent {
	t.Helper()
	intent, err := si.New(srv.Client()).SetupIntents.Create(ctx, &si.SetupIntentCreateParams{
		PaymentMethodTypes: []string{"us_bank_account"}, PaymentMethodData: bankAccountData(), MandateData: onlineMandate(), Confirm: embedfin.Ptr(true),
	})
	require.NoError(t, err)
	require.Equal(t, si.SetupIntentStatusRequiresAction, intent.Status)
	return intent
}

// TestMicrodepositPage verifies a bank account on the hosted page: wrong
// entries are counted with the API's, malformed ones are not, and the
// amounts verify as well as the descriptor code.
func TestMicrodepositPage(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	c := srv.Client()
	sis := si.New(c).SetupIntents
	intent := awaitingIntent(t, srv)
	page := intent.NextAction.VerifyWithMicrodeposits.HostedVerificationURL
	require.True(t, strings.HasPrefix(page, srv.URL+"/microdeposit/sacs_test_"), page)

	status, _, body := pageGet(t, page)
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, "STRIPE TEST BANK account ending in 6789")
	assert.Contains(t, body, `name="descriptor_code"`)
	assert.Contains(t, body, "10 attempts left")

	// A wrong code on the page, then one through the API: both count.
	status, _, body = pagePost(t, page, url.Values{"descriptor_code": {"sm00xx"}})
	assert.Equal(t, http.StatusUnprocessableEntity, status)
	assert.Contains(t, body, "does not match")
	assert.Contains(t, body, "9 attempts left")
	_, err := sis.VerifyMicrodeposits(ctx, intent.ID, &si.SetupIntentVerifyMicrodepositsParams{Amounts: []int64{10, 11}})
	apiError(t, err, 400, "payment_method_microdeposit_verification_amounts_mismatch")
	_, _, body = pageGet(t, page)
	assert.Contains(t, body, "8 attempts left")

	// Entries that are neither a code nor two amounts are not counted.
	for _, form := range []url.Values{
		{},
		{"descriptor_code": {"SM11AA"}, "amount_1": {"32"}},
		{"amount_1": {"32"}},
		{"amount_1": {"0.3x"}, "amount_2": {"45"}},
	} {
		status, _, body = pagePost(t, page, form)
		assert.Equal(t, http.StatusUnprocessableEntity, status, "%v", form)
		assert.Contains(t, body, "8 attempts left", "%v", form)
	}

	// The amounts, typed in dollars, verify; the page then says so.
	status, loc, _ := pagePost(t, page, url.Values{"amount_1": {"0.32"}, "amount_2": {"$0.45"}})
	assert.Equal(t, http.StatusSeeOther, status)
	assert.Equal(t, strings.TrimPrefix(page, srv.URL), loc)
	status, _, body = pageGet(t, page)
	assert.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, "verified")
	got, err := sis.Retrieve(ctx, intent.ID, nil)
	require.NoError(t, err)
	assert.Equal(t, si.SetupIntentStatusSucceeded, got.Status)
	assert.Nil(t, got.NextAction)

	// Verified on a page: the event has no API request.
	list, err := events.New(c).Events.List(ctx, &events.EventListParams{Type: embedfin.Ptr(events.EventTypeSetupIntentSucceeded)})
	require.NoError(t, err)
	require.Len(t, list.Data, 1)
	assert.Nil(t, list.Data[0].Request.ID)

	// Done: a form sent again only shows where things stand.
	status, loc, _ = pagePost(t, page, url.Values{"descriptor_code": {"SM11AA"}})
	assert.Equal(t, http.StatusSeeOther, status)
	assert.Equal(t, strings.TrimPrefix(page, srv.URL), loc)

	status, _, _ = pageGet(t, srv.URL+"/microdeposit/sacs_test_nope")
	assert.Equal(t, http.StatusNotFound, status)
}

// TestMicrodepositAttemptsExceeded: the tenth wrong entry ends the
// verification, wherever it is typed.
func TestMicrodepositAttemptsExceeded(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	sis := si.New(srv.Client()).SetupIntents
	intent := awaitingIntent(t, srv)
	page := intent.NextAction.VerifyWithMicrodeposits.HostedVerificationURL
	for i := range 9 {
		if i%2 == 0 {
			status, _, _ := pagePost(t, page, url.Values{"descriptor_code": {"SM0000"}})
			require.Equal(t, http.StatusUnprocessableEntity, status)
			continue
		}
		_, err := sis.VerifyMicrodeposits(ctx, intent.ID, &si.SetupIntentVerifyMicrodepositsParams{DescriptorCode: embedfin.Ptr("SM0000")})
		apiError(t, err, 400, "payment_method_microdeposit_verification_descriptor_code_mismatch")
	}
	_, _, body := pageGet(t, page)
	assert.Contains(t, body, "1 attempt left")
	_, err := sis.VerifyMicrodeposits(ctx, intent.ID, &si.SetupIntentVerifyMicrodepositsParams{DescriptorCode: embedfin.Ptr("SM0000")})
	apiError(t, err, 400, "payment_method_microdeposit_verification_attempts_exceeded")

	got, err := sis.Retrieve(ctx, intent.ID, nil)
	require.NoError(t, err)
	assert.Equal(t, si.SetupIntentStatusRequiresPaymentMethod, got.Status)
	require.NotNil(t, got.LastSetupError)
	assert.Equal(t, "payment_method_microdeposit_verification_attempts_exceeded", *got.LastSetupError.Code)
	status, _, body := pageGet(t, page)
	assert.Equal(t, http.StatusGone, status)
	assert.Contains(t, body, "exceeded the number of allowed verification attempts")
	_, err = sis.VerifyMicrodeposits(ctx, intent.ID, &si.SetupIntentVerifyMicrodepositsParams{DescriptorCode: embedfin.Ptr("SM11AA")})
	apiError(t, err, 400, "setup_intent_unexpected_state")
}

// TestMicrodepositsExpire: ten days after they were sent, microdeposits
// no longer verify.
func TestMicrodepositsExpire(t *testing.T) {
	t.Parallel()
	clock := newTestClock()
	srv := newServer(t, stripetest.WithClock(clock.now))
	sis := si.New(srv.Client()).SetupIntents
	intent := awaitingIntent(t, srv)
	clock.advance(10*24*time.Hour + time.Second)
	_, err := sis.VerifyMicrodeposits(ctx, intent.ID, &si.SetupIntentVerifyMicrodepositsParams{DescriptorCode: embedfin.Ptr("SM11AA")})
	apiError(t, err, 400, "payment_method_microdeposit_verification_timeout")
	got, err := sis.Retrieve(ctx, intent.ID, nil)
	require.NoError(t, err)
	assert.Equal(t, si.SetupIntentStatusRequiresPaymentMethod, got.Status)
	status, _, _ := pageGet(t, intent.NextAction.VerifyWithMicrodeposits.HostedVerificationURL)
	assert.Equal(t, http.StatusGone, status)
}
