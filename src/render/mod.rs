//! Render: the pages throughline writes, as text, from minijinja templates. Pure:
//! reads the model and consolidation, returns pages; writing is [`crate::write`]'s.

mod chart;
mod digest;
mod environment;
mod fragments;
mod keys;
mod links;
mod pages;
mod plan;
mod quoted;
mod report;
mod view;

pub use environment::{DEFAULT_TEMPLATES, blockquote, chart_label, escape_cell, escape_markdown};
pub use fragments::{FragmentKeys, KeptFragments, Rendered as RenderedParts};
pub use keys::{JobRows, PageKeys, PageMemo};
pub use links::{LinkWriter, UnlinkableError};
pub use pages::{PageKind, PageNamer};
use plan::Shared;
pub use plan::{PagePlan, page_paths, plan_pages, plan_pages_reusing};
pub use quoted::quote_for_page;
pub use report::{
    DigestReport, REPORT_SCHEMA, ReportOptions, digest_report, obsidian_url, plain_text,
    report_html, report_markdown,
};
pub use view::{EntityView, InsightRow, InterviewView, NoteView, ObservationView, RoleView};

use std::borrow::Cow;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use minijinja::context;
use rayon::prelude::*;
use serde::Serialize;

use crate::config::Config;
use crate::consolidate::{Consolidation, Strength};
use crate::model::{JobStep, ResearchModel};
use crate::resolve::Vault;
use crate::scan::VaultPath;
use view::Views;

/// One generated page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// Where it goes.
    pub path: VaultPath,
    /// What it shows.
    pub kind: PageKind,
    /// Its text.
    pub content: String,
}

/// A template failed: which template, where, and why.
#[derive(Debug, thiserror::Error)]
#[error("template `{template}`{}: {message}", line.map(|line| format!(" line {line}")).unwrap_or_default())]
pub struct RenderError {
    /// The template's name (a file in `.throughline/templates/` or a default).
    pub template: String,
    /// The line in the template, when known.
    pub line: Option<usize>,
    /// What went wrong.
    pub message: String,
}

impl RenderError {
    fn from_minijinja(template: &str, error: &minijinja::Error) -> RenderError {
        let mut message = error.kind().to_string();
        if let Some(detail) = error.detail() {
            message = format!("{message}: {detail}");
        }
        RenderError {
            template: error.name().unwrap_or(template).to_owned(),
            line: error.line(),
            message,
        }
    }
}

/// A serialisable value for a template context.
fn v<T: Serialize>(value: T) -> minijinja::Value {
    minijinja::Value::from(minijinja::value::Serde(value))
}

/// A long list for a template context, each item built and converted on the
/// pool: the digest, the insight list and a large insight's evidence are
/// megabytes of context in a large vault, and one such page would otherwise
/// hold up a whole update on one core.
fn v_list<T: Serialize>(items: impl IndexedParallelIterator<Item = T>) -> minijinja::Value {
    minijinja::Value::from(items.map(v).collect::<Vec<minijinja::Value>>())
}

/// The observations at `indices`, quoted for the page at `page`, as a list of
/// template objects (see [`ObservationView`]), made on the pool.
fn observation_list(views: &Views<'_>, indices: &[usize], page: &str) -> minijinja::Value {
    let page = VaultPath::new(page);
    let items = indices
        .par_iter()
        .map(|&i| minijinja::Value::from_object(views.observation_on(i, page.as_ref())));
    minijinja::Value::from(items.collect::<Vec<minijinja::Value>>())
}

/// Renders every planned page. `root` is the vault folder (for template
/// overrides in `.throughline/templates/`).
pub fn render_pages(
    root: &Path,
    vault: &Vault,
    model: &ResearchModel,
    consolidation: &Consolidation,
    config: &Config,
    plan: &PagePlan,
) -> Result<Vec<Page>, RenderError> {
    Renderer::new(root, vault, model, consolidation, config, plan).render(&plan.pages)
}

