//! How typed values are written into and read out of SQLite's columns: enums by their stable
//! names, item responses as a JSON array of numbers.

use rusqlite::types::Type;

/// `[3,2,2]`: the items as a JSON array of numbers (serde would write a `[u8]` so too, but this
/// cannot fail).
pub fn items_json(items: &[u8]) -> String {
    let listed: Vec<String> = items.iter().map(u8::to_string).collect();
    format!("[{}]", listed.join(","))
}

/// Reads back what [`items_json`] wrote.
pub fn items_from_json(text: &str, column: usize) -> rusqlite::Result<Vec<u8>> {
    serde_json::from_str(text)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(column, Type::Text, Box::new(e)))
}

/// A stored name read back with `from_name` (signpost-core's `Instrument::from_name`,
/// `Status::from_name`, …); a name the code does not know is an error, never a guess.
pub fn named<T>(
    text: &str,
    column: usize,
    from_name: fn(&str) -> Option<T>,
) -> rusqlite::Result<T> {
    from_name(text).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            column,
            Type::Text,
            format!("{text:?} is not a name this service knows").into(),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use signpost_core::Instrument;

    #[test]
    fn items_are_a_json_array_both_ways() {
        assert_eq!(items_json(&[3, 2, 2, 3, 1, 2, 3]), "[3,2,2,3,1,2,3]");
        assert_eq!(items_from_json("[3,2,2]", 0).unwrap(), [3, 2, 2]);
        assert!(items_from_json("[300]", 0).is_err());
    }

    #[test]
    fn an_unknown_name_is_refused() {
        assert_eq!(
            named("swemwbs", 1, Instrument::from_name).unwrap(),
            Instrument::Swemwbs
        );
        assert!(named("who5", 1, Instrument::from_name).is_err());
    }
}
