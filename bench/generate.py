"""A realistic synthetic corpus of task plans, in the style of the bundled example.

``python bench/generate.py --tasks 100000 --out /tmp/corpus`` writes N tasks spread over
documents of ~100 tasks (``--per-doc``), one folder per generated district and year:

* a title line and a preface like the example's;
* sections numbered 一、二、… titled 关于…;
* numbered tasks ``12.…。（区科技局、高新区管委会主办，区相关部门、各街道协办）`` whose
  text is stitched from the example's phrases, with quantitative indicators
  (增长8%、新增…家、达到…万平方米以上、控制在…以内) in about half of them;
* responsibility clauses naming the district's units: departments (区发改委 …), deployed
  units and management committees named after the district, the district's own streets
  (generated names), and group references (各街道, 区相关部门, 相关街道); lead markers
  vary (主办/牵头/负责, 协办/配合/参与).

Deterministic for a given ``--seed``. Pure standard library, so it runs anywhere.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

DEPARTMENTS = [
    "区委组织部", "区委宣传部", "区委政法委", "区委网信办", "区委编办", "区发改委", "区科技局",
    "区商务局", "区建设局", "区财政局", "区市场监管局", "区金融监管局", "区人社局", "区文旅局",
    "区投促局", "区水务局", "区城管局", "区人防办", "区房产局", "区民政局", "区退役军人事务局",
    "区教育局", "区卫健委", "区应急管理局", "区信访局", "区行政审批局", "区政府办公室", "区司法局",
    "区国资办", "区统计局", "区农业农村局", "区交通运输局", "区医保局", "区体育局",
]
GROUPS_CO = ["区相关部门", "各街道", "相关街道", "各板块", "区各部门", "各区属国企集团"]
LEAD_MARK = ["主办", "主办", "主办", "牵头", "负责"]
CO_MARK = ["协办", "协办", "配合", "参与"]

SYLLABLES = (
    "东西南北中新安宁华兴和平江山河湖海明光德丰泰康福瑞祥云龙凤金银青松柏梅兰竹菊春秋阳"
    "长乐永定昌盛文武仁义礼智信达通远广源泉林石桥门台楼阁园塘浦湾洲岭峰"
)
CITIES = ["临江市", "安平市", "青川市", "东阳市", "南岭市", "北原市", "西津市", "中州市"]

OPENERS = [
    "聚焦{a}，积极探索{b}新模式，重点支持{c}，增强{d}能力",
    "深入实施{a}行动，加大{b}培育力度，促进{c}加快成长",
    "全力推进{a}建设，着力打造{b}，培育{c}",
    "持续深化{a}改革，完善{b}机制，提升{c}水平",
    "健全{a}体系，发挥{b}作用，为{c}提供更好服务",
    "高标准实施{a}工程，完成{b}改造，推动{c}提档升级",
    "加快推进{a}，统筹{b}与{c}协调发展",
    "巩固{a}成效，深化{b}专项整治，确保{c}稳定提升",
]
TOPICS = [
    "原始创新", "校地融合", "科技成果转化", "硅巷建设", "专精特新企业", "知识产权", "科技金融",
    "营商环境", "招商引资", "楼宇经济", "夜间经济", "数字经济", "总部经济", "现代服务业",
    "老旧小区改造", "城市更新", "雨污分流", "垃圾分类", "大气污染防治", "河道水质提升",
    "背街小巷整治", "智慧城管", "养老服务", "托育服务", "义务教育优质均衡", "公共卫生",
    "社会救助", "就业帮扶", "退役军人服务", "安全生产", "应急管理", "基层治理", "网格化管理",
    "政务服务", "一网通办", "国资国企改革", "文化旅游", "历史文化街区保护", "全民健身",
    "乡村振兴", "交通拥堵治理", "停车设施", "市场监管", "食品安全", "法治政府",
]
INDICATORS = [
    "确保全年新增{m}{v}{u}以上",
    "{m}增长{p}%",
    "{m}达到{v}{u}",
    "力争{m}突破{v}{u}",
    "{m}控制在{p}%以内",
    "完成{m}{v}{u}",
    "{m}同比增长{p}%以上",
]
METRICS = [
    ("高新技术企业", "家"), ("产业载体", "万平方米"), ("新增城镇就业", "万人"), ("老旧小区改造面积", "万平方米"),
    ("养老床位", "张"), ("普惠性幼儿园", "所"), ("停车泊位", "个"), ("雨污分流片区", "个"),
    ("亿元以上签约项目", "个"), ("实际利用外资", "亿美元"), ("科技型中小企业", "家"), ("公共绿地", "平方米"),
]
RATE_METRICS = [
    "地区生产总值", "一般公共预算收入", "固定资产投资", "社会消费品零售总额", "服务业增加值",
    "城镇登记失业率", "居民人均可支配收入", "规上工业增加值", "研发经费投入",
]
SECTION_TITLES = [
    "完善创新生态，打造转型升级新引擎", "扩大有效投入，夯实经济增长新支撑", "深化改革开放，激发发展活力",
    "优化环境品质，呈现宜居宜业新风貌", "促进优质均衡，实现幸福指数新提升", "加强社会治理，守护平安稳定新局面",
    "推进城市更新，提升功能品质", "建设法治政府，提升治理效能", "繁荣文化事业，彰显城市魅力",
]
NUMERALS = "一二三四五六七八九十"


class District:
    def __init__(self, rng: random.Random, index: int) -> None:
        stem = rng.choice(SYLLABLES) + rng.choice(SYLLABLES)
        self.name = f"{stem}区"
        self.city = rng.choice(CITIES)
        self.index = index
        used: set[str] = set()
        self.streets = []
        while len(self.streets) < rng.randint(8, 14):
            s = rng.choice(SYLLABLES) + rng.choice(SYLLABLES) + rng.choice(["街道", "街道", "路街道", "门街道"])
            if s not in used:
                used.add(s)
                self.streets.append(s)
        self.committees = [f"{rng.choice(SYLLABLES)}{rng.choice(SYLLABLES)}{k}管委会" for k in ("高新区", "商务区", "片区")]
        self.deployed = [f"{stem}公安分局", f"{stem}生态环境局", f"{stem}消防救援大队"]
        self.departments = DEPARTMENTS

    def unit(self, rng: random.Random) -> str:
        r = rng.random()
        if r < 0.70:
            return rng.choice(self.departments)
        if r < 0.80:
            return rng.choice(self.committees)
        if r < 0.88:
            return rng.choice(self.deployed)
        return rng.choice(self.streets)


def _units(rng: random.Random, d: District, k: int) -> list[str]:
    out: list[str] = []
    while len(out) < k:
        u = d.unit(rng)
        if u not in out:
            out.append(u)
    return out


def task_text(rng: random.Random, d: District) -> str:
    topics = rng.sample(TOPICS, 4)
    body = rng.choice(OPENERS).format(a=topics[0], b=topics[1], c=topics[2], d=topics[3])
    r = rng.random()
    if r < 0.15:
        body = f"{rng.choice(RATE_METRICS)}增长{rng.choice([3, 5, 6, 7, 8, 10])}%"
    elif r < 0.55:
        m, u = rng.choice(METRICS)
        body += "，" + rng.choice(INDICATORS).format(
            m=m, u=u, v=rng.choice([2, 3, 5, 10, 15, 20, 80, 150, 600, 1900, 9600]), p=rng.choice([5, 8, 10, 12, 95])
        )
    if rng.random() < 0.2:
        body += f"，打造具有{d.city}影响力的{rng.choice(TOPICS)}示范区"
    lead = _units(rng, d, rng.choice([1, 1, 1, 2, 2, 3]))
    clause = "、".join(lead) + rng.choice(LEAD_MARK)
    if rng.random() < 0.55:
        co = [u for u in _units(rng, d, rng.choice([1, 2, 3])) if u not in lead]
        if rng.random() < 0.5:
            co.append(rng.choice(GROUPS_CO))
        if co:
            clause += "，" + "、".join(co) + rng.choice(CO_MARK)
    return f"{body}。（{clause}）"


def document(rng: random.Random, d: District, year: int, n_tasks: int, part: int) -> str:
    lines = [
        f"{d.city}{d.name}{year}年政府主要工作目标任务分解落实方案（第{part}部分）",
        f"为全面完成{d.city}{d.name}{year}年区人代会确定的主要目标任务，现将工作分解落实如下。",
    ]
    n_sections = max(1, min(len(SECTION_TITLES), round(n_tasks / 14)))
    per = -(-n_tasks // n_sections)
    number = 0
    for s in range(n_sections):
        lines.append(f"{NUMERALS[s] if s < 10 else s + 1}、关于{SECTION_TITLES[s % len(SECTION_TITLES)]}")
        for _ in range(per):
            if number >= n_tasks:
                break
            number += 1
            lines.append(f"{number}.{task_text(rng, d)}")
    return "\n".join(lines) + "\n"


def generate(out: Path, tasks: int, per_doc: int = 100, seed: int = 7, districts: int | None = None) -> list[Path]:
    rng = random.Random(seed)
    n_docs = max(1, -(-tasks // per_doc))
    n_districts = districts or max(1, min(400, n_docs // 3))
    ds = [District(rng, i) for i in range(n_districts)]
    names = set()
    for d in ds:  # distinct district names
        while d.name in names:
            d.name = rng.choice(SYLLABLES) + d.name
        names.add(d.name)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    left = tasks
    for i in range(n_docs):
        d = ds[i % n_districts]
        year = 2019 + (i // n_districts) % 5
        n = min(per_doc, left)
        left -= n
        folder = out / f"{d.index:03d}-{d.name}"
        folder.mkdir(exist_ok=True)
        p = folder / f"{d.name}{year}年任务分解-{i:05d}.txt"
        p.write_text(document(rng, d, year, n, i + 1), encoding="utf-8")
        paths.append(p)
    return paths


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tasks", type=int, default=10000)
    ap.add_argument("--per-doc", type=int, default=100)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args()
    paths = generate(a.out, a.tasks, a.per_doc, a.seed)
    size = sum(p.stat().st_size for p in paths)
    print(f"wrote {len(paths)} documents, {a.tasks} tasks, {size / 1e6:.1f} MB to {a.out}")


if __name__ == "__main__":
    main()
