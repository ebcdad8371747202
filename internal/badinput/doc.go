// Package badinput lets each resource package's bad-input tests call every
// typed API method it has without naming them one by one: it finds the
// methods of a package's Client by reflection, calls them with chosen IDs
// and params, fills in required parameters, and answers their requests
// from a counting transport. It is used by tests only.
package badinput
