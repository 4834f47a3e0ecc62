//! The 30-day trend as an inline SVG line chart: no script, no image
//! request, prints as vector. Numbers only come from the store; the labels
//! are escaped by maud anyway.

use antoan_model::Lang;
use antoan_store::TrendPoint;
use maud::{html, Markup};

use super::i18n as t;
use super::layout::fmt_date;

const W: f64 = 760.0;
const H: f64 = 220.0;
const LEFT: f64 = 44.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 26.0;

/// A "nice" upper bound for the y axis: 1, 2, 5 × 10^k at or above `max`.
pub fn nice_max(max: u32) -> u32 {
    if max <= 5 {
        return 5;
    }
    let mut base: u64 = 1;
    loop {
        for m in [1u64, 2, 5] {
            let v = base * m;
            if v >= u64::from(max) {
                return u32::try_from(v).unwrap_or(u32::MAX);
            }
        }
        base = base.saturating_mul(10);
        if base > u64::from(u32::MAX) {
            return u32::MAX;
        }
    }
}

fn points(trend: &[TrendPoint], ymax: u32, f: impl Fn(&TrendPoint) -> u32) -> String {
    let n = trend.len();
    let plot_w = W - LEFT - RIGHT;
    let plot_h = H - TOP - BOTTOM;
    let mut s = String::new();
    for (i, p) in trend.iter().enumerate() {
        let x = if n <= 1 {
            LEFT + plot_w / 2.0
        } else {
            LEFT + plot_w * i as f64 / (n - 1) as f64
        };
        let y = TOP + plot_h - plot_h * f64::from(f(p)) / f64::from(ymax.max(1));
        if !s.is_empty() {
            s.push(' ');
        }
        s.push_str(&format!("{x:.1},{y:.1}"));
    }
    s
}

/// Open findings (total, high, critical) per day, and reports received as
/// light bars. `trend` is sorted by day (the store gives it so).
pub fn trend_chart(trend: &[TrendPoint], lang: Lang) -> Markup {
    if trend.is_empty() {
        return html! { p.muted { (t::TREND_EMPTY.get(lang)) } };
    }
    let max = trend
        .iter()
        .map(|p| p.open_total.max(p.reports))
        .max()
        .unwrap_or(0);
    let ymax = nice_max(max);
    let plot_w = W - LEFT - RIGHT;
    let plot_h = H - TOP - BOTTOM;
    let n = trend.len();
    let bar_w = (plot_w / n as f64 * 0.6).max(1.0);
    let first = trend.first().map(|p| fmt_date(p.day)).unwrap_or_default();
    let last = trend.last().map(|p| fmt_date(p.day)).unwrap_or_default();
    let desc = format!(
        "{}: {} → {}; {} {}",
        t::TREND.get(lang),
        first,
        last,
        t::OPEN_TOTAL.get(lang),
        trend.last().map(|p| p.open_total).unwrap_or(0)
    );
    let grid: Vec<u32> = (0..=4).map(|k| ymax / 4 * k).collect();
    html! {
        svg.chart viewBox={ "0 0 " (W) " " (H) } role="img" aria-label=(desc) xmlns="http://www.w3.org/2000/svg" {
            title { (desc) }
            @for g in &grid {
                @let y = TOP + plot_h - plot_h * f64::from(*g) / f64::from(ymax);
                line x1=(LEFT) x2=(W - RIGHT) y1=(format!("{y:.1}")) y2=(format!("{y:.1}")) stroke="#e4e7eb" stroke-width="1" {}
                text x=(LEFT - 6.0) y=(format!("{:.1}", y + 4.0)) text-anchor="end" { (g) }
            }
            @for (i, p) in trend.iter().enumerate() {
                @if p.reports > 0 {
                    @let x = if n <= 1 { LEFT + plot_w / 2.0 } else { LEFT + plot_w * i as f64 / (n - 1) as f64 };
                    @let h = plot_h * f64::from(p.reports) / f64::from(ymax);
                    rect x=(format!("{:.1}", x - bar_w / 2.0)) y=(format!("{:.1}", TOP + plot_h - h)) width=(format!("{bar_w:.1}")) height=(format!("{h:.1}")) fill="#bcccdc" {
                        title { (fmt_date(p.day)) ": " (p.reports) " " (t::TREND_REPORTS.get(lang)) }
                    }
                }
            }
            polyline fill="none" stroke="#1d4e89" stroke-width="2" points=(points(trend, ymax, |p| p.open_total)) {}
            polyline fill="none" stroke="#d64545" stroke-width="2" points=(points(trend, ymax, |p| p.open_high)) {}
            polyline fill="none" stroke="#9b1c1c" stroke-width="2.5" stroke-dasharray="5 3" points=(points(trend, ymax, |p| p.open_critical)) {}
            text x=(LEFT) y=(H - 8.0) { (first) }
            text x=(W - RIGHT) y=(H - 8.0) text-anchor="end" { (last) }
        }
        div.legend {
            i style="background:#1d4e89" {} (t::OPEN_TOTAL.get(lang))
            i style="background:#d64545" {} (t::HIGH_OPEN.get(lang))
            i style="background:#9b1c1c" {} (t::CRITICAL_OPEN.get(lang))
            i style="background:#bcccdc;height:8px" {} (t::TREND_REPORTS.get(lang))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn nice_bounds() {
        assert_eq!(nice_max(0), 5);
        assert_eq!(nice_max(6), 10);
        assert_eq!(nice_max(11), 20);
        assert_eq!(nice_max(201), 500);
        assert_eq!(nice_max(u32::MAX), u32::MAX);
    }

    #[test]
    fn chart_has_three_lines_and_dates() {
        let trend: Vec<TrendPoint> = (0..30)
            .map(|i| TrendPoint {
                day: date!(2026 - 10 - 26) + time::Duration::days(i),
                open_critical: 1,
                open_high: 3,
                open_total: 10 + i as u32,
                reports: 2,
            })
            .collect();
        let s = trend_chart(&trend, Lang::Vi).into_string();
        assert_eq!(s.matches("<polyline").count(), 3);
        assert!(s.contains("2026-10-26") && s.contains("2026-11-24"));
        assert!(s.contains("Xu hướng 30 ngày"));
        assert!(!s.contains("NaN") && !s.contains("inf"));
        let one = trend_chart(&trend[..1], Lang::En).into_string();
        assert!(!one.contains("NaN"));
        assert!(trend_chart(&[], Lang::En)
            .into_string()
            .contains("No trend data"));
    }
}
