#!/usr/bin/env python3
"""sweepwatch worker wrapper: runs a RunPod handler command, passes its output through
unchanged, and ships the output lines and the exit code (or signal) to sweepwatch.

Usage (e.g. as the Docker CMD):
    python3 sweepwatch-wrapper.py -- python -u handler.py

Environment:
    SWEEPWATCH_URL            base URL of sweepwatch, e.g. https://sweepwatch.example.com
    SWEEPWATCH_INGEST_TOKEN   the endpoint's ingest token (swi_...)
    SWEEPWATCH_ENDPOINT_ID    endpoint id (default: RUNPOD_ENDPOINT_ID)
    SWEEPWATCH_WORKER_ID      worker id (default: RUNPOD_POD_ID, else the host name)
    SWEEPWATCH_BATCH_LINES    lines per batch (default 500)
    SWEEPWATCH_FLUSH_SECONDS  longest wait before a partial batch is sent (default 1)
    SWEEPWATCH_EXIT_TIMEOUT   seconds spent shipping after the handler ended (default 10)
    SWEEPWATCH_MAX_BUFFER     lines kept while sweepwatch is unreachable (default 20000; oldest dropped)
    SWEEPWATCH_DEBUG=1        wrapper diagnostics on stderr (off by default: output stays the handler's)

Guarantees: the handler's stdout and stderr bytes reach the wrapper's stdout and stderr
unchanged (same bytes, same stream), and the wrapper exits with the handler's exit code, or
dies of the same signal. Nothing sweepwatch does (down, slow, rejecting) changes either: shipping
runs in a background thread with bounded memory and a bounded wait at exit. Without
SWEEPWATCH_URL / SWEEPWATCH_INGEST_TOKEN / an endpoint id the wrapper simply execs the command.
Python 3.8+, standard library only.
"""
import collections
import datetime
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid

VERSION = "1"
MAX_LINE_CHARS = 16 * 1024
MAX_BATCH_BYTES = 900 * 1024
MAX_PARTIAL_BYTES = 64 * 1024
FORWARDED_SIGNALS = ("SIGTERM", "SIGINT", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2")


def _debug(msg):
    if os.environ.get("SWEEPWATCH_DEBUG") == "1":
        try:
            sys.stderr.write("[sweepwatch-wrapper] %s\n" % msg)
            sys.stderr.flush()
        except Exception:
            pass


def _env_num(name, default, cast=int):
    try:
        v = cast(os.environ.get(name, "").strip())
        return v if v > 0 else default
    except (TypeError, ValueError):
        return default


def _now_iso():
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def load_config():
    url = os.environ.get("SWEEPWATCH_URL", "").strip().rstrip("/")
    token = os.environ.get("SWEEPWATCH_INGEST_TOKEN", "").strip()
    endpoint = (os.environ.get("SWEEPWATCH_ENDPOINT_ID") or os.environ.get("RUNPOD_ENDPOINT_ID") or "").strip()
    if not (url and token and endpoint):
        return None
    worker = (os.environ.get("SWEEPWATCH_WORKER_ID") or os.environ.get("RUNPOD_POD_ID") or socket.gethostname() or "unknown").strip()
    return {
        "ingest_url": url + "/api/ingest/logs",
        "token": token,
        "endpoint": endpoint[:128],
        "worker": worker[:128],
        "batch_lines": min(_env_num("SWEEPWATCH_BATCH_LINES", 500), 5000),
        "flush_seconds": _env_num("SWEEPWATCH_FLUSH_SECONDS", 1.0, float),
        "exit_timeout": _env_num("SWEEPWATCH_EXIT_TIMEOUT", 10.0, float),
        "max_buffer": _env_num("SWEEPWATCH_MAX_BUFFER", 20000),
    }


def _stdin_type():
    """What the handler's stdin is (it inherits the wrapper's): RunPod serverless starts workers without a terminal."""
    try:
        st = os.fstat(0)
    except OSError:
        return "closed"
    import stat as _stat
    kind = "other"
    if _stat.S_ISCHR(st.st_mode):
        kind = "char-device"
        try:
            if os.isatty(0):
                kind = "tty"
            elif st.st_rdev == os.stat("/dev/null").st_rdev:
                kind = "/dev/null"
        except OSError:
            pass
    elif _stat.S_ISFIFO(st.st_mode):
        kind = "pipe"
    elif _stat.S_ISREG(st.st_mode):
        kind = "file"
    elif _stat.S_ISSOCK(st.st_mode):
        kind = "socket"
    return kind


def _cpu_facts():
    out = {}
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                key, _, value = line.partition(":")
                key = key.strip()
                if key in ("vendor_id", "model name", "flags") and key not in out:
                    out[key] = value.strip()
                if len(out) == 3:
                    break
    except Exception:
        pass
    flags = set(out.get("flags", "").split())
    return {
        "cpuVendor": out.get("vendor_id"),
        "cpuModel": out.get("model name"),
        # the instructions std::random_device and TF's CPU feature guard depend on
        "cpuFlags": sorted(flags & {"rdrand", "rdseed", "avx", "avx2", "avx512f", "fma", "sse4_2", "hypervisor"}),
        "cpuCount": os.cpu_count(),
    }


def _libstdcxx():
    found = None
    for d in ("/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib", "/lib/x86_64-linux-gnu", "/usr/local/lib", "/opt/conda/lib"):
        try:
            names = sorted(n for n in os.listdir(d) if n.startswith("libstdc++.so.6."))
        except OSError:
            continue
        if names:
            found = os.path.join(d, names[-1])
            break
    if not found:
        return None
    glibcxx = None
    try:
        import re as _re
        with open(found, "rb") as f:
            versions = set(_re.findall(rb"GLIBCXX_3\.4(?:\.(\d+))?", f.read()))
        glibcxx = "3.4.%d" % max(int(v or b"0") for v in versions) if versions else None
    except Exception:
        pass
    return {"file": found, "glibcxx": glibcxx}


def _versions(names):
    out = {}
    try:
        from importlib import metadata
    except ImportError:
        return out
    for n in names:
        try:
            out[n] = metadata.version(n)
        except Exception:
            pass
    return out


def startup_facts():
    """Facts that separate the variants of the TF start-up abort (docs: lib/detection/runbooks/tf-serverless.md).
    Read without importing any framework (importing TensorFlow is what may abort)."""
    import platform
    facts = {"wrapperVersion": VERSION, "stdin": _stdin_type(), "python": platform.python_version()}
    try:
        facts["libc"] = " ".join(platform.libc_ver()).strip() or None
    except Exception:
        pass
    facts.update(_cpu_facts())
    facts["libstdcxx"] = _libstdcxx()
    facts["packages"] = _versions(("tensorflow", "tensorflow-cpu", "tf-keras", "keras", "torch", "jax", "numpy", "runpod", "protobuf"))
    return facts


class Shipper(object):
    """Collects lines and sends them in batches from a daemon thread; never raises to its callers."""

    def __init__(self, cfg):
        self.cfg = cfg
        self.lines = collections.deque()
        self.cond = threading.Condition()
        self.closing = False
        self.exit_info = None
        self.exit_sent = False
        self.deadline = None
        self.dropped = 0
        self.boot = uuid.uuid4().hex[:16]
        self.seq = 0
        self.thread = threading.Thread(target=self._run, name="sweepwatch-shipper", daemon=True)
        self.thread.start()

    def add(self, stream, raw):
        try:
            text = raw.decode("utf-8", "replace")
            if text.endswith("\r"):
                text = text[:-1]
            if len(text) > MAX_LINE_CHARS:
                text = text[:MAX_LINE_CHARS]
            with self.cond:
                if len(self.lines) >= self.cfg["max_buffer"]:
                    self.lines.popleft()
                    self.dropped += 1
                self.lines.append({"ts": _now_iso(), "stream": stream, "text": text})
                if len(self.lines) >= self.cfg["batch_lines"]:
                    self.cond.notify()
        except Exception:
            pass

    def finish(self, exit_info):
        """Hands over the exit and waits (bounded) until everything is shipped."""
        with self.cond:
            self.exit_info = exit_info
            self.closing = True
            self.deadline = time.monotonic() + self.cfg["exit_timeout"]
            self.cond.notify()
        self.thread.join(max(0.0, self.cfg["exit_timeout"]) + 1.0)

    def _take_batch(self):
        batch, size = [], 0
        while self.lines and len(batch) < self.cfg["batch_lines"]:
            n = len(json.dumps(self.lines[0])) + 1
            if batch and size + n > MAX_BATCH_BYTES:
                break
            batch.append(self.lines.popleft())
            size += n
        return batch

    def _run(self):
        try:
            facts = startup_facts()
        except Exception as e:
            facts = {"error": repr(e)[:200]}
        self.seq += 1
        self._send({"endpointId": self.cfg["endpoint"], "workerId": self.cfg["worker"], "batchId": "%s-%d" % (self.boot, self.seq), "lines": [], "startup": facts})
        while True:
            with self.cond:
                if not self.closing and len(self.lines) < self.cfg["batch_lines"]:
                    self.cond.wait(self.cfg["flush_seconds"])
                closing = self.closing
                batch = self._take_batch()
                if self.dropped:
                    batch.insert(0, {"ts": _now_iso(), "stream": "stderr", "text": "[sweepwatch-wrapper] %d line(s) dropped while sweepwatch was unreachable" % self.dropped})
                    self.dropped = 0
                last = closing and not self.lines
                exit_info = self.exit_info if last and not self.exit_sent else None
            if not batch and exit_info is None:
                if last:
                    return
                continue
            self.seq += 1
            body = {
                "endpointId": self.cfg["endpoint"],
                "workerId": self.cfg["worker"],
                "batchId": "%s-%d" % (self.boot, self.seq),
                "lines": batch,
            }
            if exit_info is not None:
                body["exit"] = exit_info
            self._send(body)
            if exit_info is not None:
                self.exit_sent = True
            if last and exit_info is not None:
                return
            if self.deadline is not None and time.monotonic() > self.deadline:
                return

    def _send(self, body):
        data = json.dumps(body).encode("utf-8")
        delay = 0.5
        while True:
            status, retry_after = self._post(data)
            if status is not None and 200 <= status < 300:
                return True
            if status in (400, 401, 403, 404, 413, 422):
                _debug("batch %s rejected with HTTP %s; dropped" % (body["batchId"], status))
                return False
            wait = retry_after if retry_after is not None else delay
            delay = min(delay * 2, 10.0)
            if self.deadline is not None and time.monotonic() + wait > self.deadline:
                _debug("giving up on batch %s at exit" % body["batchId"])
                return False
            time.sleep(wait)

    def _post(self, data):
        req = urllib.request.Request(
            self.cfg["ingest_url"],
            data=data,
            method="POST",
            headers={
                "Authorization": "Bearer " + self.cfg["token"],
                "Content-Type": "application/json",
                "User-Agent": "sweepwatch-wrapper/" + VERSION,
            },
        )
        try:
            with urllib.request.urlopen(req, timeout=5) as res:
                res.read()
                return res.status, None
        except urllib.error.HTTPError as e:
            ra = None
            try:
                ra = min(float(e.headers.get("Retry-After", "")), 30.0)
            except (TypeError, ValueError):
                pass
            return e.code, ra
        except Exception as e:  # refused, DNS, timeout, TLS ...
            _debug("send failed: %r" % (e,))
            return None, None


def _write_all(fd, data):
    view = memoryview(data)
    while view:
        try:
            n = os.write(fd, view)
        except InterruptedError:
            continue
        except OSError:
            return False  # our own stdout/stderr is gone; keep draining the child anyway
        view = view[n:]
    return True


def _pump(src, dst_fd, stream, shipper):
    partial = b""
    dst_ok = True
    src_fd = src.fileno()
    while True:
        try:
            chunk = os.read(src_fd, 65536)
        except InterruptedError:
            continue
        except OSError:
            break
        if not chunk:
            break
        if dst_ok:
            dst_ok = _write_all(dst_fd, chunk)
        if shipper is None:
            continue
        try:
            partial += chunk
            *complete, partial = partial.split(b"\n")
            for line in complete:
                shipper.add(stream, line)
            if len(partial) > MAX_PARTIAL_BYTES:
                shipper.add(stream, partial)
                partial = b""
        except Exception:
            partial = b""
    if shipper is not None and partial:
        shipper.add(stream, partial)


def main(argv):
    args = argv[1:]
    if args and args[0] == "--":
        args = args[1:]
    if not args:
        sys.stderr.write("usage: sweepwatch-wrapper.py -- <handler command> [args...]\n")
        return 2
    cfg = load_config()
    if cfg is None:
        _debug("not configured; running the command directly")
        try:
            os.execvp(args[0], args)
        except OSError as e:
            sys.stderr.write("%s: %s\n" % (args[0], e.strerror))
            return 127
    try:
        child = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, bufsize=0)
    except OSError as e:
        sys.stderr.write("%s: %s\n" % (args[0], e.strerror))
        sys.stderr.flush()
        return 127 if isinstance(e, FileNotFoundError) else 126

    shipper = None
    try:
        shipper = Shipper(cfg)
    except Exception as e:
        _debug("shipper not started: %r" % (e,))

    def forward(signum, _frame):
        try:
            child.send_signal(signum)
        except Exception:
            pass

    for name in FORWARDED_SIGNALS:
        sig = getattr(signal, name, None)
        if sig is not None:
            try:
                signal.signal(sig, forward)
            except (OSError, ValueError):
                pass

    pumps = [
        threading.Thread(target=_pump, args=(child.stdout, 1, "stdout", shipper), daemon=True),
        threading.Thread(target=_pump, args=(child.stderr, 2, "stderr", shipper), daemon=True),
    ]
    for t in pumps:
        t.start()
    while True:
        try:
            rc = child.wait()
            break
        except KeyboardInterrupt:
            continue
    # Output still in the pipes after the exit; a background process that inherited them may
    # keep them open, so the wait is bounded.
    for t in pumps:
        t.join(2.0)

    if rc < 0:
        try:
            signame = signal.Signals(-rc).name
        except ValueError:
            signame = "SIG%d" % -rc
        exit_info = {"signal": signame, "at": _now_iso()}
    else:
        exit_info = {"code": rc, "at": _now_iso()}
    if shipper is not None:
        try:
            shipper.finish(exit_info)
        except Exception:
            pass

    if rc < 0:
        sig = -rc
        try:
            signal.signal(sig, signal.SIG_DFL)
            os.kill(os.getpid(), sig)
            time.sleep(1)
        except Exception:
            pass
        return 128 + sig
    return rc


if __name__ == "__main__":
    code = main(sys.argv)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except Exception:
        pass
    os._exit(code)
