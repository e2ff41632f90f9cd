//! Runs the stages in order: scan → parse → resolve → model → consolidate →
//! render → write.
//!
//! [`load_vault`] is what `links` needs: every file found, every note parsed in
//! parallel (results kept in file order), every link resolved. [`analyze`] adds
//! the research model (for `check`); [`build`] runs everything.

use std::collections::{HashMap, HashSet};
use std::fs::{File, Metadata};
use std::io::Read;
use std::path::Path;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::config::{Config, ConfigError, ObsidianSettings};
use crate::consolidate::{SummaryMemo, consolidate_reusing};
use crate::diagnostics::{Code, Position, Summary};
use crate::model::{
    ModelMemo, ModelScope, ResearchModel, build_model, build_model_reusing, build_model_with,
};
use crate::parse::{Note, NoteBytes, parse_note};
use crate::render::{
    PageKind, PageMemo, PagePlan, RenderError, Renderer, page_paths, plan_pages, vault_key,
};
use crate::resolve::VaultStats;
use crate::resolve::{FileId, LinkMemo, StageTimings, Vault, resolve_reusing};
use crate::scan::Scan;
use crate::scan::VaultPath;
use crate::scan::{FileKind, ScanError, ScanOptions, scan};
use crate::write::{
    BuildRecord, BuildSummary, LockError, VaultLock, WriteError, WriteMode, WriteReport, Writer,
    inputs_fingerprint, unchanged_since_last_build,
};

/// Why a vault could not be loaded at all (problems in notes are diagnostics).
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The vault folder is missing or not a folder.
    #[error(transparent)]
    Scan(#[from] ScanError),
}

/// Scans, parses and resolves the vault at `root`.
pub fn load_vault(root: &Path, config: &Config) -> Result<Vault, LoadError> {
    let started = Instant::now();
    let (scan, settings) = scan_vault(root, config)?;
    let scanned = started.elapsed();
    Ok(load_scanned(scan, settings, config, scanned))
}

/// Reads Obsidian's settings and walks the vault.
pub fn scan_vault(root: &Path, config: &Config) -> Result<(Scan, ObsidianSettings), LoadError> {
    let (settings, settings_diagnostics) = ObsidianSettings::load(root);
    let options = ScanOptions {
        output_folder: config.output_folder.trim_matches('/').to_owned(),
        excluded: settings.excluded.clone(),
        ignored_folders: config.ignored_folders.clone(),
    };
    let mut scan = scan(root, &options)?;
    scan.diagnostics.extend(settings_diagnostics);
    Ok((scan, settings))
}

/// Parses and resolves a scanned vault (`scanned`: how long the scan took).
pub fn load_scanned(
    scan: Scan,
    settings: ObsidianSettings,
    config: &Config,
    scanned: Duration,
) -> Vault {
    load_scanned_cached(scan, settings, config, scanned, &mut NoteCache::default())
}

/// Notes parsed before, with the size and time of the file they came from.
#[derive(Debug, Default)]
pub struct NoteCache {
    notes: std::collections::HashMap<VaultPath, (u64, Option<std::time::SystemTime>, Note)>,
    /// Notes whose new frontmatter is invalid and whose last good parse was kept
    /// (filled by the last load).
    pub kept_last_good: Vec<VaultPath>,
    /// Notes known to have changed, whatever their size and time say.
    changed: HashSet<VaultPath>,
    /// Whether `changed` names every note that changed (the caller saw every
    /// file-system event): the others are kept without looking at their files.
    pub events_complete: bool,
    /// The last resolution, for notes whose links cannot resolve differently.
    links: Option<LinkMemo>,
    /// What the last model read from each note (kept by `watch`; a one-off build
    /// has none and keeps none).
    pub model: Option<ModelMemo>,
    /// The last insight summaries (kept by `watch`, like `model`).
    pub summaries: Option<SummaryMemo>,
    /// Notes parsed after the last load ([`NoteCache::insert_parsed`]): the next
    /// load counts them as read afresh.
    parsed_since: HashSet<VaultPath>,
}

/// A file's size and modification time.
type Stamp = (u64, Option<std::time::SystemTime>);

fn stamp_of(metadata: &Metadata) -> Stamp {
    (metadata.len(), metadata.modified().ok())
}

