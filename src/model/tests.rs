//! Model and consolidation on in-memory notes: no files, the real parser and
//! resolver.

use crate::config::{Config, ObsidianSettings};
use crate::consolidate::{Strength, consolidate, is_followed_up};
use crate::model::{ObservationKind, ResearchModel, build_model};
use crate::resolve::{Vault, resolve_reusing};

/// A vault of `(path, text)` notes, parsed and resolved in memory.
fn vault(notes: &[(&str, &str)]) -> Vault {
    let all: Vec<&str> = notes.iter().map(|(path, _)| *path).collect();
    vault_reparsing(notes, &all)
}

/// [`vault`], as `watch` loads it: only the notes in `reparsed` count as
/// parsed afresh, the others as kept from the last load.
fn vault_reparsing(notes: &[(&str, &str)], reparsed: &[&str]) -> Vault {
    let (scan, parsed) = crate::resolve::tests::scan_and_notes(notes, reparsed);
    resolve_reusing(scan, parsed, ObsidianSettings::default(), None)
}

fn model(notes: &[(&str, &str)]) -> (Vault, ResearchModel) {
    let vault = vault(notes);
    let model = build_model(&vault, &Config::default());
    (vault, model)
}

const PEOPLE: &[(&str, &str)] = &[
    (
        "People/Ann.md",
        "---\ntype: person\nrole: operator\ncompany: \"[[Acme]]\"\n---\n",
    ),
    (
        "People/Bob.md",
        "---\ntype: person\nrole: Manager\ncompany: \"[[Acme]]\"\n---\n",
    ),
    (
        "People/Cid.md",
        "---\ntype: person\nrole: operator\ncompany: \"[[Globex]]\"\n---\n",
    ),
    (
        "People/Dee.md",
        "---\ntype: person\ncompany: Initech\n---\n",
    ),
    ("Companies/Acme.md", "---\ntype: company\n---\n"),
    ("Companies/Globex.md", "---\ntype: company\n---\n"),
    ("Insights/Slow.md", "---\ntype: insight\n---\n"),
    ("Jobs/Plan work.md", "---\ntype: job\n---\n"),
];

fn with_people<'a>(extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut notes = PEOPLE.to_vec();
    notes.extend_from_slice(extra);
    notes
}

fn interview(participant: &str, date: &str, body: &str) -> String {
    format!("---\ntype: interview\ndate: {date}\nparticipant: \"[[{participant}]]\"\n---\n{body}")
}

#[test]
fn role_and_company_fall_back_to_the_person_note() {
    let text = interview("Ann", "2026-01-05", "## Learned\n- slow [[Slow]]\n");
    let (_, model) = model(&with_people(&[("I/One.md", &text)]));
    let participant = &model.interviews[0].participants[0];
    assert_eq!(participant.role.as_ref().unwrap().key, "operator");
    assert_eq!(participant.company.as_ref().unwrap().name, "Acme");
    assert!(model.diagnostics.is_empty(), "{:?}", model.diagnostics);
}

#[test]
fn the_interviews_own_role_wins_for_one_participant() {
    let text =
        "---\ntype: interview\ndate: 2026-01-05\nparticipant: \"[[Ann]]\"\nrole: Supervisor\n---\n";
    let (_, model) = model(&with_people(&[("I/One.md", text)]));
    assert_eq!(
        model.interviews[0].participants[0]
            .role
            .as_ref()
            .unwrap()
            .key,
        "supervisor"
    );
}

#[test]
fn group_interviews_count_each_participant_with_their_own_role() {
    let text = "---\ntype: interview\ndate: 2026-01-05\nparticipant: [\"[[Ann]]\", \"[[Bob]]\", \"[[Dee]]\"]\nrole: visitor\n---\n## Learned\n- slow [[Slow]]\n";
    let (vault, model) = model(&with_people(&[("I/Group.md", text)]));
    let roles: Vec<&str> = model.interviews[0]
        .participants
        .iter()
        .map(|p| p.role.as_ref().unwrap().key.as_str())
        .collect();
    // Dee has no role of her own: she takes the interview's.
    assert_eq!(roles, ["operator", "manager", "visitor"]);
    let consolidation = consolidate(&model, &vault.diagnostics, &Config::default());
    let slow = &consolidation.insights[0];
    assert_eq!(slow.participants.len(), 3);
    assert_eq!(slow.companies.len(), 2, "Acme twice, Initech as text");
    assert!(slow.mixed_roles);
    assert_eq!(slow.by_role.len(), 3);
}

#[test]
fn missing_role_is_a_schema_problem() {
    let text = interview("Dee", "2026-01-05", "");
    let (_, model) = model(&with_people(&[("I/One.md", &text)]));
    let codes: Vec<&str> = model.diagnostics.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, ["role-not-found"]);
}

#[test]
fn an_insight_status_other_than_open_validated_or_rejected_is_a_warning_and_kept() {
    let (_, model) = model(&[
        (
            "Insights/Done.md",
            "---\ntype: insight\nStatus: Done\n---\n",
        ),
        (
            "Insights/Yes.md",
            "---\ntype: insight\nstatus: Validated\n---\n",
        ),
        ("Insights/Open.md", "---\ntype: insight\n---\n"),
        (
            "Insights/Two.md",
            "---\ntype: insight\nstatus: [open, rejected]\n---\n",
        ),
    ]);
    let found: Vec<(String, &str, u32)> = model
        .diagnostics
        .iter()
        .map(|d| {
            let line = d.location.as_ref().map_or(0, |l| l.start.line);
            (d.path.to_string(), d.code.as_str(), line)
        })
        .collect();
    assert_eq!(
        found,
        [
            ("Insights/Done.md".to_owned(), "invalid-property", 3),
            ("Insights/Two.md".to_owned(), "invalid-property", 3)
        ]
    );
    assert_eq!(model.diagnostics[0].severity.as_str(), "warning");
    assert!(model.diagnostics[1].message.contains("has 2 values"));
    let statuses: Vec<&str> = model.insights.iter().map(|i| i.status.as_str()).collect();
    assert_eq!(statuses, ["done", "open", "open, rejected", "validated"]);
}

