//! The manifest a build of this process saved, kept for the next one (`watch`),
//! with the save that may still be under way on another thread.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::thread::JoinHandle;

use super::{Manifest, Spares, WriteError};

/// The manifest a build saved, with the size and modification time its file
/// had then — or, while it is being saved on another thread
/// ([`super::Writer::finish_saving_aside`]), that save.
#[derive(Debug)]
pub struct KeptManifest {
    pub(super) manifest: Arc<Manifest>,
    pub(super) stamp: Option<ExactStamp>,
    /// The save under way: its outcome, then the file's stamp.
    pub(super) saving: Option<JoinHandle<std::io::Result<Option<ExactStamp>>>>,
    /// Where it is saved.
    pub(super) path: PathBuf,
}

impl KeptManifest {
    /// Saves `manifest`, the manifest of the vault at `root`, to `path` (from
    /// one of `spares` when it has one): on another thread when `aside` and
    /// one can be had, else now.
    pub(super) fn save(
        manifest: Manifest,
        root: &Path,
        path: PathBuf,
        spares: Option<&Spares>,
        aside: bool,
    ) -> std::io::Result<KeptManifest> {
        let manifest = Arc::new(manifest);
        if aside {
            let (saved, root, at, spares) = (
                Arc::clone(&manifest),
                root.to_path_buf(),
                path.clone(),
                spares.cloned(),
            );
            let spawned = std::thread::Builder::new().spawn(move || {
                saved.save_from(&root, &at, spares.as_ref())?;
                Ok(exact_stamp(&at))
            });
            if let Ok(saving) = spawned {
                return Ok(KeptManifest {
                    manifest,
                    stamp: None,
                    saving: Some(saving),
                    path,
                });
            }
        }
        manifest.save_from(root, &path, spares)?;
        Ok(KeptManifest {
            stamp: exact_stamp(&path),
            manifest,
            saving: None,
            path,
        })
    }

    /// The manifest a build in check mode read (never saved, never reused).
    pub(super) fn read(manifest: Manifest) -> KeptManifest {
        KeptManifest {
            manifest: Arc::new(manifest),
            stamp: None,
            saving: None,
            path: PathBuf::new(),
        }
    }

    /// A manifest already on disk at `path`.
    pub(super) fn saved(manifest: Manifest, path: PathBuf) -> KeptManifest {
        KeptManifest {
            manifest: Arc::new(manifest),
            stamp: exact_stamp(&path),
            saving: None,
            path,
        }
    }

    /// Waits for the save under way, if any: the manifest as saved, or why it
    /// could not be.
    pub fn settle(mut self) -> Result<KeptManifest, WriteError> {
        let Some(saving) = self.saving.take() else {
            return Ok(self);
        };
        let io_error = |source| WriteError::Io {
            path: self.path.clone(),
            source,
        };
        match saving.join() {
            Ok(Ok(stamp)) => {
                self.stamp = stamp;
                Ok(self)
            }
            Ok(Err(source)) => Err(io_error(source)),
            Err(_) => Err(io_error(std::io::Error::other(
                "the thread saving it stopped",
            ))),
        }
    }

    /// The manifest (the last reference to it once its save is over).
    pub(super) fn take_manifest(mut self) -> Manifest {
        if let Some(saving) = self.saving.take() {
            let _ = saving.join();
        }
        let manifest = std::mem::take(&mut self.manifest);
        Arc::try_unwrap(manifest).unwrap_or_else(|shared| (*shared).clone())
    }
}

impl Drop for KeptManifest {
    /// A save under way is finished first: `watch` stops (and gives up the
    /// vault's lock) only once the manifest is on disk.
    fn drop(&mut self) {
        if let Some(saving) = self.saving.take() {
            let _ = saving.join();
        }
    }
}

/// A file's size and exact modification time.
pub(super) type ExactStamp = (u64, std::time::SystemTime);

/// The size and exact modification time of the file at `path`.
pub(super) fn exact_stamp(path: &Path) -> Option<ExactStamp> {
    let metadata = std::fs::metadata(path).ok()?;
    Some((metadata.len(), metadata.modified().ok()?))
}
