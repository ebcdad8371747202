package stripetest

import (
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/connect"
	"github.com/embedfin/embedfin-go/events"
	fc "github.com/embedfin/embedfin-go/financialconnections"
	si "github.com/embedfin/embedfin-go/setupintents"
)

// Kinds of the SetupIntent objects in an env.
const (
	kindSetupIntent   = "setup_intent"
	kindPaymentMethod = "stripetest.payment_method" // side state: the SDK has no PaymentMethod type
)

// Stripe's test values for microdeposit verification, and its limits: a
// descriptor code may be entered wrong 9 times, the 10th wrong entry ends
// the verification (amounts-based microdeposits allow 3, but the emulator,
// like Stripe for new integrations, sends a descriptor code); the
// microdeposits expire 10 days after they were sent.
const (
	testDescriptorCode   = "SM11AA"
	maxVerifyAttempts    = 10
	microdepositLifetime = 10 * 24 * time.Hour
)

// kindMicrodepositPage is where a hosted_verification_url leads: kept in
// the platform's env, naming the env and the SetupIntent.
const kindMicrodepositPage = "stripetest.microdeposit_page"

// microdepositPage is the state behind one hosted verification URL.
type microdepositPage struct {
	Token   string // the last part of the URL
	Account string // the connected account the intent belongs to; "" for the platform
	Intent  string
}

// testMicrodepositAmounts are the amounts that verify a bank account.
var testMicrodepositAmounts = []int64{32, 45}

// paymentMethod is a payment method collected by a SetupIntent, kept as
// side state: the SDK models payment methods as raw objects.
type paymentMethod struct {
	ID, Type          string                        // pm_ ID and payment method type (us_bank_account...)
	Created           int64                         // creation time, Unix seconds
	Customer          string                        // the customer it belongs to, if any
	Name, Email       string                        // billing details
	RoutingNumber     string                        // the bank account's routing number
	Last4             string                        // the account number's last four digits
	BankName          string                        // the bank's name
	AccountHolderType string                        // individual or company
	AccountType       string                        // checking or savings
	FCAccount         string                        // financial_connections_account, when linked that way
	Verified          bool                          // instantly (Financial Connections) or by microdeposits
	Attempts          int                           // failed microdeposit verifications
	VerifyBy          int64                         // when the microdeposits expire, Unix seconds
	SelfAttached      bool                          // set up with attach_to_self: usable for the account's own transfers
	Directions        []si.SetupIntentFlowDirection // flow_directions it was set up for
}

// allows reports whether a self-attached payment method may be used in
// direction (flow_directions; none set means both).
func (pm *paymentMethod) allows(direction si.SetupIntentFlowDirection) bool {
	return len(pm.Directions) == 0 || slices.Contains(pm.Directions, direction)
}

// typedBankAccount fills a us_bank_account payment method from typed-in
// account and routing numbers (a SetupIntent's payment_method_data or an
// outbound payment's destination_payment_method_data); prefix is the
// parameter holding them.
func typedBankAccount[H, A ~string](pm *paymentMethod, u bankAccountParams[H, A], prefix string) error {
	if u.AccountNumber == nil {
		return invalidRequest("parameter_missing", prefix+"[account_number]", "Missing required param: %s[account_number].", prefix)
	}
	if u.RoutingNumber == nil {
		return invalidRequest("parameter_missing", prefix+"[routing_number]", "Missing required param: %s[routing_number].", prefix)
	}
	if !validRoutingNumber(*u.RoutingNumber) {
		return invalidRequest("routing_number_invalid", prefix+"[routing_number]", "Routing number must have 9 digits and a valid checksum: '%s'.", *u.RoutingNumber)
	}
	if n := *u.AccountNumber; len(n) < 4 || len(n) > 17 || strings.Trim(n, "0123456789") != "" {
		return invalidRequest("account_number_invalid", prefix+"[account_number]", "Bank account numbers have 4 to 17 digits: '%s'.", n)
	}
	pm.Type, pm.BankName, pm.AccountHolderType, pm.AccountType = "us_bank_account", "STRIPE TEST BANK", "individual", "checking"
	if u.AccountHolderType != nil {
		pm.AccountHolderType = string(*u.AccountHolderType)
	}
	if u.AccountType != nil {
		pm.AccountType = string(*u.AccountType)
	}
	pm.RoutingNumber, pm.Last4 = *u.RoutingNumber, (*u.AccountNumber)[len(*u.AccountNumber)-4:]
	return nil
}

