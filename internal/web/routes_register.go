package web

import "github.com/vaern/vaern/internal/httpx"

// registerRoutes are the system and risk register's pages.
func (s *Server) registerRoutes() []httpx.Route {
	return nil
}
