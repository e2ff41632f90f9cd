//! Per insight: its evidence, who backs it, how strongly, and what to validate.
//!
//! Counting rules (product.md §2): an observation counts once per insight however
//! often it links it; one tagged `#contradicts` is counter-evidence only; a
//! participant is their person note, else their name; companies and roles
//! likewise; in a group interview every participant counts.

use std::collections::{BTreeMap, BTreeSet};

use foldhash::{HashSet, HashSetExt};
use std::hash::{Hash, Hasher};

use rayon::prelude::*;

use jiff::civil::Date;

use super::memo::{Fingerprints, KeptFollowUps, SummaryMemo, kept_or_worked_out, take_kept};
use super::strength::Strength;
use super::validation::FollowUpIndex;
use crate::config::Thresholds;
use crate::model::{
    Entity, Interview, ObservationKind, RecordHasher, RecordHashes, ResearchModel, hash_of,
};
use crate::resolve::FileId;

/// The evidence of one insight.
#[derive(Debug, Clone)]
pub struct InsightSummary {
    /// Index into the model's insights.
    pub insight: usize,
    /// Supporting observations, oldest first.
    pub evidence: Vec<usize>,
    /// Observations tagged `#contradicts` that link it.
    pub counter_evidence: Vec<usize>,
    /// Distinct participants behind the supporting evidence.
    pub participants: Vec<Entity>,
    /// Distinct companies.
    pub companies: Vec<Entity>,
    /// Distinct roles.
    pub roles: Vec<Entity>,
    /// Date of the earliest supporting interview.
    pub first_seen: Option<Date>,
    /// Date of the latest supporting interview.
    pub last_seen: Option<Date>,
    /// How strongly it is backed.
    pub strength: Strength,
    /// Evidence per role (observations and participants), roles by name; a
    /// missing role is `None`, last.
    pub by_role: Vec<RoleEvidence>,
    /// Evidence comes from more than one role.
    pub mixed_roles: bool,
    /// All supporting evidence is surprises.
    pub only_surprises: bool,
    /// Not yet a pattern, or contradicted, or backed only by surprises.
    pub needs_validation: bool,
    /// Participants worth asking in a follow-up.
    pub follow_ups: Vec<FollowUp>,
    /// More participants who raised its jobs, not listed.
    pub more_follow_ups: usize,
    /// Job notes its evidence links.
    pub jobs: Vec<FileId>,
}

/// Evidence from one role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleEvidence {
    /// The role (`None`: participants without a role).
    pub role: Option<Entity>,
    /// Observations from participants in this role.
    pub observations: usize,
    /// Distinct participants in this role.
    pub participants: usize,
}

/// A participant to ask again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUp {
    /// Who.
    pub person: Entity,
    /// The latest interview in which they raised the insight or its jobs.
    pub interview: usize,
    /// Whether they raised the insight itself (not only one of its jobs).
    pub raised_insight: bool,
}

/// The hash of what a row of the overview pages shows of `summary` (see
/// `render::view::InsightRow`; its reasons are worked out from these fields
/// and the thresholds): not which observations back it.
pub(crate) fn row_hash(summary: &InsightSummary) -> u64 {
    hash_of((
        (summary.strength, summary.evidence.len()),
        (summary.counter_evidence.len(), summary.participants.len()),
        (summary.companies.len(), &summary.roles),
        (summary.first_seen, summary.last_seen),
        (summary.needs_validation, summary.only_surprises),
    ))
}

/// Each interview's place in (date, path) order, which observations sort by.
/// Files are numbered in path order (see [`crate::scan::Scan::files`]), so
/// sorting by (date, file) gives it without reading a path.
pub(crate) fn interview_ranks(model: &ResearchModel) -> Vec<u32> {
    interview_ranks_reusing(model, None)
}

/// The (date, file) of each interview, in the model's order, with the ranks
/// worked out from them and the [`ResearchModel::id`] of the model they are
/// of: `watch` keeps them, and a save that changes no interview's date
/// (nearly every one) keeps the ranks.
#[derive(Debug)]
pub(crate) struct KeptRanks {
    model: u64,
    keys: Vec<(Option<Date>, FileId)>,
    ranks: Vec<u32>,
}

