package testserver

import "github.com/getkin/kin-openapi/openapi3filter"

// The indicator exports answer with a zip (the MISP feed); the contract check reads it as the
// binary string the document says it is.
func init() {
	openapi3filter.RegisterBodyDecoder("application/zip", openapi3filter.FileBodyDecoder)
}
