//! The minimum dataset every service using Signpost shares: one row per referral whose consent
//! includes evaluation, with nothing that identifies the person. Grouped as the PRSB social
//! prescribing information standard groups its items: about the person, what matters to them,
//! what they were offered, and the result.
//!
//! The data dictionary ([`COLUMNS`]) is the one list both the CSV export's header and
//! `docs/minimum-dataset.md` come from; a test keeps the document equal to [`dictionary_markdown`].

use crate::fields::{CalendarDate, Postcode};

/// Which of the PRSB standard's groups a column belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    AboutThePerson,
    WhatMatters,
    WhatWasOffered,
    TheResult,
}

impl Group {
    pub fn heading(self) -> &'static str {
        match self {
            Group::AboutThePerson => "About the person",
            Group::WhatMatters => "What matters to them",
            Group::WhatWasOffered => "What they were offered",
            Group::TheResult => "The result",
        }
    }
}

/// One column of the dataset, as the dictionary documents it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub name: &'static str,
    pub group: Group,
    pub meaning: &'static str,
    pub kind: &'static str,
    pub allowed: &'static str,
    pub source: &'static str,
}

const fn column(
    name: &'static str,
    group: Group,
    meaning: &'static str,
    kind: &'static str,
    allowed: &'static str,
    source: &'static str,
) -> Column {
    Column {
        name,
        group,
        meaning,
        kind,
        allowed,
        source,
    }
}

use Group::*;

/// The dictionary, in the CSV's column order.
pub const COLUMNS: [Column; 27] = [
    column("row", AboutThePerson, "The row's number in this export, oldest referral first. It links to nothing: not the reference, not another export's rows.", "integer", "1, 2, 3 …", "the export"),
    column("received_month", AboutThePerson, "The month the referral arrived (not the day).", "text", "YYYY-MM", "the service's clock when it stored the referral"),
    column("practice", AboutThePerson, "The GP practice (or organisation) code the referral is for.", "text", "the practice codes the service is configured with", "the widget's `practice` attribute"),
    column("age_band", AboutThePerson, "The person's age on the day the referral arrived, in bands (not the date of birth).", "text", "under_18, 18_24, 25_34, 35_44, 45_54, 55_64, 65_74, 75_plus", "the answer to *Date of birth*"),
    column("postcode_district", AboutThePerson, "The outward part of the postcode (e.g. G42), not the full postcode.", "text", "a UK postcode district", "the answer to *Postcode*"),
    column("language", AboutThePerson, "The language the person used the widget in.", "text", "en, gd, pl, ar", "the widget"),
    column("channel", AboutThePerson, "Whether the person referred themselves or was helped (wellbeing answers given with help tend to be more positive).", "text", "self, assisted", "the widget's `mode`"),
    column("organisation", AboutThePerson, "For an assisted referral, the organisation that helped (e.g. a foodbank); empty for a self-referral.", "text", "up to 100 characters", "the widget's `organisation` attribute"),
    column("needs", WhatMatters, "The areas the person asked for help with.", "list (;)", "the questionnaire's `needs` options, e.g. money_and_debt;housing", "the answer to *What would you like help with?*"),
    column("urgent_help_asked", WhatMatters, "Whether the person said they needed help urgently today.", "yes/no", "yes, no", "the answer to *Do you need help urgently today?*"),
    column("unsafe_at_home", WhatMatters, "Whether the person said it is not safe to contact them at home; empty when not asked.", "yes/no", "yes, no, empty", "the answer to *Is it safe for us to contact you at home?* (yes when the answer is no)"),
    column("interpreter_needed", WhatMatters, "Whether the person asked for an interpreter or BSL.", "yes/no", "yes, no", "the answer to *Do you need an interpreter?*"),
    column("status", WhatWasOffered, "Where the referral is now, in the inbox's words.", "text", "new, contacted, active (Supporting), on_hold, closed", "the inbox's workflow"),
    column("status_history", WhatWasOffered, "Every change of status, each as the status and the days since the referral arrived.", "list (;)", "status:days, e.g. contacted:2.1;active:9.0", "the inbox's workflow history"),
    column("days_to_first_contact", WhatWasOffered, "Days from arrival to the first change to Contacted; empty if never contacted.", "number (1 decimal)", "0.0 and up", "the inbox's workflow history"),
    column("onward_referrals", WhatWasOffered, "Each onward referral, as the kind of service and whether it was taken up.", "list (;)", "kind:uptake, uptake yes, no or not_yet", "the inbox's onward referrals"),
    column("onward_referrals_taken_up", WhatWasOffered, "How many onward referrals the person took up.", "integer", "0 and up", "the inbox's onward referrals"),
    column("closure", TheResult, "Why the referral was closed; empty while open.", "text", "completed, could_not_contact, declined, not_suitable", "the inbox's workflow"),
    column("outcome", TheResult, "What a completed referral came to; empty unless completed.", "text", "support_given, connected_to_service, referred_on", "the inbox's workflow"),
    column("days_to_close", TheResult, "Days from arrival to closing; empty while open.", "number (1 decimal)", "0.0 and up", "the inbox's workflow history"),
    column("instrument", TheResult, "The wellbeing scale, the same at baseline and every follow-up; empty if the check-in was skipped at the start.", "text", "wemwbs, swemwbs", "the widget's `instrument` attribute"),
    column("baseline_score", TheResult, "The wellbeing score at referral: the WEMWBS total, or the SWEMWBS metric score.", "number", "WEMWBS 14-70; SWEMWBS 7.00-35.00", "the service's scoring of the items (signpost-core)"),
    column("baseline_assisted", TheResult, "Whether the baseline was answered with help (an assisted referral).", "yes/no", "yes, no, empty", "the referral's channel"),
    column("follow_ups", TheResult, "How many follow-up check-ins were answered.", "integer", "0 and up", "the follow-up links"),
    column("follow_up_scores", TheResult, "Each answered follow-up on the same scale, as the score and the days since the baseline; answered by the person on their own.", "list (;)", "score:days, e.g. 52:84.0", "the follow-up links, scored by the service"),
    column("latest_change", TheResult, "The latest follow-up's score minus the baseline's.", "number (2 decimals)", "-56.00 to 56.00", "baseline_score and follow_up_scores"),
    column("meaningful_change", TheResult, "Whether the latest change is 3 points or more either way (../shared/data/README.md: more than measurement error for one person).", "yes/no", "yes, no, empty", "latest_change"),
];

