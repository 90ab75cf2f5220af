//! Built-in storage: the demo workspace's stand-in for a bucket. Files are named by content hash
//! (`<sha256 hex>.<ext>`), put with `PUT /_sandbox/files/{name}` and served without auth from
//! `GET /_sandbox/files/{name}`, so the sandbox (and anything on this machine) can fetch them like
//! a presigned link. Kept on disk when a folder is configured (the app's demo workspace: links
//! survive a restart), otherwise in memory.

use std::collections::HashMap;
use std::io;
use std::path::PathBuf;
use std::sync::Mutex;

use bytes::Bytes;

/// The largest file accepted (a 12-megapixel JPEG is 3–8 MB; PNGs of that size reach ~35 MB).
pub(crate) const MAX_STORED_BYTES: usize = 50 * 1024 * 1024;

/// A stored file and the type it is served with.
#[derive(Debug, Clone)]
pub(crate) struct StoredFile {
    pub bytes: Bytes,
    pub content_type: String,
}

#[derive(Debug)]
pub(crate) struct BuiltInStorage {
    dir: Option<PathBuf>,
    memory: Mutex<HashMap<String, StoredFile>>,
}

/// Whether `name` is `<64 lowercase hex>.<1–8 lowercase letters or digits>`: content-hash names
/// only, which also keeps every name a plain file name (no separators, no `..`).
pub(crate) fn is_valid_name(name: &str) -> bool {
    let Some((hash, ext)) = name.split_once('.') else {
        return false;
    };
    hash.len() == 64
        && hash.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        && (1..=8).contains(&ext.len())
        && ext
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

/// The type a file is served with when the uploader sent none (or a useless one).
pub(crate) fn content_type_for(name: &str) -> &'static str {
    match name.rsplit_once('.').map(|(_, ext)| ext) {
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("webp") => "image/webp",
        Some("gif") => "image/gif",
        Some("avif") => "image/avif",
        Some("heic") => "image/heic",
        Some("tif" | "tiff") => "image/tiff",
        Some("bmp") => "image/bmp",
        Some("txt") => "text/plain; charset=utf-8",
        Some("json") => "application/json",
        _ => "application/octet-stream",
    }
}

/// The type recorded beside each file on disk.
fn type_path(file: &std::path::Path) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(".type");
    PathBuf::from(name)
}

impl BuiltInStorage {
    pub(crate) fn new(dir: Option<PathBuf>) -> Self {
        Self {
            dir,
            memory: Mutex::new(HashMap::new()),
        }
    }

    /// Stores `file` under `name` (already validated); `Ok(false)` if it was already there, in
    /// which case nothing is written (the name is the content's hash).
    pub(crate) async fn put(&self, name: &str, file: StoredFile) -> io::Result<bool> {
        let Some(dir) = &self.dir else {
            let mut memory = self.memory.lock().unwrap_or_else(|e| e.into_inner());
            if memory.contains_key(name) {
                return Ok(false);
            }
            memory.insert(name.to_owned(), file);
            return Ok(true);
        };
        let path = dir.join(name);
        if tokio::fs::try_exists(&path).await? {
            return Ok(false);
        }
        tokio::fs::create_dir_all(dir).await?;
        // Write aside, then rename: a kill mid-write never leaves a half file under the name.
        let partial = dir.join(format!("{name}.{}.partial", uuid::Uuid::new_v4()));
        tokio::fs::write(&partial, &file.bytes).await?;
        tokio::fs::write(type_path(&path), file.content_type.as_bytes()).await?;
        tokio::fs::rename(&partial, &path).await?;
        Ok(true)
    }

    pub(crate) async fn get(&self, name: &str) -> io::Result<Option<StoredFile>> {
        let Some(dir) = &self.dir else {
            let memory = self.memory.lock().unwrap_or_else(|e| e.into_inner());
            return Ok(memory.get(name).cloned());
        };
        let path = dir.join(name);
        let bytes = match tokio::fs::read(&path).await {
            Ok(bytes) => Bytes::from(bytes),
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        let content_type = tokio::fs::read_to_string(type_path(&path))
            .await
            .ok()
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| content_type_for(name).to_owned());
        Ok(Some(StoredFile {
            bytes,
            content_type,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HASH: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    #[test]
    fn only_content_hash_names_are_valid() {
        assert!(is_valid_name(&format!("{HASH}.png")));
        assert!(is_valid_name(&format!("{HASH}.jpeg")));
        for bad in [
            HASH.to_owned(),
            format!("{HASH}."),
            format!("{HASH}.PNG"),
            format!("{HASH}.png.png"),
            format!("{}.png", HASH.to_uppercase()),
            format!("{}.png", &HASH[1..]),
            "../etc/passwd".to_owned(),
            format!("{HASH}.toolongext"),
        ] {
            assert!(!is_valid_name(&bad), "{bad}");
        }
    }

    #[tokio::test]
    async fn disk_storage_keeps_bytes_and_type_and_answers_repeats() {
        let dir = tempfile_dir();
        let storage = BuiltInStorage::new(Some(dir.clone()));
        let name = format!("{HASH}.png");
        let file = StoredFile {
            bytes: Bytes::from_static(b"\x89PNG..."),
            content_type: "image/png".into(),
        };
        assert!(storage.put(&name, file.clone()).await.unwrap());
        assert!(!storage.put(&name, file).await.unwrap());
        // A second storage over the same folder (an app restart) still serves it.
        let reopened = BuiltInStorage::new(Some(dir.clone()));
        let back = reopened.get(&name).await.unwrap().unwrap();
        assert_eq!(&back.bytes[..], b"\x89PNG...");
        assert_eq!(back.content_type, "image/png");
        assert!(
            reopened
                .get(&format!("{HASH}.jpg"))
                .await
                .unwrap()
                .is_none()
        );
        let _ = std::fs::remove_dir_all(dir);
    }

    fn tempfile_dir() -> PathBuf {
        std::env::temp_dir().join(format!("lamina-sbx-storage-{}", uuid::Uuid::new_v4()))
    }
}
