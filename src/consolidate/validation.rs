//! What to validate next: the participants of an insight that needs validating
//! who have not had a follow-up conversation yet.
//!
//! A participant "raised" an insight in an interview whose observations support
//! it, contradict it, or link one of its jobs. They have been followed up when a
//! later interview with them follows up (through `follow-up-of`, at any depth)
//! an interview in which they raised it.
//!
//! Everything per interview is worked out once ([`FollowUpIndex`]), so a vault
//! with thousands of insights and interviews stays linear.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use rayon::prelude::*;

use super::evidence::{FollowUp, InsightSummary};
use crate::model::ResearchModel;
use crate::resolve::FileId;

/// Suggestions kept per insight among those who raised only its jobs (all who
/// raised the insight itself are kept); the rest are counted.
pub const JOB_FOLLOW_UPS_KEPT: usize = 50;

/// For each job note, the interviews whose observations link it.
pub type JobInterviews = HashMap<FileId, Vec<usize>>;

/// Builds [`JobInterviews`] once for all insights.
pub fn job_interviews(model: &ResearchModel) -> JobInterviews {
    let mut index = JobInterviews::new();
    for observation in &model.observations {
        for &job in &observation.jobs {
            let interviews = index.entry(job).or_default();
            // An interview's observations are consecutive, so a repeat is always
            // the last one pushed.
            if interviews.last() != Some(&observation.interview) {
                interviews.push(observation.interview);
            }
        }
    }
    index
}

/// People by number, and for each interview the people followed up after it.
pub struct FollowUpIndex<'a> {
    people: HashMap<&'a str, u32>,
    /// Per interview: (person number, participant index) of its participants.
    participants: Vec<Vec<(u32, usize)>>,
    /// Per interview: sorted person numbers of everyone in a later interview that
    /// follows it up, at any depth.
    followed: Vec<Vec<u32>>,
    /// Per job note: everyone who raised it, by person number (see [`JobRaiser`]).
    job_raisers: HashMap<FileId, HashMap<u32, JobRaiser>>,
    /// Each interview's place in (date, path) order.
    pub ranks: Vec<u32>,
    /// Per interview: its participants' names, lower-cased (suggestions sort by them).
    lower_names: Vec<Vec<String>>,
}

/// Someone who raised a job: in their latest interview linking it, and whether
/// any of their interviews linking it was followed up. Worked out once per job,
/// as many insights share a job.
#[derive(Debug, Clone, Copy)]
struct JobRaiser {
    person: u32,
    interview: usize,
    participant: usize,
    followed_up: bool,
}

