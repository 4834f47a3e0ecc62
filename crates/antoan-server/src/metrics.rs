//! Prometheus metrics, kept in memory and rendered in the text exposition format.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::time::Duration;

/// Upper bounds (seconds) of the latency histogram buckets.
const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

#[derive(Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

impl Histogram {
    fn observe(&mut self, secs: f64) {
        for (i, b) in BUCKETS.iter().enumerate() {
            if secs <= *b {
                self.counts[i] += 1;
            }
        }
        self.count += 1;
        self.sum += secs;
    }

    fn render(&self, out: &mut String, name: &str, labels: &str) {
        let sep = if labels.is_empty() { "" } else { "," };
        for (i, b) in BUCKETS.iter().enumerate() {
            let _ = writeln!(
                out,
                "{name}_bucket{{{labels}{sep}le=\"{b}\"}} {}",
                self.counts[i]
            );
        }
        let _ = writeln!(
            out,
            "{name}_bucket{{{labels}{sep}le=\"+Inf\"}} {}",
            self.count
        );
        let braces = if labels.is_empty() {
            String::new()
        } else {
            format!("{{{labels}}}")
        };
        let _ = writeln!(out, "{name}_sum{braces} {}", self.sum);
        let _ = writeln!(out, "{name}_count{braces} {}", self.count);
    }
}

#[derive(Default)]
struct Inner {
    reports: BTreeMap<String, u64>,
    ingest_latency: Histogram,
    http: BTreeMap<(String, String, u16), u64>,
    http_latency: BTreeMap<String, Histogram>,
    logins: BTreeMap<String, u64>,
    enrollments: BTreeMap<String, u64>,
}

/// The server's counters. Cheap to share (`Arc<Metrics>` in `AppState`).
pub struct Metrics {
    backend: &'static str,
    inner: Mutex<Inner>,
}

fn escape(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

impl Metrics {
    pub fn new(backend: &'static str) -> Metrics {
        Metrics {
            backend,
            inner: Mutex::new(Inner::default()),
        }
    }

    fn with<R>(&self, f: impl FnOnce(&mut Inner) -> R) -> R {
        let mut g = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut g)
    }

    /// A submission's outcome: "accepted", "duplicate", or the rejection reason.
    pub fn report(&self, outcome: &str) {
        self.with(|i| *i.reports.entry(outcome.to_string()).or_default() += 1);
    }

    /// Time from the body being read to the answer of an accepted submission.
    pub fn ingest_latency(&self, d: Duration) {
        self.with(|i| i.ingest_latency.observe(d.as_secs_f64()));
    }

    pub fn http(&self, method: &str, route: &str, status: u16, d: Duration) {
        self.with(|i| {
            *i.http
                .entry((method.to_string(), route.to_string(), status))
                .or_default() += 1;
            i.http_latency
                .entry(route.to_string())
                .or_default()
                .observe(d.as_secs_f64());
        });
    }

    pub fn login(&self, outcome: &str) {
        self.with(|i| *i.logins.entry(outcome.to_string()).or_default() += 1);
    }

    pub fn enrollment(&self, outcome: &str) {
        self.with(|i| *i.enrollments.entry(outcome.to_string()).or_default() += 1);
    }

    /// The count of submissions with this outcome so far (for tests and the dashboard).
    pub fn reports_count(&self, outcome: &str) -> u64 {
        self.with(|i| i.reports.get(outcome).copied().unwrap_or(0))
    }

    /// Prometheus text exposition format 0.0.4.
    pub fn render(&self) -> String {
        let mut out = String::new();
        out.push_str("# HELP antoan_db_backend The storage backend in use.\n# TYPE antoan_db_backend gauge\n");
        let _ = writeln!(out, "antoan_db_backend{{backend=\"{}\"}} 1", self.backend);
        self.with(|i| {
            out.push_str("# HELP antoan_reports_total Report submissions by outcome (accepted, duplicate, or the rejection reason).\n");
            out.push_str("# TYPE antoan_reports_total counter\n");
            for (k, v) in &i.reports {
                let _ = writeln!(out, "antoan_reports_total{{outcome=\"{}\"}} {v}", escape(k));
            }
            out.push_str("# HELP antoan_ingest_seconds Time to verify and durably store an accepted report.\n");
            out.push_str("# TYPE antoan_ingest_seconds histogram\n");
            i.ingest_latency.render(&mut out, "antoan_ingest_seconds", "");
            out.push_str("# HELP antoan_http_requests_total HTTP requests by method, route and status.\n");
            out.push_str("# TYPE antoan_http_requests_total counter\n");
            for ((m, r, s), v) in &i.http {
                let _ = writeln!(
                    out,
                    "antoan_http_requests_total{{method=\"{}\",route=\"{}\",status=\"{s}\"}} {v}",
                    escape(m),
                    escape(r)
                );
            }
            out.push_str("# HELP antoan_http_request_seconds HTTP request latency by route.\n");
            out.push_str("# TYPE antoan_http_request_seconds histogram\n");
            for (r, h) in &i.http_latency {
                h.render(&mut out, "antoan_http_request_seconds", &format!("route=\"{}\"", escape(r)));
            }
            out.push_str("# HELP antoan_logins_total Login attempts by outcome.\n# TYPE antoan_logins_total counter\n");
            for (k, v) in &i.logins {
                let _ = writeln!(out, "antoan_logins_total{{outcome=\"{}\"}} {v}", escape(k));
            }
            out.push_str("# HELP antoan_enrollments_total Agent enrollments by outcome.\n# TYPE antoan_enrollments_total counter\n");
            for (k, v) in &i.enrollments {
                let _ = writeln!(out, "antoan_enrollments_total{{outcome=\"{}\"}} {v}", escape(k));
            }
        });
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_and_histograms() {
        let m = Metrics::new("sqlite");
        m.report("accepted");
        m.report("accepted");
        m.report("bad-signature");
        m.ingest_latency(Duration::from_millis(3));
        m.http("GET", "/api/v1/hosts", 200, Duration::from_millis(1));
        let t = m.render();
        assert!(t.contains("antoan_db_backend{backend=\"sqlite\"} 1"));
        assert!(t.contains("antoan_reports_total{outcome=\"accepted\"} 2"));
        assert!(t.contains("antoan_reports_total{outcome=\"bad-signature\"} 1"));
        assert!(t.contains("antoan_ingest_seconds_bucket{le=\"0.005\"} 1"));
        assert!(t.contains("antoan_ingest_seconds_bucket{le=\"0.001\"} 0"));
        assert!(t.contains("antoan_ingest_seconds_count 1"));
        assert!(t.contains(
            "antoan_http_requests_total{method=\"GET\",route=\"/api/v1/hosts\",status=\"200\"} 1"
        ));
        assert!(
            t.contains("antoan_http_request_seconds_bucket{route=\"/api/v1/hosts\",le=\"+Inf\"} 1")
        );
        assert_eq!(m.reports_count("accepted"), 2);
    }
}
