//! Write: the only code that touches the output folder.
//!
//! Rules (product.md §3): nothing is written outside the output folder (and the
//! tool's own `.throughline/` state); every write is atomic; a page whose bytes
//! did not change is not written; a file without our marker is never overwritten
//! or removed (it is reported); generated pages whose source is gone are removed,
//! exactly as the manifest lists them.

mod atomic;
mod fingerprint;
mod kept;
mod lock;
mod manifest;
mod ownership;
mod spares;

pub use atomic::{TEMP_PREFIX, TEMP_SUFFIX, create_atomically, is_temp_file, write_atomically};
pub use fingerprint::inputs_fingerprint;
pub use kept::KeptManifest;
use kept::exact_stamp;
pub use lock::{LockError, VaultLock};
pub use manifest::{BuildSummary, Manifest, ManifestEntry, content_hash};
pub use ownership::{MARKER, has_marker, is_generated};
pub use spares::Spares;

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::render::Page;
use crate::scan::VaultPath;

/// The folder of throughline's own state (manifest, lock) inside the vault.
pub const STATE_FOLDER: &str = ".throughline";

/// What to do with the pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteMode {
    /// Write what changed, remove what is stale.
    Write,
    /// Write nothing; report what would change.
    Check,
}

/// What a write did (or, in check mode, would do).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WriteReport {
    /// Pages written (new or changed).
    pub written: Vec<VaultPath>,
    /// Pages whose bytes were already right.
    pub unchanged: usize,
    /// Stale generated pages removed.
    pub removed: Vec<VaultPath>,
    /// Files in the way that are not ours: left alone.
    pub foreign: Vec<VaultPath>,
    /// The size and time of each page written, taken just after writing it
    /// (as the manifest records them).
    pub stamps: PageStamps,
}

impl WriteReport {
    /// Whether anything changed (or would change).
    pub fn has_changes(&self) -> bool {
        !self.written.is_empty() || !self.removed.is_empty()
    }
}

/// Writing failed.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// A page path outside the output folder: a bug, refused.
    #[error("refusing to write `{0}`: it is outside the output folder")]
    OutsideOutput(String),
    /// A folder pages (or the manifest) would go into leads out of the vault.
    #[error(transparent)]
    LeadsOutOfVault(#[from] LeadsOutOfVault),
    /// The file system refused.
    #[error("cannot write `{path}`: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// What the last build recorded about its inputs, to store with the pages.
#[derive(Debug, Clone, Default)]
pub struct BuildRecord {
    /// The inputs' fingerprint, if it can be trusted.
    pub inputs: Option<String>,
    /// What the build found.
    pub summary: BuildSummary,
}

/// When nothing changed since the last build — same input fingerprint, every page
/// as written, nothing else in the output folder — what that build found and how
/// many pages it wrote.
pub fn unchanged_since_last_build(
    root: &Path,
    output: &str,
    inputs: &str,
) -> Option<(BuildSummary, usize)> {
    let output = output.trim_matches('/');
    let manifest = Manifest::load(&root.join(STATE_FOLDER).join("manifest.json"));
    if manifest.inputs.as_deref() != Some(inputs) || manifest.output != output {
        return None;
    }
    let summary = manifest.summary?;
    let pages_intact = manifest.pages.par_iter().all(|entry| {
        let Some(path) = VaultPath::new(&entry.path) else {
            return false;
        };
        manifest::file_stamp(&path.to_fs_path(root)).is_some_and(|(size, modified)| {
            size == entry.size && modified == entry.modified && modified.is_some()
        })
    });
    if !pages_intact {
        return None;
    }
    let mut expected: Vec<&str> = manifest
        .pages
        .iter()
        .map(|entry| &*entry.path)
        .chain(manifest.foreign.iter().map(String::as_str))
        .collect();
    expected.sort_unstable();
    let mut present: Vec<String> = walkdir::WalkDir::new(root.join(output))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_file())
        .filter_map(|entry| {
            let relative = entry.path().strip_prefix(root).ok()?;
            VaultPath::from_relative(relative).map(|path| path.to_string())
        })
        .collect();
    present.sort_unstable();
    (present == expected).then_some((summary, manifest.pages.len()))
}

/// The size and time of pages just written, to tell our own writes from
/// others' without reading the manifest (a large vault's manifest takes a
/// while to read).
pub type PageStamps = HashMap<VaultPath, Option<FileStamp>>;

