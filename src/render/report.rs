//! The digest report (`throughline digest`): a period's learned and surprising
//! observations, new insights, strength changes, the validation queue and plan
//! coverage — as Markdown, as one self-contained HTML file, or as JSON.
//!
//! [`DigestReport`] is the JSON schema (`"schema": 1`, field by field below);
//! the Markdown and HTML templates (`report.md.j2`, `report.html.j2`,
//! overridable like the pages' templates) read the same data.

use std::path::Path;
use std::sync::Arc;

use jiff::civil::Date;
use minijinja::context;
use serde::Serialize;

use super::chart::{BarChart, CoverageChart};
use super::view::Views;
use super::{RenderError, environment, v};
use crate::config::{Config, DigestPeriod};
use crate::consolidate::{Consolidation, Period, Scope, digest_of, latest_period};
use crate::pipeline::Analysis;
use crate::resolve::FileId;
use crate::scan::VaultPath;

/// The version of the JSON schema.
pub const REPORT_SCHEMA: u32 = 1;

/// Follow-up suggestions shown per insight of the validation queue.
const FOLLOW_UPS_IN_REPORT: usize = 5;

/// Insights in the participants chart.
const CHART_INSIGHTS: usize = 15;

/// Where the Markdown report's links are written from (the vault's root).
const REPORT_NOTE: &str = "Digest report.md";

/// What to report on.
#[derive(Debug, Clone, Default)]
pub struct ReportOptions {
    /// First day (default: the start of the latest period with interviews).
    pub since: Option<Date>,
    /// Last day (default: the latest interview's day, or the period's end).
    pub until: Option<Date>,
    /// Only this plan's interviews.
    pub plan: Option<FileId>,
    /// The Obsidian vault's name, for `obsidian://` links.
    pub vault_name: Option<String>,
}

/// A note, with an `obsidian://open` URL when the vault's name is known.
#[derive(Debug, Clone, Serialize)]
pub struct NoteLink {
    /// Vault path.
    pub path: String,
    /// Title (the file name without `.md`).
    pub title: String,
    /// `obsidian://open?vault=…&file=…`, or null.
    pub url: Option<String>,
}

/// A participant.
#[derive(Debug, Clone, Serialize)]
pub struct PersonEntry {
    /// Display name.
    pub name: String,
    /// Their person note, if any.
    pub note: Option<NoteLink>,
}

/// An interview of the period.
#[derive(Debug, Clone, Serialize)]
pub struct InterviewEntry {
    /// The note.
    pub note: NoteLink,
    /// `YYYY-MM-DD`.
    pub date: Option<String>,
    /// Participants.
    pub participants: Vec<PersonEntry>,
    /// Their roles (lower-case keys).
    pub roles: Vec<String>,
    /// Their companies.
    pub companies: Vec<String>,
    /// Its plan.
    pub plan: Option<NoteLink>,
}

/// An observation of the period.
#[derive(Debug, Clone, Serialize)]
pub struct ObservationEntry {
    /// Vault path of its interview.
    pub interview: String,
    /// Its line there.
    pub line: u32,
    /// `learned`, `surprise`, `quote`, `open question`.
    pub kind: &'static str,
    /// Markdown, its links rewritten to resolve from the vault's root.
    pub text: String,
    /// The same as plain text: links shown by their display text.
    pub plain: String,
    /// `#^id` or `#Heading` back to it, or null.
    pub anchor: Option<String>,
    /// Insights it links.
    pub insights: Vec<NoteLink>,
    /// Jobs it links.
    pub jobs: Vec<NoteLink>,
    /// `pain`, `gain`, `workaround`, `request`, `contradicts`.
    pub signals: Vec<&'static str>,
    /// Job-map steps.
    pub steps: Vec<&'static str>,
}

/// Evidence from one role.
#[derive(Debug, Clone, Serialize)]
pub struct RoleCount {
    /// The role, or null for participants without one.
    pub role: Option<String>,
    /// Observations.
    pub observations: usize,
    /// Distinct participants.
    pub participants: usize,
}

