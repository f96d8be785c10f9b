package api

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/httpx"
	"github.com/vaern/vaern/internal/register"
)

// The register's API: the member's own systems, for its scripts and for the warnings module. It
// reads fields with the register form's reader and saves through the same store calls, so a value
// the form refuses is refused here too, naming the same field.
func (a *API) systemRoutes() []httpx.Route {
	view, edit, manage := vaern.PermViewRegister, vaern.PermEditRegister, vaern.PermManageRegister
	p := func(name, desc, typ string) httpx.Param { return httpx.Param{Name: name, Description: desc, Type: typ} }
	filters := []httpx.Param{
		p("q", "search in name, description, vendor, product, supplier and tags", "string"),
		p("unit", "only systems of this unit", "integer"),
		p("hosting", "own, shared, supplier or saas", "string"),
		p("tag", "only systems with this tag", "string"),
		p("pd", "only systems holding this personal-data category: ordinary, sensitive or national_id", "string"),
		p("crit", "only systems whose highest criticality is at least this (1-4)", "integer"),
		p("exposed", "1: only systems exposed to the internet", "string"),
		p("noowner", "1: only systems without a system owner or a data owner", "string"),
		p("dpa", "1: only systems whose data-processing agreement is not in order", "string"),
		p("overdue", "1: only systems with a risk assessment past its review date", "string"),
		p("mine", "1: only systems the caller owns as system owner or data owner", "string"),
		p("sort", "name, vendor, product, unit, owner, criticality or updated; a leading - sorts descending", "string"),
		p("limit", "at most this many systems (1-1000, default 1000); the X-Total-Count header has the number that pass the filter", "integer"),
		p("offset", "skip this many systems first", "integer"),
	}
	return []httpx.Route{
		{Method: http.MethodGet, Pattern: "/api/v1/systems", Perm: view, Handler: a.systemList, API: true,
			Doc: &httpx.Doc{Summary: "The caller's organisation's systems, with the register page's filters", Tag: "systems", Response: "System", Array: true, Params: filters}},
		{Method: http.MethodPost, Pattern: "/api/v1/systems", Perm: manage, Handler: a.systemCreate, API: true,
			Doc: &httpx.Doc{Summary: "Add a system to the register", Tag: "systems", Request: "NewSystem", Response: "System"}},
		{Method: http.MethodGet, Pattern: "/api/v1/systems/{id}", Perm: view, Handler: a.systemGet, API: true, IDKind: "system",
			Doc: &httpx.Doc{Summary: "One of the caller's organisation's systems", Tag: "systems", Response: "System"}},
		{Method: http.MethodPatch, Pattern: "/api/v1/systems/{id}", Perm: edit, Handler: a.systemUpdate, API: true, IDKind: "system",
			Doc: &httpx.Doc{Summary: "Change the fields the body names, and only those (a respondent: only systems they own)", Tag: "systems", Request: "SystemChange", Response: "System"}},
		{Method: http.MethodDelete, Pattern: "/api/v1/systems/{id}", Perm: manage, Handler: a.systemDelete, API: true, IDKind: "system",
			Doc: &httpx.Doc{Summary: "Remove a system with its components and risk assessments", Tag: "systems"}},
		{Method: http.MethodGet, Pattern: "/api/v1/contacts", Perm: view, Handler: a.contactList, API: true,
			Doc: &httpx.Doc{Summary: "The people the organisation names as system or data owners without an account (contacts)", Tag: "systems", Response: "Contact", Array: true}},
		{Method: http.MethodGet, Pattern: "/api/v1/systems/{id}/components", Perm: view, Handler: a.systemComponents, API: true, IDKind: "system",
			Doc: &httpx.Doc{Summary: "A system's components from its SBOM", Tag: "systems", Response: "Component", Array: true}},
	}
}

