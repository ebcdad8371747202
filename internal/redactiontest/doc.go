// Package redactiontest holds no code, only the table test that prints
// every exported error and response type of the SDK (package embedfin,
// webhook, financialconnections, treasury), as value and as pointer, under
// every fmt verb and through log/slog, and checks that no secret survives.
// It lives apart so that it can import every package without a cycle.
package redactiontest
