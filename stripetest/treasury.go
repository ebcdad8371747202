package stripetest

import (
	"fmt"
	"hash/fnv"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/connect"
	"github.com/embedfin/embedfin-go/events"
	"github.com/embedfin/embedfin-go/issuing"
	si "github.com/embedfin/embedfin-go/setupintents"
	"github.com/embedfin/embedfin-go/treasury"
)

// Kinds of the Treasury objects in an env.
const (
	kindFinancialAccount = "treasury.financial_account"
	kindFAFeatures       = "stripetest.financial_account_features" // side state, never served
	kindReceivedCredit   = "treasury.received_credit"
	kindReceivedDebit    = "treasury.received_debit"
	kindTreasuryTxn      = "treasury.transaction"
	kindTreasuryEntry    = "treasury.transaction_entry"
)

// Details of the ABA financial address an account gets once its
// financial_addresses.aba feature is active.
const (
	testRoutingNumber = "110000000"
	testBankName      = "Stripe Test Bank"
)

// featureOrder lists the features that can be requested, in the order
// Stripe lists them.
var featureOrder = []treasury.Feature{
	treasury.FeatureCardIssuing,
	treasury.FeatureDepositInsurance,
	treasury.FeatureFinancialAddressesABA,
	treasury.FeatureInboundTransfersACH,
	treasury.FeatureIntraStripeFlows,
	treasury.FeatureOutboundPaymentsACH,
	treasury.FeatureOutboundPaymentsUSDomesticWire,
	treasury.FeatureOutboundTransfersACH,
	treasury.FeatureOutboundTransfersUSDomesticWire,
}

// instantFeatures activate as soon as they are requested, as card_issuing
// does in the guide; the others stay pending for the configured feature
// delay (they talk to external systems in the real product).
var instantFeatures = map[treasury.Feature]bool{
	treasury.FeatureCardIssuing:      true,
	treasury.FeatureIntraStripeFlows: true,
}

// featureToggle is where one requested feature of a financial account
// stands.
type featureToggle struct {
	status treasury.FeatureStatus           // active, pending or restricted
	code   treasury.ToggleStatusDetailsCode // why it is pending or restricted; "" when active
	due    time.Time                        // when a pending feature activates
}

// faFeatures is the side state behind a financial account's features,
// stored in the env under featuresKey(account ID).
type faFeatures struct {
	toggles map[treasury.Feature]*featureToggle // the requested features
}

// featureRequest is one feature requested (or un-requested) in params.
type featureRequest struct {
	feature   treasury.Feature // the feature named
	requested bool             // requested (true) or un-requested
}

// featuresKey is where a financial account's feature state is kept.
func featuresKey(faID string) string { return "features:" + faID }

// featureState returns the feature state of a financial account, creating
// it on first use.
func (e *env) featureState(faID string) *faFeatures {
	st, ok := get[faFeatures](e, featuresKey(faID))
	if !ok {
		st = &faFeatures{toggles: map[treasury.Feature]*featureToggle{}}
		put(e, kindFAFeatures, featuresKey(faID), st)
	}
	return st
}

// featureRequests lists the features set in params, in Stripe's order.
func featureRequests(p *treasury.FinancialAccountFeaturesParams) []featureRequest {
	if p == nil {
		return nil
	}
	var out []featureRequest
	add := func(f treasury.Feature, a *embedfin.AccessParams) {
		if a != nil && a.Requested != nil {
			out = append(out, featureRequest{f, *a.Requested})
		}
	}
	add(treasury.FeatureCardIssuing, p.CardIssuing)
	add(treasury.FeatureDepositInsurance, p.DepositInsurance)
	if p.FinancialAddresses != nil {
		add(treasury.FeatureFinancialAddressesABA, p.FinancialAddresses.ABA)
	}
	if p.InboundTransfers != nil {
		add(treasury.FeatureInboundTransfersACH, p.InboundTransfers.ACH)
	}
	add(treasury.FeatureIntraStripeFlows, p.IntraStripeFlows)
	if p.OutboundPayments != nil {
		add(treasury.FeatureOutboundPaymentsACH, p.OutboundPayments.ACH)
		add(treasury.FeatureOutboundPaymentsUSDomesticWire, p.OutboundPayments.USDomesticWire)
	}
	if p.OutboundTransfers != nil {
		add(treasury.FeatureOutboundTransfersACH, p.OutboundTransfers.ACH)
		add(treasury.FeatureOutboundTransfersUSDomesticWire, p.OutboundTransfers.USDomesticWire)
	}
	return out
}

// capabilityActive reports whether the account the call acts for may use
// feature: card_issuing needs the card_issuing capability, every other
// feature the treasury capability. The platform itself always may.
func (c *call) capabilityActive(feature treasury.Feature) bool {
	if c.env.account == "" {
		return true
	}
	acct, ok := get[connect.Account](c.ks.platform, c.env.account)
	if !ok || acct.Capabilities == nil {
		return false
	}
	capability := acct.Capabilities.Treasury
	if feature == treasury.FeatureCardIssuing {
		capability = acct.Capabilities.CardIssuing
	}
	return embedfin.Deref(capability) == connect.CapabilityStatusActive
}

// requestFeatures applies feature requests to a financial account: a
// feature asked for becomes active at once (card_issuing), pending until
// the feature delay has passed, or restricted when the account lacks the
// capability; one un-requested disappears. It reports whether anything
// changed.
func (c *call) requestFeatures(fa *treasury.FinancialAccount, reqs []featureRequest) bool {
	st := c.env.featureState(fa.ID)
	changed, schedule := false, false
	due := time.Now().Add(c.s.cfg.featureDelay)
	for _, r := range reqs {
		t := st.toggles[r.feature]
		if !r.requested {
			if t != nil {
				delete(st.toggles, r.feature)
				changed = true
			}
			continue
		}
		if t != nil {
			continue
		}
		t = &featureToggle{}
		switch {
		case fa.Status == treasury.FinancialAccountStatusClosed:
			t.status, t.code = treasury.FeatureStatusRestricted, treasury.ToggleStatusDetailsCodeFinancialAccountClosed
		case !c.capabilityActive(r.feature):
			t.status, t.code = treasury.FeatureStatusRestricted, treasury.ToggleStatusDetailsCodeCapabilityNotRequested
		case instantFeatures[r.feature]:
			t.status = treasury.FeatureStatusActive
		default:
			t.status, t.code, t.due = treasury.FeatureStatusPending, treasury.ToggleStatusDetailsCodeActivating, due
			schedule = true
		}
		st.toggles[r.feature] = t
		changed = true
	}
	if schedule {
		e, id := c.env, fa.ID
		c.s.after(c.s.cfg.featureDelay, func() { e.activateFeatures(id) })
	}
	if changed {
		c.env.syncFA(fa)
	}
	return changed
}

// activateFeatures activates the pending features of a financial account
// whose delay has passed (called with s.mu held) and announces it.
func (e *env) activateFeatures(faID string) {
	fa, ok := get[treasury.FinancialAccount](e, faID)
	if !ok || fa.Status != treasury.FinancialAccountStatusOpen {
		return
	}
	now, changed := time.Now(), false
	for _, t := range e.featureState(faID).toggles {
		if t.status == treasury.FeatureStatusPending && !t.due.After(now) {
			t.status, t.code = treasury.FeatureStatusActive, ""
			changed = true
		}
	}
	if changed {
		e.syncFA(fa)
		e.emit(nil, events.EventTypeTreasuryFinancialAccountFeaturesStatusUpdated, e.faView(nil, fa), nil)
	}
}

// syncFA recomputes what a financial account shows of its features: the
// three lists, the features object and the financial addresses.
func (e *env) syncFA(fa *treasury.FinancialAccount) {
	st := e.featureState(fa.ID)
	fa.ActiveFeatures = []treasury.Feature{}
	fa.PendingFeatures = []treasury.Feature{}
	fa.RestrictedFeatures = []treasury.Feature{}
	for _, f := range featureOrder {
		t := st.toggles[f]
		switch {
		case t == nil:
		case t.status == treasury.FeatureStatusActive:
			fa.ActiveFeatures = append(fa.ActiveFeatures, f)
		case t.status == treasury.FeatureStatusPending:
			fa.PendingFeatures = append(fa.PendingFeatures, f)
		default:
			fa.RestrictedFeatures = append(fa.RestrictedFeatures, f)
		}
	}
	fa.Features = featuresObject(st)
	fa.FinancialAddresses = []*treasury.FinancialAccountFinancialAddress{}
	if t := st.toggles[treasury.FeatureFinancialAddressesABA]; t != nil && t.status == treasury.FeatureStatusActive {
		number := abaAccountNumber(fa.ID)
		fa.FinancialAddresses = append(fa.FinancialAddresses, &treasury.FinancialAccountFinancialAddress{
			Type: treasury.FinancialAccountFinancialAddressTypeABA,
			ABA: &treasury.FinancialAccountFinancialAddressABA{
				AccountHolderName:  e.holderName(),
				AccountNumber:      embedfin.Ptr(number),
				AccountNumberLast4: number[len(number)-4:],
				BankName:           testBankName,
				RoutingNumber:      testRoutingNumber,
			},
			SupportedNetworks: []treasury.Network{
				treasury.NetworkACH,
				treasury.NetworkUSDomesticWire,
			},
		})
	}
}