// bankAccountParams are the fields of a typed-in us_bank_account that
// typedBankAccount reads.
type bankAccountParams[H, A ~string] struct {
	AccountNumber, RoutingNumber *string
	AccountHolderType            *H
	AccountType                  *A
}

// raw renders the payment method as the API's payment_method object.
func (pm *paymentMethod) raw() *embedfin.RawObject {
	obj := map[string]any{
		"id": pm.ID, "object": "payment_method", "type": pm.Type, "created": pm.Created, "livemode": false,
		"customer": nil, "metadata": map[string]string{},
		"billing_details": map[string]any{"name": nilIfEmpty(pm.Name), "email": nilIfEmpty(pm.Email), "phone": nil, "address": map[string]any{
			"city": nil, "country": nil, "line1": nil, "line2": nil, "postal_code": nil, "state": nil}},
	}
	if pm.Customer != "" {
		obj["customer"] = pm.Customer
	}
	if pm.Type == "us_bank_account" {
		obj["us_bank_account"] = map[string]any{
			"account_holder_type": pm.AccountHolderType, "account_type": pm.AccountType, "bank_name": pm.BankName,
			"financial_connections_account": nilIfEmpty(pm.FCAccount), "last4": pm.Last4, "routing_number": pm.RoutingNumber,
			"networks":       map[string]any{"preferred": "ach", "supported": []string{"ach", "us_domestic_wire"}},
			"status_details": map[string]any{},
		}
	}
	b, _ := json.Marshal(obj)
	return &embedfin.RawObject{ID: pm.ID, Object: "payment_method", Raw: b}
}

// nilIfEmpty is s, or JSON null for "".
func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// validRoutingNumber checks an ABA routing number: nine digits with the
// 3-7-1 checksum.
func validRoutingNumber(n string) bool {
	if len(n) != 9 || strings.Trim(n, "0123456789") != "" {
		return false
	}
	sum := 0
	for i, w := range []int{3, 7, 1, 3, 7, 1, 3, 7, 1} {
		sum += int(n[i]-'0') * w
	}
	return sum%10 == 0
}

// paymentMethodFromData creates the payment method described by
// payment_method_data.
func (c *call) paymentMethodFromData(d *si.SetupIntentPaymentMethodDataParams, customer string) (*paymentMethod, error) {
	pm := &paymentMethod{ID: c.s.newID("pm"), Type: string(*d.Type), Created: c.unix(), Customer: customer, Verified: true}
	if b := d.BillingDetails; b != nil {
		pm.Name, pm.Email = embedfin.Deref(b.Name), embedfin.Deref(b.Email)
	}
	if pm.Type == string(si.SetupIntentPaymentMethodDataTypeUSBankAccount) {
		if pm.Name == "" {
			return nil, invalidRequest("parameter_missing", "payment_method_data[billing_details][name]", "Missing required param: payment_method_data[billing_details][name].")
		}
		u := d.USBankAccount
		if u == nil {
			return nil, invalidRequest("parameter_missing", "payment_method_data[us_bank_account]", "Missing required param: payment_method_data[us_bank_account].")
		}
		pm.AccountHolderType, pm.AccountType, pm.BankName = "individual", "checking", "STRIPE TEST BANK"
		if u.AccountHolderType != nil {
			pm.AccountHolderType = string(*u.AccountHolderType)
		}
		if u.AccountType != nil {
			pm.AccountType = string(*u.AccountType)
		}
		if u.FinancialConnectionsAccount != nil {
			const param = "payment_method_data[us_bank_account][financial_connections_account]"
			acct, ok := get[fc.Account](c.env, *u.FinancialConnectionsAccount)
			if !ok {
				return nil, notFound("financial connections account", *u.FinancialConnectionsAccount, param)
			}
			if acct.Status != fc.AccountStatusActive {
				return nil, invalidRequest("account_not_active", param, "The Financial Connections account %s is %s; link an active account.", acct.ID, acct.Status)
			}
			if !supportsPayments(acct) {
				return nil, invalidRequest("financial_connections_account_unavailable_account_numbers", param,
					"The Financial Connections account %s cannot be used for ACH payments; link a different bank account.", acct.ID)
			}
			if !slices.Contains(acct.Permissions, fc.PermissionPaymentMethod) {
				return nil, invalidRequest("parameter_invalid", param, "The Financial Connections account %s was not linked with the payment_method permission.", acct.ID)
			}
			pm.FCAccount, pm.Last4, pm.BankName, pm.RoutingNumber = acct.ID, embedfin.Deref(acct.Last4), acct.InstitutionName, testRoutingNumber
			return pm, nil
		}
		if err := typedBankAccount(pm, bankAccountParams[si.SetupIntentPaymentMethodDataUSBankAccountAccountHolderType, si.BankAccountType]{u.AccountNumber, u.RoutingNumber, u.AccountHolderType, u.AccountType}, "payment_method_data[us_bank_account]"); err != nil {
			return nil, err
		}
		pm.Verified = false // verified by microdeposits
	}
	return pm, nil
}

