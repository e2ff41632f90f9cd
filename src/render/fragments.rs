//! Parts of pages rendered with templates of their own, so that under `watch`
//! a part whose key (what it shows, see [`super::PageKeys::fragment_keys`]) is
//! unchanged is taken from the last update instead of being rendered again:
//! - the digest's validation-queue entries (`validation-entry.md.j2`) and the
//!   rows of `Insights.md` (`insight-row.md.j2`), one per insight: both pages
//!   list thousands of insights in a large vault, and almost any saved
//!   interview changes some of them. Rendered one by one, they also render in
//!   parallel;
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
    /// The parts this build rendered, once their page has rendered.
    rendered: Mutex<Option<Rendered>>,
}

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

    /// The parts to keep for the next update: those this build rendered its
    /// page with, or the last ones when the page did not render.
    pub fn into_kept(self) -> Rendered {
        let rendered = self
            .rendered
            .into_inner()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        rendered.unwrap_or(self.last)
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
        let parts: Vec<(Option<u64>, Arc<str>)> = insights
            .par_iter()
            .map(|&insight| {
                let key = self.keys.get(insight).copied();
                if let Some(text) = key.and_then(|key| self.last.get(&key)) {
                    return Ok((key, Arc::clone(text)));
                }
                let text = template
                    .render(context(insight))
                    .map_err(|error| RenderError::from_minijinja(self.template, &error))?;
                Ok((key, Arc::from(text)))
            })
            .collect::<Result<_, RenderError>>()?;
        if !self.keys.is_empty() {
            let kept: Rendered = parts
                .iter()
                .filter_map(|(key, text)| Some(((*key)?, Arc::clone(text))))
                .collect();
            *self
                .rendered
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(kept);
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

    /// The parts to keep for the next update: for each insight, its part for
    /// each of `pages` (or their folders, when parts are shared by folder),
    /// rendered by this build or kept from the last update (none for a build
    /// without keys).
    pub fn into_kept(self, pages: &[String]) -> Rendered {
        let mut folders: Vec<&str> = pages
            .iter()
            .map(|page| match self.by_folder {
                true => page.rsplit_once('/').map_or("", |(folder, _)| folder),
                false => page.as_str(),
            })
            .collect();
        folders.sort_unstable();
        folders.dedup();
        if self.keys.is_empty() {
            return Rendered::default();
        }
        let mut rendered = self
            .rendered
            .into_inner()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut last = self.last;
        let mut kept = Rendered::default();
        for folder in folders {
            for &key in &self.keys {
                let key = crate::model::hash_of((key, folder));
                if let Some(text) = rendered.remove(&key).or_else(|| last.remove(&key)) {
                    kept.insert(key, text);
                }
            }
        }
        kept
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
    /// build rendered or else the one kept from the last update.
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
        assert_eq!(kept.len(), 3, "keys 10, 99 and 12; 11 is gone");
        assert_eq!(
            kept.values()
                .filter(|text| text.starts_with("STALE"))
                .count(),
            1
        );
    }
}
