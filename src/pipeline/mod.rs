//! Runs the stages in order: scan → parse → resolve → model → consolidate →
//! render → write.
//!
//! [`load_vault`] is what `links` needs: every file found, every source note
//! parsed in parallel (results kept in file order; a note that is not a source
//! only when a link needs its headings), every link resolved. [`analyze`] adds
//! the research model (for `check`); [`build`] runs everything.

mod load;

pub use load::{
    LoadError, NoteCache, ParsedNote, load_scanned, load_scanned_cached, load_vault,
    load_vault_for_check, read_and_parse, scan_options, scan_vault,
};

use foldhash::HashSet;
use std::path::Path;
use std::sync::{Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::config::{Config, ConfigError, ObsidianSettings};
use crate::consolidate::consolidate_reusing;
use crate::diagnostics::{Code, Diagnostic, Position, Summary};
use crate::model::{
    ModelMemo, ModelScope, ResearchModel, build_model, build_model_reusing, build_model_with,
};
use crate::progress::{PROGRESS, Stage};
use crate::render::{
    FragmentKeys, PageKind, PageMemo, PagePlan, RenderError, Renderer, page_paths,
    plan_pages_reusing,
};
use crate::resolve::{Vault, VaultStats};
use crate::scan::{Scan, ScanError, VaultPath};
use crate::write::{
    BuildRecord, BuildSummary, LockError, VaultLock, WriteError, WriteMode, WriteReport, Writer,
    inputs_fingerprint, unchanged_since_last_build,
};

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
    analyze_loaded_reusing(vault, config, None, None)
}

/// [`analyze_loaded`], reusing and refreshing `memo` when given.
pub fn analyze_loaded_reusing(
    mut vault: Vault,
    config: &Config,
    memo: Option<&mut ModelMemo>,
    last_plan: Option<PagePlan>,
) -> Analysis {
    let model = match memo {
        Some(memo) => build_model_reusing(&vault, config, memo),
        None => build_model(&vault, config),
    };
    let plan = plan_pages_reusing(&vault, &model, config, last_plan);
    // Under `watch`, the same plan (the same files) has the same pages to write.
    let unwritten = plan
        .unwritten
        .get_or_init(|| unwritten_pages(&vault, plan.pages.iter().map(|(path, _)| path.clone())))
        .clone();
    include_unwritten_pages(&mut vault, unwritten);
    add_schema_problems(&mut vault, &model);
    Analysis { vault, model, plan }
}

/// What `check` needs: the vault with its schema problems, and links to pages a
/// build will generate counted as resolved — without building observations or
/// rendering anything, and with each note keeping only what checking reads
/// ([`crate::parse::Note::keep_for_check`]).
pub fn check_vault(root: &Path, config: &Config) -> Result<Vault, LoadError> {
    let mut vault = load_vault_for_check(root, config)?;
    let model = build_model_with(&vault, config, ModelScope::Schema);
    let pages = page_paths(&vault, &model, config);
    include_planned_pages(&mut vault, pages);
    add_schema_problems(&mut vault, &model);
    drop_in_background(model);
    Ok(vault)
}

/// Puts the model's problems in the vault's list, in place of those of the
/// last model the list still holds (`vault.added`, under `watch`): when they
/// are the same (nearly every update), the list stays as it is. (Taking them
/// out and putting them in again went over the tens of thousands of problems
/// of a large vault.) Kept in place, they stay before any problem with the
/// same sort key that a later resolution puts in, where a fresh build puts
/// them after: no schema problem's code is one the walk, the parse or the
/// resolution gives, so no two such keys are equal (debug builds compare the
/// list with taking the last out and putting these in).
fn add_schema_problems(vault: &mut Vault, model: &ResearchModel) {
    let without = |list: &[Diagnostic], problems: &[Diagnostic]| -> Vec<Diagnostic> {
        let identities = Diagnostic::identities(problems);
        (list.iter())
            .filter(|problem| !identities.contains(&problem.identity()))
            .cloned()
            .collect()
    };
    let reference = cfg!(debug_assertions).then(|| {
        let mut list = without(&vault.diagnostics, &vault.added);
        crate::diagnostics::insert_sorted(&mut list, model.diagnostics.clone());
        list
    });
    if vault.added != model.diagnostics {
        if !vault.added.is_empty() {
            vault.diagnostics = without(&vault.diagnostics, &vault.added);
        }
        crate::diagnostics::insert_sorted(&mut vault.diagnostics, model.diagnostics.clone());
        // Replaced by the next model's if `watch` keeps the list (see `LinkMemo`).
        vault.added = model.diagnostics.clone();
    }
    debug_assert!(
        reference.is_none_or(|reference| reference == vault.diagnostics),
        "the model's problems in place of the last model's"
    );
}

