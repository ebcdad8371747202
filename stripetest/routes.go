package stripetest

// routes registers every endpoint the emulator serves.
func (s *Server) routes() {
	s.customerRoutes()
	s.eventRoutes()
	s.connectRoutes()
	s.fcRoutes()
	s.ownershipRoutes()
	s.treasuryRoutes()
	s.issuingRoutes()
	s.setupIntentRoutes()
}
