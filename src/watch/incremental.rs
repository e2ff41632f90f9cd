//! A build that remembers what it did: the notes it parsed and the keys of the
//! pages it rendered, so the next build reads only the notes that changed and
//! renders only the pages whose inputs changed. Its pages are always the ones a
//! fresh `build` of the same files writes (see the tests below).

use std::path::{Path, PathBuf};
use std::thread::JoinHandle;
use std::time::{Instant, SystemTime};

use rayon::prelude::*;

use crate::config::{Config, ObsidianSettings};
use crate::pipeline::{
    BuildError, BuildReport, NoteCache, ParsedNote, build_scanned, read_and_parse, scan_vault,
};
use crate::render::PageMemo;
use crate::scan::{Scan, VaultFile, VaultPath};
use crate::write::{STATE_FOLDER, Spares, WriteMode};

/// What an incremental build keeps between runs.
#[derive(Debug, Default)]
pub struct Incremental {
    notes: NoteCache,
    pages: PageMemo,
    /// The last build's walk, while its files are known to be the vault's: no
    /// page was created or removed since. The files themselves are the link
    /// memo's (see [`LinkMemo::lend_files`]), not a copy.
    ///
    /// [`LinkMemo::lend_files`]: crate::resolve::LinkMemo::lend_files
    walk: Option<KeptWalk>,
    /// Whether every build walks (see [`Incremental::always_walk`]).
    walk_always: bool,
    /// The pages the last build wrote that were read before (a note links into
    /// them with a heading or block; see `pipeline::load_scanned`), being read
    /// and parsed on another thread (no event tells of our own writes): the
    /// next build takes them instead of reading them while the user waits.
    pending_pages: Option<JoinHandle<Vec<ParsedNote>>>,
    /// The thread making spare files for the next update's pages, while it runs.
    making_spares: Option<JoinHandle<()>>,
    /// How many updates put files added or removed into the last files
    /// instead of walking (tests: shows that they did).
    #[cfg(test)]
    patched_files: usize,
}

/// A walk's scan without its files, and the settings read with it.
#[derive(Debug)]
struct KeptWalk {
    root: PathBuf,
    diagnostics: Vec<crate::diagnostics::Diagnostic>,
    walk: Option<u64>,
    patchable: bool,
    settings: ObsidianSettings,
}

/// How many spare files `watch` keeps ready (see [`crate::write::Spares`]):
/// twice the pages the last update wrote, within these bounds. A save
/// usually changes a few dozen pages; the first build, every page.
const SPARES: std::ops::RangeInclusive<usize> = 16..=256;

impl Drop for Incremental {
    /// Waits for the spare files being made, so that the last handle to them
    /// (in the notes kept) removes every one when `watch` stops.
    fn drop(&mut self) {
        if let Some(making) = self.making_spares.take() {
            let _ = making.join();
        }
    }
}

impl Incremental {
    /// Forgets everything: the next build reads every note and renders every page.
    pub fn forget(&mut self) {
        self.pending_pages = None;
        self.notes = NoteCache::default();
        self.pages.clear();
        self.walk = None;
    }

    /// The files of the vault after the changes `changed` (named by
    /// file-system events), from the last build's files, without a walk:
    /// - when `changed` only rewrote files it knew (a save), the same files;
    /// - when some were plain files added or removed (see
    ///   [`crate::scan::plain_file_at`]), the last files with those put in
    ///   or taken out (a walk took 0.15–0.2 s at 100,000 notes), unless the
    ///   last walk met a symbolic link or a problem (see
    ///   [`Scan::patchable`]), a file comes where a folder with files (or a
    ///   walk's problem) was, or a new name differs from a known one by case
    ///   alone (a rename on a disk that ignores case); a path that came and
    ///   went before the update (an editor's probe file) is nothing.
    ///
    /// `None` for anything else (a folder, a link, a path it cannot look
    /// at): a walk.
    fn files_after(
        &mut self,
        root: &Path,
        config: &Config,
        changed: &[VaultPath],
    ) -> Option<(Scan, ObsidianSettings)> {
        let kept = self.walk.take()?;
        let memo = self.notes.links.as_mut()?;
        let mut files = memo.lend_files(kept.walk)?;
        // What a walk leaves out: worked out only for a path that is not a
        // save (most updates are saves).
        let mut options = None;
        let (mut added, mut removed) = (Vec::new(), Vec::new());
        for path in changed {
            let known = files.binary_search_by(|file| file.path.cmp(path));
            let now = match known {
                // A save of a file known: read as it is now.
                Ok(at) => std::fs::metadata(&files[at].fs_path)
                    .ok()
                    .filter(std::fs::Metadata::is_file)
                    .map(|metadata| (at, metadata)),
                Err(_) => None,
            };
            if let Some((at, metadata)) = now {
                files[at].size = metadata.len();
                files[at].modified = metadata.modified().ok();
                continue;
            }
            let plain = kept.patchable
                && files_under(&files, path).is_empty()
                && !(kept.diagnostics.iter())
                    .any(|problem| problem.path.is_in_folder(path.as_str()));
            let found = plain
                .then(|| {
                    let options = options.get_or_insert_with(|| {
                        crate::pipeline::scan_options(config, &kept.settings)
                    });
                    crate::scan::plain_file_at(root, path, options)
                })
                .flatten();
            let case_twin = || {
                (files.iter()).any(|known| known.path.as_str().eq_ignore_ascii_case(path.as_str()))
            };
            match (known, found) {
                (Err(_), Some(Some(file))) if !case_twin() => added.push(file),
                (Ok(at), Some(None)) => removed.push(at),
                // Came and went (an editor's probe or backup file): nothing
                // a walk would find.
                (Err(_), Some(None)) => {}
                _ => {
                    memo.give_back_files(files);
                    return None;
                }
            }
        }
        let scan = match added.is_empty() && removed.is_empty() {
            true => Scan {
                root: kept.root,
                files,
                diagnostics: kept.diagnostics,
                walk: kept.walk,
                patchable: kept.patchable,
            },
            // A list of its own: the memo keeps the last one, to carry
            // what it worked out over to these files.
            false => {
                let scan = Scan::patched(kept.root, &files, removed, added, kept.diagnostics);
                memo.give_back_files(files);
                #[cfg(test)]
                {
                    self.patched_files += 1;
                }
                scan
            }
        };
        Some((scan, kept.settings))
    }

    /// Waits until the pages the last build wrote are read and parsed (see
    /// `pending_pages`: those a note links into with a heading or block), and
    /// takes them; each build does so first.
    pub fn settle_pages(&mut self) {
        if let Some(pending) = self.pending_pages.take()
            && let Ok(pages) = pending.join()
        {
            for page in pages {
                self.notes.insert_parsed(page);
            }
        }
    }

    /// Waits for the last update's manifest to be saved (see
    /// [`crate::write::Writer::finish_saving_aside`]); why it could not be, if
    /// it could not (the pages are in place all the same, and the next update
    /// saves a manifest again).
    pub fn settle_manifest(&mut self) -> Option<String> {
        match self.notes.manifest.take()?.settle() {
            Ok(kept) => {
                self.notes.manifest = Some(kept);
                None
            }
            Err(error) => Some(error.to_string()),
        }
    }

    /// Forgets one page's key: someone else changed or removed the page, so the
    /// next build renders it (and writes it if its bytes differ).
    pub fn forget_page(&mut self, path: &VaultPath) {
        self.pages.forget(path);
    }

    /// Whether the last build's files (its walk, or the files it reused)
    /// include `path` (tests).
    #[cfg(test)]
    pub(super) fn built_with_file(&self, path: &str) -> bool {
        self.notes.links.as_ref().is_some_and(|memo| {
            memo.files()
                .binary_search_by(|file| file.path.as_str().cmp(path))
                .is_ok()
        })
    }

    /// Whether the last walk, still known to be the vault's, found a file at
    /// `path`.
    pub fn knows_file(&self, path: &VaultPath) -> bool {
        self.walk.is_some()
            && self.notes.links.as_ref().is_some_and(|memo| {
                memo.files()
                    .binary_search_by(|file| file.path.cmp(path))
                    .is_ok()
            })
    }

    /// The files the last build found in `folder` and below, outside the
    /// output folder, in path order (none before the first build): what
    /// file-system events may not name one by one when a folder comes or
    /// goes.
    pub fn files_in(&self, folder: &VaultPath) -> Vec<VaultPath> {
        let Some(memo) = self.notes.links.as_ref() else {
            return Vec::new();
        };
        files_under(memo.files(), folder)
            .iter()
            .filter(|file| file.exclusion != crate::scan::Exclusion::OutputFolder)
            .map(|file| file.path.clone())
            .collect()
    }

