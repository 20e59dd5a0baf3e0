//! `demo-data --referrals 500 --months 12 [--practice 43210] [--seed 1] --db FILE`: fills a
//! database with invented, plausible referrals so that a newcomer's monitoring page has something
//! in it. No real person: names from a fixed invented list, Ofcom's drama phone numbers
//! (07700 900xxx), `example.com` emails, postcodes of a valid shape with made-up inward codes.
//!
//! Everything goes in the way real work does: each referral is built from answers and checked by
//! signpost-core (`Referral::parse`), its moves are checked by the workflow (`Move::check`) and
//! stored by the casework store, and its follow-ups are issued by `followup::issue_at` and
//! answered through the store, scored by core. The same seed makes the same people and histories
//! (the references, random by design, differ).

use std::collections::BTreeMap;

use clap::Args;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use signpost_core::answers::AnswerValue;
use signpost_core::referral::RawConsent;
use signpost_core::workflow::{Closure, Move, Outcome, Status};
use signpost_core::{
    default_questionnaire, Channel, ConsentPurpose, Instrument, Language, QuestionnaireRef,
    RawReferral, RawWellbeing, Referral, Responses, CONSENT_VERSION, SCHEMA,
};
use time::{Duration, OffsetDateTime};

use super::{block_on, DbArg};
use crate::clock::{calendar_date, timestamp};
use crate::followup;
use crate::hash::sha256_hex;
use crate::store::casework::{NewOnwardReferral, NewStatusChange, NewUptake, Uptake};
use crate::store::{self, CheckinAnswer, Create, Location, NewReferral, Store, Stored};
use crate::wellbeing::Wellbeing;

#[derive(Debug, Args)]
pub struct DemoDataArgs {
    /// How many referrals to invent.
    #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    referrals: u32,
    /// Over how many months before now they arrived.
    #[arg(long, default_value_t = 12, value_parser = clap::value_parser!(u16).range(1..=120))]
    months: u16,
    /// The practice they are for (repeat for several).
    #[arg(long = "practice", default_value = "43210")]
    practices: Vec<String>,
    /// The same seed invents the same people and histories.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    #[command(flatten)]
    db: DbArg,
}

const FIRST_NAMES: &[&str] = &[
    "Ailsa", "Brodie", "Catriona", "Dougie", "Eilidh", "Fergus", "Grace", "Hamish", "Isla",
    "Jamie", "Kirsty", "Lachlan", "Morven", "Niall", "Orla", "Peigi", "Ruaridh", "Shona", "Tam",
    "Una", "Wiktoria", "Yusuf", "Zainab", "Piotr", "Amira",
];
const LAST_NAMES: &[&str] = &[
    "Example",
    "Sample",
    "Placeholder",
    "Fictional",
    "Madeup",
    "Testwood",
    "Demoson",
    "Inventa",
    "Notreal",
    "Pretendy",
];
const ORGANISATIONS: &[&str] = &[
    "Riverside Demo Foodbank",
    "Northfield Example Pantry",
    "Hillhead Sample Welfare Rights",
    "Eastgate Invented Advice Centre",
];
const NEEDS: &[(&str, u32)] = &[
    ("money_and_debt", 20),
    ("benefits", 16),
    ("housing", 10),
    ("food", 14),
    ("fuel_and_energy", 12),
    ("loneliness", 18),
    ("mental_wellbeing", 24),
    ("physical_activity", 8),
    ("alcohol_drugs_gambling", 4),
    ("caring", 6),
    ("work_training_volunteering", 7),
    ("relationships_or_safety", 4),
    ("bereavement", 5),
    ("something_else", 3),
];

pub fn run(args: DemoDataArgs) -> Result<(), String> {
    let location = Location::parse(&args.db.path);
    if let Some(folder) = location.folder() {
        std::fs::create_dir_all(folder).map_err(|e| format!("{}: {e}", folder.display()))?;
    }
    let store = store::open(&location, Create::IfMissing)
        .map_err(|e| format!("{}: {e}", location.described()))?;
    let made = block_on(fill(store.as_ref(), &args, OffsetDateTime::now_utc()))??;
    println!(
        "invented {made} referrals over {} months in {}",
        args.months,
        location.described()
    );
    Ok(())
}

/// Fills `store` as `demo-data --referrals N --months M --practice …` would at `now`, for tests
/// that fill two engines alike.
#[cfg(test)]
pub(crate) async fn fill_as_the_command_would(
    store: &dyn Store,
    referrals: u32,
    months: u16,
    practices: &[&str],
    now: OffsetDateTime,
) -> Result<u32, String> {
    let args = DemoDataArgs {
        referrals,
        months,
        practices: practices.iter().map(|p| p.to_string()).collect(),
        seed: 1,
        db: DbArg {
            path: Default::default(),
        },
    };
    fill(store, &args, now).await
}