// systemsSchemas are the schemas of the register's endpoints.
func systemsSchemas() map[string]any {
	schemas := map[string]any{}
	text := str("")
	ids := integer()
	level := map[string]any{"type": "integer", "minimum": 0, "maximum": vaern.CritVeryHigh}
	hours := map[string]any{"type": "number", "minimum": 0}
	var hostings, dpas, pds []string
	for _, h := range vaern.Hostings {
		hostings = append(hostings, string(h))
	}
	for _, d := range vaern.DPAStatuses {
		dpas = append(dpas, string(d))
	}
	for _, c := range vaern.PDCategories {
		pds = append(pds, c.Key)
	}
	date := map[string]any{"type": "string", "description": "YYYY-MM-DD, or empty"}
	fields := map[string]any{
		"name": text, "description": text, "vendor": text, "product": text, "version": text,
		"cpe":     map[string]any{"type": "string", "description": "CPE 2.3 formatted string, or empty"},
		"purl":    map[string]any{"type": "string", "description": "package URL, or empty"},
		"hosting": enum(append([]string{""}, hostings...)...), "supplier": text, "dpa_status": enum(append([]string{""}, dpas...)...),
		"dpa_date": date, "dpa_review": date, "notes": text,
		"system_owner_id": ids, "data_owner_id": ids, "unit_id": ids,
		"system_owner_contact_id": map[string]any{"type": "integer", "description": "the system owner when it is a contact (a person without an account), 0 for none; either this or system_owner_id"},
		"data_owner_contact_id":   map[string]any{"type": "integer", "description": "the data owner when it is a contact, 0 for none; either this or data_owner_id"},
		"confidentiality":         level, "integrity": level, "availability": level, "rto_hours": hours, "rpo_hours": hours,
		"internet_exposed": boolean(),
		"personal_data":    map[string]any{"type": "array", "items": enum(pds...)},
		"tags":             map[string]any{"type": "array", "items": text},
	}
	shown := map[string]any{"id": integer(), "system_owner": text, "data_owner": text, "unit": text,
		"components": integer(), "created_at": str("date-time"), "updated_at": str("date-time")}
	for k, v := range fields {
		shown[k] = v
	}
	schemas["System"] = obj(shown, "id", "name", "vendor", "product", "version", "cpe", "purl")
	closed := func(o map[string]any) map[string]any { o["additionalProperties"] = false; return o }
	body := map[string]any{}
	for k, v := range fields {
		body[k] = v
	}
	newContact := closed(obj(map[string]any{"name": text, "email": map[string]any{"type": "string", "description": "e-mail address, or empty"}}, "name"))
	newContact["description"] = "a contact (a person without an account) to find by e-mail, else by name, or to create; it becomes the owner"
	body["system_owner_new_contact"] = newContact
	body["data_owner_new_contact"] = newContact
	schemas["NewSystem"] = closed(obj(body, "name"))
	schemas["SystemChange"] = closed(obj(body))
	schemas["Contact"] = obj(map[string]any{"id": integer(), "name": text, "email": text, "unit_id": integer(), "unit": text,
		"user_id": map[string]any{"type": "integer", "description": "the user the contact became once invited, 0 while it has no account"}}, "id", "name")
	schemas["Component"] = obj(map[string]any{"id": integer(), "name": text, "version": text, "purl": text, "cpe": text,
		"licence": text, "kind": text}, "id", "name")
	return schemas
}

// systemJSON is a system as the API shows it: the JSON export's form with the ids that a body
// sets owners and the unit by.
type systemJSON struct {
	register.SystemJSON
	SystemOwnerID        int64  `json:"system_owner_id"`
	DataOwnerID          int64  `json:"data_owner_id"`
	SystemOwnerContactID int64  `json:"system_owner_contact_id"`
	DataOwnerContactID   int64  `json:"data_owner_contact_id"`
	UnitID               int64  `json:"unit_id"`
	CreatedAt            string `json:"created_at"`
}

func toSystem(s vaern.ITSystem) systemJSON {
	return systemJSON{SystemJSON: register.ToJSON(s), SystemOwnerID: s.SystemOwnerID, DataOwnerID: s.DataOwnerID,
		SystemOwnerContactID: s.SystemOwnerContactID, DataOwnerContactID: s.DataOwnerContactID,
		UnitID: s.UnitID, CreatedAt: s.CreatedAt.UTC().Format(time.RFC3339)}
}

type componentJSON struct {
	ID      int64  `json:"id"`
	Name    string `json:"name"`
	Version string `json:"version"`
	PURL    string `json:"purl"`
	CPE     string `json:"cpe"`
	Licence string `json:"licence"`
	Kind    string `json:"kind"`
}

// bodyField is a field a body may set: the form field it stands for and its JSON type.
type bodyField struct{ form, kind string }

var systemBody = map[string]bodyField{
	"name": {"name", "string"}, "description": {"description", "string"}, "vendor": {"vendor", "string"},
	"product": {"product", "string"}, "version": {"version", "string"}, "cpe": {"cpe", "string"}, "purl": {"purl", "string"},
	"hosting": {"hosting", "string"}, "supplier": {"supplier", "string"}, "dpa_status": {"dpa_status", "string"},
	"dpa_date": {"dpa_date", "string"}, "dpa_review": {"dpa_review", "string"}, "notes": {"notes", "string"},
	"system_owner_id": {"system_owner", "integer"}, "data_owner_id": {"data_owner", "integer"}, "unit_id": {"unit", "integer"},
	"confidentiality": {"confidentiality", "integer"}, "integrity": {"integrity", "integer"}, "availability": {"availability", "integer"},
	"rto_hours": {"rto_hours", "number"}, "rpo_hours": {"rpo_hours", "number"}, "internet_exposed": {"internet_exposed", "boolean"},
	"personal_data": {"personal_data", "strings"}, "tags": {"tags", "strings"},
	"system_owner_contact_id": {"system_owner", "contact"}, "data_owner_contact_id": {"data_owner", "contact"},
	"system_owner_new_contact": {"system_owner", "new_contact"}, "data_owner_new_contact": {"data_owner", "new_contact"},
}

