//! The digest's validation-queue entries, each rendered on its own with
//! `validation-entry.md.j2`.
//!
//! The queue lists every insight that needs validating — thousands in a large
//! vault — and almost any saved interview changes some insight in it, so the
//! digest renders on nearly every `watch` update. Rendered one by one, the
//! entries render in parallel, and under `watch` an entry whose key (what it
//! shows, see [`super::PageKeys::digest_entry`]) is unchanged is taken from the
//! last update instead of being rendered again.

use std::sync::{Arc, Mutex};

use foldhash::HashMap;
use minijinja::{Environment, context};
use rayon::prelude::*;

use super::digest::QueueRow;
use super::view::Views;
use super::{FOLLOW_UPS_IN_DIGEST, RenderError, Shared, v};

/// The template one entry is rendered with.
pub const ENTRY_TEMPLATE: &str = "validation-entry.md.j2";

/// Rendered entries by key.
pub type Rendered = HashMap<u64, Arc<str>>;

/// The entries of one build: their keys, the ones the last update rendered,
/// and the ones this build renders.
#[derive(Debug, Default)]
pub struct Fragments {
    /// Per insight summary, the key of its entry (empty: nothing is reused or
    /// kept — a one-off build).
    keys: Vec<u64>,
    /// The entries the last update rendered, by key.
    last: Rendered,
    /// The entries this build rendered, once the digest has rendered.
    rendered: Mutex<Option<Rendered>>,
}

impl Fragments {
    /// Entries keyed by `keys` (per insight summary), reusing `last`.
    pub fn reusing(keys: Vec<u64>, last: Rendered) -> Fragments {
        Fragments {
            keys,
            last,
            rendered: Mutex::new(None),
        }
    }

    /// The entries to keep for the next update: those this build rendered the
    /// digest with, or the last ones when the digest did not render.
    pub fn into_kept(self) -> Rendered {
        let rendered = self
            .rendered
            .into_inner()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        rendered.unwrap_or(self.last)
    }

    /// The entries of `queue` (insight summary indices) for the digest at
    /// `page`, in order.
    pub(super) fn render_queue(
        &self,
        env: &Environment<'static>,
        views: &Views<'_>,
        shared: &Shared,
        page: &str,
        queue: &[usize],
    ) -> Result<Vec<minijinja::Value>, RenderError> {
        let template = env
            .get_template(ENTRY_TEMPLATE)
            .map_err(|error| RenderError::from_minijinja(ENTRY_TEMPLATE, &error))?;
        let shared = v(shared);
        let entries: Vec<(Option<u64>, Arc<str>)> = queue
            .par_iter()
            .map(|&insight| {
                let key = self.keys.get(insight).copied();
                if let Some(text) = key.and_then(|key| self.last.get(&key)) {
                    return Ok((key, Arc::clone(text)));
                }
                let (follow_ups, more) = views.follow_ups(insight, FOLLOW_UPS_IN_DIGEST);
                let entry = QueueRow {
                    insight: views.insight_row(insight),
                    follow_ups,
                    more,
                };
                let text = template
                    .render(context! { page, shared => shared.clone(), entry => v(entry) })
                    .map_err(|error| RenderError::from_minijinja(ENTRY_TEMPLATE, &error))?;
                Ok((key, Arc::from(text)))
            })
            .collect::<Result<_, RenderError>>()?;
        if !self.keys.is_empty() {
            let kept: Rendered = entries
                .iter()
                .filter_map(|(key, text)| Some(((*key)?, Arc::clone(text))))
                .collect();
            *self
                .rendered
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(kept);
        }
        Ok(entries
            .into_iter()
            .map(|(_, text)| minijinja::Value::from(text))
            .collect())
    }
}
