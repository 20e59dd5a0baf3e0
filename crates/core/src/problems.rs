//! Every problem found with one thing a person sent (a referral, a check-in), as one type for
//! both: [`ReferralErrors`](crate::ReferralErrors) and [`CheckinErrors`](crate::CheckinErrors)
//! are `Problems` of their own error enum.

use std::fmt;

/// One reason something sent was refused: where (a path into the wire format, such as
/// `answers.phone` or `wellbeing.items[4]`), a stable code for programs, and a plain-English
/// message for people reading API errors.
pub trait Problem {
    fn field(&self) -> String;
    fn code(&self) -> &'static str;
    fn message(&self) -> String;
}

/// Every reason something sent was refused, in the order of its fields, never empty (the crate
/// makes one only from a list it has just pushed a problem onto, or through `from_vec`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problems<E>(pub(crate) Vec<E>);

impl<E> Problems<E> {
    /// `None` when there was no problem at all.
    pub(crate) fn from_vec(problems: Vec<E>) -> Option<Self> {
        (!problems.is_empty()).then_some(Self(problems))
    }

    pub fn first(&self) -> &E {
        &self.0[0]
    }

    pub fn iter(&self) -> impl Iterator<Item = &E> {
        self.0.iter()
    }
}

impl<E: Problem> fmt::Display for Problems<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let first = self.first();
        write!(f, "{}: {}", first.field(), first.message())
    }
}

impl<E: Problem + fmt::Debug> std::error::Error for Problems<E> {}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Blank(&'static str);

    impl Problem for Blank {
        fn field(&self) -> String {
            self.0.to_owned()
        }
        fn code(&self) -> &'static str {
            "blank"
        }
        fn message(&self) -> String {
            "This is blank.".to_owned()
        }
    }

    #[test]
    fn there_is_always_a_first_problem_and_it_is_the_one_shown() {
        assert!(Problems::<Blank>::from_vec(Vec::new()).is_none());
        let problems = Problems::from_vec(vec![Blank("name"), Blank("phone")]).unwrap();
        assert_eq!(problems.first().field(), "name");
        assert_eq!(problems.iter().count(), 2);
        assert_eq!(problems.to_string(), "name: This is blank.");
    }
}