#[test]
fn schema_problems() {
    let no_date = "---\ntype: Interview\nparticipant: Zed\nrole: x\n---\n";
    let bad_date = "---\ntype: interview\ndate: next week\nparticipant: Zed\nrole: x\nplan: \"[[Slow]]\"\n---\n";
    let (_, model) = model(&with_people(&[
        ("I/A.md", no_date),
        ("I/B.md", bad_date),
        ("I/C.md", "---\ntype: interview\ndate: 2026-01-01\n---\n"),
    ]));
    let mut found: Vec<(String, &str)> = model
        .diagnostics
        .iter()
        .map(|d| (d.path.to_string(), d.code.as_str()))
        .collect();
    found.sort();
    assert_eq!(
        found,
        [
            ("I/A.md".to_owned(), "missing-property"),
            ("I/B.md".to_owned(), "invalid-property"),
            ("I/B.md".to_owned(), "wrong-link-type"),
            ("I/C.md".to_owned(), "missing-property"),
        ]
    );
    // The invalid date points at its line.
    let bad = model
        .diagnostics
        .iter()
        .find(|d| d.code.as_str() == "invalid-property")
        .unwrap();
    assert_eq!(bad.location.as_ref().unwrap().start.line, 3);
}

#[test]
fn property_keys_match_loosely_and_values_are_lenient() {
    let text = "---\nTYPE: interview\nDate: [2026-01-05]\nParticipant: Ann\nFollow up of: \"[[I/Zero]]\"\n---\n";
    let zero = interview("Ann", "2026-01-01", "");
    let (_, model) = model(&with_people(&[("I/One.md", text), ("I/Zero.md", &zero)]));
    let one = model
        .interviews
        .iter()
        .find(|i| i.note.title() == "One")
        .unwrap();
    assert_eq!(
        one.date.unwrap().to_string(),
        "2026-01-05",
        "a list of one date is one date"
    );
    assert_eq!(
        one.participants[0].person.name, "Ann",
        "text matching a person note's title is that person"
    );
    assert!(one.follow_up_of.is_some());
}

#[test]
fn signal_tags_and_callout_kinds_come_from_the_configuration() {
    let config = crate::config::parse(
        "[signals]\npain = [\"#Frustration\", \"pain\"]\ncontradicts = [\"but\"]\n[callouts]\ninsight = [\"finding\"]\n",
    )
    .unwrap();
    let body = "## Learned\n- slow [[Slow]] #frustration\n- also slow [[Slow]] #but\n- old tag [[Slow]] #pain #contradicts\n\n> [!finding] Seen\n> a finding\n\n> [!insight] Not one now\n> text\n";
    let text = interview("Ann", "2026-01-05", body);
    let vault = vault(&with_people(&[("I/One.md", &text)]));
    let model = build_model(&vault, &config);
    let seen: Vec<(ObservationKind, bool, bool)> = model
        .observations
        .iter()
        .map(|o| (o.kind, o.signals.pain, o.signals.contradicts))
        .collect();
    assert_eq!(
        seen,
        [
            (ObservationKind::Learned, true, false),
            (ObservationKind::Learned, false, true),
            // `#contradicts` is no longer a signal: only `#but` is.
            (ObservationKind::Learned, true, false),
            (ObservationKind::Learned, false, false),
        ]
    );
    assert!(model.observations[3].text.contains("a finding"));
}

#[test]
fn observations_from_sections_and_callouts() {
    let body = "## What we learned\n- first [[Slow]] #pain ^a1\n  - nested detail\n- second [[Plan work]] #step/execute\n\n### Detail\n- third, under a sub-heading\n\n## Quotes\n1. \"quoted\"\n\n## Notes\n- not an observation\n\n> [!surprise] Big one\n> it was [[Slow]] #contradicts\n";
    let text = interview("Ann", "2026-01-05", body);
    let (_, model) = model(&with_people(&[("I/One.md", &text)]));
    let kinds: Vec<(ObservationKind, &str)> = model
        .observations
        .iter()
        .map(|o| (o.kind, o.text.lines().next().unwrap()))
        .collect();
    assert_eq!(
        kinds,
        [
            (ObservationKind::Learned, "first [[Slow]] #pain"),
            (
                ObservationKind::Learned,
                "second [[Plan work]] #step/execute"
            ),
            (ObservationKind::Learned, "third, under a sub-heading"),
            (ObservationKind::Quote, "\"quoted\""),
            (ObservationKind::Surprise, "it was [[Slow]] #contradicts"),
        ]
    );
    let first = &model.observations[0];
    assert_eq!(first.anchor.subpath().as_deref(), Some("#^a1"));
    assert!(first.signals.pain);
    assert_eq!(first.text, "first [[Slow]] #pain\n- nested detail");
    assert_eq!(
        model.observations[2].anchor.subpath().as_deref(),
        Some("#Detail")
    );
    assert_eq!(
        model.observations[1].steps,
        [crate::model::JobStep::Execute]
    );
    assert!(model.observations[4].signals.contradicts);
}

#[test]
fn counter_evidence_counts_only_against() {
    let one = interview(
        "Ann",
        "2026-01-05",
        "## Learned\n- slow [[Slow]] [[Slow]]\n",
    );
    let two = interview(
        "Cid",
        "2026-01-06",
        "## Learned\n- not slow at all [[Slow]] #contradicts\n",
    );
    let (vault, model) = model(&with_people(&[("I/One.md", &one), ("I/Two.md", &two)]));
    let consolidation = consolidate(&model, &vault.diagnostics, &Config::default());
    let slow = &consolidation.insights[0];
    assert_eq!(slow.evidence.len(), 1, "linked twice, counted once");
    assert_eq!(slow.counter_evidence.len(), 1);
    assert_eq!(slow.participants.len(), 1, "Cid only contradicts");
    assert_eq!(slow.strength, Strength::Individual);
    assert!(slow.needs_validation);
}

