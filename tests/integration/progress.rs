//! The progress bar: drawn on stderr while a large vault is read and its pages
//! written, only when stderr is a terminal (a real pseudo-terminal here), and
//! cleared before the command prints; never with `--quiet`, never into a pipe.

use std::fs::File;
use std::io::Read;
use std::os::fd::{FromRawFd, OwnedFd};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use super::support::VaultTest;

/// A generated vault of `notes` notes: each stage lasts many redraws of the
/// bar (one each 2 ms here).
fn large_vault(notes: usize) -> VaultTest {
    let vault = VaultTest::new();
    vaultgen::generate(
        vault.path(),
        &vaultgen::GenOptions {
            notes,
            seed: vaultgen::DEFAULT_SEED,
        },
    )
    .expect("the vault can be generated");
    vault
}

/// A pseudo-terminal: (its end to read, its end for a command's stderr). The
/// end read reaches its end once every holder of the other is gone.
fn terminal() -> (File, OwnedFd) {
    let (mut master, mut slave) = (-1, -1);
    let size = libc::winsize {
        ws_row: 24,
        ws_col: 100,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    // SAFETY: `openpty` stores two new descriptors in `master` and `slave`,
    // and only reads `size`; no name or settings are asked for.
    let opened = unsafe {
        libc::openpty(
            &mut master,
            &mut slave,
            std::ptr::null_mut(),
            std::ptr::null(),
            &size,
        )
    };
    assert_eq!(opened, 0, "a pseudo-terminal can be opened");
    // Not inherited by the binaries other tests start meanwhile: the
    // terminal's reader waits for every holder of its other end to exit.
    for fd in [master, slave] {
        // SAFETY: sets a flag of a descriptor just opened and owned here.
        assert_eq!(
            unsafe { libc::fcntl(fd, libc::F_SETFD, libc::FD_CLOEXEC) },
            0
        );
    }
    // SAFETY: both descriptors were just opened, and nothing else owns them.
    let (master, slave) = unsafe { (OwnedFd::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) };
    (File::from(master), slave)
}

/// `throughline <args>` in `vault` with stderr on the terminal end `slave`
/// (the command's copy is its only one once spawned).
fn spawn_on(vault: &VaultTest, args: &[&str], slave: OwnedFd) -> Child {
    Command::new(env!("CARGO_BIN_EXE_throughline"))
        .args(args)
        .current_dir(vault.path())
        .env("NO_COLOR", "1")
        // A terminal the bar is drawn on, whatever the tests run in.
        .env("TERM", "xterm")
        .env("THROUGHLINE_PROGRESS_DELAY_MS", "0")
        .env("THROUGHLINE_PROGRESS_REFRESH_MS", "2")
        .stdout(Stdio::piped())
        .stderr(Stdio::from(slave))
        .spawn()
        .expect("the binary runs")
}

/// What the terminal shows, as it comes, until its end.
fn read_terminal(mut terminal: File) -> Receiver<Vec<u8>> {
    let (sender, shown) = channel();
    std::thread::spawn(move || {
        let mut buffer = [0u8; 4096];
        // Linux says EIO, not end of file, once the last writer is gone.
        while let Ok(read @ 1..) = terminal.read(&mut buffer) {
            if sender.send(buffer[..read].to_vec()).is_err() {
                break;
            }
        }
    });
    shown
}

/// What `throughline <args>` wrote with stderr on a terminal: (what the
/// terminal showed, stdout, exit code). The bar shows from the start.
fn run_on_terminal(vault: &VaultTest, args: &[&str]) -> (String, String, i32) {
    let (master, slave) = terminal();
    let child = spawn_on(vault, args, slave);
    let shown = read_terminal(master);
    let output = child.wait_with_output().expect("the binary ends");
    let shown: Vec<u8> = shown.iter().flatten().collect();
    (
        String::from_utf8_lossy(&shown).into_owned(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        output.status.code().unwrap_or(-1),
    )
}

/// Whether the bar was cleared once last drawn: every redraw, and the
/// clearing at the end, start with `ESC [2K`; nothing of a bar may follow the
/// last one.
fn ends_cleared(shown: &str) -> bool {
    let last = shown.rsplit("\u{1b}[2K").next().unwrap_or(shown);
    ["scanning", "reading notes", "linking", "writing pages"]
        .iter()
        .all(|label| !last.contains(label))
}

#[test]
fn check_shows_notes_being_read_then_clears_the_bar() {
    let vault = large_vault(1000);
    let (shown, stdout, code) = run_on_terminal(&vault, &["check", "--format", "json"]);
    assert_eq!(code, 1, "the generated vault has broken links: {shown}");
    assert!(
        shown.contains("reading notes [") && shown.contains("/1,000") && shown.contains("linking"),
        "{shown}"
    );
    assert!(ends_cleared(&shown), "{shown:?}");
    // The output is whole and has no trace of the bar.
    let document: serde_json::Value = serde_json::from_str(&stdout).expect("stdout is JSON");
    assert!(document["summary"]["errors"].as_u64() > Some(0));
    assert!(!stdout.contains("reading notes [") && !stdout.contains('\u{1b}'));
}

#[test]
fn build_shows_pages_being_written_then_clears_the_bar() {
    let vault = large_vault(1000);
    let (shown, stdout, code) = run_on_terminal(&vault, &["build"]);
    assert_eq!(code, 0, "{shown}");
    assert!(shown.contains("reading notes ["), "{shown}");
    assert!(shown.contains("writing pages ["), "{shown}");
    assert!(ends_cleared(&shown), "{shown:?}");
    assert!(stdout.contains("written"), "{stdout}");
}

#[test]
fn no_bar_with_quiet_or_when_stderr_is_not_a_terminal() {
    let vault = large_vault(1000);
    let (shown, _, code) = run_on_terminal(&vault, &["--quiet", "check"]);
    assert_eq!(code, 1);
    assert!(!shown.contains("reading notes"), "{shown}");
    let output = Command::new(env!("CARGO_BIN_EXE_throughline"))
        .args(["check"])
        .current_dir(vault.path())
        .env("THROUGHLINE_PROGRESS_DELAY_MS", "0")
        .output()
        .expect("the binary runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("reading notes"), "{stderr}");
    assert!(!stderr.contains("\u{1b}["), "{stderr}");
}

/// Ctrl-C while `watch`'s first build draws its bar: what `watch` says of it
/// is printed above the bar, on a line of its own, not drawn over.
#[test]
fn ctrl_c_during_the_first_build_is_said_above_the_bar() {
    let vault = large_vault(3000);
    let (master, slave) = terminal();
    let mut child = spawn_on(&vault, &["watch"], slave);
    let shown_so_far = read_terminal(master);
    let mut shown = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    let wait_for = |what: &str, shown: &mut Vec<u8>| {
        while !String::from_utf8_lossy(shown).contains(what) {
            let left = deadline.saturating_duration_since(Instant::now());
            match shown_so_far.recv_timeout(left) {
                Ok(chunk) => shown.extend(chunk),
                Err(_) => panic!(
                    "no `{what}` on the terminal: {}",
                    String::from_utf8_lossy(shown)
                ),
            }
        }
    };
    wait_for("reading notes [", &mut shown);
    let pid = libc::pid_t::try_from(child.id()).expect("a pid fits");
    // SAFETY: sending a signal to our own child process has no memory effects.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGINT) }, 0);
    let said = "stopping once the first build is done";
    wait_for(said, &mut shown);
    // Then the first build ends, and so does the watch; the terminal is read
    // to its end.
    let code = loop {
        if let Some(status) = child.try_wait().expect("the watch can be polled") {
            break status.code();
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!(
                "the watch did not stop: {}",
                String::from_utf8_lossy(&shown)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(code, Some(0), "{}", String::from_utf8_lossy(&shown));
    while let Ok(chunk) =
        shown_so_far.recv_timeout(deadline.saturating_duration_since(Instant::now()))
    {
        shown.extend(chunk);
    }
    let shown = String::from_utf8_lossy(&shown).into_owned();
    assert_eq!(shown.matches(said).count(), 1, "{shown}");
    let (before, _) = shown.split_once(said).expect("it was said");
    // Printed at the start of a line: after a newline, or after the bar's line
    // was cleared.
    assert!(
        before.ends_with('\n') || before.ends_with("\u{1b}[2K"),
        "{:?}",
        &before[before.len().saturating_sub(80)..]
    );
}
