//! Parts of pages rendered with templates of their own, so that under `watch`
//! a part whose key (what it shows, see [`super::PageKeys::fragment_keys`]) is
//! unchanged is taken from the last update instead of being rendered again:
//! - the digest's validation-queue entries (`validation-entry.md.j2`, the
//!   most pressing insights) and the rows of `Insights.md`
//!   (`insight-row.md.j2`), one per insight: it lists thousands of insights
//!   in a large vault, and almost any saved interview changes some of them.
//!   Rendered one by one, they also render in parallel;
//! - each job page's row for each insight it touches (`job-insight-row.md.j2`):
//!   the same row on every job page (they share a folder, and a link's text
//!   depends on the folder it is written in), rendered once per build and
//!   shared — the largest job of a large vault touches over a thousand
//!   insights, and its table rendered again whenever one of them changed;
//! - each job page's evidence and interviews (`job-evidence.md.j2`): a job
//!   page lists every observation of the job (megabytes in a large vault), and
//!   renders again whenever an insight it touches gains a participant, while
//!   its evidence rarely changes.

use std::sync::{Arc, Mutex};

use foldhash::HashMap;
use minijinja::Environment;
use minijinja::value::{Enumerator, Object, ObjectRepr};
use rayon::prelude::*;

use super::RenderError;

/// The template a validation-queue entry is rendered with.
pub const ENTRY_TEMPLATE: &str = "validation-entry.md.j2";

/// The template a row of `Insights.md` is rendered with.
pub const ROW_TEMPLATE: &str = "insight-row.md.j2";

/// The template a job page's row for an insight is rendered with.
pub const JOB_ROW_TEMPLATE: &str = "job-insight-row.md.j2";

/// The template a job page's evidence and interviews are rendered with.
pub const JOB_EVIDENCE_TEMPLATE: &str = "job-evidence.md.j2";

/// Rendered parts by key.
pub type Rendered = HashMap<u64, Arc<str>>;

/// The parts one update rendered, kept for the next.
#[derive(Debug, Default)]
pub struct KeptFragments {
    /// The digest's validation-queue entries.
    pub entries: Rendered,
    /// The rows of `Insights.md`.
    pub rows: Rendered,
    /// The job pages' rows for insights.
    pub job_rows: Rendered,
    /// The job pages' evidence sections.
    pub job_evidence: Rendered,
}

impl KeptFragments {
    /// Forgets every part.
    pub fn clear(&mut self) {
        self.entries.clear();
        self.rows.clear();
        self.job_rows.clear();
        self.job_evidence.clear();
    }
}

/// The keys of one build's parts, per insight or job summary (0: not shown;
/// empty: nothing is reused or kept — a one-off build).
#[derive(Debug, Default)]
pub struct FragmentKeys {
    /// Of the digest's validation-queue entries, per insight.
    pub entries: Vec<u64>,
    /// Of the rows of `Insights.md`, per insight.
    pub rows: Vec<u64>,
    /// Of the job pages' rows, per insight (each page's folder is added).
    pub job_rows: Vec<u64>,
    /// Of the job pages' evidence sections, per job.
    pub job_evidence: Vec<u64>,
}

/// The parts of one kind in one build: their keys, the ones the last update
/// rendered, and the ones this build renders.
#[derive(Debug)]
pub struct Fragments {
    /// The template each part is rendered with.
    template: &'static str,
    /// Per insight summary, the key of its part.
    keys: Vec<u64>,
    /// The parts the last update rendered, by key.
    last: Rendered,
    /// The parts this build rendered (not those taken from `last`), once
    /// their page has rendered.
    rendered: Mutex<Option<Vec<KeyedPart>>>,
}

/// A part rendered now, with its key.
type KeyedPart = (u64, Arc<str>);

impl Fragments {
    /// Parts rendered with `template`, keyed by `keys` (per insight summary),
    /// reusing `last`.
    pub fn reusing(template: &'static str, keys: Vec<u64>, last: Rendered) -> Fragments {
        Fragments {
            template,
            keys,
            last,
            rendered: Mutex::new(None),
        }
    }

    /// Parts rendered with `template`, none reused or kept.
    pub fn fresh(template: &'static str) -> Fragments {
        Fragments::reusing(template, Vec::new(), Rendered::default())
    }

    /// The parts to keep for the next update: the last ones with those this
    /// build rendered (see [`keep_adding`]).
    pub fn into_kept(self) -> Rendered {
        let rendered = self
            .rendered
            .into_inner()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let Some(rendered) = rendered else {
            return self.last;
        };
        // Shown: the parts with a key (an insight outside the digest's queue
        // has none).
        let keys = &self.keys;
        let shown = keys.iter().filter(|&&key| key != 0).count();
        keep_adding(self.last, rendered, shown, || {
            keys.iter().copied().filter(|&key| key != 0).collect()
        })
    }

