package conformance

import (
	"context"
	"errors"
	"fmt"
	"iter"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/connect"
)

// Identifiers shared by the cases of several packages. They follow the
// shapes of real Stripe IDs; stripe-mock accepts any ID and answers with its
// fixture for the resource.
const (
	connectedAccountID = "acct_1Nv0FGQ9RKHgCVdK"
	customerID         = "cus_PfN2t2xmGdy6WU"
	paymentMethodID    = "pm_1NvPzAQ9RKHgCVdKkZtLkDcT"
	financialAccountID = "fa_1Nv0FhQ9RKHgCVdKbQmw9Ee2"
	// tosAcceptedAt is when the account representative accepted the terms
	// of service (Unix seconds), sent with the acceptance records.
	tosAcceptedAt = int64(1706742786)
	clientIP      = "123.123.123.123"
	clientUA      = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/91.0.4472.114 Safari/537.36"
)

// expectObject checks the type of a returned object and, when wantID is not
// empty, its ID. stripe-mock echoes the path ID on retrievals and updates but
// answers most action endpoints (refresh, test helpers) with a generated ID,
// so those cases check the type only.
func expectObject(object, id, wantObject, wantID string) error {
	if object != wantObject {
		return fmt.Errorf("object is %q, want %q", object, wantObject)
	}
	if wantID != "" && id != wantID {
		return fmt.Errorf("%s id is %q, want %q", object, id, wantID)
	}
	return nil
}

// firstPageItem checks that a page is a non-empty list and returns its first
// object.
func firstPageItem[T any](page *embedfin.List[T]) (*T, error) {
	if page == nil {
		return nil, errors.New("nil page")
	}
	if page.Object != "list" {
		return nil, fmt.Errorf("page object is %q, want \"list\"", page.Object)
	}
	if len(page.Data) == 0 || page.Data[0] == nil {
		return nil, errors.New("page holds no object")
	}
	return page.Data[0], nil
}

// firstYielded takes the first object an iterator yields and breaks out of
// the loop, so no further page is fetched.
func firstYielded[T any](seq iter.Seq2[*T, error]) (*T, error) {
	for item, err := range seq {
		if err != nil {
			return nil, err
		}
		if item == nil {
			return nil, errors.New("iterator yielded a nil object")
		}
		return item, nil
	}
	return nil, errors.New("iterator yielded nothing")
}