impl NoteCache {
    /// Takes the notes of a vault (which keeps everything else).
    pub fn take_from(vault: &mut Vault) -> NoteCache {
        let links = vault.take_link_memo();
        let mut notes = std::collections::HashMap::with_capacity(vault.notes.len());
        for (index, note) in std::mem::take(&mut vault.notes).into_iter().enumerate() {
            let file = vault.file_of_note(index);
            notes.insert(note.path.clone(), (file.size, file.modified, note));
        }
        NoteCache {
            notes,
            kept_last_good: Vec::new(),
            changed: HashSet::new(),
            events_complete: false,
            links: Some(links),
            model: None,
            summaries: None,
            parsed_since: HashSet::new(),
        }
    }

    /// Puts a note read and parsed after the last load (a page just written:
    /// pages are link targets) in the cache, if its file still has the size and
    /// time it was read with (else it stays to be read again). The next load
    /// takes it as read afresh.
    pub fn insert_parsed(&mut self, parsed: ParsedNote) {
        let now = std::fs::metadata(&parsed.fs_path)
            .ok()
            .map(|m| stamp_of(&m));
        if now != Some((parsed.size, parsed.modified)) || parsed.modified.is_none() {
            return;
        }
        self.changed.remove(&parsed.path);
        self.parsed_since.insert(parsed.path.clone());
        self.notes
            .insert(parsed.path, (parsed.size, parsed.modified, parsed.note));
    }

    /// Marks notes as changed: the next load reads them again even when their
    /// size and modification time are the same as before.
    pub fn mark_changed<'p>(&mut self, paths: impl IntoIterator<Item = &'p VaultPath>) {
        self.changed.extend(paths.into_iter().cloned());
    }

    /// The cached note of `path`, if its file still has this size and time.
    fn take(
        &mut self,
        path: &VaultPath,
        size: u64,
        modified: Option<std::time::SystemTime>,
    ) -> Option<Note> {
        match self.notes.get(path) {
            Some((cached_size, cached_time, _))
                if *cached_size == size
                    && *cached_time == modified
                    && modified.is_some()
                    && !self.changed.contains(path) =>
            {
                self.notes.remove(path).map(|(_, _, note)| note)
            }
            _ => None,
        }
    }

    /// Whether `path` has a cached note not marked changed.
    fn known_unchanged(&self, path: &VaultPath) -> bool {
        self.notes.contains_key(path) && !self.changed.contains(path)
    }

    /// The cached note of `path` with its file's stamp, unless marked changed.
    fn take_unchanged(&mut self, path: &VaultPath) -> Option<(Note, Stamp)> {
        if self.changed.contains(path) {
            return None;
        }
        self.notes
            .remove(path)
            .map(|(size, modified, note)| (note, (size, modified)))
    }

    /// The last parse of `path`, whatever its file is now.
    pub fn last(&self, path: &VaultPath) -> Option<&Note> {
        self.notes.get(path).map(|(_, _, note)| note)
    }

    /// Removes and returns the last parse of `path`.
    pub fn remove(&mut self, path: &VaultPath) -> Option<Note> {
        self.notes.remove(path).map(|(_, _, note)| note)
    }
}

