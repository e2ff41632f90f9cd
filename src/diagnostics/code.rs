//! The stable names of every problem throughline reports.
//!
//! Codes name the problem, not the fix, in kebab-case. They are part of the public
//! interface (`check --format json|github`, CI filters): never rename one.

use std::fmt;

/// How much a problem matters: errors fail `check`; warnings fail it only with
/// `--deny-warnings`; infos never do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Worth knowing, never a failure (an ambiguous link that still resolves).
    Info,
    /// Probably wrong; fails `check --deny-warnings`.
    Warning,
    /// Wrong; fails `check`.
    Error,
}

impl Severity {
    /// Lower-case name used in every output format.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What went wrong. Each variant documents what it means, why it matters, an
/// example and the fix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Code {
    /// A link whose file part matches no file in the vault.
    ///
    /// Why: Obsidian shows it as an unresolved link, and anything throughline counts
    /// through it (evidence for an insight, a plan's interviews) is lost.
    /// Example: `[[Onbaording checklist]]` when the note is `Onboarding checklist.md`.
    /// Fix: correct the link text, or create the note. Links to files other than
    /// notes need their extension (`[[photo.png]]`).
    BrokenLink,
    /// A link resolves to a file, but its `#Heading`, `#^block` or `#[^footnote]`
    /// part names nothing in that file.
    ///
    /// Why: Obsidian opens the note at the top instead of the place meant.
    /// Example: `[[Plan#Qestions]]`. Fix: correct the heading text (punctuation is
    /// ignored, case does not matter) or add the `^block-id` to the block.
    SubpathNotFound,
    /// The frontmatter block is not valid YAML, or not a mapping of properties.
    ///
    /// Why: Obsidian drops every property of the note, so its type, date and links
    /// are unknown; throughline treats the note as an untyped note.
    /// Example: `created: {{date}}` or `title: @home`. Fix: quote the value
    /// (`created: "{{date}}"`), or exclude template folders in Obsidian's settings.
    InvalidFrontmatter,
    /// A note could not be read (deleted while scanning, an I/O error).
    ///
    /// Why: its links and properties are missing from every count.
    /// Fix: check the file's permissions and the disk; run again.
    UnreadableNote,
    /// A path in the vault could not be visited: a symbolic-link loop, a dangling
    /// symbolic link, a folder that cannot be listed.
    ///
    /// Why: Obsidian cannot show what is behind it either. Fix: remove or repair
    /// the link.
    UnreadablePath,
    /// A bare `[[Name]]` matches several files; Obsidian picks one by its rules.
    ///
    /// Why: the link works today, but which file it opens depends on folders and
    /// path lengths, and moving a note can silently change it.
    /// Example: `Concepts/Onboarding.md` and `Archive/Onboarding.md` with
    /// `[[Onboarding]]`. Fix: write the folder (`[[Concepts/Onboarding]]`) or
    /// rename one of the files.
    AmbiguousLink,
    /// A note contains bytes that are not UTF-8; they were read as `�`.
    ///
    /// Why: Obsidian shows the same replacement characters, and text near them may
    /// be lost. Fix: re-save the note as UTF-8.
    InvalidUtf8,
    /// A `.md` file holds binary data (a NUL byte near its start).
    ///
    /// Why: it is not a note; it is kept as a link target but not parsed.
    /// Fix: give it its real extension.
    BinaryNote,
    /// A note is empty.
    ///
    /// Why: usually a note created by clicking an unresolved link and never written.
    /// Fix: write it, or delete it.
    EmptyNote,
    /// A note is larger than the parse limit; it is kept as a link target only.
    ///
    /// Why: a note of many megabytes is almost always an export or a log pasted in
    /// by mistake, and parsing it would slow every run.
    /// Fix: split it, or move it out of the vault.
    NoteTooLarge,
    /// A folder is named like a note (`x.md`).
    ///
    /// Why: Obsidian shows it as a folder; links to `[[x]]` will not reach it.
    /// Fix: rename the folder.
    FolderNamedLikeNote,
    /// A typed note lacks a property its type needs (an interview without `date`
    /// or `participant`).
    ///
    /// Why: the note is left out of what needs the property (first/last seen,
    /// digests, distinct participants). Fix: add the property.
    MissingProperty,
    /// A property's value cannot be used (`date: next week`, `target: many`, a
    /// list of several where one is expected).
    ///
    /// Why: the value is ignored. Fix: write it in the form the message gives.
    InvalidProperty,
    /// No role can be found for an interview's participant: neither the interview
    /// nor the person note has `role:`.
    ///
    /// Why: evidence is compared by role (a manager and an operator see different
    /// things); without one, it counts under no role. Fix: add `role:`.
    RoleNotFound,
    /// A property links a note of the wrong type (`plan: "[[Some insight]]"`).
    ///
    /// Why: the link is ignored for counting. Fix: link a note of the right type,
    /// or set `type:` on the linked note.
    WrongLinkType,
    /// `.obsidian/app.json` could not be read or has an unexpected shape.
    ///
    /// Why: excluded files and link format settings are then ignored.
    /// Fix: let Obsidian rewrite it (change any setting), or repair the JSON.
    InvalidObsidianSettings,
}

impl Code {
    /// Every code, for documentation and tests.
    pub const ALL: [Code; 16] = [
        Code::BrokenLink,
        Code::SubpathNotFound,
        Code::InvalidFrontmatter,
        Code::UnreadableNote,
        Code::UnreadablePath,
        Code::AmbiguousLink,
        Code::InvalidUtf8,
        Code::BinaryNote,
        Code::EmptyNote,
        Code::NoteTooLarge,
        Code::FolderNamedLikeNote,
        Code::InvalidObsidianSettings,
        Code::MissingProperty,
        Code::InvalidProperty,
        Code::RoleNotFound,
        Code::WrongLinkType,
    ];

    /// The stable kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::BrokenLink => "broken-link",
            Code::SubpathNotFound => "subpath-not-found",
            Code::InvalidFrontmatter => "invalid-frontmatter",
            Code::UnreadableNote => "unreadable-note",
            Code::UnreadablePath => "unreadable-path",
            Code::AmbiguousLink => "ambiguous-link",
            Code::InvalidUtf8 => "invalid-utf8",
            Code::BinaryNote => "binary-note",
            Code::EmptyNote => "empty-note",
            Code::NoteTooLarge => "note-too-large",
            Code::FolderNamedLikeNote => "folder-named-like-note",
            Code::InvalidObsidianSettings => "invalid-obsidian-settings",
            Code::MissingProperty => "missing-property",
            Code::InvalidProperty => "invalid-property",
            Code::RoleNotFound => "role-not-found",
            Code::WrongLinkType => "wrong-link-type",
        }
    }

    /// The severity this code is reported with.
    pub fn severity(self) -> Severity {
        match self {
            Code::BrokenLink
            | Code::InvalidFrontmatter
            | Code::UnreadableNote
            | Code::UnreadablePath => Severity::Error,
            Code::SubpathNotFound
            | Code::InvalidUtf8
            | Code::BinaryNote
            | Code::NoteTooLarge
            | Code::FolderNamedLikeNote
            | Code::InvalidObsidianSettings
            | Code::MissingProperty
            | Code::InvalidProperty
            | Code::RoleNotFound
            | Code::WrongLinkType => Severity::Warning,
            Code::AmbiguousLink | Code::EmptyNote => Severity::Info,
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_kebab_case() {
        let mut names: Vec<_> = Code::ALL.iter().map(|code| code.as_str()).collect();
        for name in &names {
            assert!(
                name.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            );
        }
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Code::ALL.len());
    }
}
