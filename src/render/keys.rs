//! Page keys: a hash of everything a page's context is built from, so that an
//! update under `watch` renders only the pages whose key changed
//! ([`PageMemo`]). A page whose key is unchanged would render to the same bytes.
//!
//! A key has two parts:
//! - the *vault key*, what every page depends on: the configuration, Obsidian's
//!   settings, the planned pages, and what of the files decides the text of the
//!   links pages write ([`link_facts`]); and, for the links quoted from
//!   observations ([`crate::model::ObservationLinks::quoted_links`]), the
//!   files each could open from any folder (those named like it), with the
//!   headings, blocks and footnotes of those a quote links into with a subpath
//!   (a link into any other file counts as found). With links written the
//!   shortest way (Obsidian's default), a new note whose name is its own, that
//!   no quote names and that is not a page's insight, job or plan changes no
//!   vault key; a heading added to an interview no quote links into changes
//!   no page but that interview's own;
//! - the *page part*, which mirrors the page's context function in
//!   [`super`] (`insight_context`, `job_context`, …): whatever a context reads,
//!   its key hashes — the model records themselves (an observation's text, an
//!   interview's participants), not the views built from them — or, for what
//!   a summary is worked out from, the fingerprint the consolidation already
//!   took of it ([`SummaryFingerprints`]). When a context learns to show
//!   more, its key must hash more; the `incremental` tests compare keyed
//!   updates with full builds to catch a key that hashes too little. Files
//!   are hashed by path, never by id: a file's id is its place in the list of
//!   files, which a new or removed note moves (see
//!   [`crate::model::FilePaths`]).

use foldhash::{HashMap, HashSet};
use std::hash::{Hash, Hasher};

use rayon::prelude::*;

use super::view::Views;
use super::{FragmentKeys, KeptFragments};
use super::{PageKind, PagePlan};
use crate::config::{Config, NewLinkFormat};
use crate::consolidate::{JobSummary, SummaryFingerprints};
use crate::diagnostics::Diagnostic;
use crate::model::{RecordHasher, RecordHashes, ResearchModel, hash_of};
use crate::resolve::{FileId, Vault};
use crate::scan::{Exclusion, VaultPath};

mod quoted_targets;

use quoted_targets::{Crossed, QuotedTargets, Targets};

/// The keys of the pages last written, by page, and the parts of pages
/// rendered on their own (validation-queue entries, rows of `Insights.md`,
/// job pages' rows and evidence) by key.
#[derive(Debug, Default)]
pub struct PageMemo {
    /// Every page of the last successful update's plan, in its order, each
    /// with the key it was rendered with (or found unchanged under).
    keys: Vec<(VaultPath, u64)>,
    /// Pages forgotten since (see [`PageMemo::forget`]).
    forgotten: HashSet<VaultPath>,
    fragments: KeptFragments,
    /// What of the files the last vault key hashed ([`link_facts`]).
    files: Option<FilesHash>,
    /// The anchors hashed into the last vault key, with the walk that
    /// listed their files.
    anchors: Option<(u64, Vec<u64>)>,
    /// The files quoted links may open, counted for the last vault key.
    quoted: Option<QuotedTargets>,
    /// The last vault key's part for quoted links ([`quoted_part`], a sum
    /// patched from one update to the next), with the walk that listed its
    /// files.
    quoted_part: Option<(u64, u64)>,
}

/// The [`link_facts`] of a vault's files, with what they were worked out
/// for: the walk that listed the files, and the planned pages' hash.
#[derive(Debug, Clone, Copy)]
struct FilesHash {
    walk: u64,
    pages: u64,
    hash: u64,
}

