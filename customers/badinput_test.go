package customers_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/customers"
	"github.com/embedfin/embedfin-go/internal/badinput"
	"github.com/embedfin/embedfin-go/stripetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func build(c *embedfin.Client) any { return customers.New(c) }

func TestBadInputEveryMethod(t *testing.T) {
	t.Parallel()
	badinput.RunAll(t, build)
}

func TestBadInputNegativeLimits(t *testing.T) {
	t.Parallel()
	badinput.EmulatorNegativeLimits(t, build)
}

// Strings that are not UTF-8 are sent as they are (percent-encoded), and
// the API refuses them with a 400, as Stripe does: nothing is stored with
// the bytes replaced.
func TestBadInputNonUTF8Strings(t *testing.T) {
	t.Parallel()
	srv := stripetest.NewServer()
	t.Cleanup(srv.Close)
	cs := customers.New(srv.Client(embedfin.WithMaxRetries(0))).Customers
	ctx := context.Background()

	for _, bad := range []string{"caf\xe9", "\xff\xfe", "ok\xc3", "\xed\xa0\x80"} {
		_, err := cs.Create(ctx, &customers.CustomerCreateParams{Name: embedfin.Ptr(bad)})
		var apiErr *embedfin.Error
		require.ErrorAs(t, err, &apiErr, "%q", bad)
		assert.Equal(t, http.StatusBadRequest, apiErr.HTTPStatusCode)
		assert.Equal(t, embedfin.ErrorTypeInvalidRequest, apiErr.Type)
		assert.Equal(t, "name", apiErr.Param)
		assert.Contains(t, apiErr.Message, "UTF-8")

		_, err = cs.Create(ctx, &customers.CustomerCreateParams{Metadata: map[string]string{bad: "v"}})
		require.ErrorAs(t, err, &apiErr, "metadata key %q", bad)
		assert.Equal(t, http.StatusBadRequest, apiErr.HTTPStatusCode)

		_, err = cs.List(ctx, &customers.CustomerListParams{Email: embedfin.Ptr(bad)})
		require.ErrorAs(t, err, &apiErr, "query %q", bad)
		assert.Equal(t, http.StatusBadRequest, apiErr.HTTPStatusCode)

		// An ID is path-escaped and simply matches nothing.
		_, err = cs.Retrieve(ctx, "cus_"+bad, nil)
		assert.True(t, embedfin.IsNotFound(err), "%v", err)
	}
	list, err := cs.List(ctx, nil)
	require.NoError(t, err)
	assert.Empty(t, list.Data, "nothing was stored")

	// Valid UTF-8 of every width round-trips unchanged.
	fancy := "Zoë Ñúñez 李小龍 🚀 \u0000 \u2028"
	cust, err := cs.Create(ctx, &customers.CustomerCreateParams{Name: embedfin.Ptr(fancy), Metadata: map[string]string{"ключ": fancy}})
	require.NoError(t, err)
	got, err := cs.Retrieve(ctx, cust.ID, nil)
	require.NoError(t, err)
	assert.Equal(t, fancy, embedfin.Deref(got.Name))
	assert.Equal(t, fancy, got.Metadata["ключ"])
}

func TestBadInputHugeMetadata(t *testing.T) {
	t.Parallel()
	srv := stripetest.NewServer()
	t.Cleanup(srv.Close)
	cs := customers.New(srv.Client(embedfin.WithMaxRetries(0))).Customers
	ctx := context.Background()

	// 100,000 keys: encoded without trouble, refused by the API for its
	// size (the SDK does not enforce Stripe's metadata limits itself).
	huge := make(map[string]string, 100_000)
	for i := range 100_000 {
		huge[fmt.Sprintf("key_%06d", i)] = strings.Repeat("v", 20)
	}
	_, err := cs.Create(ctx, &customers.CustomerCreateParams{Metadata: huge})
	var apiErr *embedfin.Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusRequestEntityTooLarge, apiErr.HTTPStatusCode)

	// Keys the form syntax cannot carry are refused before sending.
	tr := &badinput.Transport{}
	offline := customers.New(badinput.NewClient(t, tr)).Customers
	for _, key := range []string{"", "a[b]", "a]", "[x"} {
		_, err := offline.Create(ctx, &customers.CustomerCreateParams{Metadata: map[string]string{key: "v"}})
		var ve *embedfin.ValidationError
		require.ErrorAs(t, err, &ve, "metadata key %q", key)
	}
	assert.Zero(t, tr.Count(), "nothing was sent")
}
