//! What to validate next: the participants of an insight that needs validating
//! who have not had a follow-up conversation yet.
//!
//! A participant "raised" an insight in an interview whose observations support
//! it, contradict it, or link one of its jobs. They have been followed up when a
//! later interview with them follows up (through `follow-up-of`, at any depth)
//! an interview in which they raised it.

use std::collections::BTreeMap;

use super::evidence::{FollowUp, InsightSummary};
use crate::model::ResearchModel;

/// For each job note, the interviews whose observations link it.
pub type JobInterviews = std::collections::HashMap<crate::resolve::FileId, Vec<usize>>;

/// Builds [`JobInterviews`] once for all insights.
pub fn job_interviews(model: &ResearchModel) -> JobInterviews {
    let mut index = JobInterviews::new();
    for observation in &model.observations {
        for &job in &observation.jobs {
            let interviews = index.entry(job).or_default();
            if interviews.last() != Some(&observation.interview)
                && !interviews.contains(&observation.interview)
            {
                interviews.push(observation.interview);
            }
        }
    }
    index
}

/// The follow-up suggestions of one insight: those who raised it, then those who
/// raised its jobs, each group by name.
pub fn follow_ups(
    model: &ResearchModel,
    summary: &InsightSummary,
    jobs: &JobInterviews,
) -> Vec<FollowUp> {
    // person key → (person, interviews where they raised it, raised the insight itself)
    let mut raised: BTreeMap<String, (crate::model::Entity, Vec<usize>, bool)> = BTreeMap::new();
    let mut note = |interview: usize, direct: bool| {
        for participant in &model.interviews[interview].participants {
            let entry = raised
                .entry(participant.person.key.clone())
                .or_insert_with(|| (participant.person.clone(), Vec::new(), false));
            entry.2 |= direct;
            if !entry.1.contains(&interview) {
                entry.1.push(interview);
            }
        }
    };
    for &index in summary.evidence.iter().chain(&summary.counter_evidence) {
        note(model.observations[index].interview, true);
    }
    for job in &summary.jobs {
        for &interview in jobs.get(job).into_iter().flatten() {
            note(interview, false);
        }
    }
    let mut suggestions: Vec<FollowUp> = raised
        .into_values()
        .filter(|(person, interviews, _)| {
            !interviews
                .iter()
                .any(|&interview| is_followed_up(model, interview, &person.key))
        })
        .map(|(person, interviews, raised_insight)| {
            let latest = interviews
                .iter()
                .copied()
                .max_by(|a, b| {
                    let date = |i: usize| model.interviews[i].date;
                    date(*a).cmp(&date(*b)).then_with(|| {
                        model.interviews[*a]
                            .note
                            .path
                            .cmp(&model.interviews[*b].note.path)
                    })
                })
                .expect("a participant raised it in at least one interview");
            FollowUp {
                person,
                interview: latest,
                raised_insight,
            }
        })
        .collect();
    // Those who raised the insight itself first, then those who raised its jobs.
    suggestions.sort_by(|a, b| {
        b.raised_insight.cmp(&a.raised_insight).then_with(|| {
            a.person
                .name
                .to_lowercase()
                .cmp(&b.person.name.to_lowercase())
        })
    });
    suggestions
}

/// Whether some interview with `person` follows up `interview`, directly or
/// through a chain of follow-ups.
pub fn is_followed_up(model: &ResearchModel, interview: usize, person: &str) -> bool {
    let mut frontier = vec![interview];
    let mut seen = vec![interview];
    while let Some(current) = frontier.pop() {
        for next in model.follow_ups_of(current) {
            if seen.contains(&next) {
                continue;
            }
            seen.push(next);
            if model.interviews[next]
                .participants
                .iter()
                .any(|participant| participant.person.key == person)
            {
                return true;
            }
            frontier.push(next);
        }
    }
    false
}
