import subprocess
import sys

from preclin.cli import main


def test_version(capsys):
    assert main(["--version"]) == 0
    assert "preclin" in capsys.readouterr().out


def test_datasets(capsys):
    assert main(["datasets", "path", "concentration_response"]) == 0
    assert capsys.readouterr().out.strip().endswith("concentration_response.csv")
    assert main(["datasets", "path", "nope"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: Invalid `name`: got 'nope'") and "Traceback" not in err


def test_usage_error_exit_2(capsys):
    assert main(["datasets", "path"]) == 2


def test_entry_point_bad_input_no_traceback():
    proc = subprocess.run(
        [sys.executable, "-m", "preclin", "datasets", "path", "nope"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