/// An insight and what backs it.
#[derive(Debug, Clone, Serialize)]
pub struct InsightEntry {
    /// The insight note.
    pub note: NoteLink,
    /// `none`, `individual`, `recurring`, `pattern`.
    pub strength: &'static str,
    /// Its `status`.
    pub status: String,
    /// Distinct participants, by name.
    pub participants: Vec<String>,
    /// Distinct companies.
    pub companies: Vec<String>,
    /// Roles.
    pub roles: Vec<String>,
    /// Supporting observations.
    pub evidence: usize,
    /// Contradicting observations.
    pub counter_evidence: usize,
    /// First and last interview dates.
    pub first_seen: Option<String>,
    /// Last seen.
    pub last_seen: Option<String>,
    /// Whether it needs validating, and why.
    pub needs_validation: bool,
    /// Why.
    pub reasons: Vec<String>,
    /// Evidence per role.
    pub by_role: Vec<RoleCount>,
}

/// An insight whose strength changed in the period.
#[derive(Debug, Clone, Serialize)]
pub struct StrengthChangeEntry {
    /// The insight.
    pub insight: NoteLink,
    /// Before the period (evidence dated before `since`).
    pub before: &'static str,
    /// At its end.
    pub after: &'static str,
}

/// Someone to ask again.
#[derive(Debug, Clone, Serialize)]
pub struct FollowUpEntry {
    /// Who.
    pub person: PersonEntry,
    /// Where they raised it.
    pub interview: NoteLink,
    /// Whether they raised the insight itself (else one of its jobs).
    pub raised_insight: bool,
}

/// An insight to validate next.
#[derive(Debug, Clone, Serialize)]
pub struct QueueEntry {
    /// The insight.
    pub insight: NoteLink,
    /// Its strength.
    pub strength: &'static str,
    /// Why it needs validating.
    pub reasons: Vec<String>,
    /// Who to ask.
    pub follow_ups: Vec<FollowUpEntry>,
    /// How many more could be asked.
    pub more: usize,
}

/// Interviews held for one role of a plan.
#[derive(Debug, Clone, Serialize)]
pub struct RoleCoverageEntry {
    /// The role.
    pub role: String,
    /// Interviews held.
    pub held: usize,
    /// The plan's target, if any.
    pub target: Option<u32>,
    /// Whether the target is reached.
    pub complete: bool,
}

/// A plan's coverage.
#[derive(Debug, Clone, Serialize)]
pub struct PlanEntry {
    /// The plan note.
    pub note: NoteLink,
    /// Interviews wanted per role.
    pub target: Option<u32>,
    /// Interviews held (all time).
    pub interviews: usize,
    /// Per planned role.
    pub roles: Vec<RoleCoverageEntry>,
    /// Roles the plan does not list.
    pub off_plan: Vec<RoleCoverageEntry>,
    /// Planned questions.
    pub questions: usize,
    /// Of which answered.
    pub questions_answered: usize,
    /// Jobs the plan explores.
    pub jobs: usize,
    /// Of which covered by an interview.
    pub jobs_covered: usize,
}

/// The period.
#[derive(Debug, Clone, Serialize)]
pub struct PeriodEntry {
    /// `2026-W47`, `2026-11`, `2026-11-01 to 2026-11-20`.
    pub label: String,
    /// First day.
    pub start: String,
    /// Last day.
    pub end: String,
}

/// The digest report; its JSON form is schema 1.
#[derive(Debug, Clone, Serialize)]
pub struct DigestReport {
    /// Always [`REPORT_SCHEMA`].
    pub schema: u32,
    /// `throughline <version>`.
    pub generator: String,
    /// The Obsidian vault's name, when given.
    pub vault: Option<String>,
    /// The period, or null when no interview is dated.
    pub period: Option<PeriodEntry>,
    /// The plan it is limited to, or null.
    pub plan: Option<NoteLink>,
    /// Interviews of the period.
    pub interviews: Vec<InterviewEntry>,
    /// Learned observations of the period.
    pub learned: Vec<ObservationEntry>,
    /// Surprising observations of the period.
    pub surprised: Vec<ObservationEntry>,
    /// Every insight in scope (all, or those the plan's interviews back),
    /// strongest first.
    pub insights: Vec<InsightEntry>,
    /// Paths of insights first seen in the period.
    pub new_insights: Vec<String>,
    /// Insights whose strength changed in the period.
    pub strength_changes: Vec<StrengthChangeEntry>,
    /// What to validate next, most important first.
    pub validation_queue: Vec<QueueEntry>,
    /// Plan coverage (the plan's only, with `--plan`).
    pub plans: Vec<PlanEntry>,
}

