// std::fs, std::env and std::process::exit under WASI (Debian's rustc 1.63,
// wasm32-wasi).  Files are made in the preopened /sandbox; errors are shown
// by kind and raw OS error (WASI errno) so both engines print the same.
use std::env;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::process;

fn show<T: std::fmt::Debug>(label: &str, r: io::Result<T>) -> Option<T> {
    match r {
        Ok(v) => {
            println!("{}: ok {:?}", label, v);
            Some(v)
        }
        Err(e) => {
            println!("{}: error {:?} (os {:?})", label, e.kind(), e.raw_os_error());
            None
        }
    }
}

// opens: "ok" without the descriptor's number (engines may number them differently)
fn show_open(label: &str, r: io::Result<File>) -> Option<File> {
    show(label, r.as_ref().map(|_| ()).map_err(|e| match e.raw_os_error() {
        Some(code) => io::Error::from_raw_os_error(code),
        None => io::Error::from(e.kind()),
    }));
    r.ok()
}

fn main() {
    let base = Path::new("/sandbox");
    for (i, a) in env::args().enumerate() {
        println!("arg {}: {}", i, a);
    }
    let mut vars: Vec<(String, String)> = env::vars().collect();
    println!("vars in order: {:?}", vars);
    vars.sort();
    println!("var RUST_CASE: {:?}", env::var("RUST_CASE"));
    println!("var MISSING: {:?}", env::var("MISSING").is_err());
    println!("current_dir: {:?}", env::current_dir().map_err(|e| e.kind()));

    let mut input = String::new();
    show("stdin read_to_string", io::stdin().read_to_string(&mut input));
    print!("stdin: {}", input);

    let hello = base.join("hello.txt");
    show("write", fs::write(&hello, b"hello from rust\n"));
    match fs::read_to_string(&hello) {
        Ok(s) => print!("read back: {}", s),
        Err(e) => println!("read back: error {:?}", e.kind()),
    }
    if let Some(mut f) = show_open("append open", OpenOptions::new().append(true).open(&hello)) {
        show("append", f.write_all(b"second line\n"));
    }
    if let Some(mut f) = show_open("open", File::open(&hello)) {
        show("seek", f.seek(SeekFrom::Start(6)));
        let mut s = String::new();
        show("read_to_string", f.read_to_string(&mut s));
        println!("after seek: {:?}", s);
        show("write to read-only", f.write(b"x"));
    }
    if let Some(m) = show("metadata len", fs::metadata(&hello).map(|m| m.len())) {
        println!("len is 28: {}", m == 28);
    }
    println!("is_file: {} is_dir: {}", hello.is_file(), base.join("sub").is_dir());
    show("symlink_metadata of link", fs::symlink_metadata(base.join("link_to_input"))
        .map(|m| m.file_type().is_symlink()));
    show("read_link", fs::read_link(base.join("link_to_input")));
    show("canonicalize", fs::canonicalize(base.join("sub/../input.txt")));

    show("create_dir_all", fs::create_dir_all(base.join("made/a/b/c")));
    show("create_dir existing", fs::create_dir(base.join("made")));
    show("write nested", fs::write(base.join("made/a/b/c/deep.txt"), "deep"));
    show("copy", fs::copy(base.join("input.txt"), base.join("made/copy.txt")));
    show("rename", fs::rename(base.join("made/copy.txt"), base.join("made/a/renamed.txt")));
    show("hard_link", fs::hard_link(base.join("input.txt"), base.join("made/hard.txt")));
    let mut names: Vec<String> = fs::read_dir(base)
        .map(|rd| rd.filter_map(|e| e.ok()).map(|e| {
            let ft = e.file_type().map(|t| if t.is_dir() { "dir" } else if t.is_symlink() { "link" } else { "file" });
            format!("{} {}", e.file_name().to_string_lossy(), ft.unwrap_or("?"))
        }).collect())
        .unwrap_or_default();
    names.sort();
    println!("read_dir /sandbox: {:?}", names);
    show("remove_file", fs::remove_file(base.join("made/hard.txt")));
    show("remove_file missing", fs::remove_file(base.join("made/hard.txt")));
    show("remove_dir non-empty", fs::remove_dir(base.join("made/a")));
    show("remove_dir_all", fs::remove_dir_all(base.join("made/a")));
    show("read missing", fs::read(base.join("missing.txt")));
    show("read outside", fs::read("/etc/passwd"));
    show("read escape", fs::read(base.join("../etc/passwd")));
    show("set_len", OpenOptions::new().write(true).open(base.join("made/a.txt"))
        .or_else(|_| File::create(base.join("made/a.txt")))
        .and_then(|f| f.set_len(1000)));
    show("len after set_len", fs::metadata(base.join("made/a.txt")).map(|m| m.len()));
    let code = env::args().nth(3).and_then(|s| s.parse().ok()).unwrap_or(17);
    io::stdout().flush().unwrap();
    process::exit(code);
}
