// Package poll runs the waits of the workflow helpers (a refresh to finish,
// Treasury features to activate): check, sleep with growing jittered
// intervals, stop when done, when the check fails, or when the context ends.
package poll