/// [`interview_ranks`], taken from `kept` when every interview's date and
/// file are those it was worked out for; `kept` then holds this model's.
/// When the model was patched from the one `kept` is of
/// ([`ResearchModel::changes`]: the same interviews in the same places, those
/// read again listed), only the interviews read again are looked at: at
/// 100,000 notes, reading every interview's date and file took about a
/// millisecond of every update.
pub(crate) fn interview_ranks_reusing(
    model: &ResearchModel,
    mut kept: Option<&mut Option<KeptRanks>>,
) -> Vec<u32> {
    // Whether a date changed: the kept keys are then patched to this model's,
    // and the full comparison below must not take the kept ranks for them.
    let mut moved = false;
    if let (Some(Some(known)), Some(changes)) = (kept.as_deref_mut(), &model.changes)
        && known.model == changes.from
        && known.keys.len() == model.interviews.len()
    {
        let mut dates_kept = true;
        for changed in &changes.interviews {
            let (Some(interview), Some(known_key)) = (
                model.interviews.get(changed.index),
                known.keys.get_mut(changed.index),
            ) else {
                dates_kept = false;
                break;
            };
            let key = (interview.date, interview.note.file);
            dates_kept &= *known_key == key;
            *known_key = key;
        }
        known.model = model.id;
        if dates_kept {
            debug_assert!(
                known.keys.iter().copied().eq(model
                    .interviews
                    .iter()
                    .map(|interview| (interview.date, interview.note.file))),
                "an interview read again is the only one whose key may change"
            );
            return known.ranks.clone();
        }
        moved = true;
    }
    let keys: Vec<(Option<Date>, FileId)> = model
        .interviews
        .iter()
        .map(|interview| (interview.date, interview.note.file))
        .collect();
    if let Some(Some(known)) = kept.as_deref()
        && !moved
        && known.keys == keys
    {
        let ranks = known.ranks.clone();
        if let Some(Some(known)) = kept.as_deref_mut() {
            known.model = model.id;
        }
        return ranks;
    }
    let mut order: Vec<(Option<Date>, FileId, u32)> = (0u32..)
        .zip(&keys)
        .map(|(index, &(date, file))| (date, file, index))
        .collect();
    // Each file has one interview: no two keys are equal.
    order.par_sort_unstable();
    let mut ranks = vec![0; order.len()];
    for (rank, (_, _, interview)) in (0u32..).zip(order) {
        ranks[interview as usize] = rank;
    }
    if let Some(kept) = kept {
        *kept = Some(KeptRanks {
            model: model.id,
            keys,
            ranks: ranks.clone(),
        });
    }
    ranks
}

/// The interviews in (date, path) order, from their ranks ([`interview_ranks`]).
pub(crate) fn interviews_by_rank(ranks: &[u32]) -> Vec<usize> {
    let mut by_rank = vec![0; ranks.len()];
    for (interview, &rank) in ranks.iter().enumerate() {
        by_rank[rank as usize] = interview;
    }
    by_rank
}

/// The strength `evidence` (supporting observations) gives counting only
/// interviews dated before `before` (all when `None`): what the digest compares.
/// Evidence from an undated interview counts on every side of every date: when
/// it happened is unknown, so it never makes a strength change.
pub fn strength_dated_before(
    model: &ResearchModel,
    thresholds: &Thresholds,
    evidence: &[usize],
    before: Option<Date>,
) -> Strength {
    let mut people: HashSet<&str> = HashSet::new();
    let mut companies: HashSet<&str> = HashSet::new();
    for &observation in evidence {
        let interview = &model.interviews[model.observations[observation].interview];
        if let Some(before) = before
            && interview.date.is_some_and(|date| date >= before)
        {
            continue;
        }
        for participant in &interview.participants {
            people.insert(&participant.person.key);
            if let Some(company) = &participant.company {
                companies.insert(&company.key);
            }
        }
    }
    Strength::of(people.len(), companies.len(), thresholds)
}

/// Summarises every insight, with the follow-up suggestions of those that
/// need validating.
pub fn summarize_insights(model: &ResearchModel, thresholds: &Thresholds) -> Vec<InsightSummary> {
    let ranks = interview_ranks(model);
    summarize_insights_reusing(model, thresholds, ranks, None).summaries
}

