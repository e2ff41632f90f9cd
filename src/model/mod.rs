//! Model: the research vault as typed notes — interviews with their observations,
//! plans, insights, jobs, people and companies (product.md §2).
//!
//! Built from a resolved [`Vault`] without any I/O. Problems with a note's schema
//! (an interview without a date, a `plan:` that is not a plan) become diagnostics,
//! warnings by default; the note still takes part as far as it can.

mod carry;
mod gather;
mod hashes;
mod interview;
mod lookup;
mod observation;
mod patch;
mod plan;
mod properties;
mod schema;
mod type_index;

pub use hashes::{FilePaths, RecordHasher, RecordHashes, hash_of};
pub use interview::{Interview, Participant};
pub use lookup::{LookupError, find_note};
pub use observation::{Anchor, JobStep, Observation, ObservationKind, ObservationLinks, Signals};
pub use plan::{Plan, Question};
pub use properties::{PropertyItem, PropertyReader};
pub use schema::may_be_plan;
pub use type_index::TypeIndex;

pub(crate) use gather::make_room;

use foldhash::HashMap;

use jiff::civil::Date;
use rayon::prelude::*;
use std::hash::{Hash, Hasher};

use crate::config::{Config, NoteType};
use crate::diagnostics::Diagnostic;
use crate::resolve::{FileId, FileMoves, Resolution, Vault};
use crate::scan::VaultPath;

/// A typed note: where it is and what it is called.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteRef {
    /// Its file.
    pub file: FileId,
    /// Its vault path.
    pub path: VaultPath,
}

/// A note's reference hashes as its path: file ids are positions in the
/// list of files, which a new or removed file moves, while record hashes and
/// page keys must stay the same for the same notes (see [`hashes`]).
impl Hash for NoteRef {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.path.hash(state);
    }
}

impl NoteRef {
    /// Its title: the file name without `.md` (read from the path, so that a
    /// reference costs no text of its own: `watch` makes one per typed note
    /// on every update).
    pub fn title(&self) -> &str {
        self.path.stem()
    }
}

/// Something counted by identity: a person, a company or a role. Two mentions are
/// the same when they resolve to the same note, else when their text matches
/// (trimmed, case-insensitive).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Entity {
    /// What identifies it (`note:<path>` or the lower-cased text).
    pub key: String,
    /// How it is shown.
    pub name: String,
    /// Its note, if it has one.
    pub file: Option<FileId>,
    /// The path of its note (as `file`; what hashes stand on, see
    /// [`NoteRef`]'s `Hash`).
    pub path: Option<VaultPath>,
}

/// An entity hashes as what it is, its name and its note's path, not its
/// note's file id (see [`NoteRef`]'s `Hash`).
impl Hash for Entity {
    fn hash<H: Hasher>(&self, state: &mut H) {
        (&self.key, &self.name, &self.path).hash(state);
    }
}

impl Entity {
    /// An entity named by text only.
    pub fn text(name: &str) -> Entity {
        Entity {
            key: name.trim().to_lowercase(),
            name: name.trim().to_owned(),
            file: None,
            path: None,
        }
    }

    /// The order lists of people, companies and roles are shown in: by name
    /// lower-cased, then key. Compares without allocating when both names are
    /// ASCII (lists are sorted on every `watch` update).
    pub fn cmp_by_name(&self, other: &Entity) -> std::cmp::Ordering {
        let by_name = if self.name.is_ascii() && other.name.is_ascii() {
            fn lower(name: &str) -> impl Iterator<Item = u8> + '_ {
                name.bytes().map(|byte| byte.to_ascii_lowercase())
            }
            lower(&self.name).cmp(lower(&other.name))
        } else {
            self.name.to_lowercase().cmp(&other.name.to_lowercase())
        };
        by_name.then_with(|| self.key.cmp(&other.key))
    }
}

/// An insight note (title = the statement).
#[derive(Debug, Clone)]
pub struct Insight {
    /// The note.
    pub note: NoteRef,
    /// `status:` as a person wrote it (`open` when missing).
    pub status: String,
}

/// A job note.
#[derive(Debug, Clone)]
pub struct Job {
    /// The note.
    pub note: NoteRef,
    /// `statement:`.
    pub statement: Option<String>,
    /// `framework:` link target.
    pub framework: Option<FileId>,
}

/// A person note.
#[derive(Debug, Clone)]
pub struct Person {
    /// The note.
    pub note: NoteRef,
    /// `role:`.
    pub role: Option<Entity>,
    /// `company:`.
    pub company: Option<Entity>,
}

/// A company note.
#[derive(Debug, Clone)]
pub struct Company {
    /// The note.
    pub note: NoteRef,
}

/// The whole research model of a vault.
#[derive(Debug, Default)]
pub struct ResearchModel {
    /// Interviews, in vault path order.
    pub interviews: Vec<Interview>,
    /// Plans.
    pub plans: Vec<Plan>,
    /// Insights.
    pub insights: Vec<Insight>,
    /// Jobs.
    pub jobs: Vec<Job>,
    /// People.
    pub people: Vec<Person>,
    /// Companies.
    pub companies: Vec<Company>,
    /// Every observation of every interview.
    pub observations: Vec<Observation>,
    /// The type of each typed note and its index in its list.
    pub types: TypeIndex,
    /// Schema problems.
    pub diagnostics: Vec<Diagnostic>,
    /// For each interview, the interviews that follow it up directly.
    followed_by: Vec<Vec<usize>>,
    /// Which build made it (see [`ModelChanges::from`]); 0 for a model put
    /// together by hand.
    pub id: u64,
    /// What changed since the last model, when this one was made from it in
    /// place (see [`ModelChanges`]).
    pub changes: Option<ModelChanges>,
    /// How the last model's files and interviews moved, when this one was
    /// built from it after files were added or removed (see [`ModelMoves`]).
    pub moved: Option<ModelMoves>,
}

