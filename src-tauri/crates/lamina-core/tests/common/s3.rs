//! A real S3-compatible server for tests: `s3s-fs` (crates.io, installed by `make s3-server`
//! into `target/tools/s3s-fs`, or `LAMINA_S3S_FS`), serving a temporary folder on a free
//! loopback port, with SigV4 checked against one access key and secret.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const ACCESS_KEY: &str = "LAMINATESTACCESSKEY1";
pub const SECRET_KEY: &str = "s3cr3t-Very-Private-Value-9f8e7d6c5b4a";
pub const BUCKET: &str = "photos";

pub struct S3Server {
    child: Child,
    pub port: u16,
    pub root: tempfile::TempDir,
}

impl Drop for S3Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The `s3s-fs` binary; panics with the command that installs it.
pub fn binary() -> PathBuf {
    if let Some(path) = std::env::var_os("LAMINA_S3S_FS") {
        return path.into();
    }
    // The workspace root: three levels above lamina-core, or the app crate's own folder (the
    // desktop app's tests include this file too).
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let path = [manifest.join("../../.."), manifest.to_path_buf()]
        .into_iter()
        .map(|root| root.join("target/tools/s3s-fs/bin/s3s-fs"))
        .find(|path| path.exists())
        .unwrap_or_default();
    assert!(
        path.exists(),
        "the S3 test server is not installed: run `make s3-server` (cargo install s3s-fs) first"
    );
    path
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or(0)
}

impl S3Server {
    /// Starts the server with the bucket `photos` in it.
    pub fn start() -> Self {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(root.path().join(BUCKET)).unwrap();
        let port = free_port();
        let child = Command::new(binary())
            .args(["--host", "127.0.0.1", "--port", &port.to_string()])
            .args(["--access-key", ACCESS_KEY, "--secret-key", SECRET_KEY])
            .arg(root.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "s3s-fs did not start"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        Self { child, port, root }
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The folder holding the bucket's objects (for a "public" static server over it).
    pub fn bucket_dir(&self) -> PathBuf {
        self.root.path().join(BUCKET)
    }
}