// featuresObject renders the feature state as the API's feature set.
func featuresObject(st *faFeatures) *treasury.FinancialAccountFeatures {
	out := &treasury.FinancialAccountFeatures{Object: "treasury.financial_account_features"}
	toggle := func(f treasury.Feature) *treasury.ToggleSettings {
		t := st.toggles[f]
		if t == nil {
			return nil
		}
		ts := &treasury.ToggleSettings{Requested: true, Status: t.status, StatusDetails: []*treasury.ToggleStatusDetails{}}
		if t.code != "" {
			d := &treasury.ToggleStatusDetails{Code: t.code}
			switch t.code {
			case treasury.ToggleStatusDetailsCodeCapabilityNotRequested:
				d.Resolution = embedfin.Ptr(treasury.ToggleStatusDetailsResolutionProvideInformation)
			case treasury.ToggleStatusDetailsCodeFinancialAccountClosed:
				d.Resolution = embedfin.Ptr(treasury.ToggleStatusDetailsResolutionContactStripe)
			}
			ts.StatusDetails = append(ts.StatusDetails, d)
		}
		return ts
	}
	out.CardIssuing = toggle(treasury.FeatureCardIssuing)
	out.DepositInsurance = toggle(treasury.FeatureDepositInsurance)
	out.IntraStripeFlows = toggle(treasury.FeatureIntraStripeFlows)
	if t := toggle(treasury.FeatureFinancialAddressesABA); t != nil {
		out.FinancialAddresses = &treasury.FinancialAccountFeaturesFinancialAddresses{ABA: &treasury.FinancialAccountFeaturesFinancialAddressesABA{
			Requested: t.Requested, Status: treasury.FeatureStatus(t.Status), StatusDetails: t.StatusDetails,
		}}
	}
	if t := toggle(treasury.FeatureInboundTransfersACH); t != nil {
		out.InboundTransfers = &treasury.FinancialAccountFeaturesInboundTransfers{ACH: &treasury.FinancialAccountFeaturesInboundTransfersACH{
			Requested: t.Requested, Status: treasury.FeatureStatus(t.Status), StatusDetails: t.StatusDetails,
		}}
	}
	outboundACH := func(t *treasury.ToggleSettings) *treasury.OutboundACHToggleSettings {
		if t == nil {
			return nil
		}
		return &treasury.OutboundACHToggleSettings{Requested: t.Requested, Status: treasury.FeatureStatus(t.Status), StatusDetails: t.StatusDetails}
	}
	if ach, wire := toggle(treasury.FeatureOutboundPaymentsACH), toggle(treasury.FeatureOutboundPaymentsUSDomesticWire); ach != nil || wire != nil {
		out.OutboundPayments = &treasury.FinancialAccountFeaturesOutboundPayments{ACH: outboundACH(ach), USDomesticWire: wire}
	}
	if ach, wire := toggle(treasury.FeatureOutboundTransfersACH), toggle(treasury.FeatureOutboundTransfersUSDomesticWire); ach != nil || wire != nil {
		out.OutboundTransfers = &treasury.FinancialAccountFeaturesOutboundTransfers{ACH: outboundACH(ach), USDomesticWire: wire}
	}
	return out
}

// featureActive reports whether a feature of a financial account is active.
func (e *env) featureActive(fa *treasury.FinancialAccount, f treasury.Feature) bool {
	t := e.featureState(fa.ID).toggles[f]
	return t != nil && t.status == treasury.FeatureStatusActive
}

// abaAccountNumber derives a stable 12-digit account number from the
// financial account's ID.
func abaAccountNumber(faID string) string {
	h := fnv.New64a()
	_, _ = h.Write([]byte(faID))
	return fmt.Sprintf("%012d", h.Sum64()%1_000_000_000_000)
}

// holderName is the name on the env's financial addresses: the connected
// account's business or individual name.
func (e *env) holderName() string {
	if e.account != "" {
		if ks := e.srv.keys[e.key]; ks != nil {
			if acct, ok := get[connect.Account](ks.platform, e.account); ok {
				switch {
				case acct.Company != nil && embedfin.Deref(acct.Company.Name) != "":
					return *acct.Company.Name
				case acct.BusinessProfile != nil && embedfin.Deref(acct.BusinessProfile.Name) != "":
					return *acct.BusinessProfile.Name
				case acct.Individual != nil && embedfin.Deref(acct.Individual.FirstName) != "":
					return strings.TrimSpace(*acct.Individual.FirstName + " " + embedfin.Deref(acct.Individual.LastName))
				}
			}
		}
	}
	return "Jenny Rosen"
}

// faView is a financial account as returned: features only when expanded,
// as in the API, and full account numbers only when
// financial_addresses.aba.account_number is expanded. c may be nil (an
// event).
func (e *env) faView(c *call, fa *treasury.FinancialAccount) *treasury.FinancialAccount {
	v := snapshot(fa)
	if c == nil || !c.expandedItem("features") {
		v.Features = nil
	}
	if c == nil || !c.expandedItem("financial_addresses.aba.account_number") {
		for _, a := range v.FinancialAddresses {
			if a.ABA != nil {
				a.ABA.AccountNumber = nil
			}
		}
	}
	return v
}

// financialAccount finds a financial account of the env; param names the
// parameter that carried the ID, for the 404.
func (c *call) financialAccount(id, param string) (*treasury.FinancialAccount, error) {
	fa, ok := get[treasury.FinancialAccount](c.env, id)
	if !ok {
		return nil, notFound("financial account", id, param)
	}
	return fa, nil
}

// supports checks that a financial account holds currency and is open.
func supports(fa *treasury.FinancialAccount, currency string) error {
	if !slices.Contains(fa.SupportedCurrencies, currency) {
		return invalidRequest("parameter_invalid", "currency", "The financial account %s does not support the currency '%s' (supported: %s).", fa.ID, currency, strings.Join(fa.SupportedCurrencies, ", "))
	}
	return nil
}

// ---- money movements ----

// newTxn records a Treasury transaction on fa; its balance impact starts
// at zero and grows with each post.
func (e *env) newTxn(fa *treasury.FinancialAccount, currency string, flowType treasury.FlowType, flow string, amount int64, description string, status treasury.TransactionStatus) *treasury.Transaction {
	now := e.srv.now().Unix()
	txn := &treasury.Transaction{
		ID:                e.srv.newID("trxn"),
		Object:            "treasury.transaction",
		Amount:            amount,
		BalanceImpact:     &treasury.BalanceImpact{},
		Created:           now,
		Currency:          currency,
		Description:       description,
		FinancialAccount:  fa.ID,
		Flow:              embedfin.Ptr(flow),
		FlowType:          flowType,
		Status:            status,
		StatusTransitions: &treasury.TransactionStatusTransitions{},
	}
	if status == treasury.TransactionStatusPosted {
		txn.StatusTransitions.PostedAt = embedfin.Ptr(now)
	}
	put(e, kindTreasuryTxn, txn.ID, txn)
	return txn
}

// post moves money on fa's balance for txn, records the entry and adds
// the movement to the transaction's balance impact.
func (e *env) post(fa *treasury.FinancialAccount, txn *treasury.Transaction, typ treasury.TransactionEntryType, cash, inbound, outbound int64) {
	cur := txn.Currency
	fa.Balance.Cash[cur] += cash
	fa.Balance.InboundPending[cur] += inbound
	fa.Balance.OutboundPending[cur] += outbound
	txn.BalanceImpact.Cash += cash
	txn.BalanceImpact.InboundPending += inbound
	txn.BalanceImpact.OutboundPending += outbound
	now := e.srv.now().Unix()
	entry := &treasury.TransactionEntry{
		ID:               e.srv.newID("trxne"),
		Object:           "treasury.transaction_entry",
		BalanceImpact:    &treasury.BalanceImpact{Cash: cash, InboundPending: inbound, OutboundPending: outbound},
		Created:          now,
		Currency:         cur,
		EffectiveAt:      now,
		FinancialAccount: fa.ID,
		Flow:             txn.Flow,
		FlowType:         treasury.FlowType(txn.FlowType),
		Transaction:      &embedfin.Expandable[treasury.Transaction]{ID: txn.ID},
		Type:             typ,
	}
	put(e, kindTreasuryEntry, entry.ID, entry)
}

// settleTxn moves a transaction to posted or void.
func (e *env) settleTxn(txn *treasury.Transaction, status treasury.TransactionStatus) {
	now := e.srv.now().Unix()
	txn.Status = status
	switch status {
	case treasury.TransactionStatusPosted:
		txn.StatusTransitions.PostedAt = embedfin.Ptr(now)
	case treasury.TransactionStatusVoid:
		txn.StatusTransitions.VoidAt = embedfin.Ptr(now)
	}
}

// txnView is a Treasury transaction as returned: flow_details and entries
// only when expanded, as in the API.
func (c *call) txnView(txn *treasury.Transaction) *treasury.Transaction {
	v := snapshot(txn)
	if c.expandedItem("flow_details") {
		v.FlowDetails = c.env.flowDetails(txn)
	}
	if c.expandedItem("entries") {
		var entries []*treasury.TransactionEntry
		each(c.env, kindTreasuryEntry, "transaction="+txn.ID, func(en *treasury.TransactionEntry) bool {
			entries = append(entries, en)
			return true
		})
		v.Entries = &embedfin.List[treasury.TransactionEntry]{Object: "list", URL: "/v1/treasury/transaction_entries?transaction=" + txn.ID, Data: nonNil(entries)}
	}
	return v
}

// flowDetails is the object behind a transaction's flow.
func (e *env) flowDetails(txn *treasury.Transaction) *treasury.FlowDetails {
	fd := &treasury.FlowDetails{Type: treasury.FlowType(txn.FlowType)}
	flow := embedfin.Deref(txn.Flow)
	switch txn.FlowType {
	case treasury.FlowTypeReceivedCredit:
		fd.ReceivedCredit, _ = get[treasury.ReceivedCredit](e, flow)
	case treasury.FlowTypeReceivedDebit:
		fd.ReceivedDebit, _ = get[treasury.ReceivedDebit](e, flow)
	case treasury.FlowTypeIssuingAuthorization:
		fd.IssuingAuthorization, _ = get[issuing.Authorization](e, flow)
	case treasury.FlowTypeInboundTransfer:
		fd.InboundTransfer, _ = get[treasury.InboundTransfer](e, flow)
	case treasury.FlowTypeOutboundTransfer:
		fd.OutboundTransfer, _ = get[treasury.OutboundTransfer](e, flow)
	case treasury.FlowTypeOutboundPayment:
		fd.OutboundPayment, _ = get[treasury.OutboundPayment](e, flow)
	}
	return fd
}

// ---- routes ----