// readOnly are the fields the API shows but a body cannot set.
var readOnly = map[string]string{"id": "", "components": "", "updated_at": "", "created_at": "",
	"system_owner": "system_owner_id", "data_owner": "data_owner_id", "unit": "unit_id"}

// systemForm turns a JSON body into the register form's values, naming the first field that is
// unknown or of the wrong type. Only the fields the body has are in the result.
func systemForm(r *http.Request) (url.Values, error) {
	var raw map[string]json.RawMessage
	if err := json.NewDecoder(r.Body).Decode(&raw); err != nil {
		return nil, errBadJSON
	}
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	sort.Strings(keys) // the same body always names the same field first
	out := url.Values{}
	// An owner is set by one of three fields (a user's id, a contact's id, a new contact), never two.
	owner := map[string]string{}
	for _, k := range keys {
		v := raw[k]
		f, ok := systemBody[k]
		if ok && (f.form == "system_owner" || f.form == "data_owner") && string(v) != "null" && !zeroID(v) {
			if other, dup := owner[f.form]; dup {
				return nil, vaern.Invalid(k, "cannot be given together with %s: an owner is a user or a contact", other)
			}
			owner[f.form] = k
		}
	}
	for _, k := range keys {
		v := raw[k]
		f, ok := systemBody[k]
		if ok && (f.kind == "integer" || f.kind == "contact") && zeroID(v) && owner[f.form] != "" {
			continue // "no user" next to a contact (or the other way round) leaves the owner to the other field
		}
		if !ok {
			if alt, ro := readOnly[k]; ro {
				if alt != "" {
					return nil, vaern.Invalid(k, "cannot be set; set %s instead", alt)
				}
				return nil, vaern.Invalid(k, "cannot be set")
			}
			return nil, vaern.Invalid(k, "is not a field of a system")
		}
		if string(v) == "null" {
			out[f.form] = []string{}
			continue
		}
		switch f.kind {
		case "string":
			var s string
			if json.Unmarshal(v, &s) != nil {
				return nil, vaern.Invalid(k, "must be a string")
			}
			out.Set(f.form, s)
		case "integer":
			var n int64
			if json.Unmarshal(v, &n) != nil {
				return nil, vaern.Invalid(k, "must be a whole number")
			}
			out.Set(f.form, strconv.FormatInt(n, 10))
		case "number":
			var n float64
			if json.Unmarshal(v, &n) != nil {
				return nil, vaern.Invalid(k, "must be a number")
			}
			out.Set(f.form, strconv.FormatFloat(n, 'f', -1, 64))
		case "boolean":
			var b bool
			if json.Unmarshal(v, &b) != nil {
				return nil, vaern.Invalid(k, "must be true or false")
			}
			out.Set(f.form, map[bool]string{true: "1", false: ""}[b])
		case "strings":
			var l []string
			if json.Unmarshal(v, &l) != nil {
				return nil, vaern.Invalid(k, "must be a list of strings")
			}
			out[f.form] = l
		case "contact":
			var n int64
			if json.Unmarshal(v, &n) != nil || n < 0 {
				return nil, vaern.Invalid(k, "must be a contact's id or 0")
			}
			if n == 0 {
				out.Set(f.form, "0")
			} else {
				out.Set(f.form, "c"+strconv.FormatInt(n, 10))
			}
		case "new_contact":
			var c struct {
				Name  string `json:"name"`
				Email string `json:"email"`
			}
			dec := json.NewDecoder(bytes.NewReader(v))
			dec.DisallowUnknownFields()
			if dec.Decode(&c) != nil {
				return nil, vaern.Invalid(k, "must be an object with a name and an optional email")
			}
			if strings.TrimSpace(c.Name) == "" {
				return nil, vaern.Invalid(k, "needs a name")
			}
			out.Set(f.form, "new")
			out.Set(f.form+"_new_name", c.Name)
			out.Set(f.form+"_new_email", c.Email)
		}
	}
	return out, nil
}

// zeroID reports whether a body value is the number 0 ("no owner").
func zeroID(v json.RawMessage) bool {
	var n int64
	return json.Unmarshal(v, &n) == nil && n == 0
}

// errBadJSON is a body that is not a JSON object at all.
var errBadJSON = &badRequest{"the body is not a JSON object"}

type badRequest struct{ msg string }

func (e *badRequest) Error() string { return e.msg }

