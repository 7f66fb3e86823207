"""A deterministic synthetic district for benchmarks: N departments x Y years of budget YAML.

Shaped like the seed (budgets/2023/63002.yaml): about 20 function 项 lines, about 30 economic
lines (personnel and public basic spending, project spending), 10 projects each with a
performance tree, staff, duties, a department performance table. Every file reconciles
exactly (validates with 0 errors) and priors chain: year Y's prior amounts are year Y-1's
amounts of the same lines. All codes and names come from the classification registry.

Never written into budgets/ (the published site shows real budgets only).

    python bench/synth.py OUT_DIR --departments 100 --years 4 [--seed 7] [--last-year 2023]
"""

from __future__ import annotations

import argparse
import random
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from generator.core import registry  # noqa: E402
from generator.core.vocabulary import THREE_PUBLIC_ECONOMIC  # noqa: E402

THREE_PUBLIC = set(THREE_PUBLIC_ECONOMIC.values())
TOPICS = ["教育", "卫生健康", "民政", "财政", "人力资源和社会保障", "自然资源", "生态环境", "住房和城乡建设",
          "交通运输", "农业农村", "水务", "商务", "文化旅游", "应急管理", "审计", "市场监督管理", "体育",
          "统计", "医疗保障", "城市管理", "退役军人事务", "司法", "信访", "档案", "科技", "工业和信息化"]
KINDS = ["局", "服务中心", "事务中心", "保障中心", "综合执法大队"]
PROJECT_KINDS = ["信息系统运维费", "专项业务经费", "委托业务费", "租赁费", "物业管理费", "宣传培训经费",
                 "设备购置费", "保障经费", "民生服务专项资金", "办公用房维修费", "监督检查经费", "课题研究经费"]
INDICATORS = [("成本指标", "经济成本指标", "成本控制在预算内", "小于等于", "100", "%", 20),
              ("产出指标", "数量指标", "完成数量指标", "大于等于", "90", "%", 10),
              ("产出指标", "质量指标", "完成质量指标", "大于等于", "90", "%", 20),
              ("产出指标", "时效指标", "按时完成率", "大于等于", "95", "%", 10),
              ("效益指标", "社会效益指标", "完成社会效益指标", "大于等于", "90", "%", 20),
              ("满意度指标", "服务对象满意度指标", "服务对象满意度", "大于等于", "90", "%", 10)]


def money(cents: int) -> str:
    """A plain YAML decimal literal (the loader reads it as an exact Decimal)."""
    return f"{cents // 100}.{cents % 100:02d}"