/// How a model built after files were added or removed names what the last
/// model named: `watch`'s summaries, kept by file id and interview index,
/// move with it (see `crate::consolidate`).
#[derive(Debug, Clone)]
pub struct ModelMoves {
    /// The [`ResearchModel::id`] of the last model.
    pub from: u64,
    /// Its files' ids now.
    pub files: FileMoves,
    /// By the last model's interview index: the same interview's index now
    /// (`None`: no longer an interview).
    pub interviews: Vec<Option<usize>>,
}

/// What a model build changed of the last one, when it kept that model's
/// records (insights, jobs, people, companies) and its interviews and plans
/// where they were, and read only some interviews and plans again. Every
/// interview not listed is the last model's, as it was, with its
/// observations; only its observations' range may have moved (by what the
/// interviews read again before it gained or lost). `watch` patches what it
/// worked out from the last model with these instead of working everything
/// out again.
#[derive(Debug)]
pub struct ModelChanges {
    /// The [`ResearchModel::id`] of the last model.
    pub from: u64,
    /// The interviews read again, in ascending order.
    pub interviews: Vec<ChangedInterview>,
    /// The plans read again (their indices), in ascending order.
    pub plans: Vec<usize>,
}

/// The most interviews read again that `watch` patches in (each one moves
/// what comes after it: observations, their hashes); beyond them (a `git
/// checkout`), working everything out again is as quick.
pub const MOST_PATCHED: usize = 64;

/// An interview read again (see [`ModelChanges`]), with what it was in the
/// last model.
#[derive(Debug)]
pub struct ChangedInterview {
    /// Its index (the same in both models).
    pub index: usize,
    /// Its observations' range in the last model's list.
    pub observations: std::ops::Range<usize>,
    /// What its observations linked.
    pub links: ObservationLinks,
    /// The job notes it listed (`jobs:`).
    pub jobs: Vec<FileId>,
    /// The plan it named.
    pub plan: Option<FileId>,
    /// When it took place.
    pub date: Option<Date>,
}

impl ChangedInterview {
    /// Interview `index` as it was (`last`).
    fn of(index: usize, last: Interview) -> ChangedInterview {
        ChangedInterview {
            index,
            observations: last.observations,
            links: last.links,
            jobs: last.jobs,
            plan: last.plan,
            date: last.date,
        }
    }
}

/// People's and companies' titles, lower-cased (see [`TitleIndex`]).
#[derive(Debug)]
struct Titles {
    people: TitleIndex,
    companies: TitleIndex,
}

/// A new [`ResearchModel::id`]: every build's is its own.
fn next_model_id() -> u64 {
    static LAST: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    LAST.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1
}

impl ResearchModel {
    /// The type of a file, if it is a typed note.
    pub fn type_of(&self, file: FileId) -> Option<NoteType> {
        self.types.get(file).map(|(kind, _)| kind)
    }

    /// The index of a typed note in its list, if it has that type.
    pub fn index_of(&self, file: FileId, kind: NoteType) -> Option<usize> {
        self.types
            .get(file)
            .filter(|(found, _)| *found == kind)
            .map(|(_, index)| index)
    }

    /// Each file's index in the list of notes of type `kind` (see
    /// [`Positions`]).
    pub fn positions_of(&self, kind: NoteType) -> Positions {
        let files: Vec<FileId> = match kind {
            NoteType::Interview => self.interviews.iter().map(|i| i.note.file).collect(),
            NoteType::Plan => self.plans.iter().map(|p| p.note.file).collect(),
            NoteType::Insight => self.insights.iter().map(|i| i.note.file).collect(),
            NoteType::Job => self.jobs.iter().map(|j| j.note.file).collect(),
            NoteType::Person => self.people.iter().map(|p| p.note.file).collect(),
            NoteType::Company => self.companies.iter().map(|c| c.note.file).collect(),
        };
        let mut positions = vec![u32::MAX; files.iter().max().map_or(0, |&max| max as usize + 1)];
        for (index, file) in files.into_iter().enumerate() {
            positions[file as usize] = index as u32;
        }
        Positions(positions)
    }

    /// The person with this note.
    pub fn person(&self, file: FileId) -> Option<&Person> {
        self.index_of(file, NoteType::Person)
            .map(|index| &self.people[index])
    }

    /// The interviews that follow up `interview` (directly).
    pub fn follow_ups_of(&self, interview: usize) -> impl Iterator<Item = usize> + '_ {
        self.followed_by
            .get(interview)
            .into_iter()
            .flatten()
            .copied()
    }
}

/// Each file's index in one of the model's lists, by file id: what
/// [`ResearchModel::index_of`] gives, as an array lookup, for the walks over
/// every observation (hundreds of thousands of links looked up per update).
#[derive(Debug, Clone)]
pub struct Positions(Vec<u32>);

impl Positions {
    /// The index of `file` in the list, if it is there.
    pub fn get(&self, file: FileId) -> Option<usize> {
        match self.0.get(file as usize) {
            Some(&index) if index != u32::MAX => Some(index as usize),
            _ => None,
        }
    }
}

/// Parses a date property: `YYYY-MM-DD`, or a date-time whose date part is that.
pub fn parse_date(text: &str) -> Option<Date> {
    let text = text.trim();
    let date_part = text.get(..10).unwrap_or(text);
    if text.len() > 10 && !matches!(text.as_bytes()[10], b'T' | b't' | b' ') {
        return None;
    }
    date_part.parse::<Date>().ok()
}

