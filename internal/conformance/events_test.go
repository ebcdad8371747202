package conformance

import (
	"context"
	"errors"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/events"
)

const eventID = "evt_1NvQ5xQ9RKHgCVdKc8R0vJqf"

func init() {
	register(
		// The events a platform replays after downtime: refreshed
		// Financial Connections transactions and financial account feature
		// changes.
		endpointCase{"events/Events.List", func(ctx context.Context, c *embedfin.Client) error {
			page, err := events.New(c).Events.List(ctx, &events.EventListParams{
				ListParams: embedfin.ListParams{Limit: embedfin.Ptr(int64(25))},
				Types: []events.EventType{
					events.EventTypeFinancialConnectionsAccountRefreshedTransactions,
					events.EventTypeTreasuryFinancialAccountFeaturesStatusUpdated,
				},
				CreatedRange: &embedfin.RangeQueryParams{GreaterThanOrEqual: embedfin.Ptr(int64(1706742786))},
			})
			if err != nil {
				return err
			}
			first, err := firstPageItem(page)
			if err != nil {
				return err
			}
			return expectObject(first.Object, first.ID, "event", "")
		}},
		// Events whose webhook delivery failed, for one event type.
		endpointCase{"events/Events.All", func(ctx context.Context, c *embedfin.Client) error {
			first, err := firstYielded(events.New(c).Events.All(ctx, &events.EventListParams{
				ListParams:      embedfin.ListParams{Limit: embedfin.Ptr(int64(100))},
				Type:            embedfin.Ptr(events.EventTypeIssuingAuthorizationRequest),
				DeliverySuccess: embedfin.Ptr(false),
			}))
			if err != nil {
				return err
			}
			return expectObject(first.Object, first.ID, "event", "")
		}},
		endpointCase{"events/Events.Retrieve", func(ctx context.Context, c *embedfin.Client) error {
			got, err := events.New(c).Events.Retrieve(ctx, eventID, nil)
			if err != nil {
				return err
			}
			if err := expectObject(got.Object, got.ID, "event", eventID); err != nil {
				return err
			}
			if got.Data == nil || len(got.Data.Object) == 0 {
				return errors.New("event has no data.object")
			}
			return nil
		}},
	)
}
