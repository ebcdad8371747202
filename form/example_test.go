package form_test

import (
	"errors"
	"fmt"
	"net/url"

	"github.com/embedfin/embedfin-go/form"
)

type exampleAddress struct {
	City    *string `url:"city,omitempty"`
	Country *string `url:"country,omitempty"`
}

type exampleItem struct {
	Price    *string `url:"price,omitempty"`
	Quantity *int64  `url:"quantity,omitempty"`
}

type exampleParams struct {
	Amount      *int64            `url:"amount,omitempty"`
	Description *string           `url:"description,omitempty"`
	Address     *exampleAddress   `url:"address,omitempty"`
	Items       []exampleItem     `url:"items,omitempty"`
	Expand      []string          `url:"expand,brackets,omitempty"`
	Metadata    map[string]string `url:"metadata,omitempty"`
}

func ExampleMarshal() {
	amount, city, price, qty := int64(2000), "Paris", "price_1", int64(2)
	empty := ""
	body, err := form.Marshal(&exampleParams{
		Amount:      &amount,
		Description: &empty, // a pointer to "" unsets the field
		Address:     &exampleAddress{City: &city},
		Items:       []exampleItem{{Price: &price, Quantity: &qty}},
		Expand:      []string{"customer"},
		Metadata:    map[string]string{"order": "6735", "note": "a&b"},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(string(body))
	// Output:
	// amount=2000&description=&address[city]=Paris&items[0][price]=price_1&items[0][quantity]=2&expand[]=customer&metadata[note]=a%26b&metadata[order]=6735
}

func ExamplePairs() {
	country := "FR"
	pairs, err := form.Pairs(exampleParams{
		Address:  &exampleAddress{Country: &country},
		Metadata: map[string]string{"b": "2", "a": "1 2"},
	})
	if err != nil {
		panic(err)
	}
	for _, p := range pairs {
		fmt.Printf("%s = %q\n", p.Key, p.Value)
	}
	// Output:
	// address[country] = "FR"
	// metadata[a] = "1 2"
	// metadata[b] = "2"
}

func ExampleValues() {
	vals, err := form.Values(struct {
		Tags []string `url:"tags"`
	}{[]string{"x", "y"}})
	if err != nil {
		panic(err)
	}
	fmt.Println(vals.Encode())
	// Output:
	// tags%5B0%5D=x&tags%5B1%5D=y
}

func ExampleAppendMarshal() {
	buf := []byte("https://api.example.com/v1/charges?")
	buf, err := form.AppendMarshal(buf, struct {
		Limit int `url:"limit"`
	}{3})
	if err != nil {
		panic(err)
	}
	fmt.Println(string(buf))
	// Output:
	// https://api.example.com/v1/charges?limit=3
}

func ExampleUnmarshal() {
	var p exampleParams
	err := form.Unmarshal([]byte("amount=500&items[1][price]=b&items[0][price]=a&metadata[k]=v&description="), &p)
	if err != nil {
		panic(err)
	}
	fmt.Println(*p.Amount, *p.Items[0].Price, *p.Items[1].Price, p.Metadata["k"], *p.Description == "")
	// Output:
	// 500 a b v true
}

func ExampleDecode() {
	vals := url.Values{
		"amount":       {"abc"},
		"address[zip]": {"75001"},
		"color":        {"red"},
		"expand[]":     {"customer"},
	}
	var p exampleParams
	err := form.Decode(vals, &p)

	var unknown *form.UnknownKeysError
	if errors.As(err, &unknown) {
		fmt.Println("unknown:", unknown.Keys)
	}
	var bad *form.ValueError
	if errors.As(err, &bad) {
		fmt.Printf("bad value %q for %s (%s)\n", bad.Value, bad.Key, bad.Type)
	}
	fmt.Println("still decoded:", p.Expand)
	// Output:
	// unknown: [address[zip] color]
	// bad value "abc" for amount (int64)
	// still decoded: [customer]
}

type exampleUpdate struct {
	Name  *string `url:"name,omitempty"`
	extra []form.Pair
}

// FormExtra sends pairs that have no typed field.
func (p *exampleUpdate) FormExtra() []form.Pair { return p.extra }

func ExampleExtraProvider() {
	name := "Jenny"
	body, err := form.Marshal(&exampleUpdate{
		Name:  &name,
		extra: []form.Pair{{Key: "metadata", Value: ""}, {Key: "beta_feature[enabled]", Value: "true"}},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(string(body))
	// Output:
	// name=Jenny&metadata=&beta_feature[enabled]=true
}

// Slices use Stripe's indexed syntax by default; the go-querystring options
// select the other styles.
func Example_sliceStyles() {
	body, err := form.Marshal(struct {
		Indexed  []string `url:"a"`
		Brackets []string `url:"b,brackets"`
		Comma    []string `url:"c,comma"`
		Numbered []string `url:"d,numbered"`
		Del      []int    `url:"e" del:"|"`
	}{
		[]string{"x", "y"}, []string{"x", "y"}, []string{"x", "y"}, []string{"x", "y"}, []int{1, 2},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(string(body))
	// Output:
	// a[0]=x&a[1]=y&b[]=x&b[]=y&c=x%2Cy&d0=x&d1=y&e=1%7C2
}
