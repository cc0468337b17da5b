//! `cargo xtask check-spec` runs test modules by name: each must exist, or the check would
//! silently run nothing for it.

use workspace_tests::workspace_root;

#[test]
fn every_test_filter_of_check_spec_names_a_test_module() {
    for (krate, filters) in xtask::check_spec::TEST_RUNS {
        let dir = match *krate {
            "workspace-tests" => workspace_root().join("tests/tests/it"),
            other => workspace_root().join(format!("crates/{other}/tests/it")),
        };
        assert!(!filters.is_empty(), "{krate}");
        for filter in *filters {
            let module = dir.join(format!("{filter}.rs"));
            assert!(module.is_file(), "{krate}: no {}", module.display());
            let main = std::fs::read_to_string(dir.join("main.rs")).unwrap();
            assert!(
                main.contains(&format!("mod {filter};")),
                "{krate}: {filter} is not declared in tests/it/main.rs"
            );
        }
    }
}

#[test]
fn the_test_commands_are_one_it_binary_per_crate() {
    let commands = xtask::check_spec::test_commands();
    assert_eq!(commands.len(), xtask::check_spec::TEST_RUNS.len());
    for command in commands {
        let text = command.join(" ");
        assert!(text.starts_with("test --quiet -p "), "{text}");
        assert!(text.contains(" --test it -- "), "{text}");
    }
}
