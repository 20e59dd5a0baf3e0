//! What to do with a sign-in attempt after failures: let it through, slow it, or refuse it until a
//! time. Pure policy over counts the store keeps; nothing here sleeps or stores.
//!
//! Failures are counted per email as typed (normalised), whether or not an account has it, and per
//! client address, so an unknown email gets the same answers as a real one and nobody can find
//! out which emails exist. The numbers:
//! - **per email**: the first 4 failures cost nothing (people mistype). From the 5th (where NHS
//!   systems commonly lock) on, each further attempt must wait 1, 2,
//!   4, 8, 16 s after the last failure. After 10 failures (the NCSC's "around 10 attempts") the
//!   email is locked for 15 minutes from the last failure; each failure while it stays at 10 or
//!   more locks it again. That is about 100 guesses a day at most: throttling, as the NCSC
//!   prefers, rather than a hard lock-out that would let anyone lock a link worker out for good.
//!   A sign-in with TOTP is needed as well, so the password alone opens nothing.
//! - **per client address**: 29 failures free (a health board's staff may share one address),
//!   then waits, and 100 failures lock the address for 15 minutes: one machine trying many emails
//!   is slowed without locking each email.
//! - Failures more than an hour old are forgotten ([`Policy::forget_after`]); a successful
//!   sign-in clears the email's count (not the address's).

use time::{Duration, OffsetDateTime};

/// What the store keeps per key (email, or client address).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FailureRecord {
    pub failures: u32,
    pub last_failure: OffsetDateTime,
}

/// What to do with an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allow,
    /// Check the password only after waiting this long (the inbox sleeps, then answers as usual).
    Delay(Duration),
    /// Do not check the password; the page says when to try again.
    LockedUntil(OffsetDateTime),
}

/// The numbers for one kind of key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// The failure count from which each attempt waits (fewer cost nothing).
    pub delay_from: u32,
    /// The first wait; it doubles with each further failure.
    pub first_delay: Duration,
    pub max_delay: Duration,
    /// Failures at which the key is locked.
    pub lock_at: u32,
    pub lock_for: Duration,
    /// Failures older than this are forgotten.
    pub forget_after: Duration,
}

/// The policy for emails (see the module's comment for why these numbers).
pub const ACCOUNT_POLICY: Policy = Policy {
    delay_from: 5,
    first_delay: Duration::seconds(1),
    max_delay: Duration::seconds(16),
    lock_at: 10,
    lock_for: Duration::minutes(15),
    forget_after: Duration::hours(1),
};

/// The policy for client addresses.
pub const ADDRESS_POLICY: Policy = Policy {
    delay_from: 30,
    first_delay: Duration::seconds(1),
    max_delay: Duration::seconds(16),
    lock_at: 100,
    lock_for: Duration::minutes(15),
    forget_after: Duration::hours(1),
};

impl Policy {
    /// The failures still counted at `now`.
    fn live(&self, record: Option<&FailureRecord>, now: OffsetDateTime) -> Option<FailureRecord> {
        record
            .copied()
            .filter(|r| now - r.last_failure < self.forget_after)
    }

    /// What to do with an attempt for a key with `record` at `now`.
    pub fn decide(&self, record: Option<&FailureRecord>, now: OffsetDateTime) -> Decision {
        let Some(record) = self.live(record, now) else {
            return Decision::Allow;
        };
        if record.failures >= self.lock_at {
            let until = record.last_failure + self.lock_for;
            return if now < until {
                Decision::LockedUntil(until)
            } else {
                Decision::Allow
            };
        }
        if record.failures < self.delay_from {
            return Decision::Allow;
        }
        let doublings = (record.failures - self.delay_from).min(16);
        let wait = (self.first_delay * 2i32.pow(doublings)).min(self.max_delay);
        let ready = record.last_failure + wait;
        if now < ready {
            Decision::Delay(ready - now)
        } else {
            Decision::Allow
        }
    }

    /// The record after one more failure at `now` (old failures forgotten first).
    pub fn record_failure(
        &self,
        record: Option<&FailureRecord>,
        now: OffsetDateTime,
    ) -> FailureRecord {
        let failures = self.live(record, now).map_or(0, |r| r.failures);
        FailureRecord {
            failures: failures.saturating_add(1),
            last_failure: now,
        }
    }
}

/// The stricter of the email's and the address's decisions: a lock beats a wait, a longer lock or
/// wait beats a shorter one.
pub fn decide(
    email: Option<&FailureRecord>,
    address: Option<&FailureRecord>,
    now: OffsetDateTime,
) -> Decision {
    stricter(
        ACCOUNT_POLICY.decide(email, now),
        ADDRESS_POLICY.decide(address, now),
    )
}

fn stricter(a: Decision, b: Decision) -> Decision {
    use Decision::*;
    match (a, b) {
        (LockedUntil(x), LockedUntil(y)) => LockedUntil(x.max(y)),
        (LockedUntil(x), _) | (_, LockedUntil(x)) => LockedUntil(x),
        (Delay(x), Delay(y)) => Delay(x.max(y)),
        (Delay(x), Allow) | (Allow, Delay(x)) => Delay(x),
        (Allow, Allow) => Allow,
    }
}

