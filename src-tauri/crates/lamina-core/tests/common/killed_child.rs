//! The harness of the tests that kill a process mid-work with SIGKILL (`crash_resume.rs`,
//! `batch_resume.rs`): the test binary runs itself again as that process, told by two
//! environment variables where its data folder and the sandbox are.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

const CHILD_DATA: &str = "LAMINA_KILLED_CHILD_DATA";
const CHILD_URL: &str = "LAMINA_KILLED_CHILD_URL";

/// The binary's `main`: as the child, `child(sandbox URL, data folder)`; otherwise the one test
/// `name` (and `cargo test -- --list` lists exactly that).
pub fn main_of<C, T>(name: &str, child: impl FnOnce(String, PathBuf) -> C, test: impl FnOnce() -> T)
where
    C: Future<Output = ()>,
    T: Future<Output = ()>,
{
    let runtime = tokio::runtime::Runtime::new().unwrap();
    match (std::env::var(CHILD_DATA), std::env::var(CHILD_URL)) {
        (Ok(dir), Ok(url)) => runtime.block_on(child(url, PathBuf::from(dir))),
        _ => {
            if std::env::args().any(|a| a == "--list") {
                println!("{name}: test");
                return;
            }
            runtime.block_on(test());
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
