package txsync

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/events"
	fc "github.com/embedfin/embedfin-go/financialconnections"
	"github.com/embedfin/embedfin-go/webhook"
	"github.com/riverqueue/river/rivertype"
)

// refreshedEvent is the payload of a refreshed_transactions event.
func refreshedEvent(t testing.TB, eventID, account, refresh string, status fc.RefreshStatus) []byte {
	t.Helper()
	acct := &fc.Account{
		ID: account, Object: "financial_connections.account", Status: fc.AccountStatusActive, InstitutionName: "Test Bank",
		TransactionRefresh: &fc.AccountTransactionRefresh{ID: refresh, Status: status, LastAttemptedAt: 1_700_000_000},
	}
	obj, err := json.Marshal(acct)
	if err != nil {
		t.Fatal(err)
	}
	body, err := json.Marshal(map[string]any{
		"id": eventID, "object": "event", "api_version": embedfin.APIVersion, "created": 1_700_000_100,
		"type": events.EventTypeFinancialConnectionsAccountRefreshedTransactions, "livemode": false, "pending_webhooks": 1,
		"data": map[string]any{"object": json.RawMessage(obj)},
	})
	if err != nil {
		t.Fatal(err)
	}
	return body
}

// deliver posts a payload signed with secret and returns the status.
func deliver(t testing.TB, url string, payload []byte, secret string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(payload))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set(webhook.SignatureHeader, webhook.SignHeader(payload, secret, time.Now()))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func counts(t testing.TB, s *Syncer) (events int64, jobs int) {
	t.Helper()
	st, err := s.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return st.Events, len(jobsOf(t, s))
}

// TestReceiver: an event is recorded and its one job enqueued in one
// transaction, answered 200 after; a redelivery, or another event for the
// same refresh, enqueues nothing new; a bad signature touches nothing; a
// failed refresh is recorded as a failure without a job.
func TestReceiver(t *testing.T) {
	eachDatabase(t, func(t *testing.T, d database) {
		s, err := New(d.db, nil, testConfig())
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(s.Receiver(testSecret))
		defer srv.Close()
		ev := refreshedEvent(t, "evt_1", "fca_1", "fctxnref_1", fc.RefreshStatusSucceeded)

		if code := deliver(t, srv.URL, ev, testSecret); code != http.StatusOK {
			t.Fatalf("first delivery answered %d", code)
		}
		if e, j := counts(t, s); e != 1 || j != 1 {
			t.Fatalf("after the first delivery: %d events, %d jobs; want 1 and 1", e, j)
		}
		job := jobsOf(t, s)[0]
		var args JobArgs
		if err := json.Unmarshal(job.EncodedArgs, &args); err != nil {
			t.Fatal(err)
		}
		if args != (JobArgs{Account: "fca_1", Feature: FeatureTransactions, Refresh: "fctxnref_1", Event: "evt_1"}) || job.State != rivertype.JobStateAvailable {
			t.Fatalf("job %+v in state %s", args, job.State)
		}

		if code := deliver(t, srv.URL, ev, testSecret); code != http.StatusOK {
			t.Fatalf("redelivery answered %d", code)
		}
		if e, j := counts(t, s); e != 1 || j != 1 {
			t.Fatalf("after a redelivery: %d events, %d jobs; want 1 and 1", e, j)
		}

		// Another event about the same refresh: recorded, but the job is
		// unique per account and refresh.
		if code := deliver(t, srv.URL, refreshedEvent(t, "evt_2", "fca_1", "fctxnref_1", fc.RefreshStatusSucceeded), testSecret); code != http.StatusOK {
			t.Fatalf("second event answered %d", code)
		}
		if e, j := counts(t, s); e != 2 || j != 1 {
			t.Fatalf("after a second event for the same refresh: %d events, %d jobs; want 2 and 1", e, j)
		}

		bad := refreshedEvent(t, "evt_3", "fca_1", "fctxnref_2", fc.RefreshStatusSucceeded)
		if code := deliver(t, srv.URL, bad, "whsec_wrong"); code != http.StatusBadRequest {
			t.Fatalf("bad signature answered %d, want 400", code)
		}
		if e, j := counts(t, s); e != 2 || j != 1 {
			t.Fatalf("after a bad signature: %d events, %d jobs; want 2 and 1", e, j)
		}

		failed := refreshedEvent(t, "evt_4", "fca_2", "fctxnref_3", fc.RefreshStatusFailed)
		if code := deliver(t, srv.URL, failed, testSecret); code != http.StatusOK {
			t.Fatalf("failed refresh answered %d", code)
		}
		if e, j := counts(t, s); e != 3 || j != 1 {
			t.Fatalf("after a failed refresh: %d events, %d jobs; want 3 and 1", e, j)
		}
		fails, err := s.Failures(context.Background(), "fca_2")
		if err != nil {
			t.Fatal(err)
		}
		if len(fails) != 1 || fails[0].Reason != ReasonRefreshFailed || fails[0].Event != "evt_4" {
			t.Fatalf("failures %+v", fails)
		}

		// The same event delivered by 8 connections at once: one record,
		// one job, and every delivery answered 200.
		same := refreshedEvent(t, "evt_5", "fca_3", "fctxnref_5", fc.RefreshStatusSucceeded)
		var wg sync.WaitGroup
		codes := make([]int, 8)
		start := make(chan struct{})
		for i := range codes {
			wg.Go(func() {
				<-start
				codes[i] = deliver(t, srv.URL, same, testSecret)
			})
		}
		close(start)
		wg.Wait()
		for i, c := range codes {
			if c != http.StatusOK {
				t.Fatalf("concurrent delivery %d answered %d", i, c)
			}
		}
		if e, j := counts(t, s); e != 4 || j != 2 {
			t.Fatalf("after concurrent deliveries: %d events, %d jobs; want 4 and 2", e, j)
		}
	})
}

// TestReceiverAtomic: when the job cannot be enqueued the event is not
// recorded either, and the delivery is answered 500 (Stripe retries).
func TestReceiverAtomic(t *testing.T) {
	eachDatabase(t, func(t *testing.T, d database) {
		s, err := New(d.db, nil, testConfig())
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(s.Receiver(testSecret))
		defer srv.Close()
		// Break River's side: its job table goes away.
		if err := s.db.read(context.Background(), func(q querier) error {
			_, err := q.exec(context.Background(), `DROP TABLE {S}river_job`)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		ev := refreshedEvent(t, "evt_1", "fca_1", "fctxnref_1", fc.RefreshStatusSucceeded)
		if code := deliver(t, srv.URL, ev, testSecret); code != http.StatusInternalServerError {
			t.Fatalf("answered %d, want 500", code)
		}
		st, err := s.Stats(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if st.Events != 0 {
			t.Fatalf("%d events recorded although the job was not enqueued", st.Events)
		}
	})
}
