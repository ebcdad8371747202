package stripetest

import (
	"math/rand/v2"
	"sort"
	"time"
)

// bankTxn is a transaction as the bank holds it; Financial Connections
// exposes it once a transaction refresh has fetched it.
type bankTxn struct {
	id           string
	amount       int64 // cents; negative for money out
	description  string
	transactedAt int64
	status       string // pending, posted, void
	postedAt     int64
	voidAt       int64
	changed      bool // created or updated since the last refresh
}

// merchants are spending patterns: description, typical amount in cents,
// spread, and how many days apart they recur on average.
var merchants = []struct {
	desc   string
	amount int64
	spread int64
	every  int
}{
	{"Rocket Rides", -1850, 900, 15},
	{"Blue Bottle Coffee", -575, 200, 12},
	{"Whole Foods Market", -8640, 4000, 12},
	{"Trader Joe's", -5420, 2500, 20},
	{"Shell Oil", -4870, 1500, 20},
	{"Netflix.com", -1549, 0, 30},
	{"Spotify USA", -1199, 0, 30},
	{"PG&E Utility Bill", -12480, 3000, 30},
	{"Comcast Xfinity", -8999, 0, 30},
	{"Amazon Marketplace", -3299, 2500, 25},
	{"Sweetgreen", -1625, 400, 20},
	{"Walgreens", -2215, 1200, 40},
}

// generateHistory makes about six months of a checking account's activity
// ending at now: a biweekly payroll, monthly rent, and everyday spending.
// The last few days are still pending; a few older pending charges were
// voided.
func generateHistory(rng *rand.Rand, now time.Time, newID func() string) []*bankTxn {
	start := now.AddDate(0, 0, -180)
	var out []*bankTxn
	add := func(t time.Time, amount int64, desc string) {
		if t.After(now) {
			return
		}
		out = append(out, &bankTxn{id: newID(), amount: amount, description: desc, transactedAt: t.Unix()})
	}
	for d := start.AddDate(0, 0, 3); !d.After(now); d = d.AddDate(0, 0, 14) {
		add(d.Add(9*time.Hour), 248_500, "ACME Corp Payroll")
	}
	for d := time.Date(start.Year(), start.Month(), 1, 8, 0, 0, 0, time.UTC).AddDate(0, 1, 0); !d.After(now); d = d.AddDate(0, 1, 0) {
		add(d, -215_000, "Parkside Apartments Rent")
	}
	for _, m := range merchants {
		for d := start.Add(time.Duration(rng.IntN(m.every*24)) * time.Hour); !d.After(now); d = d.Add(time.Duration(m.every*24-rng.IntN(m.every*6+1)+rng.IntN(m.every*6+1)) * time.Hour) {
			amount := m.amount
			if m.spread > 0 {
				amount -= rng.Int64N(m.spread) - m.spread/2
			}
			add(d.Add(time.Duration(rng.IntN(12*60))*time.Minute), min(amount, -100), m.desc)
		}
	}
	// Card activity of the last two days, still pending at the bank.
	add(now.Add(-30*time.Hour), -1730, "Rocket Rides")
	add(now.Add(-5*time.Hour), -575, "Blue Bottle Coffee")
	sort.Slice(out, func(i, j int) bool { return out[i].transactedAt < out[j].transactedAt })
	recent := now.Add(-72 * time.Hour).Unix()
	for _, t := range out {
		switch {
		case t.transactedAt >= recent:
			t.status = "pending"
		case rng.IntN(40) == 0 && t.amount < 0:
			t.status = "void"
			t.voidAt = t.transactedAt + 86_400
		default:
			t.status = "posted"
			t.postedAt = t.transactedAt + 86_400
		}
		t.changed = true
	}
	return out
}

// evolveHistory is what a later refresh finds: pending transactions that
// posted (one of them voided instead), and a few new ones since the last
// refresh. It always changes something, so a sync after it has work.
func evolveHistory(rng *rand.Rand, txns []*bankTxn, last, now time.Time, newID func() string) []*bankTxn {
	voided := false
	for _, t := range txns {
		if t.status != "pending" {
			continue
		}
		if !voided && t.amount < 0 && rng.IntN(4) == 0 {
			t.status, t.voidAt, voided = "void", now.Unix(), true
		} else {
			t.status, t.postedAt = "posted", now.Unix()
		}
		t.changed = true
	}
	span := max(now.Sub(last), time.Minute)
	for i := range 2 + rng.IntN(4) {
		m := merchants[rng.IntN(len(merchants))]
		at := last.Add(time.Duration(rng.Int64N(int64(span)))).Unix()
		amount := m.amount
		if m.spread > 0 {
			amount -= rng.Int64N(m.spread) - m.spread/2
		}
		t := &bankTxn{id: newID(), amount: min(amount, -100), description: m.desc, transactedAt: at, status: "pending", changed: true}
		if i == 0 {
			t.status, t.postedAt = "posted", now.Unix() // settled the same day
		}
		txns = append(txns, t)
	}
	return txns
}

// balanceOf is the posted balance given an opening balance.
func balanceOf(opening int64, txns []*bankTxn) (available, current int64) {
	available, current = opening, opening
	for _, t := range txns {
		switch t.status {
		case "posted":
			available += t.amount
			current += t.amount
		case "pending":
			if t.amount < 0 {
				available += t.amount // holds reduce what can be spent
			}
		}
	}
	return available, current
}