/// [`load_scanned`], reusing the notes of `cache` whose files did not change
/// (same size and modification time): only changed notes are read and parsed.
pub fn load_scanned_cached(
    mut scan: Scan,
    settings: ObsidianSettings,
    config: &Config,
    scanned: Duration,
    cache: &mut NoteCache,
) -> Vault {
    let note_files: Vec<FileId> = scan
        .files
        .iter()
        .enumerate()
        .filter(|(_, file)| file.kind == FileKind::Note)
        .map(|(id, _)| id as FileId)
        .collect();
    let started = Instant::now();
    // With a cache: keep the notes whose files did not change (known from the
    // caller's events, or by their size and time), read the rest.
    let mut kept: Vec<Option<(Note, Stamp)>> = Vec::new();
    if !cache.notes.is_empty() {
        let events_complete = cache.events_complete;
        let stamps: Vec<Option<Stamp>> = note_files
            .par_iter()
            .map(|&id| {
                let file = &scan.files[id as usize];
                if events_complete && cache.known_unchanged(&file.path) {
                    return None;
                }
                std::fs::metadata(&file.fs_path).ok().map(|m| stamp_of(&m))
            })
            .collect();
        kept = note_files
            .iter()
            .zip(stamps)
            .map(|(&id, stamp)| {
                let path = &scan.files[id as usize].path;
                match stamp {
                    Some(stamp) => Some((cache.take(path, stamp.0, stamp.1)?, stamp)),
                    None if events_complete => cache.take_unchanged(path),
                    None => None,
                }
            })
            .collect();
    }
    kept.resize_with(note_files.len(), || None);
    let parsed_since = std::mem::take(&mut cache.parsed_since);
    let parsed: Vec<(FileId, Note, Option<Stamp>, bool)> = note_files
        .par_iter()
        .zip(kept.into_par_iter())
        .map(|(&id, kept)| match kept {
            Some((note, stamp)) => {
                let fresh = parsed_since.contains(&scan.files[id as usize].path);
                (id, note, Some(stamp), fresh)
            }
            None => {
                let file = &scan.files[id as usize];
                let (bytes, metadata) = read_note(&file.fs_path, config.max_note_bytes);
                let stamp = metadata.as_ref().map(stamp_of);
                (id, parse_note(file.path.clone(), bytes), stamp, true)
            }
        })
        .collect();
    let mut notes = Vec::with_capacity(parsed.len());
    cache.kept_last_good.clear();
    for (id, mut note, stamp, fresh) in parsed {
        // A note saved with broken frontmatter mid-edit keeps its last good parse
        // (the problem is still reported).
        if fresh && !note.has_valid_frontmatter {
            let last = cache.remove(&note.path);
            if let Some(mut last) =
                last.filter(|last| last.has_valid_frontmatter && !last.text.is_empty())
            {
                last.diagnostics.extend(
                    note.diagnostics
                        .drain(..)
                        .filter(|d| d.code == crate::diagnostics::Code::InvalidFrontmatter),
                );
                cache.kept_last_good.push(note.path.clone());
                note = last;
            }
        }
        if let Some((size, modified)) = stamp {
            let file = &mut scan.files[id as usize];
            file.size = size;
            file.modified = modified;
        }
        notes.push((id, note, fresh));
    }
    let parsed_in = started.elapsed();
    let started = Instant::now();
    // `watch` keeps memos (it gives the cache a model memo): only then is the
    // resolution kept for the next load.
    let mut vault = match cache.model {
        Some(_) => resolve_reusing(scan, notes, settings, cache.links.take()),
        None => crate::resolve::resolve_once(scan, notes, settings),
    };
    vault.timings = StageTimings {
        scan: scanned,
        parse: parsed_in,
        resolve: started.elapsed(),
    };
    vault
}

/// A note read and parsed, with the size and time its file had then.
#[derive(Debug)]
pub struct ParsedNote {
    path: VaultPath,
    fs_path: std::path::PathBuf,
    size: u64,
    modified: Option<std::time::SystemTime>,
    note: Note,
}

/// Reads and parses the note at `fs_path` (vault path `path`); `None` when it
/// cannot be read as a note.
pub fn read_and_parse(path: &VaultPath, fs_path: &Path, max_bytes: u64) -> Option<ParsedNote> {
    let (bytes, metadata) = read_note(fs_path, max_bytes);
    let (size, modified) = stamp_of(&metadata?);
    if !matches!(bytes, NoteBytes::Read(_)) {
        return None;
    }
    Some(ParsedNote {
        path: path.clone(),
        fs_path: fs_path.to_path_buf(),
        size,
        modified,
        note: parse_note(path.clone(), bytes),
    })
}

/// Reads a note (one open, one `fstat`, one read), refusing ones over the size
/// limit without reading them.
fn read_note(path: &Path, max_bytes: u64) -> (NoteBytes, Option<Metadata>) {
    let mut file = match File::open(path) {
        Ok(file) => file,
        Err(error) => return (NoteBytes::Unreadable(error), None),
    };
    let metadata = match file.metadata() {
        Ok(metadata) => metadata,
        Err(error) => return (NoteBytes::Unreadable(error), None),
    };
    if metadata.is_dir() {
        let error = std::io::Error::other("it is a folder");
        return (NoteBytes::Unreadable(error), Some(metadata));
    }
    if metadata.len() > max_bytes {
        return (
            NoteBytes::TooLarge {
                size: metadata.len(),
                limit: max_bytes,
            },
            Some(metadata),
        );
    }
    let mut bytes = Vec::with_capacity(metadata.len() as usize + 1);
    match file.read_to_end(&mut bytes) {
        Ok(_) if bytes.len() as u64 > max_bytes => (
            NoteBytes::TooLarge {
                size: bytes.len() as u64,
                limit: max_bytes,
            },
            Some(metadata),
        ),
        Ok(_) => (NoteBytes::Read(bytes), Some(metadata)),
        Err(error) => (NoteBytes::Unreadable(error), Some(metadata)),
    }
}

