package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3gen"

	"highvibe/app/inbox"
	"highvibe/app/platform"
	"highvibe/app/web"
)

// The OpenAPI 3.1 document of /api/v1, served at /api/v1/openapi.json and rendered in the guide
// (31-integration-api.md). The operations are written here; every request and answer schema is
// generated from the structs in types.go, and the import rows from the importer's own field lists,
// so the document cannot drift from what the handlers encode. The tests validate every request and
// answer of the API tests against the served document.

// OpenAPIPath is where the document is served.
const OpenAPIPath = "/api/v1/openapi.json"

// OpenAPI is GET /api/v1/openapi.json: the document, public (it holds no tenant data).
func (h *Handler) OpenAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, _ = w.Write(h.openapi)
}

// openAPIDocument builds the document as JSON.
func openAPIDocument() ([]byte, error) {
	doc, err := buildOpenAPI()
	if err != nil {
		return nil, err
	}
	return json.MarshalIndent(doc, "", "  ")
}

// schemaGen turns the structs of types.go into component schemas.
type schemaGen struct {
	g       *openapi3gen.Generator
	schemas openapi3.Schemas
}

func newSchemaGen() *schemaGen {
	return &schemaGen{schemas: openapi3.Schemas{}, g: openapi3gen.NewGenerator(
		openapi3gen.SchemaCustomizer(customizeSchema),
		openapi3gen.CreateComponentSchemas(openapi3gen.ExportComponentSchemasOptions{ExportComponentSchemas: true, ExportTopLevelSchema: true}),
	)}
}

// ref is the component schema of v's type.
func (s *schemaGen) ref(v any) *openapi3.SchemaRef {
	ref, err := s.g.NewSchemaRefForValue(v, s.schemas)
	if err != nil {
		panic(fmt.Sprintf("api: schema of %T: %v", v, err)) // a programming error in types.go
	}
	return openapi3.NewSchemaRef(ref.Ref, nil)
}

var (
	payloadType = reflect.TypeFor[Payload]()
	problemType = reflect.TypeFor[web.Problem]()
)

// problemDocs describes the members of web.Problem, which has no doc tags of its own.
var problemDocs = map[string]string{
	"type":       "urn:highvibe:problem:<kind>, the kind of problem (not_found, invalid, forbidden, …)",
	"title":      "the status's title in the caller's language (Accept-Language)",
	"detail":     "what went wrong with this request, in the caller's language; for people, not programs",
	"instance":   "the request's path",
	"code":       "a machine word: missing_key, key_in_query, unknown_key, revoked_key, wrong_scope, rate_limited, bad_query, malformed, too_large, too_many_rows, too_long, invalid_rows, text_required, bad_direction, not_found, internal",
	"request_id": "quote it when asking for help: it finds the request in the server log",
	"errors":     "the refused fields; for a refused import named <row>.<field>, rows counted from 1",
}

// customizeSchema applies the tags of types.go and writes OpenAPI 3.1 (JSON Schema 2020-12):
// a nullable field is a type list with "null", every field without omitempty is required, and
// an object allows no other fields.
func customizeSchema(_ string, t reflect.Type, tag reflect.StructTag, s *openapi3.Schema) error {
	if t == payloadType {
		s.Type, s.Format = &openapi3.Types{"object"}, ""
	}
	if d := tag.Get("doc"); d != "" {
		s.Description = d
	}
	if f := tag.Get("format"); f != "" {
		s.Format = f
	}
	if m, err := strconv.ParseUint(tag.Get("max"), 10, 64); err == nil {
		s.MaxLength = &m
	}
	for _, v := range strings.Fields(tag.Get("enum")) {
		s.Enum = append(s.Enum, v)
	}
	if s.Nullable && s.Type != nil {
		s.Type = &openapi3.Types{(*s.Type)[0], "null"}
		s.Nullable = false
	}
	if t == problemType {
		for name, d := range problemDocs {
			if p := s.Properties[name]; p != nil && p.Value != nil {
				p.Value.Description = d
			}
		}
	}
	if t.Kind() == reflect.Struct && s.Properties != nil {
		s.Required = requiredFields(t)
		no := false
		s.AdditionalProperties = openapi3.AdditionalProperties{Has: &no}
	}
	return nil
}

// requiredFields lists the JSON names of t's fields without omitempty, embedded structs included.
func requiredFields(t reflect.Type) []string {
	var out []string
	for f := range t.Fields() {
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch {
		case f.Anonymous && name == "":
			out = append(out, requiredFields(f.Type)...)
		case !f.IsExported() || name == "-":
		case !slices.Contains(strings.Split(opts, ","), "omitempty"):
			if name == "" {
				name = f.Name
			}
			out = append(out, name)
		}
	}
	return out
}

