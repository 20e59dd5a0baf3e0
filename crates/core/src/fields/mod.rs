//! One newtype a file. Each has a private field, so a value of the type is proof that it was checked.

mod date_of_birth;
mod email;
mod free_text;
mod phone_number;
mod postcode;
mod practice_code;

pub use date_of_birth::{CalendarDate, DateOfBirth, DateOfBirthError};
pub use email::{Email, EmailError};
pub use free_text::{FreeText, FreeTextError, Lines};
pub use phone_number::{PhoneNumber, PhoneNumberError};
pub use postcode::{Postcode, PostcodeError};
pub use practice_code::{PracticeCode, PracticeCodeError};
