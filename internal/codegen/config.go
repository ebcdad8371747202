package main

// Pkg is one generated package.
type Pkg struct {
	Name  string // Go package name
	Dir   string // directory relative to the module root
	Order int    // computed (order.go): a package imports only lower ones
	Doc   string // what the generated client covers, for its doc comment
}

const modulePath = "github.com/embedfin/embedfin-go"

// pkgs lists the generated packages: the root first, then the resource
// packages in alphabetical order. Order is computed from the references
// between their types (order.go): a package may import only packages of
// lower order.
var pkgs = []*Pkg{
	{Name: "embedfin", Dir: "."},
	{Name: "connect", Dir: "connect", Doc: "Connect accounts, account links and account sessions"},
	{Name: "customers", Dir: "customers", Doc: "customers"},
	{Name: "events", Dir: "events", Doc: "events"},
	{Name: "financialconnections", Dir: "financialconnections", Doc: "Financial Connections sessions, accounts and transactions"},
	{Name: "issuing", Dir: "issuing", Doc: "Issuing cardholders, cards, authorizations and transactions"},
	{Name: "setupintents", Dir: "setupintents", Doc: "SetupIntents"},
	{Name: "treasury", Dir: "treasury", Doc: "Treasury financial accounts and money movements"},
}

func pkgByName(name string) *Pkg {
	for _, p := range pkgs {
		if p.Name == name {
			return p
		}
	}
	panic("unknown package " + name)
}

// Owned is a resource schema typed in a given package under a given name.
type Owned struct {
	Pkg, Name, File string
}

// owned lists the resource schemas this SDK types, and where. Every other
// resource the spec references (payment methods, subscriptions, charges,
// files, ...) is outside the products of the seeds and is kept as
// embedfin.RawObject.
//
// Resources that reference each other in a cycle share a package (Go
// packages cannot import each other): a bank account or card belongs to a
// connected account (external accounts) or to a customer (sources) and
// names its owner, and a customer lists its sources and tax IDs, so the
// customer objects live in connect with the accounts; a payout names its
// balance transactions, whose source may be the payout, an Issuing
// authorization or transaction, so payouts live in issuing with them.
var owned = map[string]Owned{
	"account":                                 {"connect", "Account", "account"},
	"deleted_account":                         {"connect", "DeletedAccount", "account"},
	"account_link":                            {"connect", "AccountLink", "account_link"},
	"account_session":                         {"connect", "AccountSession", "account_session"},
	"person":                                  {"connect", "Person", "person"},
	"bank_account":                            {"connect", "BankAccount", "bank_account"},
	"card":                                    {"connect", "Card", "card"},
	"token":                                   {"connect", "Token", "token"},
	"tax_id":                                  {"connect", "TaxID", "tax_id"},
	"customer":                                {"connect", "Customer", "customer"},
	"deleted_customer":                        {"connect", "DeletedCustomer", "customer"},
	"cash_balance":                            {"connect", "CashBalance", "cash_balance"},
	"discount":                                {"connect", "Discount", "discount"},
	"financial_connections.account":           {"financialconnections", "Account", "account"},
	"financial_connections.account_owner":     {"financialconnections", "AccountOwner", "account_owner"},
	"financial_connections.session":           {"financialconnections", "Session", "session"},
	"financial_connections.transaction":       {"financialconnections", "Transaction", "transaction"},
	"setup_intent":                            {"setupintents", "SetupIntent", "setup_intent"},
	"issuing.authorization":                   {"issuing", "Authorization", "authorization"},
	"issuing.card":                            {"issuing", "Card", "card"},
	"issuing.cardholder":                      {"issuing", "Cardholder", "cardholder"},
	"issuing.transaction":                     {"issuing", "Transaction", "transaction"},
	"balance_transaction":                     {"issuing", "BalanceTransaction", "balance_transaction"},
	"treasury.financial_account":              {"treasury", "FinancialAccount", "financial_account"},
	"treasury.financial_account_features":     {"treasury", "FinancialAccountFeatures", "financial_account"},
	"treasury.inbound_transfer":               {"treasury", "InboundTransfer", "inbound_transfer"},
	"treasury.outbound_payment":               {"treasury", "OutboundPayment", "outbound_payment"},
	"treasury.outbound_transfer":              {"treasury", "OutboundTransfer", "outbound_transfer"},
	"treasury.received_credit":                {"treasury", "ReceivedCredit", "received_credit"},
	"treasury.received_debit":                 {"treasury", "ReceivedDebit", "received_debit"},
	"treasury.transaction":                    {"treasury", "Transaction", "transaction"},
	"treasury.transaction_entry":              {"treasury", "TransactionEntry", "transaction"},
	"treasury.credit_reversal":                {"treasury", "CreditReversal", "reversal"},
	"treasury.debit_reversal":                 {"treasury", "DebitReversal", "reversal"},
	"payout":                                  {"issuing", "Payout", "payout"},
	"event":                                   {"events", "Event", "event"},
	"financial_connections.account_ownership": {"financialconnections", "AccountOwnership", "account_owner"},
}