// treasuryRoutes registers the Treasury endpoints: financial accounts and
// their features, received credits and debits (with their test helpers)
// and transactions.
func (s *Server) treasuryRoutes() {
	s.treasuryFlowRoutes()
	route(s, "POST /v1/treasury/financial_accounts", func(c *call, p *treasury.FinancialAccountCreateParams) (any, error) {
		currencies := []string{}
		for _, cur := range p.SupportedCurrencies {
			cur = strings.ToLower(cur)
			if cur != "usd" {
				return nil, invalidRequest("parameter_invalid", "supported_currencies", "Invalid currency: %s. Financial accounts support only usd.", cur)
			}
			if !slices.Contains(currencies, cur) {
				currencies = append(currencies, cur)
			}
		}
		fa := &treasury.FinancialAccount{
			ID:                  c.s.newID("fa"),
			Object:              "treasury.financial_account",
			Country:             "US",
			Created:             c.unix(),
			Metadata:            metadataOf(p.Metadata),
			Nickname:            p.Nickname,
			Status:              treasury.FinancialAccountStatusOpen,
			StatusDetails:       &treasury.FinancialAccountStatusDetails{},
			SupportedCurrencies: currencies,
			IsDefault:           embedfin.Ptr(false),
			Balance: &treasury.FinancialAccountBalance{
				Cash: map[string]int64{}, InboundPending: map[string]int64{}, OutboundPending: map[string]int64{},
			},
			PlatformRestrictions: &treasury.FinancialAccountPlatformRestrictions{
				InboundFlows:  embedfin.Ptr(treasury.FlowRestrictionUnrestricted),
				OutboundFlows: embedfin.Ptr(treasury.FlowRestrictionUnrestricted),
			},
		}
		for _, cur := range currencies {
			fa.Balance.Cash[cur], fa.Balance.InboundPending[cur], fa.Balance.OutboundPending[cur] = 0, 0, 0
		}
		applyParams(fa.PlatformRestrictions, p.PlatformRestrictions)
		put(c.env, kindFinancialAccount, fa.ID, fa)
		c.env.syncFA(fa)
		c.requestFeatures(fa, featureRequests(p.Features))
		c.env.emit(c, events.EventTypeTreasuryFinancialAccountCreated, c.env.faView(nil, fa), nil)
		return c.env.faView(c, fa), nil
	})
	route(s, "GET /v1/treasury/financial_accounts", func(c *call, p *treasury.FinancialAccountListParams) (any, error) {
		return listPage(c.env, kindFinancialAccount, listQuery[treasury.FinancialAccount]{
			at: p.Created, atRange: p.CreatedRange,
			keep: func(fa *treasury.FinancialAccount) bool { return p.Status == nil || fa.Status == *p.Status },
			view: func(fa *treasury.FinancialAccount) *treasury.FinancialAccount { return c.env.faView(c, fa) },
		}, p.ListParams, "/v1/treasury/financial_accounts")
	})
	route(s, "GET /v1/treasury/financial_accounts/{financial_account}", func(c *call, p *treasury.FinancialAccountRetrieveParams) (any, error) {
		fa, err := c.financialAccount(c.id("financial_account"), "financial_account")
		if err != nil {
			return nil, err
		}
		return c.env.faView(c, fa), nil
	})
	route(s, "POST /v1/treasury/financial_accounts/{financial_account}", func(c *call, p *treasury.FinancialAccountUpdateParams) (any, error) {
		fa, err := c.financialAccount(c.id("financial_account"), "financial_account")
		if err != nil {
			return nil, err
		}
		if p.ForwardingSettings != nil {
			if err := c.checkForwarding(p.ForwardingSettings); err != nil {
				return nil, err
			}
		}
		setString(&fa.Nickname, p.Nickname)
		fa.Metadata = mergeMetadata(fa.Metadata, p.Metadata)
		applyParams(fa.PlatformRestrictions, p.PlatformRestrictions)
		if c.requestFeatures(fa, featureRequests(p.Features)) {
			c.env.emit(c, events.EventTypeTreasuryFinancialAccountFeaturesStatusUpdated, c.env.faView(nil, fa), nil)
		}
		return c.env.faView(c, fa), nil
	})
	route(s, "POST /v1/treasury/financial_accounts/{financial_account}/close", func(c *call, p *treasury.FinancialAccountCloseParams) (any, error) {
		fa, err := c.financialAccount(c.id("financial_account"), "financial_account")
		if err != nil {
			return nil, err
		}
		if fa.Status == treasury.FinancialAccountStatusClosed {
			return nil, invalidRequest("financial_account_closed", "", "The financial account %s is already closed.", fa.ID)
		}
		if p.ForwardingSettings != nil {
			if err := c.checkForwarding(p.ForwardingSettings); err != nil {
				return nil, err
			}
		}
		for _, b := range fa.Balances() {
			if b.Cash != 0 || b.InboundPending != 0 || b.OutboundPending != 0 {
				return nil, invalidRequest("financial_account_not_empty", "",
					"The financial account %s cannot be closed while its balance is not zero (%s: cash %d, inbound_pending %d, outbound_pending %d). Move the funds out first.",
					fa.ID, b.Currency, b.Cash, b.InboundPending, b.OutboundPending)
			}
		}
		fa.Status = treasury.FinancialAccountStatusClosed
		fa.StatusDetails = &treasury.FinancialAccountStatusDetails{Closed: &treasury.FinancialAccountStatusDetailsClosed{
			Reasons: []treasury.FinancialAccountStatusDetailsClosedReason{treasury.FinancialAccountStatusDetailsClosedReasonClosedByPlatform},
		}}
		for _, t := range c.env.featureState(fa.ID).toggles {
			t.status, t.code = treasury.FeatureStatusRestricted, treasury.ToggleStatusDetailsCodeFinancialAccountClosed
		}
		c.env.syncFA(fa)
		c.env.emit(c, events.EventTypeTreasuryFinancialAccountClosed, c.env.faView(nil, fa), nil)
		return c.env.faView(c, fa), nil
	})
	route(s, "GET /v1/treasury/financial_accounts/{financial_account}/features", func(c *call, p *treasury.FinancialAccountRetrieveFeaturesParams) (any, error) {
		fa, err := c.financialAccount(c.id("financial_account"), "financial_account")
		if err != nil {
			return nil, err
		}
		return snapshot(fa.Features), nil
	})
	route(s, "POST /v1/treasury/financial_accounts/{financial_account}/features", func(c *call, p *treasury.FinancialAccountUpdateFeaturesParams) (any, error) {
		fa, err := c.financialAccount(c.id("financial_account"), "financial_account")
		if err != nil {
			return nil, err
		}
		// The endpoint's parameters are the features object of create and
		// update, at its own path (so in types of their own, with the same
		// fields).
		reqs := featureRequests(&treasury.FinancialAccountFeaturesParams{
			CardIssuing: p.CardIssuing, DepositInsurance: p.DepositInsurance,
			FinancialAddresses: (*treasury.FinancialAccountFeaturesFinancialAddressesParams)(p.FinancialAddresses),
			InboundTransfers:   (*treasury.FinancialAccountFeaturesInboundTransfersParams)(p.InboundTransfers),
			IntraStripeFlows:   p.IntraStripeFlows,
			OutboundPayments:   (*treasury.FinancialAccountFeaturesOutboundPaymentsParams)(p.OutboundPayments),
			OutboundTransfers:  (*treasury.FinancialAccountFeaturesOutboundTransfersParams)(p.OutboundTransfers),
		})
		if c.requestFeatures(fa, reqs) {
			c.env.emit(c, events.EventTypeTreasuryFinancialAccountFeaturesStatusUpdated, c.env.faView(nil, fa), nil)
		}
		return snapshot(fa.Features), nil
	})

	route(s, "POST /v1/test_helpers/treasury/received_credits", func(c *call, p *treasury.ReceivedCreditTestCreateParams) (any, error) {
		fa, cur, err := c.moneyTarget(*p.FinancialAccount, *p.Currency, *p.Amount)
		if err != nil {
			return nil, err
		}
		now := c.unix()
		rc := &treasury.ReceivedCredit{
			ID:                             c.s.newID("rc"),
			Object:                         "treasury.received_credit",
			Amount:                         *p.Amount,
			Created:                        now,
			Currency:                       cur,
			Description:                    embedfin.Deref(p.Description),
			FinancialAccount:               embedfin.Ptr(fa.ID),
			InitiatingPaymentMethodDetails: initiatingDetails(creditSource(p.InitiatingPaymentMethodDetails)),
			LinkedFlows:                    &treasury.ReceivedCreditLinkedFlows{},
			Network:                        treasury.ReceivedCreditNetwork(*p.Network),
			Status:                         treasury.ReceivedStatusSucceeded,
		}
		if rc.Description == "" {
			rc.Description = "Test received credit"
		}
		rc.HostedRegulatoryReceiptURL = embedfin.Ptr(c.s.URL + "/receipts/treasury/" + rc.ID)
		put(c.env, kindReceivedCredit, rc.ID, rc)
		if fa.Status == treasury.FinancialAccountStatusClosed {
			// Money sent to a closed account bounces.
			rc.Status = treasury.ReceivedStatusFailed
			rc.FailureCode = embedfin.Ptr(treasury.ReceivedCreditFailureCodeAccountClosed)
			rc.ReversalDetails = &treasury.ReceivedCreditReversalDetails{RestrictedReason: embedfin.Ptr(treasury.ReversalDetailsRestrictedReasonOther)}
			c.env.emit(c, events.EventTypeTreasuryReceivedCreditCreated, rc, nil)
			c.env.emit(c, events.EventTypeTreasuryReceivedCreditFailed, rc, nil)
			return rc, nil
		}
		txn := c.env.newTxn(fa, cur, treasury.FlowTypeReceivedCredit, rc.ID, rc.Amount, rc.Description, treasury.TransactionStatusPosted)
		c.env.post(fa, txn, treasury.TransactionEntryTypeReceivedCredit, rc.Amount, 0, 0)
		rc.Transaction = &embedfin.Expandable[treasury.Transaction]{ID: txn.ID}
		rc.ReversalDetails = &treasury.ReceivedCreditReversalDetails{Deadline: embedfin.Ptr(now + 5*86400)}
		if rc.Network == treasury.ReceivedCreditNetworkUSDomesticWire {
			rc.ReversalDetails = &treasury.ReceivedCreditReversalDetails{RestrictedReason: embedfin.Ptr(treasury.ReversalDetailsRestrictedReasonNetworkRestricted)}
		}
		c.env.emit(c, events.EventTypeTreasuryReceivedCreditCreated, rc, nil)
		c.env.emit(c, events.EventTypeTreasuryReceivedCreditSucceeded, rc, nil)
		return c.expandTxn(rc.Transaction, rc), nil
	})
	route(s, "GET /v1/treasury/received_credits", func(c *call, p *treasury.ReceivedCreditListParams) (any, error) {
		if _, err := c.financialAccount(*p.FinancialAccount, "financial_account"); err != nil {
			return nil, err
		}
		keep := func(rc *treasury.ReceivedCredit) bool {
			if embedfin.Deref(rc.FinancialAccount) != *p.FinancialAccount || p.Status != nil && rc.Status != *p.Status {
				return false
			}
			if p.LinkedFlows != nil {
				want := string(*p.LinkedFlows.SourceFlowType)
				got := embedfin.Deref(rc.LinkedFlows.SourceFlowType)
				if got == "" {
					got = string(treasury.ReceivedCreditSourceFlowTypeOther)
				}
				return got == want
			}
			return true
		}
		q := listQuery[treasury.ReceivedCredit]{filter: "financial_account=" + *p.FinancialAccount, keep: keep}
		return listPage(c.env, kindReceivedCredit, q, p.ListParams, "/v1/treasury/received_credits")
	})
	route(s, "GET /v1/treasury/received_credits/{id}", func(c *call, p *treasury.ReceivedCreditRetrieveParams) (any, error) {
		rc, ok := get[treasury.ReceivedCredit](c.env, c.id("id"))
		if !ok {
			return nil, notFound("received credit", c.id("id"), "id")
		}
		return c.expandTxn(rc.Transaction, rc), nil
	})

	route(s, "POST /v1/test_helpers/treasury/received_debits", func(c *call, p *treasury.ReceivedDebitTestCreateParams) (any, error) {
		fa, cur, err := c.moneyTarget(*p.FinancialAccount, *p.Currency, *p.Amount)
		if err != nil {
			return nil, err
		}
		rd := &treasury.ReceivedDebit{
			ID:                             c.s.newID("rd"),
			Object:                         "treasury.received_debit",
			Amount:                         *p.Amount,
			Created:                        c.unix(),
			Currency:                       cur,
			Description:                    embedfin.Deref(p.Description),
			FinancialAccount:               embedfin.Ptr(fa.ID),
			InitiatingPaymentMethodDetails: initiatingDetails(debitSource(p.InitiatingPaymentMethodDetails)),
			LinkedFlows:                    &treasury.ReceivedDebitLinkedFlows{},
			Network:                        treasury.ReceivedDebitNetwork(*p.Network),
			Status:                         treasury.ReceivedStatusSucceeded,
		}
		if rd.Description == "" {
			rd.Description = "Test received debit"
		}
		rd.HostedRegulatoryReceiptURL = embedfin.Ptr(c.s.URL + "/receipts/treasury/" + rd.ID)
		put(c.env, kindReceivedDebit, rd.ID, rd)
		var failure treasury.ReceivedDebitFailureCode
		switch {
		case fa.Status == treasury.FinancialAccountStatusClosed:
			failure = treasury.ReceivedDebitFailureCodeAccountClosed
		case fa.Balance.Cash[cur] < rd.Amount:
			failure = treasury.ReceivedDebitFailureCodeInsufficientFunds
		}
		if failure != "" {
			rd.Status = treasury.ReceivedStatusFailed
			rd.FailureCode = embedfin.Ptr(failure)
			c.env.emit(c, events.EventTypeTreasuryReceivedDebitCreated, rd, nil)
			return rd, nil
		}
		txn := c.env.newTxn(fa, cur, treasury.FlowTypeReceivedDebit, rd.ID, -rd.Amount, rd.Description, treasury.TransactionStatusPosted)
		c.env.post(fa, txn, treasury.TransactionEntryTypeReceivedDebit, -rd.Amount, 0, 0)
		rd.Transaction = &embedfin.Expandable[treasury.Transaction]{ID: txn.ID}
		rd.ReversalDetails = &treasury.ReceivedDebitReversalDetails{Deadline: embedfin.Ptr(c.unix() + 5*86400)}
		c.env.emit(c, events.EventTypeTreasuryReceivedDebitCreated, rd, nil)
		return c.expandTxn(rd.Transaction, rd), nil
	})
	route(s, "GET /v1/treasury/received_debits", func(c *call, p *treasury.ReceivedDebitListParams) (any, error) {
		if _, err := c.financialAccount(*p.FinancialAccount, "financial_account"); err != nil {
			return nil, err
		}
		q := listQuery[treasury.ReceivedDebit]{filter: "financial_account=" + *p.FinancialAccount, keep: func(rd *treasury.ReceivedDebit) bool {
			return embedfin.Deref(rd.FinancialAccount) == *p.FinancialAccount && (p.Status == nil || rd.Status == *p.Status)
		}}
		return listPage(c.env, kindReceivedDebit, q, p.ListParams, "/v1/treasury/received_debits")
	})
	route(s, "GET /v1/treasury/received_debits/{id}", func(c *call, p *treasury.ReceivedDebitRetrieveParams) (any, error) {
		rd, ok := get[treasury.ReceivedDebit](c.env, c.id("id"))
		if !ok {
			return nil, notFound("received debit", c.id("id"), "id")
		}
		return c.expandTxn(rd.Transaction, rd), nil
	})

	route(s, "GET /v1/treasury/transactions", func(c *call, p *treasury.TransactionListParams) (any, error) {
		if _, err := c.financialAccount(*p.FinancialAccount, "financial_account"); err != nil {
			return nil, err
		}
		byPosted := p.OrderBy != nil && *p.OrderBy == treasury.TransactionOrderByPostedAt
		keep := func(t *treasury.Transaction) bool {
			if t.FinancialAccount != *p.FinancialAccount || p.Status != nil && t.Status != *p.Status {
				return false
			}
			posted := t.StatusTransitions.PostedAt
			if st := p.StatusTransitions; st != nil && (st.PostedAt != nil || st.PostedAtRange != nil) {
				if posted == nil || !inRange(*posted, st.PostedAt, st.PostedAtRange) {
					return false
				}
			}
			return !byPosted || posted != nil
		}
		const url = "/v1/treasury/transactions"
		q := listQuery[treasury.Transaction]{filter: "financial_account=" + *p.FinancialAccount, at: p.Created, atRange: p.CreatedRange, keep: keep, view: c.txnView}
		if !byPosted {
			return listPage(c.env, kindTreasuryTxn, q, p.ListParams, url)
		}
		// Ordered by posted_at: the financial account's posted
		// transactions, sorted.
		var items []*treasury.Transaction
		each(c.env, kindTreasuryTxn, q.filter, func(t *treasury.Transaction) bool {
			if inRange(t.Created, p.Created, p.CreatedRange) && keep(t) {
				items = append(items, t)
			}
			return true
		})
		slices.Reverse(items) // newest first, then stable by posted_at
		sort.SliceStable(items, func(i, j int) bool {
			return *items[i].StatusTransitions.PostedAt > *items[j].StatusTransitions.PostedAt
		})
		res, err := page(items, p.ListParams, url, (*treasury.Transaction).GetID)
		if err != nil {
			return nil, err
		}
		for i, t := range res.Data {
			res.Data[i] = c.txnView(t)
		}
		return res, nil
	})
	route(s, "GET /v1/treasury/transactions/{id}", func(c *call, p *treasury.TransactionRetrieveParams) (any, error) {
		t, ok := get[treasury.Transaction](c.env, c.id("id"))
		if !ok {
			return nil, notFound("transaction", c.id("id"), "id")
		}
		return c.txnView(t), nil
	})
}

