package stripetest

import (
	"slices"
	"strings"
	"time"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/connect"
	"github.com/embedfin/embedfin-go/events"
	fc "github.com/embedfin/embedfin-go/financialconnections"
)

const (
	kindFCSession     = "financial_connections.session"
	kindFCAccount     = "financial_connections.account"
	kindFCTransaction = "financial_connections.transaction"
	kindFCOwnership   = "financial_connections.account_ownership"
	kindFCOwner       = "financial_connections.account_owner"
)

// ownerData is one owner as the bank reports it.
type ownerData struct {
	Name, Email, Phone, RawAddress string
}

// fcState is the bank-side state behind a Financial Connections account.
type fcState struct {
	bank      []*bankTxn
	opening   int64
	owners    []ownerData
	refreshes []string  // transaction refresh IDs, oldest first
	fetchedAt time.Time // when the bank was last read for transactions
	pending   map[fc.AccountFeature]bool

	institution Institution   // the test institution it was linked from
	ownership   ownershipKind // for InstitutionOwnership's accounts
	downUntil   time.Time     // the end of a scheduled downtime
	answers     int           // refreshes answered, for InstitutionDownError
}

func (s *Server) fcRoutes() {
	route(s, "POST /v1/financial_connections/sessions", func(c *call, p *fc.SessionCreateParams) (any, error) {
		holder, err := c.accountHolder(p.AccountHolder.Type, p.AccountHolder.Customer, p.AccountHolder.Account)
		if err != nil {
			return nil, err
		}
		sess := &fc.Session{
			ID:            c.s.newID("fcsess"),
			Object:        "financial_connections.session",
			AccountHolder: holder,
			Accounts:      &embedfin.List[fc.Account]{Object: "list", Data: []*fc.Account{}, URL: "/v1/financial_connections/accounts"},
			Permissions:   []fc.Permission{},
			Prefetch:      []fc.SessionPrefetch{},
			ReturnURL:     p.ReturnURL,
		}
		sess.ClientSecret = embedfin.Ptr(sess.ID + "_secret_" + strings.TrimPrefix(c.s.newID("x"), "x_"))
		for _, perm := range p.Permissions {
			sess.Permissions = append(sess.Permissions, fc.Permission(perm))
		}
		for _, pf := range p.Prefetch {
			sess.Prefetch = append(sess.Prefetch, fc.SessionPrefetch(pf))
		}
		if p.Filters != nil {
			sess.Filters = &fc.SessionFilters{Countries: p.Filters.Countries}
			for _, sub := range p.Filters.AccountSubcategories {
				sess.Filters.AccountSubcategories = append(sess.Filters.AccountSubcategories, fc.SessionFiltersAccountSubcategory(sub))
			}
		}
		put(c.env, kindFCSession, sess.ID, sess)
		return sess, nil
	})
	route(s, "GET /v1/financial_connections/sessions/{session}", func(c *call, p *fc.SessionRetrieveParams) (any, error) {
		sess, ok := get[fc.Session](c.env, c.id("session"))
		if !ok {
			return nil, notFound("financial connections session", c.id("session"), "session")
		}
		return c.sessionView(sess), nil
	})
	route(s, "POST /v1/test_helpers/financial_connections/sessions/{session}/complete", func(c *call, p *CompleteSessionParams) (any, error) {
		sess, ok := get[fc.Session](c.env, c.id("session"))
		if !ok {
			return nil, notFound("financial connections session", c.id("session"), "session")
		}
		if len(sess.Accounts.Data) > 0 {
			return nil, invalidRequest("session_already_completed", "", "This session has already been completed.")
		}
		name, in, err := institutionOf(p)
		if err != nil {
			return nil, err
		}
		accts, specs := linkedAccounts(in, p)
		for i := range accts {
			acct := c.linkAccount(sess, i, name, in.name, accts[i], specs[i])
			sess.Accounts.Data = append(sess.Accounts.Data, acct)
		}
		return c.sessionView(sess), nil
	})

	route(s, "GET /v1/financial_connections/accounts", func(c *call, p *fc.AccountListParams) (any, error) {
		const url = "/v1/financial_connections/accounts"
		q := listQuery[fc.Account]{keep: func(a *fc.Account) bool {
			if h := p.AccountHolder; h != nil {
				if h.Customer != nil && (a.AccountHolder == nil || a.AccountHolder.Customer == nil || a.AccountHolder.Customer.ID != *h.Customer) {
					return false
				}
				if h.Account != nil && (a.AccountHolder == nil || a.AccountHolder.Account == nil || a.AccountHolder.Account.ID != *h.Account) {
					return false
				}
			}
			return true
		}}
		if p.Session != nil {
			// A session's accounts, newest first.
			sess, ok := get[fc.Session](c.env, *p.Session)
			if !ok {
				return nil, notFound("financial connections session", *p.Session, "session")
			}
			var items []*fc.Account
			for i := len(sess.Accounts.Data) - 1; i >= 0; i-- {
				if a, ok := get[fc.Account](c.env, sess.Accounts.Data[i].ID); ok && q.keep(a) {
					items = append(items, a)
				}
			}
			return page(items, p.ListParams, url, (*fc.Account).GetID)
		}
		if h := p.AccountHolder; h != nil && h.Customer != nil {
			q.filter = "customer=" + *h.Customer
		} else if h != nil && h.Account != nil {
			q.filter = "account=" + *h.Account
		}
		return listPage(c.env, kindFCAccount, q, p.ListParams, url)
	})
	route(s, "GET /v1/financial_connections/accounts/{account}", func(c *call, p *fc.AccountRetrieveParams) (any, error) {
		acct, err := c.fcAccount(c.id("account"))
		if err != nil {
			return nil, err
		}
		return c.accountView(acct), nil
	})
	route(s, "POST /v1/financial_connections/accounts/{account}/refresh", func(c *call, p *fc.AccountRefreshParams) (any, error) {
		acct, err := c.fcAccount(c.id("account"))
		if err != nil {
			return nil, err
		}
		if len(p.Features) == 0 {
			return nil, invalidRequest("parameter_missing", "features", "Missing required param: features.")
		}
		for _, f := range p.Features {
			if err := c.startRefresh(acct, f); err != nil {
				return nil, err
			}
		}
		return c.accountView(acct), nil
	})
	route(s, "POST /v1/financial_connections/accounts/{account}/subscribe", func(c *call, p *fc.AccountSubscribeParams) (any, error) {
		acct, err := c.fcAccount(c.id("account"))
		if err != nil {
			return nil, err
		}
		for _, f := range p.Features {
			if f != fc.AccountFeatureTransactions {
				return nil, invalidRequest("parameter_invalid", "features", "Invalid feature: %s", f)
			}
			if acct.Status != fc.AccountStatusActive {
				return nil, invalidRequest("account_not_active", "", "Subscriptions are not allowed on inactive accounts.")
			}
			if !slices.Contains(acct.Subscriptions, fc.AccountSubscriptionTransactions) {
				acct.Subscriptions = append(acct.Subscriptions, fc.AccountSubscriptionTransactions)
			}
			// Subscribing also starts a transaction refresh.
			if err := c.startRefresh(acct, fc.AccountFeatureTransactions); err != nil {
				return nil, err
			}
		}
		return c.accountView(acct), nil
	})
	route(s, "POST /v1/financial_connections/accounts/{account}/unsubscribe", func(c *call, p *fc.AccountUnsubscribeParams) (any, error) {
		acct, err := c.fcAccount(c.id("account"))
		if err != nil {
			return nil, err
		}
		for _, f := range p.Features {
			acct.Subscriptions = slices.DeleteFunc(acct.Subscriptions, func(s fc.AccountSubscription) bool { return string(s) == string(f) })
		}
		return c.accountView(acct), nil
	})
	route(s, "POST /v1/financial_connections/accounts/{account}/disconnect", func(c *call, p *fc.AccountDisconnectParams) (any, error) {
		acct, err := c.fcAccount(c.id("account"))
		if err != nil {
			return nil, err
		}
		if acct.Status != fc.AccountStatusDisconnected {
			acct.Status = fc.AccountStatusDisconnected
			acct.Subscriptions = []fc.AccountSubscription{}
			c.env.emit(c, events.EventTypeFinancialConnectionsAccountDisconnected, c.accountView(acct), nil)
		}
		return c.accountView(acct), nil
	})
	route(s, "GET /v1/financial_connections/accounts/{account}/owners", func(c *call, p *fc.AccountListOwnersParams) (any, error) {
		acct, err := c.fcAccount(c.id("account"))
		if err != nil {
			return nil, err
		}
		own, ok := get[fc.AccountOwnership](c.env, *p.Ownership)
		if !ok || acct.Ownership == nil || !c.ownershipOf(acct, *p.Ownership) {
			return nil, notFound("ownership", *p.Ownership, "ownership")
		}
		return page(own.Owners.Data, p.ListParams, "/v1/financial_connections/accounts/"+acct.ID+"/owners", (*fc.AccountOwner).GetID)
	})
	route(s, "GET /v1/financial_connections/transactions", func(c *call, p *fc.TransactionListParams) (any, error) {
		acct, err := c.fcAccount(*p.Account)
		if err != nil {
			return nil, err
		}
		st := c.env.fc[acct.ID]
		after := -1
		if p.TransactionRefresh != nil && p.TransactionRefresh.After != nil {
			after = slices.Index(st.refreshes, *p.TransactionRefresh.After)
			if after < 0 {
				return nil, invalidRequest("resource_missing", "transaction_refresh[after]", "No such transaction refresh: '%s'", *p.TransactionRefresh.After)
			}
		}
		// Newest transacted_at first: the account's index is in that order.
		q := listQuery[fc.Transaction]{filter: "account=" + acct.ID, at: p.TransactedAt, atRange: p.TransactedAtRange}
		if after >= 0 {
			later := map[string]bool{}
			for _, r := range st.refreshes[after+1:] {
				later[r] = true
			}
			q.keep = func(t *fc.Transaction) bool { return later[t.TransactionRefresh] }
		}
		return listPage(c.env, kindFCTransaction, q, p.ListParams, "/v1/financial_connections/transactions")
	})
	route(s, "GET /v1/financial_connections/transactions/{transaction}", func(c *call, p *fc.TransactionRetrieveParams) (any, error) {
		t, ok := get[fc.Transaction](c.env, c.id("transaction"))
		if !ok {
			return nil, notFound("financial connections transaction", c.id("transaction"), "transaction")
		}
		return t, nil
	})
}