/// Renders pages, a batch at a time (a large vault's pages need not all be in
/// memory at once).
pub struct Renderer<'a> {
    env: minijinja::Environment<'static>,
    views: Views<'a>,
    shared: &'a Shared,
    /// The digest's validation-queue entries.
    entries: fragments::Fragments,
    /// The rows of `Insights.md`.
    rows: fragments::Fragments,
    /// The job pages' rows for the insights they touch.
    job_rows: fragments::SharedParts,
    /// The job pages' evidence sections.
    job_evidence: fragments::Sections,
    /// Which forms of the evidence the job template reads (once known).
    job_reads: std::sync::OnceLock<Reads>,
    /// Which forms of the insight rows the job template reads (once known).
    job_row_reads: std::sync::OnceLock<Reads>,
}

impl<'a> Renderer<'a> {
    /// A renderer for the planned pages.
    pub fn new(
        root: &Path,
        vault: &'a Vault,
        model: &'a ResearchModel,
        consolidation: &'a Consolidation,
        config: &'a Config,
        plan: &'a PagePlan,
    ) -> Renderer<'a> {
        let mut renderer = Renderer {
            env: environment::environment(
                root.join(".throughline").join("templates"),
                Arc::clone(&plan.links),
            ),
            views: Views {
                vault,
                model,
                consolidation,
                insight_pages: &plan.insight_pages,
                job_pages: &plan.job_pages,
                plan_pages: &plan.plan_pages,
                thresholds: &config.thresholds,
                digest_queue: config.digest_queue,
                links: &plan.links,
                interview_values: view::InterviewValues::for_model(model),
            },
            shared: &plan.shared,
            entries: fragments::Fragments::fresh(fragments::ENTRY_TEMPLATE),
            rows: fragments::Fragments::fresh(fragments::ROW_TEMPLATE),
            job_rows: fragments::SharedParts::fresh(fragments::JOB_ROW_TEMPLATE),
            job_evidence: fragments::Sections::fresh(fragments::JOB_EVIDENCE_TEMPLATE),
            job_reads: std::sync::OnceLock::new(),
            job_row_reads: std::sync::OnceLock::new(),
        };
        renderer.share_job_rows_by_folder();
        renderer
    }

    /// Takes the parts of pages rendered by the last update (the digest's
    /// validation-queue entries, the rows of `Insights.md`, the job pages'
    /// evidence) whose key (from [`PageKeys::fragment_keys`]) is unchanged,
    /// instead of rendering them again.
    pub fn reuse_fragments(&mut self, keys: FragmentKeys, last: KeptFragments) {
        self.entries =
            fragments::Fragments::reusing(fragments::ENTRY_TEMPLATE, keys.entries, last.entries);
        self.rows = fragments::Fragments::reusing(fragments::ROW_TEMPLATE, keys.rows, last.rows);
        self.job_rows = fragments::SharedParts::reusing(
            fragments::JOB_ROW_TEMPLATE,
            keys.job_rows,
            last.job_rows,
        );
        self.share_job_rows_by_folder();
        self.job_evidence = fragments::Sections::reusing(
            fragments::JOB_EVIDENCE_TEMPLATE,
            keys.job_evidence,
            last.job_evidence,
        );
    }

    /// Job pages share their rows by folder only with the embedded row
    /// template: a vault's own may show the page's own path.
    fn share_job_rows_by_folder(&mut self) {
        if !self.is_default_template(fragments::JOB_ROW_TEMPLATE) {
            let parts = std::mem::replace(
                &mut self.job_rows,
                fragments::SharedParts::fresh(fragments::JOB_ROW_TEMPLATE),
            );
            self.job_rows = parts.per_page();
        }
    }

    /// The parts to keep for the next update (see
    /// [`Renderer::reuse_fragments`]).
    pub fn into_kept_fragments(self) -> KeptFragments {
        KeptFragments {
            entries: self.entries.into_kept(),
            rows: self.rows.into_kept(),
            job_rows: self.job_rows.into_kept(self.views.job_pages),
            job_evidence: self.job_evidence.into_kept(),
        }
    }

    /// The keys of the pages, to render only those that changed (see [`PageKeys`]).
    pub fn keys<'v>(
        &'v self,
        vault_key: u64,
        hashes: &'v crate::model::RecordHashes,
        fingerprints: crate::consolidate::SummaryFingerprints<'v>,
    ) -> PageKeys<'v, 'a> {
        // What the embedded templates show of each insight on a job page.
        let brief = self.is_default_template(PageKind::Job(0).template())
            && self.is_default_template(fragments::JOB_ROW_TEMPLATE);
        let job_rows = match brief {
            true => keys::JobRows::Brief,
            false => keys::JobRows::Whole,
        };
        // What the overview pages show of each insight.
        let overviews = [
            PageKind::Insights.template(),
            PageKind::Digest.template(),
            PageKind::Health.template(),
            fragments::ROW_TEMPLATE,
            fragments::ENTRY_TEMPLATE,
        ];
        let rows = match overviews.iter().all(|name| self.is_default_template(name)) {
            true => keys::InsightRows::Shown,
            false => keys::InsightRows::Whole,
        };
        PageKeys::new(&self.views, vault_key, hashes, fingerprints, job_rows, rows)
    }

    /// Whether the template `name` is the embedded one (or the same text, as
    /// `throughline init` writes it): what it reads is known.
    fn is_default_template(&self, name: &str) -> bool {
        self.env
            .get_template(name)
            .is_ok_and(|template| is_default_source(name, template.source()))
    }

    /// [`Renderer::template_reads`] for the job template, worked out once per
    /// build into `known` (the same for every job page).
    fn job_template_reads(
        &self,
        known: &std::sync::OnceLock<Reads>,
        parts: &str,
        data: &[&str],
    ) -> Result<Reads, RenderError> {
        if let Some(reads) = known.get() {
            return Ok(*reads);
        }
        let reads = self.template_reads(PageKind::Job(0).template(), parts, data)?;
        Ok(*known.get_or_init(|| reads))
    }

    /// Which of a list's two forms the page template `name` may read: `parts`
    /// (rendered with a template of their own, see [`fragments`]) or `data`
    /// (the items themselves, under any of these names). The embedded template
    /// (or the same text) reads the parts only; a vault's own template reads a
    /// form it names, or both when it takes in other templates, which may.
    fn template_reads(&self, name: &str, parts: &str, data: &[&str]) -> Result<Reads, RenderError> {
        let template = self
            .env
            .get_template(name)
            .map_err(|error| RenderError::from_minijinja(name, &error))?;
        let source = template.source();
        if is_default_source(name, source) {
            return Ok(Reads {
                parts: true,
                data: false,
            });
        }
        let composed = ["include", "import", "extends"]
            .iter()
            .any(|word| source.contains(word));
        let named = template.undeclared_variables(false);
        Ok(Reads {
            parts: composed || named.contains(parts),
            data: composed || data.iter().any(|name| named.contains(*name)),
        })
    }

    /// Renders `pages` (in parallel), sorted by path.
    pub fn render(&self, pages: &[(VaultPath, PageKind)]) -> Result<Vec<Page>, RenderError> {
        let mut rendered = self.render_with(pages, |page, _| Ok::<_, RenderError>(page))?;
        rendered.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(rendered)
    }

    /// Renders `pages` in parallel and hands each to `each` on the thread
    /// that rendered it, with the time rendering it took (a build writes it
    /// there and then: writing overlaps rendering, and a page is dropped as
    /// soon as it is on disk). Returns what `each` returned, in no set order.
    pub fn render_with<T, E>(
        &self,
        pages: &[(VaultPath, PageKind)],
        each: impl Fn(Page, Duration) -> Result<T, E> + Sync,
    ) -> Result<Vec<T>, E>
    where
        T: Send,
        E: From<RenderError> + Send,
    {
        // The overviews (Insights, Digest, Vault health) are the largest pages
        // by far: they start at once while the other pages share the pool, not
        // after them on the same thread.
        let (overviews, others): (Vec<_>, Vec<_>) = pages.iter().partition(|(_, kind)| {
            matches!(
                kind,
                PageKind::Insights | PageKind::Digest | PageKind::Health
            )
        });
        let (overviews, others) = rayon::join(
            || self.render_each(&overviews, &each),
            || self.render_each(&others, &each),
        );
        let mut done = overviews?;
        done.extend(others?);
        Ok(done)
    }

    fn render_each<T, E>(
        &self,
        pages: &[&(VaultPath, PageKind)],
        each: &(impl Fn(Page, Duration) -> Result<T, E> + Sync),
    ) -> Result<Vec<T>, E>
    where
        T: Send,
        E: From<RenderError> + Send,
    {
        pages
            .par_iter()
            .map(|(path, kind)| {
                let started = Instant::now();
                let template = kind.template();
                let context = self.page_context(path, *kind)?;
                let content = self
                    .env
                    .get_template(template)
                    .and_then(|compiled| compiled.render(context))
                    .map_err(|error| RenderError::from_minijinja(template, &error))?;
                let page = Page {
                    path: path.clone(),
                    kind: *kind,
                    content,
                };
                each(page, started.elapsed())
            })
            .collect()
    }
}

