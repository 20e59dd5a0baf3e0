//! Exports of what the service holds, each written to the audit log by whoever makes it (the
//! command line's `export`, the inbox's download) with its format, row count and filters, never
//! its contents.
//!
//! - [`csv`]: the minimum dataset (`signpost_core::dataset`), one row per referral that agreed to
//!   evaluation, nothing that identifies the person.
//! - [`fhir`]: FHIR R4 Bundles of single referrals, for GP and health board systems, which do
//!   identify the person.

pub mod csv;
pub mod fhir;

use time::macros::format_description;
use time::Date;

use crate::store::casework::Scope;
use crate::store::evaluation::Period;

/// A day as the command line and the monitoring page take it: `YYYY-MM-DD`.
pub fn parse_day(text: &str) -> Option<Date> {
    Date::parse(text.trim(), format_description!("[year]-[month]-[day]")).ok()
}

/// What the audit log keeps of an export: codes and counts only.
pub fn audit_detail(format: &str, rows: usize, period: &Period) -> String {
    let practices = match &period.scope {
        Scope::All => "all".to_owned(),
        Scope::Practices(codes) => codes.join(" "),
    };
    format!(
        "format={format} rows={rows} from={} to={} practices={practices}",
        period.from, period.to
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn days_are_iso_dates() {
        assert_eq!(parse_day(" 2026-02-28 "), Some(date!(2026 - 02 - 28)));
        assert_eq!(parse_day("2026-02-30"), None);
        assert_eq!(parse_day("28/02/2026"), None);
    }

    #[test]
    fn the_audit_detail_holds_codes_and_counts() {
        let period = Period {
            scope: Scope::Practices(vec!["43210".into(), "GLA-EAST".into()]),
            from: date!(2026 - 01 - 01),
            to: date!(2026 - 03 - 31),
        };
        assert_eq!(
            audit_detail("csv", 12, &period),
            "format=csv rows=12 from=2026-01-01 to=2026-03-31 practices=43210 GLA-EAST"
        );
    }
}