// importKinds are the import routes in the order the document lists them.
var importKinds = []string{"leads", "customers", "products", "orders", "invoices", "devices"}

// importRowSchema is one row of an import: the importer's known fields, each a scalar.
func importRowSchema(kind string) *openapi3.Schema {
	s := openapi3.NewObjectSchema()
	names := make([]string, 0, len(known[kind]))
	for f := range known[kind] {
		names = append(names, f)
	}
	slices.Sort(names)
	for _, f := range names {
		s.WithProperty(f, &openapi3.Schema{Type: &openapi3.Types{"string", "number", "boolean", "null"}})
	}
	no := false
	s.AdditionalProperties = openapi3.AdditionalProperties{Has: &no}
	s.Description = "One " + strings.TrimSuffix(kind, "s") + ". Values may be strings, numbers or booleans; dates are YYYY-MM-DD or RFC 3339; " +
		"JSON numbers are read as JSON; a number in a string or in CSV follows the decimal parameter, and without it one that reads two ways " +
		"(1.250, 1,250) is refused. A yes-or-no field (a product's active) is true or false in any case, yes or no, 1 or 0; empty keeps " +
		"the default, any other word refuses the row. Unknown fields refuse the batch."
	return s
}

func buildOpenAPI() (*openapi3.T, error) {
	sg := newSchemaGen()
	problem := openapi3.NewSchemaRef("#/components/schemas/Problem", nil)
	sg.ref(web.Problem{}) // the one error shape of every HTTP API (web.WriteProblem)

	doc := &openapi3.T{
		OpenAPI: "3.1.0",
		Info: &openapi3.Info{
			Title:   "HighVibe integration API",
			Version: "1",
			Description: "Read conversations, leads, recommendations and action logs of one tenant, and import leads and CRM records " +
				"in all-or-nothing batches. A tenant API key (Settings → API keys) with the read or import scope authenticates every " +
				"call except this document. Errors are RFC 9457 problem details (application/problem+json) in the language of " +
				"Accept-Language (en, tr, de, es, fr, ar), with a machine word in code; a refused field is listed in errors, " +
				"named <row>.<field> (rows counted from 1) for a refused import. Times are RFC 3339 in UTC. " +
				"Each key may make 20 requests a second, in bursts of 100.",
		},
		Paths: openapi3.NewPaths(),
		Components: &openapi3.Components{
			Schemas: sg.schemas,
			SecuritySchemes: openapi3.SecuritySchemes{
				"bearer": {Value: openapi3.NewSecurityScheme().WithType("http").WithScheme("bearer").WithDescription("Authorization: Bearer <key>")},
				"apiKey": {Value: openapi3.NewSecurityScheme().WithType("apiKey").WithIn("header").WithName("X-Api-Key").WithDescription("X-Api-Key: <key>")},
			},
		},
	}
	keyed := func(op *openapi3.Operation, scope string) *openapi3.Operation {
		op.Security = openapi3.NewSecurityRequirements().
			With(openapi3.SecurityRequirement{"bearer": {}}).
			With(openapi3.SecurityRequirement{"apiKey": {}})
		op.Description = strings.TrimSpace(op.Description + " Needs a key with the " + scope + " scope.")
		errs := map[int]string{
			401: "no key, an unknown one, or a key sent in the address as ?api_key= — send it in the Authorization: Bearer or X-Api-Key header (code missing_key, unknown_key, key_in_query)",
			403: "a revoked key or one without the " + scope + " scope (code revoked_key, wrong_scope)",
			429: "over the key's rate limit (code rate_limited); Retry-After says when to try again",
		}
		for status, d := range errs {
			op.Responses.Set(fmt.Sprint(status), problemResponse(problem, d))
		}
		op.Responses.Set("default", problemResponse(problem, "any other error, e.g. 500 internal"))
		return op
	}
	ok := func(status int, d string, v any) openapi3.NewResponsesOption {
		return openapi3.WithStatus(status, &openapi3.ResponseRef{Value: openapi3.NewResponse().WithDescription(d).WithJSONSchemaRef(sg.ref(v))})
	}
	limit := intParam("limit", "page size, 1–500 (default 50)", 1, 500)
	cursor := intParam("cursor", "the next_cursor of the previous page", 1, 0)
	badQuery := func(op *openapi3.Operation, d string) *openapi3.Operation {
		op.Responses.Set("400", problemResponse(problem, d+" (code bad_query)"))
		return op
	}
	idParam := &openapi3.ParameterRef{Value: openapi3.NewPathParameter("id").WithDescription("the conversation id").
		WithSchema(&openapi3.Schema{Type: &openapi3.Types{"integer"}, Format: "int64"})}

	listConv := &openapi3.Operation{OperationID: "listConversations", Tags: []string{"read"}, Summary: "List conversations, newest first",
		Parameters: openapi3.Parameters{
			strParam("state", "only this state", inbox.States...),
			strParam("channel", "only this channel", conversationChannels...),
			{Value: openapi3.NewQueryParameter("q").WithDescription("the inbox search: names, phones in any format, email, summary, next action, " +
				"message text; Turkish letters fold and the last word is a prefix").WithSchema(&openapi3.Schema{Type: &openapi3.Types{"string"}, MaxLength: openapi3.Ptr[uint64](200)})},
			strParam("handoff", "1 or true: only conversations waiting for a person", "1", "0", "true", "false"),
			limit, cursor,
		},
		Responses: openapi3.NewResponses(ok(200, "one page of conversations", ConversationList{}))}
	doc.AddOperation("/api/v1/conversations", http.MethodGet, keyed(badQuery(listConv, "a bad limit, cursor or handoff, or an unknown state or channel"), "read"))

	getConv := &openapi3.Operation{OperationID: "getConversation", Tags: []string{"read"}, Summary: "One conversation with its newest messages (5,000 at a time, oldest first) and recommendations",
		Parameters: openapi3.Parameters{idParam, intParam("cursor", "the next_cursor of the previous answer: the messages before it", 1, 0)},
		Responses:  openapi3.NewResponses(ok(200, "the conversation", ConversationDetail{}))}
	getConv.Responses.Set("404", problemResponse(problem, "no such conversation in this tenant (code not_found)"))
	doc.AddOperation("/api/v1/conversations/{id}", http.MethodGet, keyed(badQuery(getConv, "a bad cursor"), "read"))

	addMsg := &openapi3.Operation{OperationID: "addMessage", Tags: []string{"import"}, Summary: "Log a call, an email or a note in a conversation",
		Parameters:  openapi3.Parameters{idParam},
		RequestBody: &openapi3.RequestBodyRef{Value: openapi3.NewRequestBody().WithRequired(true).WithJSONSchemaRef(sg.ref(AddMessageRequest{}))},
		Responses:   openapi3.NewResponses(ok(201, "the message was added", AddMessageResult{}))}
	addMsg.Responses.Set("400", problemResponse(problem, "the body is not one JSON object, or has something after it (code malformed)"))
	addMsg.Responses.Set("404", problemResponse(problem, "no such conversation in this tenant (code not_found)"))
	addMsg.Responses.Set("413", problemResponse(problem, "text over 65,536 characters (code too_long)"))
	addMsg.Responses.Set("422", problemResponse(problem, "no text, a direction other than inbound, outbound or system, a field the request does not have, or an author over 200 characters "+
		"(code text_required, bad_direction, unknown_field, author_too_long)"))
	doc.AddOperation("/api/v1/conversations/{id}/messages", http.MethodPost, keyed(addMsg, "import"))

	leads := &openapi3.Operation{OperationID: "listLeads", Tags: []string{"read"}, Summary: "List leads, newest first",
		Parameters: openapi3.Parameters{limit, cursor},
		Responses:  openapi3.NewResponses(ok(200, "one page of leads", LeadList{}))}
	doc.AddOperation("/api/v1/leads", http.MethodGet, keyed(badQuery(leads, "a bad limit or cursor"), "read"))

	recs := &openapi3.Operation{OperationID: "listRecommendations", Tags: []string{"read"}, Summary: "The newest 500 recommendations",
		Parameters: openapi3.Parameters{strParam("status", "only this status", "draft", "pending", "approved", "rejected", "executed")},
		Responses:  openapi3.NewResponses(ok(200, "recommendations, newest first", RecommendationList{}))}
	doc.AddOperation("/api/v1/recommendations", http.MethodGet, keyed(badQuery(recs, "an unknown status"), "read"))

	logs := &openapi3.Operation{OperationID: "listActionLogs", Tags: []string{"read"}, Summary: "List action logs, newest first",
		Parameters: openapi3.Parameters{strParam("provider", "only rows of this provider, e.g. integration_api or whatsapp_webhook"), limit, cursor},
		Responses:  openapi3.NewResponses(ok(200, "one page of action logs, newest first", ActionLogList{}))}
	doc.AddOperation("/api/v1/action-logs", http.MethodGet, keyed(badQuery(logs, "a bad limit or cursor"), "read"))

	for _, kind := range importKinds {
		row := importRowSchema(kind)
		body := openapi3.NewContent()
		body["application/json"] = openapi3.NewMediaType().WithSchema(&openapi3.Schema{OneOf: openapi3.SchemaRefs{
			{Value: row}, {Value: &openapi3.Schema{Type: &openapi3.Types{"array"}, Items: &openapi3.SchemaRef{Value: row}, MaxItems: openapi3.Ptr[uint64](MaxImportRows)}},
		}})
		body["text/csv"] = openapi3.NewMediaType().WithSchema(&openapi3.Schema{Type: &openapi3.Types{"string"},
			Description: "a header row of the same field names, then one row per record"})
		key := "external_id"
		if kind == "devices" {
			key = "serial" // an MSP device is known by its serial number; client by client_id or its name, site by site_id or its name
		}
		op := &openapi3.Operation{OperationID: "import" + strings.ToUpper(kind[:1]) + kind[1:], Tags: []string{"import"},
			Summary: "Import " + kind + " (all or nothing, idempotent on " + key + ")",
			Description: "One object, an array of at most 5000 objects, or CSV. A row with the external_id (or, for products, the sku) " +
				"of a stored record updates it. If any row is invalid nothing is stored.",
			Parameters: openapi3.Parameters{strParam("decimal", "how numbers in CSV and in JSON strings are written: comma (1.250,50) or point "+
				"(1,250.50); without it a number that reads two ways (1.250, 1,250) refuses its row, and every other number is read", "comma", "point")},
			RequestBody: &openapi3.RequestBodyRef{Value: openapi3.NewRequestBody().WithRequired(true).WithContent(body)},
			Responses: openapi3.NewResponses(
				ok(201, "stored; at least one record is new", ImportResult{}),
				ok(200, "stored; every row updated a record", ImportResult{}))}
		op.Responses.Set("400", problemResponse(problem, "the body is not JSON objects or CSV (code malformed), or decimal is neither comma nor point (code bad_query)"))
		if kind != "leads" {
			op.Responses.Set("404", problemResponse(problem, "the business has the endpoint's module off ("+importModule(kind)+"); nothing was stored (code module_off)"))
		}
		op.Responses.Set("413", problemResponse(problem, "a body over 8 MiB or over 5000 rows (code too_large, too_many_rows)"))
		op.Responses.Set("422", problemResponse(problem, "invalid rows; nothing was stored; rows lists each refused row's field errors (code invalid_rows)"))
		doc.AddOperation("/api/v1/"+kind, http.MethodPost, keyed(op, "import"))
	}

	self := &openapi3.Operation{OperationID: "openapi", Tags: []string{"meta"}, Summary: "This document", Security: openapi3.NewSecurityRequirements(),
		Responses: openapi3.NewResponses(openapi3.WithStatus(200, &openapi3.ResponseRef{Value: openapi3.NewResponse().
			WithDescription("the OpenAPI 3.1 document").WithJSONSchema(openapi3.NewObjectSchema())}))}
	doc.AddOperation(OpenAPIPath, http.MethodGet, self)
	return doc, nil
}

