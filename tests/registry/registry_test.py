#!/usr/bin/env python3
"""`flint registry push/pull/login` and `flint up --from` end to end (issue 15).

Starts Debian's `docker-registry` on 127.0.0.1 (a free port, a temporary
storage directory) and checks, through the real CLI:
  * a module pushed as a CNCF Wasm artifact pulls back byte for byte;
  * a Spin app (component + static files, one inlined, one a layer) pushed
    in Spin's layout pulls back byte for byte;
  * `flint up --from 127.0.0.1:PORT/hello:v1` serves examples/hello-spin;
  * oras pulls what flint pushed and flint pulls what oras pushed (skipped
    without oras);
  * `--image` pushes an ordinary image;
and against a small fake registry in this process: bearer-token login,
401, a manifest above 4 MiB, a blob whose digest is wrong, an unreachable
registry and a bad reference all fail with a clear message and exit 1.
Exits 77 (skipped) when docker-registry is not installed.
"""
import argparse
import base64
import hashlib
import http.server
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        failures.append(what)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(flint, *args, env=None, stdin=None):
    p = subprocess.run([flint, *args], capture_output=True, text=True, env=env, input=stdin,
                       timeout=120)
    return p.returncode, p.stdout, p.stderr


def start_registry(tmp):
    port = free_port()
    config = os.path.join(tmp, "registry.yml")
    with open(config, "w") as f:
        f.write(f"""version: 0.1
log:
  level: error
storage:
  filesystem:
    rootdirectory: {tmp}/registry-data
http:
  addr: 127.0.0.1:{port}
""")
    proc = subprocess.Popen(["docker-registry", "serve", config], stdout=subprocess.DEVNULL,
                            stderr=open(os.path.join(tmp, "registry.log"), "w"))
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/v2/", timeout=1)
            return proc, port
        except Exception:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("docker-registry did not start: " + open(os.path.join(tmp, "registry.log")).read())


# A minimal module: (module (func (export "f"))).
MODULE = bytes.fromhex("0061736d01000000010401600000030201000705010166000a040102000b")


def sha(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


class FakeRegistry(http.server.BaseHTTPRequestHandler):
    """Answers the misbehaving and the authenticated cases."""
    port = 0
    blobs = {}
    manifests = {}

    def log_message(self, *args):
        pass

    def reply(self, status, body=b"", headers=()):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_GET(self):
        path = self.path.split("?")[0]
        if path == "/token":
            auth = self.headers.get("Authorization", "")
            if auth == "Basic " + base64.b64encode(b"alice:wonder").decode():
                return self.reply(200, b'{"token": "good-token"}')
            return self.reply(401, b'{"errors": [{"code": "UNAUTHORIZED", "message": "bad user"}]}')
        if path == "/v2/" or path.startswith("/v2/secret/"):
            if self.headers.get("Authorization") != "Bearer good-token":
                realm = f"http://127.0.0.1:{self.port}/token"
                return self.reply(401, b'{"errors": [{"code": "UNAUTHORIZED", "message": "authentication required"}]}',
                                  [("WWW-Authenticate", f'Bearer realm="{realm}",service="fake",scope="repository:secret:pull"')])
            if path == "/v2/":
                return self.reply(200, b"{}")
        m = re.match(r"/v2/(\w+)/(manifests|blobs)/(.+)", path)
        if not m:
            return self.reply(404)
        repo, kind, ref = m.groups()
        if repo == "big" and kind == "manifests":
            return self.reply(200, b" " * (5 << 20), [("Content-Type", "application/vnd.oci.image.manifest.v1+json")])
        if kind == "manifests" and repo in ("bad", "secret") and ref in self.manifests:
            return self.reply(200, self.manifests[ref], [("Content-Type", "application/vnd.oci.image.manifest.v1+json")])
        if kind == "blobs" and ref in self.blobs:
            data = self.blobs[ref]
            if repo == "bad" and ref != sha(b"{}"):
                data = b"X" * len(data)  # the right size, the wrong bytes
            return self.reply(200, data)
        return self.reply(404, b'{"errors": [{"code": "MANIFEST_UNKNOWN", "message": "manifest unknown"}]}')

    do_HEAD = do_GET


def start_fake():
    config = b"{}"
    FakeRegistry.blobs = {sha(MODULE): MODULE, sha(config): config}
    manifest = json.dumps({
        "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.wasm.config.v0+json", "digest": sha(config), "size": len(config)},
        "layers": [{"mediaType": "application/wasm", "digest": sha(MODULE), "size": len(MODULE)}]}).encode()
    FakeRegistry.manifests = {"v1": manifest}
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FakeRegistry)
    FakeRegistry.port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, FakeRegistry.port