/// What [`summarize_insights_reusing`] works out.
pub(crate) struct Summarized {
    /// One summary per insight.
    pub summaries: Vec<InsightSummary>,
    /// Their fingerprints (empty without a memo to reuse).
    pub fingerprints: Vec<Fingerprints>,
    /// Each job's observations in evidence order, gathered from the
    /// interviews' links beside the insights' (for
    /// [`super::job_map::summarize_jobs`]).
    pub job_evidence: Vec<Vec<usize>>,
    /// What the patch changed, when the lists were patched from the last
    /// update's (see `regroup`).
    pub patched: Option<Patched>,
}

/// What a patch of the last update's lists changed beyond moving indices.
pub(crate) struct Patched {
    /// Per job, whether its evidence changed.
    pub jobs: Vec<bool>,
    /// The insights whose evidence changed, each with the job notes that
    /// evidence linked before.
    pub jobs_before: Vec<(usize, Vec<FileId>)>,
}

/// [`summarize_insights`], reusing the summaries of `reuse`'s memo whose
/// fingerprints (from `reuse`'s record hashes of `model`) are unchanged. Returns
/// the fingerprints too (empty without `reuse`), and each job's evidence.
/// `ranks` are [`interview_ranks`].
pub(crate) fn summarize_insights_reusing(
    model: &ResearchModel,
    thresholds: &Thresholds,
    ranks: Vec<u32>,
    reuse: Option<(&RecordHashes, &mut SummaryMemo)>,
) -> Summarized {
    let (hashes, mut memo) = match reuse {
        Some((hashes, memo)) => (Some(hashes), Some(memo)),
        None => (None, None),
    };
    let kept_index = memo
        .as_deref_mut()
        .and_then(|memo| memo.follow_up_index.take());
    // Under `watch`, the last update's lists patched (see `regroup`), when
    // they are this model's but for what changed.
    let last_lists = match (hashes, memo.as_deref_mut()) {
        (Some(_), Some(memo)) => super::regroup::take_last(model, memo, &ranks),
        _ => None,
    };
    #[cfg(test)]
    if let (Some(memo), Some(_)) = (memo.as_deref_mut(), &last_lists) {
        memo.patched += 1;
    }
    let sizes = memo.as_deref_mut().map(|memo| &mut memo.list_sizes);
    // Gathering reads the interviews in rank order (patching, only debug
    // builds, to check it).
    let by_rank = match last_lists.is_none() || cfg!(debug_assertions) {
        true => interviews_by_rank(&ranks),
        false => Vec::new(),
    };
    let patch_ranks = last_lists.as_ref().map(|_| ranks.clone());

    // The index and the grouping of observations by insight are independent:
    // their serial parts overlap.
    let ((inputs, index, index_kept), (grouped, touched)) = rayon::join(
        || match hashes {
            Some(hashes) => {
                let (inputs, index, kept) =
                    FollowUpIndex::reusing(model, hashes, ranks, kept_index);
                (Some(inputs), index, kept)
            }
            None => (None, FollowUpIndex::with_ranks(model, ranks), false),
        },
        || match (last_lists, &model.changes, patch_ranks) {
            (Some(last), Some(changes), Some(ranks)) => {
                let (grouped, touched) = super::regroup::patch(model, changes, &ranks, last);
                debug_assert_eq!(grouped, group_evidence(model, &by_rank, None));
                (grouped, Some(touched))
            }
            _ => (group_evidence(model, &by_rank, sizes), None),
        },
    );
    let Grouped {
        supporting,
        against,
        by_job: job_evidence,
    } = grouped;
    let kept = take_kept(
        memo.as_deref_mut().map(|memo| &mut memo.insights),
        model.insights.iter().map(|insight| insight.note.file),
    );
    // The jobs the insights a patch touched linked before (the others link
    // the same).
    let jobs_before = touched.as_ref().map(|touched| {
        (touched.insights.iter().zip(&kept).enumerate())
            .filter(|(_, (touched, _))| **touched)
            .filter_map(|(insight, (_, kept))| {
                kept.as_ref()
                    .map(|kept| (insight, kept.summary.jobs.clone()))
            })
            .collect()
    });
    let thresholds_hash = hash_of((
        thresholds.pattern_min_participants,
        thresholds.pattern_min_companies,
    ));
    type Lists = (
        Vec<InsightSummary>,
        (Vec<(u64, u64)>, Vec<Option<KeptFollowUps>>),
    );
    let (mut summaries, (fingerprints, last_follow_ups)): Lists = supporting
        .into_par_iter()
        .zip(against)
        .zip(kept)
        .enumerate()
        .map(|(insight, ((evidence, counter), kept))| {
            let fingerprint = hashes.map(|hashes| {
                let worked_out = || {
                    let mut state = RecordHasher::new();
                    (thresholds_hash, &model.insights[insight].note).hash(&mut state);
                    for list in [&evidence, &counter] {
                        list.len().hash(&mut state);
                        for &observation in list {
                            hashes.observations[observation].hash(&mut state);
                        }
                    }
                    state.finish()
                };
                // Evidence a patch left as it was (only its indices moved) is
                // the same observations of the same interviews, which hash the
                // same: the insight's inputs are the last update's.
                let untouched = touched
                    .as_ref()
                    .is_some_and(|touched| !touched.insights[insight]);
                let known = kept.as_ref().filter(|_| untouched);
                kept_or_worked_out(known.map(|kept| kept.fingerprints.summary), worked_out)
            });
            match (fingerprint, kept) {
                (Some(fingerprint), Some(kept)) if kept.fingerprints.summary == fingerprint => {
                    // The same inputs: only the indices into this model are new.
                    let mut summary = kept.summary;
                    summary.insight = insight;
                    summary.evidence = evidence;
                    summary.counter_evidence = counter;
                    let row = kept.fingerprints.row;
                    debug_assert_eq!(row, row_hash(&summary), "a kept row's fields changed");
                    let follow_ups = KeptFollowUps {
                        fingerprint: kept.fingerprints.follow_ups,
                        follow_ups: std::mem::take(&mut summary.follow_ups),
                        more: std::mem::take(&mut summary.more_follow_ups),
                        shown: kept.fingerprints.shown_follow_ups,
                    };
                    (summary, ((fingerprint, row), Some(follow_ups)))
                }
                _ => {
                    let summary = summarize(model, thresholds, insight, evidence, counter);
                    let row = fingerprint.map_or(0, |_| row_hash(&summary));
                    (summary, ((fingerprint.unwrap_or_default(), row), None))
                }
            }
        })
        .unzip();
    // With the index kept, an insight a patch left alone has the same
    // suggestions.
    let untouched: Option<Vec<bool>> = touched
        .as_ref()
        .filter(|_| index_kept)
        .map(|touched| touched.insights.iter().map(|&touched| !touched).collect());
    let (fingerprints, rows): (Vec<u64>, Vec<u64>) = fingerprints.into_iter().unzip();
    let follow_up_fingerprints = super::validation::fill_follow_ups_reusing(
        model,
        &mut summaries,
        &index,
        hashes.map(|hashes| (hashes, fingerprints.as_slice(), last_follow_ups)),
        untouched.as_deref(),
    );
    if let (Some(memo), Some(inputs)) = (memo, inputs) {
        memo.follow_up_index = Some((inputs, index));
    }
    let fingerprints = match hashes {
        Some(_) => fingerprints
            .into_iter()
            .zip(rows)
            .zip(follow_up_fingerprints)
            .map(
                |((summary, row), (follow_ups, shown_follow_ups))| Fingerprints {
                    summary,
                    follow_ups,
                    row,
                    shown_follow_ups,
                },
            )
            .collect(),
        None => Vec::new(),
    };
    Summarized {
        summaries,
        fingerprints,
        job_evidence,
        patched: touched
            .zip(jobs_before)
            .map(|(touched, jobs_before)| Patched {
                jobs: touched.jobs,
                jobs_before,
            }),
    }
}