// sharedNames names sub-schemas that are referenced from more than one
// place, where a name derived from one position would mislead.
var sharedNames = map[string]string{
	"address": "Address",
	"treasury_shared_resource_billing_details":                                                     "BillingDetails",
	"treasury_financial_accounts_resource_toggle_settings":                                         "ToggleSettings",
	"treasury_financial_accounts_resource_toggles_setting_status_details":                          "ToggleStatusDetails",
	"treasury_financial_accounts_resource_outbound_ach_toggle_settings":                            "OutboundACHToggleSettings",
	"treasury_transactions_resource_balance_impact":                                                "BalanceImpact",
	"treasury_transactions_resource_flow_details":                                                  "FlowDetails",
	"treasury_shared_resource_initiating_payment_method_details_initiating_payment_method_details": "InitiatingPaymentMethodDetails",
	"account_requirements_error":                                                                   "RequirementsError",
	"account_requirements_alternative":                                                             "RequirementsAlternative",
	"external_account_requirements":                                                                "ExternalAccountRequirements",
	"legal_entity_japan_address":                                                                   "JapanAddress",
	"issuing_authorization_amount_details":                                                         "AmountDetails",
	"issuing_authorization_merchant_data":                                                          "MerchantData",
	"bank_connections_resource_accountholder":                                                      "AccountHolder",
	"connect_embedded_base_config_claim":                                                           "EmbeddedBaseConfig",
	"connect_embedded_account_config_claim":                                                        "EmbeddedAccountConfig",
	"connect_embedded_payouts_config":                                                              "EmbeddedPayoutsConfig",
	"connect_embedded_payments_config_claim":                                                       "EmbeddedPaymentsConfig",
	"setup_intent_type_specific_payment_method_options_client":                                     "TypeSpecificPaymentMethodOptions",
	"setup_intent_payment_method_options_mandate_options_payto":                                    "PaymentMethodOptionsPaytoMandateOptions",
	"legal_entity_person_verification_document":                                                    "VerificationDocument",
}

// eventTypePrefixes select the event types of the SDK's products.
var eventTypePrefixes = []string{
	"account.", "customer.", "financial_connections.", "issuing_", "setup_intent.", "treasury.",
}

// commonShapes names the request objects the API repeats across
// resources, by their sorted properties and types. Each is one struct of the
// root package, whatever its position (the exception to naming params
// structs after their resource and path).
var commonShapes = map[string]string{
	"city:string,country:string,line1:string,line2:string,postal_code:string,state:string":             "AddressParams",
	"city:string,country:string,line1:string,line2:string,postal_code:string,state:string,town:string": "JapanAddressParams",
	"day:integer,month:integer,year:integer":                                                           "DateParams",
	"requested:boolean":                                                                                "AccessParams",
}