/// Builds the report.
pub fn digest_report(
    analysis: &Analysis,
    consolidation: &Consolidation,
    config: &Config,
    options: &ReportOptions,
) -> DigestReport {
    let model = &analysis.model;
    let views = Views {
        vault: &analysis.vault,
        model,
        consolidation,
        insight_pages: &analysis.plan.insight_pages,
        job_pages: &analysis.plan.job_pages,
        plan_pages: &analysis.plan.plan_pages,
        thresholds: &config.thresholds,
        digest_queue: config.digest_queue,
        links: &analysis.plan.links,
        interview_values: super::view::InterviewValues::for_model(model),
    };
    let linker = Linker {
        vault: &analysis.vault,
        name: options.vault_name.as_deref(),
    };
    let scope = options.plan.map_or(Scope::All, Scope::Plan);
    let period = report_period(analysis, config.digest_period, scope, options);
    let digest = period.clone().map(|period| {
        digest_of(
            model,
            &consolidation.insights,
            &config.thresholds,
            period,
            config.digest_period,
            scope,
            None,
        )
    });
    let page = VaultPath::new(REPORT_NOTE).expect("a valid vault path");
    let observation = |index: usize| {
        let view = views.observation_on(index, Some(&page));
        let found = &model.observations[index];
        ObservationEntry {
            interview: model.interviews[found.interview].note.path.to_string(),
            line: view.line,
            kind: view.kind,
            plain: plain_text(&found.text),
            text: view.text,
            anchor: view.anchor,
            insights: found
                .insights
                .iter()
                .map(|&file| linker.note(file))
                .collect(),
            jobs: found.jobs.iter().map(|&file| linker.note(file)).collect(),
            signals: view.signals,
            steps: view.steps,
        }
    };
    let person = |entity: &crate::model::Entity| PersonEntry {
        name: entity.name.clone(),
        note: entity.file.map(|file| linker.note(file)),
    };
    let interviews = digest
        .iter()
        .flat_map(|digest| &digest.interviews)
        .map(|&index| {
            let interview = &model.interviews[index];
            let mut companies: Vec<String> = Vec::new();
            for participant in &interview.participants {
                if let Some(company) = &participant.company
                    && !companies.contains(&company.name)
                {
                    companies.push(company.name.clone());
                }
            }
            InterviewEntry {
                note: linker.note(interview.note.file),
                date: interview.date.map(|date| date.to_string()),
                participants: interview
                    .participants
                    .iter()
                    .map(|p| person(&p.person))
                    .collect(),
                roles: interview
                    .roles()
                    .into_iter()
                    .map(|role| role.key.clone())
                    .collect(),
                companies,
                plan: interview.plan.map(|file| linker.note(file)),
            }
        })
        .collect();
    let insight_link = |index: usize| {
        linker.note(
            model.insights[consolidation.insights[index].insight]
                .note
                .file,
        )
    };
    let in_scope = |index: usize| {
        scope == Scope::All || {
            let summary = &consolidation.insights[index];
            summary
                .evidence
                .iter()
                .chain(&summary.counter_evidence)
                .any(|&o| model.interviews[model.observations[o].interview].plan == options.plan)
        }
    };
    let mut insights: Vec<(usize, InsightEntry)> = (0..consolidation.insights.len())
        .filter(|&index| in_scope(index))
        .map(|index| {
            let row = views.insight_row(index);
            let summary = &consolidation.insights[index];
            (
                index,
                InsightEntry {
                    note: insight_link(index),
                    strength: row.strength,
                    status: row.status,
                    participants: summary
                        .participants
                        .iter()
                        .map(|p| p.name.clone())
                        .collect(),
                    companies: summary.companies.iter().map(|c| c.name.clone()).collect(),
                    roles: row.roles,
                    evidence: row.evidence,
                    counter_evidence: row.counter_evidence,
                    first_seen: row.first_seen,
                    last_seen: row.last_seen,
                    needs_validation: row.needs_validation,
                    reasons: row.reasons,
                    by_role: views
                        .roles(summary)
                        .into_iter()
                        .map(|role| RoleCount {
                            role: role.role,
                            observations: role.observations,
                            participants: role.participants,
                        })
                        .collect(),
                },
            )
        })
        .collect();
    insights.sort_by(|(a, x), (b, y)| {
        let (sa, sb) = (&consolidation.insights[*a], &consolidation.insights[*b]);
        sb.strength
            .cmp(&sa.strength)
            .then_with(|| y.participants.len().cmp(&x.participants.len()))
            .then_with(|| y.evidence.cmp(&x.evidence))
            .then_with(|| super::cmp_lowercase(&x.note.title, &y.note.title))
    });
    let validation_queue = digest
        .iter()
        .flat_map(|digest| &digest.validation_queue)
        .map(|&index| {
            let row = views.insight_row(index);
            let (follow_ups, more) = views.follow_ups(index, FOLLOW_UPS_IN_REPORT);
            let summary = &consolidation.insights[index];
            QueueEntry {
                insight: insight_link(index),
                strength: row.strength,
                reasons: row.reasons,
                follow_ups: follow_ups
                    .iter()
                    .zip(&summary.follow_ups)
                    .map(|(view, follow_up)| FollowUpEntry {
                        person: person(&follow_up.person),
                        interview: linker.note(model.interviews[follow_up.interview].note.file),
                        raised_insight: view.raised_insight,
                    })
                    .collect(),
                more,
            }
        })
        .collect();
    let plans = consolidation
        .plans
        .iter()
        .filter(|coverage| {
            options.plan.is_none() || Some(model.plans[coverage.plan].note.file) == options.plan
        })
        .map(|coverage| {
            let plan = &model.plans[coverage.plan];
            let role = |role: &crate::consolidate::RoleCoverage| RoleCoverageEntry {
                role: role.role.key.clone(),
                held: role.interviews.len(),
                target: role.target,
                complete: role
                    .target
                    .is_some_and(|target| role.interviews.len() >= target as usize),
            };
            PlanEntry {
                note: linker.note(plan.note.file),
                target: plan.target,
                interviews: coverage.interviews.len(),
                roles: coverage.roles.iter().map(role).collect(),
                off_plan: coverage.off_plan.iter().map(role).collect(),
                questions: coverage.questions.len(),
                questions_answered: coverage.questions_answered(),
                jobs: coverage.jobs.len(),
                jobs_covered: coverage
                    .jobs
                    .iter()
                    .filter(|job| !job.interviews.is_empty())
                    .count(),
            }
        })
        .collect();
    DigestReport {
        schema: REPORT_SCHEMA,
        generator: format!("throughline {}", env!("CARGO_PKG_VERSION")),
        vault: options.vault_name.clone(),
        period: digest.as_ref().map(|digest| PeriodEntry {
            label: digest.period.label.clone(),
            start: digest.period.start.to_string(),
            end: digest.period.end.to_string(),
        }),
        plan: options.plan.map(|file| linker.note(file)),
        interviews,
        learned: digest
            .iter()
            .flat_map(|d| &d.learned)
            .map(|&i| observation(i))
            .collect(),
        surprised: digest
            .iter()
            .flat_map(|d| &d.surprised)
            .map(|&i| observation(i))
            .collect(),
        new_insights: digest
            .iter()
            .flat_map(|d| &d.new_insights)
            .map(|&i| insight_link(i).path)
            .collect(),
        strength_changes: digest
            .iter()
            .flat_map(|d| &d.strength_changes)
            .map(|change| StrengthChangeEntry {
                insight: insight_link(change.insight),
                before: change.before.as_str(),
                after: change.after.as_str(),
            })
            .collect(),
        insights: insights.into_iter().map(|(_, entry)| entry).collect(),
        validation_queue,
        plans,
    }
}

