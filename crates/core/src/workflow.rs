//! A referral's status as a link worker moves it on, and the rules for each move: plain data and
//! functions, tested natively like the widget's journey reducer. The inbox shows the moves
//! [`allowed`] permits; the store refuses the others.
//!
//! The statuses are in a link worker's words and follow FHIR `Task.status` as the HL7 Gravity
//! SDOH Clinical Care guide uses it for a referral (`requested → accepted → in-progress ⇄ on-hold
//! → completed | failed | rejected | cancelled`):
//!
//! ```text
//! New ──► Contacted ──► Supporting ◄──► On hold
//!  │          │             │              │
//!  └──────────┴──────┬──────┴──────────────┘
//!                    ▼
//!            Closed, with a reason: Completed (an outcome), Could not contact, Declined,
//!            Not suitable
//! ```
//!
//! Closing always needs a [`Closure`]: "closed" alone says nothing an evaluation can count.
//! A closed referral stays closed; someone who comes back is referred again.

/// Where a referral is. [`Status::as_str`] is the stable name stored and sent; `Supporting` is
/// stored as `active`, the name migration 0001 gave it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Status {
    /// Received, nobody has spoken to the person yet (FHIR `requested`).
    New,
    /// A link worker has reached the person and taken the referral on (FHIR `accepted`).
    Contacted,
    /// Support is under way (FHIR `in-progress`).
    Supporting,
    /// Paused, for example while the person is in hospital (FHIR `on-hold`).
    OnHold,
    /// Finished; how is in its [`Closure`].
    Closed,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::New,
        Status::Contacted,
        Status::Supporting,
        Status::OnHold,
        Status::Closed,
    ];

    /// The stable name stored and sent (`new`, `contacted`, `active`, `on_hold`, `closed`).
    pub fn as_str(self) -> &'static str {
        match self {
            Status::New => "new",
            Status::Contacted => "contacted",
            Status::Supporting => "active",
            Status::OnHold => "on_hold",
            Status::Closed => "closed",
        }
    }

    /// The status whose stable name ([`Status::as_str`]) is `name`.
    pub fn from_name(name: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.as_str() == name)
    }

    /// What a link worker calls it.
    pub fn label(self) -> &'static str {
        match self {
            Status::New => "New",
            Status::Contacted => "Contacted",
            Status::Supporting => "Supporting",
            Status::OnHold => "On hold",
            Status::Closed => "Closed",
        }
    }

    pub fn is_open(self) -> bool {
        self != Status::Closed
    }

    /// FHIR `Task.status` for an open referral; `None` for a closed one, whose status is its
    /// [`Closure::fhir_task_status`].
    pub fn fhir_task_status(self) -> Option<&'static str> {
        match self {
            Status::New => Some("requested"),
            Status::Contacted => Some("accepted"),
            Status::Supporting => Some("in-progress"),
            Status::OnHold => Some("on-hold"),
            Status::Closed => None,
        }
    }
}

/// Whether a referral may move from `from` to `to`. Staying put is not a move.
pub fn allowed(from: Status, to: Status) -> bool {
    use Status::*;
    matches!(
        (from, to),
        (New, Contacted)
            | (Contacted, Supporting)
            | (Contacted, OnHold)
            | (Supporting, OnHold)
            | (OnHold, Supporting)
            | (New | Contacted | Supporting | OnHold, Closed)
    )
}

/// Whether the move to `to` needs a reason: closing does, and nothing else.
pub fn needs_reason(to: Status) -> bool {
    to == Status::Closed
}

/// What the support came to, when it was completed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// The link worker's own support met the person's needs.
    SupportGiven,
    /// The person was connected to a community group or service and is going.
    ConnectedToService,
    /// Handed on to a statutory or clinical service (the GP, mental health, social work).
    ReferredOn,
}

impl Outcome {
    pub const ALL: [Outcome; 3] = [
        Outcome::SupportGiven,
        Outcome::ConnectedToService,
        Outcome::ReferredOn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::SupportGiven => "support_given",
            Outcome::ConnectedToService => "connected_to_service",
            Outcome::ReferredOn => "referred_on",
        }
    }

    pub fn from_name(name: &str) -> Option<Outcome> {
        Outcome::ALL.into_iter().find(|o| o.as_str() == name)
    }

    pub fn label(self) -> &'static str {
        match self {
            Outcome::SupportGiven => "Support given",
            Outcome::ConnectedToService => "Connected to a service",
            Outcome::ReferredOn => "Referred on",
        }
    }
}

/// Why a referral was closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Closure {
    Completed(Outcome),
    /// Tried and could not reach the person (or lost touch).
    CouldNotContact,
    /// The person said they no longer want the support.
    Declined,
    /// The service is not the right one for what the person needs.
    NotSuitable,
}

