//! Which pages a build writes and what they are called ([`PagePlan`]), with
//! the link writer that knows them; `watch` reuses the last plan while what
//! it was named from is the same.

use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;

use super::{LinkWriter, PageKind, PageNamer};
use crate::config::{Config, TITLE};
use crate::model::{NoteRef, ResearchModel};
use crate::resolve::Vault;
use crate::scan::{Exclusion, VaultPath};

/// The fixed pages' names.
const INSIGHTS_PAGE: &str = "Insights";
const DIGEST_PAGE: &str = "Digest";
const HEALTH_PAGE: &str = "Vault health";

/// The pages to generate, named, and a link writer that knows them.
#[derive(Debug, Clone)]
pub struct PagePlan {
    /// Every page and what it shows. Not to be changed once planned: what is
    /// worked out from it is kept with it (`unwritten`, `in_path_order`).
    pub pages: Vec<(VaultPath, PageKind)>,
    /// Page of each insight (model order).
    pub insight_pages: Vec<String>,
    /// Page of each job.
    pub job_pages: Vec<String>,
    /// Page of each plan.
    pub plan_pages: Vec<String>,
    /// Writes links between the vault's files and these pages.
    pub links: Arc<LinkWriter>,
    pub(super) shared: Shared,
    /// What the pages were named from (`None` for a plan only named, never
    /// to be reused: [`page_paths`]).
    inputs: Option<PlanInputs>,
    /// The pages not among the vault's files, once worked out: a plan is
    /// reused only while the files are the same, and so are these.
    pub(crate) unwritten: std::sync::OnceLock<Vec<VaultPath>>,
    /// The positions of `pages` in path order, once worked out.
    by_path: std::sync::OnceLock<Vec<u32>>,
    /// The hash of `pages`, once worked out.
    pages_hash: std::sync::OnceLock<u64>,
}

impl PagePlan {
    /// The positions of the pages in path order (the order of the manifest),
    /// worked out once per plan: `watch` reuses a plan while its pages are
    /// the same.
    pub fn in_path_order(&self) -> &[u32] {
        self.by_path.get_or_init(|| {
            let mut order: Vec<u32> = (0..self.pages.len() as u32).collect();
            order.par_sort_unstable_by(|&a, &b| {
                self.pages[a as usize].0.cmp(&self.pages[b as usize].0)
            });
            order
        })
    }

    /// A hash of the pages (paths and kinds, in order), worked out once per
    /// plan like [`PagePlan::in_path_order`].
    pub fn pages_hash(&self) -> u64 {
        *self.pages_hash.get_or_init(|| {
            let mut state = crate::model::RecordHasher::new();
            for (path, kind) in &self.pages {
                std::hash::Hash::hash(&(path.as_str(), kind), &mut state);
            }
            std::hash::Hasher::finish(&state)
        })
    }
}

/// What page names and link texts are worked out from: the output folder and
/// the page name patterns, the link settings, the files, and the insight, job
/// and plan notes in model order. (Paths compare quickly when unchanged: they
/// share their text.)
#[derive(Debug, Clone, PartialEq)]
struct PlanInputs {
    output: String,
    page_names: crate::config::PageNames,
    format: crate::config::NewLinkFormat,
    markdown: bool,
    files: Files,
    notes: [Vec<VaultPath>; 3],
}

/// The vault's files: the walk that listed them (the same walk lists the same
/// files; 100,000 paths are not copied and compared on every `watch`
/// update), or their paths when the list was made another way. (Under
/// `watch --poll` every update walks: the pages are named again each time,
/// a small part of a walk of the vault.)
#[derive(Debug, Clone, PartialEq)]
enum Files {
    Walk(u64),
    Paths(Vec<VaultPath>),
}

impl PlanInputs {
    fn of(vault: &Vault, model: &ResearchModel, config: &Config) -> PlanInputs {
        PlanInputs {
            output: config.output_folder.clone(),
            page_names: config.page_names.clone(),
            format: vault.settings.new_link_format,
            markdown: vault.settings.use_markdown_links,
            files: match vault.walk {
                Some(walk) => Files::Walk(walk),
                None => Files::Paths(vault.files.iter().map(|file| file.path.clone()).collect()),
            },
            notes: [
                model.insights.iter().map(|n| n.note.path.clone()).collect(),
                model.jobs.iter().map(|n| n.note.path.clone()).collect(),
                model.plans.iter().map(|n| n.note.path.clone()).collect(),
            ],
        }
    }
}

/// Names every page (see [`PageNamer`]).
pub fn plan_pages(vault: &Vault, model: &ResearchModel, config: &Config) -> PagePlan {
    plan_pages_reusing(vault, model, config, None)
}

/// [`plan_pages`], reusing `last` (the last plan, `watch`): the whole plan
/// when it was named from the same inputs, else its link writer when that
/// writes links between the same files and pages with the same settings (its
/// name index and the link texts it worked out still hold).
pub fn plan_pages_reusing(
    vault: &Vault,
    model: &ResearchModel,
    config: &Config,
    last: Option<PagePlan>,
) -> PagePlan {
    let inputs = PlanInputs::of(vault, model, config);
    let last = match last {
        Some(last) if last.inputs.as_ref() == Some(&inputs) => return last,
        last => last.map(|plan| plan.links),
    };
    let mut plan = name_pages(vault, model, config, Some(inputs));
    let mut all_paths: Vec<VaultPath> = vault.files.iter().map(|file| file.path.clone()).collect();
    all_paths.extend(plan.pages.iter().map(|(path, _)| path.clone()));
    let (format, markdown) = (
        vault.settings.new_link_format,
        vault.settings.use_markdown_links,
    );
    plan.links = match last {
        Some(last) if last.writes_for(&mut all_paths, format, markdown) => last,
        last => {
            // Dropped on another thread: freeing the last writer's name
            // index and link texts took 20 ms at 100,000 notes.
            if let Some(last) = last {
                crate::pipeline::drop_in_background(last);
            }
            Arc::new(LinkWriter::new(all_paths, format, markdown))
        }
    };
    plan
}

