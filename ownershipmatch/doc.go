// Package ownershipmatch calls Stripe's Ownership Match API (a private
// beta) and turns its scores into decisions.
//
// Ownership Match compares the ownership data Financial Connections holds
// for a linked bank account with the owner your user claims to be, field by
// field (name, email, phone, address), and scores each from 0 to 100. The
// owner can be given three ways, each a [Mode]:
//
//   - [ModeAccountHolder]: only the account; Stripe compares with the
//     Customer that holds it (account_holder[type]=customer);
//   - [ModeCustomer]: a Customer of yours (type=customer, customer=cus_...);
//   - [ModeOwnerInformation]: the data itself (type=owner_information).
//
// Every call carries the beta's Stripe-Version suffix,
// financial_connections_ownership_match_api_preview=v1, merged with any
// other beta the caller adds. The endpoint is in neither the public OpenAPI
// spec nor stripe-mock; its types here follow Stripe's guide. The client
// has the shape of the other packages' ([OwnershipMatchService.Create]):
//
//	m := ownershipmatch.New(c).OwnershipMatches
//	res, err := m.Create(ctx, &ownershipmatch.CreateParams{
//		FinancialConnectionsAccount: embedfin.Ptr("fca_123"),
//		Type:                        embedfin.Ptr(ownershipmatch.TypeCustomer),
//		Customer:                    embedfin.Ptr("cus_123"),
//	})
//	a, err := ownershipmatch.DefaultPolicy().Decide(&res.Results)
//	switch a.Decision { case ownershipmatch.Proceed: ... }
//
// [Interpret] maps one score to the bands of the guide (exact, very strong,
// strong, possible, weak, none; phones have their own, coarser bands).
// [Policy.Decide] averages the scored fields with your weights and applies
// your thresholds; fields without data are left out of the average rather
// than counted as zero.
package ownershipmatch
