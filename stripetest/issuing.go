package stripetest

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/events"
	"github.com/embedfin/embedfin-go/issuing"
	"github.com/embedfin/embedfin-go/treasury"
)

// Kinds of the Issuing objects in an env.
const (
	kindCardholder    = "issuing.cardholder"
	kindCard          = "issuing.card"
	kindAuthorization = "issuing.authorization"
	kindIssuingTxn    = "issuing.transaction"
	kindCardSecrets   = "stripetest.card_secrets" // side state, never served
)

// merchantCategoryCodes maps the merchant categories the tests and the
// guide use to their MCC; others get 5999.
var merchantCategoryCodes = map[string]string{
	"airlines_air_carriers":             "4511",
	"computer_software_stores":          "5734",
	"eating_places_restaurants":         "5812",
	"fast_food_restaurants":             "5814",
	"grocery_stores_supermarkets":       "5411",
	"miscellaneous_general_merchandise": "5399",
	"service_stations":                  "5541",
	"taxicabs_limousines":               "4121",
}

// issuingAddress turns Issuing address parameters into an address.
func issuingAddress(p *embedfin.AddressParams) *embedfin.Address {
	if p == nil {
		return nil
	}
	return &embedfin.Address{City: p.City, Country: p.Country, Line1: p.Line1, Line2: p.Line2, PostalCode: p.PostalCode, State: p.State}
}

// cardholderControls applies spending-control parameters to a
// cardholder's controls (nil: the empty defaults).
func cardholderControls(sc *issuing.CardholderSpendingControls, p *issuing.CardholderSpendingControlsParams) *issuing.CardholderSpendingControls {
	if sc == nil {
		sc = &issuing.CardholderSpendingControls{
			AllowedCategories: []issuing.MerchantCategory{}, BlockedCategories: []issuing.MerchantCategory{},
			AllowedCardPresences: []issuing.CardPresence{}, BlockedCardPresences: []issuing.CardPresence{},
			AllowedMerchantCountries: []string{}, BlockedMerchantCountries: []string{},
			SpendingLimits: []*issuing.CardholderSpendingControlsSpendingLimit{},
		}
	}
	if p == nil {
		return sc
	}
	applyParams(sc, p)
	if p.SpendingLimits != nil {
		sc.SpendingLimits = []*issuing.CardholderSpendingControlsSpendingLimit{}
		for _, l := range p.SpendingLimits {
			lim := &issuing.CardholderSpendingControlsSpendingLimit{Amount: *l.Amount, Interval: *l.Interval, Categories: []issuing.MerchantCategory{}}
			for _, cat := range l.Categories {
				lim.Categories = append(lim.Categories, issuing.MerchantCategory(cat))
			}
			sc.SpendingLimits = append(sc.SpendingLimits, lim)
		}
	}
	return sc
}

// cardControls applies spending-control parameters to a card's controls
// (nil: the empty defaults).
func cardControls(sc *issuing.CardSpendingControls, p *issuing.CardSpendingControlsParams, currency string) *issuing.CardSpendingControls {
	if sc == nil {
		sc = &issuing.CardSpendingControls{
			AllowedCategories: []issuing.MerchantCategory{}, BlockedCategories: []issuing.MerchantCategory{},
			AllowedCardPresences: []issuing.CardPresence{}, BlockedCardPresences: []issuing.CardPresence{},
			AllowedMerchantCountries: []string{}, BlockedMerchantCountries: []string{},
			SpendingLimits: []*issuing.CardSpendingControlsSpendingLimit{},
		}
	}
	if p == nil {
		return sc
	}
	applyParams(sc, p)
	if p.SpendingLimits != nil {
		sc.SpendingLimits = []*issuing.CardSpendingControlsSpendingLimit{}
		for _, l := range p.SpendingLimits {
			lim := &issuing.CardSpendingControlsSpendingLimit{Amount: *l.Amount, Interval: issuing.SpendingControlsSpendingLimitInterval(*l.Interval), Categories: []issuing.MerchantCategory{}}
			for _, cat := range l.Categories {
				lim.Categories = append(lim.Categories, issuing.MerchantCategory(cat))
			}
			sc.SpendingLimits = append(sc.SpendingLimits, lim)
		}
		sc.SpendingLimitsCurrency = embedfin.Ptr(currency)
		if len(sc.SpendingLimits) == 0 {
			sc.SpendingLimitsCurrency = nil
		}
	}
	return sc
}

// spendingLimit is a card's or a cardholder's limit, read uniformly.
type spendingLimit struct {
	amount     int64    // the most that may be spent in the interval
	interval   string   // per_authorization, daily, weekly, monthly, yearly or all_time
	categories []string // merchant categories it applies to; none: all
}

