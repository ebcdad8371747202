package interop

// knownGaps lists the steps where the emulator still differs from what
// Stripe documents, by the step's full test name, each with the request,
// what Stripe answers (the seeds, the spec) and what the emulator answers
// (issue 13). A listed step still runs: its failures are logged and it is
// skipped; once it passes, the test fails until its entry is removed, so
// the table only shrinks. It is the emulator's to-do list.
var knownGaps = map[string]string{
	// Connect (issue 13, point 2).
	"TestEmbeddedFinance/controller_as_the_guide_shows": "POST /v1/accounts with controller[...]=application: the guide's " +
		"response has controller.is_controller true and controller.type \"application\"; the emulator returns " +
		"is_controller null and type \"\" (not in the spec's enum)",
	"TestEmbeddedFinance/only_requested_capabilities": "POST /v1/accounts requesting card_issuing, transfers, treasury and " +
		"us_bank_account_ach_payments: Stripe's capabilities hash lists those four; the emulator lists all 66 capability " +
		"keys, the 62 not requested as null",
	"TestEmbeddedFinance/capabilities_await_onboarding": "POST /v1/accounts (nothing known about the business yet): Stripe " +
		"starts the requested capabilities inactive (or pending) with requirements.currently_due listing what onboarding " +
		"collects; the emulator makes them active at once with currently_due []",
	"TestEmbeddedFinance/onboarding_page": "GET account_link.url of POST /v1/account_links: Stripe serves the hosted " +
		"onboarding page; the emulator's URL (/connect/onboarding/{acct}/{link} on itself) answers 404 Unrecognized request URL",
	"TestEmbeddedFinance/hosted_verification_page": "GET next_action.verify_with_microdeposits.hosted_verification_url of a " +
		"confirmed us_bank_account SetupIntent: Stripe serves the microdeposit verification page; the emulator points at " +
		"https://payments.stripe.com/microdeposit/sacs_test_..., a page it does not serve (and a test must not leave loopback for)",
}
