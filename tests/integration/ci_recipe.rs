//! The GitHub Actions workflow in `docs/github-actions.yml`: the README shows it
//! verbatim, and every `throughline` line of it runs against the sample vault as
//! the workflow runs it (in the vault's folder, `throughline` on the PATH).

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::support::VaultTest;

fn repository(path: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path))
        .unwrap_or_else(|error| panic!("{path}: {error}"))
}

/// The `run:` commands of the workflow's steps that call throughline, with
/// `${{ … }}` expressions replaced by a plain word.
fn throughline_lines(workflow: &str) -> Vec<String> {
    let workflow: Value = yaml_serde::from_str(workflow).expect("the workflow is YAML");
    let steps = workflow["jobs"]["throughline"]["steps"]
        .as_array()
        .expect("a `throughline` job with steps");
    let expression = regex::Regex::new(r"\$\{\{[^}]*\}\}").unwrap();
    steps
        .iter()
        .filter_map(|step| step["run"].as_str())
        .flat_map(str::lines)
        .filter(|line| line.starts_with("throughline "))
        .map(|line| expression.replace_all(line, "vault").into_owned())
        .collect()
}

#[test]
fn the_readme_shows_the_workflow() {
    let workflow = repository("docs/github-actions.yml");
    let readme = repository("README.md");
    assert!(
        readme.contains(&format!("```yaml\n{workflow}```")),
        "README.md must show docs/github-actions.yml verbatim"
    );
}

#[test]
fn every_workflow_command_runs_on_the_sample_vault() {
    let lines = throughline_lines(&repository("docs/github-actions.yml"));
    let commands: Vec<&str> = lines
        .iter()
        .map(|line| line.split_whitespace().nth(1).unwrap())
        .collect();
    assert_eq!(commands, ["check", "build", "digest"], "{lines:?}");

    let vault = VaultTest::sample();
    // The pages are committed with the vault in this recipe.
    assert_eq!(vault.run(&["build"]).code, 0);
    let binary = Path::new(env!("CARGO_BIN_EXE_throughline"));
    let path = format!(
        "{}:{}",
        binary.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    for line in &lines {
        let output = Command::new("sh")
            .arg("-c")
            .arg(line)
            .current_dir(vault.path())
            .env("PATH", &path)
            .output()
            .expect("sh runs");
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        let code = output.status.code();
        if line.starts_with("throughline check") {
            // The sample vault's deliberate problems fail the step, as they should,
            // and each is an annotation.
            assert_eq!(code, Some(1), "{line}: {stderr}");
            assert!(stdout.lines().count() >= 3, "{stdout}");
            assert!(stdout.lines().all(|l| l.starts_with("::")), "{stdout}");
            assert!(
                stdout
                    .contains("::error file=Interviews/2026-10-29 Lena Brandt.md,line=39,col=21,")
            );
        } else {
            assert_eq!(code, Some(0), "{line}: {stderr}");
        }
    }
    let html = std::fs::read_to_string(vault.path().join("digest.html")).unwrap();
    assert!(
        html.starts_with("<!DOCTYPE html>"),
        "{}",
        &html[..80.min(html.len())]
    );
    assert!(
        html.contains("obsidian:&#x2f;&#x2f;open?vault=vault&amp;file="),
        "links name the vault"
    );
}

/// The README's first command is `cargo run --release -- build sample-vault`:
/// `cargo run` in the repository must pick the `throughline` binary, not ask
/// which of the workspace's binaries to run (the debug profile stands in for
/// `--release`, which would build everything again).
#[test]
fn cargo_run_in_the_repository_runs_throughline() {
    let readme = repository("README.md");
    assert!(readme.contains("cargo run --release -- build sample-vault"));
    let output = Command::new(env!("CARGO"))
        .args(["run", "--quiet", "--", "--version"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && stdout.starts_with("throughline "),
        "`cargo run` did not run throughline: {stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
