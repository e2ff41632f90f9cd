//! The observations of one model build, laid out in one list in file order:
//! readings kept from the last model bring their range of its observations,
//! readings made now bring their own.
//!
//! Under `watch` most readings are kept and a save brings one new reading, so
//! the new readings are spliced into the last model's list in place: the list
//! and the memory it occupies are reused, and only the observations after a
//! changed reading move. (Gathering into a new list moved every observation of
//! the vault into freshly allocated memory on every update, hundreds of
//! milliseconds at 100,000 notes when the allocator had to ask the kernel for
//! it.)
//!
//! The list is given room to grow ([`make_room`]): built to its exact length,
//! the first save that added an observation made it reallocate (double, move
//! every observation, and have the kernel zero the new memory), 290 ms of the
//! first update after `watch` started at 100,000 notes.

use std::ops::Range;

use super::{Observation, Own};

/// Runs of new readings beyond which the observations are gathered into a new
/// list instead (each splice moves everything after it).
const MOST_SPLICES: usize = 16;

/// The capacity a list of `len` items per observation is given when it must
/// grow: a thirty-second more (memory the kernel maps only once it is used),
/// so that the saves that add observations move the list again only after the
/// vault's observations grew by 3 %.
fn room_for(len: usize) -> usize {
    len + len / 32 + 64
}

/// An empty list for `len` items per observation, with room to grow (see
/// [`room_for`]).
pub(super) fn with_room<T>(len: usize) -> Vec<T> {
    Vec::with_capacity(room_for(len))
}

/// Makes room in `list` (one item per observation, or per note: see
/// `pipeline::load`) for `total` items, with [`room_for`] more when it must
/// grow, instead of doubling it (`Vec`'s own growth) or growing it to the
/// exact length (the next save's observation or new note would move it
/// again).
pub(crate) fn make_room<T>(list: &mut Vec<T>, total: usize) {
    if list.capacity() < total {
        list.reserve_exact(room_for(total) - list.len());
    }
}

/// Lays out the observations of `owns` (every interview's, in file order) and
/// returns the list with each interview's range in it. `last` is the list kept
/// readings point into; observations of readings no longer there are dropped.
pub(super) fn lay_out(
    last: Vec<Observation>,
    owns: Vec<Own>,
) -> (Vec<Observation>, Vec<Range<usize>>) {
    let mut ranges = Vec::with_capacity(owns.len());
    let mut end = 0;
    for own in &owns {
        let start = end;
        end += own.len();
        ranges.push(start..end);
    }
    let observations = if splices(&owns, last.len()) <= MOST_SPLICES {
        splice(last, owns, end)
    } else {
        gather(last, owns, end)
    };
    debug_assert_eq!(observations.len(), end, "every observation laid out");
    (observations, ranges)
}

impl Own {
    fn len(&self) -> usize {
        match self {
            Own::Read(observations) => observations.len(),
            Own::Kept(range) => range.len(),
        }
    }
}

/// How many places of the last list change: each run of new observations, or
/// of dropped old ones, between two kept readings.
fn splices(owns: &[Own], last_len: usize) -> usize {
    let mut count = 0;
    let mut at = 0;
    let mut new = false;
    for own in owns {
        match own {
            Own::Kept(range) => {
                if range.start > at || new {
                    count += 1;
                }
                new = false;
                at = range.end;
            }
            Own::Read(observations) => new |= !observations.is_empty(),
        }
    }
    if at < last_len || new {
        count += 1;
    }
    count
}

/// Replaces, from the back, each run of old observations between two kept
/// readings with the new observations read between them (`total` in all).
fn splice(mut last: Vec<Observation>, owns: Vec<Own>, total: usize) -> Vec<Observation> {
    make_room(&mut last, total);
    let mut replacements: Vec<(Range<usize>, Vec<Observation>)> = Vec::new();
    let mut at = 0;
    let mut run: Vec<Observation> = Vec::new();
    for own in owns {
        match own {
            Own::Kept(range) => {
                debug_assert!(range.start >= at, "kept readings in file order");
                if range.start > at || !run.is_empty() {
                    replacements.push((at..range.start, std::mem::take(&mut run)));
                }
                at = range.end;
            }
            Own::Read(observations) => run.extend(observations),
        }
    }
    if at < last.len() || !run.is_empty() {
        replacements.push((at..last.len(), run));
    }
    for (old, new) in replacements.into_iter().rev() {
        last.splice(old, new);
    }
    last
}

