// Package redact removes secrets from text before it reaches a log line, an
// error message or a formatted value: API keys, webhook signing secrets,
// client secrets, ephemeral keys and long digit runs that may be account
// numbers.
package redact
