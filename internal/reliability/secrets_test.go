package reliability

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/customers"
	"github.com/embedfin/embedfin-go/events"
	fc "github.com/embedfin/embedfin-go/financialconnections"
	si "github.com/embedfin/embedfin-go/setupintents"
	"github.com/embedfin/embedfin-go/stripetest"
	"github.com/embedfin/embedfin-go/treasury"
	"github.com/embedfin/embedfin-go/webhook"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The secrets of these tests. Each is distinctive, so that finding any part
// of it is a leak.
const (
	fakeKey       = "sk_test_51FakeReliabilityKey4eC39HqLy"
	fakeRestr     = "rk_test_51FakeRestrictedKey77Qp2Zz"
	fakeLiveKey   = "sk_live_51FakeLiveKeyNeverShown88Tt"
	fakeWhsec     = "whsec_FakeWebhookSecretZq81Xw"
	fakeClientSec = "seti_1FakeIntent_secret_FakeClientSecretQw3"
	fakeAcctNum   = "000123456789"
)

var leakPatterns = []*regexp.Regexp{
	regexp.MustCompile(`(?:sk|rk)_(?:test|live)_[A-Za-z0-9]+`),
	regexp.MustCompile(`whsec_[A-Za-z0-9]+`),
	regexp.MustCompile(`_secret_[A-Za-z0-9]+`),
	regexp.MustCompile(`\d{12,}`),
}

// secretParts are fragments of the secrets above that must not appear even
// when the surrounding prefix was cut.
var secretParts = []string{
	"FakeReliabilityKey4eC39HqLy", "FakeRestrictedKey77Qp2Zz", "FakeLiveKeyNeverShown88Tt",
	"FakeWebhookSecretZq81Xw", "FakeClientSecretQw3", fakeAcctNum,
}

// assertNoSecrets fails t for any secret found in s.
// pointerRE matches the addresses fmt prints for pointers and functions:
// their hex digits can form a run of 12 decimal digits by chance, which is
// not an account number.
var pointerRE = regexp.MustCompile(`0x[0-9a-fA-F]+`)

func assertNoSecrets(t *testing.T, what, s string) {
	t.Helper()
	unaddressed := pointerRE.ReplaceAllString(s, "0xADDR")
	for _, re := range leakPatterns {
		if m := re.FindString(unaddressed); m != "" {
			t.Errorf("%s holds a secret %q:\n%s", what, m, s)
		}
	}
	for _, p := range secretParts {
		if strings.Contains(s, p) {
			t.Errorf("%s holds part of a secret %q:\n%s", what, p, s)
		}
	}
}