impl PageMemo {
    /// The key each of `pages` was last rendered with, by position. Under
    /// `watch` the pages are usually the last update's, in the same order
    /// (their paths share their text): they are then matched by position, not
    /// looked up by path (14,000 pages at 100,000 notes).
    pub fn last_keys(&self, pages: &[(VaultPath, PageKind)]) -> Vec<Option<u64>> {
        let same_pages = self.keys.len() == pages.len()
            && self
                .keys
                .iter()
                .zip(pages)
                .all(|((was, _), (path, _))| was == path);
        let mut keys: Vec<Option<u64>> = match same_pages {
            true => self.keys.iter().map(|&(_, key)| Some(key)).collect(),
            false => {
                let by_path: HashMap<&VaultPath, u64> =
                    self.keys.iter().map(|(path, key)| (path, *key)).collect();
                pages
                    .iter()
                    .map(|(path, _)| by_path.get(path).copied())
                    .collect()
            }
        };
        if !self.forgotten.is_empty() {
            for (key, (path, _)) in keys.iter_mut().zip(pages) {
                if self.forgotten.contains(path) {
                    *key = None;
                }
            }
        }
        keys
    }

    /// Replaces every key (after a successful update) with those of `pages`
    /// (in their plan's order).
    pub fn replace(&mut self, pages: Vec<(VaultPath, u64)>) {
        self.keys = pages;
        self.forgotten.clear();
    }

    /// Forgets one page's key: the next update renders it.
    pub fn forget(&mut self, path: &VaultPath) {
        self.forgotten.insert(path.clone());
    }

    /// Forgets every key and entry: the next update renders every page.
    pub fn clear(&mut self) {
        self.keys.clear();
        self.forgotten.clear();
        self.fragments.clear();
        self.files = None;
        self.anchors = None;
        self.quoted = None;
        self.quoted_part = None;
    }

    /// The vault key: what every page depends on (see the module
    /// documentation), with the [`link_facts`] the last one worked out when
    /// the same walk listed the files and the same pages are planned.
    pub fn vault_key(
        &mut self,
        vault: &Vault,
        model: &ResearchModel,
        plan: &PagePlan,
        config: &Config,
    ) -> u64 {
        let quoted = QuotedTargets::of(vault, model, self.quoted.take());
        let key = vault_key_keeping(
            vault,
            &quoted,
            plan,
            config,
            &mut self.files,
            &mut self.anchors,
            &mut self.quoted_part,
        );
        self.quoted = Some(quoted);
        key
    }

    /// How many times the quoted links' targets were moved to files added or
    /// removed (tests: shows that they were, instead of counted again).
    #[cfg(test)]
    pub(crate) fn quoted_targets_moved(&self) -> usize {
        self.quoted.as_ref().map_or(0, |quoted| quoted.moved)
    }

    /// Takes the parts rendered by the last update.
    pub fn take_fragments(&mut self) -> KeptFragments {
        std::mem::take(&mut self.fragments)
    }

    /// Keeps the parts rendered by this update for the next.
    pub fn keep_fragments(&mut self, fragments: KeptFragments) {
        self.fragments = fragments;
    }
}

fn hasher() -> RecordHasher {
    RecordHasher::new()
}

/// What every page depends on (see the module documentation); `kept`, the
/// hash of the files last worked out, is used (or replaced) for the files;
/// `kept_anchors` and `kept_quoted`, the last anchors by file and quoted
/// part, likewise.
fn vault_key_keeping(
    vault: &Vault,
    quoted: &QuotedTargets,
    plan: &PagePlan,
    config: &Config,
    kept: &mut Option<FilesHash>,
    kept_anchors: &mut Option<(u64, Vec<u64>)>,
    kept_quoted: &mut Option<(u64, u64)>,
) -> u64 {
    let mut state = hasher();
    format!("{config:?}").hash(&mut state);
    format!("{:?}", vault.settings).hash(&mut state);
    let pages = plan.pages_hash();
    let files = match (*kept, vault.walk) {
        (Some(files), Some(walk)) if files.walk == walk && files.pages == pages => files.hash,
        _ => {
            let hash = link_facts(vault, plan);
            *kept = vault.walk.map(|walk| FilesHash { walk, pages, hash });
            hash
        }
    };
    (pages, files).hash(&mut state);
    let (anchors, anchors_changed) = anchors_by_file(vault, kept_anchors.take());
    // The last part, patched where it changed, holds for the same files
    // (hashing the paths of every file quotes may open took 3.5–4.5 ms per
    // update at 100,000 notes).
    let targets = &quoted.targets;
    let kept_part = match (*kept_quoted, vault.walk, &quoted.crossed, anchors_changed) {
        (Some((walk, part)), Some(now), Some(crossed), Some(changed)) if walk == now => {
            let part = patched_quoted_part(vault, targets, &anchors, part, crossed, &changed);
            debug_assert_eq!(part, quoted_part(vault, targets, &anchors));
            Some(part)
        }
        _ => None,
    };
    let part = kept_part.unwrap_or_else(|| quoted_part(vault, targets, &anchors));
    part.hash(&mut state);
    *kept_quoted = vault.walk.map(|walk| (walk, part));
    if let Some(walk) = vault.walk {
        *kept_anchors = Some((walk, anchors));
    }
    state.finish()
}