// moneyTarget checks the financial account, currency and amount of a
// test-helper money movement; it returns the account and the currency in
// lowercase.
func (c *call) moneyTarget(faID, currency string, amount int64) (*treasury.FinancialAccount, string, error) {
	if amount <= 0 {
		return nil, "", invalidRequest("parameter_invalid_integer", "amount", "Invalid positive integer: amount must be greater than 0.")
	}
	fa, err := c.financialAccount(faID, "financial_account")
	if err != nil {
		return nil, "", err
	}
	cur := strings.ToLower(currency)
	if err := supports(fa, cur); err != nil {
		return nil, "", err
	}
	return fa, cur, nil
}

// checkForwarding validates forwarding settings: a financial account
// target must exist in the env. (Forwarding itself is not emulated.)
func (c *call) checkForwarding(p *treasury.FinancialAccountForwardingSettingsParams) error {
	if *p.Type == treasury.FinancialAccountForwardingSettingsTypeFinancialAccount {
		if p.FinancialAccount == nil {
			return invalidRequest("parameter_missing", "forwarding_settings[financial_account]", "Missing required param: forwarding_settings[financial_account].")
		}
		if _, err := c.financialAccount(*p.FinancialAccount, "forwarding_settings[financial_account]"); err != nil {
			return err
		}
	}
	return nil
}

// creditSource and debitSource return the bank account a received
// credit's or debit's test parameters name (the same fields in both).
func creditSource(d *treasury.ReceivedCreditInitiatingPaymentMethodDetailsParams) *treasury.ReceivedCreditInitiatingPaymentMethodDetailsUSBankAccountParams {
	if d == nil {
		return nil
	}
	return d.USBankAccount
}

func debitSource(d *treasury.ReceivedDebitInitiatingPaymentMethodDetailsParams) *treasury.ReceivedCreditInitiatingPaymentMethodDetailsUSBankAccountParams {
	if d == nil {
		return nil
	}
	return (*treasury.ReceivedCreditInitiatingPaymentMethodDetailsUSBankAccountParams)(d.USBankAccount)
}

// initiatingDetails describes who sent a received credit or debit: the
// bank account given in the test helper's parameters, or a test one.
func initiatingDetails(u *treasury.ReceivedCreditInitiatingPaymentMethodDetailsUSBankAccountParams) *treasury.InitiatingPaymentMethodDetails {
	d := &treasury.InitiatingPaymentMethodDetails{
		Type:           treasury.InitiatingPaymentMethodDetailsTypeUSBankAccount,
		BillingDetails: &treasury.BillingDetails{Address: &embedfin.Address{}, Name: embedfin.Ptr("Jane Austen")},
		USBankAccount: &treasury.InitiatingPaymentMethodDetailsUSBankAccount{
			BankName: embedfin.Ptr("STRIPE TEST BANK"), Last4: embedfin.Ptr("6789"), RoutingNumber: embedfin.Ptr(testRoutingNumber),
		},
	}
	if u != nil {
		if u.AccountHolderName != nil {
			d.BillingDetails.Name = u.AccountHolderName
		}
		if n := embedfin.Deref(u.AccountNumber); len(n) >= 4 {
			d.USBankAccount.Last4 = embedfin.Ptr(n[len(n)-4:])
		}
		if u.RoutingNumber != nil {
			d.USBankAccount.RoutingNumber = u.RoutingNumber
		}
	}
	return d
}

