"""Benchmark the roster import: a 10,000-row messy roster, as .xlsx and as .csv.

Each format is imported through the app's test client into a fresh database: SQLite always,
and PostgreSQL too when JOBMATCH_BENCH_POSTGRES names a server (for example
postgresql://postgres@127.0.0.1:5432/postgres); the benchmark creates its own database there
and drops it afterwards. It prints the seconds each import took (the whole request: reading,
checking, saving), then the same for importing the file a second time (all updates).

    .venv/bin/python bench/import_roster.py [--rows 10000]
"""

import argparse
import csv
import io
import os
import random
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

from cryptography.fernet import Fernet
from openpyxl import Workbook
from sqlalchemy import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from jobmatch import clock, create_app  # noqa: E402
from jobmatch.accounts.auth import issue_token  # noqa: E402
from jobmatch.accounts.models import User  # noqa: E402
from jobmatch.catalogue.models import Occupation, Skill  # noqa: E402
from jobmatch.communities.models import Community  # noqa: E402
from jobmatch.extensions import db  # noqa: E402
from jobmatch.validators import id_check_char  # noqa: E402

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


def xlsx_bytes(table: list[list]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(HEADER)
    for row in table:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(table: list[list]) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(HEADER)
    writer.writerows(table)
    return text.getvalue().encode("gb18030")  # as Chinese Excel saves "CSV"


def _postgres_database(server: str) -> tuple[str, callable]:
    import psycopg

    name = f"jobmatch_bench_{uuid.uuid4().hex[:10]}"
    admin_url = make_url(server).set(drivername="postgresql")
    admin_dsn = admin_url.render_as_string(hide_password=False)
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(admin_dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    url = admin_url.set(drivername="postgresql+psycopg", database=name)
    return url.render_as_string(hide_password=False), drop


def run_import(database_url: str, filename: str, content: bytes, workdir: Path) -> dict:
    os.environ["JOBMATCH_INSTANCE_PATH"] = str(workdir / "instance")
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SECRET_KEY": "bench",
            "JOBMATCH_FIELD_KEY": Fernet.generate_key().decode(),
            "RATELIMIT_ENABLED": False,
        }
    )
    with app.app_context():
        db.drop_all()
        db.create_all()
        db.session.add_all(Community(name=name, lat=40.42, lon=114.09) for name in COMMUNITIES)
        db.session.add(Occupation(code="6-05-01-03", level=4, name="缝纫工"))
        db.session.add_all(
            Skill(code=code, name=name, occupation_code="6-05-01-03")
            for code, name in SKILLS.items()
        )
        staff = User(username="bench", role="staff", password_hash="-")
        db.session.add(staff)
        db.session.commit()
        headers = {"Authorization": f"Bearer {issue_token(staff)}"}
        client = app.test_client()
        timings = {}
        for attempt in ("first", "again"):
            started = time.perf_counter()
            response = client.post(
                "/api/residents/import",
                data={"file": (io.BytesIO(content), filename)},
                headers=headers,
            )
            timings[attempt] = time.perf_counter() - started
            assert response.status_code == 200, response.get_data(as_text=True)[:500]
            answer = response.json
            timings[f"{attempt}_counts"] = (
                answer["created"],
                answer["updated"],
                len(answer["rejected"]),
            )
        db.session.remove()
        db.drop_all()
        db.engine.dispose()
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    table = messy_roster(args.rows)
    files = {"xlsx": ("roster.xlsx", xlsx_bytes(table)), "csv": ("roster.csv", csv_bytes(table))}
    backends = ["sqlite"]
    if os.environ.get("JOBMATCH_BENCH_POSTGRES"):
        backends.append("postgresql")
    print(
        f"{args.rows} rows; xlsx {len(files['xlsx'][1]) / 1e6:.1f} MB, "
        f"csv {len(files['csv'][1]) / 1e6:.1f} MB"
    )
    for backend in backends:
        for file_format, (filename, content) in files.items():
            with tempfile.TemporaryDirectory() as tmp:
                workdir = Path(tmp)
                drop = None
                if backend == "sqlite":
                    url = f"sqlite:///{workdir / 'bench.sqlite'}"
                else:
                    url, drop = _postgres_database(os.environ["JOBMATCH_BENCH_POSTGRES"])
                try:
                    result = run_import(url, filename, content, workdir)
                finally:
                    if drop:
                        drop()
            created, updated, rejected = result["first_counts"]
            print(
                f"{backend:10} {file_format:4} import {result['first']:6.2f} s "
                f"(created {created}, rejected {rejected}); "
                f"again {result['again']:6.2f} s (updated {result['again_counts'][1]})"
            )


if __name__ == "__main__":
    main()
