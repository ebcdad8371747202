// Package customers calls Stripe's Customers API ([CustomerService]):
// create, retrieve, update, delete, list and search [connect.Customer]
// objects.
//
// In the bank-data flows a Customer stands for the end user. It is the
// account holder of a Financial Connections session (its email lets the
// linking flow recognise returning Link users), the record whose name,
// email, phone and address Ownership Match compares with a linked
// account's owners, and the customer of a SetupIntent that saves a bank
// account. Search takes a query in Stripe's search language, such as
// email:'jennyrosen@example.com'.
//
// Get the package client from an *embedfin.Client:
//
//	c, err := embedfin.NewClient(os.Getenv("STRIPE_SECRET_KEY"))
//	if err != nil { ... }
//	cs := customers.New(c)
//	cust, err := cs.Customers.Create(ctx, &customers.CustomerCreateParams{
//		Name:  embedfin.Ptr("Jenny Rosen"),
//		Email: embedfin.Ptr("jennyrosen@example.com"),
//	})
//	// ... then financialconnections.SessionAccountHolderParams{Customer: &cust.ID, ...}
//
// IDs are positional arguments checked before sending; optional fields are
// pointers set with [embedfin.Ptr]. [CustomerService.List] and
// [CustomerService.Search] return one page; [CustomerService.All] and
// [CustomerService.SearchAll] iterate over every page. The customer objects
// are declared in package connect ([connect.Customer],
// [connect.DeletedCustomer]): a customer and the bank accounts and cards it
// holds reference each other, and those belong to connected accounts too.
// Retrieving a deleted customer returns a connect.Customer with Deleted
// set, while [CustomerService.Delete] returns a connect.DeletedCustomer.
// [connect.Customer.DefaultSource] is a
// *embedfin.Expandable[connect.PaymentSource], a union of
// [connect.BankAccount], [connect.Card] and [embedfin.RawObject];
// subscriptions and test clocks are outside the SDK's scope and arrive as
// embedfin.RawObject.
package customers