/// A file's size and modification time in milliseconds (see the manifest).
pub type FileStamp = (u64, Option<u128>);

/// Of `paths` in the output folder, those someone else changed since the last
/// write: a page whose size or time differs from what we recorded when we wrote
/// it (in `recent`, else in the manifest: edited, deleted), or a file the
/// manifest does not list. Our own writes, and pages removed as stale, are not
/// among them. The manifest is read only for paths `recent` does not settle.
pub fn changed_by_others(root: &Path, paths: &[VaultPath], recent: &PageStamps) -> Vec<VaultPath> {
    let unsettled: Vec<(&VaultPath, Option<FileStamp>)> = paths
        .iter()
        .map(|path| (path, path.to_fs_path(root)))
        .filter(|(_, full)| !full.is_dir())
        .map(|(path, full)| (path, manifest::file_stamp(&full)))
        .filter(|(path, now)| now.is_none() || recent.get(*path) != Some(now))
        .collect();
    if unsettled.is_empty() {
        return Vec::new();
    }
    let manifest = Manifest::load(&root.join(STATE_FOLDER).join("manifest.json"));
    unsettled
        .into_iter()
        .filter(|(path, now)| match (manifest.entry(path.as_str()), now) {
            (Some(entry), now) => *now != Some((entry.size, entry.modified)),
            (None, now) => now.is_some(),
        })
        .map(|(path, _)| path.clone())
        .collect()
}

/// Writes `pages` into the vault at `root`, whose output folder is `output`.
/// `record` is kept in the manifest for the next build.
pub fn write_pages(
    root: &Path,
    output: &str,
    pages: &[Page],
    mode: WriteMode,
    record: &BuildRecord,
) -> Result<WriteReport, WriteError> {
    let mut writer = Writer::new(root, output, mode);
    writer.write(pages)?;
    let current: Vec<&VaultPath> = pages.iter().map(|page| &page.path).collect();
    writer.finish(&current, record)
}

/// Writes pages a batch at a time, then removes stale ones and saves the
/// manifest.
pub struct Writer<'a> {
    root: &'a Path,
    output: String,
    /// A folder to be written that leads out of the vault (see
    /// [`folder_leading_out`]): nothing is written or removed then.
    leads_out: Option<LeadsOutOfVault>,
    mode: WriteMode,
    previous: Manifest,
    entries: Vec<ManifestEntry>,
    report: WriteReport,
    spares: Option<Spares>,
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> WriteError + use<> {
    let path = path.to_path_buf();
    move |source| WriteError::Io { path, source }
}

impl<'a> Writer<'a> {
    /// Starts writing into the output folder of the vault at `root` (and, in
    /// write mode, cleans up temporary files a killed run left).
    pub fn new(root: &'a Path, output: &str, mode: WriteMode) -> Writer<'a> {
        Writer::after(root, output, mode, None)
    }

    /// [`Writer::new`], or, given the manifest the last build of this process
    /// saved (`watch`, which holds the vault's lock) and the file still as it
    /// was saved (a `git checkout` may replace it), that manifest, without
    /// reading it again or looking for files a killed run left (the first
    /// build did).
    pub fn after(
        root: &'a Path,
        output: &str,
        mode: WriteMode,
        last: Option<KeptManifest>,
    ) -> Writer<'a> {
        let output = output.trim_matches('/').to_owned();
        let leads_out = folder_leading_out(root, &output);
        let state = root.join(STATE_FOLDER);
        let manifest_path = state.join("manifest.json");
        // A save under way is waited for (one that failed: the file is read).
        let previous = match last.and_then(|kept| kept.settle().ok()) {
            Some(kept)
                if kept.manifest.output == output
                    && kept.stamp.is_some()
                    && kept.stamp == exact_stamp(&manifest_path) =>
            {
                kept.take_manifest()
            }
            _ => {
                if mode == WriteMode::Write && leads_out.is_none() {
                    remove_leftover_temp_files(&root.join(&output));
                    remove_leftover_temp_files(&state);
                }
                Manifest::load(&manifest_path)
            }
        };
        Writer {
            root,
            output,
            leads_out,
            mode,
            previous,
            entries: Vec::new(),
            report: WriteReport::default(),
            spares: None,
        }
    }

    /// Writes pages from the spare files of `spares` while it has some (see
    /// [`Spares`]).
    pub fn use_spares(&mut self, spares: Spares) {
        self.spares = Some(spares);
    }

