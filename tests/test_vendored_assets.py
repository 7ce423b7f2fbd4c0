"""The workspace's JavaScript is vendored, pinned and checked: nothing loads from a CDN."""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "vendor-assets"


def test_vendored_files_match_their_pinned_checksums():
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--check"], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_template_loads_a_script_or_stylesheet_from_another_host():
    offending = []
    for template in ROOT.glob("*/templates/**/*.html"):
        text = template.read_text(encoding="utf-8")
        for url in re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', text):
            if re.match(r"(https?:)?//", url):
                offending.append(f"{template.relative_to(ROOT)}: {url}")
    assert offending == []


def test_the_workspace_loads_the_pinned_htmx():
    targets = set(re.findall(r'"target": "([^"]+)"', SCRIPT.read_text(encoding="utf-8")))
    base = (ROOT / "studio" / "templates" / "workspace" / "base.html").read_text(encoding="utf-8")
    loaded = set(re.findall(r"static 'vendor/([^']+)'", base))
    assert loaded and loaded <= targets
