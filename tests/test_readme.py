"""README's set-up commands are the ones CI runs, word for word."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def setup_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Set-up", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```bash\n(.+?)\n```", section, flags=re.S)


def test_readme_has_the_apt_command_and_two_setup_commands():
    commands = setup_commands()
    assert len(commands) == 3
    apt, app, tests = commands
    assert apt.startswith("sudo apt-get") and all(p in apt for p in ("libxcb-cursor0", "xvfb", "openbox", "xdotool"))
    assert app.endswith(".venv/bin/mnistviz") and "[dev]" not in app  # teachers need no test tools
    assert "pytest" in tests and "[dev]" in tests


def test_ci_runs_the_readme_commands_verbatim():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    apt, app, tests = setup_commands()
    assert apt in ci
    assert app.removesuffix(" && .venv/bin/mnistviz") in ci  # CI installs but does not open the window
    assert tests in ci