    /// Forgets the last walk: the next build walks the vault.
    pub fn forget_walk(&mut self) {
        self.walk = None;
    }

    /// Never reuses a walk (`--poll`: the poller does not look into the output
    /// folder, where only a walk sees someone else's files).
    pub fn always_walk(&mut self) {
        self.walk_always = true;
        self.walk = None;
    }

    /// Forgets the page keys (templates or settings changed).
    pub fn forget_pages(&mut self) {
        self.pages.clear();
    }

    /// Builds the vault at `root` and writes what changed. `changed`, when given,
    /// names every file that changed since the last build (from file-system
    /// events): only those notes are read, even when a rewrite kept a note's size
    /// and time (two saves within the file system's time granularity). Without
    /// it, every note's size and time are compared. Returns the report and the
    /// notes whose broken frontmatter made the build keep their last good parse.
    pub fn build(
        &mut self,
        root: &Path,
        config: &Config,
        changed: Option<&[VaultPath]>,
    ) -> Result<(BuildReport, Vec<VaultPath>), BuildError> {
        let (report, kept_last_good, relink) = self.build_once(root, config, changed)?;
        if !relink {
            return Ok((report, kept_last_good));
        }
        // Notes link to pages this update removed: updated again without
        // them, those links resolve as a build of the vault as it now is
        // finds them (see `pipeline::links_into`).
        let removed = report.write.removed.clone();
        let (again, mut more_kept, _) = self.build_once(root, config, Some(&removed))?;
        more_kept.extend(kept_last_good);
        more_kept.sort();
        more_kept.dedup();
        Ok((report.then(again), more_kept))
    }

    /// [`Incremental::build`] once; also whether notes link to pages it
    /// removed.
    fn build_once(
        &mut self,
        root: &Path,
        config: &Config,
        changed: Option<&[VaultPath]>,
    ) -> Result<(BuildReport, Vec<VaultPath>, bool), BuildError> {
        let started = SystemTime::now();
        let scan_started = Instant::now();
        // Before this build's own marks: a page changed since it was parsed is
        // marked again below.
        self.settle_pages();
        let reused = changed.and_then(|changed| self.files_after(root, config, changed));
        let (scanned, settings) = match reused {
            Some(files) => files,
            None => scan_vault(root, config)?,
        };
        // What the next update needs of this walk besides its files.
        let kept_walk = KeptWalk {
            root: scanned.root.clone(),
            diagnostics: scanned.diagnostics.clone(),
            walk: scanned.walk,
            patchable: scanned.patchable,
            settings: settings.clone(),
        };

        self.notes.events_complete = changed.is_some();
        self.notes
            .spares
            .get_or_insert_with(|| Spares::new(root.join(STATE_FOLDER)));
        self.notes.model.get_or_insert_with(Default::default);
        self.notes.summaries.get_or_insert_with(Default::default);
        self.notes.mark_changed(changed.unwrap_or_default());
        // A file just saved makes the inputs' fingerprint untrustworthy anyway
        // (see `write::fingerprint`): only full compares record one.
        let inputs = match changed {
            Some(_) => None,
            None => crate::write::inputs_fingerprint(root, &scanned, started),
        };
        let (report, mut analysis) = build_scanned(
            root,
            config,
            scanned,
            settings,
            WriteMode::Write,
            inputs,
            &mut self.notes,
            Some(&mut self.pages),
            scan_started.elapsed(),
        )?;
        // Pages created or removed change the files (pages are link targets).
        let same_files = report.write.removed.is_empty()
            && (report.write.written.iter()).all(|page| analysis.vault.file_id(page).is_some());
        self.walk =
            (same_files && !self.walk_always && kept_walk.walk.is_some()).then_some(kept_walk);
        let relink = crate::pipeline::links_into(&analysis.vault, &report.write.removed);
        let kept_last_good = std::mem::take(&mut self.notes.kept_last_good);
        if let Some(memo) = self.notes.model.as_mut() {
            memo.keep(std::mem::take(&mut analysis.model));
        }
        self.notes.refill_from(&mut analysis.vault);
        // The plan is kept for the next update; the rest goes.
        let crate::pipeline::Analysis { vault, model, plan } = analysis;
        self.notes.plan = Some(plan);
        crate::pipeline::drop_in_background((vault, model));
        // Pages are notes too (links may point into them), and no event tells
        // of our own writes: the ones just written are read again, now, on
        // another thread (until they are, they count as changed) — those that
        // were read: a page no link looks into stays unread (see
        // `pipeline::load_scanned`).
        self.notes
            .mark_changed(report.write.written.iter().chain(&report.write.removed));
        let written: Vec<(VaultPath, PathBuf)> = report
            .write
            .written
            .iter()
            .filter(|page| self.notes.has_read(page))
            .map(|page| (page.clone(), page.to_fs_path(root)))
            .collect();
        // Spares for the next update, made while the user reads this one.
        if let Some(spares) = self.notes.spares.clone()
            && self
                .making_spares
                .as_ref()
                .is_none_or(|making| making.is_finished())
        {
            let wanted = (report.write.written.len() * 2).clamp(*SPARES.start(), *SPARES.end());
            self.making_spares = Some(std::thread::spawn(move || spares.fill(wanted)));
        }
        let max_bytes = config.max_note_bytes;
        self.pending_pages = (!written.is_empty()).then(|| {
            std::thread::spawn(move || {
                written
                    .par_iter()
                    .filter_map(|(page, fs_path)| read_and_parse(page, fs_path, max_bytes))
                    .collect()
            })
        });
        Ok((report, kept_last_good, relink))
    }
}

/// The files of `files` (sorted by path) in `folder` and below.
fn files_under<'f>(files: &'f [VaultFile], folder: &VaultPath) -> &'f [VaultFile] {
    let prefix = format!("{folder}/");
    let first = files.partition_point(|file| file.path.as_str() < prefix.as_str());
    let count = files[first..]
        .iter()
        .take_while(|file| file.path.as_str().starts_with(&prefix))
        .count();
    &files[first..first + count]
}

#[cfg(test)]
pub(super) mod tests {
    //! Keyed, incremental builds against fresh builds: after every edit of a
    //! random sequence, the pages of the incremental build must be byte for byte
    //! those of a full build of a copy of the vault. A page key that hashes too
    //! little shows up here as a stale page.

    use super::*;
    use std::collections::BTreeMap;
    use std::fs;
    use std::sync::Arc;

    use proptest::prelude::*;

    /// Text replacements that change what pages show: periods, signals, headings,
    /// block ids, roles, companies, statuses, targets, links.
    const REPLACEMENTS: &[(&str, &str)] = &[
        ("date: 2026-10-", "date: 2026-11-"),
        ("#pain", "#gain"),
        ("## Learned", "## Learned on site"),
        ("## Surprising", "## Notes"),
        (" ^", " "),
        ("role: technician", "role: dispatcher"),
        (
            "company: \"[[Northgate Mechanical]]\"",
            "company: \"[[Meridian Cold Chain]]\"",
        ),
        ("status: ", "status: validated-"),
        ("target: ", "target: 1"),
        ("[[Parts shortages", "[[Parts shortage"),
        ("# ", "# Renamed heading "),
        ("#step/", "#step/locate #was/"),
        // A note changes kind, the files staying the same: pages are named again.
        ("type: job", "type: insight"),
        ("type: insight", "type: job"),
        // An interview no longer typed (and the typed notes after it
        // numbered again).
        ("type: interview", "type: draft"),
        // Who was followed up, who took part, which jobs were raised.
        ("follow-up-of: ", "follow-up-of-was: "),
        // An interview moves to the other plan, or names none.
        (
            "plan: \"[[Preventive maintenance planning]]\"",
            "plan: \"[[Parts and client handover]]\"",
        ),
        ("plan: ", "plan-was: "),
        (
            "participant: \"[[Dana Whitfield]]\"",
            "participant: \"[[Kai Lindqvist]]\"",
        ),
        (
            "[[Record work done on site]]",
            "[[Get the right parts to the job]]",
        ),
    ];

    /// One change to the vault; indices pick files by position (modulo).
    #[derive(Debug, Clone)]
    enum Edit {
        Replace {
            note: usize,
            replacement: usize,
        },
        AddObservation {
            note: usize,
            insight: usize,
            block: bool,
        },
        NewInterview {
            person: usize,
            insight: usize,
            day: u8,
        },
        Delete {
            note: usize,
        },
        Rename {
            note: usize,
        },
        /// A note links into a note that is not a source (a generated page,
        /// a note Obsidian's settings leave out) with a heading, found there
        /// or not.
        SubpathLink {
            note: usize,
            target: usize,
            heading: usize,
        },
    }