// expandTxn returns obj (a received credit or debit), with its
// transaction expanded when asked.
func (c *call) expandTxn(ref *embedfin.Expandable[treasury.Transaction], obj any) any {
	if ref == nil || !c.expandedItem("transaction") {
		return obj
	}
	t, ok := get[treasury.Transaction](c.env, ref.ID)
	if !ok {
		return obj
	}
	switch o := obj.(type) {
	case *treasury.ReceivedCredit:
		v := snapshot(o)
		v.Transaction.Object = c.txnView(t)
		return v
	case *treasury.ReceivedDebit:
		v := snapshot(o)
		v.Transaction.Object = c.txnView(t)
		return v
	}
	return obj
}

// expandedItem reports whether field was expanded on the object itself or,
// in a list, on its items (data.field).
func (c *call) expandedItem(field string) bool {
	return c.expanded(field) || c.expanded("data."+field)
}

// ---- transfers and payments ----

// Kinds of the Treasury money movements a financial account starts.
const (
	kindInboundTransfer  = "treasury.inbound_transfer"
	kindOutboundTransfer = "treasury.outbound_transfer"
	kindOutboundPayment  = "treasury.outbound_payment"
)

// selfPaymentMethod finds a payment method set up with attach_to_self
// for the account's own transfers in direction; param names the
// parameter that carried its ID.
func (c *call) selfPaymentMethod(id, param string, direction si.SetupIntentFlowDirection) (*paymentMethod, error) {
	pm, ok := get[paymentMethod](c.env, id)
	if !ok {
		return nil, notFound("PaymentMethod", id, param)
	}
	switch {
	case pm.Type != "us_bank_account":
		return nil, invalidRequest("parameter_invalid", param, "The PaymentMethod %s is a %s; Treasury transfers need a us_bank_account.", id, pm.Type)
	case !pm.Verified:
		return nil, invalidRequest("payment_method_unverified", param, "The bank account of PaymentMethod %s is not verified yet.", id)
	case !pm.SelfAttached:
		return nil, invalidRequest("parameter_invalid", param, "The PaymentMethod %s is not attached to this account: set it up with a SetupIntent with attach_to_self=true.", id)
	case !pm.allows(direction):
		return nil, invalidRequest("parameter_invalid", param, "The PaymentMethod %s was not set up for %s flows (flow_directions).", id, direction)
	}
	return pm, nil
}

// needFeature fails unless the financial account is open with feature
// active.
func (c *call) needFeature(fa *treasury.FinancialAccount, feature treasury.Feature) error {
	if fa.Status != treasury.FinancialAccountStatusOpen {
		return invalidRequest("financial_account_closed", "financial_account", "The financial account %s is closed.", fa.ID)
	}
	if !c.env.featureActive(fa, feature) {
		return invalidRequest(string(embedfin.ErrorCodeFeatureNotEnabled), "financial_account", "The financial account %s does not have the %s feature active.", fa.ID, feature)
	}
	return nil
}

// reserve takes amount out of cash into outbound_pending for an outbound
// flow, or fails when the cash is short.
func (c *call) reserve(fa *treasury.FinancialAccount, cur string, amount int64, flowType treasury.FlowType, flow, description string, entry treasury.TransactionEntryType) (*treasury.Transaction, error) {
	if fa.Balance.Cash[cur] < amount {
		return nil, invalidRequest(string(embedfin.ErrorCodeInsufficientFunds), "amount", "The financial account %s holds %d %s in cash, less than the %d this needs.", fa.ID, fa.Balance.Cash[cur], cur, amount)
	}
	txn := c.env.newTxn(fa, cur, flowType, flow, -amount, description, treasury.TransactionStatusOpen)
	c.env.post(fa, txn, entry, -amount, 0, amount)
	return txn, nil
}

// flowTxn returns a flow's transaction and its financial account.
func (e *env) flowTxn(ref *embedfin.Expandable[treasury.Transaction]) (*treasury.Transaction, *treasury.FinancialAccount) {
	if ref == nil {
		return nil, nil
	}
	txn, _ := get[treasury.Transaction](e, ref.ID)
	if txn == nil {
		return nil, nil
	}
	fa, _ := get[treasury.FinancialAccount](e, txn.FinancialAccount)
	return txn, fa
}

// creditAccount pays amount into another financial account of the env as
// a ReceivedCredit over the stripe network (intra-Stripe flows).
func (c *call) creditAccount(dest *treasury.FinancialAccount, cur string, amount int64, description, sourceType, source string) *treasury.ReceivedCredit {
	rc := &treasury.ReceivedCredit{
		ID: c.s.newID("rc"), Object: "treasury.received_credit", Amount: amount, Created: c.unix(), Currency: cur,
		Description: description, FinancialAccount: embedfin.Ptr(dest.ID), Network: treasury.ReceivedCreditNetworkStripe,
		Status: treasury.ReceivedStatusSucceeded,
		InitiatingPaymentMethodDetails: &treasury.InitiatingPaymentMethodDetails{
			Type:             treasury.InitiatingPaymentMethodDetailsTypeFinancialAccount,
			FinancialAccount: &treasury.InitiatingPaymentMethodDetailsFinancialAccount{ID: dest.ID, Network: treasury.PaymentMethodDetailsFinancialAccountNetworkStripe},
			BillingDetails:   &treasury.BillingDetails{Address: &embedfin.Address{}, Name: embedfin.Ptr(c.env.holderName())},
		},
		LinkedFlows:     &treasury.ReceivedCreditLinkedFlows{SourceFlow: embedfin.Ptr(source), SourceFlowType: embedfin.Ptr(sourceType)},
		ReversalDetails: &treasury.ReceivedCreditReversalDetails{RestrictedReason: embedfin.Ptr(treasury.ReversalDetailsRestrictedReasonSourceFlowRestricted)},
	}
	put(c.env, kindReceivedCredit, rc.ID, rc)
	txn := c.env.newTxn(dest, cur, treasury.FlowTypeReceivedCredit, rc.ID, amount, description, treasury.TransactionStatusPosted)
	c.env.post(dest, txn, treasury.TransactionEntryTypeReceivedCredit, amount, 0, 0)
	rc.Transaction = &embedfin.Expandable[treasury.Transaction]{ID: txn.ID}
	c.env.emit(c, events.EventTypeTreasuryReceivedCreditCreated, rc, nil)
	c.env.emit(c, events.EventTypeTreasuryReceivedCreditSucceeded, rc, nil)
	return rc
}

// arrival is when an outbound flow over network arrives.
func (c *call) arrival(network string) int64 {
	if network == "us_domestic_wire" {
		return c.unix()
	}
	return c.unix() + 2*86400
}

// traceID is an ACH trace number for tracking details.
func (s *Server) traceID() string { return fmt.Sprintf("%015d", s.rng.Int64N(1_000_000_000_000_000)) }

