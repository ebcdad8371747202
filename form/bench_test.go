package form_test

import (
	"net/url"
	"testing"

	"github.com/google/go-querystring/query"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/embedfin/embedfin-go/form"
)

type benchAddress struct {
	City       *string `url:"city,omitempty"`
	Country    *string `url:"country,omitempty"`
	Line1      *string `url:"line1,omitempty"`
	Line2      *string `url:"line2,omitempty"`
	PostalCode *string `url:"postal_code,omitempty"`
	State      *string `url:"state,omitempty"`
}

type benchShipping struct {
	Address        *benchAddress `url:"address,omitempty"`
	Carrier        *string       `url:"carrier,omitempty"`
	Name           *string       `url:"name,omitempty"`
	Phone          *string       `url:"phone,omitempty"`
	TrackingNumber *string       `url:"tracking_number,omitempty"`
}

type benchTransfer struct {
	Amount      *int64  `url:"amount,omitempty"`
	Destination *string `url:"destination,omitempty"`
}

// BenchCore is the part of a realistic params struct that go-querystring
// can encode too (slices use the brackets option so that both encoders
// write the same body).
type BenchCore struct {
	Amount                    *int64         `url:"amount,omitempty"`
	ApplicationFeeAmount      *int64         `url:"application_fee_amount,omitempty"`
	CaptureMethod             *string        `url:"capture_method,omitempty"`
	Confirm                   *bool          `url:"confirm,omitempty"`
	ConfirmationMethod        *string        `url:"confirmation_method,omitempty"`
	Currency                  *string        `url:"currency,omitempty"`
	Customer                  *string        `url:"customer,omitempty"`
	Description               *string        `url:"description,omitempty"`
	ErrorOnRequiresAction     *bool          `url:"error_on_requires_action,omitempty"`
	Mandate                   *string        `url:"mandate,omitempty"`
	OffSession                *bool          `url:"off_session,omitempty"`
	OnBehalfOf                *string        `url:"on_behalf_of,omitempty"`
	PaymentMethod             *string        `url:"payment_method,omitempty"`
	PaymentMethodTypes        []string       `url:"payment_method_types,brackets,omitempty"`
	ReceiptEmail              *string        `url:"receipt_email,omitempty"`
	ReturnURL                 *string        `url:"return_url,omitempty"`
	SetupFutureUsage          *string        `url:"setup_future_usage,omitempty"`
	Shipping                  *benchShipping `url:"shipping,omitempty"`
	StatementDescriptor       *string        `url:"statement_descriptor,omitempty"`
	StatementDescriptorSuffix *string        `url:"statement_descriptor_suffix,omitempty"`
	TransferData              *benchTransfer `url:"transfer_data,omitempty"`
	TransferGroup             *string        `url:"transfer_group,omitempty"`
	Expand                    []string       `url:"expand,brackets,omitempty"`
}

type benchAdjustable struct {
	Enabled *bool  `url:"enabled,omitempty"`
	Maximum *int64 `url:"maximum,omitempty"`
	Minimum *int64 `url:"minimum,omitempty"`
}

type benchLineItem struct {
	AdjustableQuantity *benchAdjustable `url:"adjustable_quantity,omitempty"`
	Price              *string          `url:"price,omitempty"`
	Quantity           *int64           `url:"quantity,omitempty"`
	TaxRates           []string         `url:"tax_rates,omitempty"`
}

// benchFull adds what only form encodes: a metadata map and a slice of
// structs.
type benchFull struct {
	BenchCore
	LineItems []*benchLineItem  `url:"line_items,omitempty"`
	Metadata  map[string]string `url:"metadata,omitempty"`
}