/// The period: from `--since`/`--until`, else the latest period (of the
/// configured kind) holding an interview in scope.
fn report_period(
    analysis: &Analysis,
    kind: DigestPeriod,
    scope: Scope,
    options: &ReportOptions,
) -> Option<Period> {
    let model = &analysis.model;
    let dates: Vec<Date> = model
        .interviews
        .iter()
        .filter(|interview| match scope {
            Scope::All => true,
            Scope::Plan(plan) => interview.plan == Some(plan),
        })
        .filter_map(|interview| interview.date)
        .collect();
    match (options.since, options.until) {
        (None, None) => {
            let latest = dates.iter().max()?;
            Some(Period::containing(*latest, kind)).filter(|_| latest_period(model, kind).is_some())
        }
        (since, until) => {
            let start = since
                .or_else(|| {
                    dates
                        .iter()
                        .filter(|date| until.is_none_or(|until| **date <= until))
                        .min()
                        .copied()
                })
                .or(until)?;
            let end = until
                .or_else(|| {
                    dates
                        .iter()
                        .max()
                        .copied()
                        .filter(|latest| *latest >= start)
                })
                .unwrap_or(start);
            let end = end.max(start);
            // A single day reads better as one date.
            Some(if start == end {
                Period {
                    start,
                    end,
                    label: start.to_string(),
                }
            } else {
                Period::between(start, end)
            })
        }
    }
}

