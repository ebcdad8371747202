package conformance

import (
	"context"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/issuing"
)

const (
	cardholderID         = "ich_1NvPyN2SSJdH5vn2ieK4OZ5S"
	cardID               = "ic_1NvPyO2SSJdH5vn2Vy3SbGhN"
	authorizationID      = "iauth_1NvPyY2SSJdH5vn2xZQE8C7k"
	issuingTransactionID = "ipi_1NvQ2w2SSJdH5vn2m0h3nWcA"
)

// headquarters is the connected account's head office, the billing address
// of its cardholders.
func headquarters() *embedfin.AddressParams {
	return &embedfin.AddressParams{
		Line1:      embedfin.Ptr("1234 Main Street"),
		Line2:      embedfin.Ptr("Floor 3"),
		City:       embedfin.Ptr("San Francisco"),
		State:      embedfin.Ptr("CA"),
		PostalCode: embedfin.Ptr("94111"),
		Country:    embedfin.Ptr("US"),
	}
}

func init() {
	register(
		// An employee of the connected account who may spend from its
		// financial account.
		endpointCase{"issuing/Cardholders.Create", func(ctx context.Context, c *embedfin.Client) error {
			got, err := issuing.New(c).Cardholders.Create(ctx, &issuing.CardholderCreateParams{
				Type:        embedfin.Ptr(issuing.CardholderTypeIndividual),
				Name:        embedfin.Ptr("Jenny Rosen"),
				Email:       embedfin.Ptr("jenny.rosen@example.com"),
				PhoneNumber: embedfin.Ptr("+18008675309"),
				Status:      embedfin.Ptr(issuing.CardholderStatusActive),
				Billing:     &issuing.CardholderBillingParams{Address: headquarters()},
				Individual: &issuing.CardholderIndividualParams{
					FirstName: embedfin.Ptr("Jenny"),
					LastName:  embedfin.Ptr("Rosen"),
					DOB: &embedfin.DateParams{
						Day:   embedfin.Ptr(int64(1)),
						Month: embedfin.Ptr(int64(11)),
						Year:  embedfin.Ptr(int64(1981)),
					},
					CardIssuing: &issuing.CardholderIndividualCardIssuingParams{
						UserTermsAcceptance: &issuing.CardholderIndividualCardIssuingUserTermsAcceptanceParams{
							Date:      embedfin.Ptr(tosAcceptedAt),
							IP:        embedfin.Ptr(clientIP),
							UserAgent: embedfin.Ptr(clientUA),
						},
					},
				},
				PreferredLocales: []issuing.CardholderPreferredLocale{issuing.CardholderPreferredLocaleEn},
				SpendingControls: &issuing.CardholderSpendingControlsParams{
					SpendingLimitsCurrency: embedfin.Ptr("usd"),
					SpendingLimits: []*issuing.CardholderSpendingControlsSpendingLimitParams{
						{Amount: embedfin.Ptr(int64(500000)), Interval: embedfin.Ptr(issuing.SpendingControlsSpendingLimitIntervalMonthly)},
					},
					BlockedCategories: []issuing.MerchantCategory{
						issuing.MerchantCategoryBettingCasinoGambling,
					},
				},
				Metadata: map[string]string{"employee_id": "emp_118"},
			}, embedfin.WithStripeAccount(connectedAccountID))
			if err != nil {
				return err
			}
			return expectObject(got.Object, got.ID, "issuing.cardholder", "")
		}},
		endpointCase{"issuing/Cardholders.List", func(ctx context.Context, c *embedfin.Client) error {
			page, err := issuing.New(c).Cardholders.List(ctx, &issuing.CardholderListParams{
				ListParams: embedfin.ListParams{Limit: embedfin.Ptr(int64(10))},
				Status:     embedfin.Ptr(issuing.CardholderStatusActive),
				Type:       embedfin.Ptr(issuing.CardholderTypeIndividual),
			})
			if err != nil {
				return err
			}
			first, err := firstPageItem(page)
			if err != nil {
				return err
			}
			return expectObject(first.Object, first.ID, "issuing.cardholder", "")
		}},
		endpointCase{"issuing/Cardholders.All", func(ctx context.Context, c *embedfin.Client) error {
			first, err := firstYielded(issuing.New(c).Cardholders.All(ctx, &issuing.CardholderListParams{
				ListParams: embedfin.ListParams{Limit: embedfin.Ptr(int64(100))},
				Email:      embedfin.Ptr("jenny.rosen@example.com"),
			}))
			if err != nil {
				return err
			}
			return expectObject(first.Object, first.ID, "issuing.cardholder", "")
		}},
		endpointCase{"issuing/Cardholders.Retrieve", func(ctx context.Context, c *embedfin.Client) error {
			got, err := issuing.New(c).Cardholders.Retrieve(ctx, cardholderID, nil)
			if err != nil {
				return err
			}
			return expectObject(got.Object, got.ID, "issuing.cardholder", cardholderID)
		}},
		endpointCase{"issuing/Cardholders.Update", func(ctx context.Context, c *embedfin.Client) error {
			got, err := issuing.New(c).Cardholders.Update(ctx, cardholderID, &issuing.CardholderUpdateParams{
				Billing:     &issuing.CardholderBillingParams{Address: headquarters()},
				PhoneNumber: embedfin.Ptr("+18008675310"),
				SpendingControls: &issuing.CardholderSpendingControlsParams{
					SpendingLimits: []*issuing.CardholderSpendingControlsSpendingLimitParams{
						{Amount: embedfin.Ptr(int64(750000)), Interval: embedfin.Ptr(issuing.SpendingControlsSpendingLimitIntervalMonthly)},
					},
				},
				Metadata: map[string]string{"team": "operations"},
			})
			if err != nil {
				return err
			}
			return expectObject(got.Object, got.ID, "issuing.cardholder", cardholderID)
		}},
		// A virtual card spending from the connected account's financial
		// account, active from the start.
		endpointCase{"issuing/Cards.Create", func(ctx context.Context, c *embedfin.Client) error {
			got, err := issuing.New(c).Cards.Create(ctx, &issuing.CardCreateParams{
				Cardholder:       embedfin.Ptr(cardholderID),
				Currency:         embedfin.Ptr("usd"),
				Type:             embedfin.Ptr(issuing.CardTypeVirtual),
				Status:           embedfin.Ptr(issuing.CardStatusActive),
				FinancialAccount: embedfin.Ptr(financialAccountID),
				SpendingControls: &issuing.CardSpendingControlsParams{
					SpendingLimits: []*issuing.CardSpendingControlsSpendingLimitParams{
						{Amount: embedfin.Ptr(int64(100000)), Interval: embedfin.Ptr(issuing.SpendingControlsSpendingLimitIntervalPerAuthorization)},
					},
					AllowedCategories: []issuing.MerchantCategory{
						issuing.MerchantCategoryTaxicabsLimousines,
					},
				},
				Metadata: map[string]string{"purpose": "rides"},
			}, embedfin.WithStripeAccount(connectedAccountID), embedfin.WithIdempotencyKey("card-emp_118-rides"))
			if err != nil {
				return err
			}
			return expectObject(got.Object, got.ID, "issuing.card", "")
		}},
		endpointCase{"issuing/Cards.List", func(ctx context.Context, c *embedfin.Client) error {
			page, err := issuing.New(c).Cards.List(ctx, &issuing.CardListParams{
				ListParams: embedfin.ListParams{Limit: embedfin.Ptr(int64(10))},
				Cardholder: embedfin.Ptr(cardholderID),
				Type:       embedfin.Ptr(issuing.CardTypeVirtual),
				Status:     embedfin.Ptr(issuing.CardStatusActive),
			})
			if err != nil {
				return err
			}
			first, err := firstPageItem(page)
			if err != nil {
				return err
			}
			return expectObject(first.Object, first.ID, "issuing.card", "")
		}},
		endpointCase{"issuing/Cards.All", func(ctx context.Context, c *embedfin.Client) error {
			first, err := firstYielded(issuing.New(c).Cards.All(ctx, &issuing.CardListParams{
				ListParams: embedfin.ListParams{Limit: embedfin.Ptr(int64(100))},
				Last4:      embedfin.Ptr("4242"),
			}))
			if err != nil {
				return err
			}
			return expectObject(first.Object, first.ID, "issuing.card", "")
		}},
		endpointCase{"issuing/Cards.Retrieve", func(ctx context.Context, c *embedfin.Client) error {
			got, err := issuing.New(c).Cards.Retrieve(ctx, cardID, nil)
			if err != nil {
				return err
			}
			return expectObject(got.Object, got.ID, "issuing.card", cardID)
		}},
		endpointCase{"issuing/Cards.Update", func(ctx context.Context, c *embedfin.Client) error {
			got, err := issuing.New(c).Cards.Update(ctx, cardID, &issuing.CardUpdateParams{
				Status:   embedfin.Ptr(issuing.CardStatusInactive),
				Metadata: map[string]string{"paused_by": "cardholder"},
			})
			if err != nil {
				return err
			}
			return expectObject(got.Object, got.ID, "issuing.card", cardID)
		}},
		// A card reported lost is canceled for good.
		endpointCase{"issuing/Cards.Update/cancel_lost", func(ctx context.Context, c *embedfin.Client) error {
			got, err := issuing.New(c).Cards.Update(ctx, cardID, &issuing.CardUpdateParams{
				Status:             embedfin.Ptr(issuing.CardStatusCanceled),
				CancellationReason: embedfin.Ptr(issuing.CardCancellationReasonLost),
			})
			if err != nil {
				return err
			}
			return expectObject(got.Object, got.ID, "issuing.card", cardID)
		}},
		endpointCase{"issuing/Authorizations.List", func(ctx context.Context, c *embedfin.Client) error {
			page, err := issuing.New(c).Authorizations.List(ctx, &issuing.AuthorizationListParams{
				ListParams: embedfin.ListParams{Limit: embedfin.Ptr(int64(10))},
				Card:       embedfin.Ptr(cardID),
				Status:     embedfin.Ptr(issuing.AuthorizationStatusPending),
			})
			if err != nil {
				return err
			}
			first, err := firstPageItem(page)
			if err != nil {
				return err
			}
			return expectObject(first.Object, first.ID, "issuing.authorization", "")
		}},
		endpointCase{"issuing/Authorizations.All", func(ctx context.Context, c *embedfin.Client) error {
			first, err := firstYielded(issuing.New(c).Authorizations.All(ctx, &issuing.AuthorizationListParams{
				ListParams:   embedfin.ListParams{Limit: embedfin.Ptr(int64(100))},
				Cardholder:   embedfin.Ptr(cardholderID),
				CreatedRange: &embedfin.RangeQueryParams{GreaterThan: embedfin.Ptr(int64(1704067200))},
			}))
			if err != nil {
				return err
			}
			return expectObject(first.Object, first.ID, "issuing.authorization", "")
		}},
		endpointCase{"issuing/Authorizations.Retrieve", func(ctx context.Context, c *embedfin.Client) error {
			got, err := issuing.New(c).Authorizations.Retrieve(ctx, authorizationID, nil)
			if err != nil {
				return err
			}
			return expectObject(got.Object, got.ID, "issuing.authorization", authorizationID)
		}},
		endpointCase{"issuing/Authorizations.Update", func(ctx context.Context, c *embedfin.Client) error {
			got, err := issuing.New(c).Authorizations.Update(ctx, authorizationID, &issuing.AuthorizationUpdateParams{
				Metadata: map[string]string{"expense_report": "er_2291"},
			})
			if err != nil {
				return err
			}
			return expectObject(got.Object, got.ID, "issuing.authorization", authorizationID)
		}},
		endpointCase{"issuing/Authorizations.Approve", func(ctx context.Context, c *embedfin.Client) error {
			got, err := issuing.New(c).Authorizations.Approve(ctx, authorizationID, &issuing.AuthorizationApproveParams{
				Metadata: map[string]string{"approved_by": "realtime_rules"},
			})
			if err != nil {
				return err
			}
			return expectObject(got.Object, got.ID, "issuing.authorization", authorizationID)
		}},
		endpointCase{"issuing/Authorizations.Decline", func(ctx context.Context, c *embedfin.Client) error {
			got, err := issuing.New(c).Authorizations.Decline(ctx, authorizationID, &issuing.AuthorizationDeclineParams{
				Metadata: map[string]string{"declined_by": "realtime_rules", "rule": "out_of_policy_merchant"},
			})
			if err != nil {
				return err
			}
			return expectObject(got.Object, got.ID, "issuing.authorization", authorizationID)
		}},
		endpointCase{"issuing/Transactions.List", func(ctx context.Context, c *embedfin.Client) error {
			page, err := issuing.New(c).Transactions.List(ctx, &issuing.TransactionListParams{
				ListParams: embedfin.ListParams{Limit: embedfin.Ptr(int64(10))},
				Card:       embedfin.Ptr(cardID),
				Type:       embedfin.Ptr(issuing.TransactionTypeCapture),
			})
			if err != nil {
				return err
			}
			first, err := firstPageItem(page)
			if err != nil {
				return err
			}
			return expectObject(first.Object, first.ID, "issuing.transaction", "")
		}},
		endpointCase{"issuing/Transactions.All", func(ctx context.Context, c *embedfin.Client) error {
			first, err := firstYielded(issuing.New(c).Transactions.All(ctx, &issuing.TransactionListParams{
				ListParams: embedfin.ListParams{Limit: embedfin.Ptr(int64(100))},
				Cardholder: embedfin.Ptr(cardholderID),
			}))
			if err != nil {
				return err
			}
			return expectObject(first.Object, first.ID, "issuing.transaction", "")
		}},
		endpointCase{"issuing/Transactions.Retrieve", func(ctx context.Context, c *embedfin.Client) error {
			got, err := issuing.New(c).Transactions.Retrieve(ctx, issuingTransactionID, nil)
			if err != nil {
				return err
			}
			return expectObject(got.Object, got.ID, "issuing.transaction", issuingTransactionID)
		}},
		endpointCase{"issuing/Transactions.Update", func(ctx context.Context, c *embedfin.Client) error {
			got, err := issuing.New(c).Transactions.Update(ctx, issuingTransactionID, &issuing.TransactionUpdateParams{
				Metadata: map[string]string{"receipt": "uploaded"},
			})
			if err != nil {
				return err
			}
			return expectObject(got.Object, got.ID, "issuing.transaction", issuingTransactionID)
		}},
		// The test authorization of the guide: a 10 USD chip payment to a
		// San Francisco taxi company.
		endpointCase{"issuing/TestHelpers.Authorizations.Create", func(ctx context.Context, c *embedfin.Client) error {
			got, err := issuing.New(c).TestHelpers.Authorizations.Create(ctx, &issuing.AuthorizationTestCreateParams{
				Card:                embedfin.Ptr(cardID),
				Amount:              embedfin.Ptr(int64(1000)),
				Currency:            embedfin.Ptr("usd"),
				AuthorizationMethod: embedfin.Ptr(issuing.AuthorizationAuthorizationMethodChip),
				MerchantData: &issuing.AuthorizationMerchantDataParams{
					Category:   embedfin.Ptr(issuing.MerchantCategoryTaxicabsLimousines),
					City:       embedfin.Ptr("San Francisco"),
					Country:    embedfin.Ptr("US"),
					Name:       embedfin.Ptr("Rocket Rides"),
					NetworkID:  embedfin.Ptr("1234567890"),
					PostalCode: embedfin.Ptr("94107"),
					State:      embedfin.Ptr("CA"),
				},
				VerificationData: &issuing.AuthorizationVerificationDataParams{
					CVCCheck:    embedfin.Ptr(issuing.VerificationCheckMatch),
					ExpiryCheck: embedfin.Ptr(issuing.VerificationCheckMatch),
				},
			}, embedfin.WithStripeAccount(connectedAccountID))
			if err != nil {
				return err
			}
			return expectObject(got.Object, got.ID, "issuing.authorization", "")
		}},
		// A test authorization carrying Stripe's risk signals, to exercise
		// real-time authorization rules that read them.
		endpointCase{"issuing/TestHelpers.Authorizations.Create/risk_assessment", func(ctx context.Context, c *embedfin.Client) error {
			got, err := issuing.New(c).TestHelpers.Authorizations.Create(ctx, &issuing.AuthorizationTestCreateParams{
				Card:                embedfin.Ptr(cardID),
				Amount:              embedfin.Ptr(int64(25999)),
				Currency:            embedfin.Ptr("usd"),
				AuthorizationMethod: embedfin.Ptr(issuing.AuthorizationAuthorizationMethodOnline),
				MerchantData: &issuing.AuthorizationMerchantDataParams{
					Name:    embedfin.Ptr("Gadget Outlet"),
					Country: embedfin.Ptr("US"),
					URL:     embedfin.Ptr("https://gadgets.example.com"),
				},
				RiskAssessment: &issuing.AuthorizationRiskAssessmentParams{
					FraudRisk: &issuing.AuthorizationRiskAssessmentFraudRiskParams{
						Level: embedfin.Ptr(issuing.RiskLevelElevated),
						Score: embedfin.Ptr(72.5),
					},
					MerchantDisputeRisk: &issuing.AuthorizationRiskAssessmentMerchantDisputeRiskParams{
						Level:       embedfin.Ptr(issuing.RiskLevelNormal),
						DisputeRate: embedfin.Ptr(int64(3)),
					},
				},
			})
			if err != nil {
				return err
			}
			return expectObject(got.Object, got.ID, "issuing.authorization", "")
		}},
		// The guide captures the whole authorization.
		endpointCase{"issuing/TestHelpers.Authorizations.Capture", func(ctx context.Context, c *embedfin.Client) error {
			got, err := issuing.New(c).TestHelpers.Authorizations.Capture(ctx, authorizationID, nil)
			if err != nil {
				return err
			}
			return expectObject(got.Object, got.ID, "issuing.authorization", authorizationID)
		}},
		// A partial capture that closes the authorization, with the receipt.
		endpointCase{"issuing/TestHelpers.Authorizations.Capture/partial", func(ctx context.Context, c *embedfin.Client) error {
			got, err := issuing.New(c).TestHelpers.Authorizations.Capture(ctx, authorizationID, &issuing.AuthorizationTestCaptureParams{
				CaptureAmount:      embedfin.Ptr(int64(800)),
				CloseAuthorization: embedfin.Ptr(true),
				PurchaseDetails: &issuing.AuthorizationPurchaseDetailsParams{
					Reference: embedfin.Ptr("ride_5521"),
					Receipt: []*issuing.AuthorizationPurchaseDetailsReceiptParams{
						{Description: embedfin.Ptr("Ride to SFO"), Quantity: embedfin.Ptr("1"), UnitCost: embedfin.Ptr(int64(800)), Total: embedfin.Ptr(int64(800))},
					},
				},
			})
			if err != nil {
				return err
			}
			return expectObject(got.Object, got.ID, "issuing.authorization", authorizationID)
		}},
		endpointCase{"issuing/TestHelpers.Authorizations.Expire", func(ctx context.Context, c *embedfin.Client) error {
			got, err := issuing.New(c).TestHelpers.Authorizations.Expire(ctx, authorizationID, &issuing.AuthorizationTestExpireParams{})
			if err != nil {
				return err
			}
			return expectObject(got.Object, got.ID, "issuing.authorization", "")
		}},
		endpointCase{"issuing/TestHelpers.Authorizations.Increment", func(ctx context.Context, c *embedfin.Client) error {
			got, err := issuing.New(c).TestHelpers.Authorizations.Increment(ctx, authorizationID, &issuing.AuthorizationTestIncrementParams{
				IncrementAmount:      embedfin.Ptr(int64(250)),
				IsAmountControllable: embedfin.Ptr(true),
			})
			if err != nil {
				return err
			}
			return expectObject(got.Object, got.ID, "issuing.authorization", "")
		}},
		endpointCase{"issuing/TestHelpers.Authorizations.Reverse", func(ctx context.Context, c *embedfin.Client) error {
			got, err := issuing.New(c).TestHelpers.Authorizations.Reverse(ctx, authorizationID, &issuing.AuthorizationTestReverseParams{
				ReverseAmount: embedfin.Ptr(int64(200)),
			})
			if err != nil {
				return err
			}
			return expectObject(got.Object, got.ID, "issuing.authorization", "")
		}},
		// The final amount of a fuel pre-authorization, known once the pump
		// stops.
		endpointCase{"issuing/TestHelpers.Authorizations.FinalizeAmount", func(ctx context.Context, c *embedfin.Client) error {
			got, err := issuing.New(c).TestHelpers.Authorizations.FinalizeAmount(ctx, authorizationID, &issuing.AuthorizationTestFinalizeAmountParams{
				FinalAmount: embedfin.Ptr(int64(4250)),
				Fuel: &issuing.AuthorizationFuelParams{
					Type:            embedfin.Ptr(issuing.FuelTypeUnleadedRegular),
					Unit:            embedfin.Ptr(issuing.FuelUnitUSGallon),
					QuantityDecimal: embedfin.Ptr("10.5"),
					UnitCostDecimal: embedfin.Ptr("404.76"),
				},
			})
			if err != nil {
				return err
			}
			return expectObject(got.Object, got.ID, "issuing.authorization", "")
		}},
	)
}
