package conformance

import (
	"context"
	"errors"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/customers"
)

func init() {
	register(
		// The account holder of a Financial Connections session: created when
		// the user signs up, with an email so the authentication flow can
		// offer Link to returning users.
		endpointCase{"customers/Customers.Create", func(ctx context.Context, c *embedfin.Client) error {
			got, err := customers.New(c).Customers.Create(ctx, &customers.CustomerCreateParams{
				Email:       embedfin.Ptr("jenny.rosen@example.com"),
				Name:        embedfin.Ptr("Jenny Rosen"),
				Phone:       embedfin.Ptr("+14155550142"),
				Description: embedfin.Ptr("Signed up from the budgeting app"),
				Address: &embedfin.AddressParams{
					Line1:      embedfin.Ptr("510 Townsend St"),
					City:       embedfin.Ptr("San Francisco"),
					State:      embedfin.Ptr("CA"),
					PostalCode: embedfin.Ptr("94103"),
					Country:    embedfin.Ptr("US"),
				},
				PreferredLocales: []string{"en", "fr"},
				Metadata:         map[string]string{"user_id": "u_20931"},
			})
			if err != nil {
				return err
			}
			if err := expectObject(got.Object, got.ID, "customer", ""); err != nil {
				return err
			}
			if got.ID == "" {
				return errors.New("created customer has no id")
			}
			return nil
		}},
		endpointCase{"customers/Customers.List", func(ctx context.Context, c *embedfin.Client) error {
			page, err := customers.New(c).Customers.List(ctx, &customers.CustomerListParams{
				ListParams: embedfin.ListParams{Limit: embedfin.Ptr(int64(3))},
				Email:      embedfin.Ptr("jenny.rosen@example.com"),
			})
			if err != nil {
				return err
			}
			first, err := firstPageItem(page)
			if err != nil {
				return err
			}
			return expectObject(first.Object, first.ID, "customer", "")
		}},
		endpointCase{"customers/Customers.All", func(ctx context.Context, c *embedfin.Client) error {
			first, err := firstYielded(customers.New(c).Customers.All(ctx, &customers.CustomerListParams{
				ListParams: embedfin.ListParams{Limit: embedfin.Ptr(int64(100))},
				CreatedRange: &embedfin.RangeQueryParams{
					GreaterThanOrEqual: embedfin.Ptr(int64(1704067200)),
					LesserThan:         embedfin.Ptr(int64(1735689600)),
				},
			}))
			if err != nil {
				return err
			}
			return expectObject(first.Object, first.ID, "customer", "")
		}},
		endpointCase{"customers/Customers.Search", func(ctx context.Context, c *embedfin.Client) error {
			page, err := customers.New(c).Customers.Search(ctx, &customers.CustomerSearchParams{
				SearchParams: embedfin.SearchParams{
					Query: "email:'jenny.rosen@example.com' AND metadata['user_id']:'u_20931'",
					Limit: embedfin.Ptr(int64(10)),
				},
			})
			if err != nil {
				return err
			}
			if page.Object != "search_result" {
				return errors.New("search page object is " + page.Object)
			}
			if len(page.Data) == 0 {
				return errors.New("search page holds no customer")
			}
			return expectObject(page.Data[0].Object, page.Data[0].ID, "customer", "")
		}},
		endpointCase{"customers/Customers.SearchAll", func(ctx context.Context, c *embedfin.Client) error {
			first, err := firstYielded(customers.New(c).Customers.SearchAll(ctx, &customers.CustomerSearchParams{
				SearchParams: embedfin.SearchParams{
					Query: "name~'Rosen'",
					Limit: embedfin.Ptr(int64(100)),
				},
			}))
			if err != nil {
				return err
			}
			return expectObject(first.Object, first.ID, "customer", "")
		}},
		endpointCase{"customers/Customers.Retrieve", func(ctx context.Context, c *embedfin.Client) error {
			got, err := customers.New(c).Customers.Retrieve(ctx, customerID, nil)
			if err != nil {
				return err
			}
			return expectObject(got.Object, got.ID, "customer", customerID)
		}},
		endpointCase{"customers/Customers.Update", func(ctx context.Context, c *embedfin.Client) error {
			got, err := customers.New(c).Customers.Update(ctx, customerID, &customers.CustomerUpdateParams{
				Email: embedfin.Ptr("jenny@rosen.example.com"),
				Shipping: &customers.CustomerShippingParams{
					Name:  embedfin.Ptr("Jenny Rosen"),
					Phone: embedfin.Ptr("+14155550142"),
					Address: &embedfin.AddressParams{
						Line1:      embedfin.Ptr("1 Market St"),
						Line2:      embedfin.Ptr("Suite 400"),
						City:       embedfin.Ptr("San Francisco"),
						State:      embedfin.Ptr("CA"),
						PostalCode: embedfin.Ptr("94105"),
						Country:    embedfin.Ptr("US"),
					},
				},
				Metadata: map[string]string{"plan": "premium"},
			})
			if err != nil {
				return err
			}
			return expectObject(got.Object, got.ID, "customer", customerID)
		}},
		// Clearing data the user removed from their profile: an empty
		// description, a metadata key, and the whole shipping object.
		endpointCase{"customers/Customers.Update/clear", func(ctx context.Context, c *embedfin.Client) error {
			params := &customers.CustomerUpdateParams{
				Description: embedfin.Ptr(""),
				Metadata:    map[string]string{"plan": ""},
			}
			params.Unset("shipping")
			got, err := customers.New(c).Customers.Update(ctx, customerID, params)
			if err != nil {
				return err
			}
			return expectObject(got.Object, got.ID, "customer", customerID)
		}},
		endpointCase{"customers/Customers.Delete", func(ctx context.Context, c *embedfin.Client) error {
			got, err := customers.New(c).Customers.Delete(ctx, "cus_PfN3closedAccount", nil)
			if err != nil {
				return err
			}
			if !got.Deleted {
				return errors.New("deleted flag not set")
			}
			return expectObject(got.Object, got.ID, "customer", "cus_PfN3closedAccount")
		}},
	)
}