/// Unresolved links that name a page about to be generated resolve to it. (A
/// link that did not resolve had no candidate in the vault, so resolving it
/// among the pages not in the vault yet follows the same rules.)
fn include_planned_pages(vault: &mut Vault, pages: Vec<VaultPath>) {
    let unwritten = unwritten_pages(vault, pages);
    include_unwritten_pages(vault, unwritten);
}

/// The pages of `pages` that are not among the vault's files. Pages already
/// written were candidates (under `watch`, usually all): found through the
/// name index, one probe each, in parallel.
fn unwritten_pages(vault: &Vault, pages: impl IntoIterator<Item = VaultPath>) -> Vec<VaultPath> {
    let written = |page: &VaultPath| {
        let name = page.file_name().to_lowercase();
        vault
            .index
            .files_named(&name)
            .iter()
            .any(|&file| vault.files[file as usize].path == *page)
    };
    let pages: Vec<VaultPath> = pages.into_iter().collect();
    pages
        .into_par_iter()
        .filter(|page| !written(page))
        .collect()
}

/// [`include_planned_pages`] for the pages not written yet.
fn include_unwritten_pages(vault: &mut Vault, mut pages: Vec<VaultPath>) {
    if pages.is_empty() {
        return;
    }
    pages.sort();
    let index = crate::resolve::NameIndex::from_paths(&pages);
    let now_resolved: HashSet<(VaultPath, Position)> = vault
        .notes
        .par_iter()
        .enumerate()
        // Only a note with a link to no file is read (at 100,000 notes,
        // reading every one's links took 30 ms).
        .filter(|&(at, _)| vault.has_unresolved(at))
        .flat_map_iter(|(at, note)| {
            let resolutions = vault.resolutions(at);
            let mut folder: Option<String> = None;
            let mut found = Vec::new();
            for (link, resolution) in note.links.iter().zip(resolutions) {
                if resolution.target.is_some() {
                    continue;
                }
                let folder = folder.get_or_insert_with(|| note.path.folder().to_lowercase());
                if index
                    .lookup(note.linkpath(link), u32::MAX, folder)
                    .target
                    .is_some()
                {
                    found.push((note.path.clone(), link.span.position));
                }
            }
            found
        })
        .collect();
    if now_resolved.is_empty() {
        return;
    }
    // The list is no longer what the resolution gathered.
    vault.problems_kept_whole = false;
    vault.diagnostics.retain(|diagnostic| {
        diagnostic.code != Code::BrokenLink
            || !diagnostic.location.as_ref().is_some_and(|location| {
                now_resolved.contains(&(diagnostic.path.clone(), location.start))
            })
    });
}