// syncBuffer is a bytes.Buffer safe for concurrent writers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestFaultLogsAndErrorsHideSecrets drives a client with a fake key and a
// debug logger through successes and failures on the emulator (and on a
// closed port), then scans the log and every error string.
func TestSecretsNotInDebugLogsOrErrors(t *testing.T) {
	t.Parallel()
	for _, format := range []string{"text", "json"} {
		t.Run(format, func(t *testing.T) {
			t.Parallel()
			srv := stripetest.NewServer(stripetest.WithRefreshDelay(time.Millisecond))
			t.Cleanup(srv.Close)
			logs := &syncBuffer{}
			opts := &slog.HandlerOptions{Level: slog.LevelDebug}
			var h slog.Handler = slog.NewTextHandler(logs, opts)
			if format == "json" {
				h = slog.NewJSONHandler(logs, opts)
			}
			logger := slog.New(h)
			var errs []string
			collect := func(err error) {
				if err != nil {
					errs = append(errs, err.Error(), fmt.Sprintf("%v", err), fmt.Sprintf("%+v", err))
				}
			}
			ctx := context.Background()

			for _, key := range []string{fakeKey, fakeRestr} {
				c := srv.ClientWithKey(key, embedfin.WithLogger(logger), embedfin.WithMaxRetries(1))
				logger.Debug("using client", "client", c)
				logger.Info("using client", "client", c)
				cs := customers.New(c).Customers

				// Secrets in a body, a query, a path.
				cust, err := cs.Create(ctx, &customers.CustomerCreateParams{
					Email:    embedfin.Ptr("jenny@example.com"),
					Metadata: map[string]string{"api_key": key, "webhook": fakeWhsec, "account": fakeAcctNum},
				})
				require.NoError(t, err)
				_, err = cs.List(ctx, &customers.CustomerListParams{Email: embedfin.Ptr(fakeWhsec + "@" + fakeAcctNum + ".test")})
				require.NoError(t, err)
				_, err = cs.Retrieve(ctx, fakeClientSec, nil)
				require.Error(t, err)
				collect(err)
				_, err = c.RawRequest(ctx, http.MethodGet, "/v1/"+key+"/"+fakeAcctNum, url.Values{"secret": {fakeWhsec}})
				require.Error(t, err)
				collect(err)
				_, err = cs.Update(ctx, cust.ID, &customers.CustomerUpdateParams{Description: embedfin.Ptr(key)}, embedfin.WithHeader("X-Debug-Key", key))
				require.NoError(t, err)

				// A connected account that does not exist: the 403 quotes the key, masked.
				_, err = cs.Retrieve(ctx, cust.ID, nil, embedfin.WithStripeAccount("acct_1Nope"))
				require.Error(t, err)
				collect(err)

				// Client secrets come back in bodies, which are never logged.
				sess, err := fc.New(c).Sessions.Create(ctx, &fc.SessionCreateParams{
					AccountHolder: &fc.SessionAccountHolderParams{Type: embedfin.Ptr(fc.AccountHolderTypeCustomer), Customer: embedfin.Ptr(cust.ID)},
					Permissions:   []fc.Permission{fc.PermissionBalances},
				})
				require.NoError(t, err)
				require.Contains(t, embedfin.Deref(sess.ClientSecret), "_secret_")
				intent, err := si.New(c).SetupIntents.Create(ctx, &si.SetupIntentCreateParams{
					Customer:           embedfin.Ptr(cust.ID),
					PaymentMethodTypes: []string{"us_bank_account"},
					PaymentMethodData: &si.SetupIntentPaymentMethodDataParams{
						Type:           embedfin.Ptr(si.SetupIntentPaymentMethodDataTypeUSBankAccount),
						USBankAccount:  &si.SetupIntentPaymentMethodDataUSBankAccountParams{AccountNumber: embedfin.Ptr(fakeAcctNum), RoutingNumber: embedfin.Ptr("110000000")},
						BillingDetails: &si.SetupIntentPaymentMethodDataBillingDetailsParams{Name: embedfin.Ptr("Jenny Rosen")},
					},
				})
				require.NoError(t, err)
				require.Contains(t, embedfin.Deref(intent.ClientSecret), "_secret_")
				// An invalid account number is quoted back by the API.
				_, err = si.New(c).SetupIntents.Create(ctx, &si.SetupIntentCreateParams{
					PaymentMethodTypes: []string{"us_bank_account"},
					PaymentMethodData: &si.SetupIntentPaymentMethodDataParams{
						Type:           embedfin.Ptr(si.SetupIntentPaymentMethodDataTypeUSBankAccount),
						USBankAccount:  &si.SetupIntentPaymentMethodDataUSBankAccountParams{AccountNumber: embedfin.Ptr(fakeAcctNum + "000000000"), RoutingNumber: embedfin.Ptr("110000000")},
						BillingDetails: &si.SetupIntentPaymentMethodDataBillingDetailsParams{Name: embedfin.Ptr("Jenny Rosen")},
					},
				})
				require.Error(t, err)
				collect(err)
			}

			// A live key is refused by the emulator (401).
			live := srv.ClientWithKey(fakeLiveKey, embedfin.WithLogger(logger))
			_, err := customers.New(live).Customers.List(ctx, nil)
			require.True(t, embedfin.IsAuthenticationError(err), "%v", err)
			collect(err)

			// No server at all: a connection error after retries.
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			require.NoError(t, err)
			dead := "http://" + ln.Addr().String()
			require.NoError(t, ln.Close())
			gone, err := embedfin.NewClient(fakeKey, embedfin.WithBaseURL(dead), embedfin.WithLogger(logger),
				embedfin.WithBackoff(time.Millisecond, time.Millisecond), embedfin.WithMaxRetries(1))
			require.NoError(t, err)
			_, err = customers.New(gone).Customers.List(ctx, &customers.CustomerListParams{Email: embedfin.Ptr(fakeWhsec)})
			var ce *embedfin.ConnectionError
			require.ErrorAs(t, err, &ce)
			collect(err)

			// Bad options and bad input: validation errors.
			_, err = embedfin.NewClient(fakeKey + " ")
			collect(err)
			_, err = embedfin.NewClient(fakeKey, embedfin.WithBaseURL("http://"+fakeKey+"@example.com"))
			collect(err)
			_, err = embedfin.NewClient(fakeKey, embedfin.WithBaseURL("http://example.com/?key="+fakeKey))
			collect(err)
			_, err = customers.New(gone).Customers.Retrieve(ctx, fakeKey+"/x", nil)
			collect(err)
			err = gone.Do(ctx, http.MethodGet, "/v1/customers?key="+fakeKey, nil, nil)
			collect(err)
			err = gone.Do(ctx, http.MethodGet, "/v1/customers", nil, nil, embedfin.WithIdempotencyKey(fakeKey+"\n"))
			collect(err)

			// Webhook verification failures.
			payload := []byte(`{"id":"evt_1","object":"event","type":"customer.created","data":{"object":{"id":"cus_1"}}}`)
			for _, header := range []string{"", "garbage " + fakeWhsec, webhook.SignHeader(payload, "whsec_other", time.Now()), webhook.SignHeader(payload, fakeWhsec, time.Now().Add(-time.Hour))} {
				_, err := webhook.ConstructEvent(payload, header, fakeWhsec, webhook.WithSecrets(fakeWhsec+"2"))
				require.Error(t, err)
				collect(err)
			}

			out := logs.String()
			require.Contains(t, out, "embedfin: request", "the debug log is on")
			require.Contains(t, out, "customers", "paths are logged")
			assertNoSecrets(t, "the "+format+" debug log", out)
			require.NotEmpty(t, errs)
			for _, e := range errs {
				assertNoSecrets(t, "an error string", e)
			}
		})
	}
}