#[test]
fn strength_thresholds_at_their_edges_on_real_evidence() {
    let interviews = [
        (
            "I/1.md",
            interview("Ann", "2026-01-01", "## Learned\n- slow [[Slow]]\n"),
        ),
        (
            "I/2.md",
            interview("Bob", "2026-01-02", "## Learned\n- slow [[Slow]]\n"),
        ),
        (
            "I/3.md",
            interview("Cid", "2026-01-03", "## Learned\n- slow [[Slow]]\n"),
        ),
    ];
    let strengths: Vec<Strength> = (1..=3)
        .map(|count| {
            let extra: Vec<(&str, &str)> = interviews[..count]
                .iter()
                .map(|(p, t)| (*p, t.as_str()))
                .collect();
            let mut notes = PEOPLE.to_vec();
            notes.extend(extra);
            let (vault, model) = model(&notes);
            consolidate(&model, &vault.diagnostics, &Config::default()).insights[0].strength
        })
        .collect();
    // Ann and Bob are both at Acme: two participants, one company; Cid adds Globex.
    assert_eq!(
        strengths,
        [Strength::Individual, Strength::Recurring, Strength::Pattern]
    );
}

#[test]
fn surprises_only_need_validation() {
    let notes = [
        (
            "I/1.md",
            interview("Ann", "2026-01-01", "## Surprises\n- slow [[Slow]]\n"),
        ),
        (
            "I/2.md",
            interview("Bob", "2026-01-02", "## Surprises\n- slow [[Slow]]\n"),
        ),
        (
            "I/3.md",
            interview("Cid", "2026-01-03", "## Surprises\n- slow [[Slow]]\n"),
        ),
    ];
    let mut all = PEOPLE.to_vec();
    all.extend(notes.iter().map(|(p, t)| (*p, t.as_str())));
    let (vault, model) = model(&all);
    let slow = &consolidate(&model, &vault.diagnostics, &Config::default()).insights[0];
    assert_eq!(slow.strength, Strength::Pattern);
    assert!(slow.only_surprises && slow.needs_validation);
}

#[test]
fn follow_up_chains() {
    let first = interview("Ann", "2026-01-01", "## Learned\n- slow [[Slow]]\n");
    let second = "---\ntype: interview\ndate: 2026-01-10\nparticipant: \"[[Cid]]\"\nfollow-up-of: \"[[I/1]]\"\n---\n";
    let third = "---\ntype: interview\ndate: 2026-01-20\nparticipant: \"[[Ann]]\"\nfollow-up-of: \"[[I/2]]\"\n---\n";
    let other = interview(
        "Bob",
        "2026-01-03",
        "## Learned\n- planning [[Plan work]]\n- slow [[Slow]] [[Plan work]]\n",
    );
    let (vault, model) = model(&with_people(&[
        ("I/1.md", &first),
        ("I/2.md", second),
        ("I/3.md", third),
        ("I/4.md", &other),
    ]));
    let index = |title: &str| {
        model
            .interviews
            .iter()
            .position(|i| i.note.title() == title)
            .unwrap()
    };
    let ann = &model.interviews[index("1")].participants[0].person.key;
    // Ann is followed up two links down the chain (1 → 2 → 3).
    assert!(is_followed_up(&model, index("1"), ann));
    let consolidation = consolidate(&model, &vault.diagnostics, &Config::default());
    let names: Vec<&str> = consolidation.insights[0]
        .follow_ups
        .iter()
        .map(|f| f.person.name.as_str())
        .collect();
    assert_eq!(
        names,
        ["Bob"],
        "Ann was followed up; Bob raised it and was not"
    );
}

#[test]
fn a_plan_target_given_per_role_is_said_to_be_one_number() {
    let plan =
        "---\ntype: plan\nroles: [operator, manager]\ntarget:\n  operator: 3\n  manager: 1\n---\n";
    let (_, model) = model(&[("Plans/P.md", plan)]);
    let found: Vec<(&str, u32)> = model
        .diagnostics
        .iter()
        .map(|d| {
            (
                d.code.as_str(),
                d.location.as_ref().map_or(0, |l| l.start.line),
            )
        })
        .collect();
    assert_eq!(found, [("invalid-property", 4)]);
    assert!(model.diagnostics[0].message.contains("one number"));
    assert_eq!(model.plans[0].target, None);
}

#[test]
fn plan_coverage_and_question_answers() {
    let plan = "---\ntype: plan\nroles: [operator]\njobs: [\"[[Plan work]]\"]\ntarget: 2\n---\n## Questions\n- How do you plan?\n- What breaks?\n";
    let on = "---\ntype: interview\ndate: 2026-01-01\nparticipant: \"[[Ann]]\"\nplan: \"[[P]]\"\njobs: [\"[[Plan work]]\"]\n---\n## How do you plan\nOn paper.\n\n## What breaks?\n";
    let off = "---\ntype: interview\ndate: 2026-01-02\nparticipant: \"[[Bob]]\"\nplan: \"[[P]]\"\n---\n## What breaks\nEverything.\n";
    let (vault, model) = model(&with_people(&[
        ("Plans/P.md", plan),
        ("I/On.md", on),
        ("I/Off.md", off),
    ]));
    let coverage = &consolidate(&model, &vault.diagnostics, &Config::default()).plans[0];
    assert_eq!(coverage.roles[0].interviews.len(), 1);
    assert_eq!(coverage.roles[0].target, Some(2));
    assert_eq!(coverage.off_plan[0].role.key, "manager");
    // Question 1 answered (punctuation and case ignored); question 2's heading in
    // the on-plan interview is empty; the off-plan answer is kept apart.
    assert_eq!(coverage.questions[0].answered_by.len(), 1);
    assert!(coverage.questions[1].answered_by.is_empty());
    assert_eq!(coverage.questions[1].off_plan_answers.len(), 1);
    assert_eq!(coverage.questions_answered(), 1);
    assert_eq!(coverage.jobs[0].interviews.len(), 1);
}

