fn main() {
    let root = std::path::Path::new(&std::env::args().nth(1).unwrap()).to_path_buf();
    match xtask::codegen::run(&root, xtask::Mode::Write) {
        Ok(o) => { for x in o { println!("{x}") } let t = std::fs::read_to_string(root.join("crates/bitpanda-client/src/generated.rs")).unwrap(); println!("{}", xtask::surface::describe(&t).unwrap()); }
        Err(e) => println!("ERR {e}"),
    }
}
#[allow(dead_code)]
fn unused() {}