// sharedEnumNames names the enums that fields with the same values share where
// the words their names end with in common would not make a clear name
// (naming rule in ARCHITECTURE.md), keyed by the name of one of their
// positions. Positions named here share one enum even when their values
// differ slightly (the test helper's merchant category lacks one value).
var sharedEnumNames = map[string]string{
	// connect
	"AccountCapabilitiesTransfers":           "CapabilityStatus",
	"AccountControllerRequirementCollection": "ResponsibleParty",
	"AccountLinkCollectionOptionsFields":     "RequirementsToCollect",
	// issuing
	"AuthorizationMerchantDataCategory":     "MerchantCategory",
	"CardSpendingControlsAllowedCategory":   "MerchantCategory",
	"AuthorizationVerificationDataCVCCheck": "VerificationCheck",
	"CardWalletsApplePayIneligibleReason":   "WalletIneligibleReason",
	// setupintents
	"SetupIntentAutomaticPaymentMethodsAllowRedirects":     "AlwaysOrNever",
	"SetupIntentPaymentMethodDataUSBankAccountAccountType": "BankAccountType",
	// treasury
	"FinancialAccountPlatformRestrictionsInboundFlows":   "FlowRestriction",
	"OutboundPaymentDestinationPaymentMethodDetailsType": "PaymentMethodType",
	"OutboundPaymentStatus":                              "OutboundStatus",
	"OutboundPaymentTrackingDetailsType":                 "Network",
	"ReceivedCreditLinkedFlowsSourceFlowType":            "ReceivedCreditSourceFlowType",
	"ReceivedCreditStatus":                               "ReceivedStatus",
	"ToggleSettingsStatus":                               "FeatureStatus",
	"TransactionFlowType":                                "FlowType",
}

// unionNames names tagged unions by their sorted variant schemas.
var unionNames = map[string]string{
	"bank_account|card|source":                            "PaymentSource",
	"bank_account|card":                                   "ExternalAccount",
	"bank_account|card|deleted_bank_account|deleted_card": "PayoutDestination",
}

// Endpoint maps one operation of the spec to a Go method.
type Endpoint struct {
	Method, Path string
	Pkg          string
	Service      string // service field on the package client; "TestHelpers.X" nests it
	GoMethod     string
}

