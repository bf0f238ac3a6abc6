"""What rosters and people write for the catalogue's skills: skill code -> other names.

A roster says 电焊 where the catalogue says 焊接; the import reads each word here as its skill.
Only codes present in the catalogue are used, so a word for a skill not (yet) catalogued is
simply unknown. Keep each word under one skill.
"""

SKILL_SYNONYMS: dict[str, tuple[str, ...]] = {
    "welding": ("电焊", "电焊工", "焊工", "气焊", "氩弧焊", "二保焊", "电气焊"),
    "electrician": ("维修电工", "低压电工", "电工作业", "水电工"),
    "machine_repair": ("机修", "机修工", "设备维修工", "维修工"),
    "sewing": ("缝纫工", "车缝", "平车", "缝纫机", "制衣", "服装缝制"),
    "cutting": ("裁床", "裁剪工"),
    "ironing": ("熨烫", "整烫工"),
    "chinese_knot": ("中国结", "编中国结"),
    "knitting": ("编织", "织毛衣"),
    "embroidery": ("绣花", "刺绣工"),
    "handicraft": ("手工", "手工艺", "手工制作"),
    "bag_assembly": ("箱包", "箱包加工", "箱包制作"),
    "leather_work": ("皮革", "皮具加工"),
    "shoe_making": ("鞋厂", "做鞋"),
    "toy_making": ("毛绒玩具", "玩具制作"),
    "quality_check": ("质检", "质检员", "检验员", "产品检验"),
    "packing": ("打包", "包装工"),
    "carton_making": ("纸箱", "纸盒"),
    "electronic_assembly": ("电子组装", "电子装配"),
    "wire_harness": ("线束",),
    "forklift": ("叉车", "叉车工", "叉车司机", "铲车"),
    "warehouse": ("仓管", "库管", "仓库管理", "仓管员"),
    "loading": ("装卸", "搬运", "装卸工"),
    "parcel_sorting": ("分拣", "快递分拣", "分拣员"),
    "livestream_selling": ("直播", "带货", "直播销售", "主播"),
    "short_video": ("短视频", "视频剪辑", "剪辑"),
    "ecommerce": ("电商", "网店", "电子商务"),
    "online_customer_service": ("客服", "网络客服员"),
    "vegetable_processing": ("蔬菜加工", "果蔬"),
    "daylily_processing": ("黄花菜", "黄花"),
    "grain_processing": ("杂粮",),
    "frozen_food": ("速冻", "速冻食品"),
    "pastry": ("面点", "面点师", "白案"),
    "cooking": ("厨师", "烹饪", "炒菜", "厨工", "红案"),
    "food_safety": ("食品安全",),
    "elderly_care": ("养老护理员", "护理", "护工", "养老"),
    "domestic_service": ("家政", "保姆", "月嫂", "育婴", "育婴员"),
    "cleaning": ("保洁员", "清洁", "清洁工"),
    "security_guard": ("保安员", "门卫", "安保"),
    "truck_driving": ("货车司机", "大车司机", "开货车", "货运司机"),
}
