package interop

import (
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	stripe "github.com/stripe/stripe-go/v85"
)

// requestedCapabilities are the capabilities the seed's account requests.
var requestedCapabilities = []string{"card_issuing", "transfers", "treasury", "us_bank_account_ach_payments"}

// The pages the API points a person at (an onboarding link, a
// microdeposit verification page) are fetched and submitted over HTTP,
// as a browser would, without following redirects: only pages on the
// emulator itself are requested, so the tests stay on loopback.
var pageClient = &http.Client{
	Timeout:       callTimeout,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

func onLoopback(t T, raw string) {
	t.Helper()
	u, err := url.Parse(raw)
	require.NoError(t, err)
	require.True(t, isLoopback(u), "%s does not lead to a page the emulator serves", raw)
}

func getNoRedirect(t T, raw string) *http.Response {
	t.Helper()
	onLoopback(t, raw)
	resp, err := pageClient.Get(raw)
	require.NoError(t, err)
	return resp
}

func readBody(t T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	require.NoError(t, err)
	return string(b)
}

// formField matches an input (or a selected option, with the select's
// name carried over by formValues) of the emulator's pages.
var (
	inputTag  = regexp.MustCompile(`<input ([^>]*)>`)
	selectTag = regexp.MustCompile(`(?s)<select name="([^"]*)">(.*?)</select>`)
	attr      = regexp.MustCompile(`(\w+)(?:="([^"]*)")?`)
)

// fetchForm GETs a page, checks it is HTML, and returns the values its
// form would send as it stands.
func fetchForm(t T, raw string) url.Values {
	t.Helper()
	resp := getNoRedirect(t, raw)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, resp.Header.Get("Content-Type"), "text/html")
	body := readBody(t, resp)
	vals := url.Values{}
	for _, m := range inputTag.FindAllStringSubmatch(body, -1) {
		a := map[string]string{}
		for _, kv := range attr.FindAllStringSubmatch(m[1], -1) {
			a[kv[1]] = html.UnescapeString(kv[2])
		}
		_, checked := a["checked"]
		if a["name"] == "" || a["type"] == "checkbox" && !checked {
			continue
		}
		vals.Set(a["name"], a["value"])
	}
	for _, m := range selectTag.FindAllStringSubmatch(body, -1) {
		if sel := regexp.MustCompile(`value="([^"]*)" selected`).FindStringSubmatch(m[2]); sel != nil {
			vals.Set(m[1], html.UnescapeString(sel[1]))
		}
	}
	return vals
}

// postForm submits form values to a page.
func postForm(t T, raw string, form url.Values) *http.Response {
	t.Helper()
	onLoopback(t, raw)
	resp, err := pageClient.PostForm(raw, form)
	require.NoError(t, err)
	return resp
}

