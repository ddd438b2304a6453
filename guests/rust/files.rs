// Rust std on WASI preview 1: files, directories, metadata, environment,
// arguments, stdin and exit codes. Expects a writable preopen at /work
// holding data.txt; prints what it sees, sorted where order is the host's.
use std::env;
use std::fs;
use std::io::{self, BufRead, Read, Seek, SeekFrom, Write};
use std::process;

fn main() {
    let args: Vec<String> = env::args().collect();
    println!("args: {:?}", args);
    let mut vars: Vec<(String, String)> = env::vars().collect();
    vars.sort();
    println!("env: {:?}", vars);

    let data = fs::read_to_string("/work/data.txt").expect("read data.txt");
    for (i, line) in data.lines().enumerate() {
        println!("data line {}: {}", i, line);
    }

    fs::create_dir_all("/work/rust/a/b").expect("create_dir_all");
    {
        let mut f = fs::File::create("/work/rust/a/file.txt").expect("create");
        f.write_all(b"0123456789").expect("write");
        f.seek(SeekFrom::Start(4)).expect("seek");
        f.write_all(b"xy").expect("overwrite");
        f.sync_all().expect("sync");
    }
    let mut s = String::new();
    fs::File::open("/work/rust/a/file.txt").unwrap().read_to_string(&mut s).unwrap();
    println!("file: {}", s);
    let meta = fs::metadata("/work/rust/a/file.txt").unwrap();
    println!("len {} is_file {} is_dir {} readonly {}", meta.len(), meta.is_file(), meta.is_dir(),
             meta.permissions().readonly());
    fs::rename("/work/rust/a/file.txt", "/work/rust/a/b/renamed.txt").unwrap();
    fs::copy("/work/rust/a/b/renamed.txt", "/work/rust/copy.txt").unwrap();
    let mut names: Vec<String> = fs::read_dir("/work/rust/a/b").unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    names.sort();
    println!("a/b: {:?}", names);
    match fs::read("/work/nope") {
        Ok(_) => println!("nope exists?"),
        Err(e) => println!("missing file: {:?}", e.kind()),
    }
    match fs::remove_dir("/work/rust/a") {
        Ok(_) => println!("removed non-empty dir?"),
        Err(e) => println!("remove non-empty dir fails: {}", e.raw_os_error().is_some()),
    }
    fs::remove_dir_all("/work/rust/a").unwrap();
    println!("after remove_dir_all exists: {}", fs::metadata("/work/rust/a").is_ok());
    match fs::read_dir("/etc") {
        Ok(_) => println!("/etc is visible!"),
        Err(e) => println!("outside the preopen: {:?}", e.kind()),
    }

    let stdin = io::stdin();
    let mut count = 0;
    for line in stdin.lock().lines() {
        let line = line.unwrap();
        count += 1;
        eprintln!("stdin: {}", line.to_uppercase());
    }
    println!("{} stdin lines", count);
    let code = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(0);
    process::exit(code);
}
