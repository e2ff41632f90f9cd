//! Interviews: who, which role and company, when, under which plan, following up
//! which conversation, covering which jobs.
//!
//! Role and company fall back to the participant's person note. In a group
//! interview each participant counts with the role and company of their own
//! person note, else the interview's (product.md §2).

use foldhash::HashMap;
use std::ops::Range;

use jiff::civil::Date;

use super::schema::problem;
use super::{
    Entity, NoteRef, ObservationLinks, PropertyReader, ResearchModel, entity, parse_date,
    role_entity,
};
use crate::config::{Config, NoteType};
use crate::diagnostics::{Code, Diagnostic};
use crate::parse::Note;
use crate::resolve::{FileId, Resolution, Vault};

/// One conversation.
#[derive(Debug, Clone)]
pub struct Interview {
    /// The note.
    pub note: NoteRef,
    /// When it took place.
    pub date: Option<Date>,
    /// Who took part, each with the role and company they count with.
    pub participants: Vec<Participant>,
    /// The plan it belongs to (a plan note).
    pub plan: Option<FileId>,
    /// The interview it follows up.
    pub follow_up_of: Option<FileId>,
    /// Job notes discussed (`jobs:`).
    pub jobs: Vec<FileId>,
    /// Its observations: indices into [`super::ResearchModel::observations`].
    pub observations: Range<usize>,
    /// What its observations link.
    pub links: ObservationLinks,
    /// Keys of its headings that have content under them (a plan question is
    /// answered by a heading with the same key).
    pub answered_headings: Vec<String>,
    /// Its [`super::RecordHashes`] hash, worked out when it was read for `watch`
    /// (a reading kept for the next update keeps its hash too).
    pub(crate) record_hash: Option<u64>,
    /// The hashes of its observations' own fields (not the interview's), in
    /// order, worked out with `record_hash`; empty when that is not: kept here,
    /// side by side, so that hashing every observation of the vault on an
    /// update reads eight bytes per observation, not the observation.
    pub(crate) observation_hashes: Vec<u64>,
}

/// A participant of an interview.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Participant {
    /// The person (their note, or their name).
    pub person: Entity,
    /// The role they count with.
    pub role: Option<Entity>,
    /// The company they count with.
    pub company: Option<Entity>,
}

impl Interview {
    /// An interview with nothing read yet.
    pub(crate) fn placeholder(note: NoteRef) -> Interview {
        Interview {
            note,
            date: None,
            participants: Vec::new(),
            plan: None,
            follow_up_of: None,
            jobs: Vec::new(),
            observations: 0..0,
            links: ObservationLinks::default(),
            answered_headings: Vec::new(),
            record_hash: None,
            observation_hashes: Vec::new(),
        }
    }

    /// The distinct roles of its participants, lower-cased.
    pub fn roles(&self) -> Vec<&Entity> {
        let mut roles: Vec<&Entity> = self
            .participants
            .iter()
            .filter_map(|p| p.role.as_ref())
            .collect();
        roles.sort();
        roles.dedup_by(|a, b| a.key == b.key);
        roles
    }
}