// endpoints is the API surface of issue 3, in the order of the issue.
var endpoints = []Endpoint{
	{"POST", "/v1/financial_connections/sessions", "financialconnections", "Sessions", "Create"},
	{"GET", "/v1/financial_connections/sessions/{session}", "financialconnections", "Sessions", "Retrieve"},
	{"GET", "/v1/financial_connections/accounts", "financialconnections", "Accounts", "List"},
	{"GET", "/v1/financial_connections/accounts/{account}", "financialconnections", "Accounts", "Retrieve"},
	{"POST", "/v1/financial_connections/accounts/{account}/refresh", "financialconnections", "Accounts", "Refresh"},
	{"POST", "/v1/financial_connections/accounts/{account}/subscribe", "financialconnections", "Accounts", "Subscribe"},
	{"POST", "/v1/financial_connections/accounts/{account}/unsubscribe", "financialconnections", "Accounts", "Unsubscribe"},
	{"POST", "/v1/financial_connections/accounts/{account}/disconnect", "financialconnections", "Accounts", "Disconnect"},
	{"GET", "/v1/financial_connections/accounts/{account}/owners", "financialconnections", "Accounts", "ListOwners"},
	{"GET", "/v1/financial_connections/transactions", "financialconnections", "Transactions", "List"},
	{"GET", "/v1/financial_connections/transactions/{transaction}", "financialconnections", "Transactions", "Retrieve"},
	{"POST", "/v1/customers", "customers", "Customers", "Create"},
	{"GET", "/v1/customers", "customers", "Customers", "List"},
	{"GET", "/v1/customers/search", "customers", "Customers", "Search"},
	{"GET", "/v1/customers/{customer}", "customers", "Customers", "Retrieve"},
	{"POST", "/v1/customers/{customer}", "customers", "Customers", "Update"},
	{"DELETE", "/v1/customers/{customer}", "customers", "Customers", "Delete"},
	{"POST", "/v1/accounts", "connect", "Accounts", "Create"},
	{"GET", "/v1/accounts", "connect", "Accounts", "List"},
	{"GET", "/v1/accounts/{account}", "connect", "Accounts", "Retrieve"},
	{"POST", "/v1/accounts/{account}", "connect", "Accounts", "Update"},
	{"DELETE", "/v1/accounts/{account}", "connect", "Accounts", "Delete"},
	{"POST", "/v1/account_links", "connect", "AccountLinks", "Create"},
	{"POST", "/v1/account_sessions", "connect", "AccountSessions", "Create"},
	{"POST", "/v1/setup_intents", "setupintents", "SetupIntents", "Create"},
	{"GET", "/v1/setup_intents", "setupintents", "SetupIntents", "List"},
	{"GET", "/v1/setup_intents/{intent}", "setupintents", "SetupIntents", "Retrieve"},
	{"POST", "/v1/setup_intents/{intent}", "setupintents", "SetupIntents", "Update"},
	{"POST", "/v1/setup_intents/{intent}/confirm", "setupintents", "SetupIntents", "Confirm"},
	{"POST", "/v1/setup_intents/{intent}/cancel", "setupintents", "SetupIntents", "Cancel"},
	{"POST", "/v1/setup_intents/{intent}/verify_microdeposits", "setupintents", "SetupIntents", "VerifyMicrodeposits"},
	{"POST", "/v1/treasury/financial_accounts", "treasury", "FinancialAccounts", "Create"},
	{"GET", "/v1/treasury/financial_accounts", "treasury", "FinancialAccounts", "List"},
	{"GET", "/v1/treasury/financial_accounts/{financial_account}", "treasury", "FinancialAccounts", "Retrieve"},
	{"POST", "/v1/treasury/financial_accounts/{financial_account}", "treasury", "FinancialAccounts", "Update"},
	{"POST", "/v1/treasury/financial_accounts/{financial_account}/close", "treasury", "FinancialAccounts", "Close"},
	{"GET", "/v1/treasury/financial_accounts/{financial_account}/features", "treasury", "FinancialAccounts", "RetrieveFeatures"},
	{"POST", "/v1/treasury/financial_accounts/{financial_account}/features", "treasury", "FinancialAccounts", "UpdateFeatures"},
	{"POST", "/v1/treasury/inbound_transfers", "treasury", "InboundTransfers", "Create"},
	{"GET", "/v1/treasury/inbound_transfers", "treasury", "InboundTransfers", "List"},
	{"GET", "/v1/treasury/inbound_transfers/{id}", "treasury", "InboundTransfers", "Retrieve"},
	{"POST", "/v1/treasury/inbound_transfers/{inbound_transfer}/cancel", "treasury", "InboundTransfers", "Cancel"},
	{"POST", "/v1/treasury/outbound_payments", "treasury", "OutboundPayments", "Create"},
	{"GET", "/v1/treasury/outbound_payments", "treasury", "OutboundPayments", "List"},
	{"GET", "/v1/treasury/outbound_payments/{id}", "treasury", "OutboundPayments", "Retrieve"},
	{"POST", "/v1/treasury/outbound_payments/{id}/cancel", "treasury", "OutboundPayments", "Cancel"},
	{"POST", "/v1/treasury/outbound_transfers", "treasury", "OutboundTransfers", "Create"},
	{"GET", "/v1/treasury/outbound_transfers", "treasury", "OutboundTransfers", "List"},
	{"GET", "/v1/treasury/outbound_transfers/{outbound_transfer}", "treasury", "OutboundTransfers", "Retrieve"},
	{"POST", "/v1/treasury/outbound_transfers/{outbound_transfer}/cancel", "treasury", "OutboundTransfers", "Cancel"},
	{"GET", "/v1/treasury/received_credits", "treasury", "ReceivedCredits", "List"},
	{"GET", "/v1/treasury/received_credits/{id}", "treasury", "ReceivedCredits", "Retrieve"},
	{"GET", "/v1/treasury/received_debits", "treasury", "ReceivedDebits", "List"},
	{"GET", "/v1/treasury/received_debits/{id}", "treasury", "ReceivedDebits", "Retrieve"},
	{"GET", "/v1/treasury/transactions", "treasury", "Transactions", "List"},
	{"GET", "/v1/treasury/transactions/{id}", "treasury", "Transactions", "Retrieve"},
	{"POST", "/v1/test_helpers/treasury/inbound_transfers/{id}/succeed", "treasury", "TestHelpers.InboundTransfers", "Succeed"},
	{"POST", "/v1/test_helpers/treasury/inbound_transfers/{id}/fail", "treasury", "TestHelpers.InboundTransfers", "Fail"},
	{"POST", "/v1/test_helpers/treasury/inbound_transfers/{id}/return", "treasury", "TestHelpers.InboundTransfers", "Return"},
	{"POST", "/v1/test_helpers/treasury/outbound_payments/{id}/post", "treasury", "TestHelpers.OutboundPayments", "Post"},
	{"POST", "/v1/test_helpers/treasury/outbound_payments/{id}/fail", "treasury", "TestHelpers.OutboundPayments", "Fail"},
	{"POST", "/v1/test_helpers/treasury/outbound_payments/{id}/return", "treasury", "TestHelpers.OutboundPayments", "Return"},
	{"POST", "/v1/test_helpers/treasury/outbound_transfers/{outbound_transfer}/post", "treasury", "TestHelpers.OutboundTransfers", "Post"},
	{"POST", "/v1/test_helpers/treasury/outbound_transfers/{outbound_transfer}/fail", "treasury", "TestHelpers.OutboundTransfers", "Fail"},
	{"POST", "/v1/test_helpers/treasury/outbound_transfers/{outbound_transfer}/return", "treasury", "TestHelpers.OutboundTransfers", "Return"},
	{"POST", "/v1/test_helpers/treasury/received_credits", "treasury", "TestHelpers.ReceivedCredits", "Create"},
	{"POST", "/v1/test_helpers/treasury/received_debits", "treasury", "TestHelpers.ReceivedDebits", "Create"},
	{"POST", "/v1/issuing/cardholders", "issuing", "Cardholders", "Create"},
	{"GET", "/v1/issuing/cardholders", "issuing", "Cardholders", "List"},
	{"GET", "/v1/issuing/cardholders/{cardholder}", "issuing", "Cardholders", "Retrieve"},
	{"POST", "/v1/issuing/cardholders/{cardholder}", "issuing", "Cardholders", "Update"},
	{"POST", "/v1/issuing/cards", "issuing", "Cards", "Create"},
	{"GET", "/v1/issuing/cards", "issuing", "Cards", "List"},
	{"GET", "/v1/issuing/cards/{card}", "issuing", "Cards", "Retrieve"},
	{"POST", "/v1/issuing/cards/{card}", "issuing", "Cards", "Update"},
	{"GET", "/v1/issuing/authorizations", "issuing", "Authorizations", "List"},
	{"GET", "/v1/issuing/authorizations/{authorization}", "issuing", "Authorizations", "Retrieve"},
	{"POST", "/v1/issuing/authorizations/{authorization}", "issuing", "Authorizations", "Update"},
	{"POST", "/v1/issuing/authorizations/{authorization}/approve", "issuing", "Authorizations", "Approve"},
	{"POST", "/v1/issuing/authorizations/{authorization}/decline", "issuing", "Authorizations", "Decline"},
	{"GET", "/v1/issuing/transactions", "issuing", "Transactions", "List"},
	{"GET", "/v1/issuing/transactions/{transaction}", "issuing", "Transactions", "Retrieve"},
	{"POST", "/v1/issuing/transactions/{transaction}", "issuing", "Transactions", "Update"},
	{"POST", "/v1/test_helpers/issuing/authorizations", "issuing", "TestHelpers.Authorizations", "Create"},
	{"POST", "/v1/test_helpers/issuing/authorizations/{authorization}/capture", "issuing", "TestHelpers.Authorizations", "Capture"},
	{"POST", "/v1/test_helpers/issuing/authorizations/{authorization}/expire", "issuing", "TestHelpers.Authorizations", "Expire"},
	{"POST", "/v1/test_helpers/issuing/authorizations/{authorization}/increment", "issuing", "TestHelpers.Authorizations", "Increment"},
	{"POST", "/v1/test_helpers/issuing/authorizations/{authorization}/reverse", "issuing", "TestHelpers.Authorizations", "Reverse"},
	{"POST", "/v1/test_helpers/issuing/authorizations/{authorization}/finalize_amount", "issuing", "TestHelpers.Authorizations", "FinalizeAmount"},
	{"GET", "/v1/events", "events", "Events", "List"},
	{"GET", "/v1/events/{id}", "events", "Events", "Retrieve"},
}

