//! Scaffolding: a new interview note started from its plan
//! (`throughline new interview`). Pure: returns the note's path and text; the
//! command line creates the file (never over an existing one).

use jiff::civil::Date;

use crate::config::{Config, NoteType};
use crate::model::{Entity, LookupError, find_note};
use crate::pipeline::Analysis;
use crate::scan::VaultPath;

/// What the researcher asked for.
#[derive(Debug, Clone)]
pub struct InterviewRequest {
    /// The plan, by name (as in `[[Plan]]`).
    pub plan: String,
    /// The participant, by name.
    pub participant: String,
    /// The day of the conversation.
    pub date: Date,
    /// The participant's role, when not taken from their person note.
    pub role: Option<String>,
    /// Their company, by name, when not taken from their person note.
    pub company: Option<String>,
    /// The folder for the note, when not the configured interview folder.
    pub folder: Option<String>,
}

/// Why the note cannot be written.
#[derive(Debug, thiserror::Error)]
pub enum ScaffoldError {
    /// A name matches no note, or several, of the type it must have.
    #[error(transparent)]
    Lookup(#[from] LookupError),
    /// The note's path would not be a valid vault path.
    #[error("`{0}` cannot be a note's path: {1}")]
    BadPath(String, &'static str),
}

/// Characters Obsidian does not allow in a note's file name.
const FORBIDDEN_IN_NAMES: &[char] = &[
    '*', '"', '\\', '/', '<', '>', ':', '|', '?', '#', '^', '[', ']',
];

/// A YAML double-quoted string (JSON's escapes are valid YAML).
fn yaml_string(text: &str) -> String {
    serde_json::to_string(text).expect("a string serialises")
}

/// Plain text as Obsidian's properties editor writes it: bare when YAML reads it
/// back as the same string, else quoted.
fn yaml_text(text: &str) -> String {
    let bare = text.chars().next().is_some_and(char::is_alphabetic)
        && text
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_' | '.' | '\''))
        && !text.ends_with(' ')
        && !matches!(
            text.to_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "y" | "n"
        );
    if bare {
        text.to_owned()
    } else {
        yaml_string(text)
    }
}

/// The new interview note: its path and text.
pub fn new_interview(
    analysis: &Analysis,
    config: &Config,
    request: &InterviewRequest,
) -> Result<(VaultPath, String), ScaffoldError> {
    let model = &analysis.model;
    let plan_ref = find_note(model, NoteType::Plan, &request.plan)?;
    let plan = &model.plans[model
        .index_of(plan_ref.file, NoteType::Plan)
        .expect("found among the plans")];
    // The participant: their person note when the vault keeps person notes.
    let person = if model.people.is_empty() {
        None
    } else {
        let note = find_note(model, NoteType::Person, &request.participant)?;
        model.person(note.file)
    };
    let participant_name = person.map_or(request.participant.trim(), |p| p.note.title());
    if participant_name.is_empty() || participant_name.contains(FORBIDDEN_IN_NAMES) {
        return Err(ScaffoldError::BadPath(
            participant_name.to_owned(),
            "a participant's name becomes part of the file name; it cannot contain * \" \\ / < > : | ? # ^ [ ]",
        ));
    }
    let company: Option<Entity> = match &request.company {
        Some(name) if !model.companies.is_empty() => {
            let note = find_note(model, NoteType::Company, name)?;
            Some(Entity {
                key: note.title().to_lowercase(),
                name: note.title().to_owned(),
                file: Some(note.file),
                path: Some(note.path.clone()),
            })
        }
        Some(name) => Some(Entity {
            key: name.to_lowercase(),
            name: name.clone(),
            file: None,
            path: None,
        }),
        None => person.and_then(|person| person.company.clone()),
    };
    let role: Option<String> = request.role.clone().or_else(|| {
        person
            .and_then(|person| person.role.as_ref())
            .map(|role| role.name.clone())
    });

    let folder = request.folder.clone().unwrap_or_else(|| {
        config
            .type_folders
            .iter()
            .find(|(kind, _)| *kind == NoteType::Interview)
            .and_then(|(_, folders)| folders.first().cloned())
            .unwrap_or_else(|| "Interviews".to_owned())
    });
    let folder = folder.trim_matches('/');
    let path_text = if folder.is_empty() {
        format!("{} {participant_name}.md", request.date)
    } else {
        format!("{folder}/{} {participant_name}.md", request.date)
    };
    let path = VaultPath::new(&path_text).ok_or(ScaffoldError::BadPath(
        path_text.clone(),
        "it leaves the vault or is empty",
    ))?;
    if path.is_in_folder(&config.output_folder) {
        return Err(ScaffoldError::BadPath(
            path_text,
            "it is inside the output folder, which throughline owns",
        ));
    }

    // Links as Obsidian writes them from the new note's folder (frontmatter
    // links are always wikilinks).
    let links = &analysis.plan.links;
    let link = |file: crate::resolve::FileId| {
        let target = &analysis.vault.files[file as usize].path;
        let text = links
            .link_path(&path, target)
            .unwrap_or_else(|_| target.link_path().to_owned());
        yaml_string(&format!("[[{text}]]"))
    };
    let entity = |entity: &Entity| match entity.file {
        Some(file) => link(file),
        None => yaml_text(&entity.name),
    };
    let mut text = String::from("---\ntype: interview\n");
    text.push_str(&format!("date: {}\n", request.date));
    match person {
        Some(person) => text.push_str(&format!("participant: {}\n", link(person.note.file))),
        None => text.push_str(&format!("participant: {}\n", yaml_text(participant_name))),
    }
    if let Some(role) = &role {
        text.push_str(&format!("role: {}\n", yaml_text(role)));
    }
    if let Some(company) = &company {
        text.push_str(&format!("company: {}\n", entity(company)));
    }
    text.push_str(&format!("plan: {}\n", link(plan.note.file)));
    text.push_str("---\n");
    match &company {
        Some(company) => text.push_str(&format!("# {participant_name} — {}\n", company.name)),
        None => text.push_str(&format!("# {participant_name}\n")),
    }
    if !plan.questions.is_empty() {
        text.push_str("\n## Conversation\n");
        for question in &plan.questions {
            text.push_str(&format!("\n### {}\n", question.text));
        }
    }
    let sections = &config.sections;
    for (heading, default) in [
        (sections.learned.first(), "Learned"),
        (sections.surprises.first(), "Surprises"),
        (sections.quotes.first(), "Quotes"),
        (sections.open_questions.first(), "Open questions"),
    ] {
        text.push_str(&format!(
            "\n## {}\n",
            heading.map_or(default, String::as_str)
        ));
    }
    Ok((path, text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_bare_only_when_yaml_reads_it_back() {
        assert_eq!(yaml_text("service manager"), "service manager");
        assert_eq!(yaml_text("O'Brien Ltd."), "O'Brien Ltd.");
        for tricky in [
            "yes", "No", "null", "2026", "a: b", "#tag", "x ", "[[x]]", "- item",
        ] {
            let written = yaml_text(tricky);
            let read: String = yaml_serde::from_str(&written).unwrap();
            assert_eq!(read, tricky, "{written}");
        }
    }
}