impl Renderer<'_> {
    fn page_context(
        &self,
        path: &VaultPath,
        kind: PageKind,
    ) -> Result<minijinja::Value, RenderError> {
        let (views, shared, page) = (&self.views, self.shared, path.as_str());
        Ok(match kind {
            PageKind::Insights => self.insights_context(page)?,
            PageKind::Insight(index) => insight_context(views, shared, page, index),
            PageKind::Job(index) => self.job_context(page, index)?,
            PageKind::Plan(index) => plan_context(views, shared, page, index),
            PageKind::Digest => self.digest_context(page)?,
            PageKind::Health => health_context(views, shared, page),
        })
    }
}

/// Insight rows sorted by strength (strongest first), then participants and
/// evidence (most first), then title (case-insensitive), then model order.
fn ranked_insights(views: &Views<'_>) -> Vec<usize> {
    // What the order reads, side by side: the summaries are large, and tens of
    // thousands of them read in a sort's order wait on memory at each step.
    let summaries = &views.consolidation.insights;
    let mut ranked: Vec<RankKey<'_>> = summaries
        .iter()
        .enumerate()
        .map(|(index, summary)| {
            RankKey::new(
                summary.strength,
                summary.participants.len(),
                summary.evidence.len(),
                views.model.insights[summary.insight].note.title(),
                index,
            )
        })
        .collect();
    ranked.sort_unstable_by(RankKey::order);
    ranked.into_iter().map(|key| key.index).collect()
}

