//! The digest page's context: the latest period's interviews, what was learned
//! and what surprised, new insights, strength changes, and the validation queue
//! (its entries rendered by [`super::fragments`]).

use minijinja::context;
use rayon::prelude::*;
use serde::Serialize;

use super::view::{FollowUpView, InsightRow, InterviewView};
use super::{FOLLOW_UPS_IN_DIGEST, PageKind, RenderError, Renderer, grouped, v, v_list};

/// One entry of the validation queue.
#[derive(Serialize)]
struct QueueRow {
    insight: InsightRow,
    follow_ups: Vec<FollowUpView>,
    more: usize,
}

#[derive(Serialize)]
struct ChangeView {
    insight: InsightRow,
    before: &'static str,
    after: &'static str,
}

#[derive(Serialize)]
struct EarlierView {
    label: String,
    start: String,
    end: String,
    interviews: usize,
    learned: usize,
    surprised: usize,
}

impl Renderer<'_> {
    pub(super) fn digest_context(&self, page: &str) -> Result<minijinja::Value, RenderError> {
        let (views, shared) = (&self.views, self.shared);
        let Some(digest) = &views.consolidation.digest else {
            return Ok(context! { page, shared => v(shared), digest => false });
        };
        let interviews: Vec<InterviewView> = digest
            .interviews
            .iter()
            .map(|&i| views.interview(i))
            .collect();
        let new_insights: Vec<InsightRow> = digest
            .new_insights
            .iter()
            .map(|&i| views.insight_row(i))
            .collect();
        let changes: Vec<ChangeView> = digest
            .strength_changes
            .iter()
            .map(|change| ChangeView {
                insight: views.insight_row(change.insight),
                before: change.before.as_str(),
                after: change.after.as_str(),
            })
            .collect();
        // The default template shows the rendered entries; a vault's own
        // digest template (perhaps written for an earlier version) may loop
        // over the queue itself instead, or both.
        let reads = self.template_reads(
            PageKind::Digest.template(),
            "validation_entries",
            &["queue"],
        )?;
        // The page lists the most pressing insights and counts the rest: a
        // large vault has thousands that need validating, which no one reads
        // as a queue (each is marked on its own page and in `Insights.md`).
        let shown = views.shown_queue();
        let entries = match reads.parts {
            true => {
                let shared = v(shared);
                self.entries.render_each(&self.env, shown, |insight| {
                    let (follow_ups, more) = views.follow_ups(insight, FOLLOW_UPS_IN_DIGEST);
                    let entry = QueueRow {
                        insight: views.insight_row(insight),
                        follow_ups,
                        more,
                    };
                    context! { page, shared => shared.clone(), entry => v(entry) }
                })?
            }
            false => minijinja::Value::UNDEFINED,
        };
        let queue = match reads.data {
            true => v_list(shown.par_iter().map(|&i| {
                let (follow_ups, more) = views.follow_ups(i, FOLLOW_UPS_IN_DIGEST);
                QueueRow {
                    insight: views.insight_row(i),
                    follow_ups,
                    more,
                }
            })),
            false => minijinja::Value::UNDEFINED,
        };
        let earlier: Vec<EarlierView> = digest
            .earlier
            .iter()
            .map(|summary| EarlierView {
                label: summary.period.label.clone(),
                start: summary.period.start.to_string(),
                end: summary.period.end.to_string(),
                interviews: summary.interviews,
                learned: summary.learned,
                surprised: summary.surprised,
            })
            .collect();
        Ok(context! {
            page,
            shared => v(shared),
            digest => true,
            period => context! {
                label => digest.period.label.clone(),
                start => digest.period.start.to_string(),
                end => digest.period.end.to_string(),
            },
            interviews => v(interviews),
            learned => v(grouped(views, &digest.learned, page)),
            learned_count => digest.learned.len(),
            surprised => v(grouped(views, &digest.surprised, page)),
            surprised_count => digest.surprised.len(),
            new_insights => v(new_insights),
            changes => v(changes),
            validation_entries => entries,
            queue,
            queue_total => digest.validation_total,
            queue_more => digest.validation_total - shown.len(),
            earlier => v(earlier),
        })
    }
}