/// What the sign-in page says when locked: the same words for every email, known or not.
pub fn locked_message(until: OffsetDateTime, now: OffsetDateTime) -> String {
    let minutes = ((until - now).whole_seconds() + 59) / 60;
    let minutes = minutes.max(1);
    let unit = if minutes == 1 { "minute" } else { "minutes" };
    format!("You have tried to sign in too many times. Try again in {minutes} {unit}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t0() -> OffsetDateTime {
        OffsetDateTime::UNIX_EPOCH + Duration::days(20_000)
    }

    /// Fails `n` times, `gap` apart, and returns the record and the time of the last failure.
    fn fail(policy: &Policy, n: u32, gap: Duration) -> (Option<FailureRecord>, OffsetDateTime) {
        let mut record = None;
        let mut now = t0();
        for i in 0..n {
            now = t0() + gap * i32::try_from(i).unwrap();
            record = Some(policy.record_failure(record.as_ref(), now));
        }
        (record, now)
    }

    #[test]
    fn the_first_four_failures_cost_nothing() {
        let p = ACCOUNT_POLICY;
        assert_eq!(p.decide(None, t0()), Decision::Allow);
        let (record, last) = fail(&p, 4, Duration::seconds(1));
        assert_eq!(record.unwrap().failures, 4);
        assert_eq!(p.decide(record.as_ref(), last), Decision::Allow);
    }

    #[test]
    fn from_the_fifth_failure_each_attempt_waits_twice_as_long_up_to_16_seconds() {
        let p = ACCOUNT_POLICY;
        for (failures, wait) in [(5, 1), (6, 2), (7, 4), (8, 8), (9, 16)] {
            let (record, last) = fail(&p, failures, Duration::seconds(1));
            assert_eq!(
                p.decide(record.as_ref(), last),
                Decision::Delay(Duration::seconds(wait)),
                "after {failures} failures"
            );
            assert_eq!(
                p.decide(record.as_ref(), last + Duration::seconds(wait)),
                Decision::Allow
            );
        }
    }

    #[test]
    fn ten_failures_lock_for_15_minutes_and_each_later_failure_locks_again() {
        let p = ACCOUNT_POLICY;
        let (record, last) = fail(&p, 10, Duration::seconds(20));
        let until = last + Duration::minutes(15);
        assert_eq!(
            p.decide(record.as_ref(), last),
            Decision::LockedUntil(until)
        );
        assert_eq!(
            p.decide(record.as_ref(), until - Duration::seconds(1)),
            Decision::LockedUntil(until)
        );
        assert_eq!(p.decide(record.as_ref(), until), Decision::Allow);
        let again = p.record_failure(record.as_ref(), until);
        assert_eq!(again.failures, 11);
        assert_eq!(
            p.decide(Some(&again), until),
            Decision::LockedUntil(until + Duration::minutes(15))
        );
    }

    #[test]
    fn failures_older_than_an_hour_are_forgotten() {
        let p = ACCOUNT_POLICY;
        let (record, last) = fail(&p, 10, Duration::seconds(1));
        let later = last + Duration::hours(1);
        assert_eq!(p.decide(record.as_ref(), later), Decision::Allow);
        assert_eq!(p.record_failure(record.as_ref(), later).failures, 1);
    }

    #[test]
    fn an_address_gets_29_free_failures_and_is_locked_at_100() {
        let p = ADDRESS_POLICY;
        let (record, last) = fail(&p, 29, Duration::seconds(1));
        assert_eq!(p.decide(record.as_ref(), last), Decision::Allow);
        let (record, last) = fail(&p, 31, Duration::seconds(1));
        assert_eq!(
            p.decide(record.as_ref(), last),
            Decision::Delay(Duration::seconds(2))
        );
        let (record, last) = fail(&p, 100, Duration::seconds(20));
        assert_eq!(
            p.decide(record.as_ref(), last),
            Decision::LockedUntil(last + Duration::minutes(15))
        );
    }

    #[test]
    fn the_stricter_of_email_and_address_wins() {
        let now = t0();
        let email = FailureRecord {
            failures: 10,
            last_failure: now,
        };
        let address = FailureRecord {
            failures: 40,
            last_failure: now,
        };
        assert_eq!(
            decide(Some(&email), Some(&address), now),
            Decision::LockedUntil(now + Duration::minutes(15))
        );
        assert_eq!(
            decide(None, Some(&address), now),
            Decision::Delay(Duration::seconds(16))
        );
        assert_eq!(decide(None, None, now), Decision::Allow);
    }

    #[test]
    fn the_answer_depends_only_on_the_counts_not_on_whether_the_email_exists() {
        // The policy sees no account at all: an email with no account gets the same record, and
        // so the same decisions and the same words, as one with an account.
        let now = t0();
        let record = FailureRecord {
            failures: 10,
            last_failure: now,
        };
        let Decision::LockedUntil(until) = decide(Some(&record), None, now) else {
            panic!("10 failures lock");
        };
        assert_eq!(
            locked_message(until, now),
            "You have tried to sign in too many times. Try again in 15 minutes"
        );
        assert_eq!(
            locked_message(now + Duration::seconds(20), now),
            "You have tried to sign in too many times. Try again in 1 minute"
        );
    }
}