#[test]
fn job_map_by_step_and_role() {
    let one = interview(
        "Ann",
        "2026-01-01",
        "## Learned\n- a [[Plan work]] #step/define\n- b [[Plan work]] #step/define #step/execute\n",
    );
    let two = interview("Bob", "2026-01-02", "## Learned\n- c [[Plan work]]\n");
    let (vault, model) = model(&with_people(&[("I/1.md", &one), ("I/2.md", &two)]));
    let consolidation = consolidate(&model, &vault.diagnostics, &Config::default());
    let job = &consolidation.jobs[0];
    let roles: Vec<&str> = job.roles.iter().map(|r| r.key.as_str()).collect();
    assert_eq!(roles, ["manager", "operator"]);
    let row = |step: Option<crate::model::JobStep>| {
        job.matrix
            .iter()
            .find(|r| r.step == step)
            .unwrap()
            .counts
            .clone()
    };
    assert_eq!(row(Some(crate::model::JobStep::Define)), [0, 2, 0]);
    assert_eq!(row(Some(crate::model::JobStep::Execute)), [0, 1, 0]);
    assert_eq!(row(None), [1, 0, 0]);
    assert_eq!(job.interviews.len(), 2);
}

#[test]
fn types_from_folder_rules() {
    let mut config = Config::default();
    config
        .type_folders
        .push((crate::config::NoteType::Insight, vec!["Ideas".to_owned()]));
    let vault = vault(&[
        ("Ideas/Fast.md", "no frontmatter\n"),
        ("Other/Fast2.md", "x\n"),
    ]);
    let model = build_model(&vault, &config);
    assert_eq!(model.insights.len(), 1);
    assert_eq!(model.insights[0].status, "open");
}

#[test]
fn types_are_read_from_text_lists_and_links_then_folders() {
    let mut config = Config::default();
    config
        .type_folders
        .push((crate::config::NoteType::Insight, vec!["Ideas".to_owned()]));
    let vault = vault(&[
        ("A.md", "---\ntype: Insight\n---\n"),
        ("B.md", "---\nType: \" insight \"\n---\n"),
        ("C.md", "---\ntype: [insight, job]\n---\n"),
        ("D.md", "---\ntype: \"[[Insight]]\"\n---\n"),
        ("E.md", "---\ntype: INSİGHT\n---\n"),
        ("Ideas/F.md", "---\ntype: \"  \"\n---\n"),
        ("Ideas/G.md", "---\ntype: job\n---\n"),
        ("H.md", "---\ntype: [\"[[Job]]\"]\n---\n"),
        ("Insight.md", "# the link target\n"),
        ("Job.md", "# the link target\n"),
    ]);
    let model = build_model(&vault, &config);
    let titles = |notes: Vec<&crate::model::NoteRef>| -> Vec<String> {
        notes.iter().map(|note| note.title().to_owned()).collect()
    };
    assert_eq!(
        titles(model.insights.iter().map(|i| &i.note).collect()),
        ["A", "B", "C", "D", "F"]
    );
    assert_eq!(
        titles(model.jobs.iter().map(|j| &j.note).collect()),
        ["H", "G"]
    );
}