// verbDocs says in our words what each kind of method does; %s is the
// object's name in prose ("Financial Connections account").
var verbDocs = map[string]string{
	"Create":              "creates a %s.",
	"Retrieve":            "fetches a %s by its ID.",
	"Update":              "changes a %s; fields left nil are not sent and stay as they are.",
	"Delete":              "deletes a %s.",
	"List":                "returns one page of %ss; use All to walk every page.",
	"Search":              "returns one page of %ss matching a search query; use SearchAll to walk every page.",
	"Refresh":             "asks Stripe to fetch fresh data for the %s. The refresh runs asynchronously: the returned object shows it pending, and its outcome arrives later on the object and as an event.",
	"Subscribe":           "subscribes the %s to periodic data refreshes of the given features.",
	"Unsubscribe":         "stops periodic data refreshes of the given features for the %s.",
	"Disconnect":          "disconnects the %s: Stripe stops reading its data and it can no longer be refreshed.",
	"ListOwners":          "returns one page of the owners found by the account's latest ownership refresh; use AllOwners to walk every page.",
	"Close":               "closes the %s.",
	"RetrieveFeatures":    "returns the features of the %s and their status.",
	"UpdateFeatures":      "requests or removes features of the %s.",
	"Cancel":              "cancels the %s.",
	"Confirm":             "confirms the %s, attaching and verifying its payment method.",
	"VerifyMicrodeposits": "verifies the bank account of the %s with the amounts or descriptor code of its microdeposits.",
	"Approve":             "approves the pending %s (real-time authorization webhooks are the usual path).",
	"Decline":             "declines the pending %s.",
	"Succeed":             "moves the test-mode %s to succeeded.",
	"Fail":                "moves the test-mode %s to failed.",
	"Return":              "marks the test-mode %s as returned.",
	"Post":                "moves the test-mode %s to posted.",
	"Capture":             "captures the test-mode %s, creating its Issuing transaction.",
	"Expire":              "expires the test-mode %s.",
	"Increment":           "raises the amount of the test-mode %s.",
	"Reverse":             "reverses all or part of the test-mode %s.",
	"FinalizeAmount":      "sets the final amount of the test-mode %s (fuel purchases).",
}

