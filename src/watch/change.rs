//! File-system events reduced to what an update needs: which vault paths
//! changed, and whether settings, templates or the whole tree must be re-read.
//!
//! Facts this relies on (notify 8.2 on Linux, see dependencies.md): reading a file
//! yields `Access` events, which are ignored, so our own reads never re-trigger;
//! files written into a folder created a moment ago may never be reported, so an
//! event naming a folder (or anything but a plain file added or removed, see
//! `Incremental::files_after`) leads to a walk of the vault, not to a read of
//! the reported paths only;
//! a queue overflow arrives as a rescan flag. Our own writes go to the output
//! folder and `.throughline/`, which are not sources: events there are dropped by
//! path, never by timing.

use std::collections::BTreeSet;
use std::path::Path;

use notify::EventKind;
use notify_debouncer_full::DebouncedEvent;

use crate::scan::VaultPath;
use crate::write::STATE_FOLDER;

/// What a batch of events means for the vault.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    /// Vault files created, changed, moved or removed (sources and targets).
    pub paths: BTreeSet<VaultPath>,
    /// Events were lost, or the root itself changed: walk and compare everything.
    pub rescan: bool,
    /// Files in the output folder created, changed or removed — by us, or by
    /// someone else (not a source: never a reason for an update by itself).
    pub outputs: BTreeSet<VaultPath>,
    /// `throughline.toml` or `.obsidian/app.json` changed.
    pub settings: bool,
    /// A template in `.throughline/templates/` changed.
    pub templates: bool,
}

impl Changes {
    /// Whether nothing relevant happened.
    pub fn is_empty(&self) -> bool {
        self.paths.is_empty() && !self.rescan && !self.settings && !self.templates
    }

    /// Adds another batch.
    pub fn merge(&mut self, other: Changes) {
        self.paths.extend(other.paths);
        self.outputs.extend(other.outputs);
        self.rescan |= other.rescan;
        self.settings |= other.settings;
        self.templates |= other.templates;
    }
}

/// Classifies a batch of debounced events under the vault `root`.
pub fn classify(root: &Path, output_folder: &str, events: &[DebouncedEvent]) -> Changes {
    let mut changes = Changes::default();
    for event in events {
        if event.need_rescan() {
            changes.rescan = true;
        }
        if matches!(event.kind, EventKind::Access(_)) {
            continue;
        }
        for path in &event.paths {
            classify_path(root, output_folder, path, &mut changes);
        }
    }
    changes
}

fn classify_path(root: &Path, output_folder: &str, path: &Path, changes: &mut Changes) {
    let Ok(relative) = path.strip_prefix(root) else {
        return;
    };
    if relative.as_os_str().is_empty() {
        changes.rescan = true;
        return;
    }
    let Some(vault_path) = VaultPath::from_relative(relative) else {
        return;
    };
    let text = vault_path.as_str();
    // A new folder's files may go unreported: the folders themselves count.
    if text == "throughline.toml" || text == ".obsidian/app.json" || text == ".obsidian" {
        changes.settings = true;
        return;
    }
    let templates = format!("{STATE_FOLDER}/templates");
    if text == templates || text.starts_with(&format!("{templates}/")) {
        changes.templates = true;
        return;
    }
    let hidden = text.split('/').any(|segment| segment.starts_with('.'));
    if hidden {
        return;
    }
    if vault_path.is_in_folder(output_folder) {
        // Mostly our own writes; [`crate::write::changed_by_others`] tells.
        if !crate::write::is_temp_file(vault_path.file_name()) {
            changes.outputs.insert(vault_path);
        }
        return;
    }
    changes.paths.insert(vault_path);
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::Event;
    use notify::event::{AccessKind, CreateKind, Flag, ModifyKind};
    use std::path::PathBuf;
    use std::time::Instant;

    fn event(kind: EventKind, path: &str) -> DebouncedEvent {
        DebouncedEvent::new(
            Event::new(kind).add_path(PathBuf::from(path)),
            Instant::now(),
        )
    }

    #[test]
    fn only_source_changes_count() {
        let root = Path::new("/vault");
        let events = [
            event(EventKind::Modify(ModifyKind::Any), "/vault/Interviews/a.md"),
            event(
                EventKind::Create(CreateKind::File),
                "/vault/Throughline/Insights.md",
            ),
            event(EventKind::Access(AccessKind::Any), "/vault/Notes/read.md"),
            event(
                EventKind::Create(CreateKind::File),
                "/vault/.throughline/manifest.json",
            ),
            event(
                EventKind::Create(CreateKind::File),
                "/vault/.obsidian/workspace.json",
            ),
            event(EventKind::Modify(ModifyKind::Any), "/elsewhere/x.md"),
        ];
        let changes = classify(root, "Throughline", &events);
        let paths: Vec<&str> = changes.paths.iter().map(VaultPath::as_str).collect();
        assert_eq!(paths, ["Interviews/a.md"]);
        let outputs: Vec<&str> = changes.outputs.iter().map(VaultPath::as_str).collect();
        assert_eq!(outputs, ["Throughline/Insights.md"]);
        assert!(!changes.rescan && !changes.settings && !changes.templates);
    }

    #[test]
    fn settings_templates_and_rescans() {
        let root = Path::new("/vault");
        let mut rescan = event(EventKind::Other, "/vault");
        rescan.event = rescan.event.set_flag(Flag::Rescan);
        let events = [
            event(
                EventKind::Modify(ModifyKind::Any),
                "/vault/throughline.toml",
            ),
            event(
                EventKind::Modify(ModifyKind::Any),
                "/vault/.obsidian/app.json",
            ),
            event(
                EventKind::Create(CreateKind::File),
                "/vault/.throughline/templates/insight.md.j2",
            ),
            rescan,
        ];
        let changes = classify(root, "Throughline", &events);
        assert!(changes.settings && changes.templates && changes.rescan);
        assert!(changes.paths.is_empty());
    }

    #[test]
    fn new_settings_and_template_folders_count() {
        // Files written into a folder created a moment ago may go unreported.
        let root = Path::new("/vault");
        let templates = classify(
            root,
            "Throughline",
            &[event(
                EventKind::Create(CreateKind::Folder),
                "/vault/.throughline/templates",
            )],
        );
        assert!(templates.templates && !templates.settings);
        let obsidian = classify(
            root,
            "Throughline",
            &[event(
                EventKind::Create(CreateKind::Folder),
                "/vault/.obsidian",
            )],
        );
        assert!(obsidian.settings && !obsidian.templates);
    }
}