/// The vault key's part for quoted links: the files they may open, and the
/// anchors of those they may open with a subpath. A sum of one hash per
/// file, so that a file going to or from being quoted, or changing its
/// anchors, patches it ([`patched_quoted_part`]).
fn quoted_part(vault: &Vault, quoted: &Targets, anchors: &[u64]) -> u64 {
    let counts = quoted.linked.iter().zip(&quoted.with_subpath);
    (0..vault.files.len())
        .zip(counts)
        .filter(|&(_, (&linked, _))| linked > 0)
        .map(|(file, (_, &with_subpath))| {
            quoted_file_part(vault, file, (true, with_subpath > 0), anchors[file])
        })
        .fold(0, u64::wrapping_add)
}

/// What file `file` adds to the quoted part when it may be opened by a
/// quoted link (`quoted.0`), and with a subpath (`quoted.1`, then its
/// anchors count too).
fn quoted_file_part(vault: &Vault, file: usize, quoted: (bool, bool), anchors: u64) -> u64 {
    use xxhash_rust::xxh3::xxh3_64_with_seed;
    /// Apart from the anchors, for the two kinds of part.
    const WITH_SUBPATH: u64 = 0x9e37_79b9_7f4a_7c15;
    let path = vault.files[file].path.as_str().as_bytes();
    let linked = match quoted.0 {
        true => xxh3_64_with_seed(path, 0),
        false => 0,
    };
    // A file quoted with a subpath is quoted (both counts go up together).
    let with_subpath = match quoted.0 && quoted.1 {
        true => xxh3_64_with_seed(path, WITH_SUBPATH ^ anchors),
        false => 0,
    };
    linked.wrapping_add(with_subpath)
}

/// `last`, the quoted part of the same files, patched for the files whose
/// counts went to or from zero (`crossed`, with their zero-ness before)
/// and those whose anchors changed (`changed`, with their anchors before).
fn patched_quoted_part(
    vault: &Vault,
    quoted: &Targets,
    anchors: &[u64],
    last: u64,
    crossed: &Crossed,
    changed: &[(FileId, u64)],
) -> u64 {
    let anchors_before: HashMap<FileId, u64> = changed.iter().copied().collect();
    let touched = crossed.keys().chain(anchors_before.keys());
    let mut seen = HashSet::default();
    let mut part = last;
    for &file in touched {
        if !seen.insert(file) {
            continue;
        }
        let at = file as usize;
        let now = (quoted.linked[at] > 0, quoted.with_subpath[at] > 0);
        let before = crossed.get(&file).copied().unwrap_or(now);
        let anchors_then = anchors_before.get(&file).copied().unwrap_or(anchors[at]);
        part = part
            .wrapping_sub(quoted_file_part(vault, at, before, anchors_then))
            .wrapping_add(quoted_file_part(vault, at, now, anchors[at]));
    }
    part
}