    /// The parts of `insights` (insight summary indices), in order: each one
    /// kept from the last update, or rendered with the context `context` gives.
    pub(super) fn render_each(
        &self,
        env: &Environment<'static>,
        insights: &[usize],
        context: impl Fn(usize) -> minijinja::Value + Sync,
    ) -> Result<minijinja::Value, RenderError> {
        let template = env
            .get_template(self.template)
            .map_err(|error| RenderError::from_minijinja(self.template, &error))?;
        // Each part, and whether it was rendered now (under a key).
        let parts: Vec<(Option<u64>, Arc<str>)> = insights
            .par_iter()
            .map(|&insight| {
                let key = self.keys.get(insight).copied();
                if let Some(text) = key.and_then(|key| self.last.get(&key)) {
                    return Ok((None, Arc::clone(text)));
                }
                let text = template
                    .render(context(insight))
                    .map_err(|error| RenderError::from_minijinja(self.template, &error))?;
                Ok((key, Arc::from(text)))
            })
            .collect::<Result<_, RenderError>>()?;
        if !self.keys.is_empty() {
            let rendered = parts
                .iter()
                .filter_map(|(key, text)| Some(((*key)?, Arc::clone(text))))
                .collect();
            *self
                .rendered
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(rendered);
        }
        let parts = parts.into_iter().map(|(_, text)| text).collect();
        Ok(minijinja::Value::from_object(Parts(parts)))
    }
}

/// The parts in `rendered`, taken whole after a panic elsewhere (a part
/// goes in only once rendered).
fn locked(rendered: &Mutex<Rendered>) -> std::sync::MutexGuard<'_, Rendered> {
    rendered
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The parts to keep for the next update: `last` with `rendered` added.
/// A part whose key is no longer shown stays (a key is what its part shows,
/// the vault key included: a kept part is never wrong, only unused) until the
/// parts kept are more than twice as many as those shown (`shown`), and 64
/// more; then only those whose key `shown_keys` lists stay. For small parts
/// only (rows, entries, job rows): the memory is bounded by their count.
/// Building the map anew from every shown key (thousands of insights) took
/// about 2 ms per update at 100,000 notes.
fn keep_adding(
    mut last: Rendered,
    rendered: impl IntoIterator<Item = (u64, Arc<str>)>,
    shown: usize,
    shown_keys: impl FnOnce() -> foldhash::HashSet<u64>,
) -> Rendered {
    last.extend(rendered);
    if last.len() > 2 * shown + 64 {
        let keys = shown_keys();
        last.retain(|key, _| keys.contains(key));
    }
    last
}

/// Rendered parts as a template sees them: a list, which `{{ parts }}` writes
/// whole, one part after the other. A template looping over thousands of parts
/// spent most of a large page's time in the loop.
#[derive(Debug)]
struct Parts(Vec<Arc<str>>);

impl Object for Parts {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Seq
    }

    fn get_value(self: &Arc<Self>, key: &minijinja::Value) -> Option<minijinja::Value> {
        let part = self.0.get(key.as_usize()?)?;
        Some(minijinja::Value::from(Arc::clone(part)))
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Seq(self.0.len())
    }

    fn render(self: &Arc<Self>, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.iter().try_for_each(|part| f.write_str(part))
    }
}

/// Parts many pages show (a job page's row for an insight): rendered once per
/// build for each folder they are shown in, and shared by every page there.
#[derive(Debug)]
pub struct SharedParts {
    /// The template each part is rendered with.
    template: &'static str,
    /// Per insight summary, the key of its part (before the page's folder is
    /// added); empty: the part's index is its key, for this build only.
    keys: Vec<u64>,
    /// The parts the last update kept, by key.
    last: Rendered,
    /// The parts this build rendered, by key.
    rendered: Mutex<Rendered>,
    /// Whether a part depends on its page's folder only (the embedded
    /// template, whose only use of `page` is writing links from it), and
    /// so is shared by the pages of a folder; else each page has its own.
    by_folder: bool,
}

impl SharedParts {
    /// Parts rendered with `template`, keyed by `keys` (per summary), reusing
    /// `last`.
    pub fn reusing(template: &'static str, keys: Vec<u64>, last: Rendered) -> SharedParts {
        SharedParts {
            template,
            keys,
            last,
            rendered: Mutex::default(),
            by_folder: true,
        }
    }

    /// Gives each page its own parts (a vault's own template may show the
    /// page's own path).
    pub fn per_page(mut self) -> SharedParts {
        self.by_folder = false;
        self
    }

