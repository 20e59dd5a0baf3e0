//! The link workers' inbox: server-rendered HTML that works without JavaScript, in GOV.UK's
//! patterns, behind a careful sign-in (password, TOTP, server-side sessions, CSRF on every form).
//!
//! This module holds the foundations, each independent of storage: `auth` (the rules and the
//! storage traits the store implements) and `page` (templates and the headers every inbox
//! response carries). `paths` names every address once.

pub mod auth;
pub mod page;
pub mod paths;
