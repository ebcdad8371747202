package financialconnections_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/connect"
	fc "github.com/embedfin/embedfin-go/financialconnections"
)

// constantBody answers every request with the same 200 JSON body and
// counts the requests.
type constantBody struct {
	body  []byte
	calls atomic.Int32
}

func (c *constantBody) RoundTrip(r *http.Request) (*http.Response, error) {
	c.calls.Add(1)
	return &http.Response{
		StatusCode:    http.StatusOK,
		Header:        http.Header{"Content-Type": {"application/json"}, "Request-Id": {"req_fuzz"}},
		Body:          io.NopCloser(bytes.NewReader(c.body)),
		ContentLength: int64(len(c.body)),
		Request:       r,
	}, nil
}

// fuzzClients returns a lenient and a strict client whose every response is
// body, and the transport of the lenient one.
func fuzzClients(t *testing.T, body []byte) (lenient, strict *fc.Client, tr *constantBody) {
	t.Helper()
	mk := func(tr http.RoundTripper, extra ...embedfin.Option) *fc.Client {
		opts := append([]embedfin.Option{
			embedfin.WithHTTPClient(&http.Client{Transport: tr}),
			embedfin.WithBaseURL("https://api.stripe.test"),
			embedfin.WithMaxRetries(0),
		}, extra...)
		c, err := embedfin.NewClient("sk_test_fuzz123456", opts...)
		if err != nil {
			t.Fatal(err)
		}
		return fc.New(c)
	}
	tr = &constantBody{body: body}
	return mk(tr), mk(&constantBody{body: body}, embedfin.WithStrictDecoding()), tr
}

// decodeOutcome checks that err is nil or a *DecodeError (a 200 body can
// fail no other way) and reports whether it is nil.
func decodeOutcome(t *testing.T, what string, err error) bool {
	t.Helper()
	if err == nil {
		return true
	}
	var de *embedfin.DecodeError
	if !errors.As(err, &de) {
		t.Fatalf("%s: %T %v, want *embedfin.DecodeError", what, err, err)
	}
	return false
}

// stableEncoding checks that v re-encodes, and that decoding and encoding
// the result again gives the same bytes.
func stableEncoding[T any](t *testing.T, v *T) []byte {
	t.Helper()
	b1, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("re-encoding a decoded value: %v", err)
	}
	v2 := new(T)
	if err := json.Unmarshal(b1, v2); err != nil {
		t.Fatalf("decoding the re-encoding %s: %v", b1, err)
	}
	b2, err := json.Marshal(v2)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b1, b2) {
		t.Fatalf("re-encoding is not stable:\n%s\n%s", b1, b2)
	}
	return b1
}

func sampleAccount() *fc.Account {
	now := int64(1767225600)
	return &fc.Account{
		ID: "fca_1MwVK82eZvKYlo2Cjw8FMxXf", Object: "financial_connections.account", Created: now,
		AccountHolder: &fc.AccountHolder{Type: fc.AccountHolderTypeCustomer, Customer: &embedfin.Expandable[connect.Customer]{ID: "cus_NffrFeUfNV2Hib"}},
		Balance: &fc.AccountBalance{AsOf: now, Type: fc.AccountBalanceTypeCash, Current: map[string]int64{"usd": 6000},
			Cash: &fc.AccountBalanceCash{Available: map[string]int64{"usd": 5000}}},
		BalanceRefresh:     &fc.AccountBalanceRefresh{Status: fc.RefreshStatusSucceeded, LastAttemptedAt: now, NextRefreshAvailableAt: embedfin.Ptr(now + 1)},
		Category:           fc.AccountCategoryCash,
		DisplayName:        embedfin.Ptr("Premium Checking"),
		InstitutionName:    "Test Bank",
		Last4:              embedfin.Ptr("4242"),
		Ownership:          &embedfin.Expandable[fc.AccountOwnership]{ID: "fcaowns_1", Object: &fc.AccountOwnership{ID: "fcaowns_1", Object: "financial_connections.account_ownership", Owners: &embedfin.List[fc.AccountOwner]{Object: "list", Data: []*fc.AccountOwner{{ID: "fcaown_1", Name: "Jenny Rosen"}}}}},
		OwnershipRefresh:   &fc.AccountOwnershipRefresh{Status: fc.RefreshStatusPending, LastAttemptedAt: now},
		Permissions:        []fc.Permission{fc.PermissionBalances, fc.PermissionTransactions},
		Status:             fc.AccountStatusActive,
		Subcategory:        fc.AccountSubcategoryChecking,
		Subscriptions:      []fc.AccountSubscription{fc.AccountSubscriptionTransactions},
		TransactionRefresh: &fc.AccountTransactionRefresh{ID: "fctxnref_1", Status: fc.RefreshStatusSucceeded, LastAttemptedAt: now},
	}
}