impl<'a> FollowUpIndex<'a> {
    /// Works the index out for `model`.
    pub fn new(model: &'a ResearchModel) -> FollowUpIndex<'a> {
        let mut people: HashMap<&str, u32> = HashMap::new();
        let participants: Vec<Vec<(u32, usize)>> = model
            .interviews
            .iter()
            .map(|interview| {
                interview
                    .participants
                    .iter()
                    .enumerate()
                    .map(|(index, participant)| {
                        let next = people.len() as u32;
                        (
                            *people
                                .entry(participant.person.key.as_str())
                                .or_insert(next),
                            index,
                        )
                    })
                    .collect()
            })
            .collect();
        let followed: Vec<Vec<u32>> = (0..model.interviews.len())
            .map(|interview| {
                let mut found: Vec<u32> = Vec::new();
                let mut frontier = vec![interview];
                let mut seen = vec![interview];
                while let Some(current) = frontier.pop() {
                    for next in model.follow_ups_of(current) {
                        if !seen.contains(&next) {
                            seen.push(next);
                            found.extend(participants[next].iter().map(|(person, _)| *person));
                            frontier.push(next);
                        }
                    }
                }
                found.sort_unstable();
                found.dedup();
                found
            })
            .collect();
        let ranks = super::evidence::interview_ranks(model);
        let job_raisers = job_interviews(model)
            .into_iter()
            .map(|(job, interviews)| {
                let mut raisers: HashMap<u32, JobRaiser> = HashMap::new();
                for interview in interviews {
                    for &(person, participant) in &participants[interview] {
                        let followed_up = followed[interview].binary_search(&person).is_ok();
                        let raiser = raisers.entry(person).or_insert(JobRaiser {
                            person,
                            interview,
                            participant,
                            followed_up,
                        });
                        raiser.followed_up |= followed_up;
                        if ranks[interview] > ranks[raiser.interview] {
                            raiser.interview = interview;
                            raiser.participant = participant;
                        }
                    }
                }
                (job, raisers)
            })
            .collect();
        let lower_names = model
            .interviews
            .iter()
            .map(|interview| {
                interview
                    .participants
                    .iter()
                    .map(|participant| participant.person.name.to_lowercase())
                    .collect()
            })
            .collect();
        FollowUpIndex {
            people,
            participants,
            followed,
            job_raisers,
            ranks,
            lower_names,
        }
    }

    /// Whether `person` (a person key) took part in an interview that follows up
    /// `interview`, directly or through a chain.
    pub fn is_followed_up(&self, interview: usize, person: &str) -> bool {
        self.people
            .get(person)
            .is_some_and(|number| self.followed[interview].binary_search(number).is_ok())
    }
}

/// One person while suggestions are gathered.
struct Raised {
    interview: usize,
    participant: usize,
    direct: bool,
    followed_up: bool,
}

impl Raised {
    /// Adds another interview where they raised it: the latest one is kept.
    fn add(&mut self, other: Raised, ranks: &[u32]) {
        self.direct |= other.direct;
        self.followed_up |= other.followed_up;
        if ranks[other.interview] > ranks[self.interview] {
            self.interview = other.interview;
            self.participant = other.participant;
        }
    }
}

impl FollowUpIndex<'_> {
    /// The order suggestions are listed in: by name, then key (so equal names
    /// keep one order).
    fn order<'m>(
        &'m self,
        model: &'m ResearchModel,
        interview: usize,
        participant: usize,
    ) -> (&'m str, &'m str) {
        (
            &self.lower_names[interview][participant],
            &model.interviews[interview].participants[participant]
                .person
                .key,
        )
    }

    /// Everyone who raised some job of `jobs` and was not followed up (merged
    /// over the jobs: followed up in one counts for all; their latest
    /// interview), in suggestion order.
    fn job_set_raisers(&self, model: &ResearchModel, jobs: &[FileId]) -> Vec<JobRaiser> {
        let mut merged: HashMap<u32, JobRaiser> = HashMap::new();
        for raiser in jobs
            .iter()
            .filter_map(|job| self.job_raisers.get(job))
            .flat_map(|raisers| raisers.values())
        {
            match merged.entry(raiser.person) {
                Entry::Occupied(mut known) => {
                    let known = known.get_mut();
                    known.followed_up |= raiser.followed_up;
                    if self.ranks[raiser.interview] > self.ranks[known.interview] {
                        known.interview = raiser.interview;
                        known.participant = raiser.participant;
                    }
                }
                Entry::Vacant(new) => {
                    new.insert(*raiser);
                }
            }
        }
        let mut raisers: Vec<JobRaiser> = merged
            .into_values()
            .filter(|raiser| !raiser.followed_up)
            .collect();
        raisers.sort_by(|a, b| {
            self.order(model, a.interview, a.participant)
                .cmp(&self.order(model, b.interview, b.participant))
        });
        raisers
    }
}

/// An insight's jobs as a key: sorted, once each.
fn job_set(summary: &InsightSummary) -> Vec<FileId> {
    let mut jobs = summary.jobs.clone();
    jobs.sort_unstable();
    jobs.dedup();
    jobs
}