// accountHolder checks and builds the holder of a session.
func (c *call) accountHolder(typ *fc.AccountHolderType, customer, account *string) (*fc.AccountHolder, error) {
	h := &fc.AccountHolder{Type: *typ}
	switch *typ {
	case fc.AccountHolderTypeCustomer:
		if customer == nil {
			return nil, invalidRequest("parameter_missing", "account_holder[customer]", "Missing required param: account_holder[customer].")
		}
		if cu, ok := get[connect.Customer](c.env, *customer); !ok || cu.Deleted {
			return nil, notFound("customer", *customer, "account_holder[customer]")
		}
		h.Customer = &embedfin.Expandable[connect.Customer]{ID: *customer}
	case fc.AccountHolderTypeAccount:
		if account == nil {
			return nil, invalidRequest("parameter_missing", "account_holder[account]", "Missing required param: account_holder[account].")
		}
		if _, err := c.connectedParam(*account, "account_holder[account]"); err != nil {
			return nil, err
		}
		h.Account = &embedfin.Expandable[connect.Account]{ID: *account}
	default:
		return nil, invalidRequest("parameter_invalid", "account_holder[type]", "Invalid account_holder[type]: %s", *typ)
	}
	return h, nil
}

// linkAccount creates the i-th linked account of a completed session,
// from a test institution's account described further by spec (may be
// nil), with its owners and bank history; prefetched data starts
// refreshing.
func (c *call) linkAccount(sess *fc.Session, i int, inst Institution, instName string, ta testAccount, spec *LinkedAccountParams) *fc.Account {
	s := c.s
	last4 := ta.last4
	if last4 == "" {
		last4 = defaultLast4(i)
	}
	acct := &fc.Account{
		ID:                          s.newID("fca"),
		Object:                      "financial_connections.account",
		AccountHolder:               snapshot(sess.AccountHolder),
		Category:                    fc.AccountCategoryCash,
		Subcategory:                 ta.subcategory,
		Created:                     c.unix(),
		DisplayName:                 embedfin.Ptr(ta.name),
		InstitutionName:             instName,
		Last4:                       embedfin.Ptr(last4),
		Status:                      fc.AccountStatusActive,
		Permissions:                 []fc.Permission{},
		Subscriptions:               []fc.AccountSubscription{},
		SupportedPaymentMethodTypes: []fc.AccountSupportedPaymentMethodType{fc.AccountSupportedPaymentMethodTypeUSBankAccount, fc.AccountSupportedPaymentMethodTypeLink},
	}
	if inst == InstitutionInvalidPayment {
		acct.SupportedPaymentMethodTypes = []fc.AccountSupportedPaymentMethodType{}
	}
	for _, p := range sess.Permissions {
		acct.Permissions = append(acct.Permissions, fc.Permission(p))
	}
	st := &fcState{opening: 150_000 + int64(s.rng.IntN(500_000)), pending: map[fc.AccountFeature]bool{},
		institution: inst, ownership: ta.ownership}
	if inst == InstitutionDownScheduled {
		st.downUntil = s.now().Add(scheduledDowntime)
	}
	owned := false // the owners were described
	if spec != nil {
		if spec.DisplayName != nil {
			acct.DisplayName = spec.DisplayName
		}
		if spec.InstitutionName != nil {
			acct.InstitutionName = *spec.InstitutionName
		}
		if spec.Category != nil {
			acct.Category = fc.AccountCategory(*spec.Category)
		}
		if spec.Subcategory != nil {
			acct.Subcategory = fc.AccountSubcategory(*spec.Subcategory)
		}
		if spec.Last4 != nil {
			acct.Last4 = spec.Last4
		}
		for _, o := range spec.Owners {
			if o == nil {
				continue
			}
			owned = true
			st.owners = append(st.owners, ownerData{Name: embedfin.Deref(o.Name), Email: embedfin.Deref(o.Email), Phone: embedfin.Deref(o.Phone), RawAddress: embedfin.Deref(o.RawAddress)})
		}
	}
	if !owned {
		st.owners = ta.ownership.owners(c.defaultOwner(sess.AccountHolder))
	}
	now := s.now()
	st.bank = generateHistory(s.rng, now, func() string { return s.newID("fctxn") })
	st.fetchedAt = now
	c.env.fc[acct.ID] = st
	put(c.env, kindFCAccount, acct.ID, acct)
	c.env.emit(c, events.EventTypeFinancialConnectionsAccountCreated, c.accountView(acct), nil)
	for _, pf := range sess.Prefetch {
		feature := fc.AccountFeature(pf)
		if pf == fc.SessionPrefetchBalances {
			feature = fc.AccountFeatureBalance
		}
		_ = c.startRefresh(acct, feature)
	}
	return acct
}

