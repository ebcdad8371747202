package stripetest

import (
	fc "github.com/embedfin/embedfin-go/financialconnections"
	"github.com/embedfin/embedfin-go/issuing"
	si "github.com/embedfin/embedfin-go/setupintents"
	"github.com/embedfin/embedfin-go/treasury"
)

// checkBeforeRun applies the rules on parameters that the spec cannot
// state (one parameter required by the value of another, amounts that
// must be positive, two parameters exclusive of each other) to decoded
// params, before the endpoint runs: a request they refuse, like one the
// spec's facts refuse, saves no idempotent result, so the corrected
// request may reuse its Idempotency-Key. Rules that depend on stored
// objects (an amount at most the authorization's) stay in the handlers.
// The handlers keep their own checks as a second line; these come first.
func checkBeforeRun(params any) *apiError {
	switch p := params.(type) {
	case *fc.SessionCreateParams:
		if h := p.AccountHolder; h != nil && h.Type != nil {
			switch {
			case *h.Type == fc.AccountHolderTypeCustomer && h.Customer == nil:
				return missingParam("account_holder[customer]")
			case *h.Type == fc.AccountHolderTypeAccount && h.Account == nil:
				return missingParam("account_holder[account]")
			}
		}
	case *issuing.CardCreateParams:
		if p.Cardholder == nil {
			return missingParam("cardholder")
		}
		if p.Type != nil && *p.Type == issuing.CardTypePhysical && p.Shipping == nil {
			return invalidRequest("parameter_missing", "shipping", "Missing required param: shipping. Physical cards need a shipping address.")
		}
	case *issuing.AuthorizationTestCreateParams:
		if p.Amount == nil && p.MerchantAmount == nil {
			return missingParam("amount")
		}
		if p.Amount != nil && *p.Amount < 0 {
			return atLeast("amount", 0)
		}
		if p.MerchantAmount != nil && *p.MerchantAmount < 0 {
			return atLeast("merchant_amount", 0)
		}
	case *issuing.AuthorizationApproveParams:
		if p.Amount != nil && *p.Amount <= 0 {
			return atLeast("amount", 1)
		}
	case *issuing.AuthorizationTestCaptureParams:
		if p.CaptureAmount != nil && *p.CaptureAmount <= 0 {
			return atLeast("capture_amount", 1)
		}
	case *issuing.AuthorizationTestReverseParams:
		if p.ReverseAmount != nil && *p.ReverseAmount <= 0 {
			return atLeast("reverse_amount", 1)
		}
	case *issuing.AuthorizationTestIncrementParams:
		if p.IncrementAmount != nil && *p.IncrementAmount <= 0 {
			return atLeast("increment_amount", 1)
		}
	case *issuing.AuthorizationTestFinalizeAmountParams:
		if p.FinalAmount != nil && *p.FinalAmount < 0 {
			return atLeast("final_amount", 0)
		}
	case *treasury.ReceivedCreditTestCreateParams:
		return positive(p.Amount)
	case *treasury.ReceivedDebitTestCreateParams:
		return positive(p.Amount)
	case *treasury.InboundTransferCreateParams:
		return positive(p.Amount)
	case *treasury.FinancialAccountUpdateParams:
		return forwarding(p.ForwardingSettings)
	case *treasury.OutboundTransferCreateParams:
		if ae := positive(p.Amount); ae != nil {
			return ae
		}
		switch d := p.DestinationPaymentMethodData; {
		case d != nil && d.FinancialAccount == nil:
			return missingParam("destination_payment_method_data[financial_account]")
		case d == nil && p.DestinationPaymentMethod == nil:
			return invalidRequest("parameter_missing", "destination_payment_method", "Missing required param: destination_payment_method (or destination_payment_method_data).")
		}
	case *treasury.OutboundPaymentCreateParams:
		if ae := positive(p.Amount); ae != nil {
			return ae
		}
		d := p.DestinationPaymentMethodData
		switch {
		case d != nil && d.Type != nil && *d.Type == treasury.PaymentMethodTypeFinancialAccount:
			if d.FinancialAccount == nil {
				return missingParam("destination_payment_method_data[financial_account]")
			}
		case d != nil:
			if d.USBankAccount == nil {
				return missingParam("destination_payment_method_data[us_bank_account]")
			}
		case p.DestinationPaymentMethod == nil:
			return invalidRequest("parameter_missing", "destination_payment_method", "Missing required param: destination_payment_method (or destination_payment_method_data).")
		}
	case *si.SetupIntentVerifyMicrodepositsParams:
		switch {
		case p.DescriptorCode != nil && p.Amounts != nil:
			return invalidRequest("parameter_invalid", "amounts", "Pass either amounts or descriptor_code, not both.")
		case p.DescriptorCode == nil && p.Amounts == nil:
			return invalidRequest("parameter_missing", "descriptor_code", "Missing required param: descriptor_code (or amounts).")
		}
	}
	return nil
}

// atLeast refuses an integer below min.
func atLeast(param string, min int64) *apiError {
	if min == 1 {
		return invalidRequest("parameter_invalid_integer", param, "Invalid %s: must be greater than 0.", param)
	}
	return invalidRequest("parameter_invalid_integer", param, "Invalid %s: must be at least %d.", param, min)
}

// positive refuses a money-movement amount that is not above 0.
func positive(amount *int64) *apiError {
	if amount != nil && *amount <= 0 {
		return atLeast("amount", 1)
	}
	return nil
}

// forwarding requires the target of forwarding to a financial account.
func forwarding(p *treasury.FinancialAccountForwardingSettingsParams) *apiError {
	if p != nil && p.Type != nil && *p.Type == treasury.FinancialAccountForwardingSettingsTypeFinancialAccount && p.FinancialAccount == nil {
		return missingParam("forwarding_settings[financial_account]")
	}
	return nil
}
