//! Plans: which roles to talk to, which jobs to explore, which questions to ask.

use super::schema::problem;
use super::{Entity, NoteRef, PropertyReader, ResearchModel, role_entity};
use crate::config::{Config, NoteType};
use crate::diagnostics::{Code, Diagnostic};
use crate::parse::{Note, PropertyValue, heading_key};
use crate::resolve::{FileId, Resolution, Vault};

/// A round of interviews. Not `Hash`: its jobs are file ids (hashes name
/// files by path, see [`super::hashes::FilePaths`]).
#[derive(Debug, Clone)]
pub struct Plan {
    /// The note.
    pub note: NoteRef,
    /// Roles to interview (`roles:`).
    pub roles: Vec<Entity>,
    /// Jobs to explore (`jobs:`, job notes).
    pub jobs: Vec<FileId>,
    /// Interviews wanted per role (`target:`).
    pub target: Option<u32>,
    /// The planned questions (list items of the Questions section).
    pub questions: Vec<Question>,
}

/// One planned question.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Question {
    /// As written.
    pub text: String,
    /// Its heading key: an interview heading with the same key answers it.
    pub key: String,
    /// Its line in the plan.
    pub line: u32,
}

impl Plan {
    pub(crate) fn placeholder(note: NoteRef) -> Plan {
        Plan {
            note,
            roles: Vec::new(),
            jobs: Vec::new(),
            target: None,
            questions: Vec::new(),
        }
    }
}

/// Reads a plan's properties and questions.
pub(crate) fn read_plan(
    reference: NoteRef,
    note: &Note,
    resolutions: &[Resolution],
    vault: &Vault,
    config: &Config,
    model: &ResearchModel,
) -> (Plan, Vec<Diagnostic>) {
    let reader = PropertyReader::for_many(note, resolutions, config);
    let mut problems = Vec::new();
    let mut plan = Plan::placeholder(reference);
    let key_of = |canonical: &str| reader.raw(canonical).map(|(key, _)| key.to_owned());
    for item in reader.items("roles") {
        let role = role_entity(&item, vault);
        if !plan.roles.iter().any(|known| known.key == role.key) {
            plan.roles.push(role);
        }
    }
    for item in reader.items("jobs") {
        match item.target {
            Some(file)
                if model.type_of(file) == Some(NoteType::Job) && !plan.jobs.contains(&file) =>
            {
                plan.jobs.push(file);
            }
            Some(file) if model.type_of(file) == Some(NoteType::Job) => {}
            Some(_) => problems.push(problem(
                note,
                Code::WrongLinkType,
                key_of("jobs").as_deref(),
                format!("`jobs` lists `{}`, which is not a job note", item.text),
                "list job notes (`type: job`) only",
            )),
            None => {}
        }
    }
    // A map (say, a number per role) has no value `single` reads: said here,
    // not passed over as no target.
    let target_is_map = matches!(reader.raw("target"), Some((_, PropertyValue::Map(_))));
    match reader.single("target") {
        Ok(None) if target_is_map => problems.push(problem(
            note,
            Code::InvalidProperty,
            key_of("target").as_deref(),
            "`target` holds keys and values; it is one number, the interviews wanted for each role"
                .to_owned(),
            "write one number for every role, e.g. `target: 3`",
        )),
        Ok(Some(item)) => match item.text.parse::<u32>() {
            Ok(target) if target > 0 => plan.target = Some(target),
            _ => problems.push(problem(
                note,
                Code::InvalidProperty,
                key_of("target").as_deref(),
                format!("`target` `{}` is not a number of interviews", item.text),
                "write how many interviews you want per role, e.g. `target: 3`",
            )),
        },
        Ok(None) => {}
        Err(count) => problems.push(problem(
            note,
            Code::InvalidProperty,
            key_of("target").as_deref(),
            format!("`target` has {count} values; it is one number per role"),
            "keep one number",
        )),
    }
    plan.questions = questions(note, config);
    (plan, problems)
}

/// The top-level list items of the plan's Questions section.
fn questions(note: &Note, config: &Config) -> Vec<Question> {
    let keys: Vec<String> = config
        .sections
        .questions
        .iter()
        .map(|name| heading_key(name))
        .collect();
    let Some(start) = note
        .headings
        .iter()
        .position(|heading| keys.contains(&heading.key))
    else {
        return Vec::new();
    };
    let section = &note.headings[start];
    let end = note.headings[start + 1..]
        .iter()
        .find(|heading| heading.level <= section.level)
        .map_or(u32::MAX, |heading| heading.span.start);
    let mut questions: Vec<Question> = note
        .list_items
        .iter()
        .filter(|item| {
            item.depth == 1
                && !item.in_quote
                && item.span.start > section.span.start
                && item.span.start < end
        })
        .filter_map(|item| {
            let own = &note.text[item.span.start as usize..item.own_end as usize];
            let first = own.lines().next().unwrap_or("");
            let text = first
                .trim_start()
                .trim_start_matches(['-', '*', '+'])
                .trim_start_matches(|c: char| c.is_ascii_digit())
                .trim_start_matches(['.', ')'])
                .trim();
            (!text.is_empty()).then(|| Question {
                text: text.to_owned(),
                key: heading_key(text),
                line: item.span.position.line,
            })
        })
        .collect();
    questions.sort_by_key(|question| question.line);
    questions
}