// prose names objects in doc comments.
var prose = map[string]string{
	"account": "connected account", "deleted_account": "deleted connected account",
	"account_link": "account link", "account_session": "account session",
	"customer": "customer", "deleted_customer": "deleted customer",
	"financial_connections.account":       "Financial Connections account",
	"financial_connections.account_owner": "Financial Connections account owner",
	"financial_connections.session":       "Financial Connections session",
	"financial_connections.transaction":   "Financial Connections transaction",
	"setup_intent":                        "SetupIntent",
	"treasury.financial_account":          "financial account",
	"treasury.financial_account_features": "financial account's feature set",
	"treasury.inbound_transfer":           "inbound transfer",
	"treasury.outbound_payment":           "outbound payment",
	"treasury.outbound_transfer":          "outbound transfer",
	"treasury.received_credit":            "received credit",
	"treasury.received_debit":             "received debit",
	"treasury.transaction":                "Treasury transaction",
	"issuing.authorization":               "Issuing authorization",
	"issuing.card":                        "Issuing card",
	"issuing.cardholder":                  "Issuing cardholder",
	"issuing.transaction":                 "Issuing transaction",
	"event":                               "event",
}

// refSections names the API reference section of objects that have their
// own although a path under another collection returns them.
var refSections = map[string]string{
	"financial_connections.account_owner": "financial_connections/ownership",
	"treasury.financial_account_features": "treasury/financial_account_features",
}