/// How much of the model to build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModelScope {
    /// Everything, observations included (for pages).
    Full,
    /// Typed notes and their schema problems only (for `check`): interviews
    /// are read for their problems, and keep only their date, plan and
    /// follow-up.
    Schema,
}

/// Builds the research model of a resolved vault.
pub fn build_model(vault: &Vault, config: &Config) -> ResearchModel {
    build_model_with(vault, config, ModelScope::Full)
}

/// What the last model build read from each interview and plan note, kept by
/// `watch`: a note kept unparsed whose links go where they went, read in the
/// same context (every file keeping its type, the same people with their roles
/// and companies, the same companies and settings), reads the same, so it is
/// not read again — its reading is moved out of the last model (see
/// [`ModelMemo::keep`]), never copied, and its files moved to their new ids
/// when files were added or removed (see [`carry`]). The records of insights,
/// jobs, people and companies are moved out too while every note keeps its
/// type and none of those notes was read again.
#[derive(Debug, Default)]
pub struct ModelMemo {
    /// Fingerprint of the context of the reads.
    context: u64,
    /// The last build's interviews and plans in the order it read them: file,
    /// fingerprint of its links ([`UNKNOWN_FINGERPRINT`] after files moved,
    /// until they are resolved again), problems found.
    order: Vec<(FileId, u64, usize)>,
    /// The model those reads went into, once the caller is done with it.
    previous: Option<ResearchModel>,
    /// Each note's type from the last first pass.
    note_types: Option<NoteTypes>,
    /// The last model's company and person title indexes (the same while its
    /// records are reused).
    titles: Option<Titles>,
    /// How many models were patched from the last one (tests: shows that
    /// they were).
    #[cfg(test)]
    patched: usize,
    /// How many readings of interviews were carried over to moved files
    /// (tests).
    #[cfg(test)]
    carried: usize,
}

/// Each note's type (by note index; `None`: not a source, or untyped) as a
/// first pass worked it out, with what a type depends on besides its note:
/// the files and whether each is a source (a note index means the same note
/// only while they are the same) and the configuration (type folders,
/// property names).
#[derive(Debug)]
struct NoteTypes {
    files: Vec<(VaultPath, crate::scan::Exclusion)>,
    /// The walk that listed `files` (see [`crate::scan::Scan::walk`]).
    walk: Option<u64>,
    config: u64,
    types: Vec<Option<NoteType>>,
}

impl NoteTypes {
    /// Whether these types were worked out for `vault`'s files and `config`.
    fn hold_for(&self, vault: &Vault, config: u64) -> bool {
        self.config == config && self.types.len() == vault.notes.len() && self.files_hold_for(vault)
    }

    /// Whether `files` are `vault`'s paths and exclusions: listed by the same
    /// walk, or the same path by path.
    fn files_hold_for(&self, vault: &Vault) -> bool {
        self.files.len() == vault.files.len()
            && ((self.walk.is_some() && self.walk == vault.walk)
                || self
                    .files
                    .iter()
                    .zip(&vault.files)
                    .all(|((path, exclusion), file)| {
                        *path == file.path && *exclusion == file.exclusion
                    }))
    }
}

impl ModelMemo {
    /// How many models were patched from the last one (see `patch`).
    #[cfg(test)]
    pub(crate) fn patched(&self) -> usize {
        self.patched
    }

    /// How many readings of interviews were carried over to moved files
    /// (see [`carry`]).
    #[cfg(test)]
    pub(crate) fn carried(&self) -> usize {
        self.carried
    }

    /// Keeps `model` (the one the last [`build_model_reusing`] built) for the
    /// next build to take its readings from.
    pub fn keep(&mut self, model: ResearchModel) {
        self.previous = Some(model);
    }

    /// The last readings in the order they were read (file order), moved out
    /// of the kept model, that model's observations (which the readings of
    /// interviews point into), and its records.
    fn take_reads(&mut self) -> LastModel {
        let order = std::mem::take(&mut self.order);
        let Some(previous) = self.previous.take() else {
            return LastModel::default();
        };
        let id = previous.id;
        let mut interviews = previous.interviews.iter().enumerate();
        let mut plans = 0..previous.plans.len();
        let mut problems = previous.diagnostics.into_iter();
        let mut reads = Vec::with_capacity(order.len());
        for (file, fingerprint, found) in order {
            let found: Vec<Diagnostic> = problems.by_ref().take(found).collect();
            let read = match previous.types.get(file) {
                Some((NoteType::Interview, _)) => {
                    let Some((index, interview)) = interviews.next() else {
                        break;
                    };
                    Read::Kept(index, Some(interview.observations.clone()), found)
                }
                Some((NoteType::Plan, _)) => {
                    let Some(index) = plans.next() else {
                        break;
                    };
                    Read::Kept(index, None, found)
                }
                _ => break,
            };
            reads.push((file, fingerprint, read));
        }
        let records = Records {
            types: previous.types,
            insights: previous.insights,
            jobs: previous.jobs,
            people: previous.people,
            companies: previous.companies,
        };
        LastModel {
            id,
            reads,
            interviews: previous.interviews,
            plans: previous.plans,
            observations: previous.observations,
            records: Some(records),
        }
    }
}

/// What the next model takes from the last (see [`ModelMemo::take_reads`]).
#[derive(Debug, Default)]
struct LastModel {
    /// Its [`ResearchModel::id`].
    id: u64,
    /// Its readings of interviews and plans, in file order, each with the
    /// fingerprint of the note's links ([`Read::Kept`]: where it is in
    /// `interviews` or `plans`).
    reads: Vec<(FileId, u64, Read)>,
    /// Its interviews and plans, which a model of the same typed notes in the
    /// same context takes whole (each read again replaced in place).
    interviews: Vec<Interview>,
    plans: Vec<Plan>,
    /// Its observations, which the readings of interviews point into.
    observations: Vec<Observation>,
    /// Its records.
    records: Option<Records>,
}