// setPaymentMethod attaches a payment method to the intent from
// payment_method or payment_method_data (nil, nil when neither was given).
func (c *call) setPaymentMethod(s *si.SetupIntent, id *string, data *si.SetupIntentPaymentMethodDataParams) (*paymentMethod, error) {
	var pm *paymentMethod
	switch {
	case data != nil:
		var err error
		if pm, err = c.paymentMethodFromData(data, customerID(s)); err != nil {
			return nil, err
		}
		put(c.env, kindPaymentMethod, pm.ID, pm)
	case id != nil:
		var ok bool
		if pm, ok = get[paymentMethod](c.env, *id); !ok {
			return nil, notFound("PaymentMethod", *id, "payment_method")
		}
	default:
		return nil, nil
	}
	if !slices.Contains(s.PaymentMethodTypes, pm.Type) {
		return nil, invalidRequest("payment_method_invalid_parameter", "payment_method_types",
			"The PaymentMethod type %s is not in this SetupIntent's payment_method_types (%s).", pm.Type, strings.Join(s.PaymentMethodTypes, ", "))
	}
	s.PaymentMethod = &embedfin.Expandable[embedfin.RawObject]{ID: pm.ID}
	s.Status = si.SetupIntentStatusRequiresConfirmation
	s.NextAction, s.LastSetupError = nil, nil
	return pm, nil
}

// customerID is the ID of the intent's customer, or "".
func customerID(s *si.SetupIntent) string {
	if s.Customer == nil {
		return ""
	}
	return s.Customer.ID
}

// setupOptions applies payment method options, with Stripe's defaults for
// us_bank_account (payment_method permission, automatic verification).
func setupOptions(s *si.SetupIntent, p *si.SetupIntentPaymentMethodOptionsParams) {
	if s.PaymentMethodOptions == nil {
		s.PaymentMethodOptions = &si.SetupIntentPaymentMethodOptions{}
	}
	o := s.PaymentMethodOptions
	if slices.Contains(s.PaymentMethodTypes, "us_bank_account") && o.USBankAccount == nil {
		o.USBankAccount = &si.SetupIntentPaymentMethodOptionsUSBankAccount{
			FinancialConnections: &si.SetupIntentPaymentMethodOptionsUSBankAccountFinancialConnections{
				Permissions: []si.SetupIntentPaymentMethodOptionsUSBankAccountFinancialConnectionsPermission{si.SetupIntentPaymentMethodOptionsUSBankAccountFinancialConnectionsPermissionPaymentMethod},
				Prefetch:    []si.SetupIntentPaymentMethodOptionsUSBankAccountFinancialConnectionsPrefetch{},
			},
			MandateOptions:     &si.SetupIntentPaymentMethodOptionsUSBankAccountMandateOptions{},
			VerificationMethod: embedfin.Ptr(si.VerificationMethodAutomatic),
		}
	}
	applyParams(o, p)
}

