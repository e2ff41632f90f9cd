//! The HTML digest in a real headless browser (Chromium): it loads from a file
//! with no network, and the DOM holds every section and both kinds of chart. A
//! screenshot is kept in `target/test-artifacts/digest.png` (under the target folder).
//!
//! Chromium comes from Debian's `chromium` package (`.ci/run` installs it and
//! sets `THROUGHLINE_BROWSER_TESTS=1`, which makes a missing browser a failure);
//! elsewhere the test is skipped, with a message, when no browser is installed.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::VaultTest;

fn chromium() -> Option<PathBuf> {
    let found = ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find_map(|name| {
            std::env::split_paths(&std::env::var_os("PATH")?)
                .map(|folder| folder.join(name))
                .find(|path| path.is_file())
        });
    if found.is_none() {
        let required = std::env::var_os("THROUGHLINE_BROWSER_TESTS").is_some_and(|v| v == "1");
        assert!(
            !required,
            "THROUGHLINE_BROWSER_TESTS=1 but no chromium on PATH (apt-get install chromium)"
        );
        eprintln!("skipped: no chromium on PATH (apt-get install chromium)");
    }
    found
}

fn headless(browser: &Path, args: &[&str], page: &Path) -> String {
    let profile = tempfile::tempdir().unwrap();
    let output = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--hide-scrollbars",
            "--disable-background-networking",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(args)
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs");
    assert!(
        output.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn html_digest_in_chromium() {
    let Some(browser) = chromium() else {
        return;
    };
    let vault = VaultTest::sample();
    let page = vault.path().join("digest.html");
    let run = vault.run(&[
        "digest",
        "--format",
        "html",
        "--vault-name",
        "Coilbook research",
        "-o",
        page.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);

    let dom = headless(&browser, &["--dump-dom"], &page);
    for id in [
        "summary",
        "interviews",
        "learned",
        "surprised",
        "participants",
        "new-insights",
        "strength-changes",
        "validation-queue",
        "coverage",
        "insights",
    ] {
        assert!(
            dom.contains(&format!("id=\"{id}\"")),
            "section `{id}` missing from the DOM"
        );
    }
    let chart_start = dom
        .find("id=\"participants-chart\"")
        .expect("the participants chart");
    let chart = &dom[chart_start..dom[chart_start..].find("</svg>").unwrap() + chart_start];
    assert!(
        chart.matches("<rect").count() >= 6,
        "the participants chart has no bars"
    );
    assert!(
        chart.contains("technician") && chart.contains("service manager"),
        "no role legend"
    );
    assert_eq!(
        dom.matches("class=\"coverage-chart chart\"").count(),
        2,
        "one coverage chart per plan"
    );
    assert!(dom.contains("href=\"obsidian://open?vault=Coilbook%20research&amp;file="));

    // Beside the test binary: `<target dir>/test-artifacts`, wherever
    // CARGO_TARGET_DIR puts it.
    let artifacts = Path::new(env!("CARGO_BIN_EXE_throughline"))
        .ancestors()
        .nth(2)
        .expect("the binary is in <target>/<profile>/")
        .join("test-artifacts");
    fs::create_dir_all(&artifacts).unwrap();
    let screenshot = artifacts.join("digest.png");
    let _ = fs::remove_file(&screenshot);
    headless(
        &browser,
        &[
            "--window-size=1100,3400",
            &format!("--screenshot={}", screenshot.display()),
        ],
        &page,
    );
    let png = fs::read(&screenshot).expect("chromium wrote the screenshot");
    assert!(png.starts_with(b"\x89PNG"), "not a PNG");
    assert!(
        png.len() > 50_000,
        "the screenshot is nearly empty ({} bytes)",
        png.len()
    );
}
