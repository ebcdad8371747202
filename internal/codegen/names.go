package main

import (
	"strings"
	"unicode"
)

// initialisms are written in capitals in Go names (Go's own convention:
// ID, URL, HTTP), plus the payment acronyms Stripe's names are full of.
var initialisms = map[string]string{
	"id": "ID", "ids": "IDs", "url": "URL", "uri": "URI", "api": "API", "ip": "IP", "http": "HTTP",
	"https": "HTTPS", "json": "JSON", "ach": "ACH", "aba": "ABA", "iban": "IBAN", "bic": "BIC",
	"cvc": "CVC", "pin": "PIN", "sms": "SMS", "ui": "UI", "us": "US", "eu": "EU", "uk": "UK",
	"gb": "GB", "jp": "JP", "tos": "TOS", "ssn": "SSN", "vat": "VAT", "mcc": "MCC", "atm": "ATM",
	"acss": "ACSS", "becs": "BECS", "sepa": "SEPA", "bacs": "BACS", "upi": "UPI", "rtp": "RTP",
	"fpx": "FPX", "swift": "SWIFT", "kyc": "KYC", "kyb": "KYB", "cvv": "CVV", "ein": "EIN",
	"nz": "NZ", "au": "AU", "mx": "MX", "ca": "CA", "dob": "DOB", "pii": "PII", "iin": "IIN",
	"otp": "OTP", "pos": "POS", "fx": "FX", "sku": "SKU", "spei": "SPEI", "cad": "CAD", "usd": "USD",
	"eur": "EUR", "gbp": "GBP", "pdf": "PDF", "html": "HTML", "kr": "KR", "qr": "QR",
	"sdk": "SDK", "llc": "LLC", "llp": "LLP", "plc": "PLC", "nfc": "NFC", "emv": "EMV",
}

// goName turns a wire name such as "transaction_refresh" or
// "financial_connections.account" into an exported Go name
// ("TransactionRefresh", "FinancialConnectionsAccount").
func goName(wire string) string {
	var sb strings.Builder
	for _, part := range splitWords(wire) {
		if up, ok := initialisms[strings.ToLower(part)]; ok {
			sb.WriteString(up)
			continue
		}
		r := []rune(part)
		r[0] = unicode.ToUpper(r[0])
		sb.WriteString(string(r))
	}
	s := sb.String()
	if s == "" {
		return "Empty"
	}
	if unicode.IsDigit([]rune(s)[0]) {
		s = "N" + s
	}
	return s
}

// splitWords splits on anything that is not a letter or digit.
func splitWords(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return !(unicode.IsLetter(r) || unicode.IsDigit(r))
	})
}

// lowerFirst returns the name with its first word in lower case, for
// parameters ("FinancialAccount" -> "financialAccount", "ID" -> "id").
func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	i := 0
	for i < len(r) && unicode.IsUpper(r[i]) {
		i++
	}
	switch {
	case i == 0:
		return s
	case i == 1 || i == len(r):
		i = min(i, len(r))
	default:
		i-- // keep the capital that starts the next word: "URLPath" -> "urlPath"
	}
	for j := 0; j < i; j++ {
		r[j] = unicode.ToLower(r[j])
	}
	return string(r)
}

// goKeywords cannot be parameter names.
var goKeywords = map[string]bool{
	"break": true, "case": true, "chan": true, "const": true, "continue": true, "default": true,
	"defer": true, "else": true, "fallthrough": true, "for": true, "func": true, "go": true, "goto": true,
	"if": true, "import": true, "interface": true, "map": true, "package": true, "range": true,
	"return": true, "select": true, "struct": true, "switch": true, "type": true, "var": true,
}

// singularWire turns a plural wire name into its singular, for the element
// type of an array ("permissions" -> "permission", "addresses" ->
// "address", "entries" -> "entry"). Words that only look plural stay.
func singularWire(w string) string {
	i := strings.LastIndexAny(w, "_.")
	head, last := w[:i+1], w[i+1:]
	switch {
	case strings.HasSuffix(last, "ies") && len(last) > 3:
		last = last[:len(last)-3] + "y"
	case strings.HasSuffix(last, "sses"), strings.HasSuffix(last, "xes"), strings.HasSuffix(last, "ches"), strings.HasSuffix(last, "shes"):
		last = last[:len(last)-2]
	case strings.HasSuffix(last, "ss"), strings.HasSuffix(last, "us"), strings.HasSuffix(last, "is"), strings.HasSuffix(last, "ics"):
	case strings.HasSuffix(last, "s") && len(last) > 2:
		last = last[:len(last)-1]
	}
	return head + last
}