    /// Targets of [`Edit::SubpathLink`]: notes left unread until linked so.
    const SUBPATH_TARGETS: &[&str] = &[
        "Interview template",
        "Parts shortages are discovered only on site (evidence)",
        "Insights",
    ];

    /// Headings of [`Edit::SubpathLink`]: in the template, on every insight
    /// page, on none.
    const SUBPATH_HEADINGS: &[&str] = &["Learned", "Evidence", "Nowhere"];

    fn edit() -> impl Strategy<Value = Edit> {
        prop_oneof![
            4 => (any::<usize>(), 0..REPLACEMENTS.len())
                .prop_map(|(note, replacement)| Edit::Replace { note, replacement }),
            4 => (any::<usize>(), any::<usize>(), any::<bool>())
                .prop_map(|(note, insight, block)| Edit::AddObservation { note, insight, block }),
            2 => (any::<usize>(), any::<usize>(), 1u8..28)
                .prop_map(|(person, insight, day)| Edit::NewInterview { person, insight, day }),
            1 => any::<usize>().prop_map(|note| Edit::Delete { note }),
            1 => any::<usize>().prop_map(|note| Edit::Rename { note }),
            2 => (any::<usize>(), 0..SUBPATH_TARGETS.len(), 0..SUBPATH_HEADINGS.len())
                .prop_map(|(note, target, heading)| Edit::SubpathLink { note, target, heading }),
        ]
    }

    fn copy_sources(from: &Path, to: &Path) {
        for entry in walkdir::WalkDir::new(from)
            .into_iter()
            .filter_map(Result::ok)
        {
            let relative = entry.path().strip_prefix(from).unwrap();
            let first = relative.iter().next().map(|name| name.to_string_lossy());
            if matches!(first.as_deref(), Some("Throughline" | ".throughline")) {
                continue;
            }
            let target = to.join(relative);
            if entry.file_type().is_dir() {
                fs::create_dir_all(&target).unwrap();
            } else {
                fs::copy(entry.path(), &target).unwrap();
            }
        }
    }

    /// A temporary copy of the sample vault's sources.
    pub(in crate::watch) fn sample_copy() -> tempfile::TempDir {
        let vault = tempfile::tempdir().unwrap();
        let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-vault");
        copy_sources(&sample, vault.path());
        vault
    }

    fn pages(root: &Path) -> BTreeMap<String, String> {
        walkdir::WalkDir::new(root.join("Throughline"))
            .into_iter()
            .filter_map(Result::ok)
            .filter(|entry| entry.file_type().is_file())
            .map(|entry| {
                let name = entry
                    .path()
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                (name, fs::read_to_string(entry.path()).unwrap())
            })
            .collect()
    }

    /// The vault's notes outside the output folder, by path.
    fn notes(root: &Path, folder: &str) -> Vec<String> {
        let mut found: Vec<String> = walkdir::WalkDir::new(root.join(folder))
            .into_iter()
            .filter_map(Result::ok)
            .filter(|entry| entry.path().extension().is_some_and(|ext| ext == "md"))
            .map(|entry| {
                entry
                    .path()
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned()
            })
            .filter(|path| !path.starts_with("Throughline"))
            .collect();
        found.sort();
        found
    }

    fn pick(list: &[String], index: usize) -> Option<&String> {
        (!list.is_empty()).then(|| &list[index % list.len()])
    }

    fn stem(path: &str) -> &str {
        path.rsplit('/').next().unwrap().trim_end_matches(".md")
    }

    /// Applies an edit; returns the vault paths it touched.
    fn apply(root: &Path, edit: &Edit) -> Vec<String> {
        let all = notes(root, "");
        let insights = notes(root, "Insights");
        match edit {
            Edit::Replace { note, replacement } => {
                // A note the replacement applies to, when there is one.
                let (from, to) = REPLACEMENTS[*replacement];
                let containing: Vec<String> = all
                    .iter()
                    .filter(|path| {
                        fs::read_to_string(root.join(path)).is_ok_and(|text| text.contains(from))
                    })
                    .cloned()
                    .collect();
                let candidates = if containing.is_empty() {
                    &all
                } else {
                    &containing
                };
                let Some(path) = pick(candidates, *note) else {
                    return Vec::new();
                };
                let full = root.join(path);
                let text = fs::read_to_string(&full).unwrap();
                let changed = if text.contains(from) {
                    text.replacen(from, to, 1)
                } else {
                    format!("{text}\n{to}\n")
                };
                fs::write(&full, changed).unwrap();
                vec![path.clone()]
            }
            Edit::AddObservation {
                note,
                insight,
                block,
            } => {
                let interviews = notes(root, "Interviews");
                let (Some(path), Some(insight)) =
                    (pick(&interviews, *note), pick(&insights, *insight))
                else {
                    return Vec::new();
                };
                let full = root.join(path);
                let text = fs::read_to_string(&full).unwrap();
                let id = if *block {
                    format!(" ^t{}", text.len())
                } else {
                    String::new()
                };
                fs::write(
                    &full,
                    format!(
                        "{text}\n- The van was loaded the night before. [[{}]] #pain{id}\n",
                        stem(insight)
                    ),
                )
                .unwrap();
                vec![path.clone()]
            }
            Edit::NewInterview {
                person,
                insight,
                day,
            } => {
                let people = notes(root, "People");
                let (Some(person), Some(insight)) =
                    (pick(&people, *person), pick(&insights, *insight))
                else {
                    return Vec::new();
                };
                let path = format!("Interviews/2026-11-{day:02} {} again.md", stem(person));
                fs::write(
                    root.join(&path),
                    format!(
                        "---\ntype: interview\ndate: 2026-11-{day:02}\nparticipant: \"[[{}]]\"\nplan: \"[[Parts and client handover]]\"\n---\n## Learned\n\n- Parts run out midweek. [[{}]] #pain\n",
                        stem(person),
                        stem(insight)
                    ),
                )
                .unwrap();
                vec![path]
            }
            Edit::Delete { note } => {
                let Some(path) = pick(&all, *note) else {
                    return Vec::new();
                };
                fs::remove_file(root.join(path)).unwrap();
                vec![path.clone()]
            }
            Edit::Rename { note } => {
                let Some(path) = pick(&all, *note) else {
                    return Vec::new();
                };
                let renamed = path.replace(".md", " (renamed).md");
                fs::rename(root.join(path), root.join(&renamed)).unwrap();
                vec![path.clone(), renamed]
            }
            Edit::SubpathLink {
                note,
                target,
                heading,
            } => {
                let Some(path) = pick(&all, *note) else {
                    return Vec::new();
                };
                let full = root.join(path);
                let text = fs::read_to_string(&full).unwrap();
                let (target, heading) = (SUBPATH_TARGETS[*target], SUBPATH_HEADINGS[*heading]);
                let line = format!("- See [[{target}#{heading}]].");
                fs::write(&full, format!("{text}\n{line}\n")).unwrap();
                vec![path.clone()]
            }
        }
    }

    fn fresh_pages(root: &Path) -> BTreeMap<String, String> {
        let fresh = tempfile::tempdir().unwrap();
        copy_sources(root, fresh.path());
        crate::pipeline::build(fresh.path(), WriteMode::Write).unwrap();
        pages(fresh.path())
    }

    /// The problems a fresh build finds in a copy of the vault with its pages
    /// as they are (a subpath into a page is looked for in the page on disk:
    /// a build of the sources alone finds no page to look in).
    fn fresh_problems(root: &Path) -> crate::diagnostics::Summary {
        let fresh = tempfile::tempdir().unwrap();
        copy_sources(root, fresh.path());
        copy_tree(&root.join("Throughline"), &fresh.path().join("Throughline"));
        let report = crate::pipeline::build(fresh.path(), WriteMode::Check).unwrap();
        report.problems
    }

    fn copy_tree(from: &Path, to: &Path) {
        for entry in walkdir::WalkDir::new(from)
            .into_iter()
            .filter_map(Result::ok)
        {
            let target = to.join(entry.path().strip_prefix(from).unwrap());
            if entry.file_type().is_dir() {
                fs::create_dir_all(&target).unwrap();
            } else {
                fs::copy(entry.path(), &target).unwrap();
            }
        }
    }

    fn differing(a: &BTreeMap<String, String>, b: &BTreeMap<String, String>) -> Vec<String> {
        a.keys()
            .chain(b.keys())
            .filter(|name| a.get(*name) != b.get(*name))
            .cloned()
            .collect()
    }