/// Notes as [`NoteLink`]s.
struct Linker<'a> {
    vault: &'a crate::resolve::Vault,
    name: Option<&'a str>,
}

impl Linker<'_> {
    fn note(&self, file: FileId) -> NoteLink {
        let path = &self.vault.files[file as usize].path;
        NoteLink {
            path: path.to_string(),
            title: path.stem().to_owned(),
            url: self.name.map(|name| obsidian_url(name, path)),
        }
    }
}

/// `obsidian://open?vault=<name>&file=<path>` (percent-encoded as
/// `encodeURIComponent` does, which Obsidian decodes).
pub fn obsidian_url(vault: &str, path: &VaultPath) -> String {
    use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
    const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'!')
        .remove(b'~')
        .remove(b'*')
        .remove(b'\'')
        .remove(b'(')
        .remove(b')');
    format!(
        "obsidian://open?vault={}&file={}",
        utf8_percent_encode(vault, COMPONENT),
        utf8_percent_encode(path.as_str(), COMPONENT)
    )
}

/// Markdown as plain text: a link shows its display text (`[[A|b]]` → `b`,
/// `[[A#H]]` → `A > H`, `[t](u)` → `t`); everything else is kept as written.
pub fn plain_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        let (before, from) = rest.split_at(open);
        out.push_str(before.strip_suffix('!').unwrap_or(before));
        if let Some(inner) = from.strip_prefix("[[")
            && let Some(close) = inner.find("]]")
        {
            let link = &inner[..close];
            let shown = match link.split_once('|') {
                Some((_, display)) => display.to_owned(),
                None => link
                    .trim_end_matches(".md")
                    .replace('#', " > ")
                    .trim_start_matches(" > ")
                    .to_owned(),
            };
            out.push_str(&shown);
            rest = &inner[close + 2..];
        } else if let Some(close) = from.find("](")
            && let Some(end) = destination_end(&from[close + 2..])
            && !from[1..close].contains('[')
        {
            out.push_str(&from[1..close]);
            rest = &from[close + 2 + end + 1..];
        } else {
            out.push('[');
            rest = &from[1..];
        }
    }
    out.push_str(rest);
    out
}

/// The offset of the `)` that closes a Markdown link destination starting at
/// `text` (balanced parentheses may appear inside, as CommonMark allows).
fn destination_end(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (offset, byte) in text.bytes().enumerate() {
        match byte {
            b'(' => depth += 1,
            b')' if depth == 0 => return Some(offset),
            b')' => depth -= 1,
            b'\n' => return None,
            _ => {}
        }
    }
    None
}