#[test]
fn a_model_reusing_its_memo_is_a_fresh_one() {
    use crate::model::{ModelMemo, build_model_reusing};
    let config = Config::default();
    let notes = with_people(&[
        (
            "Interviews/Undated Cid.md",
            "---\ntype: interview\nparticipant: \"[[Cid]]\"\nplan: \"[[Ann]]\"\n---\n## Learned\n\n- Undated [[Slow]]\n",
        ),
        (
            "Interviews/2026-01-05 Ann.md",
            &*Box::leak(
                interview(
                    "Ann",
                    "2026-01-05",
                    "## Learned\n\n- Slow start [[Slow]] #pain\n",
                )
                .into_boxed_str(),
            ),
        ),
        (
            "Interviews/2026-01-06 Bob.md",
            "---\ntype: interview\ndate: 2026-01-06\nparticipant: \"[[Bob]]\"\nplan: \"[[Slow]]\"\n---\n## Learned\n\n- Also slow [[Slow]]\n",
        ),
    ]);
    // Everything but the type map's (unordered) Debug form and the hashes kept
    // with readings (which must be the hashes worked out afresh). The edits
    // below keep every path.
    let files = vault(&notes).files;
    let shown = |model: &ResearchModel| {
        let types: Vec<_> = model.types.iter().collect();
        let mut interviews = model.interviews.clone();
        for interview in &mut interviews {
            interview.record_hash = None;
            interview.observation_hashes = Vec::new();
        }
        let observations = model.observations.clone();
        let kept = crate::model::RecordHashes::of(model, &files);
        let afresh = crate::model::RecordHashes::of(
            &ResearchModel {
                interviews: interviews.clone(),
                observations: observations.clone(),
                ..ResearchModel::default()
            },
            &files,
        );
        assert_eq!(kept.interviews, afresh.interviews);
        assert_eq!(kept.observations, afresh.observations);
        // Each observation's: its interview's and its own.
        let defined: Vec<u64> = observations
            .iter()
            .map(|observation| {
                crate::model::hash_of((
                    kept.interviews[observation.interview],
                    crate::model::hashes::observation_hash(observation, &files),
                ))
            })
            .collect();
        assert_eq!(kept.observations, defined);
        let interviews_of: Vec<u32> = observations.iter().map(|o| o.interview as u32).collect();
        assert_eq!(kept.interview_of, interviews_of);
        format!(
            "{:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {types:?}",
            interviews,
            observations,
            model.plans,
            model.insights,
            model.jobs,
            model.people,
            model.companies,
            model.diagnostics,
            model.followed_by
        )
    };
    let mut memo = ModelMemo::default();
    let first = build_model_reusing(&vault(&notes), &config, &mut memo);
    assert!(first.diagnostics.len() >= 2, "{:?}", first.diagnostics);
    assert_eq!(shown(&first), shown(&build_model(&vault(&notes), &config)));
    memo.keep(first);
    // Nothing changed: everything is taken from the kept model.
    let again = build_model_reusing(&vault_reparsing(&notes, &[]), &config, &mut memo);
    assert_eq!(shown(&again), shown(&build_model(&vault(&notes), &config)));
    memo.keep(again);
    // Each change: one note's words, its links, a person's role (the context of
    // every read), an interview's type (lost, then back).
    let edits: [(&str, &str); 5] = [
        // The same links, other words.
        (
            "Interviews/2026-01-05 Ann.md",
            "---\ntype: interview\ndate: 2026-01-05\nparticipant: \"[[Ann]]\"\n---\n## Learned\n\n- A very slow start [[Slow]] #pain\n",
        ),
        (
            "Interviews/2026-01-06 Bob.md",
            "---\ntype: interview\ndate: 2026-01-07\nparticipant: \"[[Bob]]\"\n---\n## Surprises\n\n- Fast [[Slow]]\n",
        ),
        (
            "People/Ann.md",
            "---\ntype: person\nrole: planner\ncompany: \"[[Globex]]\"\n---\n",
        ),
        (
            "Interviews/2026-01-06 Bob.md",
            "---\ndate: 2026-01-07\n---\nNotes, no longer an interview\n",
        ),
        (
            "Interviews/2026-01-06 Bob.md",
            "---\ntype: interview\ndate: 2026-01-07\nparticipant: \"[[Bob]]\"\n---\n## Surprises\n\n- Fast [[Slow]]\n",
        ),
    ];
    let mut current = notes.clone();
    for (path, text) in edits {
        for note in current.iter_mut().filter(|(p, _)| *p == path) {
            note.1 = text;
        }
        let reused = build_model_reusing(&vault_reparsing(&current, &[path]), &config, &mut memo);
        let fresh = build_model(&vault(&current), &config);
        assert_eq!(shown(&reused), shown(&fresh), "after {path}");
        memo.keep(reused);
    }
    let first_role = |model: &ResearchModel| {
        model.interviews[0].participants[0]
            .role
            .as_ref()
            .map(|role| role.name.clone())
    };
    let last = build_model_reusing(&vault_reparsing(&current, &[]), &config, &mut memo);
    assert_eq!(first_role(&last).as_deref(), Some("planner"));
}

#[test]
fn readings_are_carried_over_to_files_added_and_removed() {
    use crate::model::{ModelMemo, build_model_reusing};
    use crate::resolve::tests::scan_and_notes;
    let config = Config::default();
    let ann = interview(
        "Ann",
        "2026-01-05",
        "## Learned\n\n- Slow start [[Slow]] #pain\n- An idea [[Idea]]\n",
    );
    let bob = interview("Bob", "2026-01-06", "## Learned\n\n- Also slow [[Slow]]\n");
    let cid = interview(
        "Cid",
        "2026-01-07",
        "## Learned\n\n- Planned [[Plan work]]\n",
    );
    let notes = with_people(&[
        ("Interviews/Ann.md", &ann),
        ("Interviews/Bob.md", &bob),
        ("Interviews/Cid.md", &cid),
    ]);
    let all: Vec<&str> = notes.iter().map(|(path, _)| *path).collect();
    let (scan, parsed) = scan_and_notes(&notes, &all);
    let mut first = resolve_reusing(scan, parsed, ObsidianSettings::default(), None);
    let mut memo = ModelMemo::default();
    let model = build_model_reusing(&first, &config, &mut memo);
    memo.keep(model);
    let mut links = first.take_link_memo();
    let dee = interview("Dee", "2026-01-08", "## Learned\n\n- Quick [[Slow]]\n");
    let with = |extra: (&'static str, &'static str)| {
        let mut notes = notes.clone();
        notes.push(extra);
        notes
    };
    let dee: &'static str = Box::leak(dee.into_boxed_str());
    // Each step: the notes, and how many readings are carried over.
    // Ann links `[[Idea]]`, an untyped note; moved into `Insights/` and made
    // an insight, it keeps its file id (no file sorts between the two
    // paths), and Ann's link resolves to the same id: read again all the
    // same, her observation now links an insight.
    let idea_before = with(("Inbox/Idea.md", "An idea\n"));
    let mut idea_after = notes.clone();
    idea_after.push(("Insights/Idea.md", "---\ntype: insight\n---\n"));
    let steps: [(Vec<(&str, &str)>, usize); 7] = [
        // A new interview before the others (every id after it moves).
        (with(("Interviews/Aaa Dee.md", dee)), 3),
        // Removed again.
        (notes.clone(), 3),
        // An insight no one links: readings hold.
        (
            with(("Insights/Unlinked.md", "---\ntype: insight\n---\n")),
            3,
        ),
        // A job removed: Cid's observation linked it, and is read again.
        (
            notes
                .iter()
                .copied()
                .filter(|(p, _)| *p != "Jobs/Plan work.md")
                .collect(),
            2,
        ),
        // Ann's broken `[[Idea]]` resolves, and Cid's `[[Plan work]]` again.
        (idea_before, 1),
        (idea_after, 2),
        // A new person: people are every reading's context.
        (
            with(("People/Eve.md", "---\ntype: person\nrole: buyer\n---\n")),
            0,
        ),
    ];
    let mut last = notes.clone();
    for (after, carried) in steps {
        let fresh: Vec<&str> = (after.iter())
            .filter(|note| !last.contains(note))
            .map(|(path, _)| *path)
            .collect();
        let (scan, parsed) = scan_and_notes(&after, &fresh);
        let mut now = resolve_reusing(scan, parsed, ObsidianSettings::default(), Some(links));
        let before = memo.carried();
        let model = build_model_reusing(&now, &config, &mut memo);
        assert_eq!(memo.carried() - before, carried, "{after:?}");
        // As built afresh, but for the hashes only `watch` keeps.
        let shown = |model: &ResearchModel| {
            let mut interviews = model.interviews.clone();
            for interview in &mut interviews {
                interview.record_hash = None;
                interview.observation_hashes = Vec::new();
            }
            format!(
                "{:?}",
                (interviews, &model.observations, &model.diagnostics)
            )
        };
        let built = build_model(&vault(&after), &config);
        assert_eq!(shown(&model), shown(&built), "{after:?}");
        memo.keep(model);
        links = now.take_link_memo();
        last = after;
    }
}