    /// Writes (or, in check mode, compares) a batch of pages.
    pub fn write(&mut self, pages: &[Page]) -> Result<(), WriteError> {
        // Each in parallel: pages are independent files.
        let outcomes: Vec<Written> = pages
            .par_iter()
            .map(|page| self.write_one(page))
            .collect::<Result<_, _>>()?;
        for (page, outcome) in pages.iter().zip(outcomes) {
            self.record(&page.path, outcome);
        }
        Ok(())
    }

    /// Writes (or, in check mode, compares) one page, from any thread;
    /// [`Writer::record`] files what was done.
    pub fn write_one(&self, page: &Page) -> Result<Written, WriteError> {
        if !page.path.is_in_folder(&self.output) || page.path.as_str() == self.output {
            return Err(WriteError::OutsideOutput(page.path.to_string()));
        }
        self.stays_in_vault()?;
        let root = self.root;
        let action = decide(root, page, self.previous.entry(page.path.as_str()))?;
        let action = match (action, self.mode) {
            (Action::Write { hash, permissions }, WriteMode::Write) => {
                let full = page.path.to_fs_path(root);
                let bytes = page.content.as_bytes();
                atomic::replace_from(self.spares.as_ref(), root, &full, bytes, permissions)
                    .map_err(io_error(&full))?;
                let (size, modified) =
                    manifest::file_stamp(&full).unwrap_or((bytes.len() as u64, None));
                Action::Written(ManifestEntry {
                    path: page.path.as_str().into(),
                    hash: hash.into(),
                    size,
                    modified,
                })
            }
            (other, _) => other,
        };
        Ok(Written(action))
    }

    /// Files what [`Writer::write_one`] did with the page at `path`.
    pub fn record(&mut self, path: &VaultPath, outcome: Written) {
        match outcome.0 {
            Action::Unchanged(entry) => {
                self.report.unchanged += 1;
                self.entries.extend(entry);
            }
            Action::Foreign => self.report.foreign.push(path.clone()),
            Action::Write { .. } => self.report.written.push(path.clone()),
            Action::Written(entry) => {
                self.report.written.push(path.clone());
                self.report
                    .stamps
                    .insert(path.clone(), Some((entry.size, entry.modified)));
                self.entries.push(entry);
            }
        }
    }

