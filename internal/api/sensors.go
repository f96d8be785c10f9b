package api

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/auth"
	"github.com/vaern/vaern/internal/httpx"
	"github.com/vaern/vaern/internal/inputguard"
	"github.com/vaern/vaern/internal/sensor"
)

// The sensors ingest: a member's sensor (its shipper) posts batches of Suricata EVE events with
// its own ingest token, not a person's API token. The route loads no session: the token names
// the sensor, and through it the member the alerts belong to.

// SensorMaxBody bounds an ingest request as sent (gzip or not); sensor.DefaultLimits bounds it
// after decompression.
const SensorMaxBody = 8 << 20

func (a *API) sensorRoutes() []httpx.Route {
	return []httpx.Route{
		{Method: http.MethodPost, Pattern: "/api/v1/sensor/alerts", Perm: vaern.PermPublic, NoSession: true, API: true,
			Handler: a.sensorAlerts, MaxBody: SensorMaxBody,
			Doc: &httpx.Doc{Summary: "A sensor's batch of Suricata EVE events (NDJSON or a JSON array, gzip allowed), with the sensor's ingest token",
				Tag: "sensors", Request: "EVEBatch", Response: "IngestAnswer"}},
	}
}

func sensorsSchemas() map[string]any {
	return map[string]any{
		"EVEBatch": map[string]any{"description": "EVE events: a JSON array of objects, or one object a line (NDJSON, Content-Type application/x-ndjson)",
			"type": []string{"array", "object"}},
		"IngestAnswer": obj(map[string]any{
			"batch_id": str(""), "accepted": integer(), "rejected": integer(), "duplicate": boolean(),
			"other":  map[string]any{"type": "object", "additionalProperties": integer()},
			"errors": map[string]any{"type": "array", "items": obj(map[string]any{"line": integer(), "message": str("")}, "line", "message")},
		}, "accepted", "rejected", "errors"),
	}
}

// patchSensorDoc states what the generic route description cannot: the answer is 200 (a batch
// creates nothing addressable), the body may be NDJSON, and the credential is the sensor token.
func patchSensorDoc(paths map[string]any) {
	item, _ := paths["/api/v1/sensor/alerts"].(map[string]any)
	op, _ := item["post"].(map[string]any)
	if op == nil {
		return
	}
	resp := op["responses"].(map[string]any)
	resp["200"] = resp["201"]
	delete(resp, "201")
	problem := func(desc string) map[string]any {
		return map[string]any{"description": desc, "content": map[string]any{"application/problem+json": map[string]any{"schema": ref("Problem")}}}
	}
	resp["401"] = problem("The sensor token is missing, unknown or revoked")
	resp["413"] = problem("The batch is larger than 8 MiB as sent, 32 MiB unpacked, or holds more than 100,000 events")
	resp["429"] = problem("The sensor sent more batches than its rate allows (default 5 a second, bursts of 60); Retry-After says when to try again")
	resp["415"] = problem("A Content-Encoding other than gzip")
	schema := ref("EVEBatch")
	op["requestBody"] = map[string]any{"required": true, "content": map[string]any{
		"application/json": map[string]any{"schema": schema}, "application/x-ndjson": map[string]any{"schema": map[string]any{"type": "string"}}}}
	op["parameters"] = []any{
		map[string]any{"name": "Idempotency-Key", "in": "header", "required": false, "schema": str(""),
			"description": "The batch id (also accepted as X-Batch-Id): a batch sent again with the same id counts once"},
		map[string]any{"name": "Content-Encoding", "in": "header", "required": false, "schema": enum("gzip", "identity")},
	}
	op["security"] = []any{map[string]any{"sensorToken": []any{}}}
	op["description"] = "Each event is checked on its own: a bad one is listed in errors with the line it starts on and the rest are accepted. " +
		"event_type alert is kept, other types are counted in other. Internal addresses are pseudonymised (docs/sensors.md)."
}

func (a *API) sensorAlerts(w http.ResponseWriter, r *http.Request) {
	in := a.cfg.Sensors
	if in == nil {
		httpx.WriteProblem(w, r, http.StatusServiceUnavailable, "sensor ingest is not configured on this server")
		return
	}
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		w.Header().Set("WWW-Authenticate", `Bearer realm="vaern-sensor"`)
		httpx.WriteProblem(w, r, http.StatusUnauthorized, "send the sensor's ingest token: Authorization: Bearer <token>")
		return
	}
	sn, err := in.Authenticate(r.Context(), strings.TrimSpace(token))
	if err != nil {
		a.sensorError(w, r, err)
		return
	}
	var gz bool
	switch enc := strings.ToLower(strings.TrimSpace(r.Header.Get("Content-Encoding"))); enc {
	case "", "identity":
	case "gzip":
		gz = true
	default:
		httpx.WriteProblem(w, r, http.StatusUnsupportedMediaType, "Content-Encoding "+strconv.Quote(enc)+" is not supported; send gzip or nothing")
		return
	}
	body, release, err := sensor.ReadBodyPooled(r.Body, gz, in.Limits.MaxBytes)
	if err != nil {
		a.sensorError(w, r, err)
		return
	}
	batch := r.Header.Get("Idempotency-Key")
	if batch == "" {
		batch = r.Header.Get("X-Batch-Id")
	}
	ans, err := in.Ingest(r.Context(), sn, strings.TrimSpace(batch), body)
	release() // nothing Ingest returns points into the body
	if err != nil {
		a.sensorError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, ans)
}

func (a *API) sensorError(w http.ResponseWriter, r *http.Request, err error) {
	var mbe *http.MaxBytesError
	var rate *sensor.RateError
	switch {
	case errors.Is(err, sensor.ErrBadToken):
		w.Header().Set("WWW-Authenticate", `Bearer realm="vaern-sensor", error="invalid_token"`)
		httpx.WriteProblem(w, r, http.StatusUnauthorized, err.Error())
	case errors.As(err, &rate):
		w.Header().Set("Retry-After", strconv.Itoa(max(1, int(rate.Wait.Round(time.Second)/time.Second))))
		httpx.WriteProblem(w, r, http.StatusTooManyRequests, err.Error())
	case errors.As(err, &mbe):
		w.Header().Set("Connection", "close")
		httpx.WriteProblem(w, r, http.StatusRequestEntityTooLarge, "the batch is larger than "+strconv.Itoa(SensorMaxBody>>20)+" MiB as sent: send smaller batches")
	case errors.Is(err, inputguard.ErrRefused) || errors.Is(err, sensor.ErrTooManyEvents):
		httpx.WriteProblem(w, r, http.StatusRequestEntityTooLarge, "the batch is refused: "+err.Error()+"; send smaller batches")
	case errors.Is(err, sensor.ErrQueue):
		w.Header().Set("Retry-After", "5")
		httpx.WriteProblem(w, r, http.StatusServiceUnavailable, "the batch could not be queued; send it again (same batch id)")
	case strings.Contains(err.Error(), "gzip"):
		httpx.WriteProblem(w, r, http.StatusBadRequest, err.Error())
	default:
		httpx.WriteError(w, r, err)
	}
}

// NewSensorIngester is the ingest with the store as its sink (no queue) and the default limits.
func NewSensorIngester(st sensor.Store, sink sensor.Sink, rate sensor.RateLimit) *sensor.Ingester {
	return &sensor.Ingester{St: st, Sink: sink, Limits: sensor.DefaultLimits, Rate: sensor.NewLimiter(rate), Hash: auth.HashToken}
}
