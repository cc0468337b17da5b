//! The file-level import graph of a crate: which of its source files names an item of which other
//! file, and the groups of files that depend on each other in a circle.
//!
//! The crate is read from its root (`src/lib.rs`, else `src/main.rs`) by following `mod`
//! declarations (a file `foo.rs` or `foo/mod.rs`, and inline `mod foo { … }` blocks, which stay in
//! their file). A file depends on another when its code names a path into the other: `use` items
//! (nested groups, renames, globs, `pub use` re-exports included) and paths in any other code
//! (types, expressions, macros) that start with `crate::`, `$crate::`, `super::`, `self::` or the
//! name of a child module. A path is followed through the modules it names and through the `use`
//! imports it meets on the way (so `crate::Name`, re-exported by the root from `a`, is a
//! dependency on `a`, not on the root). Comments and doc text name nothing (they are not code).
//! A `mod foo;` declaration alone is no dependency: a parent owning a child is the tree, not a use.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use proc_macro2::{TokenStream, TokenTree};
use quote::ToTokens;
use syn::{Item, UseTree};

/// A module path inside one crate (`[]` is the crate root).
type ModulePath = Vec<String>;

/// One module: the file that holds it, its child modules and the names its `use` items import.
#[derive(Default)]
struct Module {
    file: PathBuf,
    children: BTreeSet<String>,
    /// Imported name → the path it was imported from (as written, read in this module).
    imports: BTreeMap<String, Vec<String>>,
    /// The paths of its glob imports (`use path::*`).
    globs: Vec<Vec<String>>,
    /// The names of the items it defines (functions, types, constants, traits, macros).
    items: BTreeSet<String>,
}

/// A path named in code: the module whose code names it, and its segments as written.
struct Reference {
    module: ModulePath,
    segments: Vec<String>,
}

/// A crate's modules and the paths its code names.
#[derive(Default)]
struct Crate {
    modules: BTreeMap<ModulePath, Module>,
    references: Vec<Reference>,
}

/// The file-level dependency graph of the crate whose sources are in `src`: each file (relative to
/// `src`) and the other files it depends on. Fails on a file that does not parse or is missing.
pub fn file_graph(src: &Path) -> Result<BTreeMap<PathBuf, BTreeSet<PathBuf>>, String> {
    let root = ["lib.rs", "main.rs"]
        .iter()
        .map(PathBuf::from)
        .find(|name| src.join(name).is_file())
        .ok_or_else(|| format!("{}: no lib.rs or main.rs", src.display()))?;
    let mut krate = Crate::default();
    load_file(src, &root, Vec::new(), &mut krate)?;
    let mut graph: BTreeMap<PathBuf, BTreeSet<PathBuf>> = krate
        .modules
        .values()
        .map(|module| (module.file.clone(), BTreeSet::new()))
        .collect();
    for reference in &krate.references {
        let target = match resolve(&krate, &reference.module, &reference.segments, 0) {
            Some(Target::Module(module) | Target::Item(module)) => module,
            None => continue,
        };
        let from = &krate.modules[&reference.module].file;
        let to = &krate.modules[&target].file;
        if from != to {
            graph
                .get_mut(from)
                .expect("a known file")
                .insert(to.clone());
        }
    }
    Ok(graph)
}