// TestEmbeddedFinance is seed 003 ("Guide d'intégration des services
// financiers intégrés"): a platform-controlled connected account with
// Issuing and Treasury capabilities, its onboarding link, a financial
// account with features, a bank account set up with a SetupIntent and
// microdeposits, funds in, a card, an authorization and its capture with
// the balances the guide shows — all on behalf of the connected account
// through Stripe-Account.
func TestEmbeddedFinance(t *testing.T) {
	t.Parallel()
	em := startEmulator(t)
	sc := em.client(t)
	c := ctx(t)
	f := newFlow(t)

	var acct *stripe.Account
	f.step("create_connected_account", func(t T) {
		var err error
		acct, err = sc.V1Accounts.Create(c, &stripe.AccountCreateParams{
			Country: stripe.String("US"),
			Controller: &stripe.AccountCreateControllerParams{
				StripeDashboard:       &stripe.AccountCreateControllerStripeDashboardParams{Type: stripe.String("none")},
				Fees:                  &stripe.AccountCreateControllerFeesParams{Payer: stripe.String("application")},
				Losses:                &stripe.AccountCreateControllerLossesParams{Payments: stripe.String("application")},
				RequirementCollection: stripe.String("application"),
			},
			Capabilities: &stripe.AccountCreateCapabilitiesParams{
				Transfers:                &stripe.AccountCreateCapabilitiesTransfersParams{Requested: stripe.Bool(true)},
				CardIssuing:              &stripe.AccountCreateCapabilitiesCardIssuingParams{Requested: stripe.Bool(true)},
				Treasury:                 &stripe.AccountCreateCapabilitiesTreasuryParams{Requested: stripe.Bool(true)},
				USBankAccountACHPayments: &stripe.AccountCreateCapabilitiesUSBankAccountACHPaymentsParams{Requested: stripe.Bool(true)},
			},
		})
		require.NoError(t, err)
		assert.True(t, strings.HasPrefix(acct.ID, "acct_"), acct.ID)
		assert.Equal(t, "account", acct.Object)
		assert.Equal(t, "US", acct.Country)
		require.NotNil(t, acct.Controller)
		require.NotNil(t, acct.Controller.StripeDashboard)
		assert.Equal(t, stripe.AccountControllerStripeDashboardType("none"), acct.Controller.StripeDashboard.Type)
		require.NotNil(t, acct.Controller.Fees)
		assert.Equal(t, stripe.AccountControllerFeesPayer("application"), acct.Controller.Fees.Payer)
		require.NotNil(t, acct.Controller.Losses)
		assert.Equal(t, stripe.AccountControllerLossesPayments("application"), acct.Controller.Losses.Payments)
		assert.Equal(t, stripe.AccountControllerRequirementCollection("application"), acct.Controller.RequirementCollection)
	})
	f.check("controller_as_the_guide_shows", func(t T) {
		// The guide's response: "is_controller": true, "type": "application".
		body := lastJSON(t, acct.LastResponse)
		assert.JSONEq(t, `true`, string(rawField(t, body, "controller.is_controller")))
		assert.JSONEq(t, `"application"`, string(rawField(t, body, "controller.type")))
	})
	f.check("only_requested_capabilities", func(t T) {
		caps := rawKeys(t, rawField(t, lastJSON(t, acct.LastResponse), "capabilities"))
		var keys []string
		for k := range caps {
			keys = append(keys, k)
		}
		assert.ElementsMatch(t, requestedCapabilities, keys, "capabilities lists what was requested")
	})
	f.check("capabilities_await_onboarding", func(t T) {
		// Nothing about the business is known yet: Stripe cannot have
		// verified it, so the requested capabilities are not active and
		// the requirements say what onboarding must collect.
		for _, name := range requestedCapabilities {
			v := string(rawField(t, lastJSON(t, acct.LastResponse), "capabilities."+name))
			assert.Contains(t, []string{`"inactive"`, `"pending"`}, v, "capabilities.%s before onboarding", name)
		}
		require.NotNil(t, acct.Requirements)
		assert.NotEmpty(t, acct.Requirements.CurrentlyDue, "requirements.currently_due before onboarding")
	})
	f.check("update_account_email", func(t T) {
		got, err := sc.V1Accounts.Update(c, acct.ID, &stripe.AccountUpdateParams{
			Email: stripe.String("jenny.rosen@example.com"),
			Capabilities: &stripe.AccountUpdateCapabilitiesParams{
				Transfers:   &stripe.AccountUpdateCapabilitiesTransfersParams{Requested: stripe.Bool(true)},
				Treasury:    &stripe.AccountUpdateCapabilitiesTreasuryParams{Requested: stripe.Bool(true)},
				CardIssuing: &stripe.AccountUpdateCapabilitiesCardIssuingParams{Requested: stripe.Bool(true)},
			},
		})
		require.NoError(t, err)
		assert.Equal(t, "jenny.rosen@example.com", got.Email)
		ev := em.hooks.waitEvent(t, stripe.EventTypeAccountUpdated, func(ev stripe.Event) bool { return objectID(ev) == acct.ID })
		assert.Equal(t, "jenny.rosen@example.com", eventField(ev, "email"))
		assert.Contains(t, ev.Data.PreviousAttributes, "email", "previous_attributes names the changed field")
	})
	f.check("list_connected_accounts", func(t T) {
		var ids []string
		for a, err := range sc.V1Accounts.List(c, &stripe.AccountListParams{}).All(c) {
			require.NoError(t, err)
			ids = append(ids, a.ID)
		}
		assert.Equal(t, []string{acct.ID}, ids)
	})

	var link *stripe.AccountLink
	f.step("account_link", func(t T) {
		var err error
		link, err = sc.V1AccountLinks.Create(c, &stripe.AccountLinkCreateParams{
			Account:    stripe.String(acct.ID),
			RefreshURL: stripe.String("https://example.com/reauth"),
			ReturnURL:  stripe.String("https://example.com/return"),
			Type:       stripe.String("account_onboarding"),
		})
		require.NoError(t, err)
		assert.Equal(t, "account_link", link.Object)
		assert.NotZero(t, link.Created)
		assert.Greater(t, link.ExpiresAt, link.Created)
		assert.NotEmpty(t, link.URL)
	})
	f.step("onboarding_page", func(t T) {
		// The account holder opens the link and submits the form as it
		// comes (the emulator fills it with Stripe's test data); the page
		// sends them back to the platform's return_url.
		form := fetchForm(t, link.URL)
		resp := postForm(t, link.URL, form)
		assert.Equal(t, http.StatusSeeOther, resp.StatusCode)
		assert.Equal(t, "https://example.com/return", resp.Header.Get("Location"))

		got, err := sc.V1Accounts.GetByID(c, acct.ID, nil)
		require.NoError(t, err)
		for _, name := range requestedCapabilities {
			assert.JSONEq(t, `"active"`, string(rawField(t, lastJSON(t, got.LastResponse), "capabilities."+name)), "capabilities.%s after onboarding", name)
		}
		assert.Empty(t, got.Requirements.CurrentlyDue)
		assert.True(t, got.DetailsSubmitted)
		ev := em.hooks.waitEvent(t, "capability.updated", func(ev stripe.Event) bool {
			return ev.Account == acct.ID && objectID(ev) == "treasury" && eventField(ev, "status") == "active"
		})
		assert.Equal(t, "capability", eventField(ev, "object"))
		em.hooks.waitEvent(t, stripe.EventTypeAccountUpdated, func(ev stripe.Event) bool {
			return objectID(ev) == acct.ID && eventField(ev, "details_submitted") == true
		})
	})
	f.check("onboarding_link_opens_once", func(t T) {
		// Opened again, a link leads to refresh_url.
		resp := getNoRedirect(t, link.URL)
		assert.Equal(t, http.StatusFound, resp.StatusCode)
		assert.Equal(t, "https://example.com/reauth", resp.Header.Get("Location"))
	})

	onBehalf := func(p interface{ SetStripeAccount(string) }) { p.SetStripeAccount(acct.ID) }
	var fa *stripe.TreasuryFinancialAccount
	f.step("create_financial_account", func(t T) {
		yes := stripe.Bool(true)
		params := &stripe.TreasuryFinancialAccountCreateParams{
			SupportedCurrencies: stripe.StringSlice([]string{"usd"}),
			Features: &stripe.TreasuryFinancialAccountCreateFeaturesParams{
				CardIssuing:        &stripe.TreasuryFinancialAccountCreateFeaturesCardIssuingParams{Requested: yes},
				DepositInsurance:   &stripe.TreasuryFinancialAccountCreateFeaturesDepositInsuranceParams{Requested: yes},
				FinancialAddresses: &stripe.TreasuryFinancialAccountCreateFeaturesFinancialAddressesParams{ABA: &stripe.TreasuryFinancialAccountCreateFeaturesFinancialAddressesABAParams{Requested: yes}},
				InboundTransfers:   &stripe.TreasuryFinancialAccountCreateFeaturesInboundTransfersParams{ACH: &stripe.TreasuryFinancialAccountCreateFeaturesInboundTransfersACHParams{Requested: yes}},
				IntraStripeFlows:   &stripe.TreasuryFinancialAccountCreateFeaturesIntraStripeFlowsParams{Requested: yes},
				OutboundPayments: &stripe.TreasuryFinancialAccountCreateFeaturesOutboundPaymentsParams{
					ACH:            &stripe.TreasuryFinancialAccountCreateFeaturesOutboundPaymentsACHParams{Requested: yes},
					USDomesticWire: &stripe.TreasuryFinancialAccountCreateFeaturesOutboundPaymentsUSDomesticWireParams{Requested: yes},
				},
				OutboundTransfers: &stripe.TreasuryFinancialAccountCreateFeaturesOutboundTransfersParams{
					ACH:            &stripe.TreasuryFinancialAccountCreateFeaturesOutboundTransfersACHParams{Requested: yes},
					USDomesticWire: &stripe.TreasuryFinancialAccountCreateFeaturesOutboundTransfersUSDomesticWireParams{Requested: yes},
				},
			},
		}
		onBehalf(params)
		var err error
		fa, err = sc.V1TreasuryFinancialAccounts.Create(c, params)
		require.NoError(t, err)
		// The guide's response.
		assert.Equal(t, "treasury.financial_account", fa.Object)
		assert.True(t, strings.HasPrefix(fa.ID, "fa_"), fa.ID)
		assert.Equal(t, "US", fa.Country)
		assert.Equal(t, []stripe.Currency{"usd"}, fa.SupportedCurrencies)
		assert.Equal(t, stripe.TreasuryFinancialAccountStatusOpen, fa.Status)
		assert.Contains(t, fa.ActiveFeatures, stripe.TreasuryFinancialAccountActiveFeature("card_issuing"), "card_issuing activates at once")
		assert.Contains(t, fa.PendingFeatures, stripe.TreasuryFinancialAccountPendingFeature("financial_addresses.aba"), "financial_addresses.aba activates asynchronously")
		assert.Empty(t, fa.RestrictedFeatures)
		assert.Empty(t, fa.FinancialAddresses, "no ABA address while financial_addresses.aba is pending")
		assert.JSONEq(t, `[]`, string(rawField(t, lastJSON(t, fa.LastResponse), "financial_addresses")))
	})
	f.step("features_activate", func(t T) {
		em.hooks.waitEvent(t, stripe.EventTypeTreasuryFinancialAccountFeaturesStatusUpdated, func(ev stripe.Event) bool {
			pending, _ := eventField(ev, "pending_features").([]any)
			return objectID(ev) == fa.ID && len(pending) == 0
		})
		params := &stripe.TreasuryFinancialAccountRetrieveParams{}
		onBehalf(params)
		got, err := sc.V1TreasuryFinancialAccounts.Retrieve(c, fa.ID, params)
		require.NoError(t, err)
		assert.Empty(t, got.PendingFeatures)
		for _, feat := range []string{"card_issuing", "deposit_insurance", "financial_addresses.aba", "inbound_transfers.ach", "intra_stripe_flows",
			"outbound_payments.ach", "outbound_payments.us_domestic_wire", "outbound_transfers.ach", "outbound_transfers.us_domestic_wire"} {
			assert.Contains(t, got.ActiveFeatures, stripe.TreasuryFinancialAccountActiveFeature(feat))
		}
		require.Len(t, got.FinancialAddresses, 1)
		addr := got.FinancialAddresses[0]
		assert.Equal(t, stripe.TreasuryFinancialAccountFinancialAddressType("aba"), addr.Type)
		require.NotNil(t, addr.ABA)
		assert.NotEmpty(t, addr.ABA.RoutingNumber)
		assert.NotEmpty(t, addr.ABA.AccountNumberLast4)
		fa = got
	})
	f.check("retrieve_features", func(t T) {
		params := &stripe.TreasuryFinancialAccountRetrieveFeaturesParams{}
		onBehalf(params)
		feats, err := sc.V1TreasuryFinancialAccounts.RetrieveFeatures(c, fa.ID, params)
		require.NoError(t, err)
		assert.Equal(t, "treasury.financial_account_features", feats.Object)
		require.NotNil(t, feats.CardIssuing)
		assert.True(t, feats.CardIssuing.Requested)
		assert.Equal(t, stripe.TreasuryFinancialAccountFeaturesCardIssuingStatus("active"), feats.CardIssuing.Status)
		require.NotNil(t, feats.FinancialAddresses)
		require.NotNil(t, feats.FinancialAddresses.ABA)
		assert.Equal(t, stripe.TreasuryFinancialAccountFeaturesFinancialAddressesABAStatus("active"), feats.FinancialAddresses.ABA.Status)
	})
	f.check("financial_account_invisible_to_platform", func(t T) {
		_, err := sc.V1TreasuryFinancialAccounts.Retrieve(c, fa.ID, nil)
		se := stripeError(t, err)
		assert.Equal(t, 404, se.HTTPStatusCode)
		assert.Equal(t, stripe.ErrorCodeResourceMissing, se.Code)
	})

	var intent *stripe.SetupIntent
	f.step("setup_intent_bank_account", func(t T) {
		params := &stripe.SetupIntentCreateParams{
			AttachToSelf:       stripe.Bool(true),
			FlowDirections:     stripe.StringSlice([]string{"inbound", "outbound"}),
			PaymentMethodTypes: stripe.StringSlice([]string{"us_bank_account"}),
			PaymentMethodData: &stripe.SetupIntentCreatePaymentMethodDataParams{
				Type: stripe.String("us_bank_account"),
				USBankAccount: &stripe.SetupIntentCreatePaymentMethodDataUSBankAccountParams{
					RoutingNumber: stripe.String("110000000"), AccountNumber: stripe.String("000123456789"), AccountHolderType: stripe.String("company"),
				},
				BillingDetails: &stripe.SetupIntentCreatePaymentMethodDataBillingDetailsParams{Name: stripe.String("Company Corp")},
			},
			Confirm: stripe.Bool(true),
			MandateData: &stripe.SetupIntentCreateMandateDataParams{CustomerAcceptance: &stripe.SetupIntentCreateMandateDataCustomerAcceptanceParams{
				Type: stripe.String("online"),
				Online: &stripe.SetupIntentCreateMandateDataCustomerAcceptanceOnlineParams{
					IPAddress: stripe.String("123.123.123.123"),
					UserAgent: stripe.String("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/91.0.4472.114 Safari/537.36"),
				},
			}},
		}
		onBehalf(params)
		var err error
		intent, err = sc.V1SetupIntents.Create(c, params)
		require.NoError(t, err)
		// The guide's response.
		assert.Equal(t, "setup_intent", intent.Object)
		assert.True(t, strings.HasPrefix(intent.ID, "seti_"), intent.ID)
		assert.Equal(t, stripe.SetupIntentStatusRequiresAction, intent.Status)
		assert.Equal(t, []string{"us_bank_account"}, intent.PaymentMethodTypes)
		require.NotNil(t, intent.PaymentMethod)
		assert.True(t, strings.HasPrefix(intent.PaymentMethod.ID, "pm_"), intent.PaymentMethod.ID)
		require.NotNil(t, intent.NextAction)
		assert.Equal(t, stripe.SetupIntentNextActionType("verify_with_microdeposits"), intent.NextAction.Type)
		v := intent.NextAction.VerifyWithMicrodeposits
		require.NotNil(t, v)
		assert.NotZero(t, v.ArrivalDate)
		assert.NotEmpty(t, v.HostedVerificationURL)
		assert.Contains(t, []stripe.SetupIntentNextActionVerifyWithMicrodepositsMicrodepositType{"amounts", "descriptor_code"}, v.MicrodepositType)
	})
	f.check("next_action_of_its_type_only", func(t T) {
		na := rawKeys(t, rawField(t, lastJSON(t, intent.LastResponse), "next_action"))
		var keys []string
		for k := range na {
			keys = append(keys, k)
		}
		assert.ElementsMatch(t, []string{"type", "verify_with_microdeposits"}, keys)
	})
	f.check("hosted_verification_page", func(t T) {
		// A wrong code entered on the page is refused and counted; the
		// API verifies with the right one next.
		page := intent.NextAction.VerifyWithMicrodeposits.HostedVerificationURL
		fetchForm(t, page)
		resp := postForm(t, page, url.Values{"descriptor_code": {"SM00XX"}})
		assert.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
		assert.Contains(t, readBody(t, resp), "9 attempts left")
	})
	f.step("verify_microdeposits", func(t T) {
		params := &stripe.SetupIntentVerifyMicrodepositsParams{DescriptorCode: stripe.String("SM11AA")}
		onBehalf(params)
		got, err := sc.V1SetupIntents.VerifyMicrodeposits(c, intent.ID, params)
		require.NoError(t, err)
		assert.Equal(t, stripe.SetupIntentStatusSucceeded, got.Status)
		assert.Nil(t, got.NextAction)
		em.hooks.waitEvent(t, stripe.EventTypeSetupIntentSucceeded, func(ev stripe.Event) bool { return objectID(ev) == intent.ID })
	})
	f.check("account_session", func(t T) {
		s, err := sc.V1AccountSessions.Create(c, &stripe.AccountSessionCreateParams{
			Account: stripe.String(acct.ID),
			Components: &stripe.AccountSessionCreateComponentsParams{
				FinancialAccount: &stripe.AccountSessionCreateComponentsFinancialAccountParams{
					Enabled: stripe.Bool(true),
					Features: &stripe.AccountSessionCreateComponentsFinancialAccountFeaturesParams{
						SendMoney: stripe.Bool(true), TransferBalance: stripe.Bool(true), ExternalAccountCollection: stripe.Bool(true),
					},
				},
				IssuingCardsList: &stripe.AccountSessionCreateComponentsIssuingCardsListParams{
					Enabled: stripe.Bool(true),
					Features: &stripe.AccountSessionCreateComponentsIssuingCardsListFeaturesParams{
						CardManagement: stripe.Bool(true), CardholderManagement: stripe.Bool(true),
						CardSpendDisputeManagement: stripe.Bool(true), SpendControlManagement: stripe.Bool(true),
					},
				},
			},
		})
		require.NoError(t, err)
		assert.Equal(t, "account_session", s.Object)
		assert.Equal(t, acct.ID, s.Account)
		assert.NotEmpty(t, s.ClientSecret)
		assert.NotZero(t, s.ExpiresAt)
		require.NotNil(t, s.Components)
		require.NotNil(t, s.Components.FinancialAccount)
		assert.True(t, s.Components.FinancialAccount.Enabled)
		require.NotNil(t, s.Components.FinancialAccount.Features)
		assert.True(t, s.Components.FinancialAccount.Features.SendMoney)
		assert.True(t, s.Components.FinancialAccount.Features.TransferBalance)
		require.NotNil(t, s.Components.IssuingCardsList)
		assert.True(t, s.Components.IssuingCardsList.Enabled)
	})

	balance := func(t T) *stripe.TreasuryFinancialAccountBalance {
		t.Helper()
		params := &stripe.TreasuryFinancialAccountRetrieveParams{}
		onBehalf(params)
		got, err := sc.V1TreasuryFinancialAccounts.Retrieve(c, fa.ID, params)
		require.NoError(t, err)
		require.NotNil(t, got.Balance)
		return got.Balance
	}
	assertBalance := func(t T, cash, inbound, outbound int64) {
		t.Helper()
		b := balance(t)
		assert.Equal(t, map[string]int64{"usd": cash}, b.Cash, "cash")
		assert.Equal(t, map[string]int64{"usd": inbound}, b.InboundPending, "inbound_pending")
		assert.Equal(t, map[string]int64{"usd": outbound}, b.OutboundPending, "outbound_pending")
	}

	// $200.00 in, as the guide's balances assume: $150.00 received, then
	// $50.00 pulled from the verified bank account.
	f.step("received_credit", func(t T) {
		params := &stripe.TestHelpersTreasuryReceivedCreditCreateParams{
			FinancialAccount: stripe.String(fa.ID), Amount: stripe.Int64(15000), Currency: stripe.String("usd"), Network: stripe.String("ach"),
		}
		onBehalf(params)
		rc, err := sc.V1TestHelpersTreasuryReceivedCredits.Create(c, params)
		require.NoError(t, err)
		assert.Equal(t, "treasury.received_credit", rc.Object)
		assert.Equal(t, stripe.TreasuryReceivedCreditStatusSucceeded, rc.Status)
		assert.Equal(t, int64(15000), rc.Amount)
		assertBalance(t, 15000, 0, 0)
	})
	var ibt *stripe.TreasuryInboundTransfer
	f.step("inbound_transfer", func(t T) {
		params := &stripe.TreasuryInboundTransferCreateParams{
			FinancialAccount: stripe.String(fa.ID), Amount: stripe.Int64(5000), Currency: stripe.String("usd"),
			OriginPaymentMethod: stripe.String(intent.PaymentMethod.ID), Description: stripe.String("Funding"),
		}
		onBehalf(params)
		var err error
		ibt, err = sc.V1TreasuryInboundTransfers.Create(c, params)
		require.NoError(t, err)
		assert.Equal(t, "treasury.inbound_transfer", ibt.Object)
		assert.Equal(t, stripe.TreasuryInboundTransferStatusProcessing, ibt.Status)
		assert.Equal(t, intent.PaymentMethod.ID, ibt.OriginPaymentMethod)
		assertBalance(t, 15000, 5000, 0)

		sp := &stripe.TestHelpersTreasuryInboundTransferSucceedParams{}
		onBehalf(sp)
		got, err := sc.V1TestHelpersTreasuryInboundTransfers.Succeed(c, ibt.ID, sp)
		require.NoError(t, err)
		assert.Equal(t, stripe.TreasuryInboundTransferStatusSucceeded, got.Status)
		assertBalance(t, 20000, 0, 0)
		em.hooks.waitEvent(t, stripe.EventTypeTreasuryInboundTransferSucceeded, func(ev stripe.Event) bool { return objectID(ev) == ibt.ID })
	})
	f.check("list_inbound_transfers", func(t T) {
		params := &stripe.TreasuryInboundTransferListParams{FinancialAccount: stripe.String(fa.ID)}
		onBehalf(params)
		var ids []string
		for x, err := range sc.V1TreasuryInboundTransfers.List(c, params).All(c) {
			require.NoError(t, err)
			ids = append(ids, x.ID)
		}
		assert.Equal(t, []string{ibt.ID}, ids)
	})

	var card *stripe.IssuingCard
	f.step("cardholder_and_card", func(t T) {
		hp := &stripe.IssuingCardholderCreateParams{
			Type: stripe.String("individual"), Name: stripe.String("Jenny Rosen"), Email: stripe.String("jenny.rosen@example.com"),
			Billing: &stripe.IssuingCardholderCreateBillingParams{Address: &stripe.AddressParams{
				Line1: stripe.String("1234 Main Street"), City: stripe.String("San Francisco"), State: stripe.String("CA"),
				PostalCode: stripe.String("94111"), Country: stripe.String("US"),
			}},
		}
		onBehalf(hp)
		holder, err := sc.V1IssuingCardholders.Create(c, hp)
		require.NoError(t, err)
		assert.Equal(t, "issuing.cardholder", holder.Object)
		assert.True(t, strings.HasPrefix(holder.ID, "ich_"), holder.ID)
		assert.Equal(t, "Jenny Rosen", holder.Name)

		cp := &stripe.IssuingCardCreateParams{
			Cardholder: stripe.String(holder.ID), Currency: stripe.String("usd"), Type: stripe.String("virtual"),
			Status: stripe.String("active"), FinancialAccount: stripe.String(fa.ID),
		}
		onBehalf(cp)
		card, err = sc.V1IssuingCards.Create(c, cp)
		require.NoError(t, err)
		assert.Equal(t, "issuing.card", card.Object)
		assert.True(t, strings.HasPrefix(card.ID, "ic_"), card.ID)
		assert.Equal(t, stripe.IssuingCardStatusActive, card.Status)
		assert.Equal(t, stripe.IssuingCardTypeVirtual, card.Type)
		assert.Equal(t, fa.ID, card.FinancialAccount)
		assert.Len(t, card.Last4, 4)
		require.NotNil(t, card.Cardholder)
		assert.Equal(t, holder.ID, card.Cardholder.ID)
	})
	f.check("card_default_shape", func(t T) {
		assertAbsent(t, lastJSON(t, card.LastResponse), "number", "cvc")
	})
	f.check("card_number_on_expand", func(t T) {
		params := &stripe.IssuingCardRetrieveParams{}
		params.AddExpand("number")
		params.AddExpand("cvc")
		onBehalf(params)
		got, err := sc.V1IssuingCards.Retrieve(c, card.ID, params)
		require.NoError(t, err)
		assert.Len(t, got.Number, 16)
		assert.True(t, strings.HasSuffix(got.Number, card.Last4))
		assert.Len(t, got.CVC, 3)
	})

	var auth *stripe.IssuingAuthorization
	f.step("authorization", func(t T) {
		params := &stripe.TestHelpersIssuingAuthorizationCreateParams{
			Card: stripe.String(card.ID), Amount: stripe.Int64(1000), AuthorizationMethod: stripe.String("chip"),
			MerchantData: &stripe.TestHelpersIssuingAuthorizationCreateMerchantDataParams{
				Category: stripe.String("taxicabs_limousines"), City: stripe.String("San Francisco"), Country: stripe.String("US"),
				Name: stripe.String("Rocket Rides"), NetworkID: stripe.String("1234567890"), PostalCode: stripe.String("94107"), State: stripe.String("CA"),
			},
		}
		onBehalf(params)
		var err error
		auth, err = sc.V1TestHelpersIssuingAuthorizations.Create(c, params)
		require.NoError(t, err)
		// The guide's response.
		assert.Equal(t, "issuing.authorization", auth.Object)
		assert.True(t, strings.HasPrefix(auth.ID, "iauth_"), auth.ID)
		assert.Equal(t, int64(1000), auth.Amount)
		assert.Equal(t, stripe.IssuingAuthorizationStatusPending, auth.Status)
		assert.True(t, auth.Approved)
		assert.Empty(t, auth.Transactions)
		assert.JSONEq(t, `[]`, string(rawField(t, lastJSON(t, auth.LastResponse), "transactions")))
		require.NotNil(t, auth.MerchantData)
		assert.Equal(t, "Rocket Rides", auth.MerchantData.Name)
		assert.Equal(t, "taxicabs_limousines", auth.MerchantData.Category)
		em.hooks.waitEvent(t, stripe.EventTypeIssuingAuthorizationCreated, func(ev stripe.Event) bool { return objectID(ev) == auth.ID })
	})
	f.check("balance_after_authorization", func(t T) {
		assertBalance(t, 19000, 0, 1000) // the guide: $190.00 available, $10.00 outbound pending
	})
	f.step("capture", func(t T) {
		params := &stripe.TestHelpersIssuingAuthorizationCaptureParams{}
		onBehalf(params)
		got, err := sc.V1TestHelpersIssuingAuthorizations.Capture(c, auth.ID, params)
		require.NoError(t, err)
		assert.Equal(t, stripe.IssuingAuthorizationStatusClosed, got.Status)
		require.Len(t, got.Transactions, 1)
		assert.Equal(t, int64(-1000), got.Transactions[0].Amount)
		assert.Equal(t, stripe.IssuingTransactionTypeCapture, got.Transactions[0].Type)
	})
	f.check("issuing_transactions", func(t T) {
		params := &stripe.IssuingTransactionListParams{Card: stripe.String(card.ID)}
		onBehalf(params)
		var txns []*stripe.IssuingTransaction
		for x, err := range sc.V1IssuingTransactions.List(c, params).All(c) {
			require.NoError(t, err)
			txns = append(txns, x)
		}
		require.Len(t, txns, 1)
		assert.Equal(t, "issuing.transaction", txns[0].Object)
		assert.Equal(t, int64(-1000), txns[0].Amount)
		require.NotNil(t, txns[0].Authorization)
		assert.Equal(t, auth.ID, txns[0].Authorization.ID)
	})
	f.check("received_debit_webhook", func(t T) {
		// "un webhook ReceivedDebit est créé"
		ev := em.hooks.waitEvent(t, stripe.EventTypeTreasuryReceivedDebitCreated, func(ev stripe.Event) bool {
			return eventField(ev, "financial_account") == fa.ID
		})
		assert.Equal(t, float64(1000), eventField(ev, "amount"))
		assert.Equal(t, acct.ID, ev.Account)
	})
	f.check("balance_after_capture", func(t T) {
		assertBalance(t, 19000, 0, 0) // the guide: outbound_pending back to $0, $190.00 available
	})
	f.check("declined_over_balance", func(t T) {
		params := &stripe.TestHelpersIssuingAuthorizationCreateParams{Card: stripe.String(card.ID), Amount: stripe.Int64(50000)}
		onBehalf(params)
		big, err := sc.V1TestHelpersIssuingAuthorizations.Create(c, params)
		require.NoError(t, err)
		assert.False(t, big.Approved)
		assert.Equal(t, stripe.IssuingAuthorizationStatusClosed, big.Status)
		require.NotEmpty(t, big.RequestHistory)
		assert.Equal(t, stripe.IssuingAuthorizationRequestHistoryReason("insufficient_funds"), big.RequestHistory[0].Reason)
		assertBalance(t, 19000, 0, 0)
	})
	f.check("outbound_transfer", func(t T) {
		params := &stripe.TreasuryOutboundTransferCreateParams{
			FinancialAccount: stripe.String(fa.ID), Amount: stripe.Int64(2500), Currency: stripe.String("usd"),
			DestinationPaymentMethod: stripe.String(intent.PaymentMethod.ID),
		}
		onBehalf(params)
		ot, err := sc.V1TreasuryOutboundTransfers.Create(c, params)
		require.NoError(t, err)
		assert.Equal(t, "treasury.outbound_transfer", ot.Object)
		assert.Equal(t, stripe.TreasuryOutboundTransferStatusProcessing, ot.Status)
		assertBalance(t, 16500, 0, 2500)
		pp := &stripe.TestHelpersTreasuryOutboundTransferPostParams{}
		onBehalf(pp)
		posted, err := sc.V1TestHelpersTreasuryOutboundTransfers.Post(c, ot.ID, pp)
		require.NoError(t, err)
		assert.Equal(t, stripe.TreasuryOutboundTransferStatusPosted, posted.Status)
		assertBalance(t, 16500, 0, 0)
	})
	f.check("treasury_transactions", func(t T) {
		params := &stripe.TreasuryTransactionListParams{FinancialAccount: stripe.String(fa.ID)}
		params.Limit = stripe.Int64(2)
		onBehalf(params)
		var flows []string
		for x, err := range sc.V1TreasuryTransactions.List(c, params).All(c) {
			require.NoError(t, err)
			assert.Equal(t, "treasury.transaction", x.Object)
			flows = append(flows, string(x.FlowType))
		}
		slices.Sort(flows)
		assert.Equal(t, []string{"inbound_transfer", "issuing_authorization", "outbound_transfer", "received_credit"}, flows)
	})
	f.check("webhooks_verify", func(t T) {
		checkWebhooks(t, c, em.hooks, eventSource{sc, ""}, eventSource{sc, acct.ID})
	})
}