// siView is a SetupIntent as returned: the payment method expanded on
// request.
func (e *env) siView(c *call, s *si.SetupIntent) *si.SetupIntent {
	v := snapshot(s)
	if c != nil && c.expandedItem("payment_method") && v.PaymentMethod != nil {
		if pm, ok := get[paymentMethod](e, v.PaymentMethod.ID); ok {
			v.PaymentMethod.Object = pm.raw()
		}
	}
	if c != nil && c.expandedItem("customer") && v.Customer != nil {
		if cu, ok := get[connect.Customer](e, v.Customer.ID); ok {
			v.Customer.Object = snapshot(cu)
		}
	}
	return v
}

// confirm runs a confirmation: bank accounts typed in need microdeposits
// (requires_action), linked ones and other methods succeed.
func (c *call) confirm(s *si.SetupIntent, mandate *si.SetupIntentMandateDataParams) error {
	switch s.Status {
	case si.SetupIntentStatusRequiresPaymentMethod, si.SetupIntentStatusRequiresConfirmation, si.SetupIntentStatusRequiresAction:
	default:
		return invalidRequest("setup_intent_unexpected_state", "", "You cannot confirm this SetupIntent because it has a status of %s.", s.Status)
	}
	if s.PaymentMethod == nil {
		return invalidRequest("setup_intent_unexpected_state", "", "You cannot confirm this SetupIntent because it's missing a payment method. Update it with a payment_method, or confirm it with payment_method or payment_method_data.")
	}
	pm, ok := get[paymentMethod](c.env, s.PaymentMethod.ID)
	if !ok {
		return notFound("PaymentMethod", s.PaymentMethod.ID, "payment_method")
	}
	if mandate != nil || pm.Type == "us_bank_account" && s.Mandate == nil {
		s.Mandate = &embedfin.Expandable[embedfin.RawObject]{ID: c.s.newID("mandate")}
	}
	if pm.Type == "us_bank_account" && !pm.Verified {
		o := s.PaymentMethodOptions.USBankAccount
		if o != nil && embedfin.Deref(o.VerificationMethod) == si.VerificationMethodInstant {
			return invalidRequest("payment_method_invalid_parameter", "payment_method_options[us_bank_account][verification_method]",
				"verification_method instant needs a bank account linked with Financial Connections; this one was typed in and must be verified with microdeposits.")
		}
		// The page a person verifies on, served by the emulator.
		hosted := &microdepositPage{Token: "sacs_test_" + strings.TrimPrefix(c.s.newID("x"), "x_"), Account: c.env.account, Intent: s.ID}
		put(c.ks.platform, kindMicrodepositPage, hosted.Token, hosted)
		pm.VerifyBy = c.s.now().Add(microdepositLifetime).Unix()
		s.Status = si.SetupIntentStatusRequiresAction
		s.NextAction = &si.SetupIntentNextAction{
			Type: "verify_with_microdeposits",
			VerifyWithMicrodeposits: &si.SetupIntentNextActionVerifyWithMicrodeposits{
				ArrivalDate:           c.unix() + 2*86400,
				HostedVerificationURL: c.s.URL + microdepositPath + hosted.Token,
				MicrodepositType:      embedfin.Ptr(si.SetupIntentNextActionVerifyWithMicrodepositsMicrodepositTypeDescriptorCode),
			},
		}
		c.env.emit(c, events.EventTypeSetupIntentRequiresAction, c.env.siView(nil, s), nil)
		return nil
	}
	c.env.succeed(c, s)
	return nil
}

// succeed completes a SetupIntent; c is nil when no API request did it
// (the hosted verification page).
func (e *env) succeed(c *call, s *si.SetupIntent) {
	if pm, ok := get[paymentMethod](e, s.PaymentMethod.ID); ok && embedfin.Deref(s.AttachToSelf) {
		pm.SelfAttached, pm.Directions = true, s.FlowDirections
	}
	s.Status = si.SetupIntentStatusSucceeded
	s.NextAction, s.LastSetupError = nil, nil
	e.emit(c, events.EventTypeSetupIntentSucceeded, e.siView(nil, s), nil)
}

// awaitingMicrodeposits reports whether an intent waits for its
// microdeposits to be verified.
func awaitingMicrodeposits(s *si.SetupIntent) bool {
	return s.Status == si.SetupIntentStatusRequiresAction && s.NextAction != nil && s.NextAction.VerifyWithMicrodeposits != nil
}