// defaultOwner derives the bank's owner record from the account holder:
// the customer's own details when it is a customer.
func (c *call) defaultOwner(h *fc.AccountHolder) ownerData {
	if h != nil && h.Customer != nil {
		if cu, ok := get[connect.Customer](c.env, h.Customer.ID); ok {
			o := ownerData{Name: embedfin.Deref(cu.Name), Email: embedfin.Deref(cu.Email), Phone: embedfin.Deref(cu.Phone)}
			if a := cu.Address; a != nil {
				o.RawAddress = rawAddress(a)
			}
			if o.Name == "" {
				o.Name = "Jenny Rosen"
			}
			return o
		}
	}
	return ownerData{Name: "Jenny Rosen", Email: "jenny.rosen@example.com", Phone: "+1 212-555-5555", RawAddress: "354 Oyster Point Blvd South San Francisco, CA 94080 USA"}
}

// rawAddress writes an address on one line, as banks report it.
func rawAddress(a *embedfin.Address) string {
	parts := []string{embedfin.Deref(a.Line1)}
	if l2 := embedfin.Deref(a.Line2); l2 != "" {
		parts = append(parts, l2)
	}
	city := embedfin.Deref(a.City)
	tail := strings.TrimSpace(embedfin.Deref(a.State) + " " + embedfin.Deref(a.PostalCode))
	line := strings.Join(parts, " ") + " " + city
	if tail != "" {
		line += ", " + tail
	}
	if country := embedfin.Deref(a.Country); country != "" {
		line += " " + country
	}
	return strings.TrimSpace(line)
}