/// What the first pass works out from the typed notes other than interviews
/// and plans: each typed note's type and index, insights and jobs with what
/// they read from their own properties, people with their roles and
/// companies, companies.
#[derive(Debug)]
struct Records {
    types: TypeIndex,
    insights: Vec<Insight>,
    jobs: Vec<Job>,
    people: Vec<Person>,
    companies: Vec<Company>,
}

/// [`build_model`], reusing and refreshing `memo`.
pub fn build_model_reusing(vault: &Vault, config: &Config, memo: &mut ModelMemo) -> ResearchModel {
    build_model_inner(vault, config, ModelScope::Full, Some(memo))
}

/// What a note's reading depends on besides the note itself, where its
/// links go and the types of the files they open (see [`carry`]): the
/// configuration, and the people (their roles and companies) and companies
/// by path (names written as text match their titles).
fn context_fingerprint(config: &Config, model: &ResearchModel) -> u64 {
    let mut state = RecordHasher::new();
    format!("{config:?}").hash(&mut state);
    for person in &model.people {
        (&person.note, &person.role, &person.company).hash(&mut state);
    }
    for company in &model.companies {
        company.note.hash(&mut state);
    }
    state.finish()
}

/// Where the note's links go. (Its text is the same when the vault kept the
/// note unparsed, see [`Vault::reparsed`].)
fn links_fingerprint(resolutions: &[Resolution]) -> u64 {
    hash_of(resolutions)
}

/// The fingerprint kept for a note whose links' ids moved (files were added
/// or removed) without being resolved again: no fingerprint of its links
/// (a hash, 0 once in 2^64) equals it, so once they are resolved again, the
/// note is read again.
const UNKNOWN_FINGERPRINT: u64 = 0;

/// Builds the model to the given scope.
pub fn build_model_with(vault: &Vault, config: &Config, scope: ModelScope) -> ResearchModel {
    build_model_inner(vault, config, scope, None)
}