func benchCoreValue() *BenchCore {
	return &BenchCore{
		Amount:               ptr(int64(2000)),
		ApplicationFeeAmount: ptr(int64(123)),
		CaptureMethod:        ptr("automatic"),
		Confirm:              ptr(true),
		Currency:             ptr("usd"),
		Customer:             ptr("cus_NffrFeUfNV2Hib"),
		Description:          ptr("Order #6735 — 2 items & shipping"),
		OffSession:           ptr(false),
		PaymentMethod:        ptr("pm_card_visa"),
		PaymentMethodTypes:   []string{"card", "link"},
		ReceiptEmail:         ptr("jenny.rosen@example.com"),
		ReturnURL:            ptr("https://example.com/return?x=1"),
		Shipping: &benchShipping{
			Address: &benchAddress{City: ptr("San Francisco"), Country: ptr("US"), Line1: ptr("510 Townsend St"), PostalCode: ptr("94103"), State: ptr("CA")},
			Name:    ptr("Jenny Rosen"),
			Phone:   ptr("+1 555 0100"),
		},
		StatementDescriptorSuffix: ptr("ORDER 6735"),
		TransferData:              &benchTransfer{Amount: ptr(int64(1877)), Destination: ptr("acct_1032D82eZvKYlo2C")},
		Expand:                    []string{"customer", "latest_charge"},
	}
}

func benchFullValue() *benchFull {
	return &benchFull{
		BenchCore: *benchCoreValue(),
		LineItems: []*benchLineItem{
			{Price: ptr("price_1MoBy5LkdIwHu7ixZhnattbh"), Quantity: ptr(int64(2)), TaxRates: []string{"txr_1"}},
			{Price: ptr("price_1MoBy5LkdIwHu7ixZhnattbi"), Quantity: ptr(int64(1)),
				AdjustableQuantity: &benchAdjustable{Enabled: ptr(true), Maximum: ptr(int64(10)), Minimum: ptr(int64(0))}},
		},
		Metadata: map[string]string{"order_id": "6735", "customer_tier": "gold", "campaign": "spring sale", "ref": ""},
	}
}

func TestBenchValuesAgree(t *testing.T) {
	t.Parallel()
	want, err := query.Values(benchCoreValue())
	require.NoError(t, err)
	got, err := form.Values(benchCoreValue())
	require.NoError(t, err)
	assert.Equal(t, want, got)

	full := benchFullValue()
	b, err := form.Marshal(full)
	require.NoError(t, err)
	var back benchFull
	require.NoError(t, form.Unmarshal(b, &back))
	assert.Equal(t, full, &back)
}

func BenchmarkMarshalCore(b *testing.B) {
	v := benchCoreValue()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := form.Marshal(v); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkQuerystringCore is the go-querystring baseline for
// BenchmarkMarshalCore: the same struct, the same body.
func BenchmarkQuerystringCore(b *testing.B) {
	v := benchCoreValue()
	b.ReportAllocs()
	for b.Loop() {
		vals, err := query.Values(v)
		if err != nil {
			b.Fatal(err)
		}
		_ = vals.Encode()
	}
}

func BenchmarkValuesCore(b *testing.B) {
	v := benchCoreValue()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := form.Values(v); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMarshalFull(b *testing.B) {
	v := benchFullValue()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := form.Marshal(v); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAppendMarshalFull(b *testing.B) {
	v := benchFullValue()
	buf := make([]byte, 0, 2048)
	b.ReportAllocs()
	for b.Loop() {
		var err error
		if buf, err = form.AppendMarshal(buf[:0], v); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPairsFull(b *testing.B) {
	v := benchFullValue()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := form.Pairs(v); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMarshalFullParallel(b *testing.B) {
	v := benchFullValue()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := form.Marshal(v); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

func BenchmarkUnmarshalFull(b *testing.B) {
	body, err := form.Marshal(benchFullValue())
	require.NoError(b, err)
	b.ReportAllocs()
	for b.Loop() {
		var v benchFull
		if err := form.Unmarshal(body, &v); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeFull(b *testing.B) {
	body, err := form.Marshal(benchFullValue())
	require.NoError(b, err)
	vals, err := url.ParseQuery(string(body))
	require.NoError(b, err)
	b.ReportAllocs()
	for b.Loop() {
		var v benchFull
		if err := form.Decode(vals, &v); err != nil {
			b.Fatal(err)
		}
	}
}