// cardNumber draws a 16-digit Visa test number with a valid check digit.
func (s *Server) cardNumber() string {
	b := []byte("400000")
	for range 9 {
		b = append(b, byte('0'+s.rng.IntN(10)))
	}
	sum := 0
	for i := len(b) - 1; i >= 0; i-- { // Luhn, the check digit to come at the right
		d := int(b[i] - '0')
		if (len(b)-1-i)%2 == 0 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return string(append(b, byte('0'+(10-sum%10)%10)))
}

// cardholderView is a cardholder as returned.
func cardholderView(ch *issuing.Cardholder) *issuing.Cardholder { return snapshot(ch) }

// cardSecrets holds the full number and CVC of a card, kept beside it and
// shown only when expanded.
type cardSecrets struct {
	number, cvc string // the full card number and its CVC
}

// secretsKey is where a card's secrets are kept in the env.
func secretsKey(cardID string) string { return "secrets:" + cardID }

// cardView is a card as returned: with its cardholder as it is now, and
// the number and CVC only when expanded. c may be nil (an event, or a card
// inside another object).
func (e *env) cardView(c *call, card *issuing.Card) *issuing.Card {
	v := snapshot(card)
	if ch, ok := get[issuing.Cardholder](e, card.Cardholder.ID); ok {
		v.Cardholder = cardholderView(ch)
	}
	v.Number, v.CVC = nil, nil
	if c != nil {
		if sec, ok := get[cardSecrets](e, secretsKey(card.ID)); ok {
			if c.expandedItem("number") {
				v.Number = embedfin.Ptr(sec.number)
			}
			if c.expandedItem("cvc") {
				v.CVC = embedfin.Ptr(sec.cvc)
			}
		}
	}
	return v
}

// authView is an authorization as returned: its card and transactions as
// they are now, its cardholder expanded on request.
func (e *env) authView(c *call, auth *issuing.Authorization) *issuing.Authorization {
	v := snapshot(auth)
	if card, ok := get[issuing.Card](e, auth.Card.ID); ok {
		v.Card = e.cardView(nil, card)
	}
	for i, t := range auth.Transactions {
		if cur, ok := get[issuing.Transaction](e, t.ID); ok {
			v.Transactions[i] = snapshot(cur)
		}
	}
	if c != nil && c.expandedItem("cardholder") && v.Cardholder != nil {
		if ch, ok := get[issuing.Cardholder](e, v.Cardholder.ID); ok {
			v.Cardholder.Object = cardholderView(ch)
		}
	}
	return v
}

// itxView is an Issuing transaction as returned, with expansions.
func (e *env) itxView(c *call, t *issuing.Transaction) *issuing.Transaction {
	v := snapshot(t)
	if c == nil {
		return v
	}
	if c.expandedItem("cardholder") && v.Cardholder != nil {
		if ch, ok := get[issuing.Cardholder](e, v.Cardholder.ID); ok {
			v.Cardholder.Object = cardholderView(ch)
		}
	}
	if c.expandedItem("card") {
		if card, ok := get[issuing.Card](e, v.Card.ID); ok {
			v.Card.Object = e.cardView(nil, card)
		}
	}
	if c.expandedItem("authorization") && v.Authorization != nil {
		if a, ok := get[issuing.Authorization](e, v.Authorization.ID); ok {
			v.Authorization.Object = e.authView(nil, a)
		}
	}
	return v
}

// ---- routes ----

// issuingRoutes registers the Issuing endpoints: cardholders, cards,
// authorizations (with the test helpers that drive them) and transactions.
func (s *Server) issuingRoutes() {
	route(s, "POST /v1/issuing/cardholders", func(c *call, p *issuing.CardholderCreateParams) (any, error) {
		if strings.TrimSpace(*p.Name) == "" {
			return nil, invalidRequest("parameter_invalid_empty", "name", "You passed an empty string for 'name'. We assume empty values are an attempt to unset a parameter; however 'name' cannot be unset.")
		}
		ch := &issuing.Cardholder{
			ID:               c.s.newID("ich"),
			Object:           "issuing.cardholder",
			Billing:          &issuing.CardholderBilling{Address: issuingAddress(p.Billing.Address)},
			Created:          c.unix(),
			Email:            p.Email,
			Metadata:         metadataOf(p.Metadata),
			Name:             *p.Name,
			PhoneNumber:      p.PhoneNumber,
			PreferredLocales: append([]issuing.CardholderPreferredLocale{}, p.PreferredLocales...),
			Requirements:     &issuing.CardholderRequirements{PastDue: []issuing.CardholderRequirementsPastDue{}},
			SpendingControls: cardholderControls(nil, p.SpendingControls),
			Status:           issuing.CardholderStatusActive,
			Type:             issuing.CardholderTypeIndividual,
		}
		if p.Status != nil {
			ch.Status = issuing.CardholderStatus(*p.Status)
		}
		if p.Type != nil {
			ch.Type = *p.Type
		}
		applyCardholderDetails(ch, p.Individual, p.Company)
		put(c.env, kindCardholder, ch.ID, ch)
		c.env.emit(c, events.EventTypeIssuingCardholderCreated, cardholderView(ch), nil)
		return cardholderView(ch), nil
	})
	route(s, "GET /v1/issuing/cardholders", func(c *call, p *issuing.CardholderListParams) (any, error) {
		q := listQuery[issuing.Cardholder]{at: p.Created, atRange: p.CreatedRange, keep: func(ch *issuing.Cardholder) bool {
			return (p.Email == nil || strings.EqualFold(embedfin.Deref(ch.Email), *p.Email)) &&
				(p.PhoneNumber == nil || embedfin.Deref(ch.PhoneNumber) == *p.PhoneNumber) &&
				(p.Status == nil || ch.Status == *p.Status) && (p.Type == nil || ch.Type == *p.Type)
		}}
		return listPage(c.env, kindCardholder, q, p.ListParams, "/v1/issuing/cardholders")
	})
	route(s, "GET /v1/issuing/cardholders/{cardholder}", func(c *call, p *issuing.CardholderRetrieveParams) (any, error) {
		ch, err := c.cardholder(c.id("cardholder"), "cardholder")
		if err != nil {
			return nil, err
		}
		return cardholderView(ch), nil
	})
	route(s, "POST /v1/issuing/cardholders/{cardholder}", func(c *call, p *issuing.CardholderUpdateParams) (any, error) {
		ch, err := c.cardholder(c.id("cardholder"), "cardholder")
		if err != nil {
			return nil, err
		}
		before := cardholderView(ch)
		if p.Billing != nil {
			ch.Billing = &issuing.CardholderBilling{Address: issuingAddress(p.Billing.Address)}
		}
		setString(&ch.Email, p.Email)
		setString(&ch.PhoneNumber, p.PhoneNumber)
		if p.PreferredLocales != nil {
			ch.PreferredLocales = append([]issuing.CardholderPreferredLocale{}, p.PreferredLocales...)
		}
		if p.Status != nil {
			ch.Status = issuing.CardholderStatus(*p.Status)
		}
		ch.SpendingControls = cardholderControls(ch.SpendingControls, p.SpendingControls)
		ch.Metadata = mergeMetadata(ch.Metadata, p.Metadata)
		applyCardholderDetails(ch, p.Individual, p.Company)
		after := cardholderView(ch)
		if prev := previous(before, after); prev != nil {
			c.env.emit(c, events.EventTypeIssuingCardholderUpdated, after, prev)
		}
		return after, nil
	})

	route(s, "POST /v1/issuing/cards", func(c *call, p *issuing.CardCreateParams) (any, error) {
		// cardholder, and shipping for a physical card, are checked before
		// the endpoint runs (checkBeforeRun).
		ch, err := c.cardholder(*p.Cardholder, "cardholder")
		if err != nil {
			return nil, err
		}
		cur := strings.ToLower(*p.Currency)
		if p.FinancialAccount != nil {
			fa, err := c.financialAccount(*p.FinancialAccount, "financial_account")
			if err != nil {
				return nil, err
			}
			if fa.Status != treasury.FinancialAccountStatusOpen {
				return nil, invalidRequest("financial_account_closed", "financial_account", "The financial account %s is closed.", fa.ID)
			}
			if !c.env.featureActive(fa, treasury.FeatureCardIssuing) {
				return nil, invalidRequest(string(embedfin.ErrorCodeFeatureNotEnabled), "financial_account",
					"The financial account %s cannot fund cards: its card_issuing feature is not active (request features[card_issuing][requested]=true).", fa.ID)
			}
			if err := supports(fa, cur); err != nil {
				return nil, err
			}
		}
		now := c.s.now()
		number := c.s.cardNumber()
		card := &issuing.Card{
			ID:               c.s.newID("ic"),
			Object:           "issuing.card",
			Brand:            "Visa",
			Cardholder:       cardholderView(ch),
			Created:          now.Unix(),
			Currency:         cur,
			ExpMonth:         int64(now.Month()),
			ExpYear:          int64(now.Year() + 3),
			FinancialAccount: p.FinancialAccount,
			Last4:            number[len(number)-4:],
			Metadata:         metadataOf(p.Metadata),
			SecondLine:       p.SecondLine,
			SpendingControls: cardControls(nil, p.SpendingControls, cur),
			Status:           issuing.CardStatusInactive,
			Type:             *p.Type,
			Wallets: &issuing.CardWallets{
				ApplePay: &issuing.CardWalletsApplePay{Eligible: true}, GooglePay: &issuing.CardWalletsGooglePay{Eligible: true},
			},
		}
		if p.ExpMonth != nil {
			if *p.ExpMonth < 1 || *p.ExpMonth > 12 {
				return nil, invalidRequest("parameter_invalid_integer", "exp_month", "Invalid exp_month: must be between 1 and 12.")
			}
			card.ExpMonth = *p.ExpMonth
		}
		if p.ExpYear != nil {
			card.ExpYear = *p.ExpYear
		}
		if p.Status != nil {
			card.Status = issuing.CardStatus(*p.Status)
		}
		if p.PersonalizationDesign != nil {
			card.PersonalizationDesign = &embedfin.Expandable[embedfin.RawObject]{ID: *p.PersonalizationDesign}
		}
		if p.LifecycleControls != nil {
			card.LifecycleControls = &issuing.CardLifecycleControls{CancelAfter: &issuing.CardLifecycleControlsCancelAfter{PaymentCount: *p.LifecycleControls.CancelAfter.PaymentCount}}
		}
		if p.Shipping != nil {
			card.Shipping = shippingOf(p.Shipping, now)
		}
		if p.ReplacementFor != nil {
			old, ok := get[issuing.Card](c.env, *p.ReplacementFor)
			if !ok {
				return nil, notFound("card", *p.ReplacementFor, "replacement_for")
			}
			card.ReplacementFor = &embedfin.Expandable[issuing.Card]{ID: old.ID}
			if p.ReplacementReason != nil {
				card.ReplacementReason = embedfin.Ptr(issuing.CardReplacementReason(*p.ReplacementReason))
			}
			before := c.env.cardView(nil, old)
			old.ReplacedBy = &embedfin.Expandable[issuing.Card]{ID: card.ID}
			if r := embedfin.Deref(p.ReplacementReason); r == issuing.CardReplacementReasonLost || r == issuing.CardReplacementReasonStolen {
				old.Status = issuing.CardStatusCanceled
				old.CancellationReason = embedfin.Ptr(issuing.CardCancellationReason(r))
			}
			after := c.env.cardView(nil, old)
			if prev := previous(before, after); prev != nil {
				c.env.emit(c, events.EventTypeIssuingCardUpdated, after, prev)
			}
		}
		put(c.env, kindCard, card.ID, card)
		put(c.env, kindCardSecrets, secretsKey(card.ID), &cardSecrets{number: number, cvc: fmt.Sprintf("%03d", c.s.rng.IntN(1000))})
		c.env.emit(c, events.EventTypeIssuingCardCreated, c.env.cardView(nil, card), nil)
		return c.env.cardView(c, card), nil
	})
	route(s, "GET /v1/issuing/cards", func(c *call, p *issuing.CardListParams) (any, error) {
		q := listQuery[issuing.Card]{at: p.Created, atRange: p.CreatedRange, view: func(card *issuing.Card) *issuing.Card { return c.env.cardView(c, card) }}
		if p.Cardholder != nil {
			q.filter = "cardholder=" + *p.Cardholder
		}
		q.keep = func(card *issuing.Card) bool {
			return (p.Cardholder == nil || card.Cardholder.ID == *p.Cardholder) &&
				(p.Status == nil || card.Status == *p.Status) && (p.Type == nil || card.Type == *p.Type) &&
				(p.ExpMonth == nil || card.ExpMonth == *p.ExpMonth) && (p.ExpYear == nil || card.ExpYear == *p.ExpYear) &&
				(p.Last4 == nil || card.Last4 == *p.Last4) &&
				(p.PersonalizationDesign == nil || card.PersonalizationDesign != nil && card.PersonalizationDesign.ID == *p.PersonalizationDesign)
		}
		return listPage(c.env, kindCard, q, p.ListParams, "/v1/issuing/cards")
	})
	route(s, "GET /v1/issuing/cards/{card}", func(c *call, p *issuing.CardRetrieveParams) (any, error) {
		card, err := c.card(c.id("card"), "card")
		if err != nil {
			return nil, err
		}
		return c.env.cardView(c, card), nil
	})
	route(s, "POST /v1/issuing/cards/{card}", func(c *call, p *issuing.CardUpdateParams) (any, error) {
		card, err := c.card(c.id("card"), "card")
		if err != nil {
			return nil, err
		}
		if card.Status == issuing.CardStatusCanceled && (p.Status != nil || p.CancellationReason != nil || p.SpendingControls != nil || p.Shipping != nil) {
			return nil, invalidRequest("", "status", "The card %s is canceled; a canceled card cannot be changed.", card.ID)
		}
		if p.Shipping != nil && card.Type != issuing.CardTypePhysical {
			return nil, invalidRequest("parameter_invalid", "shipping", "Only physical cards are shipped.")
		}
		before := c.env.cardView(nil, card)
		if p.Status != nil {
			card.Status = *p.Status
		}
		if p.CancellationReason != nil {
			card.Status = issuing.CardStatusCanceled
			card.CancellationReason = embedfin.Ptr(issuing.CardCancellationReason(*p.CancellationReason))
		}
		if p.Shipping != nil {
			card.Shipping = shippingOf(p.Shipping, c.s.now())
		}
		if p.PersonalizationDesign != nil {
			card.PersonalizationDesign = &embedfin.Expandable[embedfin.RawObject]{ID: *p.PersonalizationDesign}
		}
		card.SpendingControls = cardControls(card.SpendingControls, p.SpendingControls, card.Currency)
		card.Metadata = mergeMetadata(card.Metadata, p.Metadata)
		after := c.env.cardView(nil, card)
		if prev := previous(before, after); prev != nil {
			c.env.emit(c, events.EventTypeIssuingCardUpdated, after, prev)
		}
		return c.env.cardView(c, card), nil
	})

	route(s, "POST /v1/test_helpers/issuing/authorizations", func(c *call, p *issuing.AuthorizationTestCreateParams) (any, error) {
		return c.createAuthorization(p)
	})
	route(s, "POST /v1/test_helpers/issuing/authorizations/{authorization}/capture", func(c *call, p *issuing.AuthorizationTestCaptureParams) (any, error) {
		return c.authChange(func(auth *issuing.Authorization) error { return c.capture(auth, p) })
	})
	route(s, "POST /v1/test_helpers/issuing/authorizations/{authorization}/expire", func(c *call, p *issuing.AuthorizationTestExpireParams) (any, error) {
		return c.authChange(func(auth *issuing.Authorization) error {
			if err := pendingApproved(auth, "expire"); err != nil {
				return err
			}
			c.env.releaseHold(auth, heldAmount(c.env, auth))
			auth.Status = issuing.AuthorizationStatusExpired
			if txn := authTxn(c.env, auth); txn != nil && txn.BalanceImpact.Cash == 0 {
				c.env.settleTxn(txn, treasury.TransactionStatusVoid)
			}
			return nil
		})
	})
	route(s, "POST /v1/test_helpers/issuing/authorizations/{authorization}/reverse", func(c *call, p *issuing.AuthorizationTestReverseParams) (any, error) {
		return c.authChange(func(auth *issuing.Authorization) error {
			if err := pendingApproved(auth, "reverse"); err != nil {
				return err
			}
			amount := auth.Amount
			if p.ReverseAmount != nil {
				amount = *p.ReverseAmount
				if amount <= 0 || amount > auth.Amount {
					return invalidRequest("parameter_invalid_integer", "reverse_amount", "Invalid reverse_amount: it must be positive and at most the authorization's amount (%d).", auth.Amount)
				}
			}
			c.env.releaseHold(auth, min(amount, heldAmount(c.env, auth)))
			ratio := float64(amount) / float64(max(auth.Amount, 1))
			auth.MerchantAmount -= int64(float64(auth.MerchantAmount) * ratio)
			auth.Amount -= amount
			if auth.Amount == 0 {
				auth.MerchantAmount = 0
				auth.Status = issuing.AuthorizationStatusReversed
				if txn := authTxn(c.env, auth); txn != nil {
					if txn.BalanceImpact.Cash == 0 {
						c.env.settleTxn(txn, treasury.TransactionStatusVoid)
					} else {
						c.env.settleTxn(txn, treasury.TransactionStatusPosted)
					}
				}
			}
			return nil
		})
	})
	route(s, "POST /v1/test_helpers/issuing/authorizations/{authorization}/increment", func(c *call, p *issuing.AuthorizationTestIncrementParams) (any, error) {
		return c.authChange(func(auth *issuing.Authorization) error {
			if err := pendingApproved(auth, "increment"); err != nil {
				return err
			}
			inc := *p.IncrementAmount
			if inc <= 0 {
				return invalidRequest("parameter_invalid_integer", "increment_amount", "Invalid increment_amount: must be greater than 0.")
			}
			card, _ := get[issuing.Card](c.env, auth.Card.ID)
			approved, reason := c.env.decide(card, auth.Currency, inc, auth.Amount+inc, auth.MerchantData.Category, auth.ID)
			total := auth.Amount + inc
			entry := &issuing.AuthorizationRequestHistory{
				Amount: total, Approved: approved, Created: c.unix(), Currency: auth.Currency,
				MerchantAmount: auth.MerchantAmount + inc, MerchantCurrency: auth.MerchantCurrency, Reason: reason, RequestedAt: embedfin.Ptr(c.unix()),
			}
			if approved {
				entry.AuthorizationCode = embedfin.Ptr(authorizationCode(c.s))
				c.env.hold(auth, inc)
				auth.Amount, auth.MerchantAmount = total, auth.MerchantAmount+inc
			}
			auth.RequestHistory = append(auth.RequestHistory, entry)
			return nil
		})
	})
	route(s, "POST /v1/test_helpers/issuing/authorizations/{authorization}/finalize_amount", func(c *call, p *issuing.AuthorizationTestFinalizeAmountParams) (any, error) {
		return c.authChange(func(auth *issuing.Authorization) error {
			if err := pendingApproved(auth, "finalize the amount of"); err != nil {
				return err
			}
			final := *p.FinalAmount
			if final < 0 {
				return invalidRequest("parameter_invalid_integer", "final_amount", "Invalid final_amount: must be at least 0.")
			}
			delta := final - auth.Amount
			if delta > 0 {
				if fa := authFA(c.env, auth); fa != nil && fa.Balance.Cash[auth.Currency] < delta {
					return invalidRequest(string(embedfin.ErrorCodeInsufficientFunds), "final_amount", "The financial account %s does not hold the %d more the final amount needs.", fa.ID, delta)
				}
				c.env.hold(auth, delta)
			} else if delta < 0 {
				c.env.releaseHold(auth, min(-delta, heldAmount(c.env, auth)))
			}
			auth.MerchantAmount += delta
			auth.Amount = final
			return nil
		})
	})

	route(s, "GET /v1/issuing/authorizations", func(c *call, p *issuing.AuthorizationListParams) (any, error) {
		q := listQuery[issuing.Authorization]{at: p.Created, atRange: p.CreatedRange, keep: func(a *issuing.Authorization) bool {
			return (p.Card == nil || a.Card.ID == *p.Card) && (p.Cardholder == nil || a.Cardholder != nil && a.Cardholder.ID == *p.Cardholder) &&
				(p.Status == nil || a.Status == *p.Status)
		}, view: func(a *issuing.Authorization) *issuing.Authorization { return c.env.authView(c, a) }}
		q.filter = cardFilter(p.Card, p.Cardholder)
		return listPage(c.env, kindAuthorization, q, p.ListParams, "/v1/issuing/authorizations")
	})
	route(s, "GET /v1/issuing/authorizations/{authorization}", func(c *call, p *issuing.AuthorizationRetrieveParams) (any, error) {
		auth, err := c.authorization(c.id("authorization"))
		if err != nil {
			return nil, err
		}
		return c.env.authView(c, auth), nil
	})
	route(s, "POST /v1/issuing/authorizations/{authorization}", func(c *call, p *issuing.AuthorizationUpdateParams) (any, error) {
		return c.authChange(func(auth *issuing.Authorization) error {
			auth.Metadata = mergeMetadata(auth.Metadata, p.Metadata)
			return nil
		})
	})
	route(s, "POST /v1/issuing/authorizations/{authorization}/approve", func(c *call, p *issuing.AuthorizationApproveParams) (any, error) {
		return c.authChange(func(auth *issuing.Authorization) error {
			if auth.Status != issuing.AuthorizationStatusPending || !auth.Approved {
				return invalidRequest("authorization_not_pending", "", "The authorization %s is not pending approval (status %s, approved %t).", auth.ID, auth.Status, auth.Approved)
			}
			if p.Amount != nil {
				if *p.Amount <= 0 || *p.Amount > auth.Amount {
					return invalidRequest("parameter_invalid_integer", "amount", "Invalid amount: it must be positive and at most the requested amount (%d).", auth.Amount)
				}
				c.env.releaseHold(auth, min(auth.Amount-*p.Amount, heldAmount(c.env, auth)))
				auth.MerchantAmount -= auth.Amount - *p.Amount
				auth.Amount = *p.Amount
			}
			auth.Metadata = mergeMetadata(auth.Metadata, p.Metadata)
			return nil
		})
	})
	route(s, "POST /v1/issuing/authorizations/{authorization}/decline", func(c *call, p *issuing.AuthorizationDeclineParams) (any, error) {
		return c.authChange(func(auth *issuing.Authorization) error {
			if auth.Status != issuing.AuthorizationStatusPending || !auth.Approved {
				return invalidRequest("authorization_not_pending", "", "The authorization %s is not pending approval (status %s, approved %t).", auth.ID, auth.Status, auth.Approved)
			}
			c.env.releaseHold(auth, heldAmount(c.env, auth))
			auth.Approved = false
			auth.Status = issuing.AuthorizationStatusClosed
			auth.RequestHistory = append(auth.RequestHistory, &issuing.AuthorizationRequestHistory{
				Amount: auth.Amount, Approved: false, Created: c.unix(), Currency: auth.Currency, MerchantAmount: auth.MerchantAmount,
				MerchantCurrency: auth.MerchantCurrency, Reason: issuing.AuthorizationRequestHistoryReasonWebhookDeclined, RequestedAt: embedfin.Ptr(c.unix()),
			})
			if txn := authTxn(c.env, auth); txn != nil {
				c.env.settleTxn(txn, treasury.TransactionStatusVoid)
			}
			auth.Metadata = mergeMetadata(auth.Metadata, p.Metadata)
			return nil
		})
	})

	route(s, "GET /v1/issuing/transactions", func(c *call, p *issuing.TransactionListParams) (any, error) {
		q := listQuery[issuing.Transaction]{at: p.Created, atRange: p.CreatedRange, keep: func(t *issuing.Transaction) bool {
			return (p.Card == nil || t.Card.ID == *p.Card) && (p.Cardholder == nil || t.Cardholder != nil && t.Cardholder.ID == *p.Cardholder) &&
				(p.Type == nil || t.Type == *p.Type)
		}, view: func(t *issuing.Transaction) *issuing.Transaction { return c.env.itxView(c, t) }}
		q.filter = cardFilter(p.Card, p.Cardholder)
		return listPage(c.env, kindIssuingTxn, q, p.ListParams, "/v1/issuing/transactions")
	})
	route(s, "GET /v1/issuing/transactions/{transaction}", func(c *call, p *issuing.TransactionRetrieveParams) (any, error) {
		t, ok := get[issuing.Transaction](c.env, c.id("transaction"))
		if !ok {
			return nil, notFound("issuing transaction", c.id("transaction"), "transaction")
		}
		return c.env.itxView(c, t), nil
	})
	route(s, "POST /v1/issuing/transactions/{transaction}", func(c *call, p *issuing.TransactionUpdateParams) (any, error) {
		t, ok := get[issuing.Transaction](c.env, c.id("transaction"))
		if !ok {
			return nil, notFound("issuing transaction", c.id("transaction"), "transaction")
		}
		before := snapshot(t)
		t.Metadata = mergeMetadata(t.Metadata, p.Metadata)
		if prev := previous(before, t); prev != nil {
			c.env.emit(c, events.EventTypeIssuingTransactionUpdated, snapshot(t), prev)
		}
		return c.env.itxView(c, t), nil
	})
}

// applyCardholderDetails applies individual and company parameters.
func applyCardholderDetails(ch *issuing.Cardholder, ind *issuing.CardholderIndividualParams, co *issuing.CardholderCompanyParams) {
	if ind != nil {
		if ch.Individual == nil {
			ch.Individual = &issuing.CardholderIndividual{}
		}
		applyParams(ch.Individual, ind)
		if v := ind.Verification; v != nil && v.Document != nil {
			doc := &issuing.CardholderIndividualVerificationDocument{}
			if v.Document.Front != nil {
				doc.Front = &embedfin.Expandable[embedfin.RawObject]{ID: *v.Document.Front}
			}
			if v.Document.Back != nil {
				doc.Back = &embedfin.Expandable[embedfin.RawObject]{ID: *v.Document.Back}
			}
			ch.Individual.Verification = &issuing.CardholderIndividualVerification{Document: doc}
		}
	}
	if co != nil {
		ch.Company = &issuing.CardholderCompany{TaxIDProvided: embedfin.Deref(co.TaxID) != ""}
	}
}

// shippingOf builds a physical card's shipping from parameters.
func shippingOf(p *issuing.CardShippingParams, now time.Time) *issuing.CardShipping {
	sh := &issuing.CardShipping{
		Address:          issuingAddress(p.Address),
		BusinessName:     p.BusinessName,
		Eta:              embedfin.Ptr(now.Add(5 * 24 * time.Hour).Unix()),
		Name:             *p.Name,
		PhoneNumber:      p.PhoneNumber,
		RequireSignature: p.RequireSignature,
		Service:          issuing.CardShippingServiceStandard,
		Status:           embedfin.Ptr(issuing.CardShippingStatusPending),
		Type:             issuing.CardShippingTypeIndividual,
	}
	if p.Service != nil {
		sh.Service = *p.Service
	}
	if p.Type != nil {
		sh.Type = *p.Type
	}
	if p.AddressValidation != nil {
		sh.AddressValidation = &issuing.CardShippingAddressValidation{Mode: *p.AddressValidation.Mode}
	}
	if p.Customs != nil {
		sh.Customs = &issuing.CardShippingCustoms{EoriNumber: p.Customs.EoriNumber}
	}
	return sh
}

// cardholder finds a cardholder of the env; param names the parameter
// that carried the ID, for the 404.
func (c *call) cardholder(id, param string) (*issuing.Cardholder, error) {
	ch, ok := get[issuing.Cardholder](c.env, id)
	if !ok {
		return nil, notFound("cardholder", id, param)
	}
	return ch, nil
}

// card finds a card of the env.
func (c *call) card(id, param string) (*issuing.Card, error) {
	card, ok := get[issuing.Card](c.env, id)
	if !ok {
		return nil, notFound("card", id, param)
	}
	return card, nil
}

// authorization finds an authorization of the env.
func (c *call) authorization(id string) (*issuing.Authorization, error) {
	auth, ok := get[issuing.Authorization](c.env, id)
	if !ok {
		return nil, notFound("authorization", id, "authorization")
	}
	return auth, nil
}

// authChange applies change to the authorization of the path, then emits
// issuing_authorization.updated when something changed. A failing change
// must not have modified anything.
func (c *call) authChange(change func(*issuing.Authorization) error) (any, error) {
	auth, err := c.authorization(c.id("authorization"))
	if err != nil {
		return nil, err
	}
	before := c.env.authView(nil, auth)
	if err := change(auth); err != nil {
		return nil, err
	}
	after := c.env.authView(nil, auth)
	if prev := previous(before, after); prev != nil {
		c.env.emit(c, events.EventTypeIssuingAuthorizationUpdated, after, prev)
	}
	return c.env.authView(c, auth), nil
}

// pendingApproved checks that an authorization still holds funds.
func pendingApproved(auth *issuing.Authorization, verb string) error {
	if auth.Status != issuing.AuthorizationStatusPending || !auth.Approved {
		return invalidRequest("authorization_not_pending", "", "You cannot %s the authorization %s: it is %s (approved: %t), not pending.", verb, auth.ID, auth.Status, auth.Approved)
	}
	return nil
}

// authTxn is the Treasury transaction of an authorization on a card
// funded by a financial account (nil otherwise).
func authTxn(e *env, auth *issuing.Authorization) *treasury.Transaction {
	if auth.Treasury == nil || auth.Treasury.Transaction == nil {
		return nil
	}
	t, _ := get[treasury.Transaction](e, *auth.Treasury.Transaction)
	return t
}

// authFA is the financial account funding an authorization (nil for a
// card without one).
func authFA(e *env, auth *issuing.Authorization) *treasury.FinancialAccount {
	txn := authTxn(e, auth)
	if txn == nil {
		return nil
	}
	fa, _ := get[treasury.FinancialAccount](e, txn.FinancialAccount)
	return fa
}

// heldAmount is what an authorization holds in its financial account's
// outbound_pending.
func heldAmount(e *env, auth *issuing.Authorization) int64 {
	if txn := authTxn(e, auth); txn != nil {
		return txn.BalanceImpact.OutboundPending
	}
	return 0
}

// hold moves amount of an authorization's financial account from cash to
// outbound_pending.
func (e *env) hold(auth *issuing.Authorization, amount int64) {
	if fa, txn := authFA(e, auth), authTxn(e, auth); fa != nil && amount > 0 {
		e.post(fa, txn, treasury.TransactionEntryTypeIssuingAuthorizationHold, -amount, 0, amount)
		txn.Amount -= amount
	}
}

// releaseHold returns amount of an authorization's hold to cash.
func (e *env) releaseHold(auth *issuing.Authorization, amount int64) {
	if fa, txn := authFA(e, auth), authTxn(e, auth); fa != nil && amount > 0 {
		e.post(fa, txn, treasury.TransactionEntryTypeIssuingAuthorizationRelease, amount, 0, -amount)
		txn.Amount += amount
	}
}

// authorizationCode is the code shared with the merchant on approval.
func authorizationCode(s *Server) string { return fmt.Sprintf("S%06d", s.rng.IntN(1_000_000)) }

// decide approves or declines a request of amount on card (total is the
// authorization's amount if approved): the card and cardholder must be
// active; a card funded by a financial account needs the amount in cash;
// otherwise the spending controls decide. exclude is the authorization
// being incremented, left out of interval sums.
func (e *env) decide(card *issuing.Card, currency string, amount, total int64, category, exclude string) (bool, issuing.AuthorizationRequestHistoryReason) {
	ch, _ := get[issuing.Cardholder](e, card.Cardholder.ID)
	switch {
	case card.Status == issuing.CardStatusCanceled:
		return false, issuing.AuthorizationRequestHistoryReasonCardCanceled
	case card.Status != issuing.CardStatusActive:
		return false, issuing.AuthorizationRequestHistoryReasonCardInactive
	case ch != nil && ch.Status == issuing.CardholderStatusBlocked:
		return false, issuing.AuthorizationRequestHistoryReasonCardholderBlocked
	case ch != nil && ch.Status != issuing.CardholderStatusActive:
		return false, issuing.AuthorizationRequestHistoryReasonCardholderInactive
	}
	if !e.controlsAllow(card, ch, total, category, exclude) {
		return false, issuing.AuthorizationRequestHistoryReasonSpendingControls
	}
	if card.FinancialAccount != nil {
		fa, ok := get[treasury.FinancialAccount](e, *card.FinancialAccount)
		if !ok || fa.Status != treasury.FinancialAccountStatusOpen {
			return false, issuing.AuthorizationRequestHistoryReasonAccountDisabled
		}
		if amount > fa.Balance.Cash[currency] {
			return false, issuing.AuthorizationRequestHistoryReasonInsufficientFunds
		}
	}
	return true, issuing.AuthorizationRequestHistoryReasonCardActive
}

// controlsAllow applies the card's and the cardholder's spending
// controls (categories, limits) to an authorization of total.
func (e *env) controlsAllow(card *issuing.Card, ch *issuing.Cardholder, total int64, category, exclude string) bool {
	type scope struct {
		allowed, blocked []string
		limits           []spendingLimit
		filter           string // the authorizations in scope
	}
	var scopes []scope
	if sc := card.SpendingControls; sc != nil {
		s := scope{filter: "card=" + card.ID}
		for _, x := range sc.AllowedCategories {
			s.allowed = append(s.allowed, string(x))
		}
		for _, x := range sc.BlockedCategories {
			s.blocked = append(s.blocked, string(x))
		}
		for _, l := range sc.SpendingLimits {
			lim := spendingLimit{amount: l.Amount, interval: string(l.Interval)}
			for _, x := range l.Categories {
				lim.categories = append(lim.categories, string(x))
			}
			s.limits = append(s.limits, lim)
		}
		scopes = append(scopes, s)
	}
	if ch != nil && ch.SpendingControls != nil {
		sc := ch.SpendingControls
		s := scope{filter: "cardholder=" + ch.ID}
		for _, x := range sc.AllowedCategories {
			s.allowed = append(s.allowed, string(x))
		}
		for _, x := range sc.BlockedCategories {
			s.blocked = append(s.blocked, string(x))
		}
		for _, l := range sc.SpendingLimits {
			lim := spendingLimit{amount: l.Amount, interval: string(l.Interval)}
			for _, x := range l.Categories {
				lim.categories = append(lim.categories, string(x))
			}
			s.limits = append(s.limits, lim)
		}
		scopes = append(scopes, s)
	}
	now := e.srv.now().UTC()
	for _, s := range scopes {
		if len(s.allowed) > 0 && !slices.Contains(s.allowed, category) || slices.Contains(s.blocked, category) {
			return false
		}
		for _, l := range s.limits {
			if len(l.categories) > 0 && !slices.Contains(l.categories, category) {
				continue
			}
			spent := int64(0)
			if l.interval != "per_authorization" {
				since := intervalStart(l.interval, now)
				each(e, kindAuthorization, s.filter, func(a *issuing.Authorization) bool {
					if a.ID == exclude || !a.Approved || a.Created < since || (len(l.categories) > 0 && !slices.Contains(l.categories, a.MerchantData.Category)) {
						return true
					}
					spent += a.Amount
					return true
				})
			}
			if spent+total > l.amount {
				return false
			}
		}
	}
	return true
}

// intervalStart is when a spending limit's current interval began (UTC,
// weeks starting on Sunday).
func intervalStart(interval string, now time.Time) int64 {
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	switch interval {
	case "daily":
		return day.Unix()
	case "weekly":
		return day.AddDate(0, 0, -int(day.Weekday())).Unix()
	case "monthly":
		return time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC).Unix()
	case "yearly":
		return time.Date(now.Year(), 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	}
	return 0 // all_time
}

// createAuthorization runs a test-mode purchase on a card: approved (the
// amount then moves from the funding financial account's cash to its
// outbound_pending, recorded as a Treasury transaction) or declined with
// the reason in request_history.
func (c *call) createAuthorization(p *issuing.AuthorizationTestCreateParams) (any, error) {
	if p.Amount == nil && p.MerchantAmount == nil {
		return nil, invalidRequest("parameter_missing", "amount", "Missing required param: amount.")
	}
	card, err := c.card(*p.Card, "card")
	if err != nil {
		return nil, err
	}
	cur := card.Currency
	if p.Currency != nil {
		cur = strings.ToLower(*p.Currency)
	}
	amount := embedfin.Deref(p.Amount)
	if p.Amount == nil {
		amount = *p.MerchantAmount
	}
	if amount < 0 {
		return nil, invalidRequest("parameter_invalid_integer", "amount", "Invalid amount: must be at least 0.")
	}
	merchantAmount, merchantCur := amount, cur
	if p.MerchantAmount != nil {
		merchantAmount = *p.MerchantAmount
	}
	if p.MerchantCurrency != nil {
		merchantCur = strings.ToLower(*p.MerchantCurrency)
	}
	if card.FinancialAccount != nil && cur != card.Currency {
		return nil, invalidRequest("parameter_invalid", "currency", "The card %s is funded in %s; an authorization in %s cannot be funded by its financial account.", card.ID, card.Currency, cur)
	}
	now := c.unix()
	md := &issuing.MerchantData{
		Category: "miscellaneous_general_merchandise", City: embedfin.Ptr("San Francisco"), Country: embedfin.Ptr("US"),
		Name: embedfin.Ptr("Test Merchant"), NetworkID: "1234567890", PostalCode: embedfin.Ptr("94103"), State: embedfin.Ptr("CA"),
	}
	if m := p.MerchantData; m != nil {
		applyParams(md, m)
		if m.Category != nil {
			md.Category = string(*m.Category)
		}
	}
	md.CategoryCode = merchantCategoryCodes[md.Category]
	if md.CategoryCode == "" {
		md.CategoryCode = "5999"
	}
	method := issuing.AuthorizationAuthorizationMethodOnline
	if p.AuthorizationMethod != nil {
		method = *p.AuthorizationMethod
	}
	presence := issuing.CardPresencePresent
	if method == issuing.AuthorizationAuthorizationMethodOnline || method == issuing.AuthorizationAuthorizationMethodKeyedIn {
		presence = issuing.CardPresenceNotPresent
	}
	auth := &issuing.Authorization{
		ID:                  c.s.newID("iauth"),
		Object:              "issuing.authorization",
		Amount:              amount,
		AmountDetails:       &issuing.AmountDetails{},
		AuthorizationMethod: method,
		BalanceTransactions: []*issuing.BalanceTransaction{},
		Card:                &issuing.Card{ID: card.ID},
		CardPresence:        embedfin.Ptr(presence),
		Cardholder:          &embedfin.Expandable[issuing.Cardholder]{ID: card.Cardholder.ID},
		Created:             now,
		Currency:            cur,
		FraudChallenges:     []*issuing.AuthorizationFraudChallenge{},
		MerchantAmount:      merchantAmount,
		MerchantCurrency:    merchantCur,
		MerchantData:        md,
		Metadata:            map[string]string{},
		NetworkData: &issuing.AuthorizationNetworkData{
			TransactionID:          embedfin.Ptr(strconv.Itoa(100000000 + c.s.rng.IntN(900000000))),
			SystemTraceAuditNumber: embedfin.Ptr(fmt.Sprintf("%06d", c.s.rng.IntN(1_000_000))),
		},
		RequestHistory: []*issuing.AuthorizationRequestHistory{},
		Transactions:   []*issuing.Transaction{},
		VerificationData: &issuing.AuthorizationVerificationData{
			AddressLine1Check:      issuing.VerificationCheckNotProvided,
			AddressPostalCodeCheck: issuing.VerificationCheckNotProvided,
			CVCCheck:               issuing.VerificationCheckMatch,
			ExpiryCheck:            issuing.VerificationCheckMatch,
		},
	}
	if p.AmountDetails != nil {
		auth.AmountDetails = &issuing.AmountDetails{ATMFee: p.AmountDetails.ATMFee, CashbackAmount: p.AmountDetails.CashbackAmount}
	}
	if p.NetworkData != nil {
		auth.NetworkData.AcquiringInstitutionID = p.NetworkData.AcquiringInstitutionID
	}
	if v := p.VerificationData; v != nil {
		applyParams(auth.VerificationData, v)
	}
	if p.Wallet != nil {
		auth.Wallet = embedfin.Ptr(string(*p.Wallet))
	}
	approved, reason := c.env.decide(card, cur, amount, amount, md.Category, "")
	entry := &issuing.AuthorizationRequestHistory{
		Amount: amount, Approved: approved, Created: now, Currency: cur, MerchantAmount: merchantAmount,
		MerchantCurrency: merchantCur, Reason: reason, RequestedAt: embedfin.Ptr(now),
	}
	auth.RequestHistory = append(auth.RequestHistory, entry)
	auth.Approved = approved
	if approved {
		entry.AuthorizationCode = embedfin.Ptr(authorizationCode(c.s))
		auth.Status = issuing.AuthorizationStatusPending
	} else {
		auth.Status = issuing.AuthorizationStatusClosed
		entry.ReasonMessage = embedfin.Ptr(declineMessage(reason))
	}
	put(c.env, kindAuthorization, auth.ID, auth)
	if card.FinancialAccount != nil {
		if fa, ok := get[treasury.FinancialAccount](c.env, *card.FinancialAccount); ok {
			auth.Treasury = &issuing.AuthorizationTreasury{ReceivedCredits: []string{}, ReceivedDebits: []string{}}
			if approved {
				txn := c.env.newTxn(fa, cur, treasury.FlowTypeIssuingAuthorization, auth.ID, 0, "Issuing authorization at "+embedfin.Deref(md.Name), treasury.TransactionStatusOpen)
				auth.Treasury.Transaction = embedfin.Ptr(txn.ID)
				c.env.hold(auth, amount)
			}
		}
	}
	c.env.emit(c, events.EventTypeIssuingAuthorizationCreated, c.env.authView(nil, auth), nil)
	return c.env.authView(c, auth), nil
}

// declineMessage explains a decline reason.
func declineMessage(r issuing.AuthorizationRequestHistoryReason) string {
	switch r {
	case issuing.AuthorizationRequestHistoryReasonInsufficientFunds:
		return "The funding financial account does not hold enough cash for this authorization."
	case issuing.AuthorizationRequestHistoryReasonSpendingControls:
		return "The authorization exceeds the card's or cardholder's spending controls."
	case issuing.AuthorizationRequestHistoryReasonCardInactive:
		return "The card is inactive; activate it to approve authorizations."
	case issuing.AuthorizationRequestHistoryReasonCardCanceled:
		return "The card is canceled."
	case issuing.AuthorizationRequestHistoryReasonAccountDisabled:
		return "The funding financial account is closed."
	}
	return "The cardholder cannot spend."
}

// capture turns (part of) an approved authorization into an Issuing
// transaction: the hold leaves outbound_pending, the captured amount
// leaves cash as a ReceivedDebit on the card network, and the Treasury
// transaction posts once the authorization closes.
func (c *call) capture(auth *issuing.Authorization, p *issuing.AuthorizationTestCaptureParams) error {
	if !auth.Approved || auth.Status != issuing.AuthorizationStatusPending && auth.Status != issuing.AuthorizationStatusExpired {
		return invalidRequest("authorization_not_pending", "", "You cannot capture the authorization %s: it is %s (approved: %t).", auth.ID, auth.Status, auth.Approved)
	}
	amount := auth.Amount
	if p.CaptureAmount != nil {
		amount = *p.CaptureAmount
		if amount <= 0 {
			return invalidRequest("parameter_invalid_integer", "capture_amount", "Invalid capture_amount: must be greater than 0.")
		}
	}
	closing := p.CloseAuthorization == nil || *p.CloseAuthorization
	e := c.env
	merchantAmount := amount
	if auth.Amount > 0 && auth.MerchantAmount != auth.Amount {
		merchantAmount = amount * auth.MerchantAmount / auth.Amount
	}
	now := c.s.now()
	itx := &issuing.Transaction{
		ID:               c.s.newID("ipi"),
		Object:           "issuing.transaction",
		Amount:           -amount,
		AmountDetails:    &issuing.TransactionAmountDetails{ATMFee: auth.AmountDetails.ATMFee, CashbackAmount: auth.AmountDetails.CashbackAmount},
		Authorization:    &embedfin.Expandable[issuing.Authorization]{ID: auth.ID},
		Card:             &embedfin.Expandable[issuing.Card]{ID: auth.Card.ID},
		Cardholder:       &embedfin.Expandable[issuing.Cardholder]{ID: auth.Cardholder.ID},
		Created:          now.Unix(),
		Currency:         auth.Currency,
		MerchantAmount:   -merchantAmount,
		MerchantCurrency: auth.MerchantCurrency,
		MerchantData:     snapshot(auth.MerchantData),
		Metadata:         map[string]string{},
		NetworkData: &issuing.TransactionNetworkData{
			AuthorizationCode: lastAuthorizationCode(auth),
			ProcessingDate:    embedfin.Ptr(now.UTC().Format("2006-01-02")),
			TransactionID:     auth.NetworkData.TransactionID,
		},
		PurchaseDetails: purchaseDetails(p.PurchaseDetails),
		Type:            issuing.TransactionTypeCapture,
		Wallet:          (*issuing.Wallet)(auth.Wallet),
	}
	if fa, txn := authFA(e, auth), authTxn(e, auth); fa != nil {
		held := txn.BalanceImpact.OutboundPending
		release := min(amount, held)
		if closing {
			release = held
		}
		e.releaseHold(auth, release)
		rd := &treasury.ReceivedDebit{
			ID:               c.s.newID("rd"),
			Object:           "treasury.received_debit",
			Amount:           amount,
			Created:          now.Unix(),
			Currency:         auth.Currency,
			Description:      "Card spend at " + embedfin.Deref(auth.MerchantData.Name),
			FinancialAccount: embedfin.Ptr(fa.ID),
			InitiatingPaymentMethodDetails: &treasury.InitiatingPaymentMethodDetails{
				Type:           treasury.InitiatingPaymentMethodDetailsTypeIssuingCard,
				IssuingCard:    embedfin.Ptr(auth.Card.ID),
				BillingDetails: &treasury.BillingDetails{Address: &embedfin.Address{}, Name: auth.MerchantData.Name},
			},
			LinkedFlows: &treasury.ReceivedDebitLinkedFlows{IssuingAuthorization: embedfin.Ptr(auth.ID), IssuingTransaction: embedfin.Ptr(itx.ID)},
			Network:     treasury.ReceivedDebitNetworkCard,
			Status:      treasury.ReceivedStatusSucceeded,
			Transaction: &embedfin.Expandable[treasury.Transaction]{ID: txn.ID},
		}
		put(e, kindReceivedDebit, rd.ID, rd)
		e.post(fa, txn, treasury.TransactionEntryTypeReceivedDebit, -amount, 0, 0)
		txn.Amount = txn.BalanceImpact.Cash
		if closing {
			e.settleTxn(txn, treasury.TransactionStatusPosted)
			txn.StatusTransitions.VoidAt = nil
		}
		itx.Treasury = &issuing.TransactionTreasury{ReceivedDebit: embedfin.Ptr(rd.ID)}
		auth.Treasury.ReceivedDebits = append(auth.Treasury.ReceivedDebits, rd.ID)
		e.emit(c, events.EventTypeTreasuryReceivedDebitCreated, rd, nil)
	}
	put(e, kindIssuingTxn, itx.ID, itx)
	auth.Transactions = append(auth.Transactions, snapshot(itx))
	if closing {
		auth.Status = issuing.AuthorizationStatusClosed
	}
	e.emit(c, events.EventTypeIssuingTransactionCreated, snapshot(itx), nil)
	return nil
}

// lastAuthorizationCode is the code of the last approved request.
func lastAuthorizationCode(auth *issuing.Authorization) *string {
	for i := len(auth.RequestHistory) - 1; i >= 0; i-- {
		if r := auth.RequestHistory[i]; r.Approved && r.AuthorizationCode != nil {
			return r.AuthorizationCode
		}
	}
	return nil
}

// purchaseDetails turns capture parameters into a transaction's purchase
// details (nil when none were given).
func purchaseDetails(p *issuing.AuthorizationPurchaseDetailsParams) *issuing.TransactionPurchaseDetails {
	if p == nil {
		return nil
	}
	pd := &issuing.TransactionPurchaseDetails{Receipt: []*issuing.TransactionPurchaseDetailsReceipt{}}
	applyParams(pd, p)
	for _, r := range p.Receipt {
		rec := &issuing.TransactionPurchaseDetailsReceipt{Description: r.Description, Total: r.Total, UnitCost: r.UnitCost}
		if r.Quantity != nil {
			if q, err := strconv.ParseFloat(*r.Quantity, 64); err == nil {
				rec.Quantity = embedfin.Ptr(q)
			}
		}
		pd.Receipt = append(pd.Receipt, rec)
	}
	if p.Flight != nil && pd.Flight != nil {
		pd.Flight.Segments = []*issuing.TransactionPurchaseDetailsFlightSegment{}
		for _, s := range p.Flight.Segments {
			seg := &issuing.TransactionPurchaseDetailsFlightSegment{}
			applyParams(seg, s)
			pd.Flight.Segments = append(pd.Flight.Segments, seg)
		}
	}
	return pd
}

// cardFilter is the index of a list filtered by card or cardholder ("" for
// neither): the card's when both are given, as it is the narrower.
func cardFilter(card, cardholder *string) string {
	switch {
	case card != nil:
		return "card=" + *card
	case cardholder != nil:
		return "cardholder=" + *cardholder
	}
	return ""
}