/// Reads an interview's properties; problems are returned as diagnostics.
#[allow(clippy::too_many_arguments)]
pub(crate) fn read_interview(
    reference: NoteRef,
    note: &Note,
    resolutions: &[Resolution],
    vault: &Vault,
    config: &Config,
    model: &ResearchModel,
    people: &HashMap<String, FileId>,
    companies: &HashMap<String, FileId>,
) -> (Interview, Vec<Diagnostic>) {
    let reader = PropertyReader::for_many(note, resolutions, config);
    let mut problems = Vec::new();
    let mut interview = Interview::placeholder(reference);
    let key_of = |canonical: &str| reader.raw(canonical).map(|(key, _)| key.to_owned());

    // date
    match reader.single("date") {
        Ok(Some(item)) => match parse_date(&item.text) {
            Some(date) => interview.date = Some(date),
            None => problems.push(problem(
                note,
                Code::InvalidProperty,
                key_of("date").as_deref(),
                format!("`date` `{}` is not a date", item.text),
                "write the date as `YYYY-MM-DD` (a date-time like `2026-10-05T14:30` works too)",
            )),
        },
        Ok(None) => problems.push(problem(
            note,
            Code::MissingProperty,
            None,
            "interview has no `date`".to_owned(),
            "add `date: YYYY-MM-DD` to the frontmatter; without it the interview is left out of first/last seen and of digests",
        )),
        Err(count) => problems.push(problem(
            note,
            Code::InvalidProperty,
            key_of("date").as_deref(),
            format!("`date` has {count} values; an interview has one date"),
            "keep one date; split a multi-day conversation into notes",
        )),
    }

    // Interview-level role and company.
    let role = single_or_problem(&reader, note, "role", &mut problems)
        .map(|item| role_entity(&item, vault));
    let company = single_or_problem(&reader, note, "company", &mut problems)
        .map(|item| entity(&item, vault, companies));

    // participants
    let items = reader.items("participant");
    if items.is_empty() {
        problems.push(problem(
            note,
            Code::MissingProperty,
            None,
            "interview has no `participant`".to_owned(),
            "add `participant: \"[[Person]]\"` (or a list for a group interview)",
        ));
    }
    let is_group = items.len() > 1;
    for item in &items {
        let person = entity(item, vault, people);
        let person_note = person.file.and_then(|file| model.person(file));
        if let (Some(file), None) = (person.file, person_note) {
            problems.push(problem(
                note,
                Code::WrongLinkType,
                key_of("participant").as_deref(),
                format!(
                    "`participant` links to `{}`, which is not a person note",
                    vault.files[file as usize].path
                ),
                "link the participant's person note (with `type: person`), or write the name as text",
            ));
        }
        let from_person_role = person_note.and_then(|p| p.role.clone());
        let from_person_company = person_note.and_then(|p| p.company.clone());
        let (role, company) = if is_group {
            (
                from_person_role.or_else(|| role.clone()),
                from_person_company.or_else(|| company.clone()),
            )
        } else {
            (
                role.clone().or(from_person_role),
                company.clone().or(from_person_company),
            )
        };
        if role.is_none() {
            problems.push(problem(
                note,
                Code::RoleNotFound,
                key_of("participant").as_deref(),
                format!("no role for participant `{}`", person.name),
                "add `role:` to the interview or to the participant's person note; roles keep evidence from managers and operators apart",
            ));
        }
        interview.participants.push(Participant {
            person,
            role,
            company,
        });
    }

    // plan
    if let Some(item) = single_or_problem(&reader, note, "plan", &mut problems) {
        let target = item.target.or_else(|| {
            model
                .plans
                .iter()
                .find(|plan| plan.note.title().eq_ignore_ascii_case(&item.text))
                .map(|plan| plan.note.file)
        });
        match target {
            Some(file) if model.type_of(file) == Some(NoteType::Plan) => {
                interview.plan = Some(file)
            }
            Some(file) => problems.push(wrong_type(
                note,
                vault,
                key_of("plan").as_deref(),
                "plan",
                file,
                model,
            )),
            None if !item.is_link => problems.push(problem(
                note,
                Code::WrongLinkType,
                key_of("plan").as_deref(),
                format!("`plan` `{}` names no plan note", item.text),
                "link the plan note: `plan: \"[[Plan name]]\"`",
            )),
            None => {}
        }
    }

    // follow-up-of
    if let Some(item) = single_or_problem(&reader, note, "follow-up-of", &mut problems)
        && let Some(file) = item.target
    {
        if model.type_of(file) == Some(NoteType::Interview) {
            interview.follow_up_of = Some(file);
        } else {
            problems.push(wrong_type(
                note,
                vault,
                key_of("follow-up-of").as_deref(),
                "interview",
                file,
                model,
            ));
        }
    }

    // jobs
    for item in reader.items("jobs") {
        match item.target {
            Some(file)
                if model.type_of(file) == Some(NoteType::Job)
                    && !interview.jobs.contains(&file) =>
            {
                interview.jobs.push(file);
            }
            Some(file) if model.type_of(file) == Some(NoteType::Job) => {}
            Some(file) => problems.push(wrong_type(
                note,
                vault,
                key_of("jobs").as_deref(),
                "job",
                file,
                model,
            )),
            None => {}
        }
    }
    (interview, problems)
}

/// Keys of the headings whose section (up to the next heading of the same or a
/// higher level) holds some text.
pub(crate) fn answered_headings(note: &Note) -> Vec<String> {
    let headings = &note.headings;
    let mut keys = Vec::new();
    for (index, heading) in headings.iter().enumerate() {
        let end = headings[index + 1..]
            .iter()
            .find(|next| next.level <= heading.level)
            .map_or(note.text.len(), |next| next.span.start as usize);
        let content = note.text.get(heading.span.end as usize..end).unwrap_or("");
        let has_text = content.lines().any(|line| {
            let line = line.trim();
            !line.is_empty() && !line.starts_with('#')
        });
        if has_text && !keys.contains(&heading.key) {
            keys.push(heading.key.clone());
        }
    }
    keys
}

/// The single value of a property, reporting a list of several.
fn single_or_problem<'a>(
    reader: &PropertyReader<'a>,
    note: &Note,
    canonical: &str,
    problems: &mut Vec<Diagnostic>,
) -> Option<super::PropertyItem<'a>> {
    match reader.single(canonical) {
        Ok(item) => item,
        Err(count) => {
            let key = reader.raw(canonical).map(|(key, _)| key.to_owned());
            problems.push(problem(
                note,
                Code::InvalidProperty,
                key.as_deref(),
                format!("`{canonical}` has {count} values where one is expected; none is used"),
                "keep one value",
            ));
            None
        }
    }
}

fn wrong_type(
    note: &Note,
    vault: &Vault,
    key: Option<&str>,
    expected: &str,
    file: FileId,
    model: &ResearchModel,
) -> Diagnostic {
    let actual = model
        .type_of(file)
        .map_or("an untyped note".to_owned(), |kind| {
            format!("a {} note", kind.as_str())
        });
    problem(
        note,
        Code::WrongLinkType,
        key,
        format!(
            "`{}` links to `{}`, which is {actual}, not a {expected} note",
            key.unwrap_or(expected),
            vault.files[file as usize].path
        ),
        &format!(
            "link a note with `type: {expected}`, or set `type: {expected}` on the linked note"
        ),
    )
}