func writeBodyError(w http.ResponseWriter, r *http.Request, err error) {
	if b, ok := err.(*badRequest); ok {
		httpx.WriteProblem(w, r, http.StatusBadRequest, b.msg)
		return
	}
	httpx.WriteError(w, r, err)
}

func (a *API) systemList(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	q := r.URL.Query()
	f, err := register.ParseFilter(q)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	if q.Get("mine") == "1" {
		f.OwnerID = p.User.ID
	}
	if f.Limit, err = queryInt(q, "limit", 1000, 1, 1000); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	if f.Offset, err = queryInt(q, "offset", 0, 0, 1<<31-1); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	list, total, err := a.st.Systems(r.Context(), p.Org.ID, f)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	out := make([]systemJSON, 0, len(list))
	for _, s := range list {
		out = append(out, toSystem(s))
	}
	w.Header().Set("X-Total-Count", strconv.Itoa(total))
	httpx.WriteJSON(w, http.StatusOK, out)
}

// queryInt reads an integer query parameter within [lo, hi], def when absent.
func queryInt(q url.Values, k string, def, lo, hi int) (int, error) {
	v := q.Get(k)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, vaern.Invalid(k, "must be a whole number from %d to %d", lo, hi)
	}
	return n, nil
}

func (a *API) systemCreate(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	form, err := systemForm(r)
	if err != nil {
		writeBodyError(w, r, err)
		return
	}
	// The register form's reader and checks, so that the API and the page agree on every field.
	rec, err := register.FormRecord(form)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	var sys vaern.ITSystem
	register.Apply(&sys, rec)
	sys, err = a.st.CreateSystem(r.Context(), p.Actor(a.cfg.ClientIP(r)), p.Org.ID, sys)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	a.writeSystem(w, r, p.Org.ID, sys.ID, http.StatusCreated)
}

// writeSystem answers with the system as stored, owners' names and all.
func (a *API) writeSystem(w http.ResponseWriter, r *http.Request, orgID, id int64, status int) {
	sys, err := a.st.System(r.Context(), orgID, id)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	httpx.WriteJSON(w, status, toSystem(sys))
}

func (a *API) systemGet(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	id, ok := httpx.PathID(r, "id")
	if !ok {
		httpx.WriteError(w, r, vaern.ErrNotFound)
		return
	}
	a.writeSystem(w, r, p.Org.ID, id, http.StatusOK)
}

func (a *API) systemUpdate(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	id, ok := httpx.PathID(r, "id")
	if !ok {
		httpx.WriteError(w, r, vaern.ErrNotFound)
		return
	}
	// Another member's id is not found, before anything about the body is said.
	if _, err := a.st.System(r.Context(), p.Org.ID, id); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	form, err := systemForm(r)
	if err != nil {
		writeBodyError(w, r, err)
		return
	}
	rec, err := register.FormRecord(form)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	// The store applies only the fields the body names, to the row as it is inside its
	// transaction, and checks there that a respondent owns the system.
	if _, err := a.st.PatchSystem(r.Context(), p.Actor(a.cfg.ClientIP(r)), p.Org.ID, id, rec); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	a.writeSystem(w, r, p.Org.ID, id, http.StatusOK)
}

func (a *API) systemDelete(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	id, ok := httpx.PathID(r, "id")
	if !ok {
		httpx.WriteError(w, r, vaern.ErrNotFound)
		return
	}
	if err := a.st.DeleteSystem(r.Context(), p.Actor(a.cfg.ClientIP(r)), p.Org.ID, id); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (a *API) systemComponents(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	id, ok := httpx.PathID(r, "id")
	if !ok {
		httpx.WriteError(w, r, vaern.ErrNotFound)
		return
	}
	if _, err := a.st.System(r.Context(), p.Org.ID, id); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	list, err := a.st.Components(r.Context(), p.Org.ID, id)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	out := make([]componentJSON, 0, len(list))
	for _, c := range list {
		out = append(out, componentJSON{ID: c.ID, Name: c.Name, Version: c.Version, PURL: c.PURL, CPE: c.CPE, Licence: c.Licence, Kind: c.Kind})
	}
	httpx.WriteJSON(w, http.StatusOK, out)
}

type contactJSON struct {
	ID     int64  `json:"id"`
	Name   string `json:"name"`
	Email  string `json:"email"`
	UnitID int64  `json:"unit_id"`
	Unit   string `json:"unit"`
	UserID int64  `json:"user_id"`
}

func (a *API) contactList(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	list, err := a.st.Contacts(r.Context(), p.Org.ID)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	out := make([]contactJSON, 0, len(list))
	for _, c := range list {
		out = append(out, contactJSON{ID: c.ID, Name: c.Name, Email: c.Email, UnitID: c.UnitID, Unit: c.UnitName, UserID: c.UserID})
	}
	httpx.WriteJSON(w, http.StatusOK, out)
}
