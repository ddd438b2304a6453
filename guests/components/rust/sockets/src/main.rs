//! A wasi:sockets guest for `flint run -S inherit-network` (and `wasmtime
//! run -S inherit-network`, which prints the same): std::net over WASI 0.2
//! on 127.0.0.1 -- a TCP listener on a port the host picks, a connection
//! to itself that echoes one line back, and a UDP round trip. Without the
//! grant the first bind fails with access-denied and the guest exits 1.
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream, UdpSocket};
use std::process::exit;

fn fail(what: &str, e: std::io::Error) -> ! {
    eprintln!("sockets: {what}: {e} ({:?})", e.kind());
    exit(1);
}

fn main() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| fail("tcp bind", e));
    let addr = listener.local_addr().unwrap_or_else(|e| fail("local_addr", e));
    println!("tcp listening on 127.0.0.1: {}", addr.ip() == std::net::Ipv4Addr::LOCALHOST);
    println!("tcp port picked: {}", addr.port() != 0);

    // wasip2 has no threads: connect first (the kernel completes the
    // handshake against the backlog), then accept.
    let mut client = TcpStream::connect(addr).unwrap_or_else(|e| fail("tcp connect", e));
    let (mut server, peer) = listener.accept().unwrap_or_else(|e| fail("tcp accept", e));
    println!(
        "tcp accepted the client: {}",
        peer == client.local_addr().unwrap_or_else(|e| fail("local_addr", e))
    );
    client.write_all(b"hello over tcp\n").unwrap_or_else(|e| fail("tcp write", e));
    let mut line = String::new();
    BufReader::new(&mut server).read_line(&mut line).unwrap_or_else(|e| fail("tcp read", e));
    server.write_all(line.as_bytes()).unwrap_or_else(|e| fail("tcp echo", e));
    let mut echoed = String::new();
    BufReader::new(&mut client).read_line(&mut echoed).unwrap_or_else(|e| fail("tcp read", e));
    print!("tcp echo: {echoed}");
    drop(client);
    let mut rest = String::new();
    let n = BufReader::new(&mut server).read_line(&mut rest).unwrap_or_else(|e| fail("tcp eof", e));
    println!("tcp end of stream after close: {}", n == 0);

    let a = UdpSocket::bind("127.0.0.1:0").unwrap_or_else(|e| fail("udp bind", e));
    let b = UdpSocket::bind("127.0.0.1:0").unwrap_or_else(|e| fail("udp bind", e));
    let b_addr = b.local_addr().unwrap_or_else(|e| fail("local_addr", e));
    a.send_to(b"ping", b_addr).unwrap_or_else(|e| fail("udp send", e));
    let mut buf = [0u8; 64];
    let (n, from) = b.recv_from(&mut buf).unwrap_or_else(|e| fail("udp recv", e));
    println!("udp received: {}", String::from_utf8_lossy(&buf[..n]));
    b.send_to(b"pong", from).unwrap_or_else(|e| fail("udp reply", e));
    let (n, _) = a.recv_from(&mut buf).unwrap_or_else(|e| fail("udp recv", e));
    println!("udp reply: {}", String::from_utf8_lossy(&buf[..n]));
    println!("sockets: done");
}