    proptest! {
        // A fixed seed: the same 64 cases on every run, so CI never meets a
        // case no one has seen (`PROPTEST_RNG_SEED` and `PROPTEST_CASES`
        // explore more: 400 cases found a link into a page that stops being
        // generated, now in the regressions file).
        #![proptest_config(ProptestConfig {
            cases: 64,
            rng_seed: proptest::test_runner::RngSeed::Fixed(20_261_128),
            ..ProptestConfig::default()
        })]

        #[test]
        fn incremental_builds_match_fresh_builds(edits in prop::collection::vec(edit(), 1..6)) {
            let vault = sample_copy();
            let config = crate::config::load(vault.path()).unwrap();
            let mut incremental = Incremental::default();
            incremental.build(vault.path(), &config, None).unwrap();
            for edit in &edits {
                let touched = apply(vault.path(), edit);
                let touched: Vec<VaultPath> =
                    touched.iter().filter_map(|path| VaultPath::new(path)).collect();
                let (report, _) = incremental.build(vault.path(), &config, Some(&touched)).unwrap();
                let expected = fresh_pages(vault.path());
                let problems = fresh_problems(vault.path());
                let actual = pages(vault.path());
                prop_assert!(
                    actual == expected,
                    "after {:?} ({} of {} pages rendered), stale: {:?}",
                    edit,
                    report.rendered,
                    report.pages,
                    differing(&actual, &expected)
                );
                prop_assert_eq!(report.problems, problems, "problems after {:?}", edit);
            }
        }
    }

    #[test]
    fn a_new_file_that_makes_a_link_text_ambiguous_renders_the_pages_again() {
        // A user's file in the output folder: no note read, no planned page
        // changes, only the files do, and with them the shortest link text of
        // an insight written on many pages.
        let vault = sample_copy();
        let root = vault.path();
        let config = crate::config::load(root).unwrap();
        let mut incremental = Incremental::default();
        incremental.build(root, &config, None).unwrap();
        let twin = "Throughline/Parts shortages are discovered only on site.md";
        fs::write(root.join(twin), "A note that happens to share a name.\n").unwrap();
        let changed = [VaultPath::new(twin).unwrap()];
        let (report, _) = incremental.build(root, &config, Some(&changed)).unwrap();
        assert!(!report.write.written.is_empty(), "link texts changed");
        let now = pages(root);
        assert!(
            now.values()
                .any(|page| page.contains("[[Insights/Parts shortages are discovered only on site")),
            "links name the insight by its path now"
        );
        // A fresh build with the same file there writes the same pages.
        let fresh = tempfile::tempdir().unwrap();
        copy_sources(root, fresh.path());
        fs::create_dir_all(fresh.path().join("Throughline")).unwrap();
        fs::copy(root.join(twin), fresh.path().join(twin)).unwrap();
        crate::pipeline::build(fresh.path(), WriteMode::Write).unwrap();
        assert_eq!(differing(&now, &pages(fresh.path())), Vec::<String>::new());
    }

    #[test]
    fn files_in_a_folder_are_those_under_it_and_not_a_siblings() {
        let vault = tempfile::tempdir().unwrap();
        let root = vault.path();
        for file in [
            "Notes.md",
            "Notes/a.md",
            "Notes/sub/b.md",
            "Notes/sub/chart.png",
            "Notes 2/c.md",
            "Notes-x/d.md",
            "Notesbook/e.md",
            "Other/f.md",
        ] {
            let path = root.join(file);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, "# A note\n").unwrap();
        }
        let config = crate::config::load(root).unwrap();
        let mut incremental = Incremental::default();
        let folder = |path: &str| VaultPath::new(path).unwrap();
        assert_eq!(incremental.files_in(&folder("Notes")), [], "before a build");
        incremental.build(root, &config, None).unwrap();
        let found: Vec<String> = (incremental.files_in(&folder("Notes")).iter())
            .map(|path| path.to_string())
            .collect();
        assert_eq!(
            found,
            ["Notes/a.md", "Notes/sub/b.md", "Notes/sub/chart.png"]
        );
        assert_eq!(incremental.files_in(&folder("Notes/sub")).len(), 2);
        assert_eq!(incremental.files_in(&folder("Notes.md")), []);
        // The output folder's pages are not the user's files.
        let pages = root.join("Throughline").read_dir().unwrap().count();
        assert!(pages > 0, "pages were written");
        assert_eq!(incremental.files_in(&folder("Throughline")), []);
    }

    /// The insight whose page `Pointer.md` links into (see [`built_with_pointer`]).
    const POINTED: &str = "Managers judge technicians by callbacks, not completed visits";

    /// A copy of the sample vault with `Pointer.md` linking into [`POINTED`]'s
    /// page at `section`, built once (so the page is there), and its
    /// configuration.
    fn built_with_pointer(section: &str) -> (tempfile::TempDir, Config) {
        let vault = sample_copy();
        let root = vault.path();
        fs::write(
            root.join("Pointer.md"),
            format!("See [[{POINTED} (evidence)#{section}]].\n"),
        )
        .unwrap();
        let config = crate::config::load(root).unwrap();
        Incremental::default().build(root, &config, None).unwrap();
        (vault, config)
    }

    #[test]
    fn links_into_pages_are_checked_against_the_pages_last_written() {
        let (vault, config) = built_with_pointer("Counter-evidence");
        let root = vault.path();
        let insight = POINTED;
        // A watch started on the built vault: the page has no such section yet.
        let mut incremental = Incremental::default();
        let (before, _) = incremental.build(root, &config, None).unwrap();
        let interview = "Interviews/2026-10-05 Dana Whitfield.md";
        let mut text = fs::read_to_string(root.join(interview)).unwrap();
        text.push_str(&format!(
            "- Callbacks do not matter to her #contradicts [[{insight}]]\n"
        ));
        fs::write(root.join(interview), text).unwrap();
        let changed = [VaultPath::new(interview).unwrap()];
        let (edited, _) = incremental.build(root, &config, Some(&changed)).unwrap();
        assert!(
            edited
                .write
                .written
                .iter()
                .any(|page| page.as_str().contains(insight)),
            "the insight's page gains its counter-evidence"
        );
        // The next update reads the page as written (parsed in the background).
        let (after, _) = incremental.build(root, &config, Some(&[])).unwrap();
        let (fresh, _) = Incremental::default().build(root, &config, None).unwrap();
        assert_eq!(after.problems.warnings + 1, before.problems.warnings);
        assert_eq!(after.problems, fresh.problems);
    }

    #[test]
    fn only_the_pages_a_link_looks_into_are_parsed_once_settled() {
        // Built once, so the page is there for the link when `watch` starts;
        // then the page is changed by hand, so the watch's first build writes
        // it (and nothing else).
        let (vault, config) = built_with_pointer("Evidence");
        let root = vault.path();
        let page = format!("Throughline/Insights/{POINTED} (evidence).md");
        let bytes = fs::read_to_string(root.join(&page)).unwrap();
        fs::write(root.join(&page), bytes.replace("## Evidence", "## Changed")).unwrap();
        let mut incremental = Incremental::default();
        let (first, _) = incremental.build(root, &config, None).unwrap();
        assert_eq!(first.write.written, [VaultPath::new(&page).unwrap()]);
        let pending = incremental
            .pending_pages
            .take()
            .expect("parsed on another thread");
        let parsed: Vec<String> = (pending.join().unwrap().iter())
            .map(|parsed| parsed.path().to_string())
            .collect();
        assert_eq!(parsed, std::slice::from_ref(&page));
        // The other pages were left unread, and stay so.
        let other = "Throughline/Insights.md";
        assert!(!incremental.notes.has_read(&VaultPath::new(other).unwrap()));
        let (nothing, _) = incremental.build(root, &config, Some(&[])).unwrap();
        assert_eq!(nothing.stats.notes, first.stats.notes);
        assert_eq!(nothing.rendered, 0);
        assert!(!incremental.notes.has_read(&VaultPath::new(other).unwrap()));
    }

    /// A note the sample vault's Obsidian settings leave out (`Templates/`).
    const HIDDEN: &str = "Templates/Hidden guide.md";

    /// A copy of the sample vault, changed by `prepare`, built by a watch's
    /// first update: the copy, its configuration, the watch's state and the
    /// update's report.
    fn watched_sample(
        prepare: impl FnOnce(&Path),
    ) -> (tempfile::TempDir, Config, Incremental, BuildReport) {
        let vault = sample_copy();
        let root = vault.path();
        prepare(root);
        let config = crate::config::load(root).unwrap();
        let mut incremental = Incremental::default();
        let (first, _) = incremental.build(root, &config, None).unwrap();
        (vault, config, incremental, first)
    }

    /// [`watched_sample`] with [`HIDDEN`] holding `text`.
    fn watched_with_hidden(text: &str) -> (tempfile::TempDir, Config, Incremental, BuildReport) {
        watched_sample(|root| fs::write(root.join(HIDDEN), text).unwrap())
    }

    #[test]
    fn a_save_that_links_into_a_note_left_unread_reads_it() {
        let (vault, config, mut incremental, _) = watched_with_hidden("# Present\n\nText ^kept\n");
        let root = vault.path();
        let hidden = HIDDEN;
        incremental.settle_pages();
        let unread = |incremental: &Incremental, path: &str| {
            !incremental.notes.has_read(&VaultPath::new(path).unwrap())
        };
        let insight = POINTED;
        let page = format!("Throughline/Insights/{insight} (evidence).md");
        assert!(unread(&incremental, hidden) && unread(&incremental, &page));
        // A save (the same files): an observation quotes links into both, a
        // heading found and one not in each.
        let interview = "Interviews/2026-10-05 Dana Whitfield.md";
        let mut text = fs::read_to_string(root.join(interview)).unwrap();
        text.push_str(&format!(
            "- Her checklist: [[Hidden guide#Present]] [[Hidden guide#Absent]] \
             [[{insight} (evidence)#Evidence]] [[{insight} (evidence)#Nope]] [[{insight}]]\n"
        ));
        fs::write(root.join(interview), text).unwrap();
        let changed = [VaultPath::new(interview).unwrap()];
        let (edited, _) = incremental.build(root, &config, Some(&changed)).unwrap();
        assert!(!unread(&incremental, hidden) && !unread(&incremental, &page));
        let quoted = pages(root)[&page].clone();
        assert!(quoted.contains("[[Hidden guide#Present]]"), "{quoted}");
        let (fresh, _) = Incremental::default().build(root, &config, None).unwrap();
        assert_eq!(fresh.write.written, Vec::<VaultPath>::new());
        assert_eq!(edited.problems, fresh.problems);
        // A new note (the files change): links into a page still unread.
        let other =
            "Throughline/Insights/Parts shortages are discovered only on site (evidence).md";
        assert!(unread(&incremental, other));
        let pointer = "Pointer.md";
        fs::write(
            root.join(pointer),
            "[[Parts shortages are discovered only on site (evidence)#Evidence]] \
             [[Parts shortages are discovered only on site (evidence)#Nope]]\n",
        )
        .unwrap();
        let changed = [VaultPath::new(pointer).unwrap()];
        let (pointed, _) = incremental.build(root, &config, Some(&changed)).unwrap();
        assert!(!unread(&incremental, other));
        let (fresh, _) = Incremental::default().build(root, &config, None).unwrap();
        assert_eq!(pointed.problems, fresh.problems);
        assert_eq!(pointed.problems.warnings, edited.problems.warnings + 1);
    }

    #[test]
    fn a_note_left_unread_is_read_once_the_settings_make_it_a_source() {
        let (vault, config, mut incremental, first) =
            watched_with_hidden("# Guide\n\n[[Nowhere at all]]\n");
        let root = vault.path();
        let hidden = HIDDEN;
        // Saves of the note left out (the second with the files of the
        // first: its stamp is taken from the save, and it stays unread).
        let changed = [VaultPath::new(hidden).unwrap()];
        for again in ["again", "and again"] {
            let text = format!("# Guide\n\n[[Nowhere at all]] {again}\n");
            fs::write(root.join(hidden), text).unwrap();
            incremental.build(root, &config, Some(&changed)).unwrap();
            assert!(!incremental.notes.has_read(&changed[0]));
        }
        // Obsidian's settings no longer leave it out: it is a source.
        let settings = root.join(".obsidian/app.json");
        let text = fs::read_to_string(&settings).unwrap();
        fs::write(&settings, text.replace("\"Templates/\"", "\"Elsewhere/\"")).unwrap();
        let (now, _) = incremental.build(root, &config, None).unwrap();
        assert!(incremental.notes.has_read(&changed[0]));
        let (fresh, _) = Incremental::default().build(root, &config, None).unwrap();
        assert_eq!(
            now.stats.notes,
            first.stats.notes + 2,
            "the template and the guide"
        );
        assert_eq!(now.stats, fresh.stats);
        assert_eq!(now.problems, fresh.problems);
    }

    #[test]
    fn schema_problems_come_and_go_with_their_notes_as_in_fresh_builds() {
        // The vault's list keeps the last model's problems while they are the
        // same: a problem found, then fixed, must show in the list as a fresh
        // build's does (debug builds also compare the whole list).
        let vault = sample_copy();
        let root = vault.path();
        let config = crate::config::load(root).unwrap();
        let mut incremental = Incremental::default();
        let (first, _) = incremental.build(root, &config, None).unwrap();
        let interview = "Interviews/2026-10-05 Dana Whitfield.md";
        let text = fs::read_to_string(root.join(interview)).unwrap();
        let undated = text.replace("date: 2026-10-05\n", "");
        assert_ne!(undated, text);
        let changed = [VaultPath::new(interview).unwrap()];
        let fresh = || Incremental::default().build(root, &config, None).unwrap().0;
        // Saved twice the same: the problem stays, once.
        for _ in 0..2 {
            fs::write(root.join(interview), &undated).unwrap();
            let (undated_build, _) = incremental.build(root, &config, Some(&changed)).unwrap();
            assert_eq!(undated_build.problems.warnings, first.problems.warnings + 1);
            assert_eq!(undated_build.problems, fresh().problems);
        }
        fs::write(root.join(interview), &text).unwrap();
        let (dated, _) = incremental.build(root, &config, Some(&changed)).unwrap();
        assert_eq!(dated.problems, first.problems);
        assert_eq!(dated.problems, fresh().problems);
        // A plan that is no longer one: the interviews naming it, not read
        // again, now have a problem each.
        let plan = "Plans/Preventive maintenance planning.md";
        let plan_text = fs::read_to_string(root.join(plan)).unwrap();
        fs::write(
            root.join(plan),
            plan_text.replace("type: plan", "type: note"),
        )
        .unwrap();
        let changed = [VaultPath::new(plan).unwrap()];
        let (unplanned, _) = incremental.build(root, &config, Some(&changed)).unwrap();
        assert!(unplanned.problems.warnings > first.problems.warnings);
        assert_eq!(unplanned.problems, fresh().problems);
        fs::write(root.join(plan), plan_text).unwrap();
        let (planned, _) = incremental.build(root, &config, Some(&changed)).unwrap();
        assert_eq!(planned.problems, first.problems);
    }

    /// Replaces every part kept by a first build (the one `part` picks) with
    /// a marker, makes an edit, and checks the page at `page`: parts whose key
    /// is unchanged are taken from the memo (the marker shows), the others are
    /// rendered again, and some of each.
    fn parts_render_again_only_when_their_key_changes(
        part: fn(&mut crate::render::KeptFragments) -> &mut crate::render::RenderedParts,
        page: &str,
    ) {
        let vault = sample_copy();
        let root = vault.path();
        let config = crate::config::load(root).unwrap();
        let mut incremental = Incremental::default();
        incremental.build(root, &config, None).unwrap();
        let mut fragments = incremental.pages.take_fragments();
        let parts = part(&mut fragments);
        assert!(parts.len() >= 3, "{} parts", parts.len());
        *parts = parts
            .keys()
            .map(|&key| (key, Arc::from(format!("STALE {key}\n"))))
            .collect();
        incremental.pages.keep_fragments(fragments);
        let touched = apply(
            root,
            &Edit::AddObservation {
                note: 3,
                insight: 2,
                block: false,
            },
        );
        let touched = [VaultPath::new(&touched[0]).unwrap()];
        incremental.build(root, &config, Some(&touched)).unwrap();
        let text = fs::read_to_string(root.join(page)).unwrap();
        let mut kept = incremental.pages.take_fragments();
        let kept = part(&mut kept);
        let rendered: Vec<&Arc<str>> = kept
            .values()
            .filter(|text| !text.starts_with("STALE"))
            .collect();
        assert!(text.contains("STALE"), "unchanged parts are reused");
        assert!(
            !rendered.is_empty() && rendered.len() < kept.len(),
            "{} of {} parts rendered again",
            rendered.len(),
            kept.len()
        );
        for part in rendered {
            assert!(text.contains(&**part), "{part}");
        }
    }

    #[test]
    fn digest_entries_render_again_only_when_their_key_changes() {
        parts_render_again_only_when_their_key_changes(
            |kept| &mut kept.entries,
            "Throughline/Digest.md",
        );
    }

    #[test]
    fn insight_rows_render_again_only_when_their_key_changes() {
        parts_render_again_only_when_their_key_changes(
            |kept| &mut kept.rows,
            "Throughline/Insights.md",
        );
    }

    #[test]
    fn an_edit_renders_only_the_pages_it_touches() {
        let vault = sample_copy();
        let config = crate::config::load(vault.path()).unwrap();
        let mut incremental = Incremental::default();
        let (first, _) = incremental.build(vault.path(), &config, None).unwrap();
        assert_eq!(first.rendered, first.pages);
        let (nothing, _) = incremental.build(vault.path(), &config, Some(&[])).unwrap();
        assert_eq!(nothing.rendered, 0, "nothing changed, nothing to render");
        // A new observation on one job: its page, the index and the digest
        // at most — never all pages.
        let touched = apply(
            vault.path(),
            &Edit::AddObservation {
                note: 3,
                insight: 2,
                block: false,
            },
        );
        let touched = [VaultPath::new(&touched[0]).unwrap()];
        let (edited, _) = incremental
            .build(vault.path(), &config, Some(&touched))
            .unwrap();
        assert!(edited.rendered > 0);
        assert!(
            edited.rendered * 2 < edited.pages,
            "{} of {} pages rendered",
            edited.rendered,
            edited.pages
        );
        assert!(!edited.write.written.is_empty());
    }

    #[test]
    fn overview_pages_render_again_only_when_an_insight_row_changes() {
        let (vault, config, mut incremental, _) = watched_sample(|_| {});
        let root = vault.path();
        // New words in an observation of an interview before the digest's
        // period: its insight's page shows them; no row changes.
        let changed = rewrite(root, "Interviews/2026-10-05 Dana Whitfield.md", |text| {
            text.replace("she phones whichever tech", "she calls whichever tech")
        });
        let (report, _) = incremental.build(root, &config, Some(&[changed])).unwrap();
        let written: Vec<&str> = report.write.written.iter().map(|p| p.as_str()).collect();
        assert_eq!(
            written,
            [
                "Throughline/Insights/Equipment history lives in the heads of senior technicians (evidence).md"
            ]
        );
        assert_eq!(report.rendered, 1, "only the insight's page renders");
        // One more observation of that insight: its row changes (evidence
        // count), and `Insights.md` with it.
        let changed = add_to_dana(
            root,
            "- She keeps a spare log. [[Equipment history lives in the heads of senior technicians]]",
        );
        let (report, _) = incremental.build(root, &config, Some(&[changed])).unwrap();
        assert!(
            report
                .write
                .written
                .iter()
                .any(|p| p.as_str() == "Throughline/Insights.md"),
            "{:?}",
            report.write.written
        );
    }

    /// Rewrites the note at `path` with `change` applied to its text.
    fn rewrite(root: &Path, path: &str, change: impl FnOnce(String) -> String) -> VaultPath {
        let full = root.join(path);
        fs::write(&full, change(fs::read_to_string(&full).unwrap())).unwrap();
        VaultPath::new(path).unwrap()
    }

    /// Dana's interview in the sample vault, with `item` (a list item) put
    /// among her observations, before her note on filter sizes.
    fn add_to_dana(root: &Path, item: &str) -> VaultPath {
        rewrite(root, "Interviews/2026-10-05 Dana Whitfield.md", |text| {
            text.replace("- Filter sizes", &format!("{item}\n- Filter sizes"))
        })
    }

    #[test]
    fn the_digest_follows_insights_into_and_out_of_the_few_it_lists() {
        let (vault, config, mut incremental, _) = watched_sample(|root| {
            fs::write(root.join("throughline.toml"), "[digest]\nqueue = 2\n").unwrap()
        });
        let root = vault.path();
        let digest = || pages(root)["Throughline/Digest.md"].clone();
        let listed = |digest: &str| -> Vec<String> {
            let queue = digest.split("## Validation queue").nth(1).unwrap();
            (queue.lines())
                .filter(|line| line.starts_with("- [["))
                .map(str::to_owned)
                .collect()
        };
        let before = digest();
        assert_eq!(listed(&before).len(), 2, "{before}");
        assert!(
            before.contains("…and 3 more insights need validation"),
            "{before}"
        );
        // An insight from the end of the queue gains a second participant:
        // it moves up among those listed, as a fresh build lists them.
        let owners = "Building owners want proof of the visit, not a report";
        let changed = add_to_dana(
            root,
            &format!("- Her customers ask for photos of every visit. [[{owners}]]"),
        );
        incremental.build(root, &config, Some(&[changed])).unwrap();
        let after = digest();
        assert_eq!(pages(root), fresh_pages(root));
        assert_ne!(listed(&after), listed(&before), "{after}");
        // An insight not listed changes what its entry would show: the page
        // stays as a fresh build writes it.
        let changed = rewrite(root, "Interviews/2026-10-05 Dana Whitfield.md", |text| {
            text.replace("photos of every visit", "signed photos of every visit")
        });
        incremental.build(root, &config, Some(&[changed])).unwrap();
        assert_eq!(pages(root), fresh_pages(root));
    }

    #[test]
    fn a_heading_renders_every_page_again_only_when_a_quote_may_link_into_it() {
        let (vault, config, mut incremental, first) = watched_sample(|_| {});
        let root = vault.path();
        let marcus = "Interviews/2026-10-08 Marcus Oyelaran.md";
        // No quote links into Marcus's note with a heading or block: a new
        // heading there renders the pages that show his interview, not all.
        let changed = rewrite(root, marcus, |text| {
            text + "\n## Travel log\n\nTwo hours.\n"
        });
        let (report, _) = incremental.build(root, &config, Some(&[changed])).unwrap();
        assert!(
            report.rendered < first.pages,
            "{} of {} pages rendered",
            report.rendered,
            first.pages
        );
        // An observation elsewhere quotes a heading of his that is not there
        // yet: the page shows the link without it.
        let page = "Throughline/Insights/Equipment history lives in the heads of senior technicians (evidence).md";
        let changed = add_to_dana(
            root,
            "- Marcus mentioned the rota ([[2026-10-08 Marcus Oyelaran#Rota]]). \
                 [[Equipment history lives in the heads of senior technicians]]",
        );
        incremental.build(root, &config, Some(&[changed])).unwrap();
        assert!(pages(root)[page].contains("([[2026-10-08 Marcus Oyelaran]])"));
        // The heading appears in his note: the quoting page shows it, as a
        // fresh build does.
        let changed = rewrite(root, marcus, |text| text + "\n## Rota\n\nWho is on call.\n");
        incremental.build(root, &config, Some(&[changed])).unwrap();
        let now = pages(root);
        assert!(
            now[page].contains("([[2026-10-08 Marcus Oyelaran#Rota]])"),
            "{}",
            now[page]
        );
        assert_eq!(now, fresh_pages(root));
    }

    #[test]
    fn a_new_or_removed_interview_renders_only_the_pages_it_changes() {
        let (vault, config, mut incremental, first) = watched_sample(|_| {});
        let root = vault.path();
        // As `watch` does once set up: an update that finds the pages the
        // first build wrote (and keeps its walk).
        incremental.build(root, &config, Some(&[])).unwrap();
        let quoted_moved = incremental.pages.quoted_targets_moved();
        // A new interview that sorts before the others: the ids of the files
        // after it and the indices of the interviews after it all move.
        let new = "Interviews/2026-10-01 Ada Quill.md";
        fs::write(
            root.join(new),
            "---\ntype: interview\ndate: 2026-10-01\nparticipant: Ada Quill\n---\n\
             ## Learned\n\n- The van is restocked on Fridays only. \
             [[Parts shortages are discovered only on site]] #pain\n",
        )
        .unwrap();
        let changed = [VaultPath::new(new).unwrap()];
        let moved = |incremental: &Incremental| {
            incremental
                .notes
                .summaries
                .as_ref()
                .map_or(0, |memo| memo.moved)
        };
        let (added, _) = incremental.build(root, &config, Some(&changed)).unwrap();
        assert!(
            added.rendered * 2 < first.pages,
            "{} of {} pages rendered",
            added.rendered,
            first.pages
        );
        assert_eq!(pages(root), fresh_pages(root));
        // The insights' summaries were moved over to the new ids, not
        // dropped (each is reused while its fingerprints hold).
        let after_added = moved(&incremental);
        assert!(after_added > 0, "no summary moved");
        // The new file was put into the last files, not found by a walk.
        assert_eq!(incremental.patched_files, 1);
        // So were the files quoted links may open (not counted again).
        assert_eq!(incremental.pages.quoted_targets_moved(), quoted_moved + 1);
        // Removed again: the same pages render, back to what they were.
        fs::remove_file(root.join(new)).unwrap();
        let (removed, _) = incremental.build(root, &config, Some(&changed)).unwrap();
        assert!(removed.rendered * 2 < first.pages, "{}", removed.rendered);
        assert_eq!(pages(root), fresh_pages(root));
        assert!(moved(&incremental) > after_added, "no summary moved");
        assert_eq!(incremental.pages.quoted_targets_moved(), quoted_moved + 2);
        assert_eq!(incremental.patched_files, 2);
    }

    /// What only a walk can tell is left to a walk: files added or removed
    /// go into the last files only when nothing about them needs one (each
    /// step below ends where a fresh build of the vault does).
    #[test]
    fn files_are_put_in_without_a_walk_only_when_a_walk_would_find_the_same() {
        let (vault, config, mut incremental, _) = watched_sample(|root| {
            // A link only the quotes' own walk sees (inside math): whether it
            // names a new file is not in the note's resolution.
            add_to_dana(
                root,
                "- The costs were $[[Ledger Q3]]$ in the sheet. \
                     [[Equipment history lives in the heads of senior technicians]]",
            );
        });
        let root = vault.path();
        incremental.build(root, &config, Some(&[])).unwrap();
        let step = |incremental: &mut Incremental, changed: &[&str], patched: bool| {
            let before = incremental.patched_files;
            let changed: Vec<VaultPath> =
                changed.iter().map(|p| VaultPath::new(p).unwrap()).collect();
            incremental.build(root, &config, Some(&changed)).unwrap();
            assert_eq!(
                incremental.patched_files - before,
                usize::from(patched),
                "{changed:?}"
            );
            assert_eq!(pages(root), fresh_pages(root), "{changed:?}");
        };
        // A new file a quote in math names: its interview is counted again
        // (debug builds compare the counts with a full count).
        fs::write(root.join("Ledger Q3.md"), "# Ledger\n").unwrap();
        step(&mut incremental, &["Ledger Q3.md"], true);
        fs::remove_file(root.join("Ledger Q3.md")).unwrap();
        step(&mut incremental, &["Ledger Q3.md"], true);
        // A file where a folder with files was: with a note's name, and with
        // an attachment's.
        for (name, text) in [("Box.md", "# Box\n"), ("Crate", "a file now\n")] {
            fs::create_dir_all(root.join(name)).unwrap();
            fs::write(root.join(name).join("inside.md"), "# Inside\n").unwrap();
            step(&mut incremental, &[name], false);
            fs::remove_dir_all(root.join(name)).unwrap();
            fs::write(root.join(name), text).unwrap();
            step(&mut incremental, &[name], false);
        }
        // A file that came and went before the update: nothing to put in.
        step(&mut incremental, &["4913"], false);
        // A name that differs from a known one by case alone.
        fs::write(root.join("box.md"), "# Small box\n").unwrap();
        step(&mut incremental, &["box.md"], false);
        // A walk that met a symbolic link: the link follows its target.
        #[cfg(unix)]
        {
            fs::write(root.join("Target.md"), "# Target\n").unwrap();
            std::os::unix::fs::symlink(root.join("Target.md"), root.join("Link.md")).unwrap();
            step(&mut incremental, &["Target.md", "Link.md"], false);
            fs::write(root.join("Other.md"), "# Other\n").unwrap();
            step(&mut incremental, &["Other.md"], false);
            fs::remove_file(root.join("Link.md")).unwrap();
            step(&mut incremental, &["Link.md"], false);
            // No link left: the next walk's files are patched again.
            fs::remove_file(root.join("Other.md")).unwrap();
            step(&mut incremental, &["Other.md"], true);
        }
    }

    #[test]
    fn a_new_file_sharing_a_person_notes_name_changes_the_links_to_it() {
        // No quote names her: only the files of shared names decide it. A
        // user's file beside the insight pages: `[[Dana Whitfield]]` written
        // there opens it (own folder first), while her interviews' links
        // still open her note.
        let (vault, config, mut incremental, _) = watched_sample(|_| {});
        let root = vault.path();
        let twin = "Throughline/Insights/Dana Whitfield.md";
        fs::write(root.join(twin), "Someone else's note.\n").unwrap();
        let changed = [VaultPath::new(twin).unwrap()];
        let (report, _) = incremental.build(root, &config, Some(&changed)).unwrap();
        assert!(!report.write.written.is_empty());
        let now = pages(root);
        assert!(
            now.values()
                .any(|page| page.contains("[[People/Dana Whitfield]]")),
            "links to her note name its path"
        );
        // What a build of the vault as it is (the user's file in the output
        // folder included) writes: nothing more.
        let (fresh, _) = Incremental::default().build(root, &config, None).unwrap();
        assert_eq!(fresh.write.written, Vec::<VaultPath>::new());
    }

    #[test]
    fn a_new_file_named_like_a_quoted_link_makes_the_quote_a_link() {
        let (vault, config, mut incremental, _) = watched_sample(|root| {
            add_to_dana(
                root,
                "- She keeps a [[Van checklist]] for each site. \
                     [[Equipment history lives in the heads of senior technicians]]",
            );
        });
        let root = vault.path();
        let page = "Throughline/Insights/Equipment history lives in the heads of senior technicians (evidence).md";
        assert!(pages(root)[page].contains("keeps a Van checklist for"));
        // The note the quote names appears: the quote links it.
        let note = "Resources/Van checklist.md";
        fs::create_dir_all(root.join("Resources")).unwrap();
        fs::write(root.join(note), "- [ ] Filters\n").unwrap();
        let changed = [VaultPath::new(note).unwrap()];
        incremental.build(root, &config, Some(&changed)).unwrap();
        assert!(pages(root)[page].contains("keeps a [[Van checklist]] for"));
        assert_eq!(pages(root), fresh_pages(root));
        // And goes: plain text again.
        fs::remove_file(root.join(note)).unwrap();
        incremental.build(root, &config, Some(&changed)).unwrap();
        assert!(pages(root)[page].contains("keeps a Van checklist for"));
        assert_eq!(pages(root), fresh_pages(root));
    }

    #[test]
    fn evidence_patched_from_the_last_update_is_what_a_fresh_build_gathers() {
        let vault = sample_copy();
        let root = vault.path();
        let config = crate::config::load(root).unwrap();
        let mut incremental = Incremental::default();
        incremental.build(root, &config, None).unwrap();
        // The first build's pages are files the next walk finds (new files:
        // nothing is patched); then saves.
        incremental.build(root, &config, None).unwrap();
        let interviews = notes(root, "Interviews");
        let insights = notes(root, "Insights");
        // Both the model and the evidence lists patched from the last ones.
        let patched = |incremental: &Incremental| {
            let model = incremental
                .notes
                .model
                .as_ref()
                .map_or(0, |memo| memo.patched());
            let lists = (incremental.notes.summaries.as_ref()).map_or(0, |memo| memo.patched);
            (model, lists)
        };
        // In one update: the first interview gains a supporting and a
        // contradicting observation (the ones after it move), and a later
        // one loses its first observation. (No insight note links into
        // either by block or heading: one that does is resolved again,
        // and the records are worked out again.)
        assert!(interviews[0].ends_with("2026-10-05 Dana Whitfield.md"));
        let later = "Interviews/2026-11-04 Aisha Mensah.md";
        // It also names one more job in `jobs:`, and links another.
        let gained = rewrite(root, &interviews[0], |text| {
            let text = text.replacen("jobs: [", "jobs: [\"[[Report to building owners]]\", ", 1);
            format!(
                "{text}\n- Parts ran out again. [[{}]] [[Get the right parts to the job]] #pain\n- Not for this team. [[{}]] #contradicts\n",
                stem(&insights[0]),
                stem(&insights[1])
            )
        });
        assert!(
            fs::read_to_string(root.join(&interviews[0]))
                .unwrap()
                .contains("[\"[[Report")
        );
        let lost = rewrite(root, later, |text| {
            let first_item = text.find("\n- ").unwrap() + 1;
            let end = first_item + text[first_item..].find('\n').unwrap() + 1;
            format!("{}{}", &text[..first_item], &text[end..])
        });
        for changed in [vec![gained, lost.clone()], vec![lost]] {
            let before = patched(&incremental);
            incremental.build(root, &config, Some(&changed)).unwrap();
            assert_eq!(
                patched(&incremental),
                (before.0 + 1, before.1 + 1),
                "{changed:?}"
            );
            assert_eq!(pages(root), fresh_pages(root), "{changed:?}");
        }
        // Then a plan gains a question, the later interview moves to it, a
        // follow-up no longer follows up, and the later interview changes
        // its date (its rank: the lists are gathered again, the model is
        // still patched).
        type Change = fn(String) -> String;
        let steps: [(&str, Change, usize); 4] = [
            (
                "Plans/Parts and client handover.md",
                |text| {
                    text.replacen(
                        "## Questions\n\n",
                        "## Questions\n\n- What did you learn?\n",
                        1,
                    )
                },
                1,
            ),
            (
                later,
                |text| {
                    text.replacen(
                        "[[Preventive maintenance planning]]",
                        "[[Parts and client handover]]",
                        1,
                    )
                },
                1,
            ),
            (
                "Interviews/2026-11-18 Dana Whitfield.md",
                |text| text.replacen("follow-up-of: \"[[2026-10-05 Dana Whitfield]]\"\n", "", 1),
                1,
            ),
            (
                later,
                |text| text.replacen("date: 2026-11-04", "date: 2026-10-01", 1),
                0,
            ),
        ];
        for (path, change, lists_patched) in steps {
            let changed = [rewrite(root, path, change)];
            let before = patched(&incremental);
            incremental.build(root, &config, Some(&changed)).unwrap();
            let expected = (before.0 + 1, before.1 + lists_patched);
            assert_eq!(patched(&incremental), expected, "{path}");
            assert_eq!(pages(root), fresh_pages(root), "{path}");
        }
    }
}

