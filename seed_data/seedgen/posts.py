"""Job posts of the sixteen firms: 1,000 general (普工) and 300 skilled (技工) openings exactly."""

import random
from datetime import date, timedelta

from seedgen.common import SNAPSHOT, random_day

GENERAL_OPENINGS = 1000
SKILLED_OPENINGS = 300

G, S = "general", "skilled"

# title, category, occupation, required skills, required certificates, shift,
# wage_min, wage_max, min_education, max_age, relative openings, duties
TEMPLATES = {
    "bags": [
        ("箱包车工", G, "6-05-02-01", ["sewing"], [], "day", 2800, 4500, None, 55, 9,
         "使用平车、高车缝制箱包面料和里布，计件工资，多劳多得。"),
        ("箱包组装工", G, "6-05-02-01", ["bag_assembly"], [], "day", 2600, 4000, None, 58, 8,
         "装配拉链、提手、五金件，按样板完成箱包组装。"),
        ("包装工", G, "6-31-05-00", [], [], "day", 2300, 3200, None, 60, 4,
         "成品清点、装袋、装箱、贴标。"),
        ("箱包车缝技工", S, "6-05-02-01", ["bag_assembly", "sewing"], ["bag_assembly"], "day",
         4000, 6000, "junior_high", 50, 6, "负责箱包样品和难度较高部位的车缝，带教新员工。"),
        ("机修工", S, "6-31-01-02", ["machine_repair"], [], "day", 4200, 6000, "junior_high", 50,
         2, "维护保养缝纫设备，排除机械故障。"),
    ],
    "garments": [
        ("缝纫工", G, "6-05-01-03", ["sewing"], [], "day", 2600, 4500, None, 55, 10,
         "流水线车缝工装、校服，计件工资。"),
        ("整烫工", G, "6-05-01-04", [], [], "day", 2400, 3300, None, 58, 4,
         "成衣整烫、折叠，保证外观平整。"),
        ("质检员", G, "6-31-03-05", ["quality_check"], [], "day", 2600, 3500, "primary", 55, 3,
         "检查成衣线迹、尺寸和污渍，做好记录。"),
        ("裁剪工", S, "6-05-01-02", ["cutting", "sewing"], [], "day", 3800, 5500, "junior_high",
         50, 4, "按样板铺布、裁剪，核对用料。"),
        ("样衣工", S, "6-05-01-03", ["sewing", "cutting"], ["sewing"], "day", 4200, 6000,
         "junior_high", 50, 3, "根据款式图独立完成样衣制作。"),
    ],
    "knots": [
        ("中国结编织工", G, "6-09-03-17", ["chinese_knot"], [], "day", 2200, 3600, None, 62, 9,
         "在车间或居家编织中国结、挂饰，按件计酬。"),
        ("手工艺品包装工", G, "6-31-05-00", [], [], "day", 2200, 3000, None, 62, 3,
         "饰品穿挂、装盒、贴标。"),
        ("中国结技术指导", S, "6-09-03-17", ["chinese_knot", "handicraft"], ["chinese_knot"],
         "day", 3800, 5200, "junior_high", 55, 2, "带教编织学员，检验成品质量，开发新款式。"),
        ("带货主播", S, "4-01-06-02", ["livestream_selling", "short_video"], ["livestream"],
         "rotating", 3500, 6500, "junior_high", 45, 3,
         "在直播间展示和销售中国结产品，拍摄短视频。"),
    ],
    "handicrafts": [
        ("刺绣工", G, "6-09-03-11", ["embroidery"], [], "day", 2300, 3800, None, 62, 6,
         "手工刺绣鞋垫、挂件等工艺品，可居家加工。"),
        ("手工编织工", G, "6-05-01-06", ["knitting"], [], "day", 2200, 3500, None, 62, 6,
         "手工编织帽子、围巾和拼布制品。"),
        ("工艺品质检员", S, "6-31-03-05", ["quality_check", "handicraft"], [], "day", 3500, 4500,
         "junior_high", 55, 2, "验收居家加工的工艺品，反馈质量问题。"),
    ],
    "daylily": [
        ("黄花菜分拣工", G, "6-01-06-00", [], [], "rotating", 2400, 3600, None, 60, 10,
         "采摘季节分拣、蒸制、晾晒黄花菜，旺季两班倒。"),
        ("食品包装工", G, "6-31-05-00", ["packing"], [], "day", 2400, 3300, None, 58, 5,
         "称重、封口、装箱，保持车间卫生。"),
        ("食品加工技工", S, "6-01-06-00", ["daylily_processing", "food_safety"],
         ["food_processing"], "rotating", 3600, 5000, "junior_high", 55, 3,
         "操作蒸制和烘干设备，控制工艺参数。"),
        ("叉车司机", S, "6-30-05-01", ["forklift"], ["forklift"], "day", 4000, 5200, "junior_high",
         55, 2, "原料和成品的叉车搬运、码垛。"),
    ],
    "grains": [
        ("杂粮加工工", G, "6-01-01-01", ["grain_processing"], [], "day", 2400, 3500, None, 58, 6,
         "小米、莜面等杂粮的清选、磨制、包装。"),
        ("速冻面食工", G, "6-02-03-02", ["frozen_food"], [], "night", 2800, 4000, None, 55, 6,
         "包制饺子、莜面窝窝等速冻面食，夜班补贴另计。"),
        ("中式面点师", S, "4-03-02-02", ["pastry"], ["pastry"], "day", 3800, 5500, "junior_high",
         55, 3, "研发和制作面点产品，指导生产线。"),
        ("设备电工", S, "6-31-01-03", ["electrician"], ["electrician"], "rotating", 4500, 6200,
         "junior_high", 50, 2, "维护生产线电气设备，持证上岗。"),
    ],
    "electronics": [
        ("电子装配工", G, "6-25-04-07", ["electronic_assembly"], [], "rotating", 2800, 4200,
         "primary", 50, 10, "插件、焊接、组装电子元器件，两班倒。"),
        ("检验包装工", G, "6-31-05-00", [], [], "rotating", 2600, 3600, "primary", 55, 5,
         "目检外观，装盒包装。"),
        ("电子装接技工", S, "6-25-04-07", ["electronic_assembly", "welding"],
         ["electronics_assembly"], "rotating", 4000, 5800, "junior_high", 45, 4,
         "手工焊接和返修电路板，调试产品。"),
        ("质检员", S, "6-31-03-05", ["quality_check", "electronic_assembly"], [], "day", 3800,
         5000, "senior_high", 45, 3, "使用检测仪器抽检产品，填写质量报表。"),
    ],
    "harness": [
        ("线束加工工", G, "6-24-03-01", ["wire_harness"], [], "rotating", 2800, 4300, "primary",
         52, 10, "剥线、压接端子、穿护套，按件计酬。"),
        ("辅助工", G, "4-02-05-01", [], [], "day", 2400, 3200, None, 58, 4,
         "物料搬运、上下料、车间清洁。"),
        ("线束技工", S, "6-24-03-01", ["wire_harness", "electronic_assembly"],
         ["electronics_assembly"], "rotating", 4000, 5600, "junior_high", 48, 3,
         "看懂图纸完成复杂线束装配和导通测试。"),
        ("电工", S, "6-31-01-03", ["electrician"], ["electrician"], "day", 4500, 6500,
         "junior_high", 50, 2, "负责厂区配电和设备电气维修。"),
    ],
    "packaging": [
        ("纸箱制作工", G, "6-07-02-00", ["carton_making"], [], "day", 2600, 3800, None, 55, 7,
         "开槽、钉箱、粘箱，操作半自动设备。"),
        ("搬运工", G, "4-02-05-01", ["loading"], [], "day", 2800, 4000, None, 55, 3,
         "原纸和成品装卸搬运。"),
        ("印刷机长", S, "6-07-02-00", ["carton_making", "machine_repair"], [], "day", 4500, 6000,
         "junior_high", 50, 2, "操作水墨印刷开槽机，调机和日常保养。"),
        ("叉车司机", S, "6-30-05-01", ["forklift"], ["forklift"], "day", 4000, 5000, "junior_high",
         55, 2, "纸卷和成品叉车作业。"),
    ],
    "toys": [
        ("毛绒玩具车缝工", G, "6-09-05-00", ["sewing"], [], "day", 2600, 4200, None, 55, 8,
         "车缝毛绒玩具外皮，计件工资。"),
        ("填充整形工", G, "6-09-05-00", ["toy_making"], [], "day", 2300, 3300, None, 60, 6,
         "充棉、缝合、整形和修剪线头。"),
        ("玩具质检员", S, "6-31-03-05", ["quality_check", "toy_making"], [], "day", 3600, 4600,
         "junior_high", 50, 2, "检验玩具安全和外观，执行出口标准。"),
    ],
    "shoes": [
        ("制鞋工", G, "6-05-04-01", ["shoe_making"], [], "day", 2700, 4200, None, 55, 8,
         "帮面车缝、成型、粘合，流水线作业。"),
        ("鞋面车工", G, "6-05-01-03", ["sewing"], [], "day", 2800, 4300, None, 52, 5,
         "车缝鞋面，计件工资。"),
        ("制鞋技工", S, "6-05-04-01", ["shoe_making", "leather_work"], [], "day", 4000, 5500,
         "junior_high", 50, 3, "负责鞋面裁断和成型关键工序。"),
    ],
    "logistics": [
        ("装卸工", G, "4-02-05-01", ["loading"], [], "rotating", 3000, 4500, None, 55, 6,
         "货物装卸、码放，按件加班费另计。"),
        ("快件分拣员", G, "4-02-07-09", ["parcel_sorting"], [], "night", 3000, 4200, None, 50, 6,
         "夜间快件分拣、扫描、建包。"),
        ("叉车司机", S, "6-30-05-01", ["forklift"], ["forklift"], "rotating", 4200, 5800,
         "junior_high", 55, 5, "仓库叉车作业，持证上岗。"),
        ("仓管员", S, "4-02-06-01", ["warehouse"], [], "day", 3800, 5000, "senior_high", 50, 3,
         "出入库登记、盘点，使用仓储系统。"),
    ],
    "ecommerce": [
        ("网络客服", G, "4-04-05-03", ["online_customer_service"], [], "rotating", 2600, 3800,
         "junior_high", 45, 5, "在线回复顾客咨询，处理售后。"),
        ("打包发货员", G, "6-31-05-00", ["packing"], [], "day", 2500, 3400, None, 55, 5,
         "拣货、打包、贴面单，发往各地。"),
        ("带货主播", S, "4-01-06-02", ["livestream_selling", "short_video"], ["livestream"],
         "rotating", 4000, 6500, "junior_high", 42, 4, "直播销售本地黄花、杂粮和手工艺品。"),
        ("网店运营", S, "4-01-06-01", ["ecommerce"], ["ecommerce"], "day", 3800, 5500,
         "senior_high", 42, 3, "管理网店商品上架、活动和数据分析。"),
    ],
    "care": [
        ("保洁员", G, "4-09-08-01", ["cleaning"], [], "day", 2200, 3000, None, 62, 6,
         "承接园区和机关单位保洁。"),
        ("家政服务员", G, "4-10-01-06", ["domestic_service"], [], "day", 2600, 4000, None, 58, 6,
         "入户家庭保洁、做饭、照料。"),
        ("养老护理员", S, "4-10-01-05", ["elderly_care"], ["elderly_care"], "rotating", 3500,
         5000, "primary", 58, 6, "在日间照料中心照护老人起居和康复活动。"),
        ("厨师", S, "4-03-02-01", ["cooking", "pastry"], [], "day", 3500, 5000, "primary", 58, 2,
         "为照料中心和职工食堂做饭。"),
    ],
}  # fmt: skip