// fieldNotes describe, in our words, response fields the seed flows use.
// Key: "<schema>.<property>", the schema being the holder's component (or
// the inline object's position, "financial_connections.account.balance").
var fieldNotes = map[string]string{
	// Financial Connections: the linked account and its refreshes.
	"financial_connections.account.account_holder":                        "who linked the account: a customer, or a connected account",
	"financial_connections.account.balance":                               "the latest balances read; nil until a balance refresh succeeds",
	"financial_connections.account.balance_refresh":                       "the latest balance refresh; nil before the first",
	"financial_connections.account.display_name":                          "the account's name as the institution shows it",
	"financial_connections.account.institution_name":                      "the bank or other institution that holds the account",
	"financial_connections.account.last4":                                 "the last four digits of the account number",
	"financial_connections.account.ownership":                             "the owners found by the latest ownership refresh (list them with ListOwners)",
	"financial_connections.account.ownership_refresh":                     "the latest ownership refresh; nil before the first",
	"financial_connections.account.permissions":                           "the data the account holder agreed to share",
	"financial_connections.account.status":                                "only an active account can be refreshed",
	"financial_connections.account.subscriptions":                         "the data refreshed daily without a Refresh call",
	"financial_connections.account.supported_payment_method_types":        "the payment methods the account can back",
	"financial_connections.account.transaction_refresh":                   "the latest transaction refresh; nil before the first",
	"bank_connections_resource_balance.as_of":                             "when the institution reported these balances",
	"bank_connections_resource_balance.current":                           "the balance per currency code, pending transactions included",
	"bank_connections_resource_balance_refresh.status":                    "pending while the refresh runs, then succeeded or failed",
	"bank_connections_resource_balance_refresh.next_refresh_available_at": "the earliest time another refresh may be asked for",
	"bank_connections_resource_transaction_refresh.id":                    "pass it as TransactionRefresh.After to list only later changes",
	"bank_connections_resource_transaction_refresh.status":                "pending while the refresh runs, then succeeded or failed",
	"financial_connections.session.accounts":                              "the accounts the user linked, once the flow is complete",
	"financial_connections.session.client_secret":                         "hand it to Stripe.js to open the linking flow; never store or log it",
	"financial_connections.account_owner.name":                            "the owner's full name as the institution records it",
	"financial_connections.account_owner.email":                           "the owner's email address, when the institution has one",
	"financial_connections.account_owner.phone":                           "the owner's phone number, unformatted",
	"financial_connections.account_owner.raw_address":                     "the owner's postal address in one string",
	"financial_connections.transaction.amount":                            "positive for money in, negative for money out",
	"financial_connections.transaction.status":                            "pending until the institution posts it; void when it drops it",
	"financial_connections.transaction.transacted_at":                     "when the institution says the transaction happened",
	"financial_connections.transaction.transaction_refresh":               "the ID of the refresh that last created or changed it",
	// Customers.
	"customer.email": "the customer's email; Financial Connections uses it to recognize returning Link users",
	// Connect: the connected account of the embedded-finance flow.
	"account.capabilities":                              "the status of each capability requested for the account",
	"account.requirements":                              "what the account holder still has to provide",
	"account_requirements.currently_due":                "fields to collect now (onboarding) to keep the account enabled",
	"account_link.url":                                  "the onboarding page to send the account holder to, once",
	"account_link.expires_at":                           "after this time the link no longer opens; create a new one",
	"account_capabilities.card_issuing":                 "whether the account can have Issuing cards",
	"account_capabilities.treasury":                     "whether the account can have financial accounts",
	"account_capabilities.transfers":                    "whether the platform can send funds to the account",
	"account_capabilities.us_bank_account_ach_payments": "whether the account can take ACH debits",
	// Treasury.
	"treasury.financial_account.active_features":                           "features the account can use now",
	"treasury.financial_account.pending_features":                          "features requested and not active yet",
	"treasury.financial_account.restricted_features":                       "features requested but restricted; see the features' status details",
	"treasury.financial_account.balance":                                   "the funds per currency, by state",
	"treasury.financial_account.financial_addresses":                       "the routing and account numbers that send money to the account",
	"treasury_financial_accounts_resource_balance.cash":                    "funds that can be spent now, per currency",
	"treasury_financial_accounts_resource_balance.inbound_pending":         "funds on their way in, per currency",
	"treasury_financial_accounts_resource_balance.outbound_pending":        "funds held for outgoing money (card authorizations, payments), per currency",
	"treasury_financial_accounts_resource_aba_record.account_number_last4": "the last four digits of the account number",
	"treasury_financial_accounts_resource_aba_record.routing_number":       "the ABA routing number of the account's bank",
	// Issuing.
	"issuing.authorization.approved": "whether the authorization was approved",
	"issuing.authorization.status":   "pending until captured (closed), reversed or expired",
	"issuing.card.status":            "only an active card can be used",
	// SetupIntents (bank accounts for ACH).
	"setup_intent.next_action": "what the customer or your integration must do next (such as verifying microdeposits)",
	"setup_intent.status":      "succeeded once the payment method can be charged",
	"setup_intent_next_action_verify_with_microdeposits.hosted_verification_url": "a page where the customer enters the microdeposit amounts or code",
}