fn build_model_inner(
    vault: &Vault,
    config: &Config,
    scope: ModelScope,
    mut memo: Option<&mut ModelMemo>,
) -> ResearchModel {
    // What the memo keeps (types, readings) is written in one full
    // build, and read together by the next.
    debug_assert!(
        memo.is_none() || scope == ModelScope::Full,
        "a model memo is kept by full models only"
    );
    if let Some(memo) = memo.as_deref_mut()
        && scope == ModelScope::Full
        && let Some(model) = patch::patched(vault, config, memo)
    {
        #[cfg(debug_assertions)]
        patch::assert_same(&model, &build_model(vault, config));
        #[cfg(test)]
        {
            memo.patched += 1;
        }
        return model;
    }
    let mut model = ResearchModel {
        id: next_model_id(),
        ..ResearchModel::default()
    };
    // First pass: every typed note, so links can be checked against types.
    // Under `watch`, a note not read again keeps the type it had.
    let config_hash = memo.as_ref().map(|_| hash_of(format!("{config:?}")));
    let last_note_types = memo.as_deref_mut().and_then(|memo| memo.note_types.take());
    let types_hold = last_note_types
        .as_ref()
        .zip(config_hash)
        .is_some_and(|(types, config)| types.hold_for(vault, config));
    // The last list of files, when it is still the vault's (not copied
    // again); else how its files moved, for readings to be carried over
    // (see [`carry`]).
    let (last_types, mut last_files, moves, files_known) = match last_note_types {
        Some(types) => {
            let files_hold = types_hold || types.files_hold_for(vault);
            let moves = (!files_hold)
                .then(|| {
                    let last = types.files.iter().map(|(path, left_out)| (path, *left_out));
                    FileMoves::between(last, &vault.files)
                })
                .flatten();
            // Files that are neither the same nor moved (one is left out
            // differently now): no reading is kept.
            let files_known = files_hold || moves.is_some();
            (
                types_hold.then_some(types.types),
                files_hold.then_some(types.files),
                moves,
                files_known,
            )
        }
        // No memo (or none yet): nothing to keep.
        None => (None, None, None, true),
    };
    let typed: Vec<(FileId, NoteType, usize)> = vault
        .notes
        .par_iter()
        .enumerate()
        .filter_map(|(index, note)| {
            let file = vault.file_id_of_note(index);
            if !vault.files[file as usize].is_source() {
                return None;
            }
            let kept = last_types
                .as_ref()
                .filter(|_| !vault.reparsed(file) && !vault.resolved_afresh(file))
                .map(|types| types[index]);
            let kind = kept.unwrap_or_else(|| type_of_note(vault, config, index, note));
            kind.map(|kind| (file, kind, index))
        })
        .collect();
    let mut records_hold = false;
    if let (Some(memo), Some(config)) = (memo.as_deref_mut(), config_hash) {
        let mut types = vec![None; vault.notes.len()];
        for &(_, kind, index) in &typed {
            types[index] = Some(kind);
        }
        records_hold = last_types
            .as_ref()
            .is_some_and(|last| records_hold_for(vault, last, &types));
        memo.note_types = Some(NoteTypes {
            files: last_files.take().unwrap_or_else(|| {
                vault
                    .files
                    .iter()
                    .map(|file| (file.path.clone(), file.exclusion))
                    .collect()
            }),
            walk: vault.walk,
            config,
            types,
        });
    }
    // The last model's readings and records (a memo is only for full models).
    if scope != ModelScope::Full {
        memo = None;
    }
    let LastModel {
        id: last_id,
        reads: last_reads,
        interviews: last_interviews,
        plans: last_plans,
        observations: last_observations,
        records: last_records,
    } = memo
        .as_deref_mut()
        .map(ModelMemo::take_reads)
        .unwrap_or_default();
    // Each typed note's record: the last model's while they hold.
    let records_reused = records_hold && last_records.is_some();
    let mut last_type_index = None;
    match last_records {
        Some(records) if records_hold => {
            model.types = records.types;
            model.insights = records.insights;
            model.jobs = records.jobs;
            model.people = records.people;
            model.companies = records.companies;
            // Interviews and plans below: the last ones, or placeholders.
        }
        other => {
            last_type_index = other.map(|records| records.types);
            work_out_records(vault, config, &typed, &mut model);
        }
    }
    // Readings hold only while every file keeps its type (a link's target
    // may be checked for one).
    let types_kept = records_reused
        || (files_known
            && (last_type_index.as_ref())
                .is_some_and(|last| carry::types_kept(last, &model.types, moves.as_ref())));
    let kept_titles = memo.as_deref_mut().and_then(|memo| memo.titles.take());
    let titles = match kept_titles.filter(|_| records_reused) {
        Some(titles) => titles,
        None => Titles {
            people: title_index(&model, NoteType::Person),
            companies: title_index(&model, NoteType::Company),
        },
    };
    // How the last model's interviews moved, for what is kept by their
    // indices (see [`ModelMoves`]).
    let moved_interviews: Option<Vec<Option<usize>>> = moves.as_ref().map(|moves| {
        (last_interviews.iter())
            .map(|interview| {
                let file = moves.get(interview.note.file)?;
                model.index_of(file, NoteType::Interview)
            })
            .collect()
    });
    // The readings are only valid in the same context.
    let context = memo.as_ref().map(|_| context_fingerprint(config, &model));
    // The last readings, in the order of `typed` (moved out of the last model):
    // both lists are in file order.
    let mut last: Vec<Option<(u64, Read)>> = Vec::new();
    let mut kept_observations: Vec<Observation> = Vec::new();
    let mut kept_in_place = false;
    if let Some(memo) = memo.as_deref_mut()
        && Some(memo.context) == context
        && types_kept
    {
        // Each at its file's id now.
        let mut reads = (last_reads.into_iter())
            .filter_map(|(file, fingerprint, read)| match &moves {
                Some(moves) => moves.get(file).map(|now| (now, fingerprint, read)),
                None => Some((file, fingerprint, read)),
            })
            .peekable();
        last = typed
            .iter()
            .map(|&(file, _, _)| {
                while reads.next_if(|(read, _, _)| *read < file).is_some() {}
                reads
                    .next_if(|(read, _, _)| *read == file)
                    .map(|(_, fingerprint, read)| (fingerprint, read))
            })
            .collect();
        kept_observations = last_observations;
        // The same typed notes: the last interviews and plans stay where they
        // are (as placeholders would), each read again replaced below.
        let count = |wanted| typed.iter().filter(|(_, kind, _)| *kind == wanted).count();
        if moves.is_none()
            && last_interviews.len() == count(NoteType::Interview)
            && last_plans.len() == count(NoteType::Plan)
        {
            model.interviews = last_interviews;
            model.plans = last_plans;
            kept_in_place = true;
        } else if let Some(moves) = &moves {
            // Files added or removed: each kept reading is moved out of the
            // last model into its place in this one (swapped with its
            // placeholder: boxing and copying 80,000 interviews took 40–50 ms
            // at 100,000 notes), its files moved, and kept there; a reading
            // that turns out not to hold is replaced below.
            let mut interviews = last_interviews;
            let mut plans = last_plans;
            for (entry, &(file, kind, _)) in last.iter_mut().zip(&typed) {
                *entry = entry.take().and_then(|(fingerprint, read)| {
                    let index = model.index_of(file, kind)?;
                    let read = match read {
                        Read::Kept(last, Some(observations), problems) => {
                            let interview = interviews.get_mut(last)?;
                            interview.move_files(moves)?;
                            std::mem::swap(&mut model.interviews[index], interview);
                            Read::Kept(index, Some(observations), problems)
                        }
                        Read::Kept(last, None, problems) => {
                            let plan = plans.get_mut(last)?;
                            plan.move_files(moves)?;
                            std::mem::swap(&mut model.plans[index], plan);
                            Read::Kept(index, None, problems)
                        }
                        Read::Interview(..) | Read::Plan(..) => return None,
                    };
                    Some((fingerprint, read))
                });
            }
            crate::pipeline::drop_in_background((interviews, plans));
        } else {
            last.clear();
        }
    }
    if records_reused && !kept_in_place {
        add_placeholders(vault, &typed, &mut model);
    }
    // Interviews read again replace the last model's in place: what they were
    // is what changed.
    let mut changes = (records_reused && kept_in_place).then(|| ModelChanges {
        from: last_id,
        interviews: Vec::new(),
        plans: Vec::new(),
    });
    last.resize_with(typed.len(), || None);
    // Interviews and plans read only what is indexed above: in parallel, then
    // stored in note order (so observations keep a stable order).
    let reading = Reading {
        vault,
        config,
        model: &model,
        titles: &titles,
        scope,
        hashed: context.is_some(),
    };
    let mut read: Vec<(FileId, Option<u64>, Read)> = typed
        .par_iter()
        .zip(last.into_par_iter())
        .filter_map(|(&(file, kind, note_index), last)| {
            // Only interviews and plans are read here: for the other notes
            // there is nothing to fingerprint or keep.
            if !matches!(kind, NoteType::Interview | NoteType::Plan) {
                return None;
            }
            let resolutions = vault.resolutions(note_index);
            let index = model.index_of(file, kind)?;
            // Links kept from the last resolution go where they went. (With
            // files moved, a fingerprint of ids is not one of the same files:
            // the links resolved again are read again, and the others'
            // fingerprints are unknown until their links are resolved again;
            // hashing every note's links took 60 ms of work at 100,000 notes.)
            let moved = moves.is_some();
            let fingerprint = context.map(|_| match &last {
                Some((known, _)) if !vault.resolved_afresh(file) => match moved {
                    false => *known,
                    true => UNKNOWN_FINGERPRINT,
                },
                _ => links_fingerprint(resolutions),
            });
            let holds = |known: u64| match moved {
                true => !vault.resolved_afresh(file),
                false => Some(known) == fingerprint,
            };
            if let Some((_, read)) =
                last.filter(|(known, _)| holds(*known) && !vault.reparsed(file))
            {
                return Some((file, fingerprint, read));
            }
            reading
                .read(kind, index, note_index)
                .map(|read| (file, fingerprint, read))
        })
        .collect();
    // Each interview and plan kept in place is read or kept: none is left with
    // a range into the last model's observations.
    debug_assert!(
        !kept_in_place || read.len() == model.interviews.len() + model.plans.len(),
        "every interview and plan kept in place has a reading"
    );
    if let (Some(memo), Some(context)) = (memo, context) {
        #[cfg(test)]
        {
            memo.carried += (read.iter())
                .filter(|(_, _, read)| match read {
                    Read::Interview(_, _, own, _) => matches!(own, Own::Kept(_)),
                    Read::Kept(_, observations, _) => moves.is_some() && observations.is_some(),
                    Read::Plan(..) => false,
                })
                .count();
        }
        memo.titles = Some(titles);
        memo.context = context;
        memo.order = read
            .iter()
            .map(|(file, fingerprint, read)| {
                let problems = match read {
                    Read::Interview(_, _, _, problems)
                    | Read::Plan(_, _, problems)
                    | Read::Kept(_, _, problems) => problems.len(),
                };
                (*file, fingerprint.unwrap_or_default(), problems)
            })
            .collect();
    }
    // Every interview's observations in one list, in file order. (An
    // interview carried over to moved files keeps its observations, which
    // are moved below.)
    let mut carried = Vec::new();
    let owns: Vec<Own> = read
        .iter_mut()
        .filter_map(|(_, _, read)| match read {
            Read::Interview(index, _, own, _) => {
                if matches!(own, Own::Kept(_)) {
                    carried.push(*index);
                }
                Some(std::mem::replace(own, Own::Kept(0..0)))
            }
            Read::Kept(index, Some(observations), _) => {
                // Kept in place, or carried over to moved files (above).
                if moves.is_some() {
                    carried.push(*index);
                }
                Some(Own::Kept(observations.clone()))
            }
            Read::Plan(..) | Read::Kept(_, None, _) => None,
        })
        .collect();
    let (observations, ranges) = gather::lay_out(kept_observations, owns);
    model.observations = observations;
    let mut ranges = ranges.into_iter();
    for (_, _, read) in read {
        match read {
            Read::Interview(index, mut interview, _, problems) => {
                model.diagnostics.extend(problems);
                interview.observations = ranges.next().unwrap_or_default();
                let last = std::mem::replace(&mut model.interviews[index], *interview);
                if let Some(changes) = changes.as_mut() {
                    changes.interviews.push(ChangedInterview::of(index, last));
                }
            }
            Read::Plan(index, plan, problems) => {
                model.diagnostics.extend(problems);
                model.plans[index] = *plan;
                if let Some(changes) = changes.as_mut() {
                    changes.plans.push(index);
                }
            }
            Read::Kept(index, observations, problems) => {
                model.diagnostics.extend(problems);
                if observations.is_some() {
                    model.interviews[index].observations = ranges.next().unwrap_or_default();
                }
            }
        }
    }
    if let Some(moves) = &moves {
        for index in carried {
            let range = model.interviews[index].observations.clone();
            for observation in &mut model.observations[range] {
                observation.move_files(index, moves);
            }
        }
    }
    // Read in file order, which is the interviews' order.
    debug_assert!(
        changes
            .as_ref()
            .is_none_or(|changes| { changes.interviews.is_sorted_by(|a, b| a.index < b.index) })
    );
    model.changes = changes;
    model.moved = (moves.clone().zip(moved_interviews))
        .filter(|_| last_id != 0)
        .map(|(files, interviews)| ModelMoves {
            from: last_id,
            files,
            interviews,
        });
    model.followed_by = followed_by(&model);
    // Last in the list: the readings' problems before them are what a model
    // memo takes back from the front (`ModelMemo::take_reads`).
    let status_problems = schema::status_problems(vault, config, &model.insights);
    model.diagnostics.extend(status_problems);
    // Readings carried over to moved files read as they would now.
    #[cfg(debug_assertions)]
    if moves.is_some() || !files_known {
        patch::assert_same(&model, &build_model(vault, config));
    }
    model
}

