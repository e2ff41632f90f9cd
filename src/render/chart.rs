//! Chart geometry for the HTML digest: numbers only (positions and sizes in SVG
//! user units, colours from a fixed palette); the template draws the shapes and
//! escapes every label.

use serde::Serialize;

use super::report::{InsightEntry, PlanEntry};

/// Colours for roles, in order; the last one is for "no role".
const PALETTE: [&str; 8] = [
    "#3b6ea8", "#d9822b", "#4c9a6a", "#b5485d", "#7a5ea8", "#8c7a3f", "#2f8f9d", "#8a8a8a",
];

/// Layout, in SVG user units.
const WIDTH: u32 = 760;
const LABEL_WIDTH: u32 = 300;
const BAR_AREA: u32 = 400;
const ROW: u32 = 26;
const TOP: u32 = 8;
const LEGEND: u32 = 30;

/// One coloured part of a bar.
#[derive(Debug, Clone, Serialize)]
pub struct Segment {
    /// Left edge.
    pub x: u32,
    /// Width.
    pub width: u32,
    /// Fill.
    pub color: &'static str,
    /// The role it counts.
    pub role: String,
    /// Participants in that role.
    pub count: usize,
}

/// One insight's bar.
#[derive(Debug, Clone, Serialize)]
pub struct Bar {
    /// The insight's title.
    pub label: String,
    /// Top edge.
    pub y: u32,
    /// Distinct participants.
    pub total: usize,
    /// Where the total is written.
    pub total_x: u32,
    /// Parts by role.
    pub segments: Vec<Segment>,
}

/// A legend entry.
#[derive(Debug, Clone, Serialize)]
pub struct LegendItem {
    /// The role.
    pub role: String,
    /// Its colour.
    pub color: &'static str,
    /// Left edge.
    pub x: u32,
}

/// Insights by distinct participants, each bar split by role.
#[derive(Debug, Clone, Serialize)]
pub struct BarChart {
    /// Canvas width.
    pub width: u32,
    /// Canvas height.
    pub height: u32,
    /// Where bars start.
    pub bars_x: u32,
    /// The bars, most participants first.
    pub bars: Vec<Bar>,
    /// The roles' colours.
    pub legend: Vec<LegendItem>,
    /// Where the legend is.
    pub legend_y: u32,
}

impl BarChart {
    /// The `limit` insights with most participants.
    pub fn insights_by_role(insights: &[InsightEntry], limit: usize) -> BarChart {
        let mut chosen: Vec<&InsightEntry> = insights
            .iter()
            .filter(|insight| !insight.participants.is_empty())
            .collect();
        chosen.sort_by(|a, b| {
            b.participants
                .len()
                .cmp(&a.participants.len())
                .then_with(|| {
                    a.note
                        .title
                        .to_lowercase()
                        .cmp(&b.note.title.to_lowercase())
                })
        });
        chosen.truncate(limit);
        let mut roles: Vec<String> = chosen
            .iter()
            .flat_map(|insight| &insight.by_role)
            .filter_map(|role| role.role.clone())
            .collect();
        roles.sort();
        roles.dedup();
        let color = |role: Option<&str>| match role {
            Some(role) => {
                let index = roles.iter().position(|known| known == role).unwrap_or(0);
                PALETTE[index % (PALETTE.len() - 1)]
            }
            None => PALETTE[PALETTE.len() - 1],
        };
        let widest = chosen
            .iter()
            .map(|insight| stacked_total(insight))
            .max()
            .unwrap_or(1)
            .max(1);
        let scale = |count: usize| (count as u64 * BAR_AREA as u64 / widest as u64) as u32;
        let bars: Vec<Bar> = chosen
            .iter()
            .enumerate()
            .map(|(row, insight)| {
                let mut x = LABEL_WIDTH;
                let segments = insight
                    .by_role
                    .iter()
                    .filter(|role| role.participants > 0)
                    .map(|role| {
                        let width = scale(role.participants).max(2);
                        let segment = Segment {
                            x,
                            width,
                            color: color(role.role.as_deref()),
                            role: role.role.clone().unwrap_or_else(|| "no role".to_owned()),
                            count: role.participants,
                        };
                        x += width;
                        segment
                    })
                    .collect();
                Bar {
                    label: insight.note.title.clone(),
                    y: TOP + row as u32 * ROW,
                    total: insight.participants.len(),
                    total_x: x + 6,
                    segments,
                }
            })
            .collect();
        let mut legend: Vec<LegendItem> = Vec::new();
        let mut x = LABEL_WIDTH;
        let has_unknown = chosen
            .iter()
            .flat_map(|insight| &insight.by_role)
            .any(|role| role.role.is_none() && role.participants > 0);
        let names = roles
            .iter()
            .map(|role| (role.clone(), color(Some(role))))
            .chain(has_unknown.then(|| ("no role".to_owned(), color(None))));
        for (role, color) in names {
            let width = 22 + 7 * role.chars().count() as u32;
            legend.push(LegendItem { role, color, x });
            x += width;
        }
        let legend_y = TOP + bars.len() as u32 * ROW + 10;
        BarChart {
            width: WIDTH.max(x + 10),
            height: legend_y + LEGEND,
            bars_x: LABEL_WIDTH,
            bars,
            legend,
            legend_y,
        }
    }
}

