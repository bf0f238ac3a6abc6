"""Freshness under gunicorn: how soon both workers answer a resident's matches after an edit.

Builds a temporary SQLite database (seed data), starts gunicorn with two workers (each with its
refresh thread), then three times edits one resident's desired wage through the API and times
until 20 answers in a row (from either worker) show it.
Run: .venv/bin/python bench/fresh_http.py
"""

import http.client
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from match_data import ROOT, environment, make_database  # noqa: E402
from match_http import free_port, get  # noqa: E402


def patch(port: int, path: str, token: str, body: dict) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    connection.request("PATCH", path, body=json.dumps(body), headers=headers)
    response = connection.getresponse()
    response.read()
    return response.status


def main() -> None:
    app, workdir = make_database(0)
    with app.app_context():
        from sqlalchemy import select

        from jobmatch.accounts.auth import issue_token
        from jobmatch.accounts.models import User
        from jobmatch.extensions import db
        from jobmatch.residents.models import Resident

        staff = User(username="fresh-staff", role="staff")
        staff.set_password("fresh password")
        db.session.add(staff)
        db.session.commit()
        token = issue_token(staff)
        candidates = list(db.session.scalars(select(Resident.id).limit(200)))
    port = free_port()
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "--bind", f"127.0.0.1:{port}",
         "--workers", "2", "wsgi:app"],
        cwd=ROOT, env=os.environ | environment(workdir), stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        for _ in range(300):
            try:
                if get(port, "/api/health")[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        for rid in candidates:  # one with a few posts to show
            if len(json.loads(get(port, f"/api/residents/{rid}/matches", token)[1])) >= 3:
                break
        print(f"gunicorn, 2 workers, SQLite; resident {rid}")
        for wage in (99000, 1000, 98000):
            assert patch(port, f"/api/residents/{rid}", token, {"desired_wage": wage}) == 200
            started, in_a_row, requests = time.perf_counter(), 0, 0
            while in_a_row < 20 and time.perf_counter() - started < 10:
                matches = json.loads(get(port, f"/api/residents/{rid}/matches", token)[1])
                requests += 1
                low = all("月薪低于期望" in m["cautions"] for m in matches)
                in_a_row = in_a_row + 1 if matches and low == (wage > 50000) else 0
            print(
                f"  desired wage {wage}: 20 fresh answers in a row "
                f"{time.perf_counter() - started:.3f} s after the edit ({requests} requests)"
            )
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