func problemResponse(problem *openapi3.SchemaRef, d string) *openapi3.ResponseRef {
	c := openapi3.NewContent()
	c["application/problem+json"] = openapi3.NewMediaType().WithSchemaRef(problem)
	return &openapi3.ResponseRef{Value: openapi3.NewResponse().WithDescription(d).WithContent(c)}
}

func strParam(name, d string, enum ...string) *openapi3.ParameterRef {
	s := &openapi3.Schema{Type: &openapi3.Types{"string"}}
	for _, v := range enum {
		s.Enum = append(s.Enum, v)
	}
	return &openapi3.ParameterRef{Value: openapi3.NewQueryParameter(name).WithDescription(d).WithSchema(s)}
}

func intParam(name, d string, lo, hi float64) *openapi3.ParameterRef {
	s := &openapi3.Schema{Type: &openapi3.Types{"integer"}, Min: &lo}
	if hi > 0 {
		s.Max = &hi
	}
	return &openapi3.ParameterRef{Value: openapi3.NewQueryParameter(name).WithDescription(d).WithSchema(s)}
}

// importModule names the module an import endpoint belongs to (the route table's inModule).
func importModule(kind string) string {
	if kind == "devices" {
		return platform.ModuleMSP
	}
	return platform.ModuleSales
}