/// Ten-year bands (18–24 and under 18 apart), as public health statistics commonly publish age.
pub fn age_band(born: CalendarDate, on: CalendarDate) -> &'static str {
    let mut age = i32::from(on.year) - i32::from(born.year);
    if (on.month, on.day) < (born.month, born.day) {
        age -= 1;
    }
    match age {
        i32::MIN..=17 => "under_18",
        18..=24 => "18_24",
        25..=34 => "25_34",
        35..=44 => "35_44",
        45..=54 => "45_54",
        55..=64 => "55_64",
        65..=74 => "65_74",
        _ => "75_plus",
    }
}

/// The outward code of a postcode in its standard form (`G42 8AA` → `G42`).
pub fn postcode_district(postcode: &Postcode) -> &str {
    let text: &str = postcode.as_ref();
    text.split_once(' ').map_or(text, |(outward, _)| outward)
}

/// One cell of a CSV row, safe to open in a spreadsheet whatever it holds: quoted when it holds a
/// comma, a quote or a line break (RFC 4180), and a text that a spreadsheet would read as a
/// formula (`=`, `+`, `-`, `@`, a tab or a carriage return first) is prefixed with `'`, as
/// OWASP's CSV-injection guidance says. Numbers are written by the caller and never start so,
/// except a negative change, which [`number_cell`] writes.
pub fn text_cell(text: &str) -> String {
    let neutralised = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if neutralised.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", neutralised.replace('"', "\"\""))
    } else {
        neutralised
    }
}

/// A number cell: written as it is, a minus sign included (a spreadsheet reads `-3.5` as the
/// number it is, not as a formula to run).
pub fn number_cell(value: f64, decimals: usize) -> String {
    format!("{value:.decimals$}")
}

/// The CSV's header line: the dictionary's names in order.
pub fn header() -> String {
    COLUMNS.iter().map(|c| c.name).collect::<Vec<_>>().join(",")
}