/// Observations grouped, each list in evidence order.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Grouped {
    /// Per insight, the observations that support it.
    pub supporting: Vec<Vec<usize>>,
    /// Per insight, the observations tagged `#contradicts` that link it.
    pub against: Vec<Vec<usize>>,
    /// Per job, the observations that link it.
    pub by_job: Vec<Vec<usize>>,
}

/// Each insight's supporting and contradicting observations and each job's,
/// in evidence order: by interview date, then interview path (`by_rank`,
/// from [`interviews_by_rank`]), then line — each list comes out in that
/// order with no sorting. It reads each interview's [`ObservationLinks`], not
/// the observations.
///
/// [`ObservationLinks`]: crate::model::ObservationLinks
/// With `sizes` (under `watch`), each list is allocated for as many
/// observations as the last grouping put in it, and this grouping's sizes
/// are kept for the next.
fn group_evidence(
    model: &ResearchModel,
    by_rank: &[usize],
    sizes: Option<&mut ListSizes>,
) -> Grouped {
    let (insight_sizes, job_sizes) = match sizes {
        Some(sizes) => (Some(&mut sizes.insights), Some(&mut sizes.jobs)),
        None => (None, None),
    };
    // Insights and jobs apart, in parallel: most of the time is spent
    // waiting for memory, each list's end being somewhere else.
    let ((supporting, against), by_job) = rayon::join(
        || {
            let insights = model.positions_of(crate::config::NoteType::Insight);
            // Two lists per insight: supporting, then against.
            let links = |interview: &Interview, link: &mut dyn FnMut(usize, usize)| {
                let first = interview.observations.start;
                for &(at, insight, contradicts) in &interview.links.insights {
                    if let Some(insight) = insights.get(insight) {
                        link(2 * insight + usize::from(contradicts), first + at as usize);
                    }
                }
            };
            let lists = gather_lists(
                model,
                by_rank,
                2 * model.insights.len(),
                links,
                insight_sizes,
            );
            split_pairs(lists)
        },
        || {
            let jobs = model.positions_of(crate::config::NoteType::Job);
            let links = |interview: &Interview, link: &mut dyn FnMut(usize, usize)| {
                let first = interview.observations.start;
                for &(at, job) in &interview.links.jobs {
                    if let Some(job) = jobs.get(job) {
                        link(job, first + at as usize);
                    }
                }
            };
            gather_lists(model, by_rank, model.jobs.len(), links, job_sizes)
        },
    );
    Grouped {
        supporting,
        against,
        by_job,
    }
}

