//! A panic inside progenitor is reported as an error, and generating never swaps the process's
//! panic hook (a swap would race with panics on other threads). The panic hook is global to the
//! process, and the other tests of this binary panic on purpose: the test runs in a process of its
//! own, this binary started again with only this test selected.

use std::panic;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use workspace_tests::{operation_mut, spec};

/// Panics seen by the hook this test installs.
static SEEN: AtomicUsize = AtomicUsize::new(0);

/// Set in the process that runs the test alone.
const ALONE: &str = "WORKSPACE_TESTS_GENERATOR_PANICS_ALONE";

#[test]
fn a_generator_panic_is_an_error_and_the_panic_hook_is_left_alone() {
    if std::env::var_os(ALONE).is_none() {
        let name = format!(
            "{}::a_generator_panic_is_an_error_and_the_panic_hook_is_left_alone",
            module_path!()
                .split_once("::")
                .expect("a module of the test binary")
                .1
        );
        let output = Command::new(std::env::current_exe().expect("the test binary"))
            .args([name.as_str(), "--exact", "--test-threads=1"])
            .env(ALONE, "1")
            .output()
            .expect("the test binary runs");
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success() && stdout.contains("1 passed"),
            "{stdout}\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        return;
    }
    panic::set_hook(Box::new(|info| {
        SEEN.fetch_add(1, Ordering::SeqCst);
        eprintln!("{info}");
    }));
    // Two distinct success bodies make progenitor panic; the lint would have refused this spec.
    let mut document = spec("wealthyhood");
    let responses = &mut operation_mut(&mut document)["responses"];
    responses["200"] = responses["400"].clone();

    let error = xtask::render::render("specs/wealthyhood.yaml", &document).unwrap_err();
    assert!(
        error.starts_with("progenitor panicked on this spec"),
        "{error}"
    );
    assert_eq!(
        SEEN.load(Ordering::SeqCst),
        1,
        "the panic went through the hook that was installed, not a swapped-in one"
    );

    // What `cargo xtask` installs once at start: generator panics stay off stderr, others pass.
    xtask::render::quiet_generator_panics();
    let again = xtask::render::render("specs/wealthyhood.yaml", &document).unwrap_err();
    assert_eq!(again, error);
    assert_eq!(
        SEEN.load(Ordering::SeqCst),
        1,
        "a generator panic is kept quiet"
    );
    let ours = panic::catch_unwind(|| panic!("not from a generator"));
    assert!(ours.is_err());
    assert_eq!(
        SEEN.load(Ordering::SeqCst),
        2,
        "any other panic reaches the previous hook"
    );
    let _ = panic::take_hook();
}
