package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime"
	"strconv"
	"syscall"
	"time"

	"github.com/embedfin/embedfin-go"
	"github.com/embedfin/embedfin-go/fleet/ratelimit"
	"github.com/embedfin/embedfin-go/fleet/txsync"
	"github.com/embedfin/embedfin-go/stripetest"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/go-redis/v9"
)

// worker is one worker process: a Syncer on the schema, its Stripe client
// on the shared limiter when the run has a rate, until its stdin closes.
// It prints "ready" once started, then "heap N" (runtime.MemStats.HeapInuse)
// every sample interval.
func worker(out io.Writer) error {
	rate, err1 := strconv.ParseFloat(os.Getenv(envRate), 64)
	burst, err2 := strconv.Atoi(os.Getenv(envBurst))
	jobs, err3 := strconv.Atoi(os.Getenv(envJobs))
	sample, err4 := time.ParseDuration(os.Getenv(envSample))
	for _, err := range []error{err1, err2, err3, err4} {
		if err != nil {
			return err
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() { // the parent closes stdin to stop the worker (or dies)
		_, _ = io.Copy(io.Discard, os.Stdin)
		stop()
	}()

	opts := []embedfin.Option{embedfin.WithBaseURL(os.Getenv(envAPI))}
	if rate > 0 {
		ropt, err := redis.ParseURL(os.Getenv(envRedis))
		if err != nil {
			return err
		}
		rdb := redis.NewClient(ropt)
		defer rdb.Close()
		lim, err := ratelimit.New(rdb, rate, burst, ratelimit.WithKeyPrefix(os.Getenv(envPrefix)))
		if err != nil {
			return err
		}
		opts = append(opts, embedfin.WithLimiter(lim))
	}
	client, err := embedfin.NewClient(stripetest.DefaultKey, opts...)
	if err != nil {
		return err
	}
	cfg, err := pgxpool.ParseConfig(os.Getenv(envDatabase))
	if err != nil {
		return err
	}
	cfg.MaxConns = int32(jobs + 6)
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return err
	}
	defer pool.Close()
	s, err := txsync.New(txsync.Postgres(pool, ""), client, &txsync.Config{
		Workers: jobs, PollInterval: 100 * time.Millisecond,
		Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
	})
	if err != nil {
		return err
	}
	if err := s.Start(ctx); err != nil {
		return err
	}
	fmt.Fprintln(out, "ready")
	t := time.NewTicker(sample)
	defer t.Stop()
	var ms runtime.MemStats
	for {
		select {
		case <-ctx.Done():
			stopCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			return s.Stop(stopCtx)
		case <-t.C:
			runtime.ReadMemStats(&ms)
			fmt.Fprintf(out, "heap %d\n", ms.HeapInuse)
		}
	}
}
