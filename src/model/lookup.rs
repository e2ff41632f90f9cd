//! Finding a typed note by the name a person types (`--plan`, `--participant`):
//! its title or its path, compared case-insensitively as Obsidian compares link
//! names; when nothing matches, the closest names are suggested.

use super::{NoteRef, ResearchModel};
use crate::config::NoteType;

/// A name that finds no note, or several.
#[derive(Debug, thiserror::Error)]
pub enum LookupError {
    /// A name matches no note of the type it must have.
    #[error("no {kind} note is named `{name}`{}", suggest(.suggestions))]
    NotFound {
        /// `plan`, `person`, `company`.
        kind: &'static str,
        /// As given.
        name: String,
        /// The closest names of that type.
        suggestions: Vec<String>,
    },
    /// The vault has no note of the type at all.
    #[error(
        "the vault has no {kind} notes, so `{name}` cannot be one: give a note `type: {kind}` \
         in its frontmatter, or name its folder under `[types] {kind}` in throughline.toml"
    )]
    NoneOfKind {
        /// `plan`, `person`, `company`.
        kind: &'static str,
        /// As given.
        name: String,
    },
    /// A name matches several notes of the type.
    #[error("`{name}` names several {kind} notes: {}; give the path (`Folder/{name}`)", .paths.join(", "))]
    Ambiguous {
        /// `plan`, `person`, `company`.
        kind: &'static str,
        /// As given.
        name: String,
        /// The notes it matches.
        paths: Vec<String>,
    },
}

fn suggest(suggestions: &[String]) -> String {
    match suggestions {
        [] => "; check the spelling".to_owned(),
        [one] => format!("; did you mean `{one}`?"),
        many => format!(
            "; did you mean one of: {}?",
            many.iter()
                .map(|name| format!("`{name}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// The notes of one type, by reference.
fn notes_of(model: &ResearchModel, kind: NoteType) -> Vec<&NoteRef> {
    match kind {
        NoteType::Plan => model.plans.iter().map(|plan| &plan.note).collect(),
        NoteType::Person => model.people.iter().map(|person| &person.note).collect(),
        NoteType::Company => model
            .companies
            .iter()
            .map(|company| &company.note)
            .collect(),
        NoteType::Interview => model.interviews.iter().map(|i| &i.note).collect(),
        NoteType::Insight => model.insights.iter().map(|i| &i.note).collect(),
        NoteType::Job => model.jobs.iter().map(|job| &job.note).collect(),
    }
}

/// The note of `kind` that `name` names: its title, or its path without `.md`,
/// compared case-insensitively (as Obsidian compares link names).
pub fn find_note<'m>(
    model: &'m ResearchModel,
    kind: NoteType,
    name: &str,
) -> Result<&'m NoteRef, LookupError> {
    let wanted = name
        .trim()
        .trim_start_matches("[[")
        .trim_end_matches("]]")
        .trim_end_matches(".md")
        .to_lowercase();
    let notes = notes_of(model, kind);
    let matches: Vec<&NoteRef> = notes
        .iter()
        .copied()
        .filter(|note| {
            note.title().to_lowercase() == wanted || note.path.link_path().to_lowercase() == wanted
        })
        .collect();
    match matches.as_slice() {
        [one] => Ok(one),
        [] if notes.is_empty() => Err(LookupError::NoneOfKind {
            kind: kind.as_str(),
            name: name.to_owned(),
        }),
        [] => {
            let mut scored: Vec<(f64, &str)> = notes
                .iter()
                .map(|note| {
                    let score =
                        strsim::normalized_levenshtein(&note.title().to_lowercase(), &wanted).max(
                            strsim::jaro_winkler(&note.title().to_lowercase(), &wanted) - 0.15,
                        );
                    (score, note.title())
                })
                .filter(|(score, _)| *score >= 0.5)
                .collect();
            scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
            Err(LookupError::NotFound {
                kind: kind.as_str(),
                name: name.to_owned(),
                suggestions: scored
                    .into_iter()
                    .take(3)
                    .map(|(_, title)| title.to_owned())
                    .collect(),
            })
        }
        many => Err(LookupError::Ambiguous {
            kind: kind.as_str(),
            name: name.to_owned(),
            paths: many.iter().map(|note| note.path.to_string()).collect(),
        }),
    }
}