    /// Parts rendered with `template`, shared within this build only.
    pub fn fresh(template: &'static str) -> SharedParts {
        SharedParts::reusing(template, Vec::new(), Rendered::default())
    }

    /// The parts of `items` (summary indices) shown on `page`, in order: each
    /// one this build or the last update rendered for the page's folder, or
    /// rendered now with the context `context` gives.
    pub(super) fn render_each(
        &self,
        env: &Environment<'static>,
        page: &str,
        items: &[usize],
        context: impl Fn(usize) -> minijinja::Value,
    ) -> Result<minijinja::Value, RenderError> {
        let template = env
            .get_template(self.template)
            .map_err(|error| RenderError::from_minijinja(self.template, &error))?;
        let folder = match self.by_folder {
            true => page.rsplit_once('/').map_or("", |(folder, _)| folder),
            false => page,
        };
        let mut parts = Vec::with_capacity(items.len());
        for &item in items {
            let key = match self.keys.is_empty() {
                true => Some(item as u64),
                false => self.keys.get(item).copied(),
            }
            .map(|key| crate::model::hash_of((key, folder)));
            let known = key.and_then(|key| {
                self.last
                    .get(&key)
                    .cloned()
                    .or_else(|| locked(&self.rendered).get(&key).cloned())
            });
            let text = match known {
                Some(text) => text,
                None => {
                    let text: Arc<str> = template
                        .render(context(item))
                        .map_err(|error| RenderError::from_minijinja(self.template, &error))?
                        .into();
                    if let Some(key) = key {
                        locked(&self.rendered).insert(key, Arc::clone(&text));
                    }
                    text
                }
            };
            parts.push(text);
        }
        Ok(minijinja::Value::from_object(Parts(parts)))
    }

    /// The parts to keep for the next update: those kept from the last
    /// update and those this build rendered (see [`keep_adding`]; shown: for
    /// each insight, its part for each of `pages`, or their folders when
    /// parts are shared by folder). None for a build without keys.
    pub fn into_kept(self, pages: &[String]) -> Rendered {
        if self.keys.is_empty() {
            return Rendered::default();
        }
        let mut folders: Vec<&str> = pages
            .iter()
            .map(|page| match self.by_folder {
                true => page.rsplit_once('/').map_or("", |(folder, _)| folder),
                false => page.as_str(),
            })
            .collect();
        folders.sort_unstable();
        folders.dedup();
        let rendered = self
            .rendered
            .into_inner()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let keys = &self.keys;
        let shown = keys.len() * folders.len();
        keep_adding(self.last, rendered, shown, || {
            (folders.iter())
                .flat_map(|folder| {
                    keys.iter()
                        .map(move |&key| crate::model::hash_of((key, *folder)))
                })
                .collect()
        })
    }
}

/// One part of each page of a kind (a job page's evidence), rendered with
/// the page: its keys, the parts the last update rendered, and the ones this
/// build rendered.
#[derive(Debug)]
pub struct Sections {
    /// The template each part is rendered with.
    template: &'static str,
    /// Per page (by summary index), the key of its part.
    keys: Vec<u64>,
    /// The parts the last update kept, by key.
    last: Rendered,
    /// The parts this build rendered, by key.
    rendered: Mutex<Rendered>,
}

impl Sections {
    /// Parts rendered with `template`, keyed by `keys` (per summary), reusing
    /// `last`.
    pub fn reusing(template: &'static str, keys: Vec<u64>, last: Rendered) -> Sections {
        Sections {
            template,
            keys,
            last,
            rendered: Mutex::default(),
        }
    }

    /// Parts rendered with `template`, none reused or kept.
    pub fn fresh(template: &'static str) -> Sections {
        Sections::reusing(template, Vec::new(), Rendered::default())
    }

    /// The part of the page of summary `index`: kept from the last update, or
    /// rendered with the context `context` gives.
    pub(super) fn render(
        &self,
        env: &Environment<'static>,
        index: usize,
        context: impl FnOnce() -> minijinja::Value,
    ) -> Result<Arc<str>, RenderError> {
        let key = self.keys.get(index).copied();
        if let Some(text) = key.and_then(|key| self.last.get(&key)) {
            return Ok(Arc::clone(text));
        }
        let text: Arc<str> = env
            .get_template(self.template)
            .and_then(|template| template.render(context()))
            .map_err(|error| RenderError::from_minijinja(self.template, &error))?
            .into();
        if let Some(key) = key {
            locked(&self.rendered).insert(key, Arc::clone(&text));
        }
        Ok(text)
    }