#[cfg(test)]
mod walk_tests {
    use super::*;

    #[test]
    fn the_last_walk_is_known_until_it_is_forgotten() {
        let vault = tempfile::tempdir().unwrap();
        std::fs::write(vault.path().join("Note.md"), "# Note\n").unwrap();
        let config = crate::config::load(vault.path()).unwrap();
        let note = VaultPath::new("Note.md").unwrap();
        let mut incremental = Incremental::default();
        assert!(!incremental.knows_file(&note), "nothing walked yet");
        incremental.build(vault.path(), &config, None).unwrap();
        assert!(
            !incremental.knows_file(&note),
            "the first build created pages: its walk is out of date"
        );
        incremental.build(vault.path(), &config, Some(&[])).unwrap();
        assert!(incremental.knows_file(&note));
        assert!(!incremental.knows_file(&VaultPath::new("Other.md").unwrap()));
        incremental.forget_walk();
        assert!(
            !incremental.knows_file(&note),
            "a forgotten walk knows nothing"
        );
    }
}

#[cfg(test)]
mod job_page_tests {
    use super::*;
    use std::fs;

    /// Pages rendered by an update that adds one more observation of an
    /// insight from an interview already backing it, with the embedded
    /// templates or with a vault's own copy of `template` that also shows each
    /// insight's evidence count on job pages. The pages the update wrote are
    /// the ones a full build writes: a full build afterwards writes nothing.
    fn rendered_after_one_more_observation(own: Option<&str>) -> usize {
        let vault = tests::sample_copy();
        if let Some(name) = own {
            let (_, text) = crate::render::DEFAULT_TEMPLATES
                .iter()
                .find(|(default, _)| *default == name)
                .unwrap();
            let own = text.replace(
                "{{ row.participants }} |",
                "{{ row.participants }} ({{ row.evidence }}) |",
            );
            let own = own.replace("{{ insight_rows }}", "{% for row in insights %}| {{ row.page | wikilink }} | {{ row.participants }} ({{ row.evidence }}) |\n{% endfor %}");
            assert_ne!(&own, text);
            let folder = vault.path().join(".throughline/templates");
            fs::create_dir_all(&folder).unwrap();
            fs::write(folder.join(name), own).unwrap();
        }
        let config = crate::config::load(vault.path()).unwrap();
        let mut incremental = Incremental::default();
        incremental.build(vault.path(), &config, None).unwrap();
        incremental.build(vault.path(), &config, Some(&[])).unwrap();
        // At the end (the open questions): no other observation moves.
        let interview = "Interviews/2026-10-05 Dana Whitfield.md";
        let full = vault.path().join(interview);
        let text = fs::read_to_string(&full).unwrap();
        let added = format!(
            "{}\n- Would photos of the paper sheet spare her the second entry? [[Technicians re-enter the same visit data twice]]\n",
            text.trim_end()
        );
        fs::write(&full, added).unwrap();
        let changed = [VaultPath::new(interview).unwrap()];
        let (report, _) = incremental
            .build(vault.path(), &config, Some(&changed))
            .unwrap();
        assert!(!report.write.written.is_empty());
        incremental.forget();
        let (full_build, _) = incremental.build(vault.path(), &config, None).unwrap();
        assert_eq!(full_build.write.written, Vec::<VaultPath>::new(), "{own:?}");
        report.rendered
    }

