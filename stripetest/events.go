package stripetest

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/events"
	fc "github.com/embedfin/embedfin-go/financialconnections"
	"github.com/embedfin/embedfin-go/webhook"
)

const kindEvent = "event"

// emit records an event of typ about obj (snapshotted now) in the env and
// queues its delivery. c is nil for changes no request caused (a refresh
// finishing). prev holds the previous values of changed fields, for
// *.updated events.
func (e *env) emit(c *call, typ events.EventType, obj any, prev map[string]any) {
	s := e.srv
	ev := &events.Event{
		ID:         s.newID("evt"),
		Object:     "event",
		APIVersion: embedfin.Ptr(embedfin.APIVersion),
		Created:    s.now().Unix(),
		Data:       &events.EventData{Object: shapeJSON(rawJSON(obj))}, // default keys (render.go)
		Type:       typ,
		Request:    &events.EventRequest{},
	}
	if prev != nil {
		ev.Data.PreviousAttributes = rawJSON(prev)
	}
	if e.account != "" {
		ev.Account = embedfin.Ptr(e.account)
	}
	if c != nil {
		ev.Request.ID = embedfin.Ptr(c.requestID)
		if c.idemKey != "" {
			ev.Request.IdempotencyKey = embedfin.Ptr(c.idemKey)
		}
	}
	if s.cfg.webhookURL != "" {
		ev.PendingWebhooks = 1
	}
	put(e, kindEvent, ev.ID, ev)
	e.expireEvents() // Stripe keeps events 30 days (retention.go)
	if a, ok := obj.(*fc.Account); ok {
		e.boundRefreshes(a.ID) // a refresh ended: the account keeps its last n
	}
	if s.cfg.webhookURL != "" {
		s.hooks.send(shapeJSON(rawJSON(ev))) // as GET /v1/events/{id} renders it
	}
}

// deliverer posts events to the webhook URL in order, one at a time,
// retrying each with exponential backoff.
type deliverer struct {
	cfg    config
	queue  chan []byte
	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}
	mu     sync.Mutex
	closed bool
}

func newDeliverer(cfg config) *deliverer {
	ctx, cancel := context.WithCancel(context.Background())
	d := &deliverer{cfg: cfg, queue: make(chan []byte, 4096), ctx: ctx, cancel: cancel, done: make(chan struct{})}
	if cfg.webhookURL == "" {
		close(d.done)
		return d
	}
	go d.run()
	return d
}

// send queues a payload; it never blocks the emulator (a full queue drops
// the delivery, as an unreachable endpoint eventually would).
func (d *deliverer) send(payload []byte) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return
	}
	select {
	case d.queue <- payload:
	default:
	}
}

func (d *deliverer) close() {
	d.mu.Lock()
	if !d.closed {
		d.closed = true
		d.cancel()
		close(d.queue)
	}
	d.mu.Unlock()
	<-d.done
}

func (d *deliverer) run() {
	defer close(d.done)
	for payload := range d.queue {
		wait := d.cfg.webhookBackoff
		for attempt := 1; attempt <= d.cfg.webhookAttempts; attempt++ {
			if d.deliver(payload) {
				break
			}
			if attempt == d.cfg.webhookAttempts {
				break
			}
			select {
			case <-d.ctx.Done():
				return
			case <-time.After(wait):
			}
			wait *= 2
		}
	}
}

// deliver makes one attempt; it reports whether the endpoint answered 2xx.
func (d *deliverer) deliver(payload []byte) bool {
	req, err := http.NewRequestWithContext(d.ctx, http.MethodPost, d.cfg.webhookURL, bytes.NewReader(payload))
	if err != nil {
		return false
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("User-Agent", "Stripe/1.0 (+https://stripe.com/docs/webhooks) embedfin-emulator")
	req.Header.Set(webhook.SignatureHeader, webhook.SignHeader(payload, d.cfg.webhookSecret, time.Now()))
	resp, err := d.cfg.webhookClient.Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	return resp.StatusCode >= 200 && resp.StatusCode < 300
}

// ---- events endpoints ----

func (s *Server) eventRoutes() {
	route(s, "GET /v1/events", func(c *call, p *events.EventListParams) (any, error) {
		types := map[events.EventType]bool{}
		for _, t := range p.Types {
			types[t] = true
		}
		q := listQuery[events.Event]{at: p.Created, atRange: p.CreatedRange, keep: func(ev *events.Event) bool {
			return (p.Type == nil || matchType(string(ev.Type), string(*p.Type))) && (len(types) == 0 || types[ev.Type])
		}}
		if p.Type != nil && *p.Type != "" && !strings.HasSuffix(string(*p.Type), "*") {
			q.filter = "type=" + string(*p.Type)
		}
		return listPage(c.env, kindEvent, q, p.ListParams, "/v1/events")
	})
	route(s, "GET /v1/events/{id}", func(c *call, p *events.EventRetrieveParams) (any, error) {
		ev, ok := get[events.Event](c.env, c.id("id"))
		if !ok {
			return nil, notFound("event", c.id("id"), "id")
		}
		return ev, nil
	})
}

// matchType compares an event type with a filter that may end in ".*".
func matchType(t, filter string) bool {
	if n := len(filter); n > 1 && filter[n-1] == '*' {
		return len(t) >= n-1 && t[:n-1] == filter[:n-1]
	}
	return t == filter
}