/// By file, the anchors hash of its note (0 for other files, and for notes
/// that are not sources: quotes check subpaths in sources only, see
/// [`super::view::Views::subpath_exists`]).
/// Those `kept` for the same walk are taken, with the notes parsed again
/// looked up again (reading every note's hash took ≈ 3 ms per update at
/// 100,000 notes, each note far from the last in memory); then the files
/// whose anchors changed are returned too (else `None`: all are new).
fn anchors_by_file(
    vault: &Vault,
    kept: Option<(u64, Vec<u64>)>,
) -> (Vec<u64>, Option<Vec<(FileId, u64)>>) {
    let of = |file: u32| match vault.files[file as usize].is_source() {
        true => vault.note(file).map_or(0, |note| note.anchors_hash),
        false => 0,
    };
    match (kept, vault.walk, vault.reparsed_files()) {
        (Some((walk, mut anchors)), Some(now), Some(reparsed))
            if walk == now && anchors.len() == vault.files.len() =>
        {
            let mut changed = Vec::new();
            for file in reparsed {
                let now = of(file);
                let before = std::mem::replace(&mut anchors[file as usize], now);
                if before != now {
                    changed.push((file, before));
                }
            }
            debug_assert!(anchors == anchors_by_file(vault, None).0);
            (anchors, Some(changed))
        }
        _ => ((0..vault.files.len() as u32).map(of).collect(), None),
    }
}

/// What of the vault's files decides the text of the links pages write
/// (rule C9, see [`super::links::LinkWriter`]). Written the shortest way, a
/// link to a file is its name when no other file has that name, else a
/// path found among the files that share it: so the files of every shared
/// name are hashed, and those named exactly as a note with a dot in its name
/// is linked (`Booking.com` for `Booking.com.md`, which opens such a file
/// first); a new or removed note with a name of its own changes nothing
/// here. Written with paths (relative or absolute), every file is
/// hashed (but the planned pages in the output folder, which come and go
/// with the plan, hashed apart; anything else there, a user's file, counts).
/// The target's own path is in whatever names it (its record, its row).
fn link_facts(vault: &Vault, plan: &PagePlan) -> u64 {
    let mut state = hasher();
    if vault.settings.new_link_format == NewLinkFormat::Shortest {
        let shared = vault.index.shared_files();
        shared.len().hash(&mut state);
        for &file in shared {
            vault.files[file as usize].path.as_str().hash(&mut state);
        }
        // A note whose name has a dot (`Booking.com.md`) is linked as
        // `Booking.com`, which opens a file named exactly so first.
        let dotted: Vec<&str> = vault
            .files
            .par_iter()
            .filter_map(|file| {
                let name = file.path.stem();
                (file.path.is_markdown() && name.contains('.')).then_some(name)
            })
            .collect();
        for name in dotted {
            for &file in vault.index.files_named(&name.to_lowercase()) {
                vault.files[file as usize].path.as_str().hash(&mut state);
            }
        }
        return state.finish();
    }
    let planned: foldhash::HashSet<&VaultPath> = plan.pages.iter().map(|(path, _)| path).collect();
    for file in &vault.files {
        if file.exclusion == Exclusion::OutputFolder && planned.contains(&file.path) {
            continue;
        }
        (file.path.as_str(), file.kind as u8, file.exclusion as u8).hash(&mut state);
    }
    state.finish()
}

/// What a job page's template shows of the insights the job touches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobRows {
    /// The embedded `job.md.j2` and `job-insight-row.md.j2`: each insight's
    /// page, title, strength and participant count — not its evidence count or dates, which change with
    /// nearly every saved observation while the job page does not.
    Brief,
    /// A vault's own template, which may show any part of a row.
    Whole,
}

/// What the overview pages (`Insights.md`, `Digest.md`, `Vault health.md`)
/// and their parts show of an insight: a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InsightRows {
    /// The embedded templates of those pages, of `insight-row.md.j2` and of
    /// `validation-entry.md.j2`: the fields of a row
    /// ([`super::view::InsightRow`]) and, in the digest's entries, who to
    /// ask — not the text of its evidence, which changes with most saves
    /// while the counts do not. Both hashes are worked out with the summary
    /// and kept with it (`Fingerprints::row`, `Fingerprints::shown_follow_ups`):
    /// hashing them for every insight on every update took 15 ms at 100,000
    /// notes.
    Shown,
    /// A vault's own template, which may show anything of an insight.
    Whole,
}

