package treasury

import "sort"

// Balance is a financial account's funds in one currency, in the
// currency's smallest unit (cents).
type Balance struct {
	// Currency is a lowercase ISO code, "usd".
	Currency string
	// Cash is the money in the account that can be spent.
	Cash int64
	// InboundPending is money on its way in, not yet spendable.
	InboundPending int64
	// OutboundPending is money committed to leave (an approved card
	// authorization, a pending transfer): no longer spendable.
	OutboundPending int64
}

// BalanceIn returns the balance in currency; a currency the account does
// not hold gives zeros.
func (fa *FinancialAccount) BalanceIn(currency string) Balance {
	b := Balance{Currency: currency}
	if fa == nil || fa.Balance == nil {
		return b
	}
	b.Cash = fa.Balance.Cash[currency]
	b.InboundPending = fa.Balance.InboundPending[currency]
	b.OutboundPending = fa.Balance.OutboundPending[currency]
	return b
}

// Balances returns the balance of every currency the account mentions,
// sorted by currency.
func (fa *FinancialAccount) Balances() []Balance {
	if fa == nil || fa.Balance == nil {
		return nil
	}
	seen := map[string]bool{}
	for _, m := range []map[string]int64{fa.Balance.Cash, fa.Balance.InboundPending, fa.Balance.OutboundPending} {
		for cur := range m {
			seen[cur] = true
		}
	}
	out := make([]Balance, 0, len(seen))
	for cur := range seen {
		out = append(out, fa.BalanceIn(cur))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Currency < out[j].Currency })
	return out
}