/// One invented person and what happens to their referral.
struct Invented {
    referral: Referral,
    received: OffsetDateTime,
    /// How well they are, 1 to 5 (their items gather round it).
    level: f64,
}

async fn fill(store: &dyn Store, args: &DemoDataArgs, now: OffsetDateTime) -> Result<u32, String> {
    let mut rng = StdRng::seed_from_u64(args.seed);
    let questionnaire = default_questionnaire();
    let today = calendar_date(now).ok_or("the clock is past what a date can hold")?;
    let span = Duration::days(i64::from(args.months) * 365 / 12);
    let mut arrivals: Vec<OffsetDateTime> = (0..args.referrals)
        .map(|_| now - span + Duration::seconds(rng.random_range(0..span.whole_seconds())))
        .collect();
    arrivals.sort();
    let mut made = 0;
    for (n, received) in arrivals.into_iter().enumerate() {
        let practice = args.practices.choose(&mut rng).expect("a practice").clone();
        let (raw, level) = invent(&mut rng, &practice);
        let referral = Referral::parse(raw, &questionnaire, today)
            .map_err(|e| format!("an invented referral was refused: {e:?}"))?;
        let person = Invented {
            referral,
            received,
            level,
        };
        let reference = store_one(store, &person, args.seed, n).await?;
        work_on(store, &mut rng, &person, &reference, now).await?;
        made += 1;
    }
    Ok(made)
}

fn one(text: impl Into<String>) -> AnswerValue {
    AnswerValue::One(text.into())
}

fn yes_no(rng: &mut StdRng, yes: f64) -> AnswerValue {
    one(if rng.random_bool(yes) { "yes" } else { "no" })
}

/// A referral's answers as the widget would send them, and the person's wellbeing level.
fn invent(rng: &mut StdRng, practice: &str) -> (RawReferral, f64) {
    let assisted = rng.random_bool(0.3);
    let language = match rng.random_range(0..100) {
        0..=84 => Language::En,
        85..=90 => Language::Pl,
        91..=95 => Language::Ar,
        _ => Language::Gd,
    };
    let mut answers = BTreeMap::new();
    answers.insert("urgent".into(), yes_no(rng, 0.03));
    let total: u32 = NEEDS.iter().map(|(_, w)| w).sum();
    let mut needs: Vec<&str> = Vec::new();
    for _ in 0..rng.random_range(1..=3) {
        let mut pick = rng.random_range(0..total);
        for (need, weight) in NEEDS {
            if pick < *weight {
                if !needs.contains(need) {
                    needs.push(need);
                }
                break;
            }
            pick -= weight;
        }
    }
    // In the questionnaire's order, as the widget sends them.
    needs.sort_by_key(|need| NEEDS.iter().position(|(n, _)| n == need));
    for need in &needs {
        let (question, answer) = match *need {
            "money_and_debt" => ("money_behind_with_bills", yes_no(rng, 0.6)),
            "benefits" => (
                "benefits_situation",
                one(
                    *["not_claiming", "claiming_need_help", "waiting_or_appealing"]
                        .choose(rng)
                        .unwrap(),
                ),
            ),
            "housing" => ("housing_at_risk", yes_no(rng, 0.4)),
            "food" => ("food_gone_without", yes_no(rng, 0.5)),
            "fuel_and_energy" => ("fuel_cannot_heat", yes_no(rng, 0.5)),
            "loneliness" => (
                "loneliness_how_often",
                one(*["often", "some_of_the_time", "occasionally"]
                    .choose(rng)
                    .unwrap()),
            ),
            "mental_wellbeing" => ("mental_wellbeing_has_support", yes_no(rng, 0.3)),
            "alcohol_drugs_gambling" => ("substances_wants_specialist", yes_no(rng, 0.5)),
            "caring" => ("caring_has_support", yes_no(rng, 0.3)),
            "work_training_volunteering" => (
                "work_interests",
                AnswerValue::Many(vec!["volunteering".into()]),
            ),
            "relationships_or_safety" => ("safe_to_contact_at_home", yes_no(rng, 0.6)),
            "bereavement" => ("bereavement_in_last_6_months", yes_no(rng, 0.5)),
            "something_else" => (
                "something_else_detail",
                one("Help finding a walking group."),
            ),
            _ => continue,
        };
        answers.insert(question.into(), answer);
    }
    answers.insert(
        "needs".into(),
        AnswerValue::Many(needs.iter().map(|n| n.to_string()).collect()),
    );
    let first = *FIRST_NAMES.choose(rng).unwrap();
    let last = *LAST_NAMES.choose(rng).unwrap();
    answers.insert("name".into(), one(format!("{first} {last}")));
    answers.insert(
        "date_of_birth".into(),
        one(format!(
            "{}-{:02}-{:02}",
            rng.random_range(1940..=2007),
            rng.random_range(1..=12),
            rng.random_range(1..=28)
        )),
    );
    let letters = b"ABDEFGHJLNPQRSTUWXYZ";
    let letter = |rng: &mut StdRng| letters[rng.random_range(0..letters.len())] as char;
    let postcode = format!(
        "G{} {}{}{}",
        rng.random_range(1..=53),
        rng.random_range(1..=9),
        letter(rng),
        letter(rng)
    );
    answers.insert("postcode".into(), one(postcode));
    if rng.random_bool(0.8) {
        answers.insert(
            "contact_methods".into(),
            AnswerValue::Many(vec!["phone".into()]),
        );
        answers.insert(
            "phone".into(),
            one(format!("07700 900{:03}", rng.random_range(0..1000))),
        );
        answers.insert("safe_voicemail".into(), yes_no(rng, 0.8));
    } else {
        answers.insert(
            "contact_methods".into(),
            AnswerValue::Many(vec!["email".into()]),
        );
        answers.insert(
            "email".into(),
            one(format!(
                "{}.{}@example.com",
                first.to_lowercase(),
                last.to_lowercase()
            )),
        );
    }
    let interpreter = language != Language::En && rng.random_bool(0.6);
    answers.insert(
        "interpreter".into(),
        one(if interpreter { "yes" } else { "no" }),
    );
    if interpreter {
        let spoken = match language {
            Language::Pl => "Polish",
            Language::Ar => "Arabic",
            _ => "Gaelic",
        };
        answers.insert("interpreter_language".into(), one(spoken));
    }
    let level = rng.random_range(1.6..3.6);
    let wellbeing = rng.random_bool(0.8).then(|| {
        let instrument = if rng.random_bool(0.7) {
            Instrument::Wemwbs
        } else {
            Instrument::Swemwbs
        };
        RawWellbeing {
            instrument,
            // Answers given with help run a little higher (the reason they are kept apart).
            items: items(rng, instrument, level + if assisted { 0.1 } else { 0.0 }),
        }
    });
    let mut purposes = vec![ConsentPurpose::ShareWithService, ConsentPurpose::ContactMe];
    if rng.random_bool(0.75) {
        purposes.push(ConsentPurpose::Evaluation);
    }
    let raw = RawReferral {
        schema: SCHEMA.to_owned(),
        practice: practice.to_owned(),
        channel: if assisted {
            Channel::Assisted
        } else {
            Channel::SelfReferral
        },
        organisation: assisted.then(|| ORGANISATIONS.choose(rng).unwrap().to_string()),
        language,
        questionnaire: QuestionnaireRef {
            id: "signpost-self-referral".into(),
            version: "2026-11-25".into(),
        },
        answers,
        wellbeing,
        consent: RawConsent {
            version: CONSENT_VERSION.to_owned(),
            purposes,
        },
    };
    (raw, level)
}