/// Keys of the pages of one update.
pub struct PageKeys<'v, 'a> {
    views: &'v Views<'a>,
    vault: u64,
    interviews: &'v [u64],
    observations: &'v [u64],
    /// What each summary was worked out from.
    fingerprints: SummaryFingerprints<'v>,
    /// Per insight summary, the hash of its row (see [`InsightRows`]).
    rows: Vec<u64>,
    /// What the overview pages show of an insight.
    shown: InsightRows,
    /// Per insight summary, the hash of what job pages show of it.
    job_rows: Vec<u64>,
    /// Per job summary, the key of its page's evidence section (part of
    /// the page's key too).
    job_evidence: Vec<u64>,
}

impl<'v, 'a> PageKeys<'v, 'a> {
    /// Keys over the record hashes of the model the views show and the
    /// fingerprints of its consolidation's summaries; job pages show
    /// `job_rows` of each insight.
    pub fn new(
        views: &'v Views<'a>,
        vault: u64,
        hashes: &'v RecordHashes,
        fingerprints: SummaryFingerprints<'v>,
        job_rows: JobRows,
        rows_shown: InsightRows,
    ) -> PageKeys<'v, 'a> {
        // A row shows its insight note (its link text, like every link's, is
        // in the vault key), its page, the note's status and what the summary
        // gives: the hash of the row's fields, or (a vault's own templates)
        // the summary's fingerprint, stands for the last.
        let (rows, job_rows): (Vec<u64>, Vec<u64>) = views
            .consolidation
            .insights
            .par_iter()
            .enumerate()
            .map(|(index, summary)| {
                let insight = &views.model.insights[summary.insight];
                let page = &views.insight_pages[index];
                let (fingerprint, _) = fingerprints.insight(index);
                let whole = match rows_shown {
                    // What `Views::insight_row` gives: the summary's part was
                    // hashed with it (`Fingerprints::row`).
                    InsightRows::Shown => {
                        let (row, _) = fingerprints.insight_shown(index);
                        hash_of((row, &insight.note, &insight.status, page))
                    }
                    InsightRows::Whole => {
                        hash_of((fingerprint, &insight.note, &insight.status, page))
                    }
                };
                let shown = match job_rows {
                    JobRows::Brief => hash_of((
                        &insight.note,
                        page,
                        summary.strength,
                        summary.participants.len(),
                    )),
                    JobRows::Whole => whole,
                };
                (whole, shown)
            })
            .unzip();
        let mut keys = PageKeys {
            views,
            vault,
            interviews: &hashes.interviews,
            observations: &hashes.observations,
            fingerprints,
            rows,
            shown: rows_shown,
            job_rows,
            job_evidence: Vec::new(),
        };
        keys.job_evidence = views
            .consolidation
            .jobs
            .par_iter()
            .enumerate()
            .map(|(index, summary)| keys.job_evidence(index, summary))
            .collect();
        keys
    }

    /// The key of one page.
    pub fn key(&self, path: &VaultPath, kind: PageKind) -> u64 {
        let mut state = hasher();
        (self.vault, path.as_str(), kind).hash(&mut state);
        match kind {
            PageKind::Insights => self.insights(&mut state),
            PageKind::Insight(index) => self.insight(&mut state, index),
            PageKind::Job(index) => self.job(&mut state, index),
            PageKind::Plan(index) => self.plan(&mut state, index),
            PageKind::Digest => self.digest(&mut state),
            PageKind::Health => self.health(&mut state),
        }
        state.finish()
    }

    fn hash_observations(&self, state: &mut RecordHasher, indices: &[usize]) {
        indices.len().hash(state);
        for &index in indices {
            self.observations[index].hash(state);
        }
    }

    fn hash_interviews(&self, state: &mut RecordHasher, indices: &[usize]) {
        indices.len().hash(state);
        for &index in indices {
            self.interviews[index].hash(state);
        }
    }

    fn insights(&self, state: &mut RecordHasher) {
        self.rows.hash(state);
        let model = self.views.model;
        (model.interviews.len(), model.observations.len()).hash(state);
    }