def find_oras():
    for candidate in [shutil.which("oras"), os.path.expanduser("~/go/bin/oras")]:
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--flint", required=True)
    ap.add_argument("--example", required=True, help="examples/hello-spin")
    a = ap.parse_args()
    if not shutil.which("docker-registry"):
        print("skipped: docker-registry is not installed (apt-get install docker-registry)")
        return 77
    flint = a.flint
    tmp = tempfile.mkdtemp(prefix="flint-registry-test-")
    env = dict(os.environ, XDG_CACHE_HOME=os.path.join(tmp, "cache"),
               DOCKER_CONFIG=os.path.join(tmp, "docker"))
    registry, port = start_registry(tmp)
    fake, fake_port = start_fake()
    up = None
    try:
        reg = f"127.0.0.1:{port}"
        # (a) one module as a CNCF Wasm artifact.
        mod = os.path.join(tmp, "mod.wasm")
        open(mod, "wb").write(MODULE)
        rc, out, err = run(flint, "push", "-f", mod, f"{reg}/mod:v1", env=env)
        check(rc == 0 and "Digest: sha256:" in out, f"flint push mod.wasm: rc={rc} {err.strip()}")
        got = os.path.join(tmp, "pulled.wasm")
        rc, out, err = run(flint, "registry", "pull", f"{reg}/mod:v1", "-o", got, env=env)
        check(rc == 0 and open(got, "rb").read() == MODULE, f"pull -o: byte for byte ({err.strip()})")
        manifest = json.load(urllib.request.urlopen(urllib.request.Request(
            f"http://{reg}/v2/mod/manifests/v1", headers={"Accept": "application/vnd.oci.image.manifest.v1+json"})))
        check(manifest["config"]["mediaType"] == "application/vnd.wasm.config.v0+json" and
              manifest["layers"][0]["mediaType"] == "application/wasm", "CNCF media types in the registry")

        # (b) a Spin app: first hello-spin (a .wat, encoded at push) ...
        rc, out, err = run(flint, "registry", "push", "-f", a.example, f"{reg}/hello:v1", env=env)
        check(rc == 0, f"registry push examples/hello-spin: {err.strip()}")
        hello_dir = os.path.join(tmp, "hello-pulled")
        rc, out, err = run(flint, "registry", "pull", f"{reg}/hello:v1", "-o", hello_dir, env=env)
        component = os.path.join(hello_dir, "components", "hello.wasm")
        check(rc == 0 and os.path.exists(component), f"pull the hello app: {err.strip()}")
        # ... then an app with that binary component and static files.
        app = os.path.join(tmp, "app")
        os.makedirs(os.path.join(app, "static", "sub"))
        shutil.copy(component, os.path.join(app, "web.wasm"))
        small, big = b"tiny file\n", os.urandom(5000)
        open(os.path.join(app, "static", "small.txt"), "wb").write(small)
        open(os.path.join(app, "static", "sub", "big.bin"), "wb").write(big)
        open(os.path.join(app, "spin.toml"), "w").write("""spin_manifest_version = 2
[application]
name = "files-app"
[[trigger.http]]
route = "/..."
component = "web"
[component.web]
source = "web.wasm"
files = ["static/**/*"]
""")
        rc, out, err = run(flint, "registry", "push", "-f", app, f"{reg}/files-app:v2", env=env)
        check(rc == 0, f"push an app with files: {err.strip()}")
        back = os.path.join(tmp, "files-pulled")
        rc, out, err = run(flint, "registry", "pull", f"{reg}/files-app:v2", "-o", back, env=env)
        check(rc == 0, f"pull the app with files: {err.strip()}")
        same = lambda p, data: os.path.exists(p) and open(p, "rb").read() == data
        check(same(os.path.join(back, "components", "web.wasm"), open(component, "rb").read()),
              "component round-trips byte for byte")
        check(same(os.path.join(back, "files", "web", "static", "small.txt"), small), "inlined file round-trips")
        check(same(os.path.join(back, "files", "web", "static", "sub", "big.bin"), big), "data layer round-trips")
        m = json.load(urllib.request.urlopen(urllib.request.Request(
            f"http://{reg}/v2/files-app/manifests/v2", headers={"Accept": "application/vnd.oci.image.manifest.v1+json"})))
        types = [l["mediaType"] for l in m["layers"]]
        check(types == ["application/vnd.wasm.content.layer.v1+wasm", "application/vnd.wasm.content.layer.v1+data",
                        "application/vnd.fermyon.spin.application.v1+config"], f"Spin's layer types: {types}")

        # flint up --from a registry reference.
        up = subprocess.Popen([flint, "up", "--from", f"{reg}/hello:v1", "--listen", "127.0.0.1:0"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        line = up.stdout.readline()
        served = re.search(r"Serving (http://\S+)", line)
        check(served is not None, f"flint up --from prints its address: {line.strip()!r}")
        if served:
            body = urllib.request.urlopen(served.group(1) + "/hello", timeout=30).read().decode()
            check("Hello from Flint" in body, f"flint up --from serves the pulled app: {body!r}")

        # --image: an ordinary image with a tar layer.
        rc, out, err = run(flint, "push", "--image", "-f", a.example, f"{reg}/hello-image:v1", env=env)
        m = json.load(urllib.request.urlopen(urllib.request.Request(
            f"http://{reg}/v2/hello-image/manifests/v1", headers={"Accept": "application/vnd.oci.image.manifest.v1+json"})))
        check(rc == 0 and m["layers"][0]["mediaType"] == "application/vnd.oci.image.layer.v1.tar" and
              m["config"]["mediaType"] == "application/vnd.oci.image.config.v1+json",
              f"push --image: one tar layer ({err.strip()})")

        # oras, both ways.
        oras = find_oras()
        if oras is None:
            print("skipped: oras interop (go install oras.land/oras/cmd/oras@v1.3.6)")
        else:
            odir = os.path.join(tmp, "oras-out")
            p = subprocess.run([oras, "pull", "--plain-http", f"{reg}/mod:v1", "-o", odir],
                               capture_output=True, text=True)
            check(p.returncode == 0 and same(os.path.join(odir, "mod.wasm"), MODULE),
                  f"oras pulls flint's artifact byte for byte: {p.stderr.strip()}")
            wd = os.path.join(tmp, "oras-push")
            os.makedirs(wd)
            other = MODULE + bytes.fromhex("00080474657374010101")  # + a custom section "test"
            open(os.path.join(wd, "other.wasm"), "wb").write(other)
            open(os.path.join(wd, "config.json"), "w").write(json.dumps(
                {"architecture": "wasm", "os": "wasip1", "layerDigests": [sha(other)]}))
            p = subprocess.run([oras, "push", "--plain-http", f"{reg}/from-oras:v1",
                                "--config", "config.json:application/vnd.wasm.config.v0+json",
                                "other.wasm:application/wasm"], capture_output=True, text=True, cwd=wd)
            check(p.returncode == 0, f"oras push: {p.stderr.strip()}")
            got = os.path.join(tmp, "from-oras.wasm")
            rc, out, err = run(flint, "registry", "pull", f"{reg}/from-oras:v1", "-o", got, env=env)
            check(rc == 0 and same(got, other), f"flint pulls oras's artifact byte for byte: {err.strip()}")

        # Bad input: a clear error and exit 1, never a crash.
        fake_reg = f"127.0.0.1:{fake_port}"
        cases = [
            (["registry", "pull", "127.0.0.1:5000/Bad:v1"], "repository component `Bad`"),
            (["registry", "pull", f"127.0.0.1:{free_port()}/x:v1"], "Couldn't connect"),
            (["registry", "pull", f"{fake_reg}/secret:v1"], "flint registry login"),
            (["registry", "pull", f"{fake_reg}/big:v1"], "larger than 4194304 bytes"),
            (["registry", "pull", f"{fake_reg}/bad:v1", "--cache-dir", os.path.join(tmp, "fresh")],
             "refused"),
            (["registry", "pull", f"{fake_reg}/missing:v1"], "MANIFEST_UNKNOWN"),
            (["registry", "login", fake_reg, "-u", "alice", "-p", "wrong"], "refused"),
            (["up", "--from", f"{reg}/mod:v1"], "not a Spin app"),
        ]
        for args, expected in cases:
            rc, out, err = run(flint, *args, env=env)
            check(rc == 1 and expected in err and "error:" in err,
                  f"{' '.join(args[:2])} {args[2]}: rc={rc} says {expected!r}: {err.strip()}")
        # Bearer-token login, then the authenticated pull.
        rc, out, err = run(flint, "registry", "login", fake_reg, "-u", "alice", "--password-stdin",
                           env=env, stdin="wonder\n")
        check(rc == 0 and "Login Succeeded" in out, f"login through the token service: {err.strip()}")
        auths = json.load(open(os.path.join(tmp, "docker", "config.json")))["auths"]
        check(base64.b64decode(auths[fake_reg]["auth"]) == b"alice:wonder", "login wrote Docker's config.json")
        rc, out, err = run(flint, "registry", "pull", f"{fake_reg}/secret:v1", "-o", got, env=env)
        check(rc == 0 and same(got, MODULE), f"pull with a bearer token: {err.strip()}")
    finally:
        if up is not None:
            up.terminate()
            up.wait(timeout=10)
        registry.terminate()
        registry.wait(timeout=10)
        fake.shutdown()
        shutil.rmtree(tmp, ignore_errors=True)
    if failures:
        print(f"{len(failures)} failure(s)")
        return 1
    print("all passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
