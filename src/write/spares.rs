//! Spare files: empty files `watch` makes ahead of time in `.throughline/`,
//! while nothing else is happening. A page written from one is renamed into
//! place (still atomic: the rename is the only step readers see), so no file
//! is created while the user waits — creating a file is by far the costliest
//! step of a write (on the project's machine ~0.7 ms, against ~0.15 ms for
//! the rename and ~0.02 ms for writing 50 KB).
//!
//! A spare is a fresh, empty file, used once: the page it becomes replaces
//! the old page's file, which — as with any rename — stays intact for a
//! reader that has it open. Spares are named like every temporary file
//! ([`super::is_temp_file`]): hidden, and removed by the next run if a process
//! is killed with some left; the last handle to a pool removes those left
//! when it is dropped.
//!
//! On Unix, the pool also holds open the few largest pages a write replaced
//! (see [`Spares::write`]), until it makes spares again.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use super::atomic::{TEMP_PREFIX, TEMP_SUFFIX};

/// A pool of spare files in one folder, shared by the writer that takes them
/// and the thread that makes more.
#[derive(Debug, Clone)]
pub struct Spares(Arc<Pool>);

#[derive(Debug)]
struct Pool {
    folder: PathBuf,
    ready: Mutex<Vec<PathBuf>>,
    /// Set when a spare could not be renamed across to a page's file
    /// system (an output folder mounted elsewhere): no more are made.
    elsewhere: AtomicBool,
    /// Files replaced since the last [`Spares::fill`] began, held open
    /// (see [`Spares::write`]): at most [`HELD_AT_MOST`].
    held: Mutex<Vec<fs::File>>,
}

/// How many replaced files a pool holds open at most.
const HELD_AT_MOST: usize = 16;

/// The size from which a replaced file is held open: freeing a file's
/// blocks takes about 1 ms per MB (ext4, on the project's machine), a
/// smaller one is not worth a file descriptor.
const HELD_FROM_BYTES: u64 = 1 << 20;

impl Spares {
    /// An empty pool whose spares go in `folder` (the state folder: on the
    /// same file system as the output folder, as a rule).
    pub fn new(folder: PathBuf) -> Spares {
        Spares(Arc::new(Pool {
            folder,
            ready: Mutex::new(Vec::new()),
            elsewhere: AtomicBool::new(false),
            held: Mutex::new(Vec::new()),
        }))
    }

    /// Closes the replaced files held so far (their space is freed now, on
    /// this thread), then makes spares until `count` are ready (or one cannot
    /// be made), then closes those replaced meanwhile.
    pub fn fill(&self, count: usize) {
        self.close_held();
        self.make(count);
        self.close_held();
    }

    fn make(&self, count: usize) {
        while self.ready() < count && !self.0.elsewhere.load(Ordering::Relaxed) {
            let made = tempfile::Builder::new()
                .prefix(TEMP_PREFIX)
                .suffix(TEMP_SUFFIX)
                .tempfile_in(&self.0.folder)
                .and_then(|file| file.keep().map_err(|error| error.error));
            match made {
                Ok((_, path)) => self.ready_list().push(path),
                Err(_) => return,
            }
        }
    }

    /// How many spares are ready.
    pub fn ready(&self) -> usize {
        self.ready_list().len()
    }