def split(total: int, weights: list[int]) -> list[int]:
    """``total`` cents in parts proportional to ``weights``, each >= 1 cent, summing exactly."""
    n = len(weights)
    rest = total - n
    w = sum(weights)
    parts = [1 + rest * x // w for x in weights]
    parts[-1] += total - sum(parts)
    return parts


@dataclass
class Shape:
    """What a department records, fixed across its years (so priors chain line by line)."""

    code: str
    name: str
    topic: str
    functions: list[tuple[str, str]]          # 7-digit function codes and names
    personnel: list[tuple[str, list[str]]]    # basic 301/303 款 with their 7-digit items (may be empty)
    public: list[tuple[str, list[str]]]       # basic 302 款
    project_econ: list[tuple[str, list[str]]]  # project 款
    projects: list[str]
    weights: dict[str, list[int]]             # function-line weights for personnel/public/project
    base: dict[str, int]                      # base cents of every economic leaf and project


def _econ_pool(reg: registry.Registry, classes: tuple[str, ...]) -> list[tuple[str, list[str]]]:
    out = []
    for code in sorted(reg.economic):
        if len(code) == 5 and code[:3] in classes and code not in THREE_PUBLIC:
            items = sorted(c for c in reg.economic if len(c) == 7 and c.startswith(code))
            out.append((code, items))
    return out


def shape(index: int, seed: int) -> Shape:
    reg = registry.for_year(2023)
    rng = random.Random(f"{seed}:{index}")
    # only 项 with a 科目说明, so Part 4 is complete and the files validate without warnings
    functions = sorted(rng.sample(sorted(c for c, e in reg.function.items() if len(c) == 7 and e.description), 20))
    personnel = sorted(rng.sample(_econ_pool(reg, ("301", "303")), 12))
    public = sorted(rng.sample(_econ_pool(reg, ("302",)), 8))
    project_pool = [x for x in _econ_pool(reg, ("302", "310")) if x[0] != "30214"]
    project_econ = sorted([("30214", []), *rng.sample(project_pool, 9)])  # 租赁费 always present (search term)
    projects = [f"{rng.choice(PROJECT_KINDS)}（{k + 1}）" for k in range(10)]
    topic = TOPICS[index % len(TOPICS)]
    name = f"示例区{topic}{KINDS[index // len(TOPICS) % len(KINDS)]}（{index + 1}）"
    weights = {
        "personnel": [rng.randint(1, 100) for _ in range(12)],   # lines 0-11
        "public": [rng.randint(1, 100) for _ in range(8)],       # lines 8-15
        "project": [rng.randint(1, 100) for _ in range(6)],      # lines 14-19
    }
    base: dict[str, int] = {}
    for code, items in personnel:
        for leaf in items or [code]:
            base[leaf] = rng.randint(50, 20000)
    for code, items in public:
        for leaf in items or [code]:
            base[leaf] = rng.randint(50, 3000)
    for code, items in project_econ:
        for leaf in items or [code]:
            base[f"p{leaf}"] = rng.randint(500, 40000)
    for p in projects:
        base[f"project:{p}"] = rng.randint(1, 100)
    return Shape(f"9{index:05d}", name, topic, [(c, reg.function_name(c)) for c in functions],
                 personnel, public, project_econ, projects, weights, base)


def amounts(s: Shape, year: int, seed: int) -> dict[str, int]:
    """Every leaf of the department in ``year``, in cents, plus the derived function-line splits."""
    rng = random.Random(f"{seed}:{s.code}:{year}")
    a = {k: max(1, v * rng.randint(85, 120) // 100) for k, v in s.base.items() if not k.startswith("project:")}
    pers = sum(a[leaf] for code, items in s.personnel for leaf in items or [code])
    pub = sum(a[leaf] for code, items in s.public for leaf in items or [code])
    proj = sum(a[f"p{leaf}"] for code, items in s.project_econ for leaf in items or [code])
    for i, v in enumerate(split(pers, s.weights["personnel"])):
        a[f"f{i}:personnel"] = v
    for i, v in enumerate(split(pub, s.weights["public"])):
        a[f"f{i + 8}:public"] = v
    for i, v in enumerate(split(proj, s.weights["project"])):
        a[f"f{i + 14}:project"] = v
    for p, v in zip(s.projects, split(proj, [s.base[f"project:{p}"] for p in s.projects]), strict=True):
        a[f"project:{p}"] = v
    a["personnel"], a["public"], a["project"] = pers, pub, proj
    return a


def _reason(now: int, prior: int) -> str:
    return "业务量增加" if now > prior else ("压减经费" if now < prior else "保持不变")


def _line_total(a: dict[str, int], i: int) -> int:
    return sum(a.get(f"f{i}:{k}", 0) for k in ("personnel", "public", "project"))


def _econ_lines(lines: list[tuple[str, list[str]]], now: dict[str, int], prior: dict[str, int], key: str,
                reg: registry.Registry) -> list[str]:
    out = []
    for code, items in lines:
        name = reg.economic_name(code)
        if items:
            cur = sum(now[f"{key}{c}"] for c in items)
            pri = sum(prior[f"{key}{c}"] for c in items)
            out.append(f'  - code: "{code}"\n    name: {name}\n    prior: {money(pri)}\n'
                       f"    reason: {_reason(cur, pri)}\n    items:")
            out += [f'      - {{code: "{c}", name: {reg.economic_name(c)}, amount: {money(now[key + c])}}}'
                    for c in items]
        else:
            cur, pri = now[f"{key}{code}"], prior[f"{key}{code}"]
            out.append(f'  - {{code: "{code}", name: {name}, amount: {money(cur)}, prior: {money(pri)}, '
                       f"reason: {_reason(cur, pri)}}}")
    return out


def budget_yaml(s: Shape, year: int, seed: int, bump: int = 0) -> str:
    """The YAML text of one department-year; ``bump`` cents are added to its first project (and every view of it)."""
    reg = registry.for_year(2023)
    now, prior = amounts(s, year, seed), amounts(s, year - 1, seed)
    if bump:
        first = s.projects[0]
        now[f"project:{first}"] += bump
        now["f14:project"] += bump
        now["p30214"] += bump  # 租赁费, always present and without items
        now["project"] += bump
    spend, spend_prior = (now["personnel"] + now["public"] + now["project"],
                          prior["personnel"] + prior["public"] + prior["project"])
    staff = 10 + int(s.code) % 40
    y: list[str] = [
        "# 合成数据（bench/synth.py 生成，仅用于性能测试，不是真实预算）。",
        "schema_version: 1", f"year: {year}", "profile: harbin-13", "unit: 万元", "display_unit: 万元", "",
        "department:", f'  code: "{s.code}"', f"  name: {s.name}",
        f'  supervisor: {{code: "{s.code[:3]}", name: {s.topic}部门}}', "  affiliation: 示例区政府", "",
        "overview:", "  duties:", "    items:",
        f"      - 负责贯彻执行{s.topic}方面的法律、法规、规章和政策。",
        f"      - 负责组织实施辖区{s.topic}相关服务和管理工作，推进业务标准化、信息化建设。",
        "      - 负责本单位财务、资产和人员管理工作。",
        "    other:", "      - 承办示例区政府交办的其他任务。",
        "  internal_units: [综合科, 业务科, 财务科]", "  subordinate_units: []", "  budget_units: []",
        "  staff:", f"    establishment: {{administrative: 0, institutional: {staff + 5}, worker: 0}}",
        f"    in_service: {{current: {staff}, prior: {staff}}}", "    retired: {current: 1, prior: 1}", "",
        "income:", f"  general_budget: {{amount: {money(spend)}, reason: {_reason(spend, spend_prior)}}}", "",
        "explanations:", f"  expenditure_reason: {_reason(spend, spend_prior)}",
        f"  fiscal_reason: {_reason(spend, spend_prior)}", "", "expenditure:",
    ]
    for i, (code, name) in enumerate(s.functions):
        parts = ", ".join(f"{k}: {money(now[f'f{i}:{k}'])}" for k in ("personnel", "public", "project")
                          if f"f{i}:{k}" in now)
        cur, pri = _line_total(now, i), _line_total(prior, i)
        y.append(f'  - code: "{code}"\n    name: {name}\n    general_budget: {{{parts}, prior: {money(pri)}, '
                 f"reason: {_reason(cur, pri)}}}")
    y += ["", "basic_by_economic:"]
    y += _econ_lines(s.personnel + s.public, now, prior, "", reg)
    y += ["", "project_by_economic:"]
    y += _econ_lines(s.project_econ, now, prior, "p", reg)
    y += ["", "projects:"]
    y += [f"  - {{type: 其他运转类, name: {p}, general_budget: {money(now['project:' + p])}}}" for p in s.projects]
    y += ["", "three_public:"]
    y += [f"  {k}: {{amount: 0, prior: 0, reason: 未安排此项预算支出}}"
          for k in ("outbound", "vehicle_purchase", "vehicle_operation", "reception")]
    y += ["  reason: 未安排此项预算支出", "",
          f"operating_costs: {{amount: {money(now['public'])}, prior: {money(prior['public'])}, "
          f"reason: {_reason(now['public'], prior['public'])}}}", "",
          f"procurement: {{goods: 0, works: 0, services: {money(now['project'] // 2)}}}", "",
          "assets:",
          "  holdings: {value: 0, buildings_m2: 0, vehicles: 0, equipment_over_1m: 0, equipment_over_500k: 0}",
          "  planned: {value: 0, buildings_m2: 0, vehicles: 0, equipment_over_1m: 0, equipment_over_500k: 0}",
          "", "performance_targets:"]
    indicators = "\n".join(
        f"      - {{level1: {a}, level2: {b}, name: {n}, operator: {o}, value: {v}, unit: \"{u}\", weight: {w}.00}}"
        for a, b, n, o, v, u, w in INDICATORS)
    covered = ", ".join(f'"{c}"' for c, _ in s.personnel)
    y.append(f"  - name: 工资福利支出\n    category: 工资福利\n    covers: {{economic: [{covered}]}}\n"
             f"    goal: 保障工资及时足额发放\n    indicators:\n{indicators}")
    for p in s.projects:
        y.append(f"  - name: {p}\n    covers: {{project: {p}}}\n    goal: 保障{s.topic}{p}按计划实施，提高资金使用效益。\n"
                 f"    indicators:\n{indicators}")
    y += ["", "department_performance:",
          f"  annual_goal: {year}年，{s.name}全面完成{s.topic}各项工作任务，提升服务质量。",
          "  tasks:", f"    - {{name: 做好{s.topic}重点工作, content: 围绕年度目标推进{s.topic}重点工作，确保任务按期完成。}}",
          "  indicators:",
          f"    - {{level1: 成本指标, level2: 经济成本指标, name: 成本控制在预算内, operator: 小于等于, direction: 正向, "
          f"value: {spend // 100}, unit: 万元}}",
          "    - {level1: 满意度指标, level2: 服务对象满意度指标, name: 社会公众满意度, operator: 大于等于, direction: 正向, "
          'value: 90, unit: "%"}',
          f"  summary: 做好{s.topic}重点工作，主要绩效指标及指标值情况为优。", ""]
    return "\n".join(y)


def generate(out: Path, departments: int, years: int, seed: int = 7, last_year: int = 2023) -> list[Path]:
    """Write ``out/<year>/<code>.yaml`` for every department-year; returns the paths, sorted."""
    paths = []
    for i in range(departments):
        s = shape(i, seed)
        for year in range(last_year - years + 1, last_year + 1):
            path = out / str(year) / f"{s.code}.yaml"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(budget_yaml(s, year, seed), encoding="utf-8")
            paths.append(path)
    return sorted(paths)


def bump_file(path: Path, cents: int = 100, seed: int = 7, departments_index: int | None = None) -> None:
    """Rewrite one generated file with ``cents`` more on its first project (still reconciling)."""
    index = int(path.stem) - 900000 if departments_index is None else departments_index
    path.write_text(budget_yaml(shape(index, seed), int(path.parent.name), seed, bump=cents), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="生成合成的区级部门预算（仅用于性能测试）")
    p.add_argument("out", type=Path)
    p.add_argument("--departments", type=int, default=10)
    p.add_argument("--years", type=int, default=1)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--last-year", type=int, default=2023)
    args = p.parse_args(argv)
    if (ROOT / "budgets").resolve() in [args.out.resolve(), *args.out.resolve().parents]:
        print("错误：合成数据不能写入 budgets/", file=sys.stderr)
        return 2
    paths = generate(args.out, args.departments, args.years, args.seed, args.last_year)
    print(f"生成 {len(paths)} 个合成预算文件到 {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