/// What an insight is ranked by on `Insights.md`.
struct RankKey<'a> {
    /// Strength, participants and evidence in one number, larger first
    /// (each count is far below 2^60).
    counts: u128,
    /// The title, lower-cased once here, not at each comparison (a sort of
    /// thousands of insights compares many equal counts).
    title: Cow<'a, str>,
    /// The insight's place in the model: equal keys keep model order.
    index: usize,
}

impl<'a> RankKey<'a> {
    fn new(
        strength: Strength,
        participants: usize,
        evidence: usize,
        title: &'a str,
        index: usize,
    ) -> RankKey<'a> {
        let title = match title.is_ascii() && !title.bytes().any(|b| b.is_ascii_uppercase()) {
            true => Cow::Borrowed(title),
            false => Cow::Owned(title.to_lowercase()),
        };
        RankKey {
            counts: (strength as u128) << 120 | (participants as u128) << 60 | evidence as u128,
            title,
            index,
        }
    }

    fn order(x: &Self, y: &Self) -> std::cmp::Ordering {
        y.counts
            .cmp(&x.counts)
            .then_with(|| x.title.cmp(&y.title))
            .then_with(|| x.index.cmp(&y.index))
    }
}

/// `a.to_lowercase().cmp(&b.to_lowercase())`, without lower-casing copies when
/// both are ASCII (sorts of tens of thousands of titles compare many ties).
fn cmp_lowercase(a: &str, b: &str) -> std::cmp::Ordering {
    match a.is_ascii() && b.is_ascii() {
        true => a
            .bytes()
            .map(|byte| byte.to_ascii_lowercase())
            .cmp(b.bytes().map(|byte| byte.to_ascii_lowercase())),
        false => a.to_lowercase().cmp(&b.to_lowercase()),
    }
}

/// Whether `source` is the embedded text of the template `name`.
fn is_default_source(name: &str, source: &str) -> bool {
    DEFAULT_TEMPLATES
        .iter()
        .any(|(default, text)| *default == name && *text == source)
}