impl Closure {
    /// The stable name stored and sent; a completed closure's outcome is stored beside it.
    pub fn as_str(self) -> &'static str {
        match self {
            Closure::Completed(_) => "completed",
            Closure::CouldNotContact => "could_not_contact",
            Closure::Declined => "declined",
            Closure::NotSuitable => "not_suitable",
        }
    }

    /// The closure named `name`, with `outcome`, which `completed` needs and the others refuse.
    pub fn from_names(name: &str, outcome: Option<&str>) -> Option<Closure> {
        match (name, outcome) {
            ("completed", Some(outcome)) => Outcome::from_name(outcome).map(Closure::Completed),
            ("could_not_contact", None) => Some(Closure::CouldNotContact),
            ("declined", None) => Some(Closure::Declined),
            ("not_suitable", None) => Some(Closure::NotSuitable),
            _ => None,
        }
    }

    pub fn outcome(self) -> Option<Outcome> {
        match self {
            Closure::Completed(outcome) => Some(outcome),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Closure::Completed(_) => "Completed",
            Closure::CouldNotContact => "Could not contact",
            Closure::Declined => "Declined",
            Closure::NotSuitable => "Not suitable",
        }
    }

    /// FHIR `Task.status` of a referral closed so. Gravity's meanings: `failed` was attempted and
    /// could not be done; `rejected`, the performer would not take it on; `cancelled`, it was
    /// withdrawn (here by the person, who asked for it).
    pub fn fhir_task_status(self) -> &'static str {
        match self {
            Closure::Completed(_) => "completed",
            Closure::CouldNotContact => "failed",
            Closure::Declined => "cancelled",
            Closure::NotSuitable => "rejected",
        }
    }

    /// Whether a referral at `from` may close for this reason: only support that started can be
    /// completed, and "not suitable" is decided before support starts.
    pub fn allowed_from(self, from: Status) -> bool {
        use Status::*;
        match self {
            Closure::Completed(_) => matches!(from, Contacted | Supporting | OnHold),
            Closure::CouldNotContact | Closure::Declined => from.is_open(),
            Closure::NotSuitable => matches!(from, New | Contacted),
        }
    }
}

/// A move the rules allow, with its reason when it needs one. Only [`Move::check`] makes one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Move {
    from: Status,
    to: Status,
    closure: Option<Closure>,
}

/// Why a move is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoveError {
    /// No such move (e.g. from Closed, or from New straight to Supporting).
    NotAllowed { from: Status, to: Status },
    /// Closing needs a reason.
    ReasonMissing,
    /// Only closing takes a reason.
    ReasonUnexpected,
    /// A reason that does not fit where the referral is (e.g. Completed from New).
    ReasonNotAllowed { from: Status, closure: Closure },
}

impl MoveError {
    pub fn code(&self) -> &'static str {
        match self {
            MoveError::NotAllowed { .. } => "status_move_not_allowed",
            MoveError::ReasonMissing => "closure_missing",
            MoveError::ReasonUnexpected => "closure_unexpected",
            MoveError::ReasonNotAllowed { .. } => "closure_not_allowed",
        }
    }
}

impl Move {
    /// Checks a move from `from` to `to` with its reason, if any.
    pub fn check(from: Status, to: Status, closure: Option<Closure>) -> Result<Move, MoveError> {
        if !allowed(from, to) {
            return Err(MoveError::NotAllowed { from, to });
        }
        match (needs_reason(to), closure) {
            (true, None) => Err(MoveError::ReasonMissing),
            (false, Some(_)) => Err(MoveError::ReasonUnexpected),
            (true, Some(closure)) if !closure.allowed_from(from) => {
                Err(MoveError::ReasonNotAllowed { from, closure })
            }
            _ => Ok(Move { from, to, closure }),
        }
    }

    pub fn from(self) -> Status {
        self.from
    }
    pub fn to(self) -> Status {
        self.to
    }
    pub fn closure(self) -> Option<Closure> {
        self.closure
    }

