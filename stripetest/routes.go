package stripetest

// routes registers every endpoint the emulator serves.
func (s *Server) routes() {
	s.customerRoutes()
	s.eventRoutes()
	s.connectRoutes()
	s.fcRoutes()
	s.ownershipRoutes()
}

// settle applies the state changes that are due (finished refreshes,
// activated features). Called with s.mu held before every request.
func (s *Server) settle() {}