/// The lists of two per insight (supporting, then against) as two lists.
pub(crate) fn split_pairs<T>(lists: Vec<T>) -> (Vec<T>, Vec<T>) {
    let mut firsts = Vec::with_capacity(lists.len() / 2);
    let mut seconds = Vec::with_capacity(lists.len() / 2);
    let mut lists = lists.into_iter();
    while let (Some(first), Some(second)) = (lists.next(), lists.next()) {
        firsts.push(first);
        seconds.push(second);
    }
    (firsts, seconds)
}

/// How many observations each list of the last grouping held (see
/// [`group_evidence`]).
#[derive(Debug, Default)]
pub(crate) struct ListSizes {
    /// Two per insight: supporting, then against.
    insights: Vec<usize>,
    /// One per job.
    jobs: Vec<usize>,
}

/// `count` lists of observations, filled from the (list, observation) pairs
/// `links` gives for each interview in `by_rank` order; each list allocated
/// once: counted first, or as large as `last` says it was (a list that grew
/// grows as usual). `last` is then given this grouping's sizes.
fn gather_lists(
    model: &ResearchModel,
    by_rank: &[usize],
    count: usize,
    links: impl Fn(&Interview, &mut dyn FnMut(usize, usize)),
    last: Option<&mut Vec<usize>>,
) -> Vec<Vec<usize>> {
    let mut lists: Vec<Vec<usize>> = match last.as_deref() {
        Some(sizes) if sizes.len() == count => {
            sizes.iter().map(|&size| Vec::with_capacity(size)).collect()
        }
        _ => {
            let mut sizes = vec![0usize; count];
            for &interview in by_rank {
                links(&model.interviews[interview], &mut |list, _| {
                    sizes[list] += 1
                });
            }
            sizes.into_iter().map(Vec::with_capacity).collect()
        }
    };
    for &interview in by_rank {
        links(&model.interviews[interview], &mut |list, observation| {
            lists[list].push(observation)
        });
    }
    if let Some(last) = last {
        last.clear();
        last.extend(lists.iter().map(Vec::len));
    }
    lists
}