impl BuildReport {
    /// This build followed by `next`, which built the vault again at once
    /// (see [`links_into`]): what the second found, with the pages either
    /// wrote or removed (and the files in the way either met), the stamps
    /// of the pages written (the second's for a page both wrote), the pages
    /// neither wrote as unchanged, and the time both took.
    pub fn then(self, next: BuildReport) -> BuildReport {
        let mut both = next;
        let first = self.write;
        let rewritten = first
            .written
            .iter()
            .filter(|page| !both.write.written.contains(page))
            .count();
        both.write.unchanged = both.write.unchanged.saturating_sub(rewritten);
        for (list, earlier) in [
            (&mut both.write.written, first.written),
            (&mut both.write.removed, first.removed),
            (&mut both.write.foreign, first.foreign),
        ] {
            list.extend(earlier);
            list.sort();
            list.dedup();
        }
        for (page, stamp) in first.stamps {
            both.write.stamps.entry(page).or_insert(stamp);
        }
        both.rendered = (both.rendered + self.rendered).min(both.pages);
        for ((_, time), (_, earlier)) in both.timings.iter_mut().zip(self.timings) {
            *time += earlier;
        }
        both
    }
}

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
    /// write. A page is written as soon as it is rendered, while others render:
    /// the time of the two together is shared out by the work each took (summed
    /// over threads), so that the stages add up to the whole build.
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
    // Before the configuration (none is a default) and the lock (which makes
    // `.throughline/`): a path that is no folder is said so, and left alone.
    if !root.is_dir() {
        return Err(LoadError::Scan(ScanError::NotAFolder(root.to_path_buf())).into());
    }
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
    let build_once = |scanned, settings, inputs, scan_time| {
        let cache = &mut NoteCache::default();
        build_scanned(
            root, &config, scanned, settings, mode, inputs, cache, None, scan_time,
        )
    };
    let (report, analysis) = build_once(scanned, settings, inputs, scan_time)?;
    // (`--check` removes nothing: a second build would find the same.)
    let relink = mode == WriteMode::Write && links_into(&analysis.vault, &report.write.removed);
    drop_in_background(analysis);
    if !relink {
        return Ok(report);
    }
    // Notes link to pages this build removed: built again without them, those
    // links resolve as a build of the vault as it now is finds them.
    let started = std::time::SystemTime::now();
    let scan_started = Instant::now();
    let (scanned, settings) = scan_vault(root, &config)?;
    let inputs = inputs_fingerprint(root, &scanned, started);
    let (again, analysis) = build_once(scanned, settings, inputs, scan_started.elapsed())?;
    drop_in_background(analysis);
    Ok(report.then(again))
}

/// Whether a source note of `vault` links to one of `pages`: pages a build
/// just removed (their insight, job or plan gone) were still among the files
/// when it resolved the links, which a build of the vault as it now is
/// resolves otherwise (to another file, or to none: a broken link that
/// `Vault health.md` lists).
pub(crate) fn links_into(vault: &Vault, pages: &[VaultPath]) -> bool {
    let removed: HashSet<crate::resolve::FileId> = pages
        .iter()
        .filter_map(|page| vault.file_id(page))
        .collect();
    !removed.is_empty()
        && vault.sources().any(|(_, resolutions)| {
            (resolutions.iter())
                .any(|resolution| resolution.target.is_some_and(|t| removed.contains(&t)))
        })
}

/// How many values [`drop_in_background`] is still dropping, and a signal for
/// when none is left.
static DROPPING: (Mutex<usize>, Condvar) = (Mutex::new(0), Condvar::new());

/// Drops `value` on another thread (a large model or consolidation is
/// hundreds of thousands of allocations; an update should not wait for them).
pub fn drop_in_background<T: Send + 'static>(value: T) {
    let (pending, _) = &DROPPING;
    *pending.lock().unwrap_or_else(PoisonError::into_inner) += 1;
    // Counted down however the drop ends (even by a panic), on the other
    // thread or, when no thread can be started, here.
    let dropping = Dropping;
    let started = std::thread::Builder::new().spawn(move || {
        let _dropping = dropping;
        drop(value);
    });
    drop(started);
}

/// One value being dropped: counts itself down when it is dropped.
struct Dropping;

impl Drop for Dropping {
    fn drop(&mut self) {
        let (pending, none_left) = &DROPPING;
        let mut pending = pending.lock().unwrap_or_else(PoisonError::into_inner);
        *pending -= 1;
        if *pending == 0 {
            none_left.notify_all();
        }
    }
}