    fn ready_list(&self) -> std::sync::MutexGuard<'_, Vec<PathBuf>> {
        self.0.ready.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn held_list(&self) -> std::sync::MutexGuard<'_, Vec<fs::File>> {
        self.0.held.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Closes the replaced files held (taken out of the list first: they are
    /// closed with the lock released).
    fn close_held(&self) {
        drop(std::mem::take(&mut *self.held_list()));
    }

    /// The file at `path`, opened to be held once it is replaced: on Unix, a
    /// regular file of [`HELD_FROM_BYTES`] or more while fewer than
    /// [`HELD_AT_MOST`] are held. (Elsewhere an open file may keep a rename
    /// from replacing it.)
    fn to_hold(&self, path: &Path) -> Option<fs::File> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            let metadata = fs::symlink_metadata(path).ok()?;
            if !metadata.is_file()
                || metadata.len() < HELD_FROM_BYTES
                || self.held_list().len() >= HELD_AT_MOST
            {
                return None;
            }
            // Read-only, and never waiting: should something else have
            // taken the page's place since, opening it does not block.
            fs::OpenOptions::new()
                .read(true)
                .custom_flags(libc::O_NONBLOCK | libc::O_NOFOLLOW)
                .open(path)
                .ok()
        }
        #[cfg(not(unix))]
        {
            let _ = path;
            None
        }
    }

    /// Writes `bytes` to `path` through a spare: the spare gets the bytes and
    /// `permissions`, then is renamed over `path` (its folder made if
    /// missing). Returns whether it did; `false` (nothing written) when no
    /// spare is ready or the rename cannot cross to `path`'s file system —
    /// the caller then writes as usual.
    ///
    /// A large page replaced is held open until the next [`Spares::fill`]
    /// (from [`HELD_FROM_BYTES`], at most [`HELD_AT_MOST`]): the rename then
    /// only takes away a name, and the file system frees the old file's
    /// blocks when it is closed, on the thread that makes spares instead of
    /// while the user waits. At 100,000 notes `Digest.md` is 4.6 MB: renaming
    /// over it took 4.3 ms, against 0.1 ms with it held open (ext4, on the
    /// project's machine).
    pub fn write(
        &self,
        root: &Path,
        path: &Path,
        bytes: &[u8],
        permissions: &fs::Permissions,
    ) -> io::Result<bool> {
        let Some(spare) = self.ready_list().pop() else {
            return Ok(false);
        };
        let filled = fs::OpenOptions::new()
            .write(true)
            .truncate(true)
            .open(&spare)
            .and_then(|mut file| {
                file.set_permissions(permissions.clone())?;
                file.write_all(bytes)
            });
        if let Err(error) = filled {
            let _ = fs::remove_file(&spare);
            return match error.kind() {
                io::ErrorKind::NotFound => {
                    self.forget_removed();
                    Ok(false)
                }
                _ => Err(error),
            };
        }
        // Its only event is an access, which `watch` drops
        // (`watch::change::classify`).
        let held = self.to_hold(path);
        let mut renamed = fs::rename(&spare, path);
        if let Err(error) = &renamed
            && error.kind() == io::ErrorKind::NotFound
            && spare.exists()
            && let Some(folder) = path.parent()
        {
            renamed = super::atomic::make_folder_within(folder, root)
                .and_then(|()| fs::rename(&spare, path));
        }
        match renamed {
            Ok(()) => {
                // Checked again: another thread may have filled the list
                // since (then this one is closed here, as without holding).
                let mut list = self.held_list();
                if list.len() < HELD_AT_MOST {
                    list.extend(held);
                }
                Ok(true)
            }
            Err(error) => {
                let spare_gone = !spare.exists();
                let _ = fs::remove_file(&spare);
                match error.kind() {
                    // The spare was removed after it was filled: the usual way.
                    io::ErrorKind::NotFound if spare_gone => {
                        self.forget_removed();
                        Ok(false)
                    }
                    io::ErrorKind::CrossesDevices => {
                        self.0.elsewhere.store(true, Ordering::Relaxed);
                        for spare in self.ready_list().drain(..) {
                            let _ = fs::remove_file(spare);
                        }
                        Ok(false)
                    }
                    _ => Err(error),
                }
            }
        }
    }
}

