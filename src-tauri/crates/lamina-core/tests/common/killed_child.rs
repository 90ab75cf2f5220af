//! The harness of the tests that kill a process mid-work with SIGKILL (`crash_resume.rs`,
//! `batch_resume.rs`, `publish_once.rs`): the test binary runs itself again as that process, told
//! by two environment variables where its data folder and the sandbox are.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

const CHILD_DATA: &str = "LAMINA_KILLED_CHILD_DATA";
const CHILD_URL: &str = "LAMINA_KILLED_CHILD_URL";

/// The binary's `main`: as the child, `child(sandbox URL, data folder)`; otherwise the one test
/// `name` (and `cargo test -- --list` lists exactly that).
#[allow(dead_code)] // each test binary compiles this file; batch_resume.rs uses main_of_cases
pub fn main_of<C, T>(name: &str, child: impl FnOnce(String, PathBuf) -> C, test: impl Fn() -> T)
where
    C: Future<Output = ()>,
    T: Future<Output = ()>,
{
    main_of_cases(&[(name, ())], child, |()| test());
}

/// Like [`main_of`] with one test per case, each named, run with its argument; names given on
/// the command line (as `cargo test NAME` passes them) pick the cases whose name contains one.
pub fn main_of_cases<A: Copy, C, T>(
    cases: &[(&str, A)],
    child: impl FnOnce(String, PathBuf) -> C,
    test: impl Fn(A) -> T,
) where
    C: Future<Output = ()>,
    T: Future<Output = ()>,
{
    let runtime = tokio::runtime::Runtime::new().unwrap();
    if let (Ok(dir), Ok(url)) = (std::env::var(CHILD_DATA), std::env::var(CHILD_URL)) {
        runtime.block_on(child(url, PathBuf::from(dir)));
        return;
    }
    let list = std::env::args().any(|a| a == "--list");
    let filter: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    for (name, arg) in cases {
        if list {
            println!("{name}: test");
        } else if filter.is_empty() || filter.iter().any(|f| name.contains(f.as_str())) {
            runtime.block_on(test(*arg));
            println!("test {name} ... ok");
        }
    }
}

/// This binary started again as the child on `base_url` and `data`, its output piped.
pub fn spawn_child(base_url: &str, data: &Path) -> Child {
    Command::new(std::env::current_exe().unwrap())
        .env(CHILD_DATA, data)
        .env(CHILD_URL, base_url)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Whether the child printed the line `announcement` (read until it does, or its output ends).
#[allow(dead_code)] // batch_resume.rs reads the child's progress lines itself
pub async fn announced(child: &mut Child, announcement: &'static str) -> bool {
    let stdout = child.stdout.take().unwrap();
    tokio::task::spawn_blocking(move || {
        BufReader::new(stdout)
            .lines()
            .any(|line| line.is_ok_and(|l| l == announcement))
    })
    .await
    .unwrap()
}
