"""The skill catalogue and the training programs, tied to 2022 occupation codes."""

# code, name, level-4 occupation code of the 2022 classification
SKILLS = [
    ("chinese_knot", "中国结编织", "6-09-03-17"),
    ("handicraft", "手工艺品制作", "6-09-03-17"),
    ("embroidery", "刺绣", "6-09-03-11"),
    ("knitting", "手工编织", "6-05-01-06"),
    ("livestream_selling", "直播带货", "4-01-06-02"),
    ("short_video", "短视频拍摄剪辑", "4-01-06-02"),
    ("ecommerce", "网店运营", "4-01-06-01"),
    ("online_customer_service", "网络客服", "4-04-05-03"),
    ("sewing", "缝纫", "6-05-01-03"),
    ("cutting", "裁剪", "6-05-01-02"),
    ("ironing", "整烫", "6-05-01-04"),
    ("bag_assembly", "箱包组装", "6-05-02-01"),
    ("leather_work", "皮革加工", "6-05-02-01"),
    ("shoe_making", "制鞋", "6-05-04-01"),
    ("toy_making", "毛绒玩具制作", "6-09-05-00"),
    ("quality_check", "质量检验", "6-31-03-05"),
    ("packing", "包装", "6-31-05-00"),
    ("carton_making", "纸箱纸盒制作", "6-07-02-00"),
    ("electrician", "电工", "6-31-01-03"),
    ("machine_repair", "设备维修", "6-31-01-02"),
    ("welding", "焊接", "6-18-02-04"),
    ("electronic_assembly", "电子装接", "6-25-04-07"),
    ("wire_harness", "线束加工", "6-24-03-01"),
    ("forklift", "叉车驾驶", "6-30-05-01"),
    ("warehouse", "仓储管理", "4-02-06-01"),
    ("loading", "装卸搬运", "4-02-05-01"),
    ("parcel_sorting", "快件分拣", "4-02-07-09"),
    ("vegetable_processing", "果蔬加工", "6-01-06-00"),
    ("daylily_processing", "黄花菜加工", "6-01-06-00"),
    ("grain_processing", "杂粮加工", "6-01-01-01"),
    ("frozen_food", "速冻面食制作", "6-02-03-02"),
    ("pastry", "中式面点", "4-03-02-02"),
    ("cooking", "中式烹调", "4-03-02-01"),
    ("food_safety", "食品安全管理", "4-03-02-11"),
    ("elderly_care", "养老护理", "4-10-01-05"),
    ("domestic_service", "家政服务", "4-10-01-06"),
    ("cleaning", "保洁", "4-09-08-01"),
    ("security_guard", "保安", "4-07-05-01"),
    ("truck_driving", "货车驾驶", "4-02-02-02"),
]

# code, name, occupation code, hours, certificate type, skills conferred
PROGRAMS = [
    ("chinese_knot", "中国结编织", "6-09-03-17", 60, "special_ability",
     ["chinese_knot", "handicraft"]),
    ("livestream", "直播带货（互联网营销）", "4-01-06-02", 56, "training",
     ["livestream_selling", "short_video"]),
    ("bag_assembly", "箱包制作", "6-05-02-01", 160, "training", ["bag_assembly", "leather_work"]),
    ("sewing", "缝纫工", "6-05-01-03", 80, "special_ability", ["sewing", "cutting"]),
    ("electrician", "电工", "6-31-01-03", 120, "special_ability", ["electrician"]),
    ("elderly_care", "养老护理员", "4-10-01-05", 80, "special_ability", ["elderly_care"]),
    ("ecommerce", "电子商务", "4-01-06-01", 64, "training",
     ["ecommerce", "online_customer_service"]),
    ("food_processing", "果蔬（黄花菜）加工", "6-01-06-00", 40, "training",
     ["vegetable_processing", "daylily_processing", "food_safety"]),
    ("forklift", "叉车驾驶", "6-30-05-01", 48, "special_ability", ["forklift", "warehouse"]),
    ("domestic_service", "家政服务员", "4-10-01-06", 56, "training",
     ["domestic_service", "cleaning"]),
    ("electronics_assembly", "电子设备装接", "6-25-04-07", 64, "training",
     ["electronic_assembly", "wire_harness"]),
    ("pastry", "中式面点师", "4-03-02-02", 64, "special_ability", ["pastry", "cooking"]),
]  # fmt: skip


def skill_rows() -> list[dict]:
    return [{"code": c, "name": n, "occupation_code": o} for c, n, o in SKILLS]


def program_rows() -> list[dict]:
    return [
        {
            "code": code,
            "name": name,
            "occupation_code": occupation,
            "hours": hours,
            "certificate_type": certificate,
            "skills": skills,
        }
        for code, name, occupation, hours, certificate, skills in PROGRAMS
    ]