#[test]
fn a_save_that_adds_an_observation_leaves_the_lists_in_place() {
    // The first build lays the lists out with room to grow: the first save
    // after `watch` starts must not move every observation (and have the
    // kernel zero fresh memory for them).
    use crate::model::{ModelMemo, RecordHashes, build_model_reusing};
    let config = Config::default();
    let first_text = interview("Ann", "2026-01-05", "## Learned\n\n- Slow [[Slow]]\n");
    let second_text = interview("Bob", "2026-01-06", "## Learned\n\n- Also slow [[Slow]]\n");
    let mut notes = with_people(&[
        ("Interviews/2026-01-05 Ann.md", &first_text),
        ("Interviews/2026-01-06 Bob.md", &second_text),
    ]);
    let mut memo = ModelMemo::default();
    let files = vault(&notes).files;
    let first = build_model_reusing(&vault(&notes), &config, &mut memo);
    let hashes = RecordHashes::of(&first, &files);
    // Room for more (the same memory above could be the allocator growing a
    // small block in place).
    assert!(first.observations.capacity() > first.observations.len());
    assert!(hashes.observations.capacity() > hashes.observations.len());
    assert!(hashes.interview_of.capacity() > hashes.interview_of.len());
    let (observations, hashed, interview_of) = (
        first.observations.as_ptr(),
        hashes.observations.as_ptr(),
        hashes.interview_of.as_ptr(),
    );
    let (id, ann) = (first.id, first.interviews[0].clone());
    memo.keep(first);
    let edited = interview(
        "Ann",
        "2026-01-05",
        "## Learned\n\n- Slow [[Slow]]\n- Slower still [[Slow]]\n",
    );
    let at = notes.len() - 2;
    notes[at].1 = &edited;
    let changed = ["Interviews/2026-01-05 Ann.md"];
    let second = build_model_reusing(&vault_reparsing(&notes, &changed), &config, &mut memo);
    assert_eq!(second.observations.len(), 3);
    assert_eq!(second.observations[1].text, "Slower still [[Slow]]");
    assert_eq!(second.observations.as_ptr(), observations);
    // As `watch` patches it (see `patch.rs`): Ann's interview read again.
    let mut second = second;
    second.changes = Some(crate::model::ModelChanges {
        from: id,
        interviews: vec![crate::model::ChangedInterview::of(0, ann)],
        plans: Vec::new(),
    });
    let hashes = RecordHashes::reusing(&second, &files, Some((id, hashes)));
    assert_eq!(hashes.observations.len(), 3);
    assert_eq!(hashes.observations.as_ptr(), hashed);
    assert_eq!(hashes.interview_of.as_ptr(), interview_of);
}

#[test]
fn entities_sort_by_lower_cased_name_then_key_as_allocating_would() {
    use crate::model::Entity;
    let names = [
        "bob",
        "Bob",
        "alice",
        "Émile",
        "émile",
        "Zoë",
        "zed",
        "ÉMILE",
        "Ωmega",
        "ΣΟΦΙΑΣ",
        "b",
    ];
    let mut entities: Vec<Entity> = names.iter().map(|name| Entity::text(name)).collect();
    entities[1].key = "note:People/Bob.md".to_owned();
    let mut expected = entities.clone();
    expected.sort_by_cached_key(|entity| (entity.name.to_lowercase(), entity.key.clone()));
    entities.sort_by(|a, b| a.cmp_by_name(b));
    let shown = |list: &[Entity]| {
        list.iter()
            .map(|entity| format!("{} {}", entity.name, entity.key))
            .collect::<Vec<_>>()
    };
    assert_eq!(shown(&entities), shown(&expected));
}

/// The consolidation of `model`, reusing `memo`, then kept in it.
fn consolidated_with(
    vault: &Vault,
    model: &ResearchModel,
    memo: &mut crate::consolidate::SummaryMemo,
) -> String {
    let hashes = crate::model::RecordHashes::of(model, &vault.files);
    let mut reused = crate::consolidate::consolidate_reusing(
        model,
        &vault.diagnostics,
        &Config::default(),
        Some((&hashes, memo)),
    );
    let shown = format!(
        "{:?} {:?} {:?}",
        reused.insights, reused.jobs, reused.digest
    );
    memo.keep(&mut reused, model);
    shown
}