/// A loaded vault with its research model, ready to consolidate and render.
#[derive(Debug)]
pub struct Analysis {
    /// The resolved vault. Its diagnostics include the model's schema problems.
    pub vault: Vault,
    /// The research model.
    pub model: ResearchModel,
    /// The pages a build generates, named.
    pub plan: PagePlan,
}

/// Loads the vault, builds its model and names its pages. Links to pages a build
/// is about to generate count as resolved, so `check` and the first `build`
/// agree with every later one.
pub fn analyze(root: &Path, config: &Config) -> Result<Analysis, LoadError> {
    Ok(analyze_loaded(load_vault(root, config)?, config))
}

/// [`analyze`] on a loaded vault.
pub fn analyze_loaded(vault: Vault, config: &Config) -> Analysis {
    analyze_loaded_reusing(vault, config, None)
}

/// [`analyze_loaded`], reusing and refreshing `memo` when given.
pub fn analyze_loaded_reusing(
    mut vault: Vault,
    config: &Config,
    memo: Option<&mut ModelMemo>,
) -> Analysis {
    let model = match memo {
        Some(memo) => build_model_reusing(&vault, config, memo),
        None => build_model(&vault, config),
    };
    let plan = plan_pages(&vault, &model, config);
    let pages: Vec<VaultPath> = plan.pages.iter().map(|(path, _)| path.clone()).collect();
    include_planned_pages(&mut vault, pages);
    add_schema_problems(&mut vault, &model);
    Analysis { vault, model, plan }
}

/// What `check` needs: the vault with its schema problems, and links to pages a
/// build will generate counted as resolved — without building observations or
/// rendering anything.
pub fn check_vault(root: &Path, config: &Config) -> Result<Vault, LoadError> {
    let mut vault = load_vault(root, config)?;
    let model = build_model_with(&vault, config, ModelScope::Schema);
    let pages = page_paths(&vault, &model, config);
    include_planned_pages(&mut vault, pages);
    add_schema_problems(&mut vault, &model);
    Ok(vault)
}

fn add_schema_problems(vault: &mut Vault, model: &ResearchModel) {
    vault.diagnostics.extend(model.diagnostics.iter().cloned());
    vault
        .diagnostics
        .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
}

/// Unresolved links that name a page about to be generated resolve to it. (A
/// link that did not resolve had no candidate in the vault, so resolving it
/// among the pages alone follows the same rules.)
fn include_planned_pages(vault: &mut Vault, mut pages: Vec<VaultPath>) {
    pages.sort();
    let index = crate::resolve::NameIndex::from_paths(&pages);
    let mut now_resolved: Vec<(VaultPath, Position)> = Vec::new();
    for (note_index, note) in vault.notes.iter().enumerate() {
        let mut folder: Option<String> = None;
        for (link, resolution) in note.links.iter().zip(vault.resolutions[note_index].iter()) {
            if resolution.target.is_some() {
                continue;
            }
            let folder = folder.get_or_insert_with(|| note.path.folder().to_lowercase());
            if index
                .lookup(note.linkpath(link), u32::MAX, folder)
                .target
                .is_some()
            {
                now_resolved.push((note.path.clone(), link.span.position));
            }
        }
    }
    if now_resolved.is_empty() {
        return;
    }
    vault.diagnostics.retain(|diagnostic| {
        diagnostic.code != Code::BrokenLink
            || !diagnostic.location.as_ref().is_some_and(|location| {
                now_resolved
                    .iter()
                    .any(|(path, position)| *path == diagnostic.path && *position == location.start)
            })
    });
}

/// Pages rendered and written together (two batches are in memory at once).
const PAGES_PER_BATCH: usize = 512;