// treasuryFlowRoutes registers inbound transfers, outbound transfers and
// outbound payments, with the test helpers that move them to their final
// states.
func (s *Server) treasuryFlowRoutes() {
	route(s, "POST /v1/treasury/inbound_transfers", func(c *call, p *treasury.InboundTransferCreateParams) (any, error) {
		fa, cur, err := c.moneyTarget(*p.FinancialAccount, *p.Currency, *p.Amount)
		if err != nil {
			return nil, err
		}
		if err := c.needFeature(fa, treasury.FeatureInboundTransfersACH); err != nil {
			return nil, err
		}
		pm, err := c.selfPaymentMethod(*p.OriginPaymentMethod, "origin_payment_method", si.SetupIntentFlowDirectionInbound)
		if err != nil {
			return nil, err
		}
		it := &treasury.InboundTransfer{
			ID: c.s.newID("ibt"), Object: "treasury.inbound_transfer", Amount: *p.Amount, Cancelable: true, Created: c.unix(),
			Currency: cur, Description: p.Description, FinancialAccount: fa.ID, LinkedFlows: &treasury.InboundTransferLinkedFlows{},
			Metadata: metadataOf(p.Metadata), OriginPaymentMethod: embedfin.Ptr(pm.ID), Returned: embedfin.Ptr(false),
			StatementDescriptor: embedfin.Deref(p.StatementDescriptor), Status: treasury.InboundTransferStatusProcessing,
			StatusTransitions: &treasury.InboundTransferStatusTransitions{},
			OriginPaymentMethodDetails: &treasury.InboundTransferOriginPaymentMethodDetails{
				Type:           treasury.PaymentMethodDetailsTypeUSBankAccount,
				BillingDetails: &treasury.BillingDetails{Address: &embedfin.Address{}, Name: embedfin.Ptr(pm.Name)},
				USBankAccount: &treasury.InboundTransferOriginPaymentMethodDetailsUSBankAccount{
					AccountHolderType: embedfin.Ptr(treasury.USBankAccountAccountHolderType(pm.AccountHolderType)),
					AccountType:       embedfin.Ptr(treasury.USBankAccountAccountType(pm.AccountType)),
					BankName:          embedfin.Ptr(pm.BankName), Last4: embedfin.Ptr(pm.Last4), RoutingNumber: embedfin.Ptr(pm.RoutingNumber),
					Network: treasury.InboundTransferOriginPaymentMethodDetailsUSBankAccountNetworkACH,
				},
			},
		}
		if it.StatementDescriptor == "" {
			it.StatementDescriptor = "transfer"
		}
		it.HostedRegulatoryReceiptURL = embedfin.Ptr(c.s.URL + "/receipts/treasury/" + it.ID)
		txn := c.env.newTxn(fa, cur, treasury.FlowTypeInboundTransfer, it.ID, it.Amount, embedfin.Deref(p.Description), treasury.TransactionStatusOpen)
		c.env.post(fa, txn, treasury.TransactionEntryTypeInboundTransfer, 0, it.Amount, 0)
		it.Transaction = &embedfin.Expandable[treasury.Transaction]{ID: txn.ID}
		put(c.env, kindInboundTransfer, it.ID, it)
		c.env.emit(c, events.EventTypeTreasuryInboundTransferCreated, it, nil)
		return it, nil
	})
	route(s, "GET /v1/treasury/inbound_transfers", func(c *call, p *treasury.InboundTransferListParams) (any, error) {
		if _, err := c.financialAccount(*p.FinancialAccount, "financial_account"); err != nil {
			return nil, err
		}
		q := listQuery[treasury.InboundTransfer]{filter: "financial_account=" + *p.FinancialAccount, keep: func(x *treasury.InboundTransfer) bool {
			return x.FinancialAccount == *p.FinancialAccount && (p.Status == nil || x.Status == *p.Status)
		}}
		return listPage(c.env, kindInboundTransfer, q, p.ListParams, "/v1/treasury/inbound_transfers")
	})
	route(s, "GET /v1/treasury/inbound_transfers/{id}", func(c *call, p *treasury.InboundTransferRetrieveParams) (any, error) {
		return c.inboundTransfer(c.id("id"))
	})
	// inboundEnd moves a processing inbound transfer to a final state.
	inboundEnd := func(name string, status treasury.InboundTransferStatus, ev events.EventType, failure func(*call) *treasury.InboundTransferFailureDetails) func(c *call) (any, error) {
		return func(c *call) (any, error) {
			it, err := c.inboundTransfer(c.id(name))
			if err != nil {
				return nil, err
			}
			if it.Status != treasury.InboundTransferStatusProcessing {
				return nil, invalidRequest("inbound_transfer_not_processing", "", "The inbound transfer %s is %s; only a processing one can become %s.", it.ID, it.Status, status)
			}
			txn, fa := c.env.flowTxn(it.Transaction)
			now := c.unix()
			it.Status, it.Cancelable = status, false
			switch status {
			case treasury.InboundTransferStatusSucceeded:
				c.env.post(fa, txn, treasury.TransactionEntryTypeInboundTransfer, it.Amount, -it.Amount, 0)
				c.env.settleTxn(txn, treasury.TransactionStatusPosted)
				it.StatusTransitions.SucceededAt = embedfin.Ptr(now)
			default:
				c.env.post(fa, txn, treasury.TransactionEntryTypeInboundTransfer, 0, -it.Amount, 0)
				c.env.settleTxn(txn, treasury.TransactionStatusVoid)
				if status == treasury.InboundTransferStatusFailed {
					it.FailureDetails = failure(c)
					it.StatusTransitions.FailedAt = embedfin.Ptr(now)
				} else {
					it.StatusTransitions.CanceledAt = embedfin.Ptr(now)
				}
			}
			c.env.emit(c, ev, it, nil)
			return it, nil
		}
	}
	s.handle("POST /v1/treasury/inbound_transfers/{inbound_transfer}/cancel", decoded[treasury.InboundTransferCancelParams](
		inboundEnd("inbound_transfer", treasury.InboundTransferStatusCanceled, events.EventTypeTreasuryInboundTransferCanceled, nil)))
	s.handle("POST /v1/test_helpers/treasury/inbound_transfers/{id}/succeed", decoded[treasury.InboundTransferTestSucceedParams](
		inboundEnd("id", treasury.InboundTransferStatusSucceeded, events.EventTypeTreasuryInboundTransferSucceeded, nil)))
	route(s, "POST /v1/test_helpers/treasury/inbound_transfers/{id}/fail", func(c *call, p *treasury.InboundTransferTestFailParams) (any, error) {
		return inboundEnd("id", treasury.InboundTransferStatusFailed, events.EventTypeTreasuryInboundTransferFailed, func(*call) *treasury.InboundTransferFailureDetails {
			code := treasury.InboundTransferFailureDetailsCodeOther
			if p.FailureDetails != nil && p.FailureDetails.Code != nil {
				code = *p.FailureDetails.Code
			}
			return &treasury.InboundTransferFailureDetails{Code: code}
		})(c)
	})
	route(s, "POST /v1/test_helpers/treasury/inbound_transfers/{id}/return", func(c *call, p *treasury.InboundTransferTestReturnParams) (any, error) {
		it, err := c.inboundTransfer(c.id("id"))
		if err != nil {
			return nil, err
		}
		if it.Status != treasury.InboundTransferStatusSucceeded || embedfin.Deref(it.Returned) {
			return nil, invalidRequest("inbound_transfer_not_succeeded", "", "Only a succeeded inbound transfer can be returned; %s is %s.", it.ID, it.Status)
		}
		_, fa := c.env.flowTxn(it.Transaction)
		// The bank pulls the money back: a ReceivedDebit linked to the transfer.
		rd := &treasury.ReceivedDebit{
			ID: c.s.newID("rd"), Object: "treasury.received_debit", Amount: it.Amount, Created: c.unix(), Currency: it.Currency,
			Description: "Inbound transfer return", FinancialAccount: embedfin.Ptr(fa.ID), Network: treasury.ReceivedDebitNetworkACH,
			Status: treasury.ReceivedStatusSucceeded, LinkedFlows: &treasury.ReceivedDebitLinkedFlows{InboundTransfer: embedfin.Ptr(it.ID)},
			InitiatingPaymentMethodDetails: initiatingDetails(nil),
		}
		put(c.env, kindReceivedDebit, rd.ID, rd)
		txn := c.env.newTxn(fa, it.Currency, treasury.FlowTypeReceivedDebit, rd.ID, -it.Amount, rd.Description, treasury.TransactionStatusPosted)
		c.env.post(fa, txn, treasury.TransactionEntryTypeInboundTransferReturn, -it.Amount, 0, 0)
		rd.Transaction = &embedfin.Expandable[treasury.Transaction]{ID: txn.ID}
		it.Returned = embedfin.Ptr(true)
		it.LinkedFlows.ReceivedDebit = embedfin.Ptr(rd.ID)
		c.env.emit(c, events.EventTypeTreasuryReceivedDebitCreated, rd, nil)
		return it, nil
	})

	route(s, "POST /v1/treasury/outbound_transfers", func(c *call, p *treasury.OutboundTransferCreateParams) (any, error) {
		fa, cur, err := c.moneyTarget(*p.FinancialAccount, *p.Currency, *p.Amount)
		if err != nil {
			return nil, err
		}
		ot := &treasury.OutboundTransfer{
			ID: c.s.newID("obt"), Object: "treasury.outbound_transfer", Amount: *p.Amount, Cancelable: true, Created: c.unix(),
			Currency: cur, Description: p.Description, FinancialAccount: fa.ID, Metadata: metadataOf(p.Metadata),
			StatementDescriptor: embedfin.Deref(p.StatementDescriptor), Status: treasury.OutboundStatusProcessing,
			StatusTransitions: &treasury.OutboundTransferStatusTransitions{},
		}
		if ot.StatementDescriptor == "" {
			ot.StatementDescriptor = "transfer"
		}
		var dest *treasury.FinancialAccount
		switch {
		case p.DestinationPaymentMethodData != nil:
			if p.DestinationPaymentMethodData.FinancialAccount == nil {
				return nil, invalidRequest("parameter_missing", "destination_payment_method_data[financial_account]", "Missing required param: destination_payment_method_data[financial_account].")
			}
			if dest, err = c.financialAccount(*p.DestinationPaymentMethodData.FinancialAccount, "destination_payment_method_data[financial_account]"); err != nil {
				return nil, err
			}
			if err := c.needFeature(fa, treasury.FeatureIntraStripeFlows); err != nil {
				return nil, err
			}
			if err := c.checkDestination(fa, dest, cur); err != nil {
				return nil, err
			}
			ot.DestinationPaymentMethodDetails = &treasury.OutboundTransferDestinationPaymentMethodDetails{
				Type:             treasury.PaymentMethodTypeFinancialAccount,
				FinancialAccount: &treasury.OutboundTransferDestinationPaymentMethodDetailsFinancialAccount{ID: dest.ID, Network: treasury.PaymentMethodDetailsFinancialAccountNetworkStripe},
				BillingDetails:   &treasury.BillingDetails{Address: &embedfin.Address{}, Name: embedfin.Ptr(c.env.holderName())},
			}
			ot.ExpectedArrivalDate = c.unix()
		case p.DestinationPaymentMethod != nil:
			pm, err := c.selfPaymentMethod(*p.DestinationPaymentMethod, "destination_payment_method", si.SetupIntentFlowDirectionOutbound)
			if err != nil {
				return nil, err
			}
			network := treasury.NetworkACH
			feature := treasury.FeatureOutboundTransfersACH
			if o := p.DestinationPaymentMethodOptions; o != nil && o.USBankAccount != nil && o.USBankAccount.Network != nil {
				network = treasury.Network(*o.USBankAccount.Network)
				if network == treasury.NetworkUSDomesticWire {
					feature = treasury.FeatureOutboundTransfersUSDomesticWire
				}
			}
			if err := c.needFeature(fa, feature); err != nil {
				return nil, err
			}
			ot.DestinationPaymentMethod = embedfin.Ptr(pm.ID)
			ot.DestinationPaymentMethodDetails = &treasury.OutboundTransferDestinationPaymentMethodDetails{
				Type:           treasury.PaymentMethodTypeUSBankAccount,
				BillingDetails: &treasury.BillingDetails{Address: &embedfin.Address{}, Name: nilString(pm.Name), Email: nilString(pm.Email)},
				USBankAccount: &treasury.OutboundTransferDestinationPaymentMethodDetailsUSBankAccount{
					AccountHolderType: embedfin.Ptr(treasury.USBankAccountAccountHolderType(pm.AccountHolderType)),
					AccountType:       embedfin.Ptr(treasury.USBankAccountAccountType(pm.AccountType)),
					BankName:          embedfin.Ptr(pm.BankName), Last4: embedfin.Ptr(pm.Last4), RoutingNumber: embedfin.Ptr(pm.RoutingNumber), Network: network,
				},
			}
			ot.ExpectedArrivalDate = c.arrival(string(network))
		default:
			return nil, invalidRequest("parameter_missing", "destination_payment_method", "Missing required param: destination_payment_method (or destination_payment_method_data).")
		}
		txn, err := c.reserve(fa, cur, ot.Amount, treasury.FlowTypeOutboundTransfer, ot.ID, embedfin.Deref(p.Description), treasury.TransactionEntryTypeOutboundTransfer)
		if err != nil {
			return nil, err
		}
		ot.Transaction = &embedfin.Expandable[treasury.Transaction]{ID: txn.ID}
		ot.HostedRegulatoryReceiptURL = embedfin.Ptr(c.s.URL + "/receipts/treasury/" + ot.ID)
		put(c.env, kindOutboundTransfer, ot.ID, ot)
		c.env.emit(c, events.EventTypeTreasuryOutboundTransferCreated, ot, nil)
		if dest != nil { // between financial accounts: instant
			c.postOutboundTransfer(ot)
			c.creditAccount(dest, cur, ot.Amount, "Transfer from "+fa.ID, "outbound_transfer", ot.ID)
		}
		return ot, nil
	})
	route(s, "GET /v1/treasury/outbound_transfers", func(c *call, p *treasury.OutboundTransferListParams) (any, error) {
		if _, err := c.financialAccount(*p.FinancialAccount, "financial_account"); err != nil {
			return nil, err
		}
		q := listQuery[treasury.OutboundTransfer]{filter: "financial_account=" + *p.FinancialAccount, keep: func(x *treasury.OutboundTransfer) bool {
			return x.FinancialAccount == *p.FinancialAccount && (p.Status == nil || x.Status == *p.Status)
		}}
		return listPage(c.env, kindOutboundTransfer, q, p.ListParams, "/v1/treasury/outbound_transfers")
	})
	route(s, "GET /v1/treasury/outbound_transfers/{outbound_transfer}", func(c *call, p *treasury.OutboundTransferRetrieveParams) (any, error) {
		return c.outboundTransfer(c.id("outbound_transfer"))
	})
	// outboundTransferEnd applies a state change to a processing (or, to
	// return it, posted) outbound transfer.
	outboundTransferEnd := func(c *call, status treasury.OutboundStatus, code *treasury.ReturnedDetailsCode) (any, error) {
		ot, err := c.outboundTransfer(c.id("outbound_transfer"))
		if err != nil {
			return nil, err
		}
		from := treasury.OutboundStatusProcessing
		if status == treasury.OutboundStatusReturned {
			from = treasury.OutboundStatusPosted
		}
		if ot.Status != from {
			return nil, invalidRequest("outbound_transfer_unexpected_state", "", "The outbound transfer %s is %s; it must be %s to become %s.", ot.ID, ot.Status, from, status)
		}
		txn, fa := c.env.flowTxn(ot.Transaction)
		now := c.unix()
		var ev events.EventType
		switch status {
		case treasury.OutboundStatusPosted:
			c.postOutboundTransfer(ot)
			return ot, nil
		case treasury.OutboundStatusCanceled:
			c.env.post(fa, txn, treasury.TransactionEntryTypeOutboundTransferCancellation, ot.Amount, 0, -ot.Amount)
			c.env.settleTxn(txn, treasury.TransactionStatusVoid)
			ot.StatusTransitions.CanceledAt, ev = embedfin.Ptr(now), events.EventTypeTreasuryOutboundTransferCanceled
		case treasury.OutboundStatusFailed:
			c.env.post(fa, txn, treasury.TransactionEntryTypeOutboundTransferFailure, ot.Amount, 0, -ot.Amount)
			c.env.settleTxn(txn, treasury.TransactionStatusVoid)
			ot.StatusTransitions.FailedAt, ev = embedfin.Ptr(now), events.EventTypeTreasuryOutboundTransferFailed
		case treasury.OutboundStatusReturned:
			ret := c.env.newTxn(fa, ot.Currency, treasury.FlowTypeOutboundTransfer, ot.ID, ot.Amount, "Outbound transfer return", treasury.TransactionStatusPosted)
			c.env.post(fa, ret, treasury.TransactionEntryTypeOutboundTransferReturn, ot.Amount, 0, 0)
			rc := treasury.ReturnedDetailsCodeDeclined
			if code != nil {
				rc = treasury.ReturnedDetailsCode(*code)
			}
			ot.ReturnedDetails = &treasury.OutboundTransferReturnedDetails{Code: rc, Transaction: &embedfin.Expandable[treasury.Transaction]{ID: ret.ID}}
			ot.StatusTransitions.ReturnedAt, ev = embedfin.Ptr(now), events.EventTypeTreasuryOutboundTransferReturned
		}
		ot.Status, ot.Cancelable = status, false
		c.env.emit(c, ev, ot, nil)
		return ot, nil
	}
	route(s, "POST /v1/treasury/outbound_transfers/{outbound_transfer}/cancel", func(c *call, p *treasury.OutboundTransferCancelParams) (any, error) {
		return outboundTransferEnd(c, treasury.OutboundStatusCanceled, nil)
	})
	route(s, "POST /v1/test_helpers/treasury/outbound_transfers/{outbound_transfer}/post", func(c *call, p *treasury.OutboundTransferTestPostParams) (any, error) {
		return outboundTransferEnd(c, treasury.OutboundStatusPosted, nil)
	})
	route(s, "POST /v1/test_helpers/treasury/outbound_transfers/{outbound_transfer}/fail", func(c *call, p *treasury.OutboundTransferTestFailParams) (any, error) {
		return outboundTransferEnd(c, treasury.OutboundStatusFailed, nil)
	})
	route(s, "POST /v1/test_helpers/treasury/outbound_transfers/{outbound_transfer}/return", func(c *call, p *treasury.OutboundTransferTestReturnParams) (any, error) {
		var code *treasury.ReturnedDetailsCode
		if p.ReturnedDetails != nil {
			code = p.ReturnedDetails.Code
		}
		return outboundTransferEnd(c, treasury.OutboundStatusReturned, code)
	})

	route(s, "POST /v1/treasury/outbound_payments", func(c *call, p *treasury.OutboundPaymentCreateParams) (any, error) {
		fa, cur, err := c.moneyTarget(*p.FinancialAccount, *p.Currency, *p.Amount)
		if err != nil {
			return nil, err
		}
		op := &treasury.OutboundPayment{
			ID: c.s.newID("obp"), Object: "treasury.outbound_payment", Amount: *p.Amount, Cancelable: true, Created: c.unix(),
			Currency: cur, Customer: p.Customer, Description: p.Description, FinancialAccount: fa.ID, Metadata: metadataOf(p.Metadata),
			StatementDescriptor: embedfin.Deref(p.StatementDescriptor), Status: treasury.OutboundStatusProcessing,
			StatusTransitions: &treasury.OutboundPaymentStatusTransitions{},
		}
		if op.StatementDescriptor == "" {
			op.StatementDescriptor = "payment"
		}
		if p.Customer != nil {
			if _, err := c.setupCustomer(*p.Customer); err != nil {
				return nil, err
			}
		}
		if e := p.EndUserDetails; e != nil {
			op.EndUserDetails = &treasury.OutboundPaymentEndUserDetails{IPAddress: e.IPAddress, Present: *e.Present}
		}
		var dest *treasury.FinancialAccount
		var pm *paymentMethod
		switch {
		case p.DestinationPaymentMethodData != nil && *p.DestinationPaymentMethodData.Type == treasury.PaymentMethodTypeFinancialAccount:
			d := p.DestinationPaymentMethodData
			if d.FinancialAccount == nil {
				return nil, invalidRequest("parameter_missing", "destination_payment_method_data[financial_account]", "Missing required param: destination_payment_method_data[financial_account].")
			}
			if dest, err = c.financialAccount(*d.FinancialAccount, "destination_payment_method_data[financial_account]"); err != nil {
				return nil, err
			}
			if err := c.needFeature(fa, treasury.FeatureIntraStripeFlows); err != nil {
				return nil, err
			}
			if err := c.checkDestination(fa, dest, cur); err != nil {
				return nil, err
			}
			op.DestinationPaymentMethodDetails = &treasury.OutboundPaymentDestinationPaymentMethodDetails{
				Type:             treasury.PaymentMethodTypeFinancialAccount,
				FinancialAccount: &treasury.OutboundPaymentDestinationPaymentMethodDetailsFinancialAccount{ID: dest.ID, Network: treasury.PaymentMethodDetailsFinancialAccountNetworkStripe},
				BillingDetails:   &treasury.BillingDetails{Address: &embedfin.Address{}},
			}
			op.ExpectedArrivalDate = c.unix()
		case p.DestinationPaymentMethodData != nil:
			d := p.DestinationPaymentMethodData
			if d.USBankAccount == nil {
				return nil, invalidRequest("parameter_missing", "destination_payment_method_data[us_bank_account]", "Missing required param: destination_payment_method_data[us_bank_account].")
			}
			pm = &paymentMethod{ID: c.s.newID("pm"), Created: c.unix(), Customer: embedfin.Deref(p.Customer)}
			u := d.USBankAccount
			if err := typedBankAccount(pm, bankAccountParams[treasury.USBankAccountAccountHolderType, treasury.USBankAccountAccountType]{u.AccountNumber, u.RoutingNumber, u.AccountHolderType, u.AccountType}, "destination_payment_method_data[us_bank_account]"); err != nil {
				return nil, err
			}
			if b := d.BillingDetails; b != nil {
				pm.Name, pm.Email = embedfin.Deref(b.Name), embedfin.Deref(b.Email)
			}
			put(c.env, kindPaymentMethod, pm.ID, pm)
		case p.DestinationPaymentMethod != nil:
			var ok bool
			if pm, ok = get[paymentMethod](c.env, *p.DestinationPaymentMethod); !ok {
				return nil, notFound("PaymentMethod", *p.DestinationPaymentMethod, "destination_payment_method")
			}
			if pm.Type != "us_bank_account" {
				return nil, invalidRequest("parameter_invalid", "destination_payment_method", "The PaymentMethod %s is a %s; outbound payments need a us_bank_account.", pm.ID, pm.Type)
			}
			if pm.Customer != "" && pm.Customer != embedfin.Deref(p.Customer) {
				return nil, invalidRequest("parameter_invalid", "customer", "The PaymentMethod %s belongs to customer %s: pass customer=%s.", pm.ID, pm.Customer, pm.Customer)
			}
		default:
			return nil, invalidRequest("parameter_missing", "destination_payment_method", "Missing required param: destination_payment_method (or destination_payment_method_data).")
		}
		if pm != nil {
			network := treasury.NetworkACH
			feature := treasury.FeatureOutboundPaymentsACH
			if o := p.DestinationPaymentMethodOptions; o != nil && o.USBankAccount != nil && o.USBankAccount.Network != nil {
				network = *o.USBankAccount.Network
				if network == treasury.NetworkUSDomesticWire {
					feature = treasury.FeatureOutboundPaymentsUSDomesticWire
				}
			}
			if err := c.needFeature(fa, feature); err != nil {
				return nil, err
			}
			op.DestinationPaymentMethod = embedfin.Ptr(pm.ID)
			op.DestinationPaymentMethodDetails = &treasury.OutboundPaymentDestinationPaymentMethodDetails{
				Type:           treasury.PaymentMethodTypeUSBankAccount,
				BillingDetails: &treasury.BillingDetails{Address: &embedfin.Address{}, Name: nilString(pm.Name), Email: nilString(pm.Email)},
				USBankAccount: &treasury.OutboundPaymentDestinationPaymentMethodDetailsUSBankAccount{
					AccountHolderType: embedfin.Ptr(treasury.USBankAccountAccountHolderType(pm.AccountHolderType)),
					AccountType:       embedfin.Ptr(treasury.USBankAccountAccountType(pm.AccountType)),
					BankName:          embedfin.Ptr(pm.BankName), Last4: embedfin.Ptr(pm.Last4), RoutingNumber: embedfin.Ptr(pm.RoutingNumber), Network: network,
				},
			}
			op.ExpectedArrivalDate = c.arrival(string(network))
		}
		txn, err := c.reserve(fa, cur, op.Amount, treasury.FlowTypeOutboundPayment, op.ID, embedfin.Deref(p.Description), treasury.TransactionEntryTypeOutboundPayment)
		if err != nil {
			return nil, err
		}
		op.Transaction = &embedfin.Expandable[treasury.Transaction]{ID: txn.ID}
		op.HostedRegulatoryReceiptURL = embedfin.Ptr(c.s.URL + "/receipts/treasury/" + op.ID)
		put(c.env, kindOutboundPayment, op.ID, op)
		c.env.emit(c, events.EventTypeTreasuryOutboundPaymentCreated, op, nil)
		if dest != nil { // between financial accounts: instant
			c.postOutboundPayment(op)
			c.creditAccount(dest, cur, op.Amount, "Payment from "+fa.ID, "outbound_payment", op.ID)
		}
		return op, nil
	})
	route(s, "GET /v1/treasury/outbound_payments", func(c *call, p *treasury.OutboundPaymentListParams) (any, error) {
		if _, err := c.financialAccount(*p.FinancialAccount, "financial_account"); err != nil {
			return nil, err
		}
		q := listQuery[treasury.OutboundPayment]{filter: "financial_account=" + *p.FinancialAccount, at: p.Created, atRange: p.CreatedRange, keep: func(x *treasury.OutboundPayment) bool {
			return x.FinancialAccount == *p.FinancialAccount && (p.Status == nil || x.Status == *p.Status) &&
				(p.Customer == nil || embedfin.Deref(x.Customer) == *p.Customer)
		}}
		return listPage(c.env, kindOutboundPayment, q, p.ListParams, "/v1/treasury/outbound_payments")
	})
	route(s, "GET /v1/treasury/outbound_payments/{id}", func(c *call, p *treasury.OutboundPaymentRetrieveParams) (any, error) {
		return c.outboundPayment(c.id("id"))
	})
	// outboundPaymentEnd applies a state change to a processing (or, to
	// return it, posted) outbound payment.
	outboundPaymentEnd := func(c *call, status treasury.OutboundStatus, code *treasury.ReturnedDetailsCode) (any, error) {
		op, err := c.outboundPayment(c.id("id"))
		if err != nil {
			return nil, err
		}
		from := treasury.OutboundStatusProcessing
		if status == treasury.OutboundStatusReturned {
			from = treasury.OutboundStatusPosted
		}
		if op.Status != from {
			return nil, invalidRequest("outbound_payment_unexpected_state", "", "The outbound payment %s is %s; it must be %s to become %s.", op.ID, op.Status, from, status)
		}
		txn, fa := c.env.flowTxn(op.Transaction)
		now := c.unix()
		var ev events.EventType
		switch status {
		case treasury.OutboundStatusPosted:
			c.postOutboundPayment(op)
			return op, nil
		case treasury.OutboundStatusCanceled:
			c.env.post(fa, txn, treasury.TransactionEntryTypeOutboundPaymentCancellation, op.Amount, 0, -op.Amount)
			c.env.settleTxn(txn, treasury.TransactionStatusVoid)
			op.StatusTransitions.CanceledAt, ev = embedfin.Ptr(now), events.EventTypeTreasuryOutboundPaymentCanceled
		case treasury.OutboundStatusFailed:
			c.env.post(fa, txn, treasury.TransactionEntryTypeOutboundPaymentFailure, op.Amount, 0, -op.Amount)
			c.env.settleTxn(txn, treasury.TransactionStatusVoid)
			op.StatusTransitions.FailedAt, ev = embedfin.Ptr(now), events.EventTypeTreasuryOutboundPaymentFailed
		case treasury.OutboundStatusReturned:
			ret := c.env.newTxn(fa, op.Currency, treasury.FlowTypeOutboundPayment, op.ID, op.Amount, "Outbound payment return", treasury.TransactionStatusPosted)
			c.env.post(fa, ret, treasury.TransactionEntryTypeOutboundPaymentReturn, op.Amount, 0, 0)
			rc := treasury.ReturnedDetailsCodeDeclined
			if code != nil {
				rc = *code
			}
			op.ReturnedDetails = &treasury.OutboundPaymentReturnedDetails{Code: rc, Transaction: &embedfin.Expandable[treasury.Transaction]{ID: ret.ID}}
			op.StatusTransitions.ReturnedAt, ev = embedfin.Ptr(now), events.EventTypeTreasuryOutboundPaymentReturned
		}
		op.Status, op.Cancelable = status, false
		c.env.emit(c, ev, op, nil)
		return op, nil
	}
	route(s, "POST /v1/treasury/outbound_payments/{id}/cancel", func(c *call, p *treasury.OutboundPaymentCancelParams) (any, error) {
		return outboundPaymentEnd(c, treasury.OutboundStatusCanceled, nil)
	})
	route(s, "POST /v1/test_helpers/treasury/outbound_payments/{id}/post", func(c *call, p *treasury.OutboundPaymentTestPostParams) (any, error) {
		return outboundPaymentEnd(c, treasury.OutboundStatusPosted, nil)
	})
	route(s, "POST /v1/test_helpers/treasury/outbound_payments/{id}/fail", func(c *call, p *treasury.OutboundPaymentTestFailParams) (any, error) {
		return outboundPaymentEnd(c, treasury.OutboundStatusFailed, nil)
	})
	route(s, "POST /v1/test_helpers/treasury/outbound_payments/{id}/return", func(c *call, p *treasury.OutboundPaymentTestReturnParams) (any, error) {
		var code *treasury.ReturnedDetailsCode
		if p.ReturnedDetails != nil {
			code = p.ReturnedDetails.Code
		}
		return outboundPaymentEnd(c, treasury.OutboundStatusReturned, code)
	})
}

