package inbox

import (
	"highvibe/app/platform"
	"highvibe/app/web"
)

// Handler serves the inbox pages; app/serve.go builds it and the route table points at its methods.
type Handler struct {
	Render   *web.Renderer
	Svc      *Service
	Platform *platform.Service
}
