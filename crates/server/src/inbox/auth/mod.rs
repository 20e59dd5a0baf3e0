//! Signing in to the inbox, as carefully as an NHS system: each rule in a file of its own, none of
//! them touching storage. What must be stored is said by the traits and record types here, which
//! the store implements (`session::SessionStore`) or keeps as rows (`users`, `recovery`,
//! `lockout::FailureRecord`, the last accepted `totp::TimeStep`).

pub mod csrf;
pub mod lockout;
pub mod password;
pub mod recovery;
pub mod session;
pub mod token;
pub mod totp;
pub mod users;