/// Fills in the follow-up suggestions of every summary that needs validating.
/// Insights sharing a set of jobs share the work on those jobs' raisers, so
/// the cost follows the insights' own evidence, not how often a job was raised.
pub fn fill_follow_ups(
    model: &ResearchModel,
    summaries: &mut [InsightSummary],
    index: &FollowUpIndex<'_>,
) {
    let mut sets: Vec<Vec<FileId>> = summaries
        .iter()
        .filter(|summary| summary.needs_validation)
        .map(job_set)
        .collect();
    sets.sort_unstable();
    sets.dedup();
    let raisers: HashMap<Vec<FileId>, Vec<JobRaiser>> = sets
        .into_par_iter()
        .map(|set| {
            let raisers = index.job_set_raisers(model, &set);
            (set, raisers)
        })
        .collect();
    summaries
        .par_iter_mut()
        .filter(|summary| summary.needs_validation)
        .for_each(|summary| {
            let by_job = &raisers[&job_set(summary)];
            (summary.follow_ups, summary.more_follow_ups) =
                follow_ups(model, summary, index, by_job);
        });
}

/// The follow-up suggestions of one insight: those who raised it, then those who
/// raised only its jobs (at most [`JOB_FOLLOW_UPS_KEPT`], from `by_job`: the
/// raisers of its jobs not followed up, in order), each group by name; and how
/// many more raised its jobs.
fn follow_ups(
    model: &ResearchModel,
    summary: &InsightSummary,
    index: &FollowUpIndex<'_>,
    by_job: &[JobRaiser],
) -> (Vec<FollowUp>, usize) {
    // Those who raised the insight itself, merged with their raises of its jobs.
    let mut direct: HashMap<u32, Raised> = HashMap::new();
    for &observation in summary.evidence.iter().chain(&summary.counter_evidence) {
        let interview = model.observations[observation].interview;
        for &(person, participant) in &index.participants[interview] {
            let found = Raised {
                interview,
                participant,
                direct: true,
                followed_up: index.followed[interview].binary_search(&person).is_ok(),
            };
            match direct.entry(person) {
                Entry::Occupied(mut known) => known.get_mut().add(found, &index.ranks),
                Entry::Vacant(new) => {
                    new.insert(found);
                }
            }
        }
    }
    let mut also_by_job = 0;
    for (person, raised) in &mut direct {
        let mut raised_job = false;
        let mut job_followed_up = false;
        for job in &summary.jobs {
            if let Some(raiser) = index.job_raisers.get(job).and_then(|r| r.get(person)) {
                raised_job = true;
                job_followed_up |= raiser.followed_up;
                raised.add(
                    Raised {
                        interview: raiser.interview,
                        participant: raiser.participant,
                        direct: false,
                        followed_up: raiser.followed_up,
                    },
                    &index.ranks,
                );
            }
        }
        // In `by_job` too (raised a job, never followed up on one).
        also_by_job += usize::from(raised_job && !job_followed_up);
    }
    let mut raised_it: Vec<&Raised> = direct
        .values()
        .filter(|raised| !raised.followed_up)
        .collect();
    raised_it.sort_by(|a, b| {
        index
            .order(model, a.interview, a.participant)
            .cmp(&index.order(model, b.interview, b.participant))
    });
    let only_by_job = by_job.len() - also_by_job;
    let more = only_by_job.saturating_sub(JOB_FOLLOW_UPS_KEPT);
    let suggestion = |interview: usize, participant: usize, raised_insight: bool| FollowUp {
        person: model.interviews[interview].participants[participant]
            .person
            .clone(),
        interview,
        raised_insight,
    };
    let suggestions = raised_it
        .into_iter()
        .map(|raised| suggestion(raised.interview, raised.participant, true))
        .chain(
            by_job
                .iter()
                .filter(|raiser| !direct.contains_key(&raiser.person))
                .take(JOB_FOLLOW_UPS_KEPT)
                .map(|raiser| suggestion(raiser.interview, raiser.participant, false)),
        )
        .collect();
    (suggestions, more)
}

/// Whether some interview with `person` follows up `interview`, directly or
/// through a chain of follow-ups.
pub fn is_followed_up(model: &ResearchModel, interview: usize, person: &str) -> bool {
    FollowUpIndex::new(model).is_followed_up(interview, person)
}

