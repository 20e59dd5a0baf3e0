//! How typed values go into and come out of PostgreSQL's columns: times as timestamptz (the rows
//! carry them as `clock::timestamp` text), enums by their stable names.

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::clock;
use crate::store::StoreError;

/// A stored time as the rows carry it (`2026-11-25T10:04:05.120Z`).
pub fn stamp(at: OffsetDateTime) -> String {
    clock::timestamp(at)
}

/// A row's time (`clock::timestamp` text) as the timestamptz it is stored as. The service wrote
/// it, so text that is not a time is a mistake in the code, reported as the engine's failure.
pub fn time(text: &str) -> Result<OffsetDateTime, StoreError> {
    OffsetDateTime::parse(text, &Rfc3339)
        .map_err(|e| StoreError::engine(format!("{text:?} is not an RFC 3339 time: {e}")))
}

/// A stored name read back with `from_name` (signpost-core's `Instrument::from_name`, …); a name
/// the code does not know is an error, never a guess.
pub fn named<T>(text: &str, from_name: fn(&str) -> Option<T>) -> Result<T, StoreError> {
    from_name(text)
        .ok_or_else(|| StoreError::engine(format!("{text:?} is not a name this service knows")))
}

/// Item responses as stored (a jsonb array of numbers) read back.
pub fn items(value: serde_json::Value) -> Result<Vec<u8>, StoreError> {
    serde_json::from_value(value).map_err(StoreError::engine)
}

#[cfg(test)]
mod tests {
    use super::*;
    use signpost_core::Instrument;

    #[test]
    fn times_go_both_ways_to_the_millisecond() {
        let text = "2026-11-25T10:04:05.120Z";
        assert_eq!(stamp(time(text).unwrap()), text);
        assert!(time("yesterday").is_err());
    }

    #[test]
    fn an_unknown_name_is_refused() {
        assert_eq!(
            named("swemwbs", Instrument::from_name).unwrap(),
            Instrument::Swemwbs
        );
        assert!(named("who5", Instrument::from_name).is_err());
    }

    #[test]
    fn items_read_back_as_numbers_or_not_at_all() {
        assert_eq!(items(serde_json::json!([3, 2, 2])).unwrap(), [3, 2, 2]);
        assert!(items(serde_json::json!([300])).is_err());
    }
}
