import subprocess
import sys


def test_windowed_build_output_goes_to_the_log(tmp_path):
    """No console (sys.stdout/stderr None): a command's output lands in the log file."""
    script = (
        "import sys; sys.stdout = None; sys.stderr = None\n"
        "from mnistviz.cli import main\n"
        "raise SystemExit(main(['predict', 'missing.png', '--json']))\n"
    )
    env = {"XDG_STATE_HOME": str(tmp_path), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 1
    assert done.stdout == "" and done.stderr == ""
    log = (tmp_path / "mnistviz" / "mnistviz.log").read_text()
    assert '"status": "error"' in log and "missing.png" in log