// verifyMicrodeposits checks a descriptor code or two amounts against the
// test microdeposits, for the API and the hosted page alike (c is nil for
// the page). A wrong entry is counted; the last one allowed, or an entry
// after the microdeposits expired, fails the intent: it goes back to
// requires_payment_method with last_setup_error and setup_failed, and the
// bank account cannot be used. Entries that are not a code nor two
// amounts are refused without being counted.
func (e *env) verifyMicrodeposits(c *call, intent *si.SetupIntent, code *string, amounts []int64) *apiError {
	if !awaitingMicrodeposits(intent) {
		return invalidRequest("setup_intent_unexpected_state", "", "This SetupIntent is not awaiting microdeposit verification (status %s).", intent.Status)
	}
	pm, ok := get[paymentMethod](e, intent.PaymentMethod.ID)
	if !ok {
		return notFound("PaymentMethod", intent.PaymentMethod.ID, "payment_method")
	}
	var wrong *apiError
	switch {
	case code != nil && amounts != nil:
		return invalidRequest("parameter_invalid", "amounts", "Pass either amounts or descriptor_code, not both.")
	case code != nil:
		if *code != testDescriptorCode {
			wrong = invalidRequest("payment_method_microdeposit_verification_descriptor_code_mismatch", "descriptor_code",
				"The descriptor code provided does not match the microdeposit. In test mode, use %s.", testDescriptorCode)
		}
	case amounts != nil:
		if len(amounts) != 2 {
			return invalidRequest("payment_method_microdeposit_verification_amounts_invalid", "amounts", "Pass exactly two microdeposit amounts.")
		}
		if !slices.Equal(amounts, testMicrodepositAmounts) {
			wrong = invalidRequest("payment_method_microdeposit_verification_amounts_mismatch", "amounts",
				"The amounts provided do not match the amounts that were sent to the bank account. In test mode, use 32 and 45.")
		}
	default:
		return invalidRequest("parameter_missing", "descriptor_code", "Missing required param: descriptor_code (or amounts).")
	}
	if pm.VerifyBy != 0 && e.srv.now().Unix() > pm.VerifyBy {
		return e.failVerification(c, intent, pm, "payment_method_microdeposit_verification_timeout",
			"The microdeposits expired: they were not verified within 10 days of being sent.")
	}
	if wrong != nil {
		pm.Attempts++
		if pm.Attempts < maxVerifyAttempts {
			return wrong
		}
		return e.failVerification(c, intent, pm, "payment_method_microdeposit_verification_attempts_exceeded",
			"You have exceeded the number of allowed verification attempts.")
	}
	pm.Verified = true
	e.succeed(c, intent)
	return nil
}

// failVerification ends a microdeposit verification that can no longer
// succeed, and returns the error that says why.
func (e *env) failVerification(c *call, intent *si.SetupIntent, pm *paymentMethod, code, msg string) *apiError {
	intent.Status = si.SetupIntentStatusRequiresPaymentMethod
	intent.NextAction, intent.PaymentMethod = nil, nil
	intent.LastSetupError = &si.SetupIntentLastSetupError{
		Code: embedfin.Ptr(code), Message: embedfin.Ptr(msg), PaymentMethodType: embedfin.Ptr(pm.Type),
		PaymentMethod: pm.raw(), Type: si.SetupIntentLastSetupErrorTypeInvalidRequestError,
	}
	e.emit(c, events.EventTypeSetupIntentSetupFailed, e.siView(nil, intent), nil)
	return invalidRequest(code, "", "%s", msg)
}

// setupIntent finds the SetupIntent of the path.
func (c *call) setupIntent() (*si.SetupIntent, error) {
	s, ok := get[si.SetupIntent](c.env, c.id("intent"))
	if !ok {
		return nil, notFound("setupintent", c.id("intent"), "intent")
	}
	return s, nil
}

// setupCustomer checks a customer parameter.
func (c *call) setupCustomer(id string) (*embedfin.Expandable[connect.Customer], error) {
	cu, ok := get[connect.Customer](c.env, id)
	if !ok || cu.Deleted {
		return nil, notFound("customer", id, "customer")
	}
	return &embedfin.Expandable[connect.Customer]{ID: id}, nil
}

// ---- routes ----

