package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	limited  *prometheus.CounterVec
	tooLarge prometheus.Counter
}

func newMetrics() *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "vaern_http_requests_total", Help: "HTTP requests by route and status.",
	}, []string{"method", "route", "status"})
	m.duration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "vaern_http_request_duration_seconds", Help: "HTTP request latency by route.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
	}, []string{"route"})
	m.limited = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "vaern_http_rate_limited_total", Help: "Requests refused with 429 by this node's rate limits, by kind (api, signin).",
	}, []string{"kind"})
	m.tooLarge = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "vaern_http_body_too_large_total", Help: "Requests refused with 413 because their body was over the route's limit.",
	})
	m.reg.MustRegister(m.requests, m.duration, m.limited, m.tooLarge, collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *metrics) observe(method, route string, status int, d time.Duration) {
	if route == "" {
		route = "unmatched"
	}
	m.requests.WithLabelValues(method, route, strconv.Itoa(status)).Inc()
	m.duration.WithLabelValues(route).Observe(d.Seconds())
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

func (m *metrics) rateLimited(api bool) {
	if api {
		m.limited.WithLabelValues("api").Inc()
		return
	}
	m.limited.WithLabelValues("signin").Inc()
}