/// Moves every observation into a new list of `total` (kept ranges only grow,
/// so one pass over the last list does it).
fn gather(last: Vec<Observation>, owns: Vec<Own>, total: usize) -> Vec<Observation> {
    let mut observations = with_room(total);
    let mut last = last.into_iter();
    let mut at = 0;
    for own in owns {
        match own {
            Own::Read(read) => observations.extend(read),
            Own::Kept(range) => {
                debug_assert!(range.start >= at, "kept readings in file order");
                if range.start > at {
                    last.nth(range.start - at - 1);
                }
                observations.extend(last.by_ref().take(range.len()));
                at = range.end;
            }
        }
    }
    observations
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn observation(text: String) -> Observation {
        Observation::learned(0, &text)
    }

    /// A layout: for each reading, kept (with its length in the last list, and
    /// how many dropped observations come before it) or read now (how many).
    fn case() -> impl Strategy<Value = (Vec<(bool, usize, usize)>, usize)> {
        (
            prop::collection::vec((any::<bool>(), 0usize..4, 0usize..3), 0..40),
            0usize..3,
        )
    }

    /// The last list, the readings, and the texts laid out as expected.
    fn build(
        readings: &[(bool, usize, usize)],
        dropped_at_end: usize,
    ) -> (Vec<Observation>, Vec<Own>, Vec<Vec<String>>) {
        let mut last = Vec::new();
        let mut owns = Vec::new();
        let mut expected = Vec::new();
        for (index, &(kept, len, dropped)) in readings.iter().enumerate() {
            for drop in 0..dropped {
                last.push(observation(format!("dropped {index}.{drop}")));
            }
            let texts: Vec<String> = (0..len).map(|at| format!("{index}.{at}")).collect();
            if kept {
                let start = last.len();
                last.extend(texts.iter().cloned().map(observation));
                owns.push(Own::Kept(start..last.len()));
            } else {
                owns.push(Own::Read(texts.iter().cloned().map(observation).collect()));
            }
            expected.push(texts);
        }
        for drop in 0..dropped_at_end {
            last.push(observation(format!("dropped at end {drop}")));
        }
        (last, owns, expected)
    }

    fn check_layout(readings: &[(bool, usize, usize)], dropped_at_end: usize) {
        let (last, owns, expected) = build(readings, dropped_at_end);
        let (laid_out, ranges) = lay_out(last, owns);
        let texts: Vec<Vec<String>> = ranges
            .iter()
            .map(|range| {
                laid_out[range.clone()]
                    .iter()
                    .map(|o| o.text.clone())
                    .collect()
            })
            .collect();
        assert_eq!(texts, expected);
        assert_eq!(laid_out.len(), expected.iter().map(Vec::len).sum::<usize>());
    }

    proptest! {
        #[test]
        fn readings_are_laid_out_in_order_whether_spliced_or_gathered(
            (readings, dropped_at_end) in case()
        ) {
            check_layout(&readings, dropped_at_end);
        }
    }

    #[test]
    fn one_new_reading_among_kept_ones_is_spliced_into_the_last_list() {
        // kept, read (replacing two dropped), kept
        let readings = [(true, 2, 0), (false, 3, 2), (true, 1, 0)];
        let (mut last, owns, _) = build(&readings, 0);
        assert_eq!(splices(&owns, last.len()), 1);
        last.reserve(16);
        let allocation = last.as_ptr();
        let (laid_out, ranges) = lay_out(last, owns);
        assert_eq!(ranges, vec![0..2, 2..5, 5..6]);
        // In place: the same memory (it had room for one more).
        assert_eq!(laid_out.as_ptr(), allocation);
        check_layout(&readings, 0);
    }

    #[test]
    fn many_changed_places_are_gathered_into_a_new_list() {
        let readings: Vec<(bool, usize, usize)> = (0..40).map(|at| (at % 2 == 0, 2, 1)).collect();
        let (last, owns, _) = build(&readings, 1);
        assert!(splices(&owns, last.len()) > MOST_SPLICES);
        check_layout(&readings, 1);
    }

    #[test]
    fn a_list_laid_out_afresh_has_room_for_the_next_saves_observations() {
        // The first build: every reading is new.
        let readings: Vec<(bool, usize, usize)> = (0..100).map(|_| (false, 3, 0)).collect();
        let (last, owns, _) = build(&readings, 0);
        let (laid_out, _) = lay_out(last, owns);
        assert!(laid_out.capacity() >= room_for(300));
        // A save that adds an observation to the last reading: in place.
        let allocation = laid_out.as_ptr();
        let mut owns: Vec<Own> = (0..99).map(|at| Own::Kept(at * 3..at * 3 + 3)).collect();
        let more = (0..4).map(|at| observation(format!("99.{at}"))).collect();
        owns.push(Own::Read(more));
        let (laid_out, ranges) = lay_out(laid_out, owns);
        assert_eq!(laid_out.as_ptr(), allocation);
        assert_eq!(ranges.last(), Some(&(297..301)));
        assert_eq!(laid_out[300].text, "99.3");
    }
}