// setupIntentRoutes registers the SetupIntent endpoints.
func (s *Server) setupIntentRoutes() {
	route(s, "POST /v1/setup_intents", func(c *call, p *si.SetupIntentCreateParams) (any, error) {
		if embedfin.Deref(p.AttachToSelf) && p.Customer != nil {
			return nil, invalidRequest("parameter_invalid", "attach_to_self", "attach_to_self cannot be true when the SetupIntent sets up a payment method for a customer.")
		}
		intent := &si.SetupIntent{
			ID:                         c.s.newID("seti"),
			Object:                     "setup_intent",
			AttachToSelf:               p.AttachToSelf,
			Created:                    c.unix(),
			Description:                p.Description,
			ExcludedPaymentMethodTypes: p.ExcludedPaymentMethodTypes,
			FlowDirections:             p.FlowDirections,
			Metadata:                   metadataOf(p.Metadata),
			PaymentMethodTypes:         append([]string{}, p.PaymentMethodTypes...),
			Status:                     si.SetupIntentStatusRequiresPaymentMethod,
			Usage:                      "off_session",
		}
		intent.ClientSecret = embedfin.Ptr(intent.ID + "_secret_" + strings.TrimPrefix(c.s.newID("x"), "x_"))
		if p.Usage != nil {
			intent.Usage = string(*p.Usage)
		}
		if p.Customer != nil {
			cu, err := c.setupCustomer(*p.Customer)
			if err != nil {
				return nil, err
			}
			intent.Customer = cu
		}
		if p.OnBehalfOf != nil {
			if _, err := c.connectedParam(*p.OnBehalfOf, "on_behalf_of"); err != nil {
				return nil, err
			}
		}
		if p.AutomaticPaymentMethods != nil {
			intent.AutomaticPaymentMethods = &si.SetupIntentAutomaticPaymentMethods{AllowRedirects: p.AutomaticPaymentMethods.AllowRedirects, Enabled: p.AutomaticPaymentMethods.Enabled}
		}
		if len(intent.PaymentMethodTypes) == 0 {
			intent.PaymentMethodTypes = []string{"card"}
			if p.PaymentMethodData != nil {
				intent.PaymentMethodTypes = []string{string(*p.PaymentMethodData.Type)}
			}
		}
		setupOptions(intent, p.PaymentMethodOptions)
		if _, err := c.setPaymentMethod(intent, p.PaymentMethod, p.PaymentMethodData); err != nil {
			return nil, err
		}
		if embedfin.Deref(p.Confirm) && intent.PaymentMethod == nil {
			return nil, invalidRequest("setup_intent_unexpected_state", "confirm", "You cannot confirm this SetupIntent because it's missing a payment method: pass payment_method or payment_method_data with confirm=true.")
		}
		put(c.env, kindSetupIntent, intent.ID, intent)
		c.env.emit(c, events.EventTypeSetupIntentCreated, c.env.siView(nil, intent), nil)
		if embedfin.Deref(p.Confirm) {
			if err := c.confirm(intent, p.MandateData); err != nil {
				return nil, err
			}
		}
		return c.env.siView(c, intent), nil
	})
	route(s, "GET /v1/setup_intents", func(c *call, p *si.SetupIntentListParams) (any, error) {
		q := listQuery[si.SetupIntent]{at: p.Created, atRange: p.CreatedRange, keep: func(x *si.SetupIntent) bool {
			return (p.Customer == nil || customerID(x) == *p.Customer) &&
				(p.AttachToSelf == nil || embedfin.Deref(x.AttachToSelf) == *p.AttachToSelf) &&
				(p.PaymentMethod == nil || x.PaymentMethod != nil && x.PaymentMethod.ID == *p.PaymentMethod)
		}, view: func(x *si.SetupIntent) *si.SetupIntent { return c.env.siView(c, x) }}
		if p.Customer != nil && *p.Customer != "" {
			q.filter = "customer=" + *p.Customer
		}
		return listPage(c.env, kindSetupIntent, q, p.ListParams, "/v1/setup_intents")
	})
	route(s, "GET /v1/setup_intents/{intent}", func(c *call, p *si.SetupIntentRetrieveParams) (any, error) {
		intent, err := c.setupIntent()
		if err != nil {
			return nil, err
		}
		if p.ClientSecret != nil && *p.ClientSecret != embedfin.Deref(intent.ClientSecret) {
			return nil, invalidRequest("parameter_invalid", "client_secret", "The client_secret provided does not match the client_secret associated with the SetupIntent.")
		}
		return c.env.siView(c, intent), nil
	})
	route(s, "POST /v1/setup_intents/{intent}", func(c *call, p *si.SetupIntentUpdateParams) (any, error) {
		intent, err := c.setupIntent()
		if err != nil {
			return nil, err
		}
		saved := snapshot(intent)
		restore := func(err error) (any, error) { *intent = *saved; return nil, err }
		final := intent.Status == si.SetupIntentStatusSucceeded || intent.Status == si.SetupIntentStatusCanceled
		if final && (p.PaymentMethod != nil || p.PaymentMethodData != nil || p.PaymentMethodTypes != nil || p.Customer != nil || p.PaymentMethodOptions != nil) {
			return nil, invalidRequest("setup_intent_unexpected_state", "", "You cannot update the payment method of this SetupIntent because it has a status of %s.", intent.Status)
		}
		if p.Customer != nil {
			cu, err := c.setupCustomer(*p.Customer)
			if err != nil {
				return nil, err
			}
			intent.Customer = cu
		}
		setString(&intent.Description, p.Description)
		if p.AttachToSelf != nil {
			intent.AttachToSelf = p.AttachToSelf
		}
		if p.FlowDirections != nil {
			intent.FlowDirections = p.FlowDirections
		}
		if p.PaymentMethodTypes != nil {
			intent.PaymentMethodTypes = append([]string{}, p.PaymentMethodTypes...)
		}
		setupOptions(intent, p.PaymentMethodOptions)
		if _, err := c.setPaymentMethod(intent, p.PaymentMethod, p.PaymentMethodData); err != nil {
			return restore(err)
		}
		intent.Metadata = mergeMetadata(intent.Metadata, p.Metadata)
		put(c.env, kindSetupIntent, intent.ID, intent) // the customer index follows
		return c.env.siView(c, intent), nil
	})
	route(s, "POST /v1/setup_intents/{intent}/confirm", func(c *call, p *si.SetupIntentConfirmParams) (any, error) {
		intent, err := c.setupIntent()
		if err != nil {
			return nil, err
		}
		if intent.Status == si.SetupIntentStatusSucceeded || intent.Status == si.SetupIntentStatusCanceled {
			return nil, invalidRequest("setup_intent_unexpected_state", "", "You cannot confirm this SetupIntent because it has a status of %s.", intent.Status)
		}
		saved := snapshot(intent)
		restore := func(err error) (any, error) { *intent = *saved; return nil, err }
		setupOptions(intent, p.PaymentMethodOptions)
		if _, err := c.setPaymentMethod(intent, p.PaymentMethod, p.PaymentMethodData); err != nil {
			return restore(err)
		}
		if err := c.confirm(intent, p.MandateData); err != nil {
			return restore(err)
		}
		return c.env.siView(c, intent), nil
	})
	route(s, "POST /v1/setup_intents/{intent}/verify_microdeposits", func(c *call, p *si.SetupIntentVerifyMicrodepositsParams) (any, error) {
		intent, err := c.setupIntent()
		if err != nil {
			return nil, err
		}
		if err := c.env.verifyMicrodeposits(c, intent, p.DescriptorCode, p.Amounts); err != nil {
			return nil, err
		}
		return c.env.siView(c, intent), nil
	})
	route(s, "POST /v1/setup_intents/{intent}/cancel", func(c *call, p *si.SetupIntentCancelParams) (any, error) {
		intent, err := c.setupIntent()
		if err != nil {
			return nil, err
		}
		switch intent.Status {
		case si.SetupIntentStatusSucceeded, si.SetupIntentStatusCanceled:
			return nil, invalidRequest("setup_intent_unexpected_state", "", "You cannot cancel this SetupIntent because it has a status of %s.", intent.Status)
		}
		intent.Status = si.SetupIntentStatusCanceled
		intent.CancellationReason = p.CancellationReason
		intent.NextAction = nil
		c.env.emit(c, events.EventTypeSetupIntentCanceled, c.env.siView(nil, intent), nil)
		return c.env.siView(c, intent), nil
	})
	s.microdepositPages()
}