    /// Counts pages left unrendered because nothing they show changed (see
    /// [`crate::render::PageMemo`]) as unchanged, keeping their manifest entries.
    /// Returns the positions in `paths` of those the manifest does not know,
    /// ascending: they must be rendered after all. Paths in ascending order
    /// are found in one walk of the manifest's entries (kept sorted).
    pub fn keep<'p>(&mut self, paths: impl IntoIterator<Item = &'p VaultPath>) -> Vec<usize> {
        let paths: Vec<&VaultPath> = paths.into_iter().collect();
        let (found, unknown) = match merge_with_entries(&paths, &self.previous.pages) {
            Some(merged) => merged,
            None => lookup_in_entries(&paths, &self.previous.pages),
        };
        self.report.unchanged += found.len();
        self.entries
            .extend(found.into_iter().map(|at| self.previous.pages[at].clone()));
        unknown
    }

    /// Removes stale pages (not in `current`), saves the manifest with `record`,
    /// and reports.
    pub fn finish(
        self,
        current: &[&VaultPath],
        record: &BuildRecord,
    ) -> Result<WriteReport, WriteError> {
        self.finish_keeping(current, record)
            .map(|(report, _)| report)
    }

    /// [`Writer::finish`], returning the manifest now on disk too, for
    /// [`Writer::after`] (in check mode, the one read, never reused).
    pub fn finish_keeping(
        self,
        current: &[&VaultPath],
        record: &BuildRecord,
    ) -> Result<(WriteReport, KeptManifest), WriteError> {
        self.finish_with(current, record, false)
    }

    /// [`Writer::finish_keeping`], saving the manifest on another thread
    /// (`watch`: an update is over once its pages are in place; the next one
    /// waits for the save, see [`KeptManifest::settle`]). Stale pages are
    /// removed before it returns.
    pub fn finish_saving_aside(
        self,
        current: &[&VaultPath],
        record: &BuildRecord,
    ) -> Result<(WriteReport, KeptManifest), WriteError> {
        self.finish_with(current, record, true)
    }

    fn finish_with(
        mut self,
        current: &[&VaultPath],
        record: &BuildRecord,
        aside: bool,
    ) -> Result<(WriteReport, KeptManifest), WriteError> {
        self.stays_in_vault()?;
        let (root, output, mode) = (self.root, self.output.as_str(), self.mode);
        let current: foldhash::HashSet<&str> = current.iter().map(|path| path.as_str()).collect();
        let mut stale: Vec<String> = self
            .previous
            .pages
            .iter()
            .filter(|entry| !current.contains(&*entry.path))
            .map(|entry| entry.path.to_string())
            .collect();
        if self.previous.pages.is_empty() {
            // No manifest (first build, or it was lost): generated pages found in
            // the output folder that are not generated now are stale too.
            stale.extend(
                marked_pages(root, output)
                    .into_iter()
                    .filter(|path| !current.contains(path.as_str())),
            );
        }
        stale.sort();
        stale.dedup();
        let report = &mut self.report;
        for path in stale {
            let Some(vault_path) = VaultPath::new(&path).filter(|p| p.is_in_folder(output)) else {
                continue;
            };
            let full = vault_path.to_fs_path(root);
            if !full.exists() {
                continue;
            }
            if !is_generated(&full) {
                report.foreign.push(vault_path);
                continue;
            }
            if mode == WriteMode::Write {
                atomic::remove(&full).map_err(io_error(&full))?;
                remove_empty_folders(&full, &root.join(output));
            }
            report.removed.push(vault_path);
        }
        report.foreign.sort();
        report.foreign.dedup();
        report.written.sort();
        if mode == WriteMode::Write {
            let manifest_path = root.join(STATE_FOLDER).join("manifest.json");
            let mut manifest = Manifest::new(output, std::mem::take(&mut self.entries));
            manifest.foreign = report.foreign.iter().map(|path| path.to_string()).collect();
            manifest.inputs = record.inputs.clone();
            manifest.summary = Some(record.summary);
            if manifest == self.previous {
                return Ok((self.report, KeptManifest::saved(manifest, manifest_path)));
            }
            let kept = KeptManifest::save(
                manifest,
                root,
                manifest_path.clone(),
                self.spares.as_ref(),
                aside,
            )
            .map_err(io_error(&manifest_path))?;
            return Ok((self.report, kept));
        }
        let kept = KeptManifest::read(std::mem::take(&mut self.previous));
        Ok((self.report, kept))
    }
}

/// The manifest entry of each of `paths` (ascending, as `entries` are, see
/// [`Manifest::load`]), walking both lists once: the positions of the entries
/// found, and the positions of the paths not found. `None` when `paths` do not
/// ascend.
fn merge_with_entries(
    paths: &[&VaultPath],
    entries: &[ManifestEntry],
) -> Option<(Vec<usize>, Vec<usize>)> {
    let mut found = Vec::with_capacity(paths.len());
    let mut unknown = Vec::new();
    let mut at = 0;
    let mut last: Option<&str> = None;
    for (position, path) in paths.iter().enumerate() {
        let path_text = path.as_str();
        if last.is_some_and(|last| last >= path_text) {
            return None;
        }
        last = Some(path_text);
        while entries
            .get(at)
            .is_some_and(|entry| &*entry.path < path_text)
        {
            at += 1;
        }
        match entries.get(at) {
            Some(entry) if &*entry.path == path_text => {
                found.push(at);
                at += 1;
            }
            _ => unknown.push(position),
        }
    }
    Some((found, unknown))
}

/// [`merge_with_entries`] for paths in any order: each looked up by hash.
fn lookup_in_entries(paths: &[&VaultPath], entries: &[ManifestEntry]) -> (Vec<usize>, Vec<usize>) {
    let by_path: foldhash::HashMap<&str, usize> = entries
        .iter()
        .enumerate()
        .map(|(at, entry)| (&*entry.path, at))
        .collect();
    let mut found = Vec::with_capacity(paths.len());
    let mut unknown = Vec::new();
    for (position, path) in paths.iter().enumerate() {
        match by_path.get(path.as_str()) {
            Some(&at) => found.push(at),
            None => unknown.push(position),
        }
    }
    (found, unknown)
}

impl Writer<'_> {
    /// An error when a folder to be written leads out of the vault (in check
    /// mode nothing is written: reading may follow links).
    fn stays_in_vault(&self) -> Result<(), WriteError> {
        match &self.leads_out {
            Some(leads_out) if self.mode == WriteMode::Write => Err(leads_out.clone().into()),
            _ => Ok(()),
        }
    }
}

