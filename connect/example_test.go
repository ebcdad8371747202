package connect_test

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/connect"
)

// printRequest shows what the fake API received: the request line, then the
// form or query values sorted by key.
func printRequest(r *http.Request) {
	_ = r.ParseForm()
	fmt.Println(r.Method, r.URL.Path)
	for _, k := range slices.Sorted(maps.Keys(r.Form)) {
		fmt.Printf("  %s=%s\n", k, strings.Join(r.Form[k], ","))
	}
}

func ExampleAccountService_Create() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		printRequest(r)
		fmt.Fprint(w, `{"id":"acct_1Nv0FGQ9RKHgCVdK","object":"account","country":"US","charges_enabled":false,
			"controller":{"stripe_dashboard":{"type":"none"},"fees":{"payer":"application"},
			 "losses":{"payments":"application"},"is_controller":true,"type":"application",
			 "requirement_collection":"application"},
			"capabilities":{"card_issuing":"pending","transfers":"pending","treasury":"pending",
			 "us_bank_account_ach_payments":"pending"}}`)
	}))
	defer srv.Close()

	c, err := embedfin.NewClient("sk_test_123", embedfin.WithBaseURL(srv.URL))
	if err != nil {
		panic(err)
	}
	cn := connect.New(c)

	requested := &embedfin.AccessParams{Requested: embedfin.Ptr(true)}
	acct, err := cn.Accounts.Create(context.Background(), &connect.AccountCreateParams{
		Country: embedfin.Ptr("US"),
		Controller: &connect.AccountControllerParams{
			StripeDashboard: &connect.AccountControllerStripeDashboardParams{
				Type: embedfin.Ptr(connect.AccountControllerStripeDashboardTypeNone),
			},
			Fees: &connect.AccountControllerFeesParams{
				Payer: embedfin.Ptr(connect.AccountControllerFeesPayerApplication),
			},
			Losses: &connect.AccountControllerLossesParams{
				Payments: embedfin.Ptr(connect.ResponsiblePartyApplication),
			},
			RequirementCollection: embedfin.Ptr(connect.ResponsiblePartyApplication),
		},
		Capabilities: &connect.AccountCapabilitiesParams{
			Transfers:                requested,
			CardIssuing:              requested,
			Treasury:                 requested,
			USBankAccountACHPayments: requested,
		},
	})
	if err != nil {
		panic(err)
	}
	// Pass acct.ID with embedfin.WithStripeAccount to act as this account.
	fmt.Println(acct.ID, acct.Controller.Type, *acct.Capabilities.Treasury)
	// Output:
	// POST /v1/accounts
	//   capabilities[card_issuing][requested]=true
	//   capabilities[transfers][requested]=true
	//   capabilities[treasury][requested]=true
	//   capabilities[us_bank_account_ach_payments][requested]=true
	//   controller[fees][payer]=application
	//   controller[losses][payments]=application
	//   controller[requirement_collection]=application
	//   controller[stripe_dashboard][type]=none
	//   country=US
	// acct_1Nv0FGQ9RKHgCVdK application pending
}

func ExampleAccountLinkService_Create() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		printRequest(r)
		fmt.Fprint(w, `{"object":"account_link","created":1612927106,"expires_at":1612927406,
			"url":"https://connect.stripe.com/setup/s/acct_1Nv0FGQ9RKHgCVdK/OPk8QJ0DYZfk"}`)
	}))
	defer srv.Close()

	c, err := embedfin.NewClient("sk_test_123", embedfin.WithBaseURL(srv.URL))
	if err != nil {
		panic(err)
	}
	cn := connect.New(c)

	link, err := cn.AccountLinks.Create(context.Background(), &connect.AccountLinkCreateParams{
		Account:    embedfin.Ptr("acct_1Nv0FGQ9RKHgCVdK"),
		Type:       embedfin.Ptr(connect.AccountLinkTypeAccountOnboarding),
		RefreshURL: embedfin.Ptr("https://example.com/reauth"),
		ReturnURL:  embedfin.Ptr("https://example.com/return"),
	})
	if err != nil {
		panic(err)
	}
	// Send the signed-in user to link.URL; it expires after a few minutes.
	fmt.Println(link.URL, link.ExpiresAt-link.Created)
	// Output:
	// POST /v1/account_links
	//   account=acct_1Nv0FGQ9RKHgCVdK
	//   refresh_url=https://example.com/reauth
	//   return_url=https://example.com/return
	//   type=account_onboarding
	// https://connect.stripe.com/setup/s/acct_1Nv0FGQ9RKHgCVdK/OPk8QJ0DYZfk 300
}

func ExampleAccountSessionService_Create() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		printRequest(r)
		fmt.Fprint(w, `{"object":"account_session","account":"acct_1Nv0FGQ9RKHgCVdK",
			"client_secret":"accs_secret__PoV7aDMVVXqVQ1tEmFJqgHdH","expires_at":1612929106,"livemode":false}`)
	}))
	defer srv.Close()

	c, err := embedfin.NewClient("sk_test_123", embedfin.WithBaseURL(srv.URL))
	if err != nil {
		panic(err)
	}
	cn := connect.New(c)

	// The embedded financial account component, with money movement enabled.
	sess, err := cn.AccountSessions.Create(context.Background(), &connect.AccountSessionCreateParams{
		Account: embedfin.Ptr("acct_1Nv0FGQ9RKHgCVdK"),
		Components: &connect.AccountSessionComponentsParams{
			FinancialAccount: &connect.AccountSessionComponentsFinancialAccountParams{
				Enabled: embedfin.Ptr(true),
				Features: &connect.AccountSessionComponentsFinancialAccountFeaturesParams{
					SendMoney:       embedfin.Ptr(true),
					TransferBalance: embedfin.Ptr(true),
				},
			},
		},
	})
	if err != nil {
		panic(err)
	}
	// The client secret initialises Connect.js in the browser.
	fmt.Println(sess.Account, strings.HasPrefix(sess.ClientSecret, "accs_secret_"))
	// Output:
	// POST /v1/account_sessions
	//   account=acct_1Nv0FGQ9RKHgCVdK
	//   components[financial_account][enabled]=true
	//   components[financial_account][features][send_money]=true
	//   components[financial_account][features][transfer_balance]=true
	// acct_1Nv0FGQ9RKHgCVdK true
}
