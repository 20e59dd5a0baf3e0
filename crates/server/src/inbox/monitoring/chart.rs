//! Horizontal bar charts drawn on the server as SVG: the template writes the shapes from these
//! numbers, so every label is escaped like any other text. Each chart is an image with a title
//! and a description in words (`role="img"`), and the page puts its data table beside it.
//!
//! A count the small-number rule withholds has no bar: its length would show what the words hide.

use signpost_core::evaluation::Count;

use super::page::{shown, shown_in, withheld};

/// The drawing's width in SVG units (the stylesheet scales it to the column).
pub const WIDTH: u32 = 720;
const LABEL_WIDTH: u32 = 300;
const BAR_SPACE: u32 = 300;
const ROW: u32 = 30;
const BAR: u32 = 20;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bar {
    pub label: String,
    /// The count as the page shows it ("1,204", "fewer than 5").
    pub value: String,
    pub width: u32,
    /// The bar's top, and the baseline of its texts.
    pub y: u32,
    pub text_y: u32,
    pub value_x: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BarChart {
    /// The ids of its `<title>` and `<desc>` start with this.
    pub id: &'static str,
    pub title: String,
    pub desc: String,
    pub height: u32,
    pub label_x: u32,
    pub bar_x: u32,
    pub bars: Vec<Bar>,
}

impl BarChart {
    /// A bar a row of `(label, count)`, drawn to the largest count that may be shown.
    pub fn new(id: &'static str, title: impl Into<String>, rows: &[(String, u32)]) -> BarChart {
        let hidden: Vec<bool> = rows
            .iter()
            .map(|(_, n)| Count::of(*n) == Count::FewerThanFive)
            .collect();
        Self::drawn(id, title.into(), rows, &hidden)
    }

    /// As [`BarChart::new`], for counts that add up to a total the page shows: a lone withheld
    /// count takes the next smallest with it ([`withheld`]).
    pub fn partition(
        id: &'static str,
        title: impl Into<String>,
        rows: &[(String, u32)],
    ) -> BarChart {
        let hidden = withheld(&rows.iter().map(|(_, n)| *n).collect::<Vec<_>>());
        Self::drawn(id, title.into(), rows, &hidden)
    }

    fn drawn(id: &'static str, title: String, rows: &[(String, u32)], hidden: &[bool]) -> BarChart {
        let largest = rows
            .iter()
            .zip(hidden)
            .filter(|(_, hidden)| !**hidden)
            .map(|((_, n), _)| *n)
            .max()
            .unwrap_or(0);
        let bars: Vec<Bar> = rows
            .iter()
            .zip(hidden)
            .enumerate()
            .map(|(i, ((label, n), hidden))| {
                let width = match Count::of(*n) {
                    Count::Shown(n) if largest > 0 && !hidden => {
                        // At least a sliver for a count that is shown, so it is not read as zero.
                        (u64::from(n) * u64::from(BAR_SPACE) / u64::from(largest)).max(2) as u32
                    }
                    _ => 0,
                };
                let width = if *n == 0 { 0 } else { width };
                let y = i as u32 * ROW + 5;
                Bar {
                    label: label.clone(),
                    value: shown_in(*n, *hidden),
                    width,
                    y,
                    text_y: y + BAR - 5,
                    value_x: LABEL_WIDTH + width + 8,
                }
            })
            .collect();
        let desc = describe(&title, rows, hidden);
        BarChart {
            id,
            title,
            desc,
            height: rows.len() as u32 * ROW + 10,
            label_x: LABEL_WIDTH - 8,
            bar_x: LABEL_WIDTH,
            bars,
        }
    }

    pub fn width(&self) -> u32 {
        WIDTH
    }
}

/// The chart in words: the largest group that may be shown, and what is withheld.
fn describe(title: &str, rows: &[(String, u32)], hidden: &[bool]) -> String {
    let top = rows
        .iter()
        .zip(hidden)
        .filter(|(_, hidden)| !**hidden)
        .map(|(row, _)| row)
        .filter(|(_, n)| *n >= signpost_core::evaluation::SMALL_NUMBER)
        .max_by_key(|(_, n)| *n);
    let withheld = hidden.iter().filter(|h| **h).count();
    let mut words = format!("{title}, a bar for each of {} groups.", rows.len());
    if let Some((label, n)) = top {
        words.push_str(&format!(" The largest is {label}, {}.", shown(*n)));
    }
    if withheld > 0 {
        words.push_str(&format!(
            " {withheld} {} withheld (fewer than 5, or would give one back) and {} no bar.",
            if withheld == 1 {
                "group is"
            } else {
                "groups are"
            },
            if withheld == 1 { "has" } else { "have" }
        ));
    }
    words.push_str(" The table after the chart gives every figure.");
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_drawn_to_the_largest_shown_count_and_small_ones_not_at_all() {
        let chart = BarChart::new(
            "needs",
            "Referrals by need",
            &[
                ("Food".into(), 150),
                ("Housing".into(), 75),
                ("Caring".into(), 3),
                ("Bereavement".into(), 0),
            ],
        );
        let widths: Vec<u32> = chart.bars.iter().map(|b| b.width).collect();
        assert_eq!(widths, [300, 150, 0, 0]);
        assert_eq!(chart.bars[2].value, "fewer than 5");
        assert_eq!(chart.bars[3].value, "0");
        assert!(
            chart.desc.contains("The largest is Food, 150."),
            "{}",
            chart.desc
        );
        assert!(
            chart.desc.contains(
                "1 group is withheld (fewer than 5, or would give one back) and has no bar."
            ),
            "{}",
            chart.desc
        );

        // Months add up to the total the page shows: the 16 goes with the 3.
        let months = BarChart::partition(
            "months",
            "Referrals by month",
            &[
                ("2026-01".into(), 31),
                ("2026-02".into(), 16),
                ("2026-03".into(), 3),
            ],
        );
        let shown: Vec<&str> = months.bars.iter().map(|b| b.value.as_str()).collect();
        assert_eq!(shown, ["31", "withheld", "fewer than 5"]);
        assert_eq!(months.bars[1].width, 0);
    }
}