/// The first folder pages or the manifest would be written into that is (or
/// is reached through) a symbolic link to a place outside the vault at
/// `root`, with where it really is: the output folder (made or not yet), a
/// folder directly in it (pages go no deeper), or `.throughline/`. Reading
/// follows such links, as Obsidian does; writing never does.
fn folder_leading_out(root: &Path, output: &str) -> Option<LeadsOutOfVault> {
    let output = root.join(output);
    let mut folders = vec![root.join(STATE_FOLDER), output.clone()];
    if let Ok(entries) = fs::read_dir(&output) {
        folders.extend(
            entries
                .flatten()
                .filter(|entry| entry.file_type().is_ok_and(|kind| kind.is_symlink()))
                .map(|entry| entry.path()),
        );
    }
    folders
        .into_iter()
        .find_map(|folder| leads_out_of(root, &folder))
}

/// A folder to be written into that is (or is reached through) a symbolic
/// link to a place outside the vault (product.md §5: never followed for
/// writing).
#[derive(Debug, Clone, thiserror::Error)]
#[error(
    "refusing to write into `{}`: it leads to `{}`, outside the vault; make it a real folder",
    .folder.display(),
    .target.display()
)]
pub struct LeadsOutOfVault {
    /// The folder, as the vault names it.
    pub folder: PathBuf,
    /// Where it really is.
    pub target: PathBuf,
}

/// `folder` (in the vault at `root`, made or not yet) when it would really be
/// outside the vault: its nearest ancestor that exists is resolved, links and
/// all.
pub fn leads_out_of(root: &Path, folder: &Path) -> Option<LeadsOutOfVault> {
    let vault = fs::canonicalize(root).ok()?;
    let real = folder
        .ancestors()
        .take_while(|ancestor| ancestor.starts_with(root))
        .find_map(|ancestor| fs::canonicalize(ancestor).ok())?;
    (!real.starts_with(&vault)).then(|| LeadsOutOfVault {
        folder: folder.strip_prefix(root).unwrap_or(folder).to_path_buf(),
        target: real,
    })
}

/// What [`Writer::write_one`] did with a page, for [`Writer::record`].
#[derive(Debug)]
pub struct Written(Action);

/// What to do with one page, or what was done.
#[derive(Debug)]
enum Action {
    /// Its bytes are already on disk (with the manifest entry to keep, if known).
    Unchanged(Option<ManifestEntry>),
    /// A file that is not ours is in the way.
    Foreign,
    /// It must be written.
    Write {
        /// Hash of the new bytes.
        hash: String,
        /// The permissions of the file it replaces (`None`: there is none).
        permissions: Option<std::fs::Permissions>,
    },
    /// It was written.
    Written(ManifestEntry),
}

/// Compares a page with what is on disk.
fn decide(
    root: &Path,
    page: &Page,
    recorded: Option<&ManifestEntry>,
) -> Result<Action, WriteError> {
    let full = page.path.to_fs_path(root);
    let bytes = page.content.as_bytes();
    let hash = content_hash(bytes);
    let metadata = fs::metadata(&full).ok();
    let stamp = metadata.as_ref().map(manifest::stamp_of);
    let permissions = metadata.map(|metadata| metadata.permissions());
    // Unchanged without reading: same bytes as last time, file untouched since.
    if let (Some(entry), Some((size, modified))) = (recorded, stamp)
        && *entry.hash == *hash
        && entry.size == size
        && entry.modified == modified
        && modified.is_some()
    {
        return Ok(Action::Unchanged(Some(entry.clone())));
    }
    // As we wrote it (by size and time) and different: the marker at its
    // start is enough, the rest need not be read. (The marker is checked all
    // the same: someone may have replaced it within the time's granularity.)
    if let (Some(entry), Some((size, modified))) = (recorded, stamp)
        && entry.size == size
        && entry.modified == modified
        && modified.is_some()
        && is_generated(&full)
    {
        return Ok(Action::Write { hash, permissions });
    }
    match fs::read(&full) {
        Ok(existing) if existing == bytes => {
            Ok(Action::Unchanged(stamp.map(|(size, modified)| {
                ManifestEntry {
                    path: page.path.as_str().into(),
                    hash: hash.into(),
                    size,
                    modified,
                }
            })))
        }
        Ok(existing) if !has_marker(&existing) => Ok(Action::Foreign),
        Ok(_) => Ok(Action::Write { hash, permissions }),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(Action::Write {
            hash,
            permissions: None,
        }),
        Err(_) if full.is_dir() => Ok(Action::Foreign),
        Err(error) => Err(WriteError::Io {
            path: full,
            source: error,
        }),
    }
}