func (c *call) fcAccount(id string) (*fc.Account, error) {
	acct, ok := get[fc.Account](c.env, id)
	if !ok {
		return nil, notFound("financial connections account", id, "account")
	}
	return acct, nil
}

// ownershipOf reports whether the ownership record belongs to acct.
func (c *call) ownershipOf(acct *fc.Account, ownership string) bool {
	own, ok := get[fc.AccountOwnership](c.env, ownership)
	return ok && strings.Contains(own.Owners.URL, acct.ID)
}

// accountView is the account as returned (expand[] of its ownership, on
// an account or in a list, is the general expansion of render.go).
func (c *call) accountView(acct *fc.Account) *fc.Account {
	return snapshot(acct)
}

func (c *call) sessionView(sess *fc.Session) *fc.Session {
	v := snapshot(sess)
	for i, a := range sess.Accounts.Data {
		if cur, ok := get[fc.Account](c.env, a.ID); ok {
			v.Accounts.Data[i] = c.accountView(cur)
		}
	}
	return v
}

// permissionFor is the permission a refresh of feature needs.
var permissionFor = map[fc.AccountFeature]fc.Permission{
	fc.AccountFeatureBalance:      fc.PermissionBalances,
	fc.AccountFeatureOwnership:    fc.PermissionOwnership,
	fc.AccountFeatureTransactions: fc.PermissionTransactions,
}

