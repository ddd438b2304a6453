//! A Rust command component: `cargo build --target wasm32-wasip2` makes a
//! component directly (rustc's wasip2 target links with wasm-component-ld).
//! Arguments, environment, a file in the preopened /data, stdout, stderr and
//! an exit status; deterministic output.
use std::io::{BufRead, BufReader, Write};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let mut out = std::io::stdout().lock();
    writeln!(out, "lang: rust").unwrap();
    writeln!(out, "argc: {}", args.len()).unwrap();
    for (i, a) in args.iter().enumerate().skip(1) {
        writeln!(out, "arg[{i}]: {a}").unwrap();
    }
    let fail = args.iter().skip(1).any(|a| a == "--fail");
    let var = |name: &str| std::env::var(name).unwrap_or_else(|_| "(unset)".into());
    writeln!(out, "GREETING: {}", var("GREETING")).unwrap();
    writeln!(out, "FLINT_UNSET_VARIABLE: {}", var("FLINT_UNSET_VARIABLE")).unwrap();

    let file = match std::fs::File::open("/data/input.txt") {
        Ok(f) => f,
        Err(e) => {
            eprintln!("cannot open /data/input.txt: {e}");
            std::process::exit(2);
        }
    };
    let mut n = 0;
    for line in BufReader::new(file).lines() {
        writeln!(out, "input[{n}]: {}", line.unwrap()).unwrap();
        n += 1;
    }
    writeln!(out, "input lines: {n}").unwrap();
    let missing = std::fs::File::open("/data/missing.txt").is_ok();
    writeln!(out, "missing file opens: {}", if missing { "yes" } else { "no" }).unwrap();
    out.flush().unwrap();

    eprintln!("rust: to stderr");
    std::process::exit(if fail { 1 } else { 0 });
}