func TestSecretsNotInFormattedClientOrOptions(t *testing.T) {
	t.Parallel()
	hc := &http.Client{Timeout: time.Second}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	options := []embedfin.Option{
		embedfin.WithBaseURL("https://api.stripe.com"), embedfin.WithHTTPClient(hc), embedfin.WithLogger(logger),
		embedfin.WithMaxRetries(3), embedfin.WithBackoff(time.Millisecond, time.Second), embedfin.WithRetryRateLimited(true),
		embedfin.WithAppInfo(embedfin.AppInfo{Name: "app"}), embedfin.WithRateLimit(10, 1), embedfin.WithStrictDecoding(),
		embedfin.WithMaxResponseBytes(1 << 20), embedfin.WithAPIVersion(embedfin.APIVersion),
	}
	requestOptions := []embedfin.RequestOption{
		embedfin.WithIdempotencyKey(fakeKey), embedfin.WithHeader("X-Key", fakeKey), embedfin.WithStripeAccount("acct_1"),
		embedfin.WithBetaVersion("some_beta", "v1"),
	}
	for _, key := range []string{fakeKey, fakeRestr, fakeLiveKey} {
		c, err := embedfin.NewClient(key, options...)
		require.NoError(t, err)

		type exported struct{ C embedfin.Client }
		type unexported struct{ c embedfin.Client }
		type pointers struct {
			C *embedfin.Client
			c *embedfin.Client
		}
		values := map[string]any{
			"*Client":                  c,
			"Client value":             *c,
			"struct with Client":       exported{*c},
			"struct with client":       unexported{*c},
			"struct with pointers":     pointers{c, c},
			"slice of clients":         []*embedfin.Client{c},
			"map of clients":           map[string]embedfin.Client{"c": *c},
			"options":                  options,
			"request options":          requestOptions,
			"webhook secrets option":   webhook.WithSecrets(fakeWhsec, fakeWhsec+"2"),
			"webhook handler":          webhook.NewHandler(fakeWhsec, webhook.WithSecrets(fakeWhsec+"2")),
			"webhook handler in a map": map[string]*webhook.Handler{"h": webhook.NewHandler(fakeWhsec)},
		}
		for name, v := range values {
			for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
				assertNoSecrets(t, name+" printed with "+verb, fmt.Sprintf(verb, v))
			}
			hex := fmt.Sprintf("%x", v)
			for _, part := range secretParts {
				assert.NotContains(t, hex, fmt.Sprintf("%x", part), "%s printed with %%x", name)
			}
		}
		//lint:ignore SA9005 encoding a Client must not reveal the key, whatever it holds
		b, err := json.Marshal(c)
		require.NoError(t, err)
		assertNoSecrets(t, "JSON of the client", string(b))
		for _, h := range []func(io.Writer) slog.Handler{
			func(w io.Writer) slog.Handler { return slog.NewTextHandler(w, nil) },
			func(w io.Writer) slog.Handler { return slog.NewJSONHandler(w, nil) },
		} {
			var buf bytes.Buffer
			slog.New(h(&buf)).Error("client", "client", c, "value", *c, "options", options)
			assertNoSecrets(t, "slog record", buf.String())
		}
		assert.Contains(t, c.String(), key[:8]+"***", "the key's kind and mode stay visible")
	}
}

// recoverString runs f and returns what it panicked with, printed.
func recoverString(f func()) (s string) {
	defer func() {
		if r := recover(); r != nil {
			s = fmt.Sprintf("%v", r)
		}
	}()
	f()
	return ""
}