#[cfg(test)]
mod tests {
    //! The suggestions against the plain algorithm: every raise of the insight
    //! and of its jobs merged per person, then sorted and cut.

    use super::*;
    use std::path::Path;

    fn reference(
        model: &ResearchModel,
        summary: &InsightSummary,
        index: &FollowUpIndex<'_>,
    ) -> (Vec<(String, usize, bool)>, usize) {
        let mut raised: HashMap<u32, Raised> = HashMap::new();
        let mut add = |person: u32, found: Raised| match raised.entry(person) {
            Entry::Occupied(mut known) => known.get_mut().add(found, &index.ranks),
            Entry::Vacant(new) => {
                new.insert(found);
            }
        };
        for &observation in summary.evidence.iter().chain(&summary.counter_evidence) {
            let interview = model.observations[observation].interview;
            for &(person, participant) in &index.participants[interview] {
                let followed_up = index.followed[interview].binary_search(&person).is_ok();
                add(
                    person,
                    Raised {
                        interview,
                        participant,
                        direct: true,
                        followed_up,
                    },
                );
            }
        }
        for job in &summary.jobs {
            for raiser in index
                .job_raisers
                .get(job)
                .into_iter()
                .flat_map(|r| r.values())
            {
                add(
                    raiser.person,
                    Raised {
                        interview: raiser.interview,
                        participant: raiser.participant,
                        direct: false,
                        followed_up: raiser.followed_up,
                    },
                );
            }
        }
        let order = |r: &&Raised| index.order(model, r.interview, r.participant);
        let (mut direct, mut by_job): (Vec<&Raised>, Vec<&Raised>) = raised
            .values()
            .filter(|r| !r.followed_up)
            .partition(|r| r.direct);
        direct.sort_by(|a, b| order(a).cmp(&order(b)));
        by_job.sort_by(|a, b| order(a).cmp(&order(b)));
        let more = by_job.len().saturating_sub(JOB_FOLLOW_UPS_KEPT);
        by_job.truncate(JOB_FOLLOW_UPS_KEPT);
        let list = direct
            .into_iter()
            .chain(by_job)
            .map(|r| {
                (
                    model.interviews[r.interview].participants[r.participant]
                        .person
                        .key
                        .clone(),
                    r.interview,
                    r.direct,
                )
            })
            .collect();
        (list, more)
    }

    /// Suggestions checked, and how many insights had more than were kept.
    fn same_as_reference(root: &Path) -> (usize, usize) {
        let config = crate::config::load(root).unwrap();
        let analysis = crate::pipeline::analyze(root, &config).unwrap();
        let model = &analysis.model;
        let summaries = super::super::summarize_insights(model, &config.thresholds, None);
        let index = FollowUpIndex::new(model);
        let (mut checked, mut cut) = (0, 0);
        for summary in summaries.iter().filter(|s| s.needs_validation) {
            let got: Vec<(String, usize, bool)> = summary
                .follow_ups
                .iter()
                .map(|f| (f.person.key.clone(), f.interview, f.raised_insight))
                .collect();
            let (expected, more) = reference(model, summary, &index);
            assert_eq!(got, expected, "insight {}", summary.insight);
            assert_eq!(summary.more_follow_ups, more, "insight {}", summary.insight);
            checked += got.len();
            cut += usize::from(more > 0);
        }
        (checked, cut)
    }

    #[test]
    fn suggestions_match_the_plain_algorithm() {
        let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-vault");
        assert!(same_as_reference(&sample).0 > 5);
        let generated = tempfile::tempdir().unwrap();
        vaultgen::generate(
            generated.path(),
            &vaultgen::GenOptions {
                notes: 3000,
                seed: vaultgen::DEFAULT_SEED,
            },
        )
        .unwrap();
        let (checked, cut) = same_as_reference(generated.path());
        assert!(checked > 100 && cut > 0, "{checked} suggestions, {cut} cut");
    }
}