/// Which forms of a list a page template may read (see
/// [`Renderer::template_reads`]).
#[derive(Debug, Clone, Copy)]
struct Reads {
    /// Each item rendered with its own template.
    parts: bool,
    /// The items themselves.
    data: bool,
}

impl Renderer<'_> {
    fn insights_context(&self, page: &str) -> Result<minijinja::Value, RenderError> {
        let (views, shared) = (&self.views, self.shared);
        let order = ranked_insights(views);
        let reads =
            self.template_reads(PageKind::Insights.template(), "insight_rows", &["insights"])?;
        let rows = match reads.parts {
            true => {
                let shared = v(shared);
                self.rows.render_each(&self.env, &order, |insight| {
                    context! { page, shared => shared.clone(), row => v(views.insight_row(insight)) }
                })?
            }
            false => minijinja::Value::UNDEFINED,
        };
        let insights = match reads.data {
            true => v_list(order.par_iter().map(|&i| views.insight_row(i))),
            false => minijinja::Value::UNDEFINED,
        };
        let chart: Vec<InsightRow> = order
            .iter()
            .filter(|&&i| !views.consolidation.insights[i].participants.is_empty())
            .take(10)
            .map(|&i| views.insight_row(i))
            .collect();
        let count = |strength: Strength| {
            views
                .consolidation
                .insights
                .iter()
                .filter(|s| s.strength == strength)
                .count()
        };
        Ok(context! {
            page,
            shared => v(shared),
            insight_rows => rows,
            insights,
            chart => v(chart),
            pattern => v(count(Strength::Pattern)),
            recurring => v(count(Strength::Recurring)),
            individual => v(count(Strength::Individual)),
            unsupported => v(count(Strength::None)),
            needs_validation => v(views.consolidation.insights.iter().filter(|s| s.needs_validation && s.strength != Strength::None).count()),
            interviews => v(views.model.interviews.len()),
            observations => v(views.model.observations.len()),
        })
    }
}

fn insight_context(
    views: &Views<'_>,
    shared: &Shared,
    page: &str,
    index: usize,
) -> minijinja::Value {
    let summary = &views.consolidation.insights[index];
    let row = views.insight_row(index);
    let evidence = observation_list(views, &summary.evidence, page);
    let counter = observation_list(views, &summary.counter_evidence, page);
    let jobs: Vec<JobLink> = summary
        .jobs
        .iter()
        .filter_map(|&file| views.model.index_of(file, crate::config::NoteType::Job))
        .map(|job| JobLink {
            note: views.note(views.model.jobs[job].note.file),
            page: views.job_pages[job].clone(),
        })
        .collect();
    let (follow_ups, more_follow_ups) = views.follow_ups(index, FOLLOW_UPS_ON_INSIGHT_PAGE);
    context! {
        page,
        shared => v(shared),
        insight => v(row),
        follow_ups => v(follow_ups),
        more_follow_ups,
        by_role => v(views.roles(summary)),
        mixed_roles => v(summary.mixed_roles),
        participants => v(summary.participants.iter().map(|p| views.entity(p)).collect::<Vec<_>>()),
        companies => v(summary.companies.iter().map(|c| views.entity(c)).collect::<Vec<_>>()),
        evidence,
        counter_evidence => counter,
        jobs => v(jobs),
    }
}

#[derive(Serialize)]
struct JobLink {
    note: NoteView,
    page: String,
}

#[derive(Serialize)]
struct MatrixRow {
    step: &'static str,
    cells: Vec<usize>,
    total: usize,
}