#[test]
fn summaries_kept_between_updates_are_the_summaries_worked_out_afresh() {
    let first = interview(
        "Ann",
        "2026-01-01",
        "## Learned\n- slow [[Slow]] [[Plan work]]\n- again [[Slow]]\n",
    );
    let other = interview(
        "Bob",
        "2026-01-03",
        "## Learned\n- planning [[Plan work]]\n",
    );
    let follow = "---\ntype: interview\ndate: 2026-01-10\nparticipant: \"[[Ann]]\"\nfollow-up-of: \"[[I/1]]\"\n---\n";
    let more = interview("Cid", "2026-01-05", "## Learned\n- also slow [[Slow]]\n");
    let bob_as_dee = interview(
        "Dee",
        "2026-01-03",
        "## Learned\n- planning [[Plan work]]\n",
    );
    let against = interview(
        "Cid",
        "2026-01-06",
        "## Learned\n- fast #contradicts [[Slow]]\n",
    );
    let longer = interview(
        "Ann",
        "2026-01-01",
        "## Learned\n- new first line\n- slow [[Slow]] [[Plan work]]\n- again [[Slow]]\n",
    );
    let fast = "---\ntype: insight\n---\n";
    let later = interview(
        "Bob",
        "2026-01-08",
        "## Learned\n- quick [[Fast]] [[Plan work]]\n",
    );
    let plain = interview("Ann", "2026-01-01", "## Learned\n- slow [[Slow]]\n");
    let other_without_job = interview("Bob", "2026-01-03", "## Learned\n- planning\n");
    let again = interview("Ann", "2026-01-12", "## Learned\n- nothing new\n");
    let again_following_up = "---\ntype: interview\ndate: 2026-01-12\nparticipant: \"[[Ann]]\"\nfollow-up-of: \"[[I/1]]\"\n---\n## Learned\n- nothing new\n";
    // Each step is one update of `watch`: an edit, a new note, a follow-up, a
    // change of who was interviewed, counter-evidence, a deletion.
    let steps: Vec<Vec<(&str, &str)>> = vec![
        vec![("I/1.md", &first), ("I/4.md", &other)],
        vec![("I/1.md", &first), ("I/4.md", &other)],
        vec![("I/1.md", &first), ("I/4.md", &other), ("I/5.md", &more)],
        vec![
            ("I/1.md", &first),
            ("I/2.md", follow),
            ("I/4.md", &other),
            ("I/5.md", &more),
        ],
        vec![
            ("I/1.md", &first),
            ("I/2.md", follow),
            ("I/4.md", &bob_as_dee),
            ("I/5.md", &more),
            ("I/6.md", &against),
        ],
        vec![("I/1.md", &first), ("I/4.md", &bob_as_dee)],
        vec![
            ("I/1.md", &first),
            ("I/4.md", &bob_as_dee),
            ("I/7.md", &later),
            ("Insights/Fast.md", fast),
        ],
        // One more observation before those of I/7: their indices move, while
        // what `Fast` is worked out from stays the same.
        vec![
            ("I/1.md", &longer),
            ("I/4.md", &bob_as_dee),
            ("I/7.md", &later),
            ("Insights/Fast.md", fast),
        ],
        // Ann is followed up in an interview that is not evidence: only the
        // suggestions change.
        vec![("I/1.md", &plain), ("I/4.md", &other), ("I/9.md", &again)],
        vec![
            ("I/1.md", &plain),
            ("I/4.md", &other),
            ("I/9.md", again_following_up),
        ],
        // Bob no longer raises the insight's job, in an interview that is not
        // its evidence.
        vec![("I/1.md", &first), ("I/4.md", &other)],
        vec![("I/1.md", &first), ("I/4.md", &other_without_job)],
        // Earlier in path order: every interview and observation index moves.
        vec![
            ("I/0.md", &more),
            ("I/1.md", &first),
            ("I/4.md", &bob_as_dee),
        ],
    ];
    let mut memo = crate::consolidate::SummaryMemo::default();
    for (step, notes) in steps.iter().enumerate() {
        let (vault, model) = model(&with_people(notes));
        let fresh = consolidate(&model, &vault.diagnostics, &Config::default());
        assert_eq!(
            consolidated_with(&vault, &model, &mut memo),
            format!("{:?} {:?} {:?}", fresh.insights, fresh.jobs, fresh.digest),
            "step {step}"
        );
    }
}

#[test]
fn the_digest_takes_strengths_kept_for_the_same_summary_and_period() {
    // `Slow`: Ann before the week of 2026-01-05, Cid in it — individual, then
    // recurring.
    let ann = interview("Ann", "2026-01-01", "## Learned\n- slow [[Slow]]\n");
    let cid = interview("Cid", "2026-01-05", "## Learned\n- also slow [[Slow]]\n");
    let notes = with_people(&[("I/1.md", &ann), ("I/2.md", &cid)]);
    let (vault, first_model) = model(&notes);
    let changes = |memo: &mut crate::consolidate::SummaryMemo| {
        let shown = consolidated_with(&vault, &first_model, memo);
        let start = shown.find("strength_changes").unwrap();
        shown[start..shown[start..].find(']').unwrap() + start].to_owned()
    };
    let mut memo = crate::consolidate::SummaryMemo::default();
    let first = changes(&mut memo);
    assert!(
        first.contains("before: Individual, after: Recurring"),
        "{first}"
    );
    // What is kept is what is shown again (a stand-in proves it is reused).
    memo.digest.set_all(
        crate::consolidate::Strength::None,
        crate::consolidate::Strength::Pattern,
    );
    let reused = changes(&mut memo);
    assert!(reused.contains("before: None, after: Pattern"), "{reused}");
    // Another summary (one more observation): worked out again.
    let more = interview(
        "Cid",
        "2026-01-05",
        "## Learned\n- also slow [[Slow]]\n- and again [[Slow]]\n",
    );
    let notes = with_people(&[("I/1.md", &ann), ("I/2.md", &more)]);
    let (vault, model) = model(&notes);
    memo.digest.set_all(
        crate::consolidate::Strength::None,
        crate::consolidate::Strength::Pattern,
    );
    let shown = consolidated_with(&vault, &model, &mut memo);
    assert!(
        shown.contains("before: Individual, after: Recurring"),
        "{shown}"
    );
}

#[test]
fn positions_are_the_type_map_as_an_array() {
    use crate::config::NoteType;
    let (vault, model) = model(&with_people(&[(
        "Interviews/2026-01-05 Ann.md",
        "---\ntype: interview\ndate: 2026-01-05\nparticipant: \"[[Ann]]\"\n---\n## Learned\n\n- Slow [[Slow]]\n",
    )]));
    for kind in NoteType::ALL {
        let positions = model.positions_of(kind);
        // Past the last file too: no position, no panic.
        for file in 0..vault.files.len() as u32 + 2 {
            assert_eq!(
                positions.get(file),
                model.index_of(file, kind),
                "{kind:?} {file}"
            );
        }
    }
    let first = model.people.first().expect("people are typed").note.file;
    assert_eq!(model.positions_of(NoteType::Person).get(first), Some(0));
}

