package embedfin_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/financialconnections"
)

// benchPage is a page of 100 Financial Connections transactions.
var benchPage = func() []byte {
	var sb strings.Builder
	sb.WriteString(`{"object":"list","data":[`)
	for i := range 100 {
		if i > 0 {
			sb.WriteByte(',')
		}
		posted := "null"
		if i%5 != 0 {
			posted = fmt.Sprint(1767225600 + i)
		}
		fmt.Fprintf(&sb, `{"id":"fctxn_%024d","object":"financial_connections.transaction","account":"fca_1MwVK82eZvKYlo2C",`+
			`"amount":%d,"currency":"usd","description":"Rocket Rides #%d","livemode":false,"status":"posted",`+
			`"status_transitions":{"posted_at":%s,"void_at":null},"transacted_at":%d,`+
			`"transaction_refresh":"fctxnref_1aaaxqEitUZY8Svm","updated":%d}`, i, -1000-i, i, posted, 1767225600-i, 1767225660-i)
	}
	sb.WriteString(`],"has_more":true,"url":"/v1/financial_connections/transactions"}`)
	return []byte(sb.String())
}()

const benchAccount = `{"id":"fca_1MwVK82eZvKYlo2C","object":"financial_connections.account",
"account_holder":{"customer":"cus_NffrFeUfNV2Hib","type":"customer"},"account_numbers":[],
"balance":{"as_of":1651784999,"cash":{"available":{"usd":623600}},"credit":null,"current":{"usd":682400},"type":"cash"},
"balance_refresh":{"last_attempted_at":1651784999,"next_refresh_available_at":1651785000,"status":"succeeded"},
"category":"cash","created":1651783222,"display_name":"Premium Checking","institution_name":"StripeBank","last4":"6789",
"livemode":false,"ownership":{"id":"fcaowns_1NtI9uBHO5VeT9SUSRe21lqt","object":"financial_connections.account_ownership",
"created":1651784999,"owners":{"object":"list","data":[{"id":"fcaowner_1","object":"financial_connections.account_owner",
"name":"Jennifer Rosen","email":"jennyrosen@test.com","phone":null,"ownership":"fcaowns_1NtI9uBHO5VeT9SUSRe21lqt",
"raw_address":"354 Oyster Point Blvd South San Francisco, CA 94080 USA","refreshed_at":1651784999}],"has_more":false,
"url":"/v1/financial_connections/accounts/fca_1MwVK82eZvKYlo2C/owners"}},
"ownership_refresh":{"last_attempted_at":1651784999,"next_refresh_available_at":1651785000,"status":"succeeded"},
"permissions":["balances","ownership","payment_method","transactions"],"status":"active","subcategory":"checking",
"subscriptions":["transactions"],"supported_payment_method_types":["us_bank_account","link"],
"transaction_refresh":{"id":"fctxnref_1aaaxqEitUZY8Svm","last_attempted_at":1651784999,"next_refresh_available_at":null,"status":"succeeded"}}`

func benchDecode[T any](b *testing.B, data []byte) {
	b.Run("encoding-json", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			if err := json.Unmarshal(data, new(T)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("embedfin", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			if err := embedfin.Unmarshal(data, new(T)); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkUnmarshalAccount(b *testing.B) {
	benchDecode[financialconnections.Account](b, []byte(benchAccount))
}

func BenchmarkUnmarshalTransactionPage(b *testing.B) {
	benchDecode[embedfin.List[financialconnections.Transaction]](b, benchPage)
}