/// Waits until every value given to [`drop_in_background`] so far is dropped
/// (`watch` then hands the memory its first build freed back to the system).
pub fn wait_for_background_drops() {
    let (pending, none_left) = &DROPPING;
    let mut pending = pending.lock().unwrap_or_else(PoisonError::into_inner);
    while *pending > 0 {
        pending = none_left
            .wait(pending)
            .unwrap_or_else(PoisonError::into_inner);
    }
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
    mut memo: Option<&mut PageMemo>,
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
    let mut analysis =
        analyze_loaded_reusing(vault, &config, cache.model.as_mut(), cache.plan.take());
    let loaded = lap() + scan_time;
    // The summaries kept hold file ids and interview indices, which hold
    // only for the same files and interviews (see `SummaryMemo::holds_for`),
    // or once moved with the files and interviews (`SummaryMemo::move_to`).
    if let Some(summaries) = cache.summaries.as_mut()
        && !(analysis.vault.same_files_as_last && summaries.holds_for(&analysis.model))
        && !summaries.move_to(&analysis.model)
    {
        // Dropped on another thread: at 100,000 notes, freeing every
        // summary was 5% of the samples `perf` took of a new note's update.
        drop_in_background(std::mem::take(summaries));
    }
    // Record hashes decide what `watch` reuses: summaries and rendered pages.
    let last_hashes = cache.hashes.take();
    let hashes = memo.is_some().then(|| {
        crate::model::RecordHashes::reusing(&analysis.model, &analysis.vault.files, last_hashes)
    });
    let mut consolidation = consolidate_reusing(
        &analysis.model,
        &analysis.vault.diagnostics,
        &config,
        hashes.as_ref().zip(cache.summaries.as_mut()),
    );
    let consolidated = lap();
    let mut renderer = Renderer::new(
        root,
        &analysis.vault,
        &analysis.model,
        &consolidation,
        &config,
        &analysis.plan,
    );
    // The last update's manifest (its save waited for: `watch` reports a save
    // that failed before it builds again).
    let mut writer = Writer::after(root, &config.output_folder, mode, cache.manifest.take());
    if let Some(spares) = &cache.spares {
        writer.use_spares(spares.clone());
    }
    let mut rendering = Duration::ZERO;
    let started = Instant::now();
    let page_of = |wanted: PageKind| {
        analysis
            .plan
            .pages
            .iter()
            .find(|(_, kind)| *kind == wanted)
            .map(|(path, _)| path)
    };
    // Keys need the record hashes and the fingerprints of the summaries (both
    // worked out only under `watch`).
    let fingerprints = cache
        .summaries
        .as_ref()
        .and_then(|summaries| summaries.fingerprints(&consolidation));
    // One key per planned page, in the plan's order (the memo keeps them so
    // once the pages are written).
    let keyed: Option<(Vec<u64>, FragmentKeys)> = hashes
        .as_ref()
        .zip(fingerprints)
        .zip(memo.as_deref_mut())
        .map(|((hashes, fingerprints), memo)| {
            let vault_key =
                memo.vault_key(&analysis.vault, &analysis.model, &analysis.plan, &config);
            let keys = renderer.keys(vault_key, hashes, fingerprints);
            let pages = analysis
                .plan
                .pages
                .par_iter()
                .map(|(path, kind)| keys.key(path, *kind))
                .collect();
            let fragments =
                keys.fragment_keys(page_of(PageKind::Digest), page_of(PageKind::Insights));
            (pages, fragments)
        });
    let keys = match (keyed, memo.as_deref_mut()) {
        (Some((keys, fragments)), Some(memo)) => {
            renderer.reuse_fragments(fragments, memo.take_fragments());
            Some(keys)
        }
        (keyed, _) => keyed.map(|(keys, _)| keys),
    };
    let to_render: Vec<(VaultPath, PageKind)> = match (&memo, &keys) {
        (Some(memo), Some(keys)) => pages_to_render(
            &analysis.plan.pages,
            analysis.plan.in_path_order(),
            &memo.last_keys(&analysis.plan.pages),
            keys,
            |kept| writer.keep(kept),
        ),
        _ => analysis.plan.pages.clone(),
    };
    rendering += started.elapsed();
    // Each page is written by the thread that rendered it, as soon as it is
    // rendered: writing (mostly the file system's work) overlaps rendering,
    // and a page leaves memory once it is on disk.
    let fused = Instant::now();
    PROGRESS.begin(Stage::Writing, to_render.len() as u64);
    let outcomes = renderer.render_with(&to_render, |page, took| {
        let started = Instant::now();
        let outcome = writer.write_one(&page)?;
        PROGRESS.advance(1);
        Ok::<_, BuildError>((page.path, outcome, took, started.elapsed()))
    });
    let outcomes = match outcomes {
        Ok(outcomes) => outcomes,
        Err(error) => {
            drop(renderer);
            return Err(keep_notes_of_failed_build(cache, &mut analysis, error));
        }
    };
    let (mut render_work, mut write_work) = (Duration::ZERO, Duration::ZERO);
    for (path, outcome, rendering, writing) in outcomes {
        render_work += rendering;
        write_work += writing;
        // In any order: the report and the manifest are sorted when finished.
        writer.record(&path, outcome);
    }
    // The wall time of the two together, shared out by the work of each.
    let work = (render_work + write_work).as_secs_f64();
    if work > 0.0 {
        rendering += fused.elapsed().mul_f64(render_work.as_secs_f64() / work);
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
    // Under `watch`, the manifest is saved while the user reads this update;
    // the next one waits for it.
    let finished = if memo.is_some() {
        writer.finish_saving_aside(&current, &record)
    } else {
        writer.finish_keeping(&current, &record)
    };
    let (write, manifest) = match finished {
        Ok(finished) => finished,
        Err(error) => {
            drop((current, renderer));
            return Err(keep_notes_of_failed_build(
                cache,
                &mut analysis,
                error.into(),
            ));
        }
    };
    if memo.is_some() {
        cache.manifest = Some(manifest);
    }
    match (memo.as_deref_mut(), keys) {
        (Some(memo), Some(keys)) => memo.replace(
            (analysis.plan.pages.iter())
                .map(|(path, _)| path.clone())
                .zip(keys)
                .collect(),
        ),
        // Every page was rendered without keys: none kept is still true.
        (Some(memo), None) => memo.clear(),
        (None, _) => {}
    }
    if let Some(memo) = memo {
        memo.keep_fragments(renderer.into_kept_fragments());
    } else {
        drop(renderer);
    }
    if let Some(summaries) = cache.summaries.as_mut()
        && hashes.is_some()
    {
        summaries.keep(&mut consolidation, &analysis.model);
    }
    if cache.model.is_some() {
        cache.hashes = hashes.map(|hashes| (analysis.model.id, hashes));
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

/// The pages to render, in path order: those whose key is not the one they
/// were last rendered with (`last_keys`, by position in `pages`), and those
/// whose key is the same but which `keep` (the writer, given the others in
/// path order) does not know: it returns their positions among those given.
fn pages_to_render<'p>(
    pages: &'p [(VaultPath, PageKind)],
    in_path_order: &[u32],
    last_keys: &[Option<u64>],
    keys: &[u64],
    keep: impl FnOnce(Vec<&'p VaultPath>) -> Vec<usize>,
) -> Vec<(VaultPath, PageKind)> {
    let mut render = vec![false; pages.len()];
    let mut same = Vec::with_capacity(pages.len());
    for &at in in_path_order {
        let at = at as usize;
        match last_keys[at] == Some(keys[at]) {
            true => same.push(at),
            false => render[at] = true,
        }
    }
    for unknown in keep(same.iter().map(|&at| &pages[at].0).collect()) {
        render[same[unknown]] = true;
    }
    in_path_order
        .iter()
        .filter(|&&at| render[at as usize])
        .map(|&at| pages[at as usize].clone())
        .collect()
}

/// Under `watch` (a cache with a model memo), a build that failed after
/// reading the vault (a template of the vault's own that does not compile, a
/// page that cannot be written) gives its notes back to `cache`: the next
/// update reads again only what changed, and a note saved with broken
/// frontmatter keeps its last good parse through failed updates (and is
/// warned about with the next update that succeeds). The rest a successful
/// build keeps (the model's readings, the plan, the manifest) is worked out
/// again. Pages are notes too, and some may have been written before the
/// failure, unknown to the events (our own writes make none; `--poll` skips
/// the output folder): every page is read again next time. Returns `error`.
fn keep_notes_of_failed_build(
    cache: &mut NoteCache,
    analysis: &mut Analysis,
    error: BuildError,
) -> BuildError {
    if cache.model.is_none() {
        // A one-off build: nothing reads the cache again.
        return error;
    }
    let kept_last_good = std::mem::take(&mut cache.kept_last_good);
    cache.refill_from(&mut analysis.vault);
    cache.kept_last_good = kept_last_good;
    cache.mark_changed(analysis.plan.pages.iter().map(|(path, _)| path));
    error
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    /// Sets its flag when dropped, slowly.
    struct Slow(Arc<AtomicBool>);

    impl Drop for Slow {
        fn drop(&mut self) {
            std::thread::sleep(Duration::from_millis(50));
            self.0.store(true, Ordering::SeqCst);
        }
    }

    /// What `check` reports of the vault at `root`, and what the full
    /// analysis of a build finds there.
    fn checked_and_analyzed(root: &Path) -> [(Vec<String>, VaultStats); 2] {
        let config = crate::config::load(root).unwrap();
        let shown = |vault: &Vault| {
            let diagnostics = crate::resolve::tests::shown_diagnostics(vault);
            (diagnostics, vault.stats())
        };
        [
            shown(&check_vault(root, &config).unwrap()),
            shown(&analyze(root, &config).unwrap().vault),
        ]
    }

    #[test]
    fn pages_to_render_are_the_changed_and_the_unknown_kept_ones_in_path_order() {
        let page = |path: &str, kind| (VaultPath::new(path).unwrap(), kind);
        let pages = [
            page("T/Insights.md", PageKind::Insights),
            page("T/Digest.md", PageKind::Digest),
            page("T/Insights/B.md", PageKind::Insight(0)),
            page("T/Insights/A.md", PageKind::Insight(1)),
            page("T/Jobs/C.md", PageKind::Job(0)),
        ];
        let in_path_order = [1, 0, 3, 2, 4];
        // The digest and insight B changed; A, C and the overview did not.
        let last_keys = [Some(1), Some(2), Some(3), Some(4), None];
        let keys = [1, 20, 30, 4, 5];
        let mut given = Vec::new();
        let chosen = pages_to_render(&pages, &in_path_order, &last_keys, &keys, |kept| {
            given = kept.iter().map(|path| path.to_string()).collect();
            // The manifest does not know insight A (the second given).
            vec![1]
        });
        assert_eq!(given, ["T/Insights.md", "T/Insights/A.md"]);
        let chosen: Vec<&str> = chosen.iter().map(|(path, _)| path.as_str()).collect();
        assert_eq!(
            chosen,
            [
                "T/Digest.md",
                "T/Insights/A.md",
                "T/Insights/B.md",
                "T/Jobs/C.md"
            ]
        );
        // Nothing changed, everything known: nothing to render.
        let same: Vec<Option<u64>> = keys.iter().map(|&key| Some(key)).collect();
        let none = pages_to_render(&pages, &in_path_order, &same, &keys, |_| Vec::new());
        assert!(none.is_empty());
    }

    #[test]
    fn check_keeping_little_of_each_note_finds_what_a_full_load_finds() {
        let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-vault");
        let [checked, analyzed] = checked_and_analyzed(&sample);
        assert!(checked.0.len() >= 3, "{checked:?}");
        assert_eq!(checked, analyzed);
        let generated = tempfile::tempdir().unwrap();
        vaultgen::generate(
            generated.path(),
            &vaultgen::GenOptions {
                notes: 2000,
                seed: vaultgen::DEFAULT_SEED,
            },
        )
        .unwrap();
        let [checked, analyzed] = checked_and_analyzed(generated.path());
        let codes: HashSet<String> = checked
            .0
            .iter()
            .map(|d| d.split(' ').next().unwrap().to_owned())
            .collect();
        assert!(codes.len() >= 4, "{codes:?}");
        assert_eq!(checked, analyzed);
    }

    #[test]
    fn a_missing_subpath_is_reported_from_its_note_read_again() {
        let vault = tempfile::tempdir().unwrap();
        let write = |name: &str, text: &str| std::fs::write(vault.path().join(name), text).unwrap();
        write("B.md", "# Present\n\ntext ^block\n");
        // Its lines copied from the file again: a wikilink, a Markdown link,
        // an embed; the frontmatter's link needs nothing.
        write(
            "A.md",
            "---\nup: \"[[B#Top]]\"\n---\nintro\nsee [[B#Present]], [[B#^block]]\n\
             and [[B#Missing]] here\n[doc](B.md#Gone) and ![[B#Nope|x]]\n",
        );
        write("C.md", "only [[B#Present]]\n");
        // Parsed alone, this link would not be one: the note is parsed again.
        write("D.md", "> [a\n> b](B.md#Quoted)\n");
        let [checked, analyzed] = checked_and_analyzed(vault.path());
        assert_eq!(checked, analyzed);
        assert_eq!(checked.0.len(), 5, "{:?}", checked.0);
        for (problem, (note, place, line)) in checked.0.iter().zip([
            ("A.md", "line: 2, column: 6", "[[B#Top]]"),
            ("A.md", "line: 6, column: 5", "and [[B#Missing]] here"),
            (
                "A.md",
                "line: 7, column: 1",
                "[doc](B.md#Gone) and ![[B#Nope|x]]",
            ),
            (
                "A.md",
                "line: 7, column: 22",
                "[doc](B.md#Gone) and ![[B#Nope|x]]",
            ),
            ("D.md", "line: 1, column: 3", "> [a"),
        ]) {
            assert!(
                problem.starts_with(&format!("SubpathNotFound {note}")),
                "{problem}"
            );
            assert!(problem.contains(place), "{problem}");
            assert!(problem.contains(line), "{problem}");
        }
        assert_eq!((checked.1.links, checked.1.resolved), (8, 8));
    }

    #[test]
    fn waiting_for_background_drops_waits_for_every_one() {
        let flags: Vec<Arc<AtomicBool>> = (0..3).map(|_| Arc::default()).collect();
        for flag in &flags {
            drop_in_background(Slow(Arc::clone(flag)));
        }
        wait_for_background_drops();
        assert!(flags.iter().all(|flag| flag.load(Ordering::SeqCst)));
    }

    /// Panics when dropped.
    struct Failing;

    impl Drop for Failing {
        fn drop(&mut self) {
            panic!("a drop that fails (expected by this test)");
        }
    }

    #[test]
    fn links_to_pages_not_written_yet_resolve_beside_pages_written() {
        let vault = tempfile::tempdir().unwrap();
        let root = vault.path();
        let file = |path: &str, text: &str| {
            let full = root.join(path);
            std::fs::create_dir_all(full.parent().unwrap()).unwrap();
            std::fs::write(full, text).unwrap();
        };
        file("Insights/Alpha.md", "---\ntype: insight\n---\n");
        file(
            "Notes/Links.md",
            "[[Alpha (evidence)]] [[Beta (evidence)]] [[Gamma (evidence)]]\n",
        );
        build(root, WriteMode::Write).unwrap();
        assert!(
            root.join("Throughline/Insights/Alpha (evidence).md")
                .is_file()
        );
        // Beta's page is planned, not written: its link resolves; Gamma has none.
        file("Insights/Beta.md", "---\ntype: insight\n---\n");
        let config = crate::config::load(root).unwrap();
        let analysis = analyze(root, &config).unwrap();
        let broken: Vec<&str> = analysis
            .vault
            .diagnostics
            .iter()
            .filter(|d| d.code == Code::BrokenLink)
            .map(|d| d.message.as_ref())
            .collect();
        assert_eq!(broken.len(), 1, "{broken:?}");
        assert!(broken[0].contains("Gamma"), "{broken:?}");
    }

    #[test]
    fn a_drop_that_panics_is_still_counted_down() {
        drop_in_background(Failing);
        wait_for_background_drops();
    }
}