# Firms that feed and house their workers (the rest give a meal allowance or nothing).
MEALS = {"bags", "garments", "toys", "shoes", "electronics", "harness", "daylily", "grains", "care"}
HOUSING = {"electronics", "harness", "logistics", "garments"}


def _split_exactly(total: int, weights: list[float], rng: random.Random) -> list[int]:
    """Openings per post proportional to noisy weights, each at least 1, summing to ``total``."""
    noisy = [w * rng.uniform(0.7, 1.3) for w in weights]
    scale = total / sum(noisy)
    raw = [max(1.0, w * scale) for w in noisy]
    counts = [int(r) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: raw[i] - counts[i], reverse=True)
    i = 0
    while sum(counts) < total:
        counts[order[i % len(order)]] += 1
        i += 1
    while sum(counts) > total:
        j = max(range(len(counts)), key=counts.__getitem__)
        counts[j] -= 1
    return counts


def make_posts(firms: list[dict], rng: random.Random) -> list[dict]:
    posts = []
    for firm in firms:
        for template in TEMPLATES[firm["kind"]]:
            (title, category, occupation, skills, certificates, shift, wage_min, wage_max,
             education, max_age, weight, duties) = template  # fmt: skip
            posted_on = random_day(rng, date(2025, 1, 6), date(2026, 6, 30))
            if rng.random() < 0.6:  # most posts went up in the first months of the year
                posted_on = random_day(rng, date(2025, 1, 6), date(2025, 4, 30))
            posts.append(
                {
                    "id": len(posts) + 1,
                    "firm_id": firm["id"],
                    "title": title,
                    "category": category,
                    "occupation_code": occupation,
                    "weight": weight,
                    "wage_min": wage_min,
                    "wage_max": wage_max,
                    "shift": shift,
                    "required_skills": skills,
                    "required_certificates": certificates,
                    "min_education": education,
                    "min_age": 18,
                    "max_age": max_age,
                    "meals_provided": firm["kind"] in MEALS,
                    "housing_provided": firm["kind"] in HOUSING and category == S,
                    "description": f"{firm['name']}招聘{title}。{duties}"
                    f"工作地点：{firm['address']}。",
                    "status": "open",
                    "posted_on": posted_on,
                    "expires_on": _expiry(posted_on, rng),
                }
            )
    for category, total in ((G, GENERAL_OPENINGS), (S, SKILLED_OPENINGS)):
        group = [p for p in posts if p["category"] == category]
        for post, openings in zip(
            group, _split_exactly(total, [p["weight"] for p in group], rng), strict=True
        ):
            post["openings"] = openings
    # A few posts are on hold or withdrawn; their openings still count in the bureau's totals.
    for post in rng.sample(posts, 6)[:3]:
        post["status"] = "paused"
    for post in [p for p in rng.sample(posts, 9) if p["status"] == "open"][:3]:
        post["status"] = "closed"
        post["expires_on"] = min(post["expires_on"], SNAPSHOT - timedelta(days=rng.randint(5, 90)))
        post["expires_on"] = max(post["expires_on"], post["posted_on"] + timedelta(days=30))
    for post in posts:
        del post["weight"]
    return posts


def _expiry(posted_on: date, rng: random.Random) -> date:
    if rng.random() < 0.85:
        return random_day(rng, date(2027, 1, 31), date(2027, 12, 31))
    return date(2026, 12, 31)