func init() {
	register(
		// The connected account of the embedded-finance guide: US, no Stripe
		// dashboard, the platform paying fees, bearing losses and collecting
		// requirements, with the Issuing and Treasury capabilities.
		endpointCase{"connect/Accounts.Create", func(ctx context.Context, c *embedfin.Client) error {
			got, err := connect.New(c).Accounts.Create(ctx, &connect.AccountCreateParams{
				Country:      embedfin.Ptr("US"),
				Email:        embedfin.Ptr("jenny.rosen@example.com"),
				BusinessType: embedfin.Ptr(connect.AccountBusinessTypeCompany),
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
					Transfers:                &embedfin.AccessParams{Requested: embedfin.Ptr(true)},
					CardIssuing:              &embedfin.AccessParams{Requested: embedfin.Ptr(true)},
					Treasury:                 &embedfin.AccessParams{Requested: embedfin.Ptr(true)},
					USBankAccountACHPayments: &embedfin.AccessParams{Requested: embedfin.Ptr(true)},
				},
				BusinessProfile: &connect.AccountBusinessProfileParams{
					Name:               embedfin.Ptr("Rocket Rides"),
					MCC:                embedfin.Ptr("4121"),
					URL:                embedfin.Ptr("https://rocketrides.example.com"),
					ProductDescription: embedfin.Ptr("Ride sharing for the San Francisco Bay Area"),
					SupportEmail:       embedfin.Ptr("support@rocketrides.example.com"),
				},
				Company: &connect.AccountCompanyParams{
					Name:  embedfin.Ptr("Rocket Rides Inc."),
					Phone: embedfin.Ptr("+14155550123"),
					TaxID: embedfin.Ptr("000000000"),
					Address: &embedfin.AddressParams{
						Line1:      embedfin.Ptr("354 Oyster Point Blvd"),
						City:       embedfin.Ptr("South San Francisco"),
						State:      embedfin.Ptr("CA"),
						PostalCode: embedfin.Ptr("94080"),
						Country:    embedfin.Ptr("US"),
					},
				},
				Settings: &connect.AccountSettingsParams{
					CardIssuing: &connect.AccountSettingsCardIssuingParams{
						TOSAcceptance: &connect.AccountSettingsCardIssuingTOSAcceptanceParams{
							Date:      embedfin.Ptr(tosAcceptedAt),
							IP:        embedfin.Ptr(clientIP),
							UserAgent: embedfin.Ptr(clientUA),
						},
					},
					Treasury: &connect.AccountSettingsTreasuryParams{
						TOSAcceptance: &connect.AccountSettingsTreasuryTOSAcceptanceParams{
							Date:      embedfin.Ptr(tosAcceptedAt),
							IP:        embedfin.Ptr(clientIP),
							UserAgent: embedfin.Ptr(clientUA),
						},
					},
				},
				TOSAcceptance: &connect.AccountTOSAcceptanceParams{
					Date: embedfin.Ptr(tosAcceptedAt),
					IP:   embedfin.Ptr(clientIP),
				},
				Metadata: map[string]string{"platform_customer_id": "rr_4812"},
			}, embedfin.WithIdempotencyKey("onboard-rocket-rides-4812"))
			if err != nil {
				return err
			}
			if err := expectObject(got.Object, got.ID, "account", ""); err != nil {
				return err
			}
			if got.ID == "" {
				return errors.New("created account has no id")
			}
			if got.LastResponse == nil || got.LastResponse.IdempotencyKey != "onboard-rocket-rides-4812" {
				return fmt.Errorf("idempotency key not recorded on the response: %+v", got.LastResponse)
			}
			return nil
		}},
		endpointCase{"connect/Accounts.List", func(ctx context.Context, c *embedfin.Client) error {
			page, err := connect.New(c).Accounts.List(ctx, &connect.AccountListParams{
				ListParams:   embedfin.ListParams{Limit: embedfin.Ptr(int64(20))},
				CreatedRange: &embedfin.RangeQueryParams{GreaterThanOrEqual: embedfin.Ptr(int64(1704067200))},
			})
			if err != nil {
				return err
			}
			first, err := firstPageItem(page)
			if err != nil {
				return err
			}
			return expectObject(first.Object, first.ID, "account", "")
		}},
		endpointCase{"connect/Accounts.All", func(ctx context.Context, c *embedfin.Client) error {
			first, err := firstYielded(connect.New(c).Accounts.All(ctx, &connect.AccountListParams{
				ListParams: embedfin.ListParams{Limit: embedfin.Ptr(int64(100))},
			}))
			if err != nil {
				return err
			}
			return expectObject(first.Object, first.ID, "account", "")
		}},
		endpointCase{"connect/Accounts.Retrieve", func(ctx context.Context, c *embedfin.Client) error {
			got, err := connect.New(c).Accounts.Retrieve(ctx, connectedAccountID, nil)
			if err != nil {
				return err
			}
			return expectObject(got.Object, got.ID, "account", connectedAccountID)
		}},
		// Adding the Issuing and Treasury capabilities to an existing account,
		// as the guide does for accounts created before.
		endpointCase{"connect/Accounts.Update", func(ctx context.Context, c *embedfin.Client) error {
			got, err := connect.New(c).Accounts.Update(ctx, connectedAccountID, &connect.AccountUpdateParams{
				Email: embedfin.Ptr("jenny.rosen@example.com"),
				Capabilities: &connect.AccountCapabilitiesParams{
					Transfers:   &embedfin.AccessParams{Requested: embedfin.Ptr(true)},
					Treasury:    &embedfin.AccessParams{Requested: embedfin.Ptr(true)},
					CardIssuing: &embedfin.AccessParams{Requested: embedfin.Ptr(true)},
				},
				Metadata: map[string]string{"onboarding_step": "capabilities_requested"},
			})
			if err != nil {
				return err
			}
			return expectObject(got.Object, got.ID, "account", connectedAccountID)
		}},
		// Weekly payouts on Fridays, as early as the account's country allows.
		endpointCase{"connect/Accounts.Update/payout_schedule", func(ctx context.Context, c *embedfin.Client) error {
			got, err := connect.New(c).Accounts.Update(ctx, connectedAccountID, &connect.AccountUpdateParams{
				Settings: &connect.AccountSettingsParams{
					Payouts: &connect.AccountSettingsPayoutsParams{
						Schedule: &connect.AccountSettingsPayoutsScheduleParams{
							Interval:        embedfin.Ptr(connect.AccountSettingsPayoutsScheduleIntervalWeekly),
							WeeklyAnchor:    embedfin.Ptr(connect.AccountSettingsPayoutsScheduleWeeklyAnchorFriday),
							DelayDaysString: embedfin.Ptr(connect.AccountSettingsPayoutsScheduleDelayDaysMinimum),
						},
						StatementDescriptor: embedfin.Ptr("ROCKET RIDES"),
					},
				},
			}, embedfin.WithIdempotencyKey("payout-schedule-weekly-friday"))
			if err != nil {
				return err
			}
			return expectObject(got.Object, got.ID, "account", connectedAccountID)
		}},
		endpointCase{"connect/Accounts.Delete", func(ctx context.Context, c *embedfin.Client) error {
			got, err := connect.New(c).Accounts.Delete(ctx, "acct_1OaDeletedQ9RKHgCV", nil)
			if err != nil {
				return err
			}
			if !got.Deleted {
				return errors.New("deleted flag not set")
			}
			return expectObject(got.Object, got.ID, "account", "acct_1OaDeletedQ9RKHgCV")
		}},
		endpointCase{"connect/AccountLinks.Create", func(ctx context.Context, c *embedfin.Client) error {
			got, err := connect.New(c).AccountLinks.Create(ctx, &connect.AccountLinkCreateParams{
				Account:    embedfin.Ptr(connectedAccountID),
				RefreshURL: embedfin.Ptr("https://example.com/reauth"),
				ReturnURL:  embedfin.Ptr("https://example.com/return"),
				Type:       embedfin.Ptr(connect.AccountLinkTypeAccountOnboarding),
				CollectionOptions: &connect.AccountLinkCollectionOptionsParams{
					Fields:             embedfin.Ptr(connect.RequirementsToCollectEventuallyDue),
					FutureRequirements: embedfin.Ptr(connect.AccountLinkCollectionOptionsFutureRequirementsInclude),
				},
			})
			if err != nil {
				return err
			}
			if err := expectObject(got.Object, "", "account_link", ""); err != nil {
				return err
			}
			if got.URL == "" {
				return errors.New("account link has no url")
			}
			return nil
		}},
		endpointCase{"connect/AccountSessions.Create/financial_account", func(ctx context.Context, c *embedfin.Client) error {
			got, err := connect.New(c).AccountSessions.Create(ctx, &connect.AccountSessionCreateParams{
				Account: embedfin.Ptr(connectedAccountID),
				Components: &connect.AccountSessionComponentsParams{
					FinancialAccount: &connect.AccountSessionComponentsFinancialAccountParams{
						Enabled: embedfin.Ptr(true),
						Features: &connect.AccountSessionComponentsFinancialAccountFeaturesParams{
							SendMoney:                 embedfin.Ptr(true),
							TransferBalance:           embedfin.Ptr(true),
							ExternalAccountCollection: embedfin.Ptr(true),
						},
					},
					FinancialAccountTransactions: &connect.AccountSessionComponentsFinancialAccountTransactionsParams{
						Enabled: embedfin.Ptr(true),
						Features: &connect.AccountSessionComponentsFinancialAccountTransactionsFeaturesParams{
							CardSpendDisputeManagement: embedfin.Ptr(true),
						},
					},
				},
			})
			if err != nil {
				return err
			}
			if err := expectObject(got.Object, "", "account_session", ""); err != nil {
				return err
			}
			if got.ClientSecret == "" {
				return errors.New("account session has no client_secret")
			}
			return nil
		}},
		endpointCase{"connect/AccountSessions.Create/issuing_cards_list", func(ctx context.Context, c *embedfin.Client) error {
			got, err := connect.New(c).AccountSessions.Create(ctx, &connect.AccountSessionCreateParams{
				Account: embedfin.Ptr(connectedAccountID),
				Components: &connect.AccountSessionComponentsParams{
					IssuingCardsList: &connect.AccountSessionComponentsIssuingCardsListParams{
						Enabled: embedfin.Ptr(true),
						Features: &connect.AccountSessionComponentsIssuingCardsListFeaturesParams{
							CardManagement:             embedfin.Ptr(true),
							CardholderManagement:       embedfin.Ptr(true),
							CardSpendDisputeManagement: embedfin.Ptr(true),
							SpendControlManagement:     embedfin.Ptr(true),
						},
					},
				},
			})
			if err != nil {
				return err
			}
			return expectObject(got.Object, "", "account_session", "")
		}},
	)
}
