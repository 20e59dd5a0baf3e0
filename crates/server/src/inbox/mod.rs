//! The link workers' inbox, to come (the next issue builds it): their HTML pages, signed in
//! (password, TOTP, session, CSRF: an `auth/` module of its own), one file a page, its own HTML
//! error page. It reads referrals through [`crate::store::Store`], shows them with
//! [`crate::view`], moves their status by `signpost_core::workflow`'s rules, and issues follow-up
//! links with [`crate::followup::issue`].