// decoded wraps a handler that takes no parameters but P's (expand).
func decoded[P any](h handler) handler {
	return func(c *call) (any, error) {
		var p P
		if err := c.decode(&p); err != nil {
			return nil, err
		}
		return h(c)
	}
}

// checkDestination checks a financial account receiving an intra-Stripe
// flow from fa.
func (c *call) checkDestination(fa, dest *treasury.FinancialAccount, cur string) error {
	const param = "destination_payment_method_data[financial_account]"
	switch {
	case dest.ID == fa.ID:
		return invalidRequest("parameter_invalid", param, "A financial account cannot send money to itself.")
	case dest.Status != treasury.FinancialAccountStatusOpen:
		return invalidRequest("financial_account_closed", param, "The financial account %s is closed.", dest.ID)
	case !slices.Contains(dest.SupportedCurrencies, cur):
		return invalidRequest("parameter_invalid", "currency", "The financial account %s does not support %s.", dest.ID, cur)
	}
	return nil
}

// nilString is s, or nil for "".
func nilString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// postOutboundTransfer moves an outbound transfer to posted: the money
// leaves outbound_pending.
func (c *call) postOutboundTransfer(ot *treasury.OutboundTransfer) {
	txn, fa := c.env.flowTxn(ot.Transaction)
	c.env.post(fa, txn, treasury.TransactionEntryTypeOutboundTransferPosting, 0, 0, -ot.Amount)
	c.env.settleTxn(txn, treasury.TransactionStatusPosted)
	ot.Status, ot.Cancelable = treasury.OutboundStatusPosted, false
	ot.StatusTransitions.PostedAt = embedfin.Ptr(c.unix())
	if d := ot.DestinationPaymentMethodDetails; d != nil && d.USBankAccount != nil {
		ot.TrackingDetails = &treasury.OutboundTransferTrackingDetails{Type: treasury.NetworkACH, ACH: &treasury.OutboundTransferTrackingDetailsACH{TraceID: c.s.traceID()}}
	}
	c.env.emit(c, events.EventTypeTreasuryOutboundTransferPosted, ot, nil)
}