impl Renderer<'_> {
    fn job_context(&self, page: &str, index: usize) -> Result<minijinja::Value, RenderError> {
        let (views, shared) = (&self.views, self.shared);
        let summary = &views.consolidation.jobs[index];
        let job = &views.model.jobs[summary.job];
        let mut columns: Vec<String> = summary.roles.iter().map(|role| role.key.clone()).collect();
        let show_unknown = summary.has_unknown_role;
        if show_unknown {
            columns.push("no role".to_owned());
        }
        let rows: Vec<MatrixRow> = summary
            .matrix
            .iter()
            .filter(|row| row.step.is_some() || row.counts.iter().any(|&count| count > 0))
            .map(|row| {
                let mut cells = row.counts.clone();
                if !show_unknown {
                    cells.pop();
                }
                MatrixRow {
                    step: row.step.map_or("untagged", JobStep::as_str),
                    total: cells.iter().sum(),
                    cells,
                }
            })
            .collect();
        // The default template shows the rows rendered on their own (shared by
        // every job page); a vault's own may loop over the insights itself.
        let row_reads =
            self.job_template_reads(&self.job_row_reads, "insight_rows", &["insights"])?;
        let insight_rows = match row_reads.parts {
            true => {
                let shared = v(shared);
                self.job_rows
                    .render_each(&self.env, page, &summary.insights, |insight| {
                        context! { page, shared => shared.clone(), row => v(views.insight_row(insight)) }
                    })?
            }
            false => minijinja::Value::UNDEFINED,
        };
        let insights = match row_reads.data {
            true => v(summary
                .insights
                .iter()
                .map(|&i| views.insight_row(i))
                .collect::<Vec<_>>()),
            false => minijinja::Value::UNDEFINED,
        };
        let plans: Vec<JobLink> = summary
            .plans
            .iter()
            .map(|&plan| JobLink {
                note: views.note(views.model.plans[plan].note.file),
                page: views.plan_pages[plan].clone(),
            })
            .collect();
        let job_note = v(views.note(job.note.file));
        let evidence = || observation_list(views, &summary.evidence, page);
        let interviews = || {
            v(summary
                .interviews
                .iter()
                .map(|&i| views.interview_value(i))
                .collect::<Vec<_>>())
        };
        // The default template shows the evidence section rendered on its own
        // (and kept by `watch`); a vault's own job template may show the
        // evidence and interviews itself. Worked out once: it is the same for
        // every job page.
        let reads = self.job_template_reads(
            &self.job_reads,
            "evidence_section",
            &["evidence", "interviews"],
        )?;
        let section = if reads.parts {
            let text = self.job_evidence.render(&self.env, index, || {
                context! {
                    page,
                    shared => v(shared),
                    job => job_note.clone(),
                    evidence => evidence(),
                    interviews => interviews(),
                }
            })?;
            minijinja::Value::from(text)
        } else {
            minijinja::Value::UNDEFINED
        };
        Ok(context! {
            page,
            shared => v(shared),
            job => job_note,
            statement => v(job.statement.clone()),
            framework => v(job.framework.map(|file| views.note(file))),
            evidence_count => v(summary.evidence.len()),
            interview_count => v(summary.interviews.len()),
            participants => v(summary.participants.iter().map(|p| views.entity(p)).collect::<Vec<_>>()),
            roles => v(summary.roles.iter().map(|role| role.key.clone()).collect::<Vec<_>>()),
            columns => v(columns),
            matrix => v(rows),
            gaps => v(summary.matrix.iter().filter(|row| row.step.is_some()).map(|row| row.counts.iter().take(summary.roles.len()).filter(|&&c| c == 0).count()).sum::<usize>()),
            evidence_section => section,
            evidence => if reads.data { evidence() } else { minijinja::Value::UNDEFINED },
            insight_rows,
            insights,
            interviews => if reads.data { interviews() } else { minijinja::Value::UNDEFINED },
            plans => v(plans),
        })
    }
}

#[derive(Serialize)]
struct RoleCoverageView {
    role: String,
    held: usize,
    target: Option<u32>,
    complete: bool,
    interviews: Vec<InterviewView>,
}

#[derive(Serialize)]
struct JobCoverageView {
    job: NoteView,
    page: Option<String>,
    interviews: Vec<InterviewView>,
}

#[derive(Serialize)]
struct QuestionView {
    text: String,
    answered_by: Vec<InterviewView>,
    off_plan: Vec<InterviewView>,
}