    fn insight(&self, state: &mut RecordHasher, index: usize) {
        // The row, and the summary's fingerprints: its own covers its evidence
        // and counter-evidence (each observation's hash covers its interview),
        // from which everything else on the page is worked out — who backs it,
        // the roles, the jobs it touches — and its suggestions' covers who to
        // ask (a large insight has hundreds of people and thousands of
        // observations, on every update).
        self.rows[index].hash(state);
        self.fingerprints.insight(index).hash(state);
    }

    fn job(&self, state: &mut RecordHasher, index: usize) {
        let summary = &self.views.consolidation.jobs[index];
        let job = &self.views.model.jobs[summary.job];
        let path = |file: FileId| self.views.vault.files[file as usize].path.as_str();
        (&job.note, &job.statement, job.framework.map(path)).hash(state);
        // Participants and roles come from the evidence, hashed below.
        summary.has_unknown_role.hash(state);
        // The plans by note (a vault's own template may show a plan's path).
        summary.plans.len().hash(state);
        for &plan in &summary.plans {
            self.views.model.plans[plan].note.hash(state);
        }
        for row in &summary.matrix {
            (row.step, &row.counts).hash(state);
        }
        for &insight in &summary.insights {
            self.job_rows[insight].hash(state);
        }
        // The evidence and the interviews that covered it.
        self.job_evidence[index].hash(state);
    }

    fn plan(&self, state: &mut RecordHasher, index: usize) {
        // The coverage's key covers the plan record and, per interview naming
        // it, the interview's record, rank and linked jobs: everything the
        // lists hashed below are worked out from (a thousand plans listing
        // tens of thousands of interviews, on every update). Ranks are in it:
        // an interview's new date, which moves the ranks of the interviews
        // between its old and new place, renders the plans listing those
        // again (to the same bytes, unless their order changed). Watch always
        // has these keys; the lists are hashed when a caller has none.
        if let Some(key) = self.fingerprints.plan(index) {
            key.hash(state);
            return;
        }
        let coverage = &self.views.consolidation.plans[index];
        let plan = &self.views.model.plans[coverage.plan];
        (&plan.note, plan.target, &plan.questions).hash(state);
        self.hash_interviews(state, &coverage.interviews);
        for role in coverage.roles.iter().chain(&coverage.off_plan) {
            (&role.role, role.target).hash(state);
            self.hash_interviews(state, &role.interviews);
        }
        coverage.roles.len().hash(state);
        self.hash_interviews(state, &coverage.without_role);
        for job in &coverage.jobs {
            self.views.vault.files[job.job as usize].path.hash(state);
            self.hash_interviews(state, &job.interviews);
        }
        for question in &coverage.questions {
            question.question.hash(state);
            self.hash_interviews(state, &question.answered_by);
            self.hash_interviews(state, &question.off_plan_answers);
        }
    }

    fn digest(&self, state: &mut RecordHasher) {
        let Some(digest) = &self.views.consolidation.digest else {
            0u8.hash(state);
            return;
        };
        (&digest.period, &digest.earlier).hash(state);
        self.hash_interviews(state, &digest.interviews);
        self.hash_observations(state, &digest.learned);
        self.hash_observations(state, &digest.surprised);
        for &insight in &digest.new_insights {
            self.rows[insight].hash(state);
        }
        for change in &digest.strength_changes {
            (self.rows[change.insight], change.before, change.after).hash(state);
        }
        digest.validation_total.hash(state);
        for &insight in self.views.shown_queue() {
            self.entry(state, insight);
        }
    }

    /// What the digest's validation-queue entry of `insight` shows.
    fn entry(&self, state: &mut RecordHasher, insight: usize) {
        self.rows[insight].hash(state);
        let follow_ups = match self.shown {
            // Who to ask, as shown (`Fingerprints::shown_follow_ups`).
            InsightRows::Shown => self.fingerprints.insight_shown(insight).1,
            // What who to ask is worked out from.
            InsightRows::Whole => self.fingerprints.insight(insight).1,
        };
        follow_ups.hash(state);
    }