/// Reads the file `file` (relative to `src`) as the module `module`, and every module it declares.
fn load_file(src: &Path, file: &Path, module: ModulePath, krate: &mut Crate) -> Result<(), String> {
    let path = src.join(file);
    let text = fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let parsed = syn::parse_file(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    // Where the files of this file's child modules are: next to a root or `mod.rs`, else in the
    // directory named after the file.
    let stem = file.file_stem().expect("a file name").to_string_lossy();
    let parent = file.parent().unwrap_or(Path::new("")).to_path_buf();
    let children_dir = if module.is_empty() || stem == "mod" {
        parent
    } else {
        parent.join(stem.as_ref())
    };
    load_items(src, file, &children_dir, module, &parsed.items, krate)
}

/// Records the module `module` (held in `file`) with its `items`; child files are under `dir`.
fn load_items(
    src: &Path,
    file: &Path,
    dir: &Path,
    module: ModulePath,
    items: &[Item],
    krate: &mut Crate,
) -> Result<(), String> {
    krate.modules.entry(module.clone()).or_default().file = file.to_path_buf();
    for item in items {
        match item {
            Item::Mod(declared) => {
                let name = declared.ident.to_string();
                let mut child = module.clone();
                child.push(name.clone());
                krate
                    .modules
                    .get_mut(&module)
                    .expect("this module")
                    .children
                    .insert(name.clone());
                match &declared.content {
                    Some((_, inner)) => {
                        load_items(src, file, &dir.join(&name), child, inner, krate)?;
                    }
                    None => {
                        let flat = dir.join(format!("{name}.rs"));
                        let nested = dir.join(&name).join("mod.rs");
                        let child_file = if src.join(&flat).is_file() {
                            flat
                        } else if src.join(&nested).is_file() {
                            nested
                        } else {
                            return Err(format!(
                                "{}: `mod {name};` has no file",
                                src.join(file).display()
                            ));
                        };
                        load_file(src, &child_file, child, krate)?;
                    }
                }
            }
            Item::Use(used) => {
                let mut flat = Vec::new();
                flatten(&used.tree, Vec::new(), &mut flat);
                for (segments, alias) in flat {
                    let this = krate.modules.get_mut(&module).expect("this module");
                    match alias {
                        Some(alias) => {
                            this.imports.insert(alias, segments.clone());
                        }
                        None => this.globs.push(segments.clone()),
                    }
                    krate.references.push(Reference {
                        module: module.clone(),
                        segments,
                    });
                }
            }
            other => {
                if let Some(name) = item_name(other) {
                    let this = krate.modules.get_mut(&module).expect("this module");
                    this.items.insert(name);
                }
                let mut found = Vec::new();
                scan(other.to_token_stream(), &mut found);
                krate
                    .references
                    .extend(found.into_iter().map(|segments| Reference {
                        module: module.clone(),
                        segments,
                    }));
            }
        }
    }
    Ok(())
}

/// The name an item defines in its module's namespace, if any (an `impl` defines none).
fn item_name(item: &Item) -> Option<String> {
    let ident = match item {
        Item::Const(item) => &item.ident,
        Item::Enum(item) => &item.ident,
        Item::ExternCrate(item) => item.rename.as_ref().map_or(&item.ident, |(_, name)| name),
        Item::Fn(item) => &item.sig.ident,
        Item::Macro(item) => item.ident.as_ref()?,
        Item::Static(item) => &item.ident,
        Item::Struct(item) => &item.ident,
        Item::Trait(item) => &item.ident,
        Item::TraitAlias(item) => &item.ident,
        Item::Type(item) => &item.ident,
        Item::Union(item) => &item.ident,
        _ => return None,
    };
    Some(ident.to_string())
}

/// Every path of a `use` tree, each with the name it brings into scope (none for a glob).
fn flatten(tree: &UseTree, prefix: Vec<String>, out: &mut Vec<(Vec<String>, Option<String>)>) {
    let with = |name: &syn::Ident| {
        let mut path = prefix.clone();
        if name != "self" {
            path.push(name.to_string());
        }
        path
    };
    match tree {
        UseTree::Path(path) => flatten(&path.tree, with(&path.ident), out),
        UseTree::Name(name) => {
            let path = with(&name.ident);
            let alias = path.last().cloned();
            out.push((path, alias));
        }
        UseTree::Rename(rename) => {
            out.push((with(&rename.ident), Some(rename.rename.to_string())));
        }
        UseTree::Glob(_) => out.push((prefix, None)),
        UseTree::Group(group) => {
            for tree in &group.items {
                flatten(tree, prefix.clone(), out);
            }
        }
    }
}

/// The paths in `tokens` that may lead into the crate: each run `a::b::c` of identifiers joined by
/// `::` that is not itself the tail of a longer path. Which of them are the crate's own is decided
/// when they are resolved.
fn scan(tokens: TokenStream, out: &mut Vec<Vec<String>>) {
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    let is_colons = |index: usize| {
        matches!(
            (trees.get(index), trees.get(index + 1)),
            (Some(TokenTree::Punct(a)), Some(TokenTree::Punct(b)))
                if a.as_char() == ':' && b.as_char() == ':'
        )
    };
    let mut index = 0;
    while index < trees.len() {
        match &trees[index] {
            TokenTree::Group(group) => scan(group.stream(), out),
            TokenTree::Ident(ident) => {
                let continues_a_path = index >= 2 && is_colons(index - 2);
                if !continues_a_path && is_colons(index + 1) {
                    let mut segments = vec![ident.to_string()];
                    let mut next = index + 1;
                    while is_colons(next) {
                        match trees.get(next + 2) {
                            Some(TokenTree::Ident(segment)) => {
                                segments.push(segment.to_string());
                                next += 3;
                            }
                            _ => break,
                        }
                    }
                    out.push(segments);
                    index = next;
                    continue;
                }
            }
            TokenTree::Punct(_) | TokenTree::Literal(_) => {}
        }
        index += 1;
    }
}

/// Where a path leads: into a module, or to an item defined in a module.
enum Target {
    Module(ModulePath),
    Item(ModulePath),
}

/// Where the path `segments`, named in module `from`, leads: as far as it names modules of the
/// crate (directly or through `use` imports), then the item it names there. `None` for a path out
/// of the crate, or one that names nothing the crate defines (such as tokens inside `quote!`).
fn resolve(krate: &Crate, from: &[String], segments: &[String], depth: usize) -> Option<Target> {
    if depth > 16 {
        return None;
    }
    let (first, rest) = segments.split_first()?;
    let mut at: ModulePath = from.to_vec();
    match first.as_str() {
        "crate" => at.clear(),
        "super" => {
            at.pop()?;
        }
        "self" => {}
        name => match step(krate, &at, name, depth)? {
            Target::Module(next) => at = next,
            item @ Target::Item(_) => return Some(item),
        },
    }
    for segment in rest {
        match segment.as_str() {
            "super" => {
                at.pop()?;
            }
            "self" => {}
            name => match step(krate, &at, name, depth)? {
                Target::Module(next) => at = next,
                // An item: what follows (a variant, an associated item) is inside it.
                item @ Target::Item(_) => return Some(item),
            },
        }
    }
    Some(Target::Module(at))
}

/// Where the name `name`, looked up in module `at`, leads: a child module, what an import of that
/// name leads to, an item defined there, or what a glob import there brings in under that name.
fn step(krate: &Crate, at: &ModulePath, name: &str, depth: usize) -> Option<Target> {
    let module = &krate.modules[at];
    if module.children.contains(name) {
        let mut child = at.clone();
        child.push(name.to_owned());
        return Some(Target::Module(child));
    }
    if let Some(imported) = module.imports.get(name) {
        return resolve(krate, at, imported, depth + 1);
    }
    if module.items.contains(name) {
        return Some(Target::Item(at.clone()));
    }
    module.globs.iter().find_map(|glob| {
        let mut path = glob.clone();
        path.push(name.to_owned());
        resolve(krate, at, &path, depth + 1)
    })
}

/// The groups of files in `graph` that depend on each other in a circle (strongly connected
/// components of more than one file), each sorted, in a stable order.
pub fn cycles(graph: &BTreeMap<PathBuf, BTreeSet<PathBuf>>) -> Vec<Vec<PathBuf>> {
    // Tarjan's algorithm, recursive: crates have tens of files, not thousands.
    struct State<'g> {
        graph: &'g BTreeMap<PathBuf, BTreeSet<PathBuf>>,
        index: BTreeMap<&'g PathBuf, usize>,
        low: BTreeMap<&'g PathBuf, usize>,
        stack: Vec<&'g PathBuf>,
        on_stack: BTreeSet<&'g PathBuf>,
        groups: Vec<Vec<PathBuf>>,
    }
    fn visit<'g>(node: &'g PathBuf, state: &mut State<'g>) {
        let number = state.index.len();
        state.index.insert(node, number);
        state.low.insert(node, number);
        state.stack.push(node);
        state.on_stack.insert(node);
        for next in state.graph.get(node).into_iter().flatten() {
            if !state.index.contains_key(next) {
                visit(next, state);
                let low = state.low[node].min(state.low[next]);
                state.low.insert(node, low);
            } else if state.on_stack.contains(next) {
                let low = state.low[node].min(state.index[next]);
                state.low.insert(node, low);
            }
        }
        if state.low[node] == state.index[node] {
            let mut group = Vec::new();
            while let Some(member) = state.stack.pop() {
                state.on_stack.remove(member);
                group.push(member.clone());
                if member == node {
                    break;
                }
            }
            if group.len() > 1 {
                group.sort();
                state.groups.push(group);
            }
        }
    }
    let mut state = State {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        groups: Vec::new(),
    };
    for node in graph.keys() {
        if !state.index.contains_key(node) {
            visit(node, &mut state);
        }
    }
    state.groups.sort();
    state.groups
}

/// Every crate of the workspace at `root`: each directory (the root itself, its children and their
/// children, skipping `target` and hidden ones) with a `Cargo.toml` and a `src/` holding `lib.rs`
/// or `main.rs`; relative to `root`, sorted.
pub fn crate_dirs(root: &Path) -> Vec<PathBuf> {
    fn walk(root: &Path, dir: &Path, depth: usize, out: &mut Vec<PathBuf>) {
        let src = root.join(dir).join("src");
        if root.join(dir).join("Cargo.toml").is_file()
            && (src.join("lib.rs").is_file() || src.join("main.rs").is_file())
        {
            out.push(dir.to_path_buf());
        }
        if depth == 2 {
            return;
        }
        let Ok(entries) = fs::read_dir(root.join(dir)) else {
            return;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if entry.path().is_dir() && name != "target" && !name.starts_with('.') && name != "src"
            {
                walk(root, &dir.join(name), depth + 1, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(root, Path::new(""), 0, &mut out);
    out.sort();
    out
}
