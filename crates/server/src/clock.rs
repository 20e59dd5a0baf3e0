//! The service's clock: how a moment is written down (one format for every stored and sent time)
//! and which day it is for signpost-core.

use std::fmt;
use std::sync::{Arc, Mutex};

use signpost_core::fields::CalendarDate;
use time::{Duration, OffsetDateTime, UtcOffset};

/// What time it is, for rules that depend on it (session expiry, lock-out, link expiry): the
/// system's clock, or a hand-set one that tests move forward instead of sleeping.
#[derive(Clone, Default)]
pub struct Clock(Option<Arc<Mutex<OffsetDateTime>>>);

impl Clock {
    pub fn system() -> Clock {
        Clock(None)
    }

    /// A clock that stays at `at` until moved.
    pub fn manual(at: OffsetDateTime) -> Clock {
        Clock(Some(Arc::new(Mutex::new(at))))
    }

    pub fn now(&self) -> OffsetDateTime {
        match &self.0 {
            None => OffsetDateTime::now_utc(),
            Some(at) => *at.lock().unwrap_or_else(|p| p.into_inner()),
        }
    }

    /// Moves a manual clock on (a system clock cannot be moved: nothing happens).
    pub fn advance(&self, by: Duration) {
        if let Some(at) = &self.0 {
            *at.lock().unwrap_or_else(|p| p.into_inner()) += by;
        }
    }
}

impl fmt::Debug for Clock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            None => f.write_str("Clock::system"),
            Some(_) => f.write_str("Clock::manual"),
        }
    }
}

/// A time as stored and sent: RFC 3339, UTC, to the millisecond, always three digits
/// (`2026-11-25T10:04:05.120Z`), so that stored times sort as text in time order.
pub fn timestamp(at: OffsetDateTime) -> String {
    let at = at.to_offset(UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second(),
        at.millisecond()
    )
}

/// The UTC date of `now`, as signpost-core counts days (it bounds dates of birth). `None` only
/// for a year signpost-core cannot hold.
pub fn calendar_date(now: OffsetDateTime) -> Option<CalendarDate> {
    let date = now.to_offset(UtcOffset::UTC).date();
    u16::try_from(date.year())
        .ok()
        .and_then(|year| CalendarDate::new(year, u8::from(date.month()), date.day()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::format_description::well_known::Rfc3339;
    use time::{Date, Month, PrimitiveDateTime, Time};

    fn at(date: (i32, Month, u8), time: (u8, u8, u8, u16), offset_hours: i8) -> OffsetDateTime {
        let (year, month, day) = date;
        let (hour, minute, second, millisecond) = time;
        PrimitiveDateTime::new(
            Date::from_calendar_date(year, month, day).unwrap(),
            Time::from_hms_milli(hour, minute, second, millisecond).unwrap(),
        )
        .assume_offset(UtcOffset::from_hms(offset_hours, 0, 0).unwrap())
    }

    #[test]
    fn timestamps_are_utc_to_the_millisecond() {
        let at = OffsetDateTime::from_unix_timestamp_nanos(1_795_600_000_123_456_789).unwrap();
        let text = timestamp(at.to_offset(UtcOffset::from_hms(1, 0, 0).unwrap()));
        assert_eq!(text, "2026-11-25T09:46:40.123Z");
        assert!(OffsetDateTime::parse(&text, &Rfc3339).is_ok());
        let whole = OffsetDateTime::from_unix_timestamp(1_795_600_000).unwrap();
        assert_eq!(timestamp(whole), "2026-11-25T09:46:40.000Z");
    }

    #[test]
    fn received_at_is_utc_rfc3339_to_the_millisecond() {
        let now = timestamp(OffsetDateTime::now_utc());
        assert!(now.ends_with('Z'), "{now}");
        assert!(OffsetDateTime::parse(&now, &Rfc3339).is_ok(), "{now}");
        let exact = at((2026, Month::November, 25), (10, 4, 5, 123), 1);
        assert_eq!(
            timestamp(exact.to_offset(UtcOffset::UTC)),
            "2026-11-25T09:04:05.123Z"
        );
    }

    #[test]
    fn today_is_the_utc_date() {
        // 00:30 in Scotland in summer is still the day before in UTC.
        let late = at((2026, Month::July, 1), (0, 30, 0, 0), 1);
        assert_eq!(
            calendar_date(late).unwrap(),
            CalendarDate {
                year: 2026,
                month: 6,
                day: 30
            }
        );
        let leap = at((2028, Month::February, 29), (12, 0, 0, 0), 0);
        assert_eq!(
            calendar_date(leap).unwrap(),
            CalendarDate {
                year: 2028,
                month: 2,
                day: 29
            }
        );
    }
}