/// Item responses round `level`, each 1 to 5.
fn items(rng: &mut StdRng, instrument: Instrument, level: f64) -> Vec<u8> {
    (0..instrument.item_count())
        .map(|_| {
            (level + rng.random_range(-1.2..1.2))
                .round()
                .clamp(1.0, 5.0) as u8
        })
        .collect()
}

async fn store_one(
    store: &dyn Store,
    person: &Invented,
    seed: u64,
    n: usize,
) -> Result<String, String> {
    let body = RawReferral::from(&person.referral).to_json();
    let new = NewReferral::new(
        &person.referral,
        format!("demo-{seed}-{n}"),
        sha256_hex(body.as_bytes()),
        timestamp(person.received),
    );
    match store.store_referral(new).await.map_err(|e| e.to_string())? {
        Stored::Created(receipt) | Stored::Replayed(receipt) => Ok(receipt.reference),
        Stored::KeyReused => Err("the database already holds other demo data".into()),
    }
}

/// The invented link worker who does the work (account numbers start at 1; none is 0).
const DEMO_WORKER: i64 = 0;

/// Moves the referral on as a link worker might, up to `now`, with onward referrals and a
/// follow-up check-in twelve weeks in.
async fn work_on(
    store: &dyn Store,
    rng: &mut StdRng,
    person: &Invented,
    reference: &str,
    now: OffsetDateTime,
) -> Result<(), String> {
    let hours = |rng: &mut StdRng, low: f64, high: f64| {
        Duration::minutes((rng.random_range(low..high) * 60.0) as i64)
    };
    let mut at = person.received;
    let mut status = Status::New;
    let mut step = |to: Status, closure: Option<Closure>, at: OffsetDateTime| {
        let change = Move::check(status, to, closure).expect("the demo follows the workflow");
        status = to;
        NewStatusChange {
            reference: reference.to_owned(),
            change,
            reason: None,
            by: DEMO_WORKER,
            at,
        }
    };
    let mut moves = Vec::new();
    // Most are reached within a few days; some never are.
    let slowest = if rng.random_bool(0.8) { 96.0 } else { 400.0 };
    at += hours(rng, 1.0, slowest);
    if rng.random_bool(0.08) {
        moves.push(step(
            Status::Closed,
            Some(Closure::CouldNotContact),
            at + Duration::days(14),
        ));
    } else {
        moves.push(step(Status::Contacted, None, at));
        at += hours(rng, 24.0, 240.0);
        if rng.random_bool(0.1) {
            let closure = if rng.random_bool(0.5) {
                Closure::Declined
            } else {
                Closure::NotSuitable
            };
            moves.push(step(Status::Closed, Some(closure), at));
        } else {
            moves.push(step(Status::Supporting, None, at));
            if rng.random_bool(0.1) {
                at += hours(rng, 100.0, 400.0);
                moves.push(step(Status::OnHold, None, at));
                at += hours(rng, 100.0, 600.0);
                moves.push(step(Status::Supporting, None, at));
            }
            at += hours(rng, 400.0, 2000.0);
            let outcome = *[
                Outcome::SupportGiven,
                Outcome::ConnectedToService,
                Outcome::ReferredOn,
            ]
            .choose(rng)
            .unwrap();
            moves.push(step(Status::Closed, Some(Closure::Completed(outcome)), at));
        }
    }
    let mut connected = false;
    for change in moves.into_iter().take_while(|m| m.at <= now) {
        let (to, moved_at) = (change.change.to(), change.at);
        store
            .change_status(change)
            .await
            .map_err(|e| e.to_string())?;
        // Half of those supported are connected to a service, once.
        if to == Status::Supporting && !connected && rng.random_bool(0.5) {
            connected = true;
            onward(
                store,
                rng,
                person,
                reference,
                moved_at + Duration::days(3),
                now,
            )
            .await?;
        }
    }
    follow_up(store, rng, person, reference, now).await
}

