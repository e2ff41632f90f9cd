//! One writer per vault: `.throughline/lock` holds the process id of the
//! `build` or `watch` that owns the vault. A second one says so and stops; a lock
//! left by a process that no longer runs (killed, crashed) is taken over.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Held while a process writes the vault's pages; released on drop.
#[derive(Debug)]
pub struct VaultLock {
    path: PathBuf,
}

/// Another live process holds the lock.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// Someone else is running.
    #[error(
        "another throughline (process {pid}) is already writing this vault; wait for it to finish, or stop it"
    )]
    Held {
        /// The other process.
        pid: u32,
    },
    /// The state folder leads out of the vault.
    #[error(transparent)]
    LeadsOutOfVault(#[from] super::LeadsOutOfVault),
    /// The lock file could not be created.
    #[error("cannot create the lock `{path}`: {source}")]
    Io {
        /// The lock file.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
}

impl VaultLock {
    /// Takes the lock in `state_folder` (`<vault>/.throughline`).
    ///
    /// The lock appears with its content in one step (a complete temporary file is
    /// hard-linked to `lock`, which fails if `lock` exists), and a stale lock is
    /// moved aside by a rename that only one process can win — so two processes
    /// never both believe they hold it.
    pub fn acquire(state_folder: &Path) -> Result<VaultLock, LockError> {
        let path = state_folder.join("lock");
        let io_error = |source| LockError::Io {
            path: path.clone(),
            source,
        };
        // The state folder alone, below the vault folder, which taking a lock
        // must never make (a mistyped vault path would become a vault); nor
        // is the lock written through a link leading out of the vault.
        if let Some(vault) = state_folder.parent() {
            super::atomic::make_folder_within(state_folder, vault).map_err(io_error)?;
            if let Some(leads_out) = super::leads_out_of(vault, state_folder) {
                return Err(leads_out.into());
            }
        }
        let pid = std::process::id();
        let mut mine = tempfile::Builder::new()
            .prefix(super::atomic::TEMP_PREFIX)
            .suffix(super::atomic::TEMP_SUFFIX)
            .tempfile_in(state_folder)
            .map_err(io_error)?;
        writeln!(mine, "{pid}").map_err(io_error)?;
        mine.as_file().sync_all().map_err(io_error)?;
        for _ in 0..8 {
            match fs::hard_link(mine.path(), &path) {
                Ok(()) => return Ok(VaultLock { path }),
                Err(error) if error.kind() == io::ErrorKind::AlreadyExists => {}
                Err(error) => return Err(io_error(error)),
            }
            let holder = fs::read_to_string(&path)
                .ok()
                .and_then(|text| text.trim().parse::<u32>().ok());
            match holder {
                Some(holder) if holder != pid && is_running(holder) => {
                    return Err(LockError::Held { pid: holder });
                }
                // Stale, unreadable or ours: move it aside; if another process
                // moved it first, the rename fails and we try again.
                _ => {
                    let aside = state_folder.join(format!(
                        "{}stale-{pid}{}",
                        super::atomic::TEMP_PREFIX,
                        super::atomic::TEMP_SUFFIX
                    ));
                    if fs::rename(&path, &aside).is_ok() {
                        let _ = fs::remove_file(&aside);
                    }
                }
            }
        }
        Err(io_error(io::Error::other(
            "the lock file keeps reappearing",
        )))
    }
}

impl Drop for VaultLock {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
    }
}

/// Whether a process with this id runs (Linux: `/proc/<pid>` exists; elsewhere
/// assumed running, so a stale lock there must be removed by hand).
fn is_running(pid: u32) -> bool {
    let proc = Path::new("/proc");
    if proc.is_dir() {
        proc.join(pid.to_string()).exists()
    } else {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_lock_fails_and_stale_lock_is_taken_over() {
        let dir = tempfile::tempdir().unwrap();
        let state = dir.path().join(".throughline");
        // A live process (pid 1) holds it.
        fs::create_dir_all(&state).unwrap();
        fs::write(state.join("lock"), "1\n").unwrap();
        assert!(matches!(
            VaultLock::acquire(&state),
            Err(LockError::Held { pid: 1 })
        ));
        // A dead one held it.
        fs::write(state.join("lock"), "4000000\n").unwrap();
        let lock = VaultLock::acquire(&state).unwrap();
        assert_eq!(
            fs::read_to_string(state.join("lock")).unwrap().trim(),
            std::process::id().to_string()
        );
        drop(lock);
        assert!(!state.join("lock").exists());
    }

    #[test]
    fn a_lock_in_a_vault_folder_that_does_not_exist_fails_and_makes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let vault = dir.path().join("no such vault");
        let error = VaultLock::acquire(&vault.join(".throughline")).unwrap_err();
        assert!(matches!(error, LockError::Io { .. }), "{error}");
        assert!(!vault.exists());
    }
}