/// Observations grouped by plan (plans by title, no plan last), then interview.
#[derive(Debug, Serialize)]
struct Group<'r> {
    plan: Option<&'r NoteLink>,
    interviews: Vec<(&'r InterviewEntry, Vec<&'r ObservationEntry>)>,
}

fn grouped<'r>(report: &'r DigestReport, observations: &'r [ObservationEntry]) -> Vec<Group<'r>> {
    let mut groups: Vec<Group<'r>> = Vec::new();
    let mut interviews: Vec<&InterviewEntry> = report.interviews.iter().collect();
    interviews.sort_by_key(|interview| {
        (
            interview.plan.is_none(),
            interview
                .plan
                .as_ref()
                .map(|plan| (plan.title.to_lowercase(), plan.path.clone())),
        )
    });
    for interview in interviews {
        let found: Vec<&ObservationEntry> = observations
            .iter()
            .filter(|observation| observation.interview == interview.note.path)
            .collect();
        if found.is_empty() {
            continue;
        }
        let same = groups.last().is_some_and(|group| {
            group.plan.map(|p| &p.path) == interview.plan.as_ref().map(|p| &p.path)
        });
        if !same {
            groups.push(Group {
                plan: interview.plan.as_ref(),
                interviews: Vec::new(),
            });
        }
        groups
            .last_mut()
            .expect("pushed")
            .interviews
            .push((interview, found));
    }
    groups
}

/// The report as Markdown.
pub fn report_markdown(
    root: &Path,
    report: &DigestReport,
    analysis: &Analysis,
) -> Result<String, RenderError> {
    render(root, "report.md.j2", report, analysis)
}

/// The report as one self-contained HTML file.
pub fn report_html(
    root: &Path,
    report: &DigestReport,
    analysis: &Analysis,
) -> Result<String, RenderError> {
    render(root, "report.html.j2", report, analysis)
}

fn render(
    root: &Path,
    template: &str,
    report: &DigestReport,
    analysis: &Analysis,
) -> Result<String, RenderError> {
    let env = environment::environment(
        root.join(".throughline").join("templates"),
        Arc::clone(&analysis.plan.links),
    );
    let participants = BarChart::insights_by_role(&report.insights, CHART_INSIGHTS);
    let coverage: Vec<CoverageChart> = report.plans.iter().map(CoverageChart::of_plan).collect();
    let context = context! {
        page => REPORT_NOTE,
        report => v(report),
        learned => v(grouped(report, &report.learned)),
        surprised => v(grouped(report, &report.surprised)),
        participants_chart => v(participants),
        coverage_charts => v(coverage),
    };
    env.get_template(template)
        .and_then(|compiled| compiled.render(context))
        .map_err(|error| RenderError::from_minijinja(template, &error))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_shows_links_by_their_text() {
        assert_eq!(
            plain_text(
                "See [[Parts shortages|shortages]] and [[Visit#Roof]] or ![[img.png]], [a](http://x) [b] end"
            ),
            "See shortages and Visit > Roof or img.png, a [b] end"
        );
        assert_eq!(plain_text("[[Only#^block]]"), "Only > ^block");
        assert_eq!(plain_text("unclosed [[x"), "unclosed [[x");
        // Parentheses inside a destination are balanced (CommonMark).
        assert_eq!(
            plain_text("[Foo](https://en.wikipedia.org/wiki/Foo_(bar)) docs"),
            "Foo docs"
        );
        assert_eq!(plain_text("[x](javascript:alert(2))"), "x");
        assert_eq!(plain_text("[x](open ( paren"), "[x](open ( paren");
    }

    #[test]
    fn obsidian_urls_are_encoded_like_encode_uri_component() {
        let path = VaultPath::new("Interviews/2026-10-22 Tomasz & Co #1.md").unwrap();
        assert_eq!(
            obsidian_url("My Vault", &path),
            "obsidian://open?vault=My%20Vault&file=Interviews%2F2026-10-22%20Tomasz%20%26%20Co%20%231.md"
        );
    }
}