async fn onward(
    store: &dyn Store,
    rng: &mut StdRng,
    person: &Invented,
    reference: &str,
    at: OffsetDateTime,
    now: OffsetDateTime,
) -> Result<(), String> {
    let needs = match person.referral.answers().get("needs") {
        Some(AnswerValue::Many(needs)) => needs.clone(),
        _ => return Ok(()),
    };
    let kind = needs
        .choose(rng)
        .cloned()
        .unwrap_or_else(|| "mental_wellbeing".into());
    let added = NewOnwardReferral {
        reference: reference.to_owned(),
        kind,
        link: None,
        by: DEMO_WORKER,
        at,
    };
    store
        .add_onward_referral(added)
        .await
        .map_err(|e| e.to_string())?;
    let uptake_at = at + Duration::days(rng.random_range(7..28));
    let uptake = match rng.random_range(0..100) {
        0..=54 => Uptake::Yes,
        55..=74 => Uptake::No,
        _ => return Ok(()),
    };
    if uptake_at > now {
        return Ok(());
    }
    let record = store
        .case_record(reference)
        .await
        .map_err(|e| e.to_string())?
        .ok_or("the referral just stored is there")?;
    let onward_id = record
        .onward
        .last()
        .map(|o| o.id)
        .ok_or("the onward referral just added")?;
    let new = NewUptake {
        reference: reference.to_owned(),
        onward_id,
        uptake,
        by: DEMO_WORKER,
        at: uptake_at,
    };
    store.record_uptake(new).await.map_err(|e| e.to_string())?;
    Ok(())
}

/// Twelve weeks in, a link; six in ten of those with a baseline answer it within a fortnight, a
/// little better on average than at the start.
async fn follow_up(
    store: &dyn Store,
    rng: &mut StdRng,
    person: &Invented,
    reference: &str,
    now: OffsetDateTime,
) -> Result<(), String> {
    let Some(baseline) = person.referral.wellbeing() else {
        return Ok(());
    };
    let issued_at = person.received + Duration::weeks(12);
    if issued_at > now {
        return Ok(());
    }
    let issued = followup::issue_at(store, reference, 30, issued_at)
        .await
        .map_err(|e| e.to_string())?;
    let answered_at = issued_at + Duration::hours(rng.random_range(2..336));
    if !rng.random_bool(0.6) || answered_at > now {
        return Ok(());
    }
    let instrument = baseline.instrument();
    let better = rng.random_range(-0.2..0.6);
    let later = items(rng, instrument, person.level + better);
    let responses = Responses::parse(instrument, &later).map_err(|e| format!("{e:?}"))?;
    let answer = CheckinAnswer {
        wellbeing: Wellbeing::score(&responses),
        language: person.referral.language(),
    };
    store
        .answer_checkin(&issued.token.hash(), answer, answered_at)
        .await
        .map_err(|e| e.to_string())?;
    Ok(())
}