fn summarize(
    model: &ResearchModel,
    thresholds: &Thresholds,
    insight: usize,
    evidence: Vec<usize>,
    counter_evidence: Vec<usize>,
) -> InsightSummary {
    // Borrowed while counting; cloned once at the end.
    let mut participants: BTreeMap<&str, &Entity> = BTreeMap::new();
    let mut companies: BTreeMap<&str, &Entity> = BTreeMap::new();
    let mut roles: BTreeMap<&str, &Entity> = BTreeMap::new();
    // role key (none sorts last) → (role, observations, participants)
    let mut by_role: BTreeMap<RoleKey<'_>, RoleTally<'_>> = BTreeMap::new();
    let mut first_seen = None;
    let mut last_seen = None;
    let mut jobs = Vec::new();
    let mut roles_here: Vec<RoleKey<'_>> = Vec::new();
    for &index in &evidence {
        let observation = &model.observations[index];
        let interview = &model.interviews[observation.interview];
        if let Some(date) = interview.date {
            first_seen = Some(first_seen.map_or(date, |seen: Date| seen.min(date)));
            last_seen = Some(last_seen.map_or(date, |seen: Date| seen.max(date)));
        }
        for &job in &observation.jobs {
            if !jobs.contains(&job) {
                jobs.push(job);
            }
        }
        roles_here.clear();
        for participant in &interview.participants {
            participants.insert(&participant.person.key, &participant.person);
            if let Some(company) = &participant.company {
                companies.insert(&company.key, company);
            }
            if let Some(role) = &participant.role {
                roles.insert(&role.key, role);
            }
            let role_key = RoleKey(participant.role.as_ref().map(|role| role.key.as_str()));
            if !roles_here.contains(&role_key) {
                roles_here.push(role_key);
            }
            by_role
                .entry(role_key)
                .or_insert_with(|| (participant.role.as_ref(), 0, BTreeSet::new()))
                .2
                .insert(&participant.person.key);
        }
        for role_key in &roles_here {
            if let Some(entry) = by_role.get_mut(role_key) {
                entry.1 += 1;
            }
        }
    }
    let strength = Strength::of(participants.len(), companies.len(), thresholds);
    let only_surprises = !evidence.is_empty()
        && evidence
            .iter()
            .all(|&index| model.observations[index].kind == ObservationKind::Surprise);
    let needs_validation =
        strength != Strength::Pattern || !counter_evidence.is_empty() || only_surprises;
    let by_role: Vec<RoleEvidence> = by_role
        .into_values()
        .map(|(role, observations, people)| RoleEvidence {
            role: role.cloned(),
            observations,
            participants: people.len(),
        })
        .collect();
    InsightSummary {
        insight,
        mixed_roles: roles.len() > 1,
        participants: sorted(participants),
        companies: sorted(companies),
        roles: sorted(roles),
        first_seen,
        last_seen,
        strength,
        by_role,
        only_surprises,
        needs_validation,
        follow_ups: Vec::new(),
        more_follow_ups: 0,
        jobs,
        evidence,
        counter_evidence,
    }
}

/// A role's key while counting: roles sort by key, no role sorts last.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct RoleKey<'a>(Option<&'a str>);

impl Ord for RoleKey<'_> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        match (self.0, other.0) {
            (Some(a), Some(b)) => a.cmp(b),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        }
    }
}

impl PartialOrd for RoleKey<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// A role's observations and participants while counting.
type RoleTally<'a> = (Option<&'a Entity>, usize, BTreeSet<&'a str>);

/// Entities by name (case-insensitive), then key.
fn sorted(map: BTreeMap<&str, &Entity>) -> Vec<Entity> {
    let mut entities: Vec<&Entity> = map.into_values().collect();
    entities.sort_by(|a, b| a.cmp_by_name(b));
    entities.into_iter().cloned().collect()
}

