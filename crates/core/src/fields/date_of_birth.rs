/// A calendar date without time or time zone; the widget and the service each supply "today".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct CalendarDate {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

impl CalendarDate {
    /// A real date: month 1–12 and a day that month has (leap years included).
    pub fn new(year: u16, month: u8, day: u8) -> Option<Self> {
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (1..=days)
            .contains(&day)
            .then_some(Self { year, month, day })
    }

    /// Reads `YYYY-MM-DD`, the form dates travel in.
    pub fn parse_iso(text: &str) -> Option<Self> {
        let mut parts = text.trim().splitn(3, '-');
        let (year, month, day) = (parts.next()?, parts.next()?, parts.next()?);
        if year.len() != 4 || month.len() != 2 || day.len() != 2 {
            return None;
        }
        Self::new(year.parse().ok()?, month.parse().ok()?, day.parse().ok()?)
    }

    pub fn to_iso(self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    /// Whole years from `self` to `later`.
    fn years_until(self, later: CalendarDate) -> u16 {
        let birthday_passed = (later.month, later.day) >= (self.month, self.day);
        (later.year - self.year) - u16::from(!birthday_passed)
    }
}

/// Why a date of birth was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateOfBirthError {
    Empty,
    /// Not a real date (31 April, month 13) or not written as a date.
    NotADate,
    InTheFuture,
    /// More than 120 years ago: almost certainly a typing slip in the year.
    TooLongAgo,
}

/// A date of birth that is a real date, in the past, and within a human lifetime.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateOfBirth(CalendarDate);

const OLDEST_AGE: u16 = 120;

impl DateOfBirth {
    pub fn parse(input: &str, today: CalendarDate) -> Result<Self, DateOfBirthError> {
        if input.trim().is_empty() {
            return Err(DateOfBirthError::Empty);
        }
        Self::check(
            CalendarDate::parse_iso(input).ok_or(DateOfBirthError::NotADate)?,
            today,
        )
    }

    /// From the day, month and year fields people type (GOV.UK date input).
    pub fn from_parts(
        day: &str,
        month: &str,
        year: &str,
        today: CalendarDate,
    ) -> Result<Self, DateOfBirthError> {
        if [day, month, year].iter().all(|p| p.trim().is_empty()) {
            return Err(DateOfBirthError::Empty);
        }
        let number = |p: &str| p.trim().parse::<u16>().ok();
        let (d, m, y) = (number(day), number(month), number(year));
        let date = match (d, m, y) {
            (Some(d), Some(m), Some(y)) if year.trim().len() == 4 && d <= 31 && m <= 12 => {
                CalendarDate::new(y, m as u8, d as u8)
            }
            _ => None,
        };
        Self::check(date.ok_or(DateOfBirthError::NotADate)?, today)
    }

    fn check(date: CalendarDate, today: CalendarDate) -> Result<Self, DateOfBirthError> {
        if date > today {
            return Err(DateOfBirthError::InTheFuture);
        }
        if date.years_until(today) > OLDEST_AGE {
            return Err(DateOfBirthError::TooLongAgo);
        }
        Ok(Self(date))
    }

    pub fn date(self) -> CalendarDate {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TODAY: CalendarDate = CalendarDate {
        year: 2026,
        month: 11,
        day: 25,
    };

    #[test]
    fn accepts_real_past_dates_in_both_forms() {
        assert_eq!(
            DateOfBirth::parse("1980-02-29", TODAY)
                .unwrap()
                .date()
                .to_iso(),
            "1980-02-29"
        );
        assert_eq!(
            DateOfBirth::from_parts("9", "3", "1975", TODAY)
                .unwrap()
                .date()
                .to_iso(),
            "1975-03-09"
        );
        assert!(
            DateOfBirth::parse("2026-11-25", TODAY).is_ok(),
            "born today"
        );
    }

    #[test]
    fn refuses_impossible_future_and_ancient_dates() {
        assert_eq!(DateOfBirth::parse("", TODAY), Err(DateOfBirthError::Empty));
        assert_eq!(
            DateOfBirth::from_parts(" ", "", "", TODAY),
            Err(DateOfBirthError::Empty)
        );
        assert_eq!(
            DateOfBirth::parse("1981-02-29", TODAY),
            Err(DateOfBirthError::NotADate)
        );
        assert_eq!(
            DateOfBirth::from_parts("31", "4", "1990", TODAY),
            Err(DateOfBirthError::NotADate)
        );
        assert_eq!(
            DateOfBirth::from_parts("1", "13", "1990", TODAY),
            Err(DateOfBirthError::NotADate)
        );
        assert_eq!(
            DateOfBirth::from_parts("1", "1", "90", TODAY),
            Err(DateOfBirthError::NotADate)
        );
        assert_eq!(
            DateOfBirth::parse("2026-11-26", TODAY),
            Err(DateOfBirthError::InTheFuture)
        );
        assert_eq!(
            DateOfBirth::parse("1905-11-24", TODAY),
            Err(DateOfBirthError::TooLongAgo)
        );
        assert!(
            DateOfBirth::parse("1906-11-24", TODAY).is_ok(),
            "120 and a day is still a lifetime"
        );
    }
}