// paramNotes describe, in our words, request parameters the seed flows
// use. Key: "<resource schema> <wire path>", the resource being what the
// endpoint answers with; a nested object's parameters are found under the
// first endpoint that uses the object.
var paramNotes = map[string]string{
	// Financial Connections.
	"financial_connections.session account_holder":          "whose accounts are linked",
	"financial_connections.session account_holder.type":     "customer or account, naming the ID to set",
	"financial_connections.session account_holder.customer": "the customer the user stands for",
	"financial_connections.session permissions":             "the data to ask for; ask only for what the product uses, the user sees the list",
	"financial_connections.session prefetch":                "data to read right after linking, without a Refresh call",
	"financial_connections.session filters":                 "limits on which institutions and accounts the user can pick",
	"financial_connections.session return_url":              "where the user lands after an institution's own sign-in page",
	"financial_connections.account features":                "the data to refresh; each needs the matching permission",
	"financial_connections.account session":                 "only the accounts linked in this session",
	"financial_connections.account_owner ownership":         "the ownership to read: the account's Ownership ID",
	"financial_connections.transaction account":             "the account whose transactions to list",
	"financial_connections.transaction transaction_refresh": "only the transactions changed after a given refresh",
	// Customers.
	"customer name":  "the customer's full name; Ownership Match compares it with account owners",
	"customer email": "lets the linking flow recognize a returning Link user",
	// Connect.
	"account controller":       "who pays fees, bears losses and collects requirements for the account",
	"account capabilities":     "capabilities to request; each starts inactive until the requirements are met",
	"account country":          "the account's country (two-letter code); it cannot change later",
	"account_link account":     "the connected account to onboard",
	"account_link refresh_url": "where the link sends the user when it has expired or was used",
	"account_link return_url":  "where the user lands after leaving the flow (finished or not)",
	"account_link type":        "account_onboarding for a first onboarding",
	// Treasury.
	"treasury.financial_account supported_currencies": "the currencies the account holds (usd)",
	"treasury.financial_account features":             "features to request; they turn active once the account qualifies",
	"treasury.received_credit financial_account":      "the financial account to credit",
	"treasury.received_credit network":                "the network the test credit pretends to arrive on",
	// Issuing.
	"issuing.cardholder billing":          "the billing address card payments are checked against",
	"issuing.card cardholder":             "the cardholder the card is issued to",
	"issuing.card financial_account":      "the financial account card spending draws from",
	"issuing.card status":                 "active to use the card at once; cards start inactive otherwise",
	"issuing.authorization card":          "the card the test purchase is made with",
	"issuing.authorization amount":        "the test purchase's amount",
	"issuing.authorization merchant_data": "the test purchase's merchant: category, name and location",
	"issuing.transaction card":            "only the transactions of this card",
	// SetupIntents.
	"setup_intent customer":             "the customer the bank account is saved for",
	"setup_intent payment_method_types": "us_bank_account for ACH debits",
	"setup_intent amounts":              "the two microdeposit amounts, in cents",
	"setup_intent descriptor_code":      "the six-character code from the microdeposit's statement descriptor",
}
