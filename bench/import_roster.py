"""Benchmark the roster import: a 10,000-row messy roster as .xlsx, .xls, .ods and .csv, and
decompression bombs.

Each format is imported through the app's test client into a fresh database, in a process of
its own so that its peak memory is its own: SQLite always, and PostgreSQL too when
JOBMATCH_BENCH_POSTGRES names a server (for example
postgresql://postgres@127.0.0.1:5432/postgres); the benchmark creates its own database there
and drops it afterwards. It prints the seconds each import took (the whole request: reading,
checking, saving), the same for importing the file a second time (nothing to change), and the
process's peak resident memory above what it held before the first request. Then each bomb:
the seconds to the refusal and the memory it cost.

    .venv/bin/python bench/import_roster.py [--rows 10000] [--formats xlsx,xls,ods,csv]
"""

import argparse
import io
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

from cryptography.fernet import Fernet
from sqlalchemy import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from jobmatch import clock, create_app  # noqa: E402
from jobmatch.accounts.auth import issue_token  # noqa: E402
from jobmatch.accounts.models import User  # noqa: E402
from jobmatch.catalogue.models import Occupation, Skill  # noqa: E402
from jobmatch.communities.models import Community  # noqa: E402
from jobmatch.extensions import db  # noqa: E402
from jobmatch.validators import id_check_char  # noqa: E402
from tests import roster_writers  # noqa: E402
from tests.roster_bombs import ods_bomb, xls_sparse, xlsx_bomb  # noqa: E402

HEADER = ["序号", "姓名", "性别", "身份证号码", "联系电话", "文化程度", "社区", "技能", "期望月薪"]
HEADER += ["班次意向", "人员类别", "备注"]
COMMUNITIES = [
    f"{name}社区"
    for name in ["城关", "南关", "北关", "东关", "西关", "新平", "玉泉", "逯家湾", "米薪关"]
]
COMMUNITIES += [
    "万家乐移民新区社区",
    "谷前堡社区",
    "南河堡社区",
    "三十里铺社区",
    "张西河社区",
    "贾家屯社区",
]
SKILLS = {"sewing": "缝纫", "chinese_knot": "中国结编织", "livestream": "直播销售"}
SKILLS |= {"bag_assembly": "箱包组装", "packing": "包装", "inspection": "质检"}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "秀英桂兰玉梅建国志强海燕文明丽娟春花永红小军德福金凤翠萍保平二虎有才"
EDUCATION = ["初中", "初中毕业", "初级中学", "初 中", "初中文化", "小学", "小学毕业", "高中"]
EDUCATION += ["高中毕业", "中专", "职高", "大专", "文盲", "半文盲", "本科", "初中肄业"]
SHIFTS = ["白班", "夜班", "不限", "均可", "倒班", "", "白班"]
GROUPS = ["", "", "", "搬迁户", "脱贫户", "监测户、低保户", "脱贫人口,残疾人", "零就业家庭"]
GROUPS += ["退役军人", "搬迁户；脱贫户"]
WAGES = ["3000", "3500元", "2800-3500", "4000左右", "", 3200, "3,000元/月"]


def id_number(rng: random.Random, birth: date) -> str:
    first17 = f"140222{birth:%Y%m%d}{rng.randrange(1000):03d}"
    return first17 + id_check_char(first17)


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() else c for c in text)


def messy_roster(rows: int, seed: int = 7) -> list[list]:
    """Rows as a bureau keeps them: mostly good, a few per hundred bad in the usual ways."""
    rng = random.Random(seed)
    used: set[str] = set()
    table: list[list] = []
    for index in range(1, rows + 1):
        birth = date(1960, 1, 1) + timedelta(days=rng.randrange(365 * 45))
        number = id_number(rng, birth)
        while number in used:
            number = id_number(rng, birth)
        used.add(number)
        phone = f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"
        community = rng.choice(COMMUNITIES)
        skills = rng.sample(sorted(SKILLS.values()) + sorted(SKILLS), rng.randrange(3))
        mess = rng.random()
        if mess < 0.05:
            number, phone = full_width(number), full_width(phone)
        elif mess < 0.10:
            number = number.lower() if number.endswith("X") else f" {number[:6]} {number[6:]} "
        elif mess < 0.15:
            phone = f"{phone[:3]}-{phone[3:7]}-{phone[7:]}"
            community = community.removesuffix("社区")
        bad = rng.random()
        if bad < 0.01:
            number = number[:17] + ("0" if number[17] != "0" else "1")  # wrong check character
        elif bad < 0.015:
            number = id_number(rng, clock.today() - timedelta(days=365 * 14))  # under 16
        elif bad < 0.02:
            community = "不存在社区"
        elif bad < 0.025:
            phone = phone[:8]
        elif bad < 0.03 and table:
            number = table[-1][3]  # the person of the row above, again
        table.append(
            [
                index,
                rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                "",
                number,
                phone,
                rng.choice(EDUCATION),
                community,
                "、".join(skills),
                rng.choice(WAGES),
                rng.choice(SHIFTS),
                rng.choice(GROUPS),
                "",
            ]
        )
    return table