func TestSecretsNotInPanics(t *testing.T) {
	t.Parallel()
	srv := stripetest.NewServer()
	t.Cleanup(srv.Close)

	msg := recoverString(func() { srv.ClientWithKey(fakeKey + " with a space") })
	require.NotEmpty(t, msg, "an invalid key makes ClientWithKey panic")
	assertNoSecrets(t, "ClientWithKey's panic", msg)

	h := webhook.NewHandler(fakeWhsec)
	msg = recoverString(func() { h.Handle(events.EventTypeCustomerCreated, nil) })
	require.NotEmpty(t, msg)
	assertNoSecrets(t, "Handle's panic", msg)

	// A handler function that panics with secrets: the Handler recovers,
	// answers 500, and its error hook sees a masked *PanicError.
	var hooked []string
	var mu sync.Mutex
	h = webhook.NewHandler(fakeWhsec, webhook.WithErrorHook(func(_ *http.Request, _ *webhook.Event, err error) {
		mu.Lock()
		defer mu.Unlock()
		hooked = append(hooked, err.Error(), fmt.Sprintf("%+v", err))
	}))
	h.HandleFallback(func(context.Context, webhook.Event) error {
		panic("leaking " + fakeKey + " " + fakeWhsec + " " + fakeClientSec + " " + fakeAcctNum)
	})
	payload := []byte(`{"id":"evt_1","object":"event","type":"customer.created","data":{"object":{"id":"cus_1"}}}`)
	req := httptest.NewRequest(http.MethodPost, "/webhook", bytes.NewReader(payload))
	req.Header.Set(webhook.SignatureHeader, webhook.SignHeader(payload, fakeWhsec, time.Now()))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	assert.Equal(t, http.StatusInternalServerError, rec.Code)
	assertNoSecrets(t, "the 500 answer", rec.Body.String())
	mu.Lock()
	defer mu.Unlock()
	require.NotEmpty(t, hooked)
	for _, s := range hooked {
		assertNoSecrets(t, "the hook's error", s)
	}
}

// TestErrorTypesHideSecretsAndNeverPanic builds every error type of the SDK
// with secrets in each field, and as zero values.
func TestErrorTypesHideSecretsAndNeverPanic(t *testing.T) {
	t.Parallel()
	all := strings.Join([]string{fakeKey, fakeRestr, fakeLiveKey, fakeWhsec, fakeClientSec, "account_number=" + fakeAcctNum[:8], fakeAcctNum}, " ")
	secretErr := errors.New("cause: " + all)
	acct := &fc.Account{ID: "fca_1", Status: fc.AccountStatusInactive}
	full := map[string]error{
		"Error": &embedfin.Error{HTTPStatusCode: 402, Type: embedfin.ErrorTypeCard, Code: embedfin.ErrorCode(all), DeclineCode: all, Param: all, Message: all,
			DocURL: all, RequestLogURL: all, RequestID: all, RawBody: []byte(all), Header: http.Header{"Authorization": {"Bearer " + fakeKey}}},
		"ValidationError":         &embedfin.ValidationError{Param: all, Reason: all},
		"ConnectionError":         &embedfin.ConnectionError{Method: "GET", Path: "/v1/" + all, Attempts: 3, Err: secretErr},
		"ConnectionError url":     &embedfin.ConnectionError{Method: "GET", Path: "/v1/x", Err: &url.Error{Op: "Get", URL: "https://api.stripe.com/v1/x?key=" + fakeKey, Err: secretErr}},
		"DecodeError":             &embedfin.DecodeError{StatusCode: 200, RequestID: all, ContentType: all, Err: secretErr},
		"AccountNotActiveError":   &fc.AccountNotActiveError{Account: acct},
		"RefreshFailedError":      &fc.RefreshFailedError{Feature: fc.AccountFeatureBalance, Account: acct},
		"FeaturesRestrictedError": &treasury.FeaturesRestrictedError{Restricted: []treasury.Feature{"card_issuing"}, Account: &treasury.FinancialAccount{ID: "fa_1"}},
		"PanicError":              &webhook.PanicError{Value: all, Stack: []byte(all)},
		"PanicError error value":  &webhook.PanicError{Value: secretErr},
	}
	for name, err := range full {
		for _, verb := range []string{"%v", "%+v", "%s", "%q"} {
			assertNoSecrets(t, name+" with "+verb, fmt.Sprintf(verb, err))
		}
		assertNoSecrets(t, name+".Error()", err.Error())
	}
	zero := map[string]error{
		"Error": &embedfin.Error{}, "ValidationError": &embedfin.ValidationError{}, "ConnectionError": &embedfin.ConnectionError{},
		"DecodeError": &embedfin.DecodeError{}, "AccountNotActiveError": &fc.AccountNotActiveError{}, "RefreshFailedError": &fc.RefreshFailedError{},
		"UpsertError": &fc.UpsertError{}, "FeaturesRestrictedError": &treasury.FeaturesRestrictedError{}, "PanicError": &webhook.PanicError{},
	}
	for name, err := range zero {
		assert.NotPanics(t, func() { _ = err.Error() }, "zero %s", name)
	}
}
