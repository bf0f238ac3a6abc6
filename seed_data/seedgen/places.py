"""Communities with their grids, and the industrial park's firms.

Coordinates are approximate: the county seat (玉泉镇) at about 40.42N 114.09E, the park and the
万家乐 relocation district on its eastern edge, township communities 8 to 25 km out.
"""

import random

from seedgen.common import make_credit_code

# name, lat, lon, share of registered residents (relative weight)
COMMUNITIES = [
    ("万家乐移民新区", 40.4330, 114.1150, 15),
    ("玉泉社区", 40.4205, 114.0905, 7),
    ("慈云社区", 40.4180, 114.0840, 7),
    ("盘山社区", 40.4265, 114.0790, 6),
    ("东关社区", 40.4190, 114.1010, 7),
    ("西关社区", 40.4170, 114.0760, 6),
    ("南关社区", 40.4110, 114.0920, 6),
    ("北关社区", 40.4290, 114.0930, 6),
    ("新华社区", 40.4235, 114.0985, 6),
    ("谷前堡社区", 40.3720, 114.2280, 5),
    ("新平堡社区", 40.5630, 114.2440, 4),
    ("米薪关社区", 40.3050, 113.9880, 5),
    ("逯家湾社区", 40.4770, 113.9610, 5),
    ("南河堡社区", 40.3480, 114.1030, 5),
    ("卅里铺社区", 40.4560, 114.0260, 5),
    ("马家皂社区", 40.5010, 114.1790, 5),
]

WANJIALE = "万家乐移民新区"
PARK = "天镇县扶贫产业园"
PARK_LAT, PARK_LON = 40.4360, 114.1230

# name, industry, what it makes (for the address line)
FIRMS = [
    ("天镇县鑫源箱包有限公司", "箱包", "bags"),
    ("天镇县宏达箱包制品有限公司", "箱包", "bags"),
    ("天镇县锦绣服饰有限公司", "服装", "garments"),
    ("天镇县恒泰制衣有限公司", "服装（工装、校服）", "garments"),
    ("天镇县吉祥结手工艺品有限公司", "中国结及手工艺品", "knots"),
    ("天镇县巧手刺绣工艺品有限公司", "刺绣与编织工艺品", "handicrafts"),
    ("天镇县金针黄花食品有限公司", "食品加工（黄花菜）", "daylily"),
    ("天镇县塞上杂粮食品有限公司", "食品加工（杂粮、速冻面食）", "grains"),
    ("天镇县华芯电子科技有限公司", "电子元器件组装", "electronics"),
    ("天镇县瑞达线束有限公司", "汽车线束加工", "harness"),
    ("天镇县恒信包装制品有限公司", "包装（纸箱纸盒）", "packaging"),
    ("天镇县欢乐毛绒玩具有限公司", "毛绒玩具", "toys"),
    ("天镇县利民鞋业有限公司", "制鞋", "shoes"),
    ("天镇县顺达仓储物流有限公司", "仓储物流", "logistics"),
    ("天镇县云商电子商务有限公司", "电子商务与直播", "ecommerce"),
    ("天镇县康馨家政养老服务有限公司", "家政与养老服务", "care"),
]


def make_communities(rng: random.Random) -> tuple[list[dict], list[dict]]:
    communities, grids = [], []
    for community_id, (name, lat, lon, _weight) in enumerate(COMMUNITIES, start=1):
        communities.append({"id": community_id, "name": name, "lat": lat, "lon": lon})
        for number, label in ((1, "第一网格"), (2, "第二网格")):
            grids.append(
                {
                    "id": len(grids) + 1,
                    "community_id": community_id,
                    "name": label,
                    "party_branch": f"{name}{label}党支部",
                    "lat": round(lat + rng.uniform(-0.004, 0.004), 5),
                    "lon": round(lon + (0.003 if number == 1 else -0.003), 5),
                }
            )
    return communities, grids


def make_firms(rng: random.Random) -> list[dict]:
    used: set[str] = set()
    firms = []
    for firm_id, (name, industry, kind) in enumerate(FIRMS, start=1):
        # Sixteen workshops along the park's two roads, a few hundred metres apart.
        row, column = divmod(firm_id - 1, 8)
        firms.append(
            {
                "id": firm_id,
                "name": name,
                "credit_code": make_credit_code(rng, used),
                "industry": industry,
                "kind": kind,
                "address": f"山西省大同市{PARK}{'创业路' if row == 0 else '兴业路'}"
                f"{column * 2 + 1}号{firm_id}号标准化厂房",
                "lat": round(PARK_LAT + row * 0.006 + rng.uniform(-0.0008, 0.0008), 5),
                "lon": round(PARK_LON + column * 0.0035 + rng.uniform(-0.0008, 0.0008), 5),
            }
        )
    return firms
