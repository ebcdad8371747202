package dedupe

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/embedfin/embedfin-go/webhook"
)

// ErrInvalidConfig is wrapped by the errors the constructors return for an
// option that cannot work.
var ErrInvalidConfig = errors.New("dedupe: invalid configuration")

// config is what the options set, for either store.
type config struct {
	ttl, claimTimeout time.Duration
	table             string
	prefix            string
	sweepInterval     time.Duration
	err               error
}

func defaultConfig() config {
	return config{
		ttl:           webhook.DefaultDedupeTTL,
		claimTimeout:  webhook.DefaultClaimTimeout,
		table:         DefaultTable,
		prefix:        DefaultKeyPrefix,
		sweepInterval: DefaultSweepInterval,
	}
}

func (c *config) fail(format string, args ...any) {
	if c.err == nil {
		c.err = fmt.Errorf("%w: "+format, append([]any{ErrInvalidConfig}, args...)...)
	}
}

// PostgresOption configures a PostgresStore.
type PostgresOption interface {
	applyPostgres(*config)
}

// RedisOption configures a RedisStore.
type RedisOption interface {
	applyRedis(*config)
}

// Option configures either store.
type Option interface {
	PostgresOption
	RedisOption
}

type bothOption func(*config)

func (o bothOption) applyPostgres(c *config) { o(c) }
func (o bothOption) applyRedis(c *config)    { o(c) }

type postgresOption func(*config)

func (o postgresOption) applyPostgres(c *config) { o(c) }

type redisOption func(*config)

func (o redisOption) applyRedis(c *config) { o(c) }

// WithTTL sets how long a processed event is remembered
// (webhook.DefaultDedupeTTL, three days, unless set). Zero keeps the
// default; anything else under a millisecond is an error.
func WithTTL(d time.Duration) Option {
	return bothOption(func(c *config) {
		switch {
		case d == 0:
		case d < time.Millisecond:
			c.fail("WithTTL: %v is under a millisecond", d)
		default:
			c.ttl = d
		}
	})
}

// WithClaimTimeout sets how long a claim holds an event before another
// delivery may take it over (webhook.DefaultClaimTimeout, five minutes,
// unless set). Make it longer than the slowest processing of an event.
// Zero keeps the default; anything else under a millisecond is an error.
func WithClaimTimeout(d time.Duration) Option {
	return bothOption(func(c *config) {
		switch {
		case d == 0:
		case d < time.Millisecond:
			c.fail("WithClaimTimeout: %v is under a millisecond", d)
		default:
			c.claimTimeout = d
		}
	})
}

// DefaultTable is the PostgresStore's table unless WithTable names another.
const DefaultTable = "embedfin_webhook_dedupe"

// WithTable sets the PostgresStore's table: a name ("webhook_dedupe"),
// found through the connection's search_path, or a schema-qualified one
// ("billing.webhook_dedupe"). Names are quoted, so they are case-sensitive
// and may hold any character but NUL.
func WithTable(name string) PostgresOption {
	return postgresOption(func(c *config) {
		parts := strings.Split(name, ".")
		if len(parts) > 2 {
			c.fail("WithTable: %q has more than two parts", name)
			return
		}
		for _, p := range parts {
			if p == "" || strings.ContainsRune(p, 0) {
				c.fail("WithTable: %q is not a table name", name)
				return
			}
		}
		c.table = name
	})
}

// DefaultSweepInterval is how often a PostgresStore deletes a batch of
// expired rows unless WithSweepInterval says otherwise.
const DefaultSweepInterval = time.Minute

// WithSweepInterval sets how often, at most, a PostgresStore deletes a
// batch of expired rows after a claim (DefaultSweepInterval unless set).
// Zero keeps the default; a negative interval turns the sweep off (call
// Sweep yourself then).
func WithSweepInterval(d time.Duration) PostgresOption {
	return postgresOption(func(c *config) {
		if d != 0 {
			c.sweepInterval = d
		}
	})
}

// DefaultKeyPrefix is the prefix of the RedisStore's keys unless
// WithKeyPrefix sets another.
const DefaultKeyPrefix = "embedfin:webhook:dedupe:"

// WithKeyPrefix sets the prefix of the RedisStore's keys
// (DefaultKeyPrefix unless set): an event's key is the prefix followed by
// its ID. Stores with the same prefix share their events. It must not be
// empty.
func WithKeyPrefix(prefix string) RedisOption {
	return redisOption(func(c *config) {
		if prefix == "" {
			c.fail("WithKeyPrefix: the prefix is empty")
			return
		}
		c.prefix = prefix
	})
}
