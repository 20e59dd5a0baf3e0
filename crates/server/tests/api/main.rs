//! The service's API and site, driven through `app(state)` against real SQLite files: one
//! integration test binary (so it links once), one module per concern.

mod helpers;
mod inbox_helpers;
mod smtp;

mod checkins;
mod cli;
mod cors;
mod durability;
mod fixtures;
mod health;
mod inbox_accounts;
mod inbox_casework;
mod migration;
mod notify;
mod referrals;
mod site;
mod user_cli;
mod wellbeing;