/// The type of source note `note` (the vault's note `index`), read from it.
fn type_of_note(
    vault: &Vault,
    config: &Config,
    index: usize,
    note: &crate::parse::Note,
) -> Option<NoteType> {
    let path = &vault.file_of_note(index).path;
    schema::note_type(note, vault.resolutions(index), config, path)
}

/// For each interview of `model`, the interviews that follow it up directly.
fn followed_by(model: &ResearchModel) -> Vec<Vec<usize>> {
    let mut followed_by = vec![Vec::new(); model.interviews.len()];
    for (index, interview) in model.interviews.iter().enumerate() {
        if let Some(earlier) = interview
            .follow_up_of
            .and_then(|file| model.types.get(file))
            .map(|(_, earlier)| earlier)
        {
            followed_by[earlier].push(index);
        }
    }
    followed_by
}

/// What reading an interview or plan note takes besides the note.
struct Reading<'r> {
    vault: &'r Vault,
    config: &'r Config,
    /// The model being built (its records and placeholders).
    model: &'r ResearchModel,
    /// People's and companies' titles.
    titles: &'r Titles,
    scope: ModelScope,
    /// Whether to work out its record hashes (`watch`).
    hashed: bool,
}

impl Reading<'_> {
    /// Reads the note `note_index`, the `index`-th of its type `kind` (an
    /// interview or a plan; `None` for any other type).
    fn read(&self, kind: NoteType, index: usize, note_index: usize) -> Option<Read> {
        let (vault, config, model) = (self.vault, self.config, self.model);
        let note = &vault.notes[note_index];
        let resolutions = vault.resolutions(note_index);
        Some(match kind {
            NoteType::Interview => {
                let (interview, problems) = interview::read_interview(
                    model.interviews[index].note.clone(),
                    note,
                    resolutions,
                    vault,
                    config,
                    model,
                    &self.titles.people,
                    &self.titles.companies,
                );
                let mut interview = Box::new(interview);
                // What plans' questions and observations need, not schema
                // problems: both read the whole note.
                let observations = match self.scope {
                    ModelScope::Full => {
                        interview.answered_headings = interview::answered_headings(note);
                        let observations =
                            observation::observations(index, note, resolutions, config, model);
                        interview.links = ObservationLinks::of(&observations);
                        observations
                    }
                    // Its problems are all `check` wants: what it read
                    // goes now, its memory reused by the next reading.
                    ModelScope::Schema => {
                        interview.participants = Vec::new();
                        interview.jobs = Vec::new();
                        Vec::new()
                    }
                };
                // Kept readings keep their hashes: worked out once per reading.
                if self.hashed {
                    let files = &vault.files;
                    interview.record_hash = Some(hashes::interview_hash(&interview, files));
                    interview.observation_hashes = observations
                        .iter()
                        .map(|observation| hashes::observation_hash(observation, files))
                        .collect();
                }
                Read::Interview(index, interview, Own::Read(observations), problems)
            }
            NoteType::Plan => {
                let (plan, problems) = plan::read_plan(
                    model.plans[index].note.clone(),
                    note,
                    resolutions,
                    vault,
                    config,
                    model,
                );
                Read::Plan(index, Box::new(plan), problems)
            }
            _ => return None,
        })
    }
}