    #[test]
    fn job_pages_render_again_only_when_what_they_show_of_an_insight_changes() {
        // The insight touches `Record work done on site`: its evidence count
        // changes, its participants and strength do not.
        let brief = rendered_after_one_more_observation(None);
        for own in ["job-insight-row.md.j2", "job.md.j2"] {
            let whole = rendered_after_one_more_observation(Some(own));
            assert!(
                brief < whole,
                "{brief} pages rendered, {whole} with a vault's own {own} showing evidence"
            );
        }
    }
}

#[cfg(test)]
mod job_evidence_tests {
    use super::*;
    use std::fs;
    use std::sync::Arc;

    fn page(root: &Path) -> String {
        fs::read_to_string(root.join("Throughline/Jobs/Record work done on site (job).md")).unwrap()
    }

    fn edit(root: &Path, path: &str, from: &str, to: &str) -> [VaultPath; 1] {
        let full = root.join(path);
        let text = fs::read_to_string(&full).unwrap();
        assert!(text.contains(from), "{path}");
        fs::write(&full, text.replacen(from, to, 1)).unwrap();
        [VaultPath::new(path).unwrap()]
    }

    #[test]
    fn a_job_page_renders_its_evidence_again_only_when_the_evidence_changes() {
        let vault = tests::sample_copy();
        let root = vault.path();
        let config = crate::config::load(root).unwrap();
        let mut incremental = Incremental::default();
        incremental.build(root, &config, None).unwrap();
        assert!(page(root).contains("\n## Evidence\n"), "{}", page(root));
        // Every kept section becomes a marker: a reused one shows on its page.
        let mut fragments = incremental.pages.take_fragments();
        assert!(fragments.job_evidence.len() >= 4);
        for (key, text) in fragments.job_evidence.iter_mut() {
            *text = Arc::from(format!("STALE {key}\n"));
        }
        incremental.pages.keep_fragments(fragments);
        // The statement is shown above the evidence, which stays as it was.
        let job = "Jobs/Record work done on site.md";
        let changed = edit(root, job, "statement: \"When", "statement: \"Whenever");
        let (report, _) = incremental.build(root, &config, Some(&changed)).unwrap();
        assert!(
            report
                .write
                .written
                .iter()
                .any(|p| p.as_str().contains("Record work"))
        );
        let shown = page(root);
        assert!(shown.contains("> Whenever I have finished"), "{shown}");
        assert!(shown.contains("STALE"), "{shown}");
        assert!(!shown.contains("\n## Evidence\n"), "{shown}");
        // One more observation of the job: its evidence is rendered again,
        // and no other job's.
        let interview = "Interviews/2026-10-05 Dana Whitfield.md";
        let full = root.join(interview);
        let text = fs::read_to_string(&full).unwrap();
        fs::write(
            &full,
            format!(
                "{}\n- She signs the sheet in the van before the next call. [[Record work done on site]]\n",
                text.trim_end()
            ),
        )
        .unwrap();
        let changed = [VaultPath::new(interview).unwrap()];
        incremental.build(root, &config, Some(&changed)).unwrap();
        let shown = page(root);
        assert!(!shown.contains("STALE"), "{shown}");
        assert!(shown.contains("She signs the sheet in the van"), "{shown}");
        let kept = incremental.pages.take_fragments().job_evidence;
        let fresh = kept.values().filter(|t| !t.starts_with("STALE")).count();
        assert_eq!(fresh, 1, "only the job with new evidence renders it again");
        assert_eq!(kept.len(), fragments_count(root, &config));
    }

    /// How many job pages a fresh build of the vault has.
    fn fragments_count(root: &Path, config: &Config) -> usize {
        let analysis = crate::pipeline::analyze(root, config).unwrap();
        analysis.model.jobs.len()
    }
}