/// Participants counted per role (a person in two roles counts in both bars).
fn stacked_total(insight: &InsightEntry) -> usize {
    insight.by_role.iter().map(|role| role.participants).sum()
}

/// One role's row in a coverage chart.
#[derive(Debug, Clone, Serialize)]
pub struct CoverageRow {
    /// The role.
    pub label: String,
    /// Top edge.
    pub y: u32,
    /// Interviews held.
    pub held: usize,
    /// Width of the held bar.
    pub held_width: u32,
    /// The target, if the plan sets one.
    pub target: Option<u32>,
    /// Where the target line is.
    pub target_x: Option<u32>,
    /// Whether the target is reached.
    pub complete: bool,
    /// A role the plan does not list.
    pub off_plan: bool,
}

/// Interviews held per role against the plan's target.
#[derive(Debug, Clone, Serialize)]
pub struct CoverageChart {
    /// The plan's title.
    pub title: String,
    /// Canvas width.
    pub width: u32,
    /// Canvas height.
    pub height: u32,
    /// Where bars start.
    pub bars_x: u32,
    /// One row per role.
    pub rows: Vec<CoverageRow>,
}

impl CoverageChart {
    /// The chart of one plan.
    pub fn of_plan(plan: &PlanEntry) -> CoverageChart {
        let all: Vec<(&super::report::RoleCoverageEntry, bool)> = plan
            .roles
            .iter()
            .map(|role| (role, false))
            .chain(plan.off_plan.iter().map(|role| (role, true)))
            .collect();
        let widest = all
            .iter()
            .map(|(role, _)| role.held.max(role.target.unwrap_or(0) as usize))
            .max()
            .unwrap_or(1)
            .max(1);
        let scale = |count: usize| (count as u64 * BAR_AREA as u64 / widest as u64) as u32;
        let rows: Vec<CoverageRow> = all
            .iter()
            .enumerate()
            .map(|(row, (role, off_plan))| CoverageRow {
                label: role.role.clone(),
                y: TOP + row as u32 * ROW,
                held: role.held,
                held_width: scale(role.held).max(if role.held > 0 { 2 } else { 0 }),
                target: role.target,
                target_x: role
                    .target
                    .map(|target| LABEL_WIDTH + scale(target as usize)),
                complete: role.complete,
                off_plan: *off_plan,
            })
            .collect();
        CoverageChart {
            title: plan.note.title.clone(),
            width: WIDTH,
            height: TOP + rows.len() as u32 * ROW + 10,
            bars_x: LABEL_WIDTH,
            rows,
        }
    }
}
