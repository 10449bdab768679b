"""deploy/: the systemd units and the nginx site are valid for the tools that read them, and say what
docs/deployment.md says they do.

Where the tool is installed it is the judge: ``systemd-analyze verify`` on the units (paths rewritten to
this checkout, so that the executables exist), ``nginx -t`` on the site inside a minimal nginx.conf of the
test's own (with a throwaway certificate). The structure is asserted in every case.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import sys
from pathlib import Path

from django.conf import settings

REPO = Path(__file__).resolve().parents[3]
DEPLOY = REPO / "deploy"
UNITS = sorted((DEPLOY / "systemd").glob("*.service")) + sorted((DEPLOY / "systemd").glob("*.target"))
SITE = DEPLOY / "nginx" / "gongzhi.conf"


def sections(text: str) -> dict[str, dict[str, list[str]]]:
    """An INI-like unit file as {section: {key: [values]}} (systemd allows repeated keys)."""
    out: dict[str, dict[str, list[str]]] = {}
    current = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1]
            out.setdefault(current, {})
            continue
        assert "=" in line and current, f"not key=value inside a section: {raw!r}"
        key, _, value = line.partition("=")
        out[current].setdefault(key.strip(), []).append(value.strip())
    return out


def test_the_units_have_the_structure_the_deployment_needs():
    names = {u.name for u in UNITS}
    assert {
        "gongzhi-web@.service",
        "gongzhi-worker@.service",
        "gongzhi-migrate.service",
        "gongzhi.target",
    } <= names
    for unit in UNITS:
        parsed = sections(unit.read_text())
        assert "Unit" in parsed and "Install" in parsed, unit.name
        if unit.suffix != ".service":
            continue
        service = parsed["Service"]
        assert service["User"] == ["gongzhi"], unit.name  # never root
        assert service["EnvironmentFile"] == ["/etc/gongzhi/gongzhi.env"], unit.name
        for command in service["ExecStart"]:
            assert command.startswith("/"), (unit.name, command)
    web = sections((DEPLOY / "systemd" / "gongzhi-web@.service").read_text())
    (command,) = web["Service"]["ExecStart"]
    assert "config.wsgi:application" in command and "--bind 127.0.0.1:%i" in command
    assert web["Service"]["Restart"] == ["always"]
    assert "gongzhi-migrate.service" in web["Unit"]["Requires"][0]
    worker = sections((DEPLOY / "systemd" / "gongzhi-worker@.service").read_text())
    assert worker["Service"]["ExecStart"][0].endswith("manage.py jobs_worker")


def test_systemd_analyze_verifies_the_units(tmp_path):
    tool = shutil.which("systemd-analyze")
    bindir = Path(sys.executable).parent
    env_file = tmp_path / "gongzhi.env"
    env_file.write_text("GONGZHI_ENV=production\n")
    copies = []
    for unit in UNITS:
        text = (
            unit.read_text()
            .replace("/srv/gongzhi/.venv/bin/", f"{bindir}/")
            .replace("/srv/gongzhi", str(REPO))
            .replace("/etc/gongzhi/gongzhi.env", str(env_file))
        )
        name = unit.name.replace("@.service", "@8001.service")  # an instance of each template
        (tmp_path / unit.name).write_text(text)
        copies.append(tmp_path / name)
    for copy in copies:
        text = (tmp_path / copy.name.replace("@8001.service", "@.service")).read_text()
        assert "/srv/" not in text and "/etc/gongzhi" not in text
    if tool is None:  # no systemd here: the structure test above is what is checked
        assert all(c.parent == tmp_path for c in copies)
        return
    out = subprocess.run(  # noqa: S603 — the tool found on PATH, on files of the test's own
        [tool, "verify", *[str(c) for c in copies]],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    problems = [
        line
        for line in (out.stdout + out.stderr).splitlines()
        # the test's own environment, not the units: no gongzhi user, no postgresql.service here
        if line.strip()
        and "gongzhi" in line
        and not re.search(r"postgresql\.service|network-online|Failed to resolve user|User=", line)
    ]
    assert out.returncode == 0 and not problems, out.stdout + out.stderr


def _self_signed(tmp_path: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "gongzhi.example.gov.cn")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    crt, pem = tmp_path / "fullchain.pem", tmp_path / "privkey.pem"
    crt.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    pem.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return crt, pem


def test_the_nginx_site_has_the_structure_the_deployment_needs():
    text = SITE.read_text()
    body = re.sub(r"#.*", "", text)
    assert body.count("{") == body.count("}")
    upstream = re.search(r"upstream gongzhi_web \{(.*?)\}", body, re.S)
    assert upstream is not None
    assert len(re.findall(r"^\s*server 127\.0\.0\.1:\d+", upstream.group(1), re.M)) >= 2  # two web nodes
    assert "proxy_pass http://gongzhi_web;" in body
    # The client address and scheme headers the settings read behind a proxy.
    assert "proxy_set_header X-Real-IP $remote_addr;" in body
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in body
    # nginx refuses a body larger than Django's own limit would, not a smaller one.
    size = re.search(r"client_max_body_size (\d+)m;", body)
    assert size is not None and int(size.group(1)) * 1024 * 1024 >= settings.UPLOAD_MAX_REQUEST_BYTES
    # Personal photos go through Django's permission checks only.
    assert re.search(r"location /media/ \{\s*return 404;\s*\}", body)
    assert "non_idempotent" not in body  # a POST sent to a node that died is never sent to another


def test_nginx_accepts_the_site(tmp_path):
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    crt, pem = _self_signed(tmp_path)
    site = (
        SITE.read_text()
        .replace("/etc/ssl/gongzhi/fullchain.pem", str(crt))
        .replace("/etc/ssl/gongzhi/privkey.pem", str(pem))
        .replace("/srv/gongzhi/staticfiles/", f"{tmp_path}/static/")
    )
    (tmp_path / "gongzhi.conf").write_text(site)
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n  access_log off;\n  client_body_temp_path {tmp_path}/body;\n"
        f"  proxy_temp_path {tmp_path}/proxy;\n  include {tmp_path}/gongzhi.conf;\n}}\n"
    )
    if nginx is None:  # no nginx here: the structure test above is what is checked
        assert "ssl_certificate " in site and str(crt) in site
        return
    out = subprocess.run(  # noqa: S603 — the tool found on PATH, on files of the test's own
        [nginx, "-t", "-p", str(tmp_path), "-c", str(conf)], capture_output=True, text=True, check=False
    )
    assert out.returncode == 0, out.stderr
    assert "syntax is ok" in out.stderr