/// Interviews and plans as placeholders to be read, into `model`.
fn add_placeholders(vault: &Vault, typed: &[(FileId, NoteType, usize)], model: &mut ResearchModel) {
    // Each list in one allocation (see `work_out_records`).
    let count = |wanted| typed.iter().filter(|(_, kind, _)| *kind == wanted).count();
    model.interviews.reserve_exact(count(NoteType::Interview));
    model.plans.reserve_exact(count(NoteType::Plan));
    for &(file, kind, note_index) in typed {
        match kind {
            NoteType::Interview => model
                .interviews
                .push(Interview::placeholder(note_ref(vault, file, note_index))),
            NoteType::Plan => model
                .plans
                .push(Plan::placeholder(note_ref(vault, file, note_index))),
            _ => {}
        }
    }
}

/// The first pass's records of the typed notes (see [`Records`]), with
/// interviews and plans as placeholders to be read, into `model`.
fn work_out_records(
    vault: &Vault,
    config: &Config,
    typed: &[(FileId, NoteType, usize)],
    model: &mut ResearchModel,
) {
    // Each typed note's record (its reference, and what insights and jobs
    // read from their own properties), worked out in parallel; then numbered
    // in file order.
    let records: Vec<TypedRecord> = typed
        .par_iter()
        .map(|&(file, kind, note_index)| {
            let note = &vault.notes[note_index];
            let reference = note_ref(vault, file, note_index);
            let reader = PropertyReader::new(note, vault.resolutions(note_index), config);
            match kind {
                NoteType::Interview => TypedRecord::Interview(reference),
                NoteType::Plan => TypedRecord::Plan(reference),
                NoteType::Insight => TypedRecord::Insight(Insight {
                    note: reference,
                    // Several values are shown together (and warned about,
                    // `schema::status_problems`), not taken for `open`.
                    status: match reader.single("status") {
                        Ok(Some(item)) => item.text.to_lowercase(),
                        Ok(None) => "open".to_owned(),
                        Err(_) => {
                            let items = reader.items("status");
                            let texts: Vec<&str> =
                                items.iter().map(|item| item.text.as_ref()).collect();
                            texts.join(", ").to_lowercase()
                        }
                    },
                }),
                NoteType::Job => TypedRecord::Job(Job {
                    note: reference,
                    statement: reader
                        .single("statement")
                        .ok()
                        .flatten()
                        .map(|item| item.text.into_owned()),
                    framework: reader
                        .single("framework")
                        .ok()
                        .flatten()
                        .and_then(|item| item.target),
                }),
                NoteType::Person => TypedRecord::Person(reference),
                NoteType::Company => TypedRecord::Company(reference),
            }
        })
        .collect();
    // Each list in one allocation: grown by doubling, the interviews' list
    // was copied and faulted into fresh memory again and again.
    let count = |wanted: NoteType| typed.iter().filter(|(_, kind, _)| *kind == wanted).count();
    model.types = TypeIndex::new(vault.files.len());
    model.interviews.reserve_exact(count(NoteType::Interview));
    model.plans.reserve_exact(count(NoteType::Plan));
    model.insights.reserve_exact(count(NoteType::Insight));
    model.jobs.reserve_exact(count(NoteType::Job));
    model.people.reserve_exact(count(NoteType::Person));
    model.companies.reserve_exact(count(NoteType::Company));
    for (&(file, kind, _), record) in typed.iter().zip(records) {
        let count = match kind {
            NoteType::Interview => model.interviews.len(),
            NoteType::Plan => model.plans.len(),
            NoteType::Insight => model.insights.len(),
            NoteType::Job => model.jobs.len(),
            NoteType::Person => model.people.len(),
            NoteType::Company => model.companies.len(),
        };
        model.types.insert(file, kind, count);
        match record {
            TypedRecord::Interview(note) => model.interviews.push(Interview::placeholder(note)),
            TypedRecord::Plan(note) => model.plans.push(Plan::placeholder(note)),
            TypedRecord::Insight(insight) => model.insights.push(insight),
            TypedRecord::Job(job) => model.jobs.push(job),
            TypedRecord::Person(note) => model.people.push(Person {
                note,
                role: None,
                company: None,
            }),
            TypedRecord::Company(note) => model.companies.push(Company { note }),
        }
    }
    // People's role and company (companies may be named by text matching a
    // company note's title), in parallel.
    let company_titles = title_index(model, NoteType::Company);
    let people: Vec<(FileId, Option<Entity>, Option<Entity>)> = typed
        .par_iter()
        .filter(|(_, kind, _)| *kind == NoteType::Person)
        .map(|&(file, _, note_index)| {
            let reader = PropertyReader::new(
                &vault.notes[note_index],
                vault.resolutions(note_index),
                config,
            );
            let role = reader
                .single("role")
                .ok()
                .flatten()
                .map(|item| role_entity(&item, vault));
            let company = reader
                .single("company")
                .ok()
                .flatten()
                .map(|item| entity(&item, vault, &company_titles));
            (file, role, company)
        })
        .collect();
    for (file, role, company) in people {
        let index = model
            .index_of(file, NoteType::Person)
            .expect("indexed just above");
        model.people[index].role = role;
        model.people[index].company = company;
    }
}