func FuzzDecodeAccount(f *testing.F) {
	full, err := json.Marshal(sampleAccount())
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range []string{
		string(full), string(full[:len(full)/2]), `{}`, `null`, `[]`, `""`, ``, `{"id":"fca_1","object":"customer","email":"x"}`,
		`{"ownership":"fcaowns_1","account_holder":{"customer":{"id":"cus_1","object":"customer"}}}`,
		`{"ownership":{"id":"fcaowns_1","owners":{"object":"list","data":[null,{}],"has_more":true}}}`,
		`{"balance":{"cash":{"available":{"usd":1e3}},"current":null},"balance_refresh":{"next_refresh_available_at":null}}`,
		`{"ID":"fca_case","Status":"active","surprise":{"nested":[1,2]}}`, `{"id":"fca_1","id":"fca_2"}`,
		`{"account_numbers":[{"identifier_type":"account_number","supported_networks":["ach"]}],"status_details":{"inactive":{"action":"relink_required"}}}`,
	} {
		f.Add([]byte(seed))
	}
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, body []byte) {
		lenient, strict, _ := fuzzClients(t, body)
		acct, err := lenient.Accounts.Retrieve(ctx, "fca_1", nil)
		lenientOK := decodeOutcome(t, "lenient", err)
		strictAcct, err := strict.Accounts.Retrieve(ctx, "fca_1", nil)
		strictOK := decodeOutcome(t, "strict", err)
		if strictOK && !lenientOK {
			t.Fatal("strict decoding accepted what lenient decoding refused")
		}
		if !lenientOK {
			return
		}
		for _, f := range []fc.AccountFeature{fc.AccountFeatureBalance, fc.AccountFeatureOwnership, fc.AccountFeatureTransactions} {
			acct.RefreshOf(f)
		}
		again := stableEncoding(t, acct)
		if strictOK {
			// What strict decoding accepted re-encodes into a body it accepts too.
			_, strict2, _ := fuzzClients(t, stableEncoding(t, strictAcct))
			if _, err := strict2.Accounts.Retrieve(ctx, "fca_1", nil); err != nil {
				t.Fatalf("strict decoding refuses its own re-encoding %s: %v", again, err)
			}
		}
	})
}

func FuzzDecodeListPage(f *testing.F) {
	posted := embedfin.Ptr(int64(1767225600))
	page := &embedfin.List[fc.Transaction]{Object: "list", URL: "/v1/financial_connections/transactions", HasMore: true, Data: []*fc.Transaction{
		{ID: "fctxn_1", Object: "financial_connections.transaction", Account: "fca_1", Amount: -1850, Currency: "usd", Description: "Rocket Rides",
			Status: fc.TransactionStatusPosted, StatusTransitions: &fc.TransactionStatusTransitions{PostedAt: posted}, TransactedAt: 1767225600, TransactionRefresh: "fctxnref_1", Updated: 1767225600},
		{ID: "fctxn_2", Object: "financial_connections.transaction", Account: "fca_1", Amount: 248500, Currency: "usd", Status: fc.TransactionStatusPending, TransactionRefresh: "fctxnref_1"},
	}}
	full, err := json.Marshal(page)
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range []string{
		string(full), string(full[:len(full)-7]), `{"object":"list","data":[],"has_more":false}`,
		`{"object":"list","data":[],"has_more":true}`, `{"object":"list","data":[null],"has_more":false}`,
		`{"object":"list","data":[{"id":"fctxn_1"},null],"has_more":true}`, `{"object":"list","data":[{}],"has_more":true}`,
		`{"object":"list","data":null,"has_more":true}`, `{"object":"customer","id":"cus_1"}`, `{}`, `null`, `[]`,
		`{"object":"list","data":[{"id":"fctxn_1","amount":"12"}],"has_more":false}`,
		`{"object":"list","data":[{"id":"fctxn_1","status_transitions":{"posted_at":1.5}}]}`,
	} {
		f.Add([]byte(seed))
	}
	ctx := context.Background()
	params := &fc.TransactionListParams{Account: embedfin.Ptr("fca_1")}
	f.Fuzz(func(t *testing.T, body []byte) {
		lenient, strict, tr := fuzzClients(t, body)
		list, err := lenient.Transactions.List(ctx, params)
		lenientOK := decodeOutcome(t, "lenient", err)
		strictList, err := strict.Transactions.List(ctx, params)
		strictOK := decodeOutcome(t, "strict", err)
		if strictOK && !lenientOK {
			t.Fatal("strict decoding accepted what lenient decoding refused")
		}
		if lenientOK {
			stableEncoding(t, list)
		}
		if strictOK {
			_, strict2, _ := fuzzClients(t, stableEncoding(t, strictList))
			if _, err := strict2.Transactions.List(ctx, params); err != nil {
				t.Fatalf("strict decoding refuses its own re-encoding: %v", err)
			}
		}

		// Walking "every page" when every page is this one must end: after
		// one fetch, or after two when the second gives the same cursor.
		tr.calls.Store(0)
		errs := 0
		for txn, err := range lenient.Transactions.All(ctx, params) {
			if err != nil {
				errs++
				continue
			}
			if txn == nil {
				t.Fatal("the iterator yielded a nil transaction without an error")
			}
		}
		if n := tr.calls.Load(); n > 2 {
			t.Fatalf("the iterator fetched %d pages of a constant body", n)
		}
		if errs > 1 {
			t.Fatalf("the iterator yielded %d errors; it must stop after the first", errs)
		}
	})
}