    /// The parts to keep for the next update: one per page, the one this
    /// build rendered or else the one kept from the last update. (Not
    /// [`keep_adding`]: a section lists every observation of its job, and
    /// the stale copies of the largest would add up to hundreds of MB.)
    pub fn into_kept(self) -> Rendered {
        let mut kept = self
            .rendered
            .into_inner()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut last = self.last;
        for key in self.keys {
            if !kept.contains_key(&key)
                && let Some(text) = last.remove(&key)
            {
                kept.insert(key, text);
            }
        }
        kept
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env() -> Environment<'static> {
        let mut env = Environment::new();
        env.set_syntax(
            minijinja::syntax::SyntaxConfig::builder()
                .keep_trailing_newline(true)
                .build()
                .unwrap(),
        );
        env.add_template("row.j2", "{{ item }}@{{ page }}\n")
            .unwrap();
        env
    }

    fn render(
        parts: &SharedParts,
        env: &Environment<'static>,
        page: &str,
        items: &[usize],
    ) -> String {
        parts
            .render_each(env, page, items, |item| minijinja::context! { item, page })
            .unwrap()
            .to_string()
    }

    fn pages(paths: &[&str]) -> Vec<String> {
        paths.iter().map(|path| (*path).to_owned()).collect()
    }

    #[test]
    fn shared_parts_are_rendered_once_per_folder_or_page_and_kept_by_key() {
        let env = env();
        // Without keys: shared within the build by folder (the embedded row
        // template writes links from the page's folder only), kept for none.
        let parts = SharedParts::fresh("row.j2");
        assert_eq!(
            render(&parts, &env, "Jobs/A.md", &[0, 1]),
            "0@Jobs/A.md\n1@Jobs/A.md\n"
        );
        assert_eq!(
            render(&parts, &env, "Jobs/B.md", &[1, 2]),
            "1@Jobs/A.md\n2@Jobs/B.md\n"
        );
        assert_eq!(render(&parts, &env, "Other/C.md", &[1]), "1@Other/C.md\n");
        assert!(parts.into_kept(&pages(&["Jobs/A.md"])).is_empty());
        // Per page: a vault's own template may show the page itself.
        let parts = SharedParts::fresh("row.j2").per_page();
        render(&parts, &env, "Jobs/A.md", &[1]);
        assert_eq!(render(&parts, &env, "Jobs/B.md", &[1]), "1@Jobs/B.md\n");
        // With keys: a part whose key is kept is reused, others are rendered,
        // and only the current keys' parts are kept.
        let parts = SharedParts::reusing("row.j2", vec![10, 11, 12], Rendered::default());
        render(&parts, &env, "Jobs/A.md", &[0, 1]);
        let mut kept = parts.into_kept(&pages(&["Jobs/A.md", "Jobs/B.md"]));
        assert_eq!(kept.len(), 2);
        for text in kept.values_mut() {
            *text = Arc::from("STALE\n");
        }
        let parts = SharedParts::reusing("row.j2", vec![10, 99, 12], kept);
        assert_eq!(
            render(&parts, &env, "Jobs/B.md", &[0, 1, 2]),
            "STALE\n1@Jobs/B.md\n2@Jobs/B.md\n"
        );
        let kept = parts.into_kept(&pages(&["Jobs/B.md"]));
        let key = |key: u64| crate::model::hash_of((key, "Jobs"));
        for shown in [10, 99, 12] {
            assert!(kept.contains_key(&key(shown)), "{shown}");
        }
        // 11, no longer shown, stays while few are (see `keep_adding`).
        assert_eq!(kept.len(), 4);
        assert_eq!(
            kept.values()
                .filter(|text| text.starts_with("STALE"))
                .count(),
            2
        );
    }

    #[test]
    fn parts_no_longer_shown_are_kept_until_they_are_twice_as_many_as_those_shown() {
        let text = |key: u64| -> Arc<str> { Arc::from(key.to_string()) };
        let shown_keys = |keys: std::ops::Range<u64>| move || keys.collect();
        // 100 shown; 100 more kept from before: all stay.
        let last: Rendered = (0..200).map(|key| (key, text(key))).collect();
        let kept = keep_adding(last, [(300, text(300))], 100, shown_keys(100..200));
        assert_eq!(kept.len(), 201);
        // Past twice as many as shown (and a margin): only the shown stay.
        let last: Rendered = (0..266).map(|key| (key, text(key))).collect();
        let kept = keep_adding(last, [(300, text(300))], 101, shown_keys(200..301));
        let mut keys: Vec<u64> = kept.into_keys().collect();
        keys.sort_unstable();
        assert_eq!(keys, (200..266).chain([300]).collect::<Vec<_>>());
    }
}
