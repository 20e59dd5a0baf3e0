use signpost_core::checkin::{ScoreKind, ScorePoint};
use signpost_core::Instrument;
use yew::prelude::*;

use crate::i18n::Messages;

/// The scale's lowest and highest comparable scores: WEMWBS 14–70, SWEMWBS metric 7–35.
pub fn scale_range(instrument: Instrument) -> (f64, f64) {
    match instrument {
        Instrument::Wemwbs => (14.0, 70.0),
        Instrument::Swemwbs => (7.0, 35.0),
    }
}

/// A score as people read it: whole numbers without decimals, SWEMWBS metric scores with two.
/// Done in whole hundredths: formatting floats would pull the float printer into the widget.
pub fn format_score(score: f64) -> String {
    let hundredths = (score.abs() * 100.0).round() as u64;
    let sign = if score < 0.0 && hundredths > 0 {
        "-"
    } else {
        ""
    };
    match hundredths % 100 {
        0 => format!("{sign}{}", hundredths / 100),
        cents => format!("{sign}{}.{cents:02}", hundredths / 100),
    }
}

/// An SVG coordinate, to the nearest pixel (integers, for the same reason).
fn px(value: f64) -> String {
    (value.round() as i64).to_string()
}

/// `2026-11-25T10:04:05Z` as `25/11/2026`, the way UK letters write dates.
pub fn format_date(at: &str) -> String {
    let date = at.get(..10).unwrap_or(at);
    match date.split('-').collect::<Vec<_>>()[..] {
        [year, month, day] => format!("{day}/{month}/{year}"),
        _ => date.to_owned(),
    }
}

/// The scores over time as a small bar chart drawn in SVG (no script, no library), with a text
/// alternative, and the same figures as a data table for screen readers and for reading exactly.
pub fn score_chart(messages: &Messages, instrument: Instrument, scores: &[ScorePoint]) -> Html {
    let (low, high) = scale_range(instrument);
    let label = |point: &ScorePoint| match point.kind {
        ScoreKind::Baseline => messages.t("followup.result.start").to_owned(),
        ScoreKind::FollowUp => messages.t("followup.result.now").to_owned(),
    };
    let summary = super::joined(
        scores.iter().map(|p| {
            format!(
                "{} ({}): {}",
                label(p),
                format_date(&p.at),
                format_score(p.score)
            )
        }),
        "; ",
    );
    const WIDTH: f64 = 300.0;
    const BASE: f64 = 130.0;
    let slot = WIDTH / scores.len().max(1) as f64;
    html! {
        <figure class="sp-chart">
            <svg class="sp-chart__svg" viewBox="0 0 300 160" role="img" aria-labelledby="sp-chart-title sp-chart-desc" focusable="false">
                <title id="sp-chart-title">{ messages.t("followup.result.chart_title") }</title>
                <desc id="sp-chart-desc">{ summary }</desc>
                <line class="sp-chart__axis" x1="0" y1="130" x2="300" y2="130" />
                { for scores.iter().enumerate().map(|(index, point)| {
                    let share = ((point.score - low) / (high - low)).clamp(0.0, 1.0);
                    let bar = 8.0 + share * (BASE - 30.0);
                    let x = slot * index as f64 + slot * 0.25;
                    let class = if point.kind == ScoreKind::Baseline { "sp-chart__bar sp-chart__bar--baseline" } else { "sp-chart__bar sp-chart__bar--now" };
                    html! {
                        <g aria-hidden="true">
                            <rect {class} x={px(x)} y={px(BASE - bar)} width={px(slot * 0.5)} height={px(bar)} />
                            <text class="sp-chart__value" x={px(x + slot * 0.25)} y={px(BASE - bar - 6.0)} text-anchor="middle">{ format_score(point.score) }</text>
                            <text class="sp-chart__label" x={px(x + slot * 0.25)} y="150" text-anchor="middle">{ label(point) }</text>
                        </g>
                    }
                }) }
            </svg>
            <figcaption class="sp-body sp-body--small">
                { messages.tf("followup.result.range", &[("min", &format_score(low)), ("max", &format_score(high))]) }
            </figcaption>
            <table class="sp-table">
                <caption class="sp-table__caption">{ messages.t("followup.result.chart_title") }</caption>
                <thead>
                    <tr><th scope="col">{ messages.t("followup.result.when") }</th><th scope="col">{ messages.t("followup.result.score") }</th></tr>
                </thead>
                <tbody>
                    { for scores.iter().map(|point| html! {
                        <tr>
                            <th scope="row">{ label(point) }{ " (" }{ format_date(&point.at) }{ ")" }</th>
                            <td>{ format_score(point.score) }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_and_dates_read_as_people_write_them() {
        assert_eq!(format_score(44.0), "44");
        assert_eq!(format_score(18.59), "18.59");
        assert_eq!(format_score(0.5), "0.50");
        assert_eq!(format_score(-3.93), "-3.93");
        assert_eq!(px(12.6), "13");
        assert_eq!(format_date("2026-11-25T10:04:05.123Z"), "25/11/2026");
        assert_eq!(scale_range(Instrument::Swemwbs), (7.0, 35.0));
    }
}