fn plan_context(views: &Views<'_>, shared: &Shared, page: &str, index: usize) -> minijinja::Value {
    let coverage = &views.consolidation.plans[index];
    let plan = &views.model.plans[coverage.plan];
    let role_view = |role: &crate::consolidate::RoleCoverage| RoleCoverageView {
        role: role.role.key.clone(),
        held: role.interviews.len(),
        target: role.target,
        complete: role
            .target
            .is_some_and(|target| role.interviews.len() >= target as usize),
        interviews: role
            .interviews
            .iter()
            .map(|&i| views.interview(i))
            .collect(),
    };
    let jobs: Vec<JobCoverageView> = coverage
        .jobs
        .iter()
        .map(|job| JobCoverageView {
            job: views.note(job.job),
            page: views
                .model
                .index_of(job.job, crate::config::NoteType::Job)
                .map(|index| views.job_pages[index].clone()),
            interviews: job.interviews.iter().map(|&i| views.interview(i)).collect(),
        })
        .collect();
    let questions: Vec<QuestionView> = coverage
        .questions
        .iter()
        .map(|question| QuestionView {
            text: plan.questions[question.question].text.clone(),
            answered_by: question
                .answered_by
                .iter()
                .map(|&i| views.interview(i))
                .collect(),
            off_plan: question
                .off_plan_answers
                .iter()
                .map(|&i| views.interview(i))
                .collect(),
        })
        .collect();
    context! {
        page,
        shared => v(shared),
        plan => v(views.note(plan.note.file)),
        target => v(plan.target),
        interviews => v(coverage.interviews.iter().map(|&i| views.interview(i)).collect::<Vec<_>>()),
        roles => v(coverage.roles.iter().map(role_view).collect::<Vec<_>>()),
        off_plan => v(coverage.off_plan.iter().map(role_view).collect::<Vec<_>>()),
        without_role => v(coverage.without_role.iter().map(|&i| views.interview(i)).collect::<Vec<_>>()),
        jobs_covered => v(coverage.jobs.iter().filter(|job| !job.interviews.is_empty()).count()),
        jobs => v(jobs),
        questions_answered => v(coverage.questions_answered()),
        questions => v(questions),
    }
}

#[derive(Serialize)]
struct InterviewObservations {
    interview: InterviewView,
    observations: Vec<ObservationView>,
}

#[derive(Serialize)]
struct PlanGroup {
    plan: Option<NoteView>,
    interviews: Vec<InterviewObservations>,
}

/// Observations grouped by plan (plans by title, no plan last), then interview.
fn grouped(views: &Views<'_>, observations: &[usize], page: &str) -> Vec<PlanGroup> {
    let mut groups: Vec<PlanGroup> = Vec::new();
    let mut keyed: Vec<(Option<String>, usize, usize)> = observations
        .iter()
        .map(|&index| {
            let interview = views.model.observations[index].interview;
            let plan = views.model.interviews[interview]
                .plan
                .map(|file| views.vault.files[file as usize].path.stem().to_lowercase());
            (plan, interview, index)
        })
        .collect();
    keyed.sort_by(|a, b| {
        (a.0.is_none(), &a.0)
            .cmp(&(b.0.is_none(), &b.0))
            .then_with(|| {
                let (x, y) = (&views.model.interviews[a.1], &views.model.interviews[b.1]);
                x.date
                    .cmp(&y.date)
                    .then_with(|| x.note.path.cmp(&y.note.path))
            })
            .then_with(|| a.2.cmp(&b.2))
    });
    for (_, interview, index) in keyed {
        let plan = views.model.interviews[interview]
            .plan
            .map(|file| views.note(file));
        let same_plan = groups.last().is_some_and(|group| {
            group.plan.as_ref().map(|p| &p.path) == plan.as_ref().map(|p| &p.path)
        });
        if !same_plan {
            groups.push(PlanGroup {
                plan,
                interviews: Vec::new(),
            });
        }
        let group = groups.last_mut().expect("pushed above");
        let interview_view = views.interview(interview);
        match group.interviews.last_mut() {
            Some(last) if last.interview.note.path == interview_view.note.path => {
                last.observations.push(views.observation(index, page));
            }
            _ => group.interviews.push(InterviewObservations {
                interview: interview_view,
                observations: vec![views.observation(index, page)],
            }),
        }
    }
    groups
}

/// Follow-up suggestions shown per insight on its page, and in the digest.
const FOLLOW_UPS_ON_INSIGHT_PAGE: usize = 20;
const FOLLOW_UPS_IN_DIGEST: usize = 5;