/// What a build did.
#[derive(Debug, Clone)]
pub struct BuildReport {
    /// Counts of the vault.
    pub stats: VaultStats,
    /// Pages generated.
    pub pages: usize,
    /// What was written, left alone, removed.
    pub write: WriteReport,
    /// Problems found (engine and schema).
    pub problems: Summary,
    /// Pages rendered (all of them, unless a [`PageMemo`] showed some unchanged).
    pub rendered: usize,
    /// Time per stage: load (scan, parse, resolve, model), consolidate, render,
    /// write. Pages are written while the next batch renders, so "write" is the
    /// time writing added beyond rendering: the stages add up to the whole build.
    pub timings: [(&'static str, std::time::Duration); 4],
}

/// A build could not run.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// `throughline.toml` is wrong.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The vault cannot be read.
    #[error(transparent)]
    Load(#[from] LoadError),
    /// Another process is writing.
    #[error(transparent)]
    Lock(#[from] LockError),
    /// A template failed.
    #[error(transparent)]
    Render(#[from] RenderError),
    /// A page could not be written.
    #[error(transparent)]
    Write(#[from] WriteError),
}

/// Runs the whole pipeline on the vault at `root`: scan, parse, resolve, model,
/// consolidate, render, write (or, with [`WriteMode::Check`], compare).
pub fn build(root: &Path, mode: WriteMode) -> Result<BuildReport, BuildError> {
    let started = std::time::SystemTime::now();
    let config = crate::config::load(root)?;
    let _lock = match mode {
        WriteMode::Write => Some(VaultLock::acquire(&root.join(crate::write::STATE_FOLDER))?),
        WriteMode::Check => None,
    };
    let mut clock = Instant::now();
    let mut lap = || {
        let elapsed = clock.elapsed();
        clock = Instant::now();
        elapsed
    };
    let (scanned, settings) = scan_vault(root, &config)?;
    let inputs = inputs_fingerprint(root, &scanned, started);
    if let Some(inputs) = &inputs
        && let Some((summary, pages)) =
            unchanged_since_last_build(root, &config.output_folder, inputs)
    {
        let checked = lap();
        return Ok(BuildReport {
            stats: VaultStats {
                files: summary.files,
                notes: summary.notes,
                links: summary.links,
                resolved: summary.resolved,
                unresolved: summary.links - summary.resolved,
                invalid_frontmatter: summary.invalid_frontmatter,
            },
            pages,
            rendered: 0,
            write: WriteReport {
                unchanged: pages,
                ..WriteReport::default()
            },
            problems: Summary {
                errors: summary.errors,
                warnings: summary.warnings,
                infos: summary.infos,
            },
            timings: [
                ("load", checked),
                ("consolidate", Duration::ZERO),
                ("render", Duration::ZERO),
                ("write", Duration::ZERO),
            ],
        });
    }
    let scan_time = lap();
    let (report, _) = build_scanned(
        root,
        &config,
        scanned,
        settings,
        mode,
        inputs,
        &mut NoteCache::default(),
        None,
        scan_time,
    )?;
    Ok(report)
}

/// Drops `value` on another thread (a large model or consolidation is
/// hundreds of thousands of allocations; an update should not wait for them).
pub fn drop_in_background<T: Send + 'static>(value: T) {
    std::thread::spawn(move || drop(value));
}

/// Builds a scanned vault: parse (reusing `cache`), resolve, model,
/// consolidate, render, write. With `memo`, only pages whose key changed since the
/// memo's build are rendered (the memo is updated when the build succeeds).
/// Returns the report and the analysis (whose notes a caller may keep for the
/// next build).
#[allow(clippy::too_many_arguments)]
pub fn build_scanned(
    root: &Path,
    config: &Config,
    scanned: Scan,
    settings: ObsidianSettings,
    mode: WriteMode,
    inputs: Option<String>,
    cache: &mut NoteCache,
    memo: Option<&mut PageMemo>,
    scan_time: Duration,
) -> Result<(BuildReport, Analysis), BuildError> {
    let mut clock = Instant::now();
    let mut lap = || {
        let elapsed = clock.elapsed();
        clock = Instant::now();
        elapsed
    };
    let config = config.clone();
    let vault = load_scanned_cached(scanned, settings, &config, scan_time, cache);
    let analysis = analyze_loaded_reusing(vault, &config, cache.model.as_mut());
    let loaded = lap() + scan_time;
    // Record hashes decide what `watch` reuses: summaries and rendered pages.
    let hashes = memo
        .is_some()
        .then(|| crate::model::RecordHashes::of(&analysis.model));
    let mut consolidation = consolidate_reusing(
        &analysis.model,
        &analysis.vault.diagnostics,
        &config,
        hashes.as_ref().zip(cache.summaries.as_mut()),
    );
    let consolidated = lap();
    // Render and write a batch at a time: a large vault's pages need not all be in
    // memory at once (two batches are: one written while the next renders).
    let renderer = Renderer::new(
        root,
        &analysis.vault,
        &analysis.model,
        &consolidation,
        &config,
        &analysis.plan,
    );
    let mut writer = Writer::new(root, &config.output_folder, mode);
    let mut rendering = Duration::ZERO;
    let started = Instant::now();
    let keys: Option<HashMap<VaultPath, u64>> = hashes.as_ref().map(|hashes| {
        let keys = renderer.keys(vault_key(&analysis.vault, &analysis.plan, &config), hashes);
        analysis
            .plan
            .pages
            .par_iter()
            .map(|(path, kind)| (path.clone(), keys.key(path, *kind)))
            .collect()
    });
    let to_render: Vec<(VaultPath, PageKind)> = match (&memo, &keys) {
        (Some(memo), Some(keys)) => {
            let (same, changed): (Vec<_>, Vec<_>) = analysis
                .plan
                .pages
                .iter()
                .partition(|(path, _)| memo.get(path) == Some(keys[path]));
            let unknown: HashSet<&VaultPath> = writer
                .keep(same.iter().map(|(path, _)| path))
                .into_iter()
                .collect();
            let mut to_render: Vec<(VaultPath, PageKind)> = same
                .iter()
                .filter(|(path, _)| unknown.contains(path))
                .chain(changed.iter())
                .map(|&(path, kind)| (path.clone(), *kind))
                .collect();
            to_render.sort_by(|a, b| a.0.cmp(&b.0));
            to_render
        }
        _ => analysis.plan.pages.clone(),
    };
    rendering += started.elapsed();
    // Each batch is written while the next one renders: writing is mostly the
    // file system's work (creating and renaming files), rendering is ours.
    let mut rendered_batch: Option<Vec<crate::render::Page>> = None;
    for batch in to_render.chunks(PAGES_PER_BATCH) {
        let to_write = rendered_batch.take();
        let (pages, written) = rayon::join(
            || {
                let started = Instant::now();
                renderer
                    .render(batch)
                    .map(|pages| (pages, started.elapsed()))
            },
            || to_write.map_or(Ok(()), |pages| writer.write(&pages)),
        );
        written?;
        let (pages, took) = pages?;
        rendering += took;
        rendered_batch = Some(pages);
    }
    if let Some(pages) = rendered_batch {
        writer.write(&pages)?;
    }
    let rendered = rendering;
    let stats = analysis.vault.stats();
    let problems = Summary::of(&analysis.vault.diagnostics);
    let record = BuildRecord {
        inputs,
        summary: BuildSummary {
            // Not the pages themselves: the count stays the same from one build to
            // the next.
            files: analysis
                .vault
                .files
                .iter()
                .filter(|file| file.exclusion != crate::scan::Exclusion::OutputFolder)
                .count(),
            notes: stats.notes,
            links: stats.links,
            resolved: stats.resolved,
            invalid_frontmatter: stats.invalid_frontmatter,
            errors: problems.errors,
            warnings: problems.warnings,
            infos: problems.infos,
        },
    };
    let current: Vec<&VaultPath> = analysis.plan.pages.iter().map(|(path, _)| path).collect();
    let write = writer.finish(&current, &record)?;
    if let (Some(memo), Some(keys)) = (memo, keys) {
        memo.replace(keys);
    }
    // Freeing a large vault's summaries takes a while; nobody waits for it.
    drop(renderer);
    if let Some(summaries) = cache.summaries.as_mut()
        && hashes.is_some()
    {
        summaries.keep(&mut consolidation, &analysis.model);
    }
    drop_in_background(consolidation);
    let written = lap().saturating_sub(rendering);
    let report = BuildReport {
        stats,
        pages: analysis.plan.pages.len(),
        rendered: to_render.len(),
        write,
        problems,
        timings: [
            ("load", loaded),
            ("consolidate", consolidated),
            ("render", rendered),
            ("write", written),
        ],
    };
    Ok((report, analysis))
}