// startRefresh puts a feature's refresh in pending and schedules its end.
func (c *call) startRefresh(acct *fc.Account, feature fc.AccountFeature) error {
	perm, ok := permissionFor[feature]
	if !ok {
		return invalidRequest("parameter_invalid", "features", "Invalid feature: %s", feature)
	}
	if acct.Status != fc.AccountStatusActive {
		return invalidRequest("account_not_active", "", "You cannot refresh an inactive or disconnected account (status: %s).", acct.Status)
	}
	if !slices.Contains(acct.Permissions, perm) {
		return invalidRequest("parameter_invalid", "features", "The account was not linked with the %s permission, so %s cannot be refreshed.", perm, feature)
	}
	st := c.env.fc[acct.ID]
	if st.pending[feature] {
		return nil // one refresh at a time per feature
	}
	st.pending[feature] = true
	now := c.unix()
	switch feature {
	case fc.AccountFeatureBalance:
		acct.BalanceRefresh = &fc.AccountBalanceRefresh{Status: fc.RefreshStatusPending, LastAttemptedAt: now}
	case fc.AccountFeatureOwnership:
		acct.OwnershipRefresh = &fc.AccountOwnershipRefresh{Status: fc.RefreshStatusPending, LastAttemptedAt: now}
	case fc.AccountFeatureTransactions:
		id := c.s.newID("fctxnref")
		st.refreshes = append(st.refreshes, id)
		acct.TransactionRefresh = &fc.AccountTransactionRefresh{ID: id, Status: fc.RefreshStatusPending, LastAttemptedAt: now}
	}
	e := c.env
	c.s.after(c.s.cfg.refreshDelay, func() { e.finishRefresh(acct.ID, feature) })
	return nil
}