def roster_file(table: list[list], kind: str) -> tuple[str, bytes]:
    rows = [HEADER, *table]
    if kind == "xlsx":
        return "roster.xlsx", roster_writers.xlsx_bytes(rows, merged_title=False)
    if kind == "xls":
        return "roster.xls", roster_writers.xls_bytes(rows, merged_title=False)
    if kind == "ods":
        return "roster.ods", roster_writers.ods_bytes(rows, merged_title=False)
    return "roster.csv", roster_writers.csv_bytes(rows, "gb18030")  # as Chinese Excel saves CSV


BOMBS = {
    "xlsx 3,000,000 rows": lambda: ("rows.xlsx", xlsx_bomb(rows=3_000_000)),
    "xlsx A1 + XFD1048576": lambda: ("sparse.xlsx", xlsx_bomb(sparse=True)),
    "xls A1 + IV65536": lambda: ("sparse.xls", xls_sparse()),
    "ods 1,000 x 1,000,000 repeated": lambda: ("repeated.ods", ods_bomb()),
}


def reset_peak() -> float:
    """Start counting the peak afresh (Linux: clear_refs 5 resets VmHWM); the current size."""
    Path("/proc/self/clear_refs").write_text("5")
    return _status_mb("VmRSS")


def cpu_seconds() -> float:
    """This process's CPU time: steadier than the wall clock on a shared machine (a database
    server's own work is not in it)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def peak_rss_mb() -> float:
    return _status_mb("VmHWM")


def _status_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024  # kB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def postgres_database(server: str, prefix: str = "jobmatch_bench") -> tuple[str, callable]:
    """A scratch database on ``server`` named ``prefix_<random>``: its URL, and a function that
    drops it."""
    import psycopg

    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin_url = make_url(server).set(drivername="postgresql")
    admin_dsn = admin_url.render_as_string(hide_password=False)
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(admin_dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    url = admin_url.set(drivername="postgresql+psycopg", database=name)
    return url.render_as_string(hide_password=False), drop


def make_app(database_url: str, workdir: Path):
    os.environ["JOBMATCH_INSTANCE_PATH"] = str(workdir / "instance")
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SECRET_KEY": "bench",
            "JOBMATCH_FIELD_KEY": Fernet.generate_key().decode(),
            "RATELIMIT_ENABLED": False,
            "MAX_CONTENT_LENGTH": 32 * 1024 * 1024,
        }
    )
    return app


def seed(app) -> dict:
    db.drop_all()
    db.create_all()
    db.session.add_all(Community(name=name, lat=40.42, lon=114.09) for name in COMMUNITIES)
    db.session.add(Occupation(code="6-05-01-03", level=4, name="缝纫工"))
    db.session.add_all(
        Skill(code=code, name=name, occupation_code="6-05-01-03") for code, name in SKILLS.items()
    )
    staff = User(username="bench", role="staff", password_hash="-")
    db.session.add(staff)
    db.session.commit()
    return {"Authorization": f"Bearer {issue_token(staff)}"}


def post(client, headers, filename: str, content: bytes):
    return client.post(
        "/api/residents/import",
        data={"file": (io.BytesIO(content), filename)},
        headers=headers,
    )


def run_import(database_url: str, path: Path, workdir: Path) -> dict:
    """One format, in this process: both imports, their counts, and the memory they took."""
    app = make_app(database_url, workdir)
    content = path.read_bytes()
    with app.app_context():
        headers = seed(app)
        client = app.test_client()
        post(client, headers, "warm.csv", "姓名,身份证号码\n".encode())  # load what loads once
        result = {"baseline_mb": reset_peak()}
        for attempt in ("first", "again"):
            started, cpu = time.perf_counter(), cpu_seconds()
            response = post(client, headers, path.name, content)
            if response.status_code == 202:  # above ROSTER_JOB_ROWS: a job (inline here)
                job = client.get(f"/api/jobs/{response.json['job_id']}", headers=headers).json
                assert job["state"] == "done", job
                answer = job["result"]
            else:
                assert response.status_code == 200, response.get_data(as_text=True)[:500]
                answer = response.json
            result[attempt] = time.perf_counter() - started
            result[f"{attempt}_cpu"] = cpu_seconds() - cpu
            result[f"{attempt}_counts"] = [
                answer["created"],
                answer["updated"],
                answer["unchanged"],
                len(answer["warnings"]),
                len(answer["rejected"]),
            ]
        result["peak_mb"] = peak_rss_mb()
        db.session.remove()
        db.drop_all()
        db.engine.dispose()
    return result


def run_bomb(database_url: str, name: str, workdir: Path) -> dict:
    filename, content = BOMBS[name]()
    app = make_app(database_url, workdir)
    with app.app_context():
        headers = seed(app)
        client = app.test_client()
        post(client, headers, "warm.csv", "姓名,身份证号码\n".encode())
        baseline = reset_peak()
        started, cpu = time.perf_counter(), cpu_seconds()
        response = post(client, headers, filename, content)
        elapsed = time.perf_counter() - started
        cpu = cpu_seconds() - cpu
        result = {
            "bytes": len(content),
            "status": response.status_code,
            "seconds": elapsed,
            "cpu": cpu,
            "baseline_mb": baseline,
            "peak_mb": peak_rss_mb(),
        }
        db.session.remove()
        db.engine.dispose()
    return result


def in_child(args: list[str]) -> dict:
    """Run this script for one measurement in a fresh process; its JSON line is the answer."""
    done = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"measurement {args[:2]} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def database(backend: str, workdir: Path):
    if backend == "sqlite":
        return f"sqlite:///{workdir / 'bench.sqlite'}", None
    return postgres_database(os.environ["JOBMATCH_BENCH_POSTGRES"])


def child_main(args) -> None:
    workdir = Path(args.workdir)
    url, drop = database(args.backend, workdir)
    try:
        if args.one:
            result = run_import(url, Path(args.one), workdir)
        else:
            result = run_bomb(url, args.bomb, workdir)
    finally:
        if drop:
            drop()
    print(json.dumps(result))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--formats", default="xlsx,xls,ods,csv")
    parser.add_argument("--no-bombs", action="store_true")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--bomb", help=argparse.SUPPRESS)
    parser.add_argument("--backend", default="sqlite", help=argparse.SUPPRESS)
    parser.add_argument("--workdir", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one or args.bomb:
        child_main(args)
        return
    table = messy_roster(args.rows)
    backends = ["sqlite"]
    if os.environ.get("JOBMATCH_BENCH_POSTGRES"):
        backends.append("postgresql")
    with tempfile.TemporaryDirectory() as tmp:
        files = {}
        for kind in args.formats.split(","):
            filename, content = roster_file(table, kind)
            files[kind] = Path(tmp) / filename
            files[kind].write_bytes(content)
        sizes = ", ".join(
            f"{kind} {path.stat().st_size / 1e6:.1f} MB" for kind, path in files.items()
        )
        print(f"{args.rows} rows; {sizes}")
        for backend in backends:
            for kind, path in files.items():
                with tempfile.TemporaryDirectory() as work:
                    result = in_child(["--one", str(path), "--backend", backend, "--workdir", work])
                counts = result["first_counts"]
                print(
                    f"{backend:10} {kind:4} import {result['first']:6.2f} s "
                    f"(cpu {result['first_cpu']:5.2f} s; created {counts[0]}, warned {counts[3]}, "
                    f"rejected {counts[4]}); again {result['again']:6.2f} s "
                    f"(cpu {result['again_cpu']:5.2f} s; unchanged {result['again_counts'][2]}); "
                    "peak memory "
                    f"+{result['peak_mb'] - result['baseline_mb']:.0f} MB"
                )
        if args.no_bombs:
            return
        for name in BOMBS:
            with tempfile.TemporaryDirectory() as work:
                result = in_child(["--bomb", name, "--workdir", work])
            print(
                f"bomb {name:32} {result['bytes'] / 1e6:5.2f} MB -> {result['status']} in "
                f"{result['seconds']:.2f} s (cpu {result['cpu']:.2f} s), "
                f"peak memory +{result['peak_mb'] - result['baseline_mb']:.0f} MB"
            )


if __name__ == "__main__":
    main()
