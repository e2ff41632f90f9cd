//! A model patched from the last one. Under `watch`, a save usually reads
//! only interviews and plans again: the files, the settings and every note's
//! type are the same, and no insight, job, person or company was read again.
//! The last model then holds but for those readings, which are put in its
//! place — their observations spliced into the list and the ranges after
//! them moved, their problems in place of the ones they had — instead of
//! going through every typed note again (about 17 ms per update at 100,000
//! notes). Anything else builds the model the usual way.

use super::{
    ChangedInterview, MOST_PATCHED, ModelChanges, ModelMemo, Own, Read, Reading, ResearchModel,
    links_fingerprint, next_model_id,
};
use crate::config::{Config, NoteType};
use crate::resolve::Vault;

/// The model of `vault`, patched from `memo`'s last model when only
/// interviews and plans were read again (see the module documentation), its
/// [`ModelChanges`] saying which; `None` when it cannot be (the memo is left
/// for a full build).
pub(super) fn patched(
    vault: &Vault,
    config: &Config,
    memo: &mut ModelMemo,
) -> Option<ResearchModel> {
    let types = memo.note_types.as_mut()?;
    let previous = memo.previous.as_ref()?;
    let titles = memo.titles.as_ref()?;
    if !types.hold_for(vault, super::hash_of(format!("{config:?}"))) {
        return None;
    }
    // The notes read or resolved again: each keeps its type, and only
    // interviews and plans are read again.
    let mut again = Vec::new();
    for (note_index, note) in vault.notes.iter().enumerate() {
        let file = vault.file_id_of_note(note_index);
        if !(vault.reparsed(file) || vault.resolved_afresh(file)) {
            continue;
        }
        let last = types.types[note_index];
        let now = vault.files[file as usize]
            .is_source()
            .then(|| super::type_of_note(vault, config, note_index, note))
            .flatten();
        match (last, now) {
            (last, now) if last != now => return None,
            (Some(NoteType::Interview | NoteType::Plan), Some(kind)) => {
                again.push((file, kind, note_index));
            }
            (None, None) => {}
            _ => return None,
        }
        if again.len() > MOST_PATCHED {
            return None;
        }
    }
    // Each read again, unless its text and where its links go are the same.
    let reading = Reading {
        vault,
        config,
        model: previous,
        titles,
        scope: super::ModelScope::Full,
        hashed: true,
    };
    let mut reads = Vec::with_capacity(again.len());
    for (file, kind, note_index) in again {
        let position = memo
            .order
            .binary_search_by_key(&file, |&(read, _, _)| read)
            .ok()?;
        let fingerprint = links_fingerprint(vault.resolutions(note_index));
        if !vault.reparsed(file) && memo.order[position].1 == fingerprint {
            continue;
        }
        let index = previous.index_of(file, kind)?;
        reads.push((
            position,
            fingerprint,
            reading.read(kind, index, note_index)?,
        ));
    }
    // Where each note's problems start in the model's list (the readings'
    // problems come first, in the order read).
    let mut starts = Vec::with_capacity(memo.order.len());
    let mut start = 0;
    for &(_, _, problems) in &memo.order {
        starts.push(start);
        start += problems;
    }
    // The counts are those of the last model's problems (a full build then).
    if start > previous.diagnostics.len() {
        return None;
    }
    // Past the last way out: the files were listed by this walk.
    if let Some(types) = memo.note_types.as_mut() {
        types.walk = vault.walk;
    }
    let mut model = memo.previous.take()?;
    let mut changes = ModelChanges {
        from: model.id,
        interviews: Vec::new(),
        plans: Vec::new(),
    };
    model.id = next_model_id();
    let mut follow_ups_changed = false;
    // From the back: the ranges and problems before each one are still the
    // last model's.
    for (position, fingerprint, read) in reads.into_iter().rev() {
        let problems = match read {
            Read::Interview(index, mut interview, own, problems) => {
                let observations = match own {
                    Own::Read(observations) => observations,
                    Own::Kept(_) => Vec::new(),
                };
                let last = model.interviews[index].observations.clone();
                let moved = observations.len() as isize - last.len() as isize;
                interview.observations = last.start..last.start + observations.len();
                let total = model.observations.len() - last.len() + observations.len();
                super::gather::make_room(&mut model.observations, total);
                model.observations.splice(last, observations);
                if moved != 0 {
                    for later in &mut model.interviews[index + 1..] {
                        later.observations = later.observations.start.wrapping_add_signed(moved)
                            ..later.observations.end.wrapping_add_signed(moved);
                    }
                }
                let last = std::mem::replace(&mut model.interviews[index], *interview);
                follow_ups_changed |= last.follow_up_of != model.interviews[index].follow_up_of;
                changes.interviews.push(ChangedInterview::of(index, last));
                problems
            }
            Read::Plan(index, plan, problems) => {
                model.plans[index] = *plan;
                changes.plans.push(index);
                problems
            }
            // Readings made here are never kept ones.
            Read::Kept(..) => continue,
        };
        let entry = &mut memo.order[position];
        let start = starts[position];
        let count = problems.len();
        model.diagnostics.splice(start..start + entry.2, problems);
        *entry = (entry.0, fingerprint, count);
    }
    changes.interviews.reverse();
    changes.plans.reverse();
    if follow_ups_changed {
        model.followed_by = super::followed_by(&model);
    }
    model.changes = Some(changes);
    // Patched from the last model, not moved from the one before it.
    model.moved = None;
    Some(model)
}

/// Panics unless `patched` is the model `fresh` (built from nothing) but for
/// what only `watch` keeps: ids, changes, record hashes.
#[cfg(debug_assertions)]
pub(super) fn assert_same(patched: &ResearchModel, fresh: &ResearchModel) {
    let unhashed = |model: &ResearchModel| -> Vec<super::Interview> {
        let mut interviews = model.interviews.clone();
        for interview in &mut interviews {
            interview.record_hash = None;
            interview.observation_hashes = Vec::new();
        }
        interviews
    };
    let shown = |model: &ResearchModel| {
        format!(
            "{:?}",
            (
                unhashed(model),
                &model.observations,
                &model.plans,
                &model.insights,
                &model.jobs,
                &model.people,
                &model.companies,
                &model.types,
                &model.diagnostics,
                &model.followed_by,
            )
        )
    };
    assert!(
        shown(patched) == shown(fresh),
        "a patched model differs from a fresh one"
    );
}
