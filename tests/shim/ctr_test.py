#!/usr/bin/env python3
"""containerd-shim-flint-v1 under Debian's containerd through `ctr` (issue 15).

Starts a private containerd (its own root, state and sockets under a
temporary directory; the CRI plugin off) with the build directory first on
its PATH, and Debian's docker-registry on 127.0.0.1. Images are what users
make: `flint push --image` of guests built from source and of
examples/hello-spin, pulled by `ctr images pull`. Then, through
`ctr run --runtime io.containerd.flint.v1`:
  * a WASI program sees the args and env of the OCI spec, and its output
    comes back through ctr's fifos;
  * the guest's exit code is ctr's (7), and a trapping guest exits non-zero
    with the trap on stderr;
  * SIGTERM stops a computing guest through the engine's interruption: exit
    status 143, the trap and its wasm backtrace on stderr;
  * the same program as a component;
  * a Linux executable is refused at create with the reason;
  * a Spin app answers HTTP on the address SPIN_HTTP_LISTEN_ADDR gives,
    `ctr task metrics` shows its memory, SIGTERM stops it, and delete
    cleans up;
  * containerd received /tasks/create, /tasks/start, /tasks/exit and
    /tasks/delete from the shim, in that order;
  * no shim process and no rootfs mount is left behind.
Exits 77 (skipped) without root, containerd, ctr, docker-registry or the shim.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "registry"))
from registry_test import check, failures, free_port, start_registry  # noqa: E402
from containerd_env import (RUNTIME, Containerd, add_containerd_bin_args, containerd_bin_dir,  # noqa: E402
                            get_http, push_image, shim_pids, shims_left_after, skip,
                            tear_down)

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True, help="the build directory (flint, the shim, guests/)")
    add_containerd_bin_args(ap)
    ap.add_argument("--example", required=True, help="examples/hello-spin")
    a = ap.parse_args()
    a.containerd_bin = containerd_bin_dir(a)
    flint = os.path.join(a.build, "flint")
    shim = os.path.join(a.build, "containerd-shim-flint-v1")
    guests = os.path.join(a.build, "guests", "c")
    if os.geteuid() != 0:
        skip("containerd and the shim's mounts need root")
    for tool in ("docker-registry",) if a.containerd_bin else ("containerd", "ctr", "docker-registry"):
        if not shutil.which(tool):
            skip(f"no {tool} (scripts/install-deps.sh installs it)")
    if not os.access(shim, os.X_OK):
        skip("containerd-shim-flint-v1 was not built (needs protobuf and scripts/fetch-containerd-protos.sh)")
    for guest in ("args_env.wasm", "exit_code.wasm"):
        if not os.path.exists(os.path.join(guests, guest)):
            skip(f"no C guest {guest} (needs wasi-libc)")

    tmp = tempfile.mkdtemp(prefix="flint-shim-")
    registry, port = start_registry(tmp)
    containerd = Containerd(tmp, [os.path.abspath(a.build)], bin_dir=a.containerd_bin)
    print(f"containerd: {containerd.version}")
    if a.containerd_bin_env and containerd.major < 2:
        check(False, f"${a.containerd_bin_env} names containerd 2.x, not {containerd.version}")
    ns = "flint-test"
    events_out = open(os.path.join(tmp, "events.log"), "w")
    events = subprocess.Popen([containerd.ctr_path, "-a", containerd.sock, "events"], stdout=events_out,
                              stderr=subprocess.STDOUT)
    shims_before = set(shim_pids())
    spin_id = None
    try:
        def image(source, name):
            ref = f"127.0.0.1:{port}/flint-shim/{name}:v1"
            push_image(flint, containerd.ctr, source, ref, ns, check)
            return ref

        def run(ref, cid, *args, env=()):
            extra = []
            for e in env:
                extra += ["--env", e]
            return containerd.ctr("-n", ns, "run", "--rm", "--runtime", RUNTIME, *extra, ref, cid, *args)

        args_ref = image(os.path.join(guests, "args_env.wasm"), "args-env")
        p = run(args_ref, "args", "/args_env.wasm", "one", "two words", env=["GREETING=hello-from-spec"])
        check(p.returncode == 0, f"ctr run of a WASI program exits 0 (rc {p.returncode}, {p.stderr.strip()[-300:]})")
        check('argv[0] = "/args_env.wasm"' in p.stdout and 'argv[2] = "two words"' in p.stdout,
              "the program sees the spec's args through ctr's stdout fifo")
        check("GREETING is hello-from-spec" in p.stdout, "the program sees the spec's env")

        exit_ref = image(os.path.join(guests, "exit_code.wasm"), "exit-code")
        p = run(exit_ref, "exit7", "/exit_code.wasm", "7")
        check(p.returncode == 7 and "exiting with 7" in p.stdout,
              f"the guest's exit code is ctr's (rc {p.returncode})")
        p = run(exit_ref, "trap", "/exit_code.wasm", "trap")
        check(p.returncode not in (0, 7) and "unreachable" in (p.stderr + p.stdout),
              f"a trapping guest exits non-zero with the trap message (rc {p.returncode})")

        # Kill's SIGTERM stops a computing guest through the engine's
        # interruption: the trap and its wasm backtrace reach the container's
        # stderr, and the exit status is the one SIGTERM gives a process.
        spinner = subprocess.Popen([containerd.ctr_path, "-a", containerd.sock, "-n", ns, "run", "--rm",
                                    "--runtime", RUNTIME, exit_ref, "spinner", "/exit_code.wasm", "spin"],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        running = ""
        for _ in range(100):
            running = containerd.ctr("-n", ns, "task", "ls").stdout
            if any(l.split()[:1] == ["spinner"] and "RUNNING" in l for l in running.splitlines()):
                break
            time.sleep(0.1)
        time.sleep(0.3)  # past "exiting with spin": computing
        p = containerd.ctr("-n", ns, "task", "kill", "-s", "SIGTERM", "spinner")
        check(p.returncode == 0, f"ctr task kill SIGTERM of a computing guest: {p.stderr.strip()}")
        try:
            out, err = spinner.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            spinner.kill()
            out, err = spinner.communicate()
        check(spinner.returncode == 143 and "interrupt: stopped by SIGTERM" in err
              and "wasm backtrace:" in err,
              f"SIGTERM interrupts the guest (rc {spinner.returncode}): {(out + err).strip()[-400:]}")

        component = os.path.join(guests, "args_env.component.wasm")
        if os.path.exists(component):
            comp_ref = image(component, "args-env-component")
            p = run(comp_ref, "comp", "/args_env.component.wasm", "x", env=["GREETING=component"])
            check(p.returncode == 0 and 'argv[1] = "x"' in p.stdout and "GREETING is component" in p.stdout,
                  f"a WASI 0.2 command component runs (rc {p.returncode}, {p.stderr.strip()[-300:]})")
        else:
            print("skip component: no args_env.component.wasm (needs wasm-tools and the adapters)")

        p = run(args_ref, "linux", "/bin/sh")
        check(p.returncode != 0 and "not a file in the rootfs" in p.stderr,
              f"a path outside the image is refused with the reason: {p.stderr.strip()[-200:]}")

        spin_ref = image(a.example, "hello-spin")
        spin_id = "spin"
        http_port = free_port()
        p = containerd.ctr("-n", ns, "run", "-d", "--net-host", "--runtime", RUNTIME, "--env",
                           f"SPIN_HTTP_LISTEN_ADDR=127.0.0.1:{http_port}", spin_ref, spin_id)
        check(p.returncode == 0, f"ctr run -d of a Spin app: {p.stderr.strip()[-300:]}")
        body = get_http(f"http://127.0.0.1:{http_port}/hello")
        check(body is not None and body[0] == 200 and "Hello from Flint" in body[1],
              f"the Spin app answers HTTP through the shim: {body}")
        p = containerd.ctr("-n", ns, "task", "metrics", spin_id)
        mem_line = [l for l in p.stdout.splitlines() if l.startswith("memory.usage_in_bytes")]
        check(p.returncode == 0 and mem_line and int(mem_line[0].split()[-1]) > 1_000_000,
              f"ctr task metrics shows the app's memory: {mem_line or p.stderr.strip()}")
        p = containerd.ctr("-n", ns, "task", "kill", "-s", "SIGTERM", spin_id)
        check(p.returncode == 0, f"ctr task kill SIGTERM: {p.stderr.strip()}")
        status = ""
        for _ in range(100):
            status = containerd.ctr("-n", ns, "task", "ls").stdout
            if any(l.split()[:1] == [spin_id] and "STOPPED" in l for l in status.splitlines()):
                break
            time.sleep(0.1)
        check("STOPPED" in status, f"SIGTERM stops the app: {status.strip()}")
        p = containerd.ctr("-n", ns, "task", "delete", spin_id)
        check(p.returncode == 0, f"ctr task delete: {p.stderr.strip()}")
        p = containerd.ctr("-n", ns, "containers", "delete", spin_id)
        check(p.returncode == 0, f"ctr containers delete: {p.stderr.strip()}")
        spin_id = None

        time.sleep(1)  # the last events and shim exits
        events.terminate()
        events.wait(timeout=10)
        events_out.close()
        log = open(events_out.name).read()
        # ctr events prints: time, namespace, topic, the event as JSON.
        wanted = ["/tasks/create", "/tasks/start", "/tasks/exit", "/tasks/delete"]
        got = [t for l in log.splitlines() if '"container_id":"args"' in l.replace(" ", "")
               for t in wanted if f" {t} " in l]
        check(got == wanted, f"containerd got the shim's events in order: {got}")

        leftover = shims_left_after(shims_before)
        check(not leftover, f"no shim process is left: {sorted(leftover)}")
        mounts = [l for l in open("/proc/mounts") if tmp in l]
        check(not mounts, f"no rootfs mount is left: {mounts}")
    finally:
        if spin_id:
            containerd.ctr("-n", ns, "task", "kill", "-s", "SIGKILL", spin_id)
            time.sleep(0.5)
            containerd.ctr("-n", ns, "task", "delete", spin_id)
        if events.poll() is None:
            events.terminate()
        code = tear_down(containerd, registry, tmp, failures)
    return code


if __name__ == "__main__":
    sys.exit(main())