/// The dictionary as `docs/minimum-dataset.md` lists it, one table a group.
pub fn dictionary_markdown() -> String {
    let mut out = String::new();
    for group in [AboutThePerson, WhatMatters, WhatWasOffered, TheResult] {
        out.push_str(&format!("### {}\n\n", group.heading()));
        out.push_str("| column | meaning | type | allowed values | where it comes from |\n");
        out.push_str("|---|---|---|---|---|\n");
        for c in COLUMNS.iter().filter(|c| c.group == group) {
            out.push_str(&format!(
                "| `{}` | {} | {} | {} | {} |\n",
                c.name, c.meaning, c.kind, c.allowed, c.source
            ));
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(year: u16, month: u8, day: u8) -> CalendarDate {
        CalendarDate::new(year, month, day).unwrap()
    }

    #[test]
    fn age_bands_count_whole_years_on_the_day() {
        let on = date(2026, 11, 25);
        assert_eq!(
            age_band(date(2008, 11, 26), on),
            "under_18",
            "17 until tomorrow"
        );
        assert_eq!(age_band(date(2008, 11, 25), on), "18_24", "18 today");
        assert_eq!(age_band(date(2001, 11, 26), on), "18_24", "24");
        assert_eq!(age_band(date(2001, 11, 25), on), "25_34", "25 today");
        assert_eq!(age_band(date(1985, 12, 1), on), "35_44", "40");
        assert_eq!(age_band(date(1952, 1, 1), on), "65_74", "74");
        assert_eq!(age_band(date(1951, 11, 25), on), "75_plus");
        assert_eq!(age_band(date(1912, 2, 29), on), "75_plus");
    }

    #[test]
    fn the_district_is_the_outward_code() {
        for (full, district) in [("G42 8AA", "G42"), ("EH1 1YZ", "EH1"), ("ec1a1bb", "EC1A")] {
            assert_eq!(postcode_district(&Postcode::parse(full).unwrap()), district);
        }
    }

    #[test]
    fn cells_are_safe_in_a_spreadsheet() {
        assert_eq!(text_cell("housing;food"), "housing;food");
        assert_eq!(
            text_cell("=HYPERLINK(\"http://x\")"),
            "\"'=HYPERLINK(\"\"http://x\"\")\""
        );
        assert_eq!(text_cell("+44"), "'+44");
        assert_eq!(text_cell("-1"), "'-1");
        assert_eq!(text_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(text_cell("Southside, Glasgow"), "\"Southside, Glasgow\"");
        assert_eq!(text_cell("two\nlines"), "\"two\nlines\"");
        assert_eq!(text_cell("\ttab"), "'\ttab");
        assert_eq!(number_cell(-3.456, 2), "-3.46");
        assert_eq!(number_cell(2.0, 1), "2.0");
    }

    #[test]
    fn every_column_is_documented_once_in_its_group() {
        let mut names: Vec<_> = COLUMNS.iter().map(|c| c.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), COLUMNS.len());
        assert!(COLUMNS
            .iter()
            .all(|c| !c.meaning.is_empty() && !c.source.is_empty()));
        // Grouped in order: a group's columns stand together.
        let groups: Vec<_> = COLUMNS.iter().map(|c| c.group as u8).collect();
        assert!(groups.windows(2).all(|w| w[0] <= w[1]));
        assert!(header().starts_with("row,received_month,practice,age_band"));
        // Nothing that identifies a person is a column.
        for banned in [
            "name",
            "date_of_birth",
            "postcode",
            "phone",
            "email",
            "address",
            "reference",
        ] {
            assert!(!names.contains(&banned), "{banned}");
        }
    }

    /// The document is the dictionary: `docs/minimum-dataset.md` holds exactly what
    /// [`dictionary_markdown`] makes, between its markers.
    /// `SIGNPOST_WRITE_DOCS=1 cargo test -p signpost-core dataset` rewrites the table in place.
    #[test]
    fn the_document_matches_the_dictionary() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/minimum-dataset.md");
        let doc = std::fs::read_to_string(path).unwrap();
        let start = "<!-- dictionary: from signpost_core::dataset::dictionary_markdown -->\n";
        let end = "<!-- end of dictionary -->";
        let (before, rest) = doc
            .split_once(start)
            .expect("the opening marker is in docs/minimum-dataset.md");
        let (inside, after) = rest
            .split_once(end)
            .expect("the closing marker is in docs/minimum-dataset.md");
        if std::env::var_os("SIGNPOST_WRITE_DOCS").is_some() {
            let table = dictionary_markdown();
            std::fs::write(path, format!("{before}{start}\n{table}{end}{after}")).unwrap();
            return;
        }
        assert_eq!(
            inside.trim(),
            dictionary_markdown().trim(),
            "regenerate docs/minimum-dataset.md's table from dictionary_markdown()"
        );
    }
}