/// Generated pages (with our marker) anywhere in the output folder.
fn marked_pages(root: &Path, output: &str) -> Vec<String> {
    let folder = root.join(output);
    walkdir::WalkDir::new(&folder)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_file())
        .filter(|entry| entry.path().extension().is_some_and(|ext| ext == "md"))
        .filter(|entry| is_generated(entry.path()))
        .filter_map(|entry| {
            let relative = entry.path().strip_prefix(root).ok()?;
            VaultPath::from_relative(relative).map(|path| path.to_string())
        })
        .collect()
}

/// Temporary files left by a killed run (hidden, so Obsidian never showed them).
fn remove_leftover_temp_files(folder: &Path) {
    for entry in walkdir::WalkDir::new(folder)
        .into_iter()
        .filter_map(Result::ok)
    {
        if entry.file_type().is_file() && is_temp_file(&entry.file_name().to_string_lossy()) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Removes folders left empty by removed pages, up to (not including) `output`.
fn remove_empty_folders(removed: &Path, output: &Path) {
    let mut folder = removed.parent();
    while let Some(current) = folder {
        if current == output || !current.starts_with(output) || fs::remove_dir(current).is_err() {
            break;
        }
        folder = current.parent();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::PageKind;

    fn page(path: &str) -> Page {
        Page {
            path: VaultPath::new(path).unwrap(),
            kind: PageKind::Insights,
            content: format!("---\ngenerated-by: throughline\n---\n{path}\n"),
        }
    }

    fn paths(pages: &[Page]) -> Vec<&VaultPath> {
        pages.iter().map(|page| &page.path).collect()
    }

    /// Pages A and B, and a writer that has just written them into the vault
    /// at `root`.
    fn two_pages_written(root: &Path) -> ([Page; 2], Writer<'_>) {
        let pages = [page("Throughline/A.md"), page("Throughline/B.md")];
        let mut writer = Writer::new(root, "Throughline", WriteMode::Write);
        writer.write(&pages).unwrap();
        (pages, writer)
    }

    fn record() -> BuildRecord {
        BuildRecord {
            inputs: None,
            summary: BuildSummary::default(),
        }
    }

    #[test]
    fn a_manifest_saved_aside_is_on_disk_once_settled_or_dropped_and_a_failed_save_is_an_error() {
        let vault = tempfile::tempdir().unwrap();
        let root = vault.path();
        let manifest_path = root.join(STATE_FOLDER).join("manifest.json");
        let (pages, writer) = two_pages_written(root);
        let all = paths(&pages);
        let (_, kept) = writer.finish_saving_aside(&all, &record()).unwrap();
        let kept = kept.settle().unwrap();
        assert_eq!(Manifest::load(&manifest_path), *kept.manifest);
        assert_eq!(kept.stamp, exact_stamp(&manifest_path));
        // The next writer goes by it (B's entry is there: B is removed).
        let mut writer = Writer::after(root, "Throughline", WriteMode::Write, Some(kept));
        writer.write(&pages[..1]).unwrap();
        let (report, kept) = writer.finish_saving_aside(&all[..1], &record()).unwrap();
        assert_eq!(report.removed, [pages[1].path.clone()]);
        // Dropped unsettled (`watch` stopping): the save is finished first.
        drop(kept);
        assert_eq!(Manifest::load(&manifest_path).pages.len(), 1);
        // A save that fails is the next update's error, naming the file.
        let mut writer = Writer::new(root, "Throughline", WriteMode::Write);
        writer.write(&pages).unwrap();
        fs::remove_file(&manifest_path).unwrap();
        fs::create_dir_all(manifest_path.join("in the way")).unwrap();
        let (_, kept) = writer.finish_saving_aside(&all, &record()).unwrap();
        match kept.settle() {
            Err(WriteError::Io { path, .. }) => assert_eq!(path, manifest_path),
            other => panic!("expected the save's error, got {other:?}"),
        }
    }

    #[test]
    fn a_vault_folder_gone_while_it_is_written_is_not_made_again() {
        let parent = tempfile::tempdir().unwrap();
        let root = parent.path().join("vault");
        let state = root.join(STATE_FOLDER);
        fs::create_dir_all(&state).unwrap();
        let spares = Spares::new(state.clone());
        spares.fill(2);
        let pages = [page("Throughline/New/A.md")];
        let all = paths(&pages);
        let mut writer = Writer::new(&root, "Throughline", WriteMode::Write);
        writer.use_spares(spares);
        // Moved away (or deleted) between the start of an update and its
        // writes: the page, the manifest and their folders are not written.
        fs::rename(&root, parent.path().join("moved")).unwrap();
        assert!(writer.write(&pages).is_err());
        let mut writer = Writer::new(&root, "Throughline", WriteMode::Write);
        writer.write(&[]).unwrap();
        let (_, kept) = writer.finish_saving_aside(&all, &record()).unwrap();
        assert!(kept.settle().is_err());
        assert!(!root.exists(), "the vault folder was made again");
    }

    #[test]
    fn kept_pages_carry_their_entries_over_and_unknown_ones_are_returned() {
        let vault = tempfile::tempdir().unwrap();
        let root = vault.path();
        let pages = [
            page("Throughline/A.md"),
            page("Throughline/B.md"),
            page("Throughline/C.md"),
        ];
        let all = paths(&pages);
        let mut writer = Writer::new(root, "Throughline", WriteMode::Write);
        writer.write(&pages[..2]).unwrap();
        let (_, kept) = writer.finish_keeping(&all[..2], &record()).unwrap();
        let before = kept.manifest.clone();
        let mut writer = Writer::after(root, "Throughline", WriteMode::Write, Some(kept));
        // B and A are kept (in another order than the manifest's); C was
        // never written, so it must be rendered after all.
        let unknown = writer.keep([all[1], all[2], all[0]]);
        assert_eq!(unknown, [1]);
        writer.write(&pages[2..]).unwrap();
        let (report, kept) = writer.finish_keeping(&all, &record()).unwrap();
        assert_eq!(report.unchanged, 2);
        assert_eq!(report.written, [pages[2].path.clone()]);
        assert_eq!(kept.manifest.pages[..2], before.pages[..]);
        assert_eq!(&*kept.manifest.pages[2].path, "Throughline/C.md");
    }

    #[test]
    fn kept_paths_in_order_find_their_entries_by_one_walk_and_others_by_hash() {
        let entry = |path: &str| ManifestEntry {
            path: path.into(),
            hash: "0".into(),
            size: 1,
            modified: None,
        };
        let entries = ["T/A.md", "T/B.md", "T/D.md", "T/E.md"].map(entry);
        let [a, b, c, e, f] =
            ["T/A.md", "T/B.md", "T/C.md", "T/E.md", "T/F.md"].map(|p| VaultPath::new(p).unwrap());
        let ascending = [&a, &c, &e, &f];
        let merged = merge_with_entries(&ascending, &entries).expect("the paths ascend");
        assert_eq!(merged, (vec![0, 3], vec![1, 3]));
        assert_eq!(merged, lookup_in_entries(&ascending, &entries));
        // Out of order (or listed twice): not merged, looked up instead.
        assert_eq!(merge_with_entries(&[&b, &a], &entries), None);
        assert_eq!(merge_with_entries(&[&a, &a], &entries), None);
        assert_eq!(
            lookup_in_entries(&[&e, &c, &a], &entries),
            (vec![3, 0], vec![1])
        );
        assert_eq!(
            merge_with_entries(&[&a, &b], &[]),
            Some((vec![], vec![0, 1]))
        );
    }

    #[test]
    fn a_writer_after_a_kept_manifest_goes_by_it_not_by_the_file() {
        let vault = tempfile::tempdir().unwrap();
        let root = vault.path();
        let (pages, writer) = two_pages_written(root);
        let all = paths(&pages);
        let (_, kept) = writer.finish_keeping(&all, &record()).unwrap();
        assert_eq!(kept.manifest.pages.len(), 2);
        // B is no longer generated. The kept manifest and the one on disk
        // are the same: either way, B goes.
        let manifest_path = root.join(STATE_FOLDER).join("manifest.json");
        assert_eq!(Manifest::load(&manifest_path), *kept.manifest);
        let mut writer = Writer::after(root, "Throughline", WriteMode::Write, Some(kept));
        writer.write(&pages[..1]).unwrap();
        let (report, kept) = writer.finish_keeping(&all[..1], &record()).unwrap();
        assert_eq!(report.removed, vec![pages[1].path.clone()]);
        assert_eq!(report.unchanged, 1);
        assert!(!root.join("Throughline/B.md").exists());
        // The kept manifest is what is on disk after each build.
        assert_eq!(Manifest::load(&manifest_path), *kept.manifest);
        assert_eq!(kept.manifest.pages.len(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn a_page_written_again_keeps_the_permissions_its_file_was_given() {
        use std::os::unix::fs::PermissionsExt;
        let vault = tempfile::tempdir().unwrap();
        let root = vault.path();
        let mode = |path: &str| fs::metadata(root.join(path)).unwrap().permissions().mode() & 0o777;
        let mut first = page("Throughline/Deep/A.md");
        let mut writer = Writer::new(root, "Throughline", WriteMode::Write);
        writer.write(std::slice::from_ref(&first)).unwrap();
        assert_eq!(mode("Throughline/Deep/A.md"), 0o644);
        fs::set_permissions(
            root.join("Throughline/Deep/A.md"),
            fs::Permissions::from_mode(0o640),
        )
        .unwrap();
        first.content.push_str("more\n");
        writer.write(std::slice::from_ref(&first)).unwrap();
        assert_eq!(mode("Throughline/Deep/A.md"), 0o640);
        assert!(
            fs::read_to_string(root.join("Throughline/Deep/A.md"))
                .unwrap()
                .ends_with("more\n")
        );
    }

    #[test]
    fn a_writer_with_spares_writes_pages_and_manifest_from_them() {
        let vault = tempfile::tempdir().unwrap();
        let root = vault.path();
        let state = root.join(STATE_FOLDER);
        fs::create_dir_all(&state).unwrap();
        let pages = [page("Throughline/A.md"), page("Throughline/Jobs/B.md")];
        let all = paths(&pages);
        // A first writer removes temporary files a killed run left: spares are
        // made after it starts (as `watch` makes them after its first build).
        let mut writer = Writer::new(root, "Throughline", WriteMode::Write);
        let spares = Spares::new(state.clone());
        spares.fill(5);
        writer.use_spares(spares.clone());
        writer.write(&pages).unwrap();
        let (report, kept) = writer.finish_keeping(&all, &record()).unwrap();
        assert_eq!(report.written.len(), 2);
        // Two pages and the manifest.
        assert_eq!(spares.ready(), 2);
        for page in &pages {
            assert_eq!(
                fs::read_to_string(page.path.to_fs_path(root)).unwrap(),
                page.content
            );
        }
        assert_eq!(Manifest::load(&state.join("manifest.json")), *kept.manifest);
        // The manifest keeps the permissions it was given.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let manifest = state.join("manifest.json");
            fs::set_permissions(&manifest, fs::Permissions::from_mode(0o600)).unwrap();
            let mut changed = pages.clone();
            changed[0].content.push_str("more\n");
            let mut writer = Writer::after(root, "Throughline", WriteMode::Write, Some(kept));
            writer.use_spares(spares.clone());
            writer.write(&changed).unwrap();
            writer.finish_keeping(&all, &record()).unwrap();
            // One page (the other is unchanged) and the manifest.
            assert_eq!(spares.ready(), 0);
            let mode = fs::metadata(&manifest).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
    }

    #[test]
    fn a_manifest_replaced_on_disk_is_read_again() {
        let vault = tempfile::tempdir().unwrap();
        let root = vault.path();
        let manifest_path = root.join(STATE_FOLDER).join("manifest.json");
        // A build that wrote A and B; its manifest is set aside.
        let (pages, writer) = two_pages_written(root);
        let all = paths(&pages);
        writer.finish_keeping(&all, &record()).unwrap();
        let both = fs::read(&manifest_path).unwrap();
        // A build of A alone, kept in memory.
        let mut writer = Writer::new(root, "Throughline", WriteMode::Write);
        writer.write(&pages[..1]).unwrap();
        let (_, kept) = writer.finish_keeping(&all[..1], &record()).unwrap();
        // Then a checkout brings back B and the manifest listing it: the kept
        // manifest is out of date, and B is stale now.
        writer = Writer::new(root, "Throughline", WriteMode::Write);
        writer.write(&pages[1..]).unwrap();
        drop(writer);
        fs::write(&manifest_path, &both).unwrap();
        let mut writer = Writer::after(root, "Throughline", WriteMode::Write, Some(kept));
        writer.write(&pages[..1]).unwrap();
        let (report, _) = writer.finish_keeping(&all[..1], &record()).unwrap();
        assert_eq!(report.removed, vec![pages[1].path.clone()]);
    }
}