/// Whether the last model's records (see [`Records`]) hold for `vault`: each
/// note has the type it had (`last`, `now`: each note's type), and none with
/// a record of its own (an insight, job, person or company) was read or
/// resolved again. (The files and the configuration are the last model's:
/// the types were kept.)
fn records_hold_for(vault: &Vault, last: &[Option<NoteType>], now: &[Option<NoteType>]) -> bool {
    last == now
        && now.iter().enumerate().all(|(index, kind)| {
            let file = vault.file_id_of_note(index);
            let read_again = vault.reparsed(file) || vault.resolved_afresh(file);
            !read_again || matches!(kind, None | Some(NoteType::Interview | NoteType::Plan))
        })
}

/// A typed note's reference.
fn note_ref(vault: &Vault, file: FileId, note_index: usize) -> NoteRef {
    let note = &vault.notes[note_index];
    NoteRef {
        file,
        path: note.path.clone(),
    }
}

/// A typed note's record as the first pass makes it: insights and jobs
/// complete, interviews, plans and people to be read (their references only).
enum TypedRecord {
    Interview(NoteRef),
    Plan(NoteRef),
    Insight(Insight),
    Job(Job),
    Person(NoteRef),
    Company(NoteRef),
}

/// An interview or plan read from its note, with the problems found.
#[derive(Debug)]
enum Read {
    Interview(usize, Box<Interview>, Own, Vec<Diagnostic>),
    Plan(usize, Box<Plan>, Vec<Diagnostic>),
    /// The last model's interview (with its observations' range in the last
    /// model's list) or plan (`None`) at this index, kept where it is.
    Kept(usize, Option<std::ops::Range<usize>>, Vec<Diagnostic>),
}

/// An interview's observations: read now, or kept from the last model (their
/// range in its observations).
#[derive(Debug)]
enum Own {
    Read(Vec<Observation>),
    Kept(std::ops::Range<usize>),
}

/// Lower-cased title → file, for one type (to match names written as text).
type TitleIndex = HashMap<String, FileId>;

/// The [`TitleIndex`] of the notes of type `kind`.
fn title_index(model: &ResearchModel, kind: NoteType) -> TitleIndex {
    let notes: Vec<&NoteRef> = match kind {
        NoteType::Person => model.people.iter().map(|p| &p.note).collect(),
        NoteType::Company => model.companies.iter().map(|c| &c.note).collect(),
        _ => Vec::new(),
    };
    notes
        .into_iter()
        .map(|note| (note.title().to_lowercase(), note.file))
        .collect()
}

/// A person or company mention: its note when the link resolves or the text
/// matches a note's title, else the text.
pub(crate) fn entity(
    item: &PropertyItem,
    vault: &Vault,
    titles: &HashMap<String, FileId>,
) -> Entity {
    let file = item
        .target
        .or_else(|| titles.get(&item.text.trim().to_lowercase()).copied());
    match file {
        Some(file) => {
            let path = &vault.files[file as usize].path;
            Entity {
                key: format!("note:{}", path.as_str().to_lowercase()),
                name: path.stem().to_owned(),
                file: Some(file),
                path: Some(path.clone()),
            }
        }
        None => Entity::text(&item.text),
    }
}

/// A role: compared by its name, case-insensitively, whether written as text or
/// as a link to a role note.
pub(crate) fn role_entity(item: &PropertyItem, vault: &Vault) -> Entity {
    let mut role = Entity::text(&item.text);
    role.file = item.target;
    role.path = item
        .target
        .map(|file| vault.files[file as usize].path.clone());
    role
}

#[cfg(test)]
mod tests;
