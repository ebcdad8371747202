package dedupe

import (
	"context"
	"errors"
	"fmt"

	"github.com/redis/go-redis/v9"

	"github.com/embedfin/embedfin-go/webhook"
)

// The values of an event's key.
const (
	redisClaimed = "claimed"
	redisDone    = "done"
)

// releaseScript deletes a key only while it holds a claim, so that a late
// Release never forgets a completed event.
var releaseScript = redis.NewScript(`
if redis.call("GET", KEYS[1]) == ARGV[1] then
	return redis.call("DEL", KEYS[1])
end
return 0
`)

// RedisStore is a webhook.DedupeStore in Redis, shared by every store with
// the same key prefix on that Redis (see the package documentation). It
// needs Redis 7.0 or later. Create it with NewRedisStore; it is safe for
// concurrent use.
type RedisStore struct {
	rdb redis.UniversalClient
	cfg config
}

var _ webhook.DedupeStore = (*RedisStore)(nil)

// NewRedisStore returns a store on rdb (a *redis.Client,
// *redis.ClusterClient, ...) under its key prefix (DefaultKeyPrefix unless
// WithKeyPrefix). It does not contact Redis.
func NewRedisStore(rdb redis.UniversalClient, opts ...RedisOption) (*RedisStore, error) {
	if rdb == nil {
		return nil, fmt.Errorf("%w: the Redis client is nil", ErrInvalidConfig)
	}
	cfg := defaultConfig()
	for _, o := range opts {
		if o != nil {
			o.applyRedis(&cfg)
		}
	}
	if cfg.err != nil {
		return nil, cfg.err
	}
	return &RedisStore{rdb: rdb, cfg: cfg}, nil
}

// Key returns the Redis key of an event: the prefix and the ID.
func (s *RedisStore) Key(eventID string) string { return s.cfg.prefix + eventID }

// Claim implements webhook.DedupeStore with one SET NX PX GET: the key is
// set to "claimed", expiring after the claim timeout, unless it exists, in
// which case its value says whether the event is done or busy.
func (s *RedisStore) Claim(ctx context.Context, eventID string) (webhook.ClaimResult, error) {
	old, err := s.rdb.SetArgs(ctx, s.Key(eventID), redisClaimed, redis.SetArgs{
		Mode: "NX",
		TTL:  s.cfg.claimTimeout,
		Get:  true,
	}).Result()
	switch {
	case errors.Is(err, redis.Nil):
		return webhook.ClaimAcquired, nil
	case err != nil:
		return 0, fmt.Errorf("dedupe: claiming %s: %w", eventID, err)
	case old == redisDone:
		return webhook.ClaimDone, nil
	case old == redisClaimed:
		return webhook.ClaimBusy, nil
	}
	return 0, fmt.Errorf("dedupe: claiming %s: key %s holds %q, not a value of this store", eventID, s.Key(eventID), old)
}

// Complete implements webhook.DedupeStore: the key is set to "done",
// expiring after the TTL, whether or not the event was claimed.
func (s *RedisStore) Complete(ctx context.Context, eventID string) error {
	if err := s.rdb.Set(ctx, s.Key(eventID), redisDone, s.cfg.ttl).Err(); err != nil {
		return fmt.Errorf("dedupe: completing %s: %w", eventID, err)
	}
	return nil
}

// Release implements webhook.DedupeStore: the key is deleted while it
// holds a claim (atomically, by a script), and left alone when done.
func (s *RedisStore) Release(ctx context.Context, eventID string) error {
	if err := releaseScript.Run(ctx, s.rdb, []string{s.Key(eventID)}, redisClaimed).Err(); err != nil {
		return fmt.Errorf("dedupe: releasing %s: %w", eventID, err)
	}
	return nil
}

// String describes the store: its key prefix, TTL and claim timeout.
func (s *RedisStore) String() string {
	return fmt.Sprintf("dedupe.RedisStore{prefix %q, ttl %v, claim timeout %v}", s.cfg.prefix, s.cfg.ttl, s.cfg.claimTimeout)
}