#[cfg(test)]
mod order_tests {
    use super::*;

    #[test]
    fn interview_ranks_are_date_then_path_order() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-vault");
        let config = crate::config::load(&root).unwrap();
        let model = crate::pipeline::analyze(&root, &config).unwrap().model;
        let mut order: Vec<usize> = (0..model.interviews.len()).collect();
        order.sort_by_key(|&at| {
            let interview = &model.interviews[at];
            (interview.date, interview.note.path.as_str())
        });
        let ranks = interview_ranks(&model);
        for (rank, &interview) in order.iter().enumerate() {
            assert_eq!(ranks[interview] as usize, rank);
        }
        assert!(model.interviews.len() > 5);
    }

    #[test]
    fn kept_ranks_are_reused_only_while_no_interview_date_or_file_changed() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-vault");
        let config = crate::config::load(&root).unwrap();
        let mut model = crate::pipeline::analyze(&root, &config).unwrap().model;
        let mut kept = None;
        let fresh = interview_ranks_reusing(&model, Some(&mut kept));
        assert_eq!(fresh, interview_ranks(&model));
        // A stand-in for kept ranks shows whether they were taken.
        let stand_in: Vec<u32> = fresh.iter().rev().copied().collect();
        kept.as_mut().unwrap().ranks = stand_in.clone();
        assert_eq!(interview_ranks_reusing(&model, Some(&mut kept)), stand_in);
        // The first interview (by rank) dated last: worked out again.
        let first = fresh.iter().position(|&rank| rank == 0).unwrap();
        model.interviews[first].date = Some("2099-01-01".parse().unwrap());
        let again = interview_ranks_reusing(&model, Some(&mut kept));
        assert_eq!(again, interview_ranks(&model));
        assert_eq!(again[first] as usize, model.interviews.len() - 1);
        assert_eq!(kept.unwrap().ranks, again);
    }

    #[test]
    fn ranks_of_a_patched_model_look_only_at_the_interviews_read_again() {
        use crate::model::{ChangedInterview, ModelChanges};
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-vault");
        let config = crate::config::load(&root).unwrap();
        let mut model = crate::pipeline::analyze(&root, &config).unwrap().model;
        let mut kept = None;
        let fresh = interview_ranks_reusing(&model, Some(&mut kept));
        let stand_in: Vec<u32> = fresh.iter().rev().copied().collect();
        kept.as_mut().unwrap().ranks = stand_in.clone();
        // The next model, patched from this one: `read_again` read again.
        let next_model = |model: &mut ResearchModel, read_again: usize| {
            let changed = ChangedInterview {
                index: read_again,
                observations: model.interviews[read_again].observations.clone(),
                links: Default::default(),
                jobs: Vec::new(),
                plan: None,
                date: model.interviews[read_again].date,
            };
            model.changes = Some(ModelChanges {
                from: model.id,
                interviews: vec![changed],
                plans: Vec::new(),
            });
            model.id += 1;
        };
        // Read again with the same date: the kept ranks, now of this model.
        next_model(&mut model, 0);
        assert_eq!(interview_ranks_reusing(&model, Some(&mut kept)), stand_in);
        assert_eq!(kept.as_ref().unwrap().model, model.id);
        // Read again with another date: worked out again.
        let first = fresh.iter().position(|&rank| rank == 0).unwrap();
        next_model(&mut model, first);
        model.interviews[first].date = Some("2099-01-01".parse().unwrap());
        let again = interview_ranks_reusing(&model, Some(&mut kept));
        assert_eq!(again, interview_ranks(&model));
        assert_eq!(again[first] as usize, model.interviews.len() - 1);
        // Changes from another model than the kept ranks' are not trusted:
        // an interview not listed as read again moved too.
        next_model(&mut model, 0);
        model.changes.as_mut().unwrap().from = 12345;
        model.interviews[first].date = None;
        assert_eq!(
            interview_ranks_reusing(&model, Some(&mut kept)),
            interview_ranks(&model)
        );
    }

    #[test]
    fn interviews_of_one_date_rank_by_path_and_undated_ones_first() {
        let vault = tempfile::tempdir().unwrap();
        for (path, date) in [
            ("b/Zed.md", "date: 2026-01-05\n"),
            ("b/Amy.md", "date: 2026-01-05\n"),
            ("a/Zoe.md", "date: 2026-01-05\n"),
            ("c/Bo.md", ""),
            ("a/Al.md", "date: 2026-01-04\n"),
        ] {
            let file = vault.path().join(path);
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            let text = format!("---\ntype: interview\n{date}participant: P\n---\n");
            std::fs::write(file, text).unwrap();
        }
        let config = crate::config::load(vault.path()).unwrap();
        let model = crate::pipeline::analyze(vault.path(), &config)
            .unwrap()
            .model;
        let ranks = interview_ranks(&model);
        let mut ranked: Vec<(u32, &str)> = model
            .interviews
            .iter()
            .zip(&ranks)
            .map(|(interview, &rank)| (rank, interview.note.path.as_str()))
            .collect();
        ranked.sort();
        let paths: Vec<&str> = ranked.into_iter().map(|(_, path)| path).collect();
        assert_eq!(
            paths,
            ["c/Bo.md", "a/Al.md", "a/Zoe.md", "b/Amy.md", "b/Zed.md"]
        );
    }

    /// Each insight's and job's evidence, gathered from the interviews'
    /// [`crate::model::ObservationLinks`], is what a walk over every
    /// observation in (interview date, path, line) order gives.
    #[test]
    fn evidence_lists_are_every_observation_linking_in_date_path_and_line_order() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-vault");
        let config = crate::config::load(&root).unwrap();
        let model = crate::pipeline::analyze(&root, &config).unwrap().model;
        let ranks = interview_ranks(&model);
        let mut order: Vec<usize> = (0..model.observations.len()).collect();
        order.sort_by_key(|&observation| {
            let found = &model.observations[observation];
            (ranks[found.interview], found.line)
        });
        let lists = |wanted: &dyn Fn(&crate::model::Observation) -> bool| -> Vec<usize> {
            order
                .iter()
                .copied()
                .filter(|&at| wanted(&model.observations[at]))
                .collect()
        };
        let grouped = group_evidence(&model, &interviews_by_rank(&ranks), None);
        let mut seen = 0;
        for (at, insight) in model.insights.iter().enumerate() {
            let file = insight.note.file;
            let links = |o: &crate::model::Observation| o.insights.contains(&file);
            assert_eq!(
                grouped.supporting[at],
                lists(&|o| links(o) && !o.signals.contradicts)
            );
            assert_eq!(
                grouped.against[at],
                lists(&|o| links(o) && o.signals.contradicts)
            );
            seen += grouped.supporting[at].len() + grouped.against[at].len();
        }
        for (at, job) in model.jobs.iter().enumerate() {
            assert_eq!(
                grouped.by_job[at],
                lists(&|o| o.jobs.contains(&job.note.file))
            );
            seen += grouped.by_job[at].len();
        }
        assert!(model.interviews.len() > 5 && seen > 20);
        assert!(grouped.against.iter().any(|list| !list.is_empty()));
        // Sized from a last grouping, however wrong its sizes (lists that
        // grew, shrank or were absent), the lists are the same, and the
        // sizes are this grouping's.
        let by_rank = interviews_by_rank(&ranks);
        let lengths = |grouped: &Grouped| -> (Vec<usize>, Vec<usize>) {
            let insights = grouped
                .supporting
                .iter()
                .zip(&grouped.against)
                .flat_map(|(this, that)| [this.len(), that.len()])
                .collect();
            (insights, grouped.by_job.iter().map(Vec::len).collect())
        };
        for last in [
            ListSizes::default(),
            ListSizes {
                insights: vec![0; 2 * model.insights.len()],
                jobs: vec![1000; model.jobs.len()],
            },
        ] {
            let mut sizes = last;
            let sized = group_evidence(&model, &by_rank, Some(&mut sizes));
            assert_eq!(sized.supporting, grouped.supporting);
            assert_eq!(sized.against, grouped.against);
            assert_eq!(sized.by_job, grouped.by_job);
            assert_eq!((sizes.insights, sizes.jobs), lengths(&grouped));
        }
    }
}