// finishRefresh ends a pending refresh (called with s.mu held).
func (e *env) finishRefresh(id string, feature fc.AccountFeature) {
	acct, ok := get[fc.Account](e, id)
	st := e.fc[id]
	if !ok || st == nil || !st.pending[feature] {
		return
	}
	delete(st.pending, feature)
	s := e.srv
	now := s.now()
	succeeded, nextAt := e.bankAnswer(acct, st, feature, now)
	next := embedfin.Ptr(nextAt)
	var typ events.EventType
	switch feature {
	case fc.AccountFeatureBalance:
		typ = events.EventTypeFinancialConnectionsAccountRefreshedBalance
		acct.BalanceRefresh.NextRefreshAvailableAt = next
		if !succeeded {
			acct.BalanceRefresh.Status = fc.RefreshStatusFailed
			break
		}
		acct.BalanceRefresh.Status = fc.RefreshStatusSucceeded
		available, current := balanceOf(st.opening, st.bank)
		acct.Balance = &fc.AccountBalance{
			AsOf: now.Unix(), Type: fc.AccountBalanceTypeCash,
			Cash:    &fc.AccountBalanceCash{Available: map[string]int64{"usd": available}},
			Current: map[string]int64{"usd": current},
		}
	case fc.AccountFeatureOwnership:
		typ = events.EventTypeFinancialConnectionsAccountRefreshedOwnership
		acct.OwnershipRefresh.NextRefreshAvailableAt = next
		if !succeeded {
			acct.OwnershipRefresh.Status = fc.RefreshStatusFailed
			break
		}
		acct.OwnershipRefresh.Status = fc.RefreshStatusSucceeded
		own := &fc.AccountOwnership{ID: s.newID("fcaowns"), Object: "financial_connections.account_ownership", Created: now.Unix()}
		own.Owners = &embedfin.List[fc.AccountOwner]{Object: "list", URL: "/v1/financial_connections/accounts/" + id + "/owners?ownership=" + own.ID, Data: []*fc.AccountOwner{}}
		for _, o := range st.owners {
			owner := &fc.AccountOwner{ID: s.newID("fcaown"), Object: "financial_connections.account_owner", Name: o.Name, Ownership: own.ID, RefreshedAt: embedfin.Ptr(now.Unix())}
			if o.Email != "" {
				owner.Email = embedfin.Ptr(o.Email)
			}
			if o.Phone != "" {
				owner.Phone = embedfin.Ptr(o.Phone)
			}
			if o.RawAddress != "" {
				owner.RawAddress = embedfin.Ptr(o.RawAddress)
			}
			own.Owners.Data = append(own.Owners.Data, owner)
		}
		put(e, kindFCOwnership, own.ID, own)
		acct.Ownership = &embedfin.Expandable[fc.AccountOwnership]{ID: own.ID}
	case fc.AccountFeatureTransactions:
		typ = events.EventTypeFinancialConnectionsAccountRefreshedTransactions
		acct.TransactionRefresh.NextRefreshAvailableAt = next
		if !succeeded {
			acct.TransactionRefresh.Status = fc.RefreshStatusFailed
			break
		}
		acct.TransactionRefresh.Status = fc.RefreshStatusSucceeded
		e.fetchTransactions(acct, st, acct.TransactionRefresh.ID, now)
	}
	e.emit(nil, typ, snapshot(acct), nil)
}

// fetchTransactions exposes what the bank holds: everything on the first
// successful refresh, then only what is new or changed, each stamped with
// the refresh that fetched it.
func (e *env) fetchTransactions(acct *fc.Account, st *fcState, refresh string, now time.Time) {
	s := e.srv
	if hasFetched(e, acct.ID) {
		st.bank = evolveHistory(s.rng, st.bank, st.fetchedAt, now, func() string { return s.newID("fctxn") })
	}
	st.fetchedAt = now
	for _, b := range st.bank {
		if !b.changed {
			continue
		}
		b.changed = false
		t, ok := get[fc.Transaction](e, b.id)
		if !ok {
			t = &fc.Transaction{ID: b.id, Object: "financial_connections.transaction", Account: acct.ID, Currency: "usd", StatusTransitions: &fc.TransactionStatusTransitions{}}
		}
		t.Amount, t.Description, t.TransactedAt = b.amount, b.description, b.transactedAt
		t.Status = fc.TransactionStatus(b.status)
		if b.postedAt != 0 {
			t.StatusTransitions.PostedAt = embedfin.Ptr(b.postedAt)
		}
		if b.voidAt != 0 {
			t.StatusTransitions.VoidAt = embedfin.Ptr(b.voidAt)
		}
		t.TransactionRefresh = refresh
		t.Updated = now.Unix()
		put(e, kindFCTransaction, t.ID, t)
	}
}

// hasFetched reports whether the account's transactions were fetched once.
func hasFetched(e *env, account string) bool {
	x := e.index(kindFCTransaction, "account="+account)
	return x != nil && len(x.entries) > 0
}
