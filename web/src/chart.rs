//! Charts over virtual time, drawn as plain SVG: one chart per id of the [`SeriesStore`],
//! one line per series, a legend with the latest values and a cursor at the current time.
use crate::format;
use crate::series::{self, Series, Unit};
use yew::prelude::*;

const W: f64 = 320.0;
const H: f64 = 120.0;
const PAD_L: f64 = 4.0;
const PAD_R: f64 = 4.0;
const PAD_T: f64 = 6.0;
const PAD_B: f64 = 6.0;
/// Line colours (each keeps AA contrast on both themes' panel colours as 3:1 graphics).
const COLOURS: [&str; 8] = [
    "var(--c1)",
    "var(--c2)",
    "var(--c3)",
    "var(--c4)",
    "var(--c5)",
    "var(--c6)",
    "var(--c7)",
    "var(--c8)",
];

/// A value in the chart's unit, short.
pub fn value(unit: Unit, v: f64) -> String {
    match unit {
        Unit::Count => format!("{}", v.round() as i64),
        Unit::MilliCpu => format::cpu(v.round() as i64),
        Unit::Bytes => format::memory(v.round() as i64),
        Unit::DollarsPerHour => format!("${v:.3}/h"),
        Unit::PerSecond => format!("{}/s", (v * 10.0).round() / 10.0),
    }
}

/// One chart: `id` picks the title and unit (unknown ids are titled by their id).
pub fn chart(id: &str, lines: &[(String, Series)], now_t: i64) -> Html {
    let spec = series::spec(id);
    let title = spec.map_or(id.to_string(), |s| s.title.to_string());
    let unit = spec.map_or(Unit::Count, |s| s.unit);
    let points = lines.iter().flat_map(|(_, s)| s.points.iter());
    let (mut t0, mut t1, mut max) = (i64::MAX, i64::MIN, 0.0f64);
    for (t, v) in points {
        t0 = t0.min(*t);
        t1 = t1.max(*t);
        max = max.max(*v);
    }
    if t0 > t1 {
        (t0, t1) = (0, 1);
    }
    t1 = t1.max(now_t).max(t0 + 1);
    let max = if max <= 0.0 { 1.0 } else { max * 1.1 };
    let x = |t: i64| PAD_L + (t - t0) as f64 / (t1 - t0) as f64 * (W - PAD_L - PAD_R);
    let y = |v: f64| H - PAD_B - v / max * (H - PAD_T - PAD_B);
    let path = |s: &Series| {
        let mut d = String::new();
        for (i, (t, v)) in s.points.iter().enumerate() {
            let cmd = if i == 0 { 'M' } else { 'L' };
            d.push_str(&format!("{cmd}{:.1} {:.1}", x(*t), y(*v)));
        }
        // A single point: a short flat stroke so it shows.
        if s.points.len() == 1 {
            d.push_str("h2");
        }
        d
    };
    let cursor = x(now_t.clamp(t0, t1));
    html! {
        <figure class="chart" data-chart={id.to_string()}>
            <figcaption>
                <span class="chart-title">{ title.clone() }</span>
                <span class="chart-span">{ format!("{} – {}", format::elapsed(t0), format::elapsed(t1)) }</span>
            </figcaption>
            <svg viewBox={format!("0 0 {W} {H}")} preserveAspectRatio="none" role="img"
                aria-label={format!("{title} over virtual time")}>
                <line class="axis" x1={PAD_L.to_string()} y1={y(0.0).to_string()} x2={(W - PAD_R).to_string()} y2={y(0.0).to_string()} />
                { for lines.iter().enumerate().map(|(i, (label, s))| html! {
                    <path class="series" data-series={label.clone()} d={path(s)} stroke={COLOURS[i % COLOURS.len()]}
                        fill="none" vector-effect="non-scaling-stroke" />
                }) }
                <line class="cursor" x1={cursor.to_string()} x2={cursor.to_string()} y1="0" y2={H.to_string()} vector-effect="non-scaling-stroke" />
            </svg>
            <ul class="legend-list">
                { for lines.iter().enumerate().map(|(i, (label, s))| {
                    let last = s.points.iter().rev().find(|(t, _)| *t <= now_t).or(s.points.first()).map(|p| p.1);
                    html! {
                        <li data-series={label.clone()} data-value={last.map(|v| v.to_string())}>
                            <span class="swatch" style={format!("background: {}", COLOURS[i % COLOURS.len()])} aria-hidden="true"></span>
                            { label.clone() }
                            <strong>{ last.map_or("–".to_string(), |v| value(unit, v)) }</strong>
                        </li>
                    }
                }) }
            </ul>
        </figure>
    }
}