// postOutboundPayment moves an outbound payment to posted.
func (c *call) postOutboundPayment(op *treasury.OutboundPayment) {
	txn, fa := c.env.flowTxn(op.Transaction)
	c.env.post(fa, txn, treasury.TransactionEntryTypeOutboundPaymentPosting, 0, 0, -op.Amount)
	c.env.settleTxn(txn, treasury.TransactionStatusPosted)
	op.Status, op.Cancelable = treasury.OutboundStatusPosted, false
	op.StatusTransitions.PostedAt = embedfin.Ptr(c.unix())
	if d := op.DestinationPaymentMethodDetails; d != nil && d.USBankAccount != nil {
		op.TrackingDetails = &treasury.OutboundPaymentTrackingDetails{Type: treasury.NetworkACH, ACH: &treasury.OutboundPaymentTrackingDetailsACH{TraceID: c.s.traceID()}}
	}
	c.env.emit(c, events.EventTypeTreasuryOutboundPaymentPosted, op, nil)
}

// inboundTransfer finds an inbound transfer of the env.
func (c *call) inboundTransfer(id string) (*treasury.InboundTransfer, error) {
	it, ok := get[treasury.InboundTransfer](c.env, id)
	if !ok {
		return nil, notFound("inbound transfer", id, "id")
	}
	return it, nil
}

// outboundTransfer finds an outbound transfer of the env.
func (c *call) outboundTransfer(id string) (*treasury.OutboundTransfer, error) {
	ot, ok := get[treasury.OutboundTransfer](c.env, id)
	if !ok {
		return nil, notFound("outbound transfer", id, "outbound_transfer")
	}
	return ot, nil
}

// outboundPayment finds an outbound payment of the env.
func (c *call) outboundPayment(id string) (*treasury.OutboundPayment, error) {
	op, ok := get[treasury.OutboundPayment](c.env, id)
	if !ok {
		return nil, notFound("outbound payment", id, "id")
	}
	return op, nil
}