    /// FHIR `Task.status` after the move.
    pub fn fhir_task_status(self) -> &'static str {
        match self.closure {
            Some(closure) => closure.fhir_task_status(),
            None => self
                .to
                .fhir_task_status()
                .expect("only a move to Closed has no open status, and it has a closure"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Status::*;

    const EVERY_CLOSURE: [Closure; 6] = [
        Closure::Completed(Outcome::SupportGiven),
        Closure::Completed(Outcome::ConnectedToService),
        Closure::Completed(Outcome::ReferredOn),
        Closure::CouldNotContact,
        Closure::Declined,
        Closure::NotSuitable,
    ];

    #[test]
    fn the_usual_path_is_allowed_step_by_step() {
        let path = [New, Contacted, Supporting, OnHold, Supporting, Closed];
        for step in path.windows(2) {
            assert!(allowed(step[0], step[1]), "{:?} → {:?}", step[0], step[1]);
        }
    }

    #[test]
    fn steps_are_not_skipped_or_taken_back_and_closed_is_final() {
        for (from, to) in [
            (New, Supporting),
            (New, OnHold),
            (Contacted, New),
            (Supporting, Contacted),
            (OnHold, Contacted),
        ] {
            assert!(!allowed(from, to), "{from:?} → {to:?}");
        }
        for to in Status::ALL {
            assert!(!allowed(Closed, to), "Closed → {to:?}");
        }
        for status in Status::ALL {
            assert!(!allowed(status, status), "{status:?} stays put");
        }
    }

    #[test]
    fn every_open_status_can_close_and_only_closing_needs_a_reason() {
        for from in Status::ALL.into_iter().filter(|s| s.is_open()) {
            assert!(allowed(from, Closed), "{from:?}");
        }
        assert_eq!(
            Status::ALL.map(needs_reason),
            [false, false, false, false, true]
        );
        assert_eq!(
            Move::check(Supporting, Closed, None),
            Err(MoveError::ReasonMissing)
        );
        assert_eq!(
            Move::check(New, Contacted, Some(Closure::Declined)),
            Err(MoveError::ReasonUnexpected)
        );
        assert_eq!(
            Move::check(New, Supporting, None),
            Err(MoveError::NotAllowed {
                from: New,
                to: Supporting
            })
        );
    }

    #[test]
    fn a_reason_must_fit_where_the_referral_is() {
        let completed = Closure::Completed(Outcome::SupportGiven);
        assert_eq!(
            Move::check(New, Closed, Some(completed)),
            Err(MoveError::ReasonNotAllowed {
                from: New,
                closure: completed
            })
        );
        assert!(Move::check(Supporting, Closed, Some(completed)).is_ok());
        assert!(Move::check(New, Closed, Some(Closure::NotSuitable)).is_ok());
        assert!(Move::check(Supporting, Closed, Some(Closure::NotSuitable)).is_err());
        for from in [New, Contacted, Supporting, OnHold] {
            assert!(Move::check(from, Closed, Some(Closure::CouldNotContact)).is_ok());
            assert!(Move::check(from, Closed, Some(Closure::Declined)).is_ok());
        }
    }

    #[test]
    fn fhir_task_statuses_follow_the_gravity_guide() {
        assert_eq!(
            Status::ALL.map(Status::fhir_task_status),
            [
                Some("requested"),
                Some("accepted"),
                Some("in-progress"),
                Some("on-hold"),
                None
            ]
        );
        assert_eq!(
            EVERY_CLOSURE.map(Closure::fhir_task_status),
            [
                "completed",
                "completed",
                "completed",
                "failed",
                "cancelled",
                "rejected"
            ]
        );
        let closing = Move::check(New, Closed, Some(Closure::CouldNotContact)).unwrap();
        assert_eq!(closing.fhir_task_status(), "failed");
        let resuming = Move::check(OnHold, Supporting, None).unwrap();
        assert_eq!(resuming.fhir_task_status(), "in-progress");
        assert_eq!(
            (resuming.from(), resuming.to(), resuming.closure()),
            (OnHold, Supporting, None)
        );
    }

    #[test]
    fn names_are_stable_and_read_back() {
        assert_eq!(
            Status::ALL.map(Status::as_str),
            ["new", "contacted", "active", "on_hold", "closed"]
        );
        for status in Status::ALL {
            assert_eq!(Status::from_name(status.as_str()), Some(status));
        }
        assert_eq!(Status::from_name("supporting"), None);
        assert_eq!(Supporting.label(), "Supporting");
        assert_eq!(OnHold.label(), "On hold");
        for closure in EVERY_CLOSURE {
            let outcome = closure.outcome().map(Outcome::as_str);
            assert_eq!(
                Closure::from_names(closure.as_str(), outcome),
                Some(closure)
            );
        }
        assert_eq!(Closure::from_names("completed", None), None);
        assert_eq!(Closure::from_names("declined", Some("support_given")), None);
        assert_eq!(
            Closure::from_names("completed", Some("cured")),
            None,
            "an unknown outcome"
        );
        assert_eq!(Closure::Completed(Outcome::ReferredOn).label(), "Completed");
        assert_eq!(
            Outcome::ConnectedToService.label(),
            "Connected to a service"
        );
    }

    #[test]
    fn move_errors_have_stable_codes() {
        assert_eq!(MoveError::ReasonMissing.code(), "closure_missing");
        assert_eq!(
            MoveError::NotAllowed {
                from: Closed,
                to: New
            }
            .code(),
            "status_move_not_allowed"
        );
    }
}