#[derive(Serialize)]
struct ProblemView {
    note: NoteView,
    line: Option<u32>,
    code: &'static str,
    message: String,
}

fn health_context(views: &Views<'_>, shared: &Shared, page: &str) -> minijinja::Value {
    let problem = |diagnostic: &crate::diagnostics::Diagnostic| ProblemView {
        note: NoteView {
            path: diagnostic.path.as_str().to_owned(),
            title: diagnostic.path.stem().to_owned(),
        },
        line: diagnostic
            .location
            .as_ref()
            .map(|location| location.start.line),
        code: diagnostic.code.as_str(),
        message: diagnostic.message.to_string(),
    };
    let health = &views.consolidation.health;
    context! {
        page,
        shared => v(shared),
        broken_links => v_list(health.broken_links.par_iter().map(|&i| problem(&views.vault.diagnostics[i]))),
        left_out => v_list(health.left_out.par_iter().map(|&i| problem(&views.vault.diagnostics[i]))),
        unreadable => v_list(health.unreadable_paths.par_iter().map(|&i| problem(&views.vault.diagnostics[i]))),
        schema_problems => v_list(health.schema_problems.par_iter().map(|&i| problem(&views.model.diagnostics[i]))),
        without_evidence => v(health.insights_without_evidence.iter().map(|&i| views.insight_row(i)).collect::<Vec<_>>()),
        unlinked => v(health.unlinked_listed.iter().map(|&i| views.observation(i, page)).collect::<Vec<_>>()),
        unlinked_count => health.unlinked_count,
        more_unlinked => health.unlinked_count.saturating_sub(health.unlinked_listed.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::{RankKey, Strength, cmp_lowercase};

    #[test]
    fn titles_compare_as_their_lower_case_copies_do() {
        // Pairs of ASCII titles take the fast path; the others check that a
        // non-ASCII title on either side is compared as before.
        let titles = [
            "", "a", "A", "b", "ab", "Ab", "AB c", "ab c", "a b", "a-b", "a_b", "a[b", "a`b",
            "a{b", "a@b", "a^b", "Z", "z", "Zed", "[x]", "1", "10", "Ärger", "ärger", "É", "e",
            "ǅ", "İ",
        ];
        for a in titles {
            for b in titles {
                let expected = a.to_lowercase().cmp(&b.to_lowercase());
                assert_eq!(cmp_lowercase(a, b), expected, "{a:?} against {b:?}");
            }
        }
    }

    #[test]
    fn ties_rank_as_a_stable_sort_by_lower_cased_title_does() {
        use Strength::{Individual, Pattern, Recurring};
        let keys = [
            (Recurring, 2, 3, "beta"),
            (Pattern, 5, 9, "Alpha"),
            (Recurring, 2, 3, "Beta"),
            (Recurring, 2, 3, "alpha"),
            (Recurring, 2, 4, "zeta"),
            (Individual, 1, 1, "Alpha"),
            (Recurring, 2, 3, "beta"),
            (Recurring, 3, 3, "gamma"),
            (Individual, 1, 1, "alpha"),
            (Recurring, 2, 3, "Ärger"),
            (Recurring, 2, 3, "Zeta"),
            (Recurring, 2, 3, "ärger"),
            (Recurring, 2, 3, "zebra"),
        ];
        // The ranking as it was first written: indices, stably sorted by the
        // fields, the titles lower-cased.
        let mut expected: Vec<usize> = (0..keys.len()).collect();
        expected.sort_by(|&a, &b| {
            let (x, y) = (keys[a], keys[b]);
            y.0.cmp(&x.0)
                .then_with(|| y.1.cmp(&x.1))
                .then_with(|| y.2.cmp(&x.2))
                .then_with(|| x.3.to_lowercase().cmp(&y.3.to_lowercase()))
        });
        let mut ranked: Vec<RankKey<'_>> = keys
            .iter()
            .enumerate()
            .map(|(index, &(strength, participants, evidence, title))| {
                RankKey::new(strength, participants, evidence, title, index)
            })
            .collect();
        ranked.sort_unstable_by(RankKey::order);
        let order: Vec<usize> = ranked.iter().map(|key| key.index).collect();
        assert_eq!(order, expected);
    }
}
