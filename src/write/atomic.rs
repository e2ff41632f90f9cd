//! Atomic writes: the bytes go to a hidden temporary file in the same folder and
//! the file is renamed over the target — so a reader, or a process killed at any
//! instant, sees the old page or the new one, never half of one.
//!
//! Pages are not flushed to disk one by one (`fsync` per page made a build of a
//! thousand pages spend most of its time waiting on the disk): every page can be
//! regenerated from the notes, and after a power cut the manifest's size and time
//! no longer match a page the disk lost, so the next build rewrites it. See
//! the safety tests in `tests/integration/safety.rs` (SIGKILL mid-write).
//!
//! Temporary files are named `.~<random>.tmp`: hidden, so Obsidian never shows
//! one as a note even if a process is killed between write and rename.

use std::fs;
use std::io::{self, Write};
use std::path::Path;

use super::Spares;

/// The prefix of our temporary files (see [`is_temp_file`]).
pub const TEMP_PREFIX: &str = ".~";

/// The suffix of our temporary files.
pub const TEMP_SUFFIX: &str = ".tmp";

/// Writes `bytes` to `path` atomically, creating missing folders.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let permissions = fs::metadata(path)
        .ok()
        .map(|metadata| metadata.permissions());
    replace_atomically(path, bytes, permissions, None)
}

/// [`replace_atomically`] from one of `spares` when it has one (see
/// [`Spares`]), else through a temporary file beside `path`: a file of the
/// vault at `root`, whose missing folders are made only while `root` is
/// there (a vault moved or deleted while it is written is not made again).
pub fn replace_from(
    spares: Option<&Spares>,
    root: &Path,
    path: &Path,
    bytes: &[u8],
    permissions: Option<fs::Permissions>,
) -> io::Result<()> {
    if let Some(spares) = spares {
        let given = permissions.clone().unwrap_or_else(default_permissions);
        if spares.write(root, path, bytes, &given)? {
            return Ok(());
        }
    }
    replace_atomically(path, bytes, permissions, Some(root))
}

/// Makes `folder` and its missing parents below the vault folder `root`, one
/// at a time, never `root` itself: when it is gone, the first fails.
pub(super) fn make_folder_within(folder: &Path, root: &Path) -> io::Result<()> {
    let gone = || {
        io::Error::new(
            io::ErrorKind::NotFound,
            format!("the vault folder `{}` is gone", root.display()),
        )
    };
    let below = folder.strip_prefix(root).map_err(|_| {
        io::Error::other(format!(
            "`{}` is not in the vault folder `{}`",
            folder.display(),
            root.display()
        ))
    })?;
    let mut made = root.to_path_buf();
    for part in below.components() {
        made.push(part);
        match fs::create_dir(&made) {
            Ok(()) => {}
            Err(error) if error.kind() == io::ErrorKind::AlreadyExists && made.is_dir() => {}
            Err(error) if error.kind() == io::ErrorKind::NotFound => return Err(gone()),
            Err(error) => return Err(error),
        }
    }
    Ok(())
}

/// [`write_atomically`], for a caller that knows the permissions of the file
/// at `path` (`None`: there is none): the page keeps them. Missing folders are
/// made only while `within` (a vault folder), if given, is there.
fn replace_atomically(
    path: &Path,
    bytes: &[u8],
    permissions: Option<fs::Permissions>,
    within: Option<&Path>,
) -> io::Result<()> {
    let temp = complete_temp_file(path, bytes, permissions, within)?;
    temp.persist(path).map_err(|error| error.error)?;
    Ok(())
}

/// Creates `path` with `bytes` atomically, unless it exists: a file that is there
/// is never replaced, even one created a moment ago by someone else (the complete
/// file is linked into place, which fails when the name is taken). Returns
/// whether the file was created.
pub fn create_atomically(path: &Path, bytes: &[u8]) -> io::Result<bool> {
    if fs::symlink_metadata(path).is_ok() {
        return Ok(false);
    }
    let temp = complete_temp_file(path, bytes, None, None)?;
    match temp.persist_noclobber(path) {
        Ok(_) => Ok(true),
        Err(error) if error.error.kind() == io::ErrorKind::AlreadyExists => Ok(false),
        Err(error) => Err(error.error),
    }
}

/// A temporary file beside `path` holding `bytes`, with `permissions` (those
/// of the file it replaces) or the usual ones.
fn complete_temp_file(
    path: &Path,
    bytes: &[u8],
    permissions: Option<fs::Permissions>,
    within: Option<&Path>,
) -> io::Result<tempfile::NamedTempFile> {
    let folder = path
        .parent()
        .ok_or_else(|| io::Error::other(format!("`{}` has no folder", path.display())))?;
    let builder = || {
        let mut builder = tempfile::Builder::new();
        builder.prefix(TEMP_PREFIX).suffix(TEMP_SUFFIX);
        builder
    };
    // The folder is there for nearly every page: it is created when the file
    // cannot be (system calls cost tens of microseconds each here).
    let mut temp = match builder().tempfile_in(folder) {
        Err(error) if error.kind() == io::ErrorKind::NotFound => {
            match within {
                Some(root) => make_folder_within(folder, root)?,
                None => fs::create_dir_all(folder)?,
            }
            builder().tempfile_in(folder)?
        }
        created => created?,
    };
    // Temporary files are private (0600); a page is an ordinary note: keep the
    // permissions of the file it replaces, or give it the usual 0644.
    temp.as_file()
        .set_permissions(permissions.unwrap_or_else(default_permissions))?;
    temp.write_all(bytes)?;
    Ok(temp)
}

#[cfg(unix)]
pub(crate) fn default_permissions() -> fs::Permissions {
    use std::os::unix::fs::PermissionsExt;
    fs::Permissions::from_mode(0o644)
}

#[cfg(not(unix))]
pub(crate) fn default_permissions() -> fs::Permissions {
    let file = tempfile::tempfile().expect("a temporary file can be created");
    let mut permissions = file.metadata().expect("it has metadata").permissions();
    permissions.set_readonly(false);
    permissions
}

/// Removes `path`.
pub fn remove(path: &Path) -> io::Result<()> {
    fs::remove_file(path)
}

/// Whether `name` is one of our temporary files.
pub fn is_temp_file(name: &str) -> bool {
    name.starts_with(TEMP_PREFIX) && name.ends_with(TEMP_SUFFIX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_replace_and_leave_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/page.md");
        write_atomically(&path, b"one").unwrap();
        write_atomically(&path, b"two").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"two");
        let names: Vec<_> = fs::read_dir(dir.path().join("sub"))
            .unwrap()
            .map(|entry| entry.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(names, ["page.md"]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                fs::metadata(&path).unwrap().permissions().mode() & 0o777,
                0o644
            );
        }
        assert!(is_temp_file(".~abc123.tmp"));
        assert!(!is_temp_file("page.md"));
    }

    #[test]
    fn create_never_replaces() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/new.md");
        assert!(create_atomically(&path, b"first").unwrap());
        assert!(!create_atomically(&path, b"second").unwrap());
        assert_eq!(fs::read(&path).unwrap(), b"first");
        let leftovers = fs::read_dir(path.parent().unwrap()).unwrap().count();
        assert_eq!(leftovers, 1, "no temporary file is left behind");
    }
}