    /// The keys of the parts of pages rendered on their own: per insight
    /// summary, the validation-queue entries of the digest at `digest` (0 for
    /// insights it does not list), the rows of the overview at `insights` and
    /// the rows of job pages (before their folder is added); per job summary,
    /// its page's evidence section. A part whose key is
    /// unchanged renders to the same text.
    pub fn fragment_keys(
        &self,
        digest: Option<&VaultPath>,
        insights: Option<&VaultPath>,
    ) -> FragmentKeys {
        let mut entries = Vec::new();
        if let (Some(page), Some(_)) = (digest, &self.views.consolidation.digest) {
            entries = vec![0; self.rows.len()];
            for &insight in self.views.shown_queue() {
                let mut state = hasher();
                (self.vault, page.as_str()).hash(&mut state);
                self.entry(&mut state, insight);
                entries[insight] = state.finish();
            }
        }
        let rows = match insights {
            Some(page) => self
                .rows
                .iter()
                .map(|row| hash_of((self.vault, page.as_str(), row)))
                .collect(),
            None => Vec::new(),
        };
        // A job page's row shows a link, whose text the vault key covers.
        let job_rows = self
            .job_rows
            .iter()
            .map(|row| hash_of((self.vault, row)))
            .collect();
        FragmentKeys {
            entries,
            rows,
            job_rows,
            job_evidence: self.job_evidence.clone(),
        }
    }

    /// What a job page's evidence section shows: its page (links are written
    /// from there), the job, its evidence and the interviews that covered it.
    fn job_evidence(&self, index: usize, summary: &JobSummary) -> u64 {
        let mut state = hasher();
        let job = &self.views.model.jobs[summary.job];
        (self.vault, &self.views.job_pages[summary.job], &job.note).hash(&mut state);
        // The fingerprints of the evidence (the hashes of its observations)
        // and of the interviews that covered it (their record hashes).
        self.fingerprints.job(index).hash(&mut state);
        let interviews = self.fingerprints.job_interviews(index);
        if cfg!(debug_assertions) {
            let mut whole = hasher();
            self.hash_interviews(&mut whole, &summary.interviews);
            debug_assert_eq!(interviews, whole.finish(), "a job's interviews fingerprint");
        }
        interviews.hash(&mut state);
        state.finish()
    }

