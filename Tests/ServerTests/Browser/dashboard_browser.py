#!/usr/bin/env python3
"""Drives headless Chromium through the dashboard for DashboardBrowserTests (standard library only).

Reads one JSON object on stdin: {"base": "http://127.0.0.1:PORT", "out": "<folder>",
"accounts": [{"name": "coordinator", "token": "mmr_…", "csv": ["districts", …]}, …]}.
The tokens come on stdin so that they appear in no command line. For each account it signs in through the
form as a person would, loads /dashboard with JavaScript disabled, keeps the DOM, a full-page PNG and an
A4 PDF in <folder>, and fetches the CSVs with the session cookie. Prints one JSON object on stdout.
Chromium is driven over --remote-debugging-pipe (file descriptors 3 and 4), so no port is opened.
"""
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time


class Browser:
    def __init__(self, executable, profile):
        cmd_read, self.cmd_write = os.pipe()
        self.res_read, res_write = os.pipe()

        def child_fds():
            # Through fresh copies: dup2 onto the same number would keep the pipe's close-on-exec flag.
            a, b = os.dup(cmd_read), os.dup(res_write)
            os.dup2(a, 3)
            os.dup2(b, 4)

        self.proc = subprocess.Popen(
            [executable, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
             "--remote-debugging-pipe", "--no-first-run", "--no-default-browser-check", "--hide-scrollbars",
             "--user-data-dir=" + profile, "--lang=ja-JP", "about:blank"],
            preexec_fn=child_fds, close_fds=False, stdout=subprocess.DEVNULL, stderr=(None if os.environ.get("DRIVER_DEBUG") else subprocess.DEVNULL))
        os.close(cmd_read)
        os.close(res_write)
        self.buffer = b""
        self.next_id = 0
        self.events = []

    def _read_message(self, deadline):
        while b"\0" not in self.buffer:
            if time.time() > deadline:
                raise TimeoutError("Chromium did not answer in time")
            chunk = os.read(self.res_read, 1 << 20)
            if not chunk:
                raise RuntimeError("Chromium closed the debugging pipe (exit code %s)" % self.proc.poll())
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def call(self, method, params=None, session=None, timeout=30):
        self.next_id += 1
        request = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            request["sessionId"] = session
        os.write(self.cmd_write, json.dumps(request).encode() + b"\0")
        deadline = time.time() + timeout
        while True:
            message = self._read_message(deadline)
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError("%s failed: %s" % (method, message["error"]))
                return message.get("result", {})
            self.events.append(message)

    def wait_event(self, name, session, timeout=30):
        deadline = time.time() + timeout
        while True:
            for i, e in enumerate(self.events):
                if e.get("method") == name and e.get("sessionId") == session:
                    del self.events[i]
                    return e
            self.events.append(self._read_message(deadline))

    def close(self):
        try:
            self.call("Browser.close", timeout=5)
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def navigate(b, s, url):
    b.events = [e for e in b.events if e.get("method") != "Page.loadEventFired"]
    b.call("Page.navigate", {"url": url}, s)
    b.wait_event("Page.loadEventFired", s)


def evaluate(b, s, expression, await_promise=False):
    result = b.call("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                         "awaitPromise": await_promise}, s)
    if "exceptionDetails" in result:
        raise RuntimeError("script failed: %s" % result["exceptionDetails"])
    return result["result"].get("value")


def dom_without_script(b, s, url):
    b.call("Emulation.setScriptExecutionDisabled", {"value": True}, s)
    navigate(b, s, url)
    root = b.call("DOM.getDocument", {"depth": -1}, s)["root"]["nodeId"]
    html = b.call("DOM.getOuterHTML", {"nodeId": root}, s)["outerHTML"]
    b.call("Emulation.setScriptExecutionDisabled", {"value": False}, s)
    return html


def keep_pictures(b, s, out, name):
    width = 1100
    b.call("Emulation.setDeviceMetricsOverride", {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": False}, s)
    height = int(b.call("Page.getLayoutMetrics", {}, s)["cssContentSize"]["height"]) + 1
    b.call("Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False}, s)
    png = b.call("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True}, s)["data"]
    with open(os.path.join(out, name + ".png"), "wb") as f:
        f.write(base64.b64decode(png))
    b.call("Emulation.clearDeviceMetricsOverride", {}, s)


def keep_pdf(b, s, out, name):
    pdf = b.call("Page.printToPDF", {"paperWidth": 8.27, "paperHeight": 11.69, "printBackground": True,
                                     "preferCSSPageSize": True}, s, timeout=60)["data"]
    with open(os.path.join(out, name + ".pdf"), "wb") as f:
        f.write(base64.b64decode(pdf))


def main():
    config = json.load(sys.stdin)
    executable = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)), None)
    if executable is None:
        print(json.dumps({"error": "Chromium is not installed: apt-get install chromium (.ci/run does this)"}))
        return
    out = config["out"]
    os.makedirs(out, exist_ok=True)
    base = config["base"]
    result = {"accounts": {}}
    with tempfile.TemporaryDirectory() as profile:
        b = Browser(executable, profile)
        try:
            for account in config["accounts"]:
                name = account["name"]
                # Each account in its own browser context: its own cookies, as on its own computer.
                context = b.call("Target.createBrowserContext", {})["browserContextId"]
                target = b.call("Target.createTarget", {"url": "about:blank", "browserContextId": context})["targetId"]
                s = b.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
                b.call("Page.enable", {}, s)
                b.call("DOM.enable", {}, s)
                navigate(b, s, base + "/")
                # A wrong token first: the Japanese message is on the page that comes back.
                evaluate(b, s, "document.getElementById('token').value = 'mmr_wrong'; document.querySelector('form').submit()")
                b.wait_event("Page.loadEventFired", s)
                login_error = evaluate(b, s, "(document.getElementById('login-error') || {}).textContent || ''")
                keep_pictures(b, s, out, name + "-login-error")
                evaluate(b, s, "document.getElementById('token').value = %s; document.querySelector('form').submit()"
                         % json.dumps(account["token"]))
                b.wait_event("Page.loadEventFired", s)
                path = evaluate(b, s, "location.pathname")
                cookie_visible = evaluate(b, s, "document.cookie")
                dom = dom_without_script(b, s, base + "/dashboard")
                keep_pictures(b, s, out, name)
                keep_pdf(b, s, out, name)
                # The pages forbid scripts to fetch (CSP connect-src 'none'); the driver is allowed past that.
                b.call("Page.setBypassCSP", {"enabled": True}, s)
                navigate(b, s, base + "/dashboard")
                csv = {}
                for table in account.get("csv", []):
                    csv[table] = evaluate(b, s, "fetch('/csv/%s.csv').then(r => r.arrayBuffer()).then(b => btoa(String.fromCharCode(...new Uint8Array(b))))" % table, await_promise=True)
                result["accounts"][name] = {"path": path, "loginError": login_error, "cookieVisibleToScript": cookie_visible,
                                            "dom": dom, "csv": csv}
                b.call("Target.closeTarget", {"targetId": target})
                b.call("Target.disposeBrowserContext", {"browserContextId": context})
        finally:
            b.close()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
