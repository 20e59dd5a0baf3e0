//! The page's choice, read from its query: the period (`from`, `to`, days as `YYYY-MM-DD`) and
//! the practices (`practice`, repeated). Both the page and the CSV read it the same way.
//!
//! A link worker's choice is among their own practices, and none chosen means all of them. A
//! practice code that is not theirs is refused with the inbox's 404, as a referral of another
//! practice is: the form never offers one, so only an edited address sends it.

use signpost_core::fields::PracticeCode;
use time::{Date, Duration, Month, OffsetDateTime};

use crate::export::parse_day;
use crate::inbox::auth::users::Access;
use crate::store::casework::Scope;
use crate::store::evaluation::Period;

/// The longest period the page counts: ten years is more than any service has run.
const MAX_DAYS: i64 = 3660;

/// What the query asked for, as typed (shown again in the form).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Asked {
    pub from: String,
    pub to: String,
    pub practices: Vec<String>,
}

impl Asked {
    pub fn parse(query: Option<&str>) -> Asked {
        let pairs: Vec<(String, String)> =
            serde_urlencoded::from_str(query.unwrap_or_default()).unwrap_or_default();
        let mut asked = Asked::default();
        for (name, value) in pairs {
            match name.as_str() {
                "from" => asked.from = value,
                "to" => asked.to = value,
                "practice" if !value.trim().is_empty() => asked.practices.push(value),
                _ => {}
            }
        }
        asked
    }

    /// The same choice as a query string, for the CSV link and the charts' own links.
    pub fn query(&self, period: &Period) -> String {
        let mut pairs = vec![
            ("from", period.from.to_string()),
            ("to", period.to.to_string()),
        ];
        if let Scope::Practices(codes) = &period.scope {
            if !self.practices.is_empty() {
                pairs.extend(codes.iter().map(|code| ("practice", code.clone())));
            }
        }
        serde_urlencoded::to_string(&pairs).expect("text pairs encode")
    }
}

/// Why the choice cannot be counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// A practice this account may not see: the 404 page.
    NotYours,
    /// Errors to show beside the fields.
    Invalid {
        from: Option<&'static str>,
        to: Option<&'static str>,
        practice: Option<&'static str>,
    },
}

/// Twelve whole months to today: from the first of the month eleven months back.
pub fn default_period(today: Date) -> (Date, Date) {
    let (mut year, mut month) = (today.year(), today.month());
    for _ in 0..11 {
        month = month.previous();
        if month == Month::December {
            year -= 1;
        }
    }
    let from = Date::from_calendar_date(year, month, 1).expect("the first of a month is a day");
    (from, today)
}

/// The period and scope to count for `access`.
pub fn choose(asked: &Asked, access: &Access, now: OffsetDateTime) -> Result<Period, Refused> {
    let (default_from, default_to) = default_period(now.date());
    let day = |text: &str, default: Date, error: &'static str| {
        if text.trim().is_empty() {
            Ok(default)
        } else {
            parse_day(text).ok_or(error)
        }
    };
    let from = day(
        &asked.from,
        default_from,
        "Enter the first day as YYYY-MM-DD, like 2026-01-01",
    );
    let to = day(
        &asked.to,
        default_to,
        "Enter the last day as YYYY-MM-DD, like 2026-12-31",
    );
    let codes: Result<Vec<String>, _> = asked
        .practices
        .iter()
        .map(|text| PracticeCode::parse(text).map(|code| code.as_ref().to_owned()))
        .collect();
    let (mut from_error, mut to_error) = (from.err(), to.err());
    if let (Ok(from), Ok(to)) = (from, to) {
        if from > to {
            to_error = Some("The last day must be the same as or after the first day");
        } else if (to - from) > Duration::days(MAX_DAYS) {
            from_error = Some("Choose a period of ten years or less");
        }
    }
    let practice_error = codes
        .is_err()
        .then_some("Practice codes are letters, digits and dashes, like 43210");
    if from_error.is_some() || to_error.is_some() || practice_error.is_some() {
        return Err(Refused::Invalid {
            from: from_error,
            to: to_error,
            practice: practice_error,
        });
    }
    let codes = codes.unwrap_or_default();
    let scope = match access {
        Access::Admin if codes.is_empty() => Scope::All,
        Access::Admin => Scope::Practices(codes),
        Access::LinkWorker { practices } => {
            let theirs: Vec<String> = practices.iter().map(|p| p.as_ref().to_owned()).collect();
            if codes.iter().any(|code| !theirs.contains(code)) {
                return Err(Refused::NotYours);
            }
            Scope::Practices(if codes.is_empty() { theirs } else { codes })
        }
    };
    Ok(Period {
        scope,
        from: from.unwrap_or(default_from),
        to: to.unwrap_or(default_to),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inbox::auth::users::Practices;
    use time::macros::{date, datetime};

    fn worker() -> Access {
        Access::LinkWorker {
            practices: Practices::new(
                ["43210", "gla-east"].map(|p| PracticeCode::parse(p).unwrap()),
            )
            .unwrap(),
        }
    }

    #[test]
    fn the_default_is_twelve_whole_months_to_today() {
        assert_eq!(
            default_period(date!(2026 - 03 - 15)),
            (date!(2025 - 04 - 01), date!(2026 - 03 - 15))
        );
        assert_eq!(
            default_period(date!(2026 - 12 - 31)),
            (date!(2026 - 01 - 01), date!(2026 - 12 - 31))
        );
    }

    #[test]
    fn a_link_worker_chooses_among_their_own_practices() {
        let now = datetime!(2026-03-15 10:00 UTC);
        let all = choose(&Asked::parse(None), &worker(), now).unwrap();
        assert_eq!(
            all.scope,
            Scope::Practices(vec!["43210".into(), "GLA-EAST".into()])
        );
        let one = choose(&Asked::parse(Some("practice=gla-east")), &worker(), now).unwrap();
        assert_eq!(one.scope, Scope::Practices(vec!["GLA-EAST".into()]));
        let other = choose(
            &Asked::parse(Some("practice=43210&practice=99999")),
            &worker(),
            now,
        );
        assert_eq!(other, Err(Refused::NotYours));
        let admin = choose(&Asked::parse(Some("practice=99999")), &Access::Admin, now).unwrap();
        assert_eq!(admin.scope, Scope::Practices(vec!["99999".into()]));
        assert_eq!(
            choose(&Asked::default(), &Access::Admin, now)
                .unwrap()
                .scope,
            Scope::All
        );
    }

    #[test]
    fn days_are_checked_and_ordered() {
        let now = datetime!(2026-03-15 10:00 UTC);
        let asked = Asked::parse(Some("from=2026-02-01&to=2026-01-01"));
        assert!(matches!(
            choose(&asked, &Access::Admin, now),
            Err(Refused::Invalid {
                to: Some(_),
                from: None,
                ..
            })
        ));
        let asked = Asked::parse(Some("from=1%2F2%2F2026&practice=%3Cscript%3E"));
        assert!(matches!(
            choose(&asked, &Access::Admin, now),
            Err(Refused::Invalid {
                from: Some(_),
                practice: Some(_),
                ..
            })
        ));
        let asked = Asked::parse(Some("from=2026-01-01&to=2026-01-31&practice=43210"));
        let period = choose(&asked, &worker(), now).unwrap();
        assert_eq!(
            (period.from, period.to),
            (date!(2026 - 01 - 01), date!(2026 - 01 - 31))
        );
        assert_eq!(
            asked.query(&period),
            "from=2026-01-01&to=2026-01-31&practice=43210"
        );
    }
}