    fn health(&self, state: &mut RecordHasher) {
        // What the page shows of a problem: its path, line, code and message.
        let problem = |state: &mut RecordHasher, diagnostic: &Diagnostic| {
            diagnostic.shown_hash().hash(state);
        };
        let health = &self.views.consolidation.health;
        health.broken_links.len().hash(state);
        for &index in &health.broken_links {
            problem(state, &self.views.vault.diagnostics[index]);
        }
        for list in [&health.left_out, &health.unreadable_paths] {
            list.len().hash(state);
            for &index in list {
                problem(state, &self.views.vault.diagnostics[index]);
            }
        }
        health.schema_problems.len().hash(state);
        for &index in &health.schema_problems {
            problem(state, &self.views.model.diagnostics[index]);
        }
        for &insight in &health.insights_without_evidence {
            self.rows[insight].hash(state);
        }
        self.hash_observations(state, &health.unlinked_listed);
        health.unlinked_count.hash(state);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_facts_change_only_with_what_decides_link_texts() {
        let vault = tempfile::tempdir().unwrap();
        let root = vault.path();
        let write = |path: &str| {
            let full = root.join(path);
            std::fs::create_dir_all(full.parent().unwrap()).unwrap();
            std::fs::write(full, "text\n").unwrap();
        };
        let facts = || {
            let config = crate::config::load(root).unwrap();
            let analysis = crate::pipeline::analyze(root, &config).unwrap();
            link_facts(&analysis.vault, &analysis.plan)
        };
        write("People/J.R. Smith.md");
        write("Notes/Plan.md");
        let first = facts();
        // A note of a name of its own: no link text changes.
        write("Notes/Unrelated.md");
        assert_eq!(facts(), first);
        // A name shared: links to either may have to name a path.
        write("Archive/Plan.md");
        let shared = facts();
        assert_ne!(shared, first);
        // A file named exactly as a dotted note is linked (`[[J.R. Smith]]`
        // opens it first).
        write("Other/J.R. Smith");
        assert_ne!(facts(), shared);
    }

    #[test]
    fn a_quoted_part_patched_for_crossings_and_anchors_is_the_part_worked_out_afresh() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-vault");
        let config = crate::config::load(&root).unwrap();
        let vault = crate::pipeline::analyze(&root, &config).unwrap().vault;
        let files = vault.files.len();
        assert!(files >= 8);
        let mut targets = Targets {
            linked: (0..files as u32).map(|file| file % 3).collect(),
            with_subpath: (0..files as u32)
                .map(|file| u32::from(file % 6 == 1))
                .collect(),
        };
        let mut anchors: Vec<u64> = (0..files as u64).map(|file| file * 7 + 1).collect();
        let last = quoted_part(&vault, &targets, &anchors);
        // Before each change, the zero-ness of the file's counts (as
        // `Targets::count` records it at a file's first crossing).
        let mut crossed = Crossed::default();
        let mut cross = |targets: &mut Targets, file: usize, linked: u32, with_subpath: u32| {
            let before = (targets.linked[file] > 0, targets.with_subpath[file] > 0);
            crossed.entry(file as FileId).or_insert(before);
            targets.linked[file] = linked;
            targets.with_subpath[file] = with_subpath;
        };
        cross(&mut targets, 0, 1, 0); // quoted now
        cross(&mut targets, 1, 0, 0); // quoted with a subpath before, not now
        cross(&mut targets, 2, 2, 1); // with a subpath now
        cross(&mut targets, 3, 1, 0); // back and forth: as it was
        cross(&mut targets, 3, 0, 0);
        // Anchors changed: of a file quoted with a subpath, of one quoted
        // without, and of one that goes to a subpath in the same update.
        let mut changed = Vec::new();
        for file in [7, 4, 2] {
            changed.push((file as FileId, anchors[file]));
            anchors[file] += 1000;
        }
        assert_eq!((targets.with_subpath[7], targets.with_subpath[4]), (1, 0));
        let patched = patched_quoted_part(&vault, &targets, &anchors, last, &crossed, &changed);
        assert_eq!(patched, quoted_part(&vault, &targets, &anchors));
        assert_ne!(patched, last);
        // Nothing crossed, nothing changed: the same part.
        let same = patched_quoted_part(
            &vault,
            &targets,
            &anchors,
            patched,
            &Crossed::default(),
            &[],
        );
        assert_eq!(same, patched);
    }

    fn pages(paths: &[&str]) -> Vec<(VaultPath, PageKind)> {
        paths
            .iter()
            .map(|path| (VaultPath::new(path).unwrap(), PageKind::Digest))
            .collect()
    }

    #[test]
    fn last_keys_go_by_position_for_the_same_pages_and_by_path_for_others() {
        let last = pages(&["T/A.md", "T/B.md", "T/C.md"]);
        // The last plan's pages with these keys.
        let keyed = |keys: [u64; 3]| {
            last.iter()
                .map(|(path, _)| path.clone())
                .zip(keys)
                .collect()
        };
        let mut memo = PageMemo::default();
        memo.replace(keyed([1, 2, 3]));
        assert_eq!(memo.last_keys(&last), [Some(1), Some(2), Some(3)]);
        // Another plan: its pages found by path, a new one has no key.
        let now = pages(&["T/C.md", "T/New.md", "T/A.md"]);
        assert_eq!(memo.last_keys(&now), [Some(3), None, Some(1)]);
        // A page forgotten has no key, in either way, until the next keys.
        memo.forget(&last[1].0);
        assert_eq!(memo.last_keys(&last), [Some(1), None, Some(3)]);
        memo.forget(&now[0].0);
        assert_eq!(memo.last_keys(&now), [None, None, Some(1)]);
        memo.replace(keyed([4, 5, 6]));
        assert_eq!(memo.last_keys(&last), [Some(4), Some(5), Some(6)]);
        memo.clear();
        assert_eq!(memo.last_keys(&last), [None, None, None]);
    }
}