/// The paths of the pages a build would write (cheaper than [`plan_pages`]: no
/// link writer).
pub fn page_paths(vault: &Vault, model: &ResearchModel, config: &Config) -> Vec<VaultPath> {
    name_pages(vault, model, config, None)
        .pages
        .into_iter()
        .map(|(path, _)| path)
        .collect()
}

fn name_pages(
    vault: &Vault,
    model: &ResearchModel,
    config: &Config,
    inputs: Option<PlanInputs>,
) -> PagePlan {
    let output = config.output_folder.as_str();
    let is_user_name = |lower_name: &str| {
        vault
            .index
            .files_named(lower_name)
            .iter()
            .any(|&file| vault.files[file as usize].exclusion != Exclusion::OutputFolder)
    };
    let mut namer = PageNamer::new(output, is_user_name);
    let insights_page = namer.name("", INSIGHTS_PAGE);
    let digest_page = namer.name("", DIGEST_PAGE);
    let health_page = namer.name("", HEALTH_PAGE);
    // One page per note of a kind, in its folder, named by the
    // configuration's pattern (`{title} (evidence)`, …).
    let mut name_each = |folder: &str, pattern: &str, notes: Vec<&NoteRef>| -> Vec<VaultPath> {
        let stems: Vec<String> = notes
            .par_iter()
            .map(|note| pattern.replace(TITLE, note.title()))
            .collect();
        namer.name_all(folder, &stems)
    };
    let names = &config.page_names;
    let insight_pages = name_each(
        "Insights",
        &names.insight,
        model.insights.iter().map(|insight| &insight.note).collect(),
    );
    let job_pages = name_each(
        "Jobs",
        &names.job,
        model.jobs.iter().map(|job| &job.note).collect(),
    );
    let plan_pages = name_each(
        "Plans",
        &names.plan,
        model.plans.iter().map(|plan| &plan.note).collect(),
    );
    let mut pages: Vec<(VaultPath, PageKind)> = vec![
        (insights_page.clone(), PageKind::Insights),
        (digest_page.clone(), PageKind::Digest),
        (health_page.clone(), PageKind::Health),
    ];
    let texts = |paths: &[VaultPath]| -> Vec<String> {
        paths.iter().map(|path| path.as_str().to_owned()).collect()
    };
    let (insight_texts, job_texts, plan_texts) =
        (texts(&insight_pages), texts(&job_pages), texts(&plan_pages));
    pages.extend(
        insight_pages
            .into_iter()
            .enumerate()
            .map(|(i, path)| (path, PageKind::Insight(i))),
    );
    pages.extend(
        job_pages
            .into_iter()
            .enumerate()
            .map(|(i, path)| (path, PageKind::Job(i))),
    );
    pages.extend(
        plan_pages
            .into_iter()
            .enumerate()
            .map(|(i, path)| (path, PageKind::Plan(i))),
    );
    PagePlan {
        pages,
        insight_pages: insight_texts,
        job_pages: job_texts,
        plan_pages: plan_texts,
        links: Arc::new(LinkWriter::new(
            Vec::new(),
            vault.settings.new_link_format,
            vault.settings.use_markdown_links,
        )),
        shared: Shared {
            insights: insights_page.to_string(),
            digest: digest_page.to_string(),
            health: health_page.to_string(),
            output: output.to_owned(),
        },
        inputs,
        unwritten: std::sync::OnceLock::new(),
        by_path: std::sync::OnceLock::new(),
        pages_hash: std::sync::OnceLock::new(),
    }
}

/// What every page may link to.
#[derive(Debug, Clone, Serialize)]
pub(super) struct Shared {
    insights: String,
    digest: String,
    health: String,
    output: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plan_and_its_unwritten_pages_are_kept_while_the_same_walk_lists_the_files() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-vault");
        let config = crate::config::load(&root).unwrap();
        let crate::pipeline::Analysis {
            mut vault, model, ..
        } = crate::pipeline::analyze(&root, &config).unwrap();
        assert!(vault.walk.is_some());
        let plan = plan_pages_reusing(&vault, &model, &config, None);
        // A stand-in shows whether what was worked out with the plan is kept.
        let stand_in = vec![VaultPath::new("Stand-in.md").unwrap()];
        plan.unwritten.set(stand_in.clone()).unwrap();
        let kept = plan_pages_reusing(&vault, &model, &config, Some(plan));
        assert_eq!(kept.unwritten.get(), Some(&stand_in));
        // Another walk (the files may differ): the pages are named again.
        vault.walk = vault.walk.map(|walk| walk + 1_000_000);
        let named = plan_pages_reusing(&vault, &model, &config, Some(kept.clone()));
        assert_eq!(named.unwritten.get(), None);
        assert_eq!(named.pages, kept.pages);
        // A list of files made another way is compared path by path.
        vault.walk = None;
        let named = plan_pages_reusing(&vault, &model, &config, Some(named));
        named.unwritten.set(stand_in.clone()).unwrap();
        let kept = plan_pages_reusing(&vault, &model, &config, Some(named));
        assert_eq!(kept.unwritten.get(), Some(&stand_in));
    }
}