#[test]
fn a_note_the_model_types_as_a_plan_may_be_a_plan_before_its_links_resolve() {
    let notes = [
        (
            "Plans/Q1.md",
            "---\ntype: Plan\n---\n## Questions\n- Why?\n",
        ),
        ("Plans/Linked.md", "---\ntype: \"[[Plan]]\"\n---\n"),
        ("Plans/Listed.md", "---\ntype: [plan]\n---\n"),
        ("Plans/Foldered.md", "no frontmatter\n"),
        ("Plans/Blank.md", "---\ntype: \" \"\n---\n"),
        ("Plan.md", "# The plan type\n"),
        ("Notes/Other.md", "---\ntype: interview\n---\n"),
        ("Notes/Untyped.md", "text\n"),
    ];
    let vault = vault(&notes);
    let mut config = Config::default();
    config
        .type_folders
        .push((crate::config::NoteType::Plan, vec!["Plans".to_owned()]));
    for (index, note) in vault.notes.iter().enumerate() {
        let path = &note.path;
        let typed = crate::model::schema::note_type(note, vault.resolutions(index), &config, path);
        let maybe = crate::model::may_be_plan(note, &config, path);
        let expected = path.as_str().starts_with("Plans/");
        assert_eq!(
            typed == Some(crate::config::NoteType::Plan),
            expected,
            "{path}"
        );
        if expected {
            assert!(maybe, "{path}");
        }
    }
    let maybe = |path: &str| {
        let index = vault
            .notes
            .iter()
            .position(|n| n.path.as_str() == path)
            .unwrap();
        crate::model::may_be_plan(&vault.notes[index], &config, &vault.notes[index].path)
    };
    assert!(!maybe("Notes/Other.md") && !maybe("Notes/Untyped.md") && !maybe("Plan.md"));
}

#[test]
fn the_digest_keeps_in_order_the_few_insights_it_lists_as_the_whole_queue_orders_them() {
    // Q1–Q3: three participants; Q7, Q8: two, last seen 2026-01-07;
    // Q4–Q6 and Archive/Q5: two, last seen 2026-01-06; Q9–Q12: one. Ties
    // are broken by title, then by the insight's place (two notes named Q5).
    let links = |range: std::ops::RangeInclusive<u32>| -> String {
        range
            .map(|n| format!("- seen [[Insights/Q{n}]]\n"))
            .collect()
    };
    let insight = "---\ntype: insight\n---\n".to_owned();
    let mut insights: Vec<(String, String)> = (1..=12)
        .map(|n| (format!("Insights/Q{n}.md"), insight.clone()))
        .collect();
    insights.push(("Archive/Q5.md".to_owned(), insight));
    let learned = [
        ("ann", "Ann", "2026-01-05", 1..=12),
        ("bob", "Bob", "2026-01-06", 1..=6),
        ("cid", "Cid", "2026-01-07", 1..=3),
        ("dee", "Dee", "2026-01-07", 7..=8),
    ];
    let mut interviews: Vec<(String, String)> = learned
        .into_iter()
        .map(|(file, who, date, range)| {
            let mut body = format!("## Learned\n{}", links(range.clone()));
            if range.contains(&5) {
                body.push_str("- seen again [[Archive/Q5]]\n");
            }
            (format!("I/{file}.md"), interview(who, date, &body))
        })
        .collect();
    interviews.push((
        "I/undated.md".to_owned(),
        "---\ntype: interview\nparticipant: \"[[Dee]]\"\n---\n".to_owned(),
    ));
    let mut notes = with_people(&[]);
    notes.extend(
        insights
            .iter()
            .map(|(path, text)| (path.as_str(), text.as_str())),
    );
    notes.extend(
        interviews
            .iter()
            .map(|(path, text)| (path.as_str(), text.as_str())),
    );
    let (vault, model) = model(&notes);
    let paths = |digest: &crate::consolidate::Digest,
                 consolidation: &crate::consolidate::Consolidation|
     -> Vec<String> {
        (digest.validation_queue.iter())
            .map(|&at| {
                let note = &model.insights[consolidation.insights[at].insight].note;
                note.path.as_str().trim_end_matches(".md").to_owned()
            })
            .collect()
    };
    let whole = {
        let consolidation = consolidate(&model, &vault.diagnostics, &Config::default());
        let digest = consolidation.digest.clone().unwrap();
        let period = digest.period.clone();
        let all = crate::consolidate::digest_of(
            &model,
            &consolidation.insights,
            &Config::default().thresholds,
            period,
            Config::default().digest_period,
            crate::consolidate::Scope::All,
            None,
        );
        assert_eq!(all.interviews, digest.interviews);
        paths(&all, &consolidation)
    };
    let expected = [1, 2, 3, 7, 8, 4, 0, 5, 6, 10, 11, 12, 9].map(|n| match n {
        0 => "Archive/Q5".to_owned(),
        n => format!("Insights/Q{n}"),
    });
    assert_eq!(whole, expected);
    for shown in 1..=14 {
        let config = Config {
            digest_queue: shown,
            ..Config::default()
        };
        let consolidation = consolidate(&model, &vault.diagnostics, &config);
        let digest = consolidation.digest.as_ref().unwrap();
        assert_eq!(digest.validation_total, expected.len());
        assert_eq!(
            paths(digest, &consolidation),
            expected[..shown.min(expected.len())],
            "{shown} shown"
        );
        // The week of 2026-01-05: the dated interviews, oldest first.
        assert_eq!(digest.interviews.len(), 4);
    }
}
