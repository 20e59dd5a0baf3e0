//! The service's API and site, driven through `app(state)` against real SQLite files: one
//! integration test binary (so it links once), one module per concern.

mod helpers;
mod inbox_helpers;
mod smtp;

mod backup;
mod checkins;
mod cli;
mod cors;
mod demo_account;
mod durability;
mod evaluation;
mod fhir_export;
mod fixtures;
mod health;
mod hostile;
mod inbox_accounts;
mod inbox_casework;
mod inbox_rights;
mod load_balancer;
mod logs;
mod migration;
mod monitoring;
mod notifications;
mod notify;
mod person;
mod rate_limits;
mod referrals;
mod retention;
mod security_headers;
mod site;
mod two_instances;
mod user_cli;
mod wellbeing;