impl Spares {
    /// Forgets the spares someone removed (a run's clean-up of temporary
    /// files, a user): the pool makes new ones instead of counting them.
    fn forget_removed(&self) {
        self.ready_list().retain(|spare| spare.exists());
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        let ready = self.ready.get_mut().unwrap_or_else(PoisonError::into_inner);
        for spare in ready.drain(..) {
            let _ = fs::remove_file(spare);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_files(folder: &Path) -> usize {
        fs::read_dir(folder)
            .unwrap()
            .filter(|entry| {
                super::super::is_temp_file(&entry.as_ref().unwrap().file_name().to_string_lossy())
            })
            .count()
    }

    #[cfg(unix)]
    #[test]
    fn a_page_written_from_a_spare_is_renamed_into_place_and_the_rest_go_with_the_pool() {
        use std::os::unix::fs::PermissionsExt;
        let vault = tempfile::tempdir().unwrap();
        let state = vault.path().join(".throughline");
        fs::create_dir_all(&state).unwrap();
        let spares = Spares::new(state.clone());
        spares.fill(3);
        assert_eq!((spares.ready(), temp_files(&state)), (3, 3));
        let page = vault.path().join("Throughline/Jobs/New folder/A.md");
        let mode = fs::Permissions::from_mode(0o640);
        assert!(spares.write(vault.path(), &page, b"one", &mode).unwrap());
        assert_eq!(fs::read(&page).unwrap(), b"one");
        assert_eq!(
            fs::metadata(&page).unwrap().permissions().mode() & 0o777,
            0o640
        );
        assert!(spares.write(vault.path(), &page, b"two", &mode).unwrap());
        assert_eq!(fs::read(&page).unwrap(), b"two");
        assert_eq!((spares.ready(), temp_files(&state)), (1, 1));
        // A spare someone removed: nothing written, the next write goes the
        // usual way.
        fs::remove_file(
            state.join(
                fs::read_dir(&state)
                    .unwrap()
                    .next()
                    .unwrap()
                    .unwrap()
                    .file_name(),
            ),
        )
        .unwrap();
        assert!(!spares.write(vault.path(), &page, b"three", &mode).unwrap());
        assert_eq!(spares.ready(), 0, "the removed spare is forgotten");
        assert!(!spares.write(vault.path(), &page, b"three", &mode).unwrap());
        assert_eq!(fs::read(&page).unwrap(), b"two");
        spares.fill(2);
        let other = spares.clone();
        drop(spares);
        assert_eq!(temp_files(&state), 2, "a handle is left");
        drop(other);
        assert_eq!(temp_files(&state), 0);
    }

    /// This process's open files whose name was taken away, under `folder`.
    #[cfg(target_os = "linux")]
    fn open_and_deleted(folder: &Path) -> usize {
        fs::read_dir("/proc/self/fd")
            .unwrap()
            .filter_map(|entry| fs::read_link(entry.ok()?.path()).ok())
            .filter(|target| {
                let target = target.to_string_lossy();
                target.starts_with(&*folder.to_string_lossy()) && target.ends_with(" (deleted)")
            })
            .count()
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_large_replaced_page_is_held_open_until_spares_are_made_again() {
        use std::os::unix::fs::PermissionsExt;
        let vault = tempfile::tempdir().unwrap();
        let state = vault.path().join(".throughline");
        fs::create_dir_all(&state).unwrap();
        let output = vault.path().join("Throughline");
        let spares = Spares::new(state);
        spares.fill(HELD_AT_MOST + 4);
        let page = output.join("Digest.md");
        let mode = fs::Permissions::from_mode(0o644);
        let large = vec![b'x'; HELD_FROM_BYTES as usize];
        let write =
            |bytes: &[u8]| assert!(spares.write(vault.path(), &page, bytes, &mode).unwrap());
        // A new page replaces nothing; a small one is not held.
        write(b"one");
        write(&large);
        assert_eq!(open_and_deleted(&output), 0);
        write(b"two");
        assert_eq!(fs::read(&page).unwrap(), b"two");
        assert_eq!(open_and_deleted(&output), 1, "the large page is held open");
        spares.fill(HELD_AT_MOST + 4);
        assert_eq!(
            open_and_deleted(&output),
            0,
            "and closed with the next spares"
        );
        write(&large);
        for _ in 0..HELD_AT_MOST + 2 {
            write(&large);
        }
        assert_eq!(
            open_and_deleted(&output),
            HELD_AT_MOST,
            "no more than these"
        );
        drop(spares);
        assert_eq!(
            open_and_deleted(&output),
            0,
            "the pool closes them when dropped"
        );
        assert_eq!(fs::read(&page).unwrap().len(), large.len());
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn spares_on_another_file_system_are_given_up() {
        use std::os::unix::fs::PermissionsExt;
        let Ok(elsewhere) = tempfile::tempdir_in("/dev/shm") else {
            eprintln!("skipped: no /dev/shm");
            return;
        };
        let vault = tempfile::tempdir().unwrap();
        let same_device = |a: &Path, b: &Path| {
            use std::os::unix::fs::MetadataExt;
            fs::metadata(a).unwrap().dev() == fs::metadata(b).unwrap().dev()
        };
        if same_device(elsewhere.path(), vault.path()) {
            eprintln!("skipped: /dev/shm is on the temporary folder's file system");
            return;
        }
        let spares = Spares::new(elsewhere.path().to_path_buf());
        spares.fill(3);
        let page = vault.path().join("A.md");
        let mode = fs::Permissions::from_mode(0o644);
        assert!(!spares.write(vault.path(), &page, b"one", &mode).unwrap());
        assert!(!page.exists());
        assert_eq!((spares.ready(), temp_files(elsewhere.path())), (0, 0));
        spares.fill(3);
        assert_eq!(spares.ready(), 0, "no more are made");
    }
}
