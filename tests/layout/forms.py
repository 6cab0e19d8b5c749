"""Synthetic budget-performance forms of our own, and the text layouts real documents print them in.

Each form is a grid (rows of cells, "" for an empty or merged cell) with what a reader must get out of
it: its subject, its amounts and its indicators (三级指标 name and 指标值 as printed). Each layout turns a
grid into text the way one family of published documents does. The forms follow the national and
provincial templates (财预〔2020〕10号 and its exports); none is a copy of a real document.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Form:
    title: str
    rows: list[list[str]]
    indicators: list[tuple[str, str]]  # (三级指标, 指标值 as a reader must land it)
    amounts: list[str]  # every amount in 万元
    subject: str | None  # the project a reader must name (None: a department's form)


FORMS: dict[str, Form] = {
    "project self-evaluation (2020 national)": Form(
        "2023年度项目支出绩效自评表",
        [
            ["项目名称", "城乡居民医疗救助", "", "", "", "", "", ""],
            ["主管部门", "某县医疗保障局", "", "", "实施单位", "某县医疗保障服务中心", "", ""],
            ["项目资金(万元)", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
            ["", "年度资金总额", "300", "320", "310", "10", "96.88%", "9.7"],
            ["", "其中：当年财政拨款", "300", "320", "310", "—", "—", "—"],
            ["", "上年结转资金", "", "", "", "—", "—", "—"],
            ["", "其他资金", "", "", "", "—", "—", "—"],
            ["年度总体目标", "预期目标", "", "", "实际完成情况", "", "", ""],
            ["", "保障困难群众基本医疗", "", "", "已完成", "", "", ""],
            ["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因"],
            ["", "产出指标", "数量指标", "救助人次", "≥1200人次", "1350人次", "20", "20", ""],
            ["", "", "", "资助参保人数", "≥800人", "820人", "10", "10", ""],
            ["", "", "质量指标", "救助政策落实率", "100%", "100%", "10", "10", ""],
            ["", "", "时效指标", "救助资金及时拨付率", "≥95%", "93%", "10", "8", "拨付流程较长"],
            ["", "效益指标", "社会效益指标", "困难群众医疗负担减轻", "有效减轻", "有效减轻", "20", "20", ""],
            ["", "满意度指标", "服务对象满意度指标", "救助对象满意度", "≥90%", "95%", "10", "10", ""],
            ["总分", "", "", "", "", "", "100", "97.7", ""],
        ],
        [
            ("救助人次", "≥1200人次"),
            ("资助参保人数", "≥800人"),
            ("救助政策落实率", "100%"),
            ("救助资金及时拨付率", "≥95%"),
            ("困难群众医疗负担减轻", "有效减轻"),
            ("救助对象满意度", "≥90%"),
        ],
        ["320", "310", "300"],
        "城乡居民医疗救助",
    ),
    "project self-evaluation (A/B columns, 分值 before 指标值)": Form(
        "(农村低保)绩效目标自评表\n绩效目标自评表 (2022年度)",
        [
            ["项目名称", "农村低保资金", "", "", "", "", ""],
            ["主管部门", "某县民政局", "", "", "", "", ""],
            ["资金情况(万元)", "", "全年预算数(A)", "全年执行数(B)", "分值", "执行率(B/A)", "得分"],
            ["", "年度资金总额:", "560", "548.8", "10", "98%", "9.8"],
            ["", "其中:中央补助", "400", "400", "", "100%", ""],
            ["", "地方资金", "160", "148.8", "", "93%", ""],
            ["年度总体目标", "年初设定目标", "", "", "年度总体目标完成情况综述", "", ""],
            ["", "保障农村低保对象基本生活", "", "", "保障低保对象1200人", "", ""],
            ["一级指标", "二级指标", "三级指标", "分值", "年度指标值", "全年实际值", "得分", "未完成原因和改进措施"],
            ["产出指标(50分)", "数量指标", "保障人数", "20", "≥1200人", "1260人", "20", ""],
            ["", "质量指标", "资金发放准确率", "15", "100%", "99%", "14", "个别信息更新不及时"],
            ["", "时效指标", "按月发放率", "15", "100%", "100%", "15", ""],
            ["效益指标(30分)", "社会效益指标", "低保对象生活改善", "30", "明显改善", "明显改善", "30", ""],
            ["满意度指标(10分)", "服务对象满意度指标", "低保对象满意度", "10", "≥90%", "96%", "10", ""],
        ],
        [
            ("保障人数", "≥1200人"),
            ("资金发放准确率", "100%"),
            ("按月发放率", "100%"),
            ("低保对象生活改善", "明显改善"),
            ("低保对象满意度", "≥90%"),
        ],
        ["560", "548.8", "400", "160", "148.8"],
        "农村低保资金",
    ),
    "project target form (2020 national)": Form(
        "2024年项目支出绩效目标表",
        [
            ["项目名称", "农村饮水安全维修养护", "", ""],
            ["主管部门及代码", "某县水利局", "实施单位", "某县农村供水站"],
            ["项目资金(万元)", "年度资金总额", "150", ""],
            ["", "其中：财政拨款", "120", ""],
            ["", "其他资金", "30", ""],
            ["年度绩效目标", "完成农村供水工程维修养护", "", ""],
            ["绩效指标", "一级指标", "二级指标", "三级指标", "指标值"],
            ["", "产出指标", "数量指标", "维修供水工程处数", "≥45处"],
            ["", "", "质量指标", "工程验收合格率", "100%"],
            ["", "", "时效指标", "完工时间", "2024年12月底前"],
            ["", "", "成本指标", "单处维修成本", "≤3.3万元"],
            ["", "效益指标", "社会效益指标", "农村供水保证率", "≥95%"],
            ["", "满意度指标", "服务对象满意度指标", "受益群众满意度", "≥90%"],
        ],
        [
            ("维修供水工程处数", "≥45处"),
            ("工程验收合格率", "100%"),
            ("完工时间", "2024年12月底前"),
            ("单处维修成本", "≤3.3万元"),
            ("农村供水保证率", "≥95%"),
            ("受益群众满意度", "≥90%"),
        ],
        ["150", "120", "30"],
        "农村饮水安全维修养护",
    ),
    "project target form (指标性质 / 度量单位 columns)": Form(
        "2025年度项目绩效目标申报表",
        [
            ["项目名称", "中小学校舍维修改造", "", "", ""],
            ["主管部门", "某市教育局", "", "实施单位", "某市教育技术装备中心"],
            ["项目总金额(万元)", "500", "", "其中：财政资金", "500"],
            ["总体目标", "完成全市中小学校舍维修改造", "", "", ""],
            ["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "权重"],
            ["产出指标", "数量指标", "维修改造学校数量", "≥", "12", "所", "20"],
            ["", "质量指标", "工程验收合格率", "=", "100", "%", "20"],
            ["", "时效指标", "项目完成时间", "≤", "12", "月", "10"],
            ["效益指标", "社会效益指标", "办学条件改善情况", "定性", "明显改善", "", "30"],
            ["满意度指标", "服务对象满意度指标", "师生满意度", "≥", "90", "%", "20"],
        ],
        [
            ("维修改造学校数量", "12"),
            ("工程验收合格率", "100"),
            ("项目完成时间", "12"),
            ("办学条件改善情况", "明显改善"),
            ("师生满意度", "90"),
        ],
        ["500"],
        "中小学校舍维修改造",
    ),
    "simplified form (指标名称 / 目标值 / 完成值)": Form(
        "某县2022年乡村振兴衔接资金项目绩效目标表",
        [
            ["项目名称", "产业路硬化工程"],
            ["项目单位", "某县乡村振兴局"],
            ["资金规模(万元)", "85"],
            ["绩效指标", "指标名称", "目标值", "完成值"],
            ["产出指标", "硬化道路长度", "≥3公里", "3.2公里"],
            ["效益指标", "受益脱贫人口数", "≥200人", "230人"],
            ["满意度指标", "受益群众满意度", "≥95%", "98%"],
        ],
        [("硬化道路长度", "≥3公里"), ("受益脱贫人口数", "≥200人"), ("受益群众满意度", "≥95%")],
        ["85"],
        "产业路硬化工程",
    ),
    "regional target form": Form(
        "2022年生猪调出大县奖励资金区域绩效目标表",
        [
            ["专项名称", "生猪调出大县奖励资金", "", ""],
            ["中央主管部门", "农业农村部", "", ""],
            ["地方主管部门", "某县农业农村委员会", "", ""],
            ["资金情况(万元)", "年度金额:", "626", ""],
            ["", "其中：中央补助", "626", ""],
            ["年度总体目标", "支持生猪生产发展，稳定生猪供应", "", ""],
            ["一级指标", "二级指标", "三级指标", "指标值"],
            ["产出指标", "数量指标", "支持生猪养殖场户数", "≥15个"],
            ["", "质量指标", "项目验收合格率", "≥95%"],
            ["效益指标", "经济效益指标", "生猪出栏量", "≥40万头"],
            ["满意度指标", "服务对象满意度指标", "养殖户满意度", "≥90%"],
        ],
        [("支持生猪养殖场户数", "≥15个"), ("项目验收合格率", "≥95%"), ("生猪出栏量", "≥40万头"), ("养殖户满意度", "≥90%")],
        ["626"],
        "生猪调出大县奖励资金",
    ),
    "regional target form with per-region targets": Form(
        "2022年某专项转移支付区域绩效目标表",
        [
            ["转移支付名称", "农村综合改革转移支付", "", "", "", ""],
            ["地方主管部门", "某市财政局", "", "", "", ""],
            ["资金情况(万元)", "年度金额:", "300", "", "", ""],
            ["一级指标", "二级指标", "三级指标", "指标值", "区域目标值", ""],
            ["", "", "", "", "上杭县", "武平县"],
            ["产出指标", "数量指标", "支持村级公益事业项目数", "≥20个", "12个", "8个"],
            ["", "质量指标", "项目验收合格率", "100%", "100%", "100%"],
            ["效益指标", "社会效益指标", "受益群众人数", "≥5000人", "3000人", "2000人"],
            ["满意度指标", "服务对象满意度指标", "受益群众满意度", "≥90%", "≥90%", "≥90%"],
        ],
        [
            ("支持村级公益事业项目数", "≥20个"),
            ("项目验收合格率", "100%"),
            ("受益群众人数", "≥5000人"),
            ("受益群众满意度", "≥90%"),
        ],
        ["300"],
        "农村综合改革转移支付",
    ),
    "regional self-evaluation (转移支付区域绩效自评表)": Form(
        "2022年度中央对地方转移支付区域绩效自评表",
        [
            ["转移支付名称", "农业生产发展资金", "", "", ""],
            ["中央主管部门", "农业农村部", "", "", ""],
            ["地方主管部门", "某市农业农村局", "资金使用单位", "某县农业农村局", ""],
            ["资金情况(万元)", "", "全年预算数(A)", "全年执行数(B)", "执行率(B/A)"],
            ["", "年度资金总额", "1500", "1420", "94.67%"],
            ["", "其中：中央补助", "1200", "1150", "95.83%"],
            ["", "地方资金", "300", "270", "90%"],
            ["", "其他资金", "", "", ""],
            ["年度总体目标", "预期目标", "", "实际完成情况", ""],
            ["", "支持耕地地力保护", "", "已完成", ""],
            ["一级指标", "二级指标", "三级指标", "指标值", "全年实际完成值", "未完成原因和改进措施"],
            ["产出指标", "数量指标", "耕地地力保护补贴面积", "≥50万亩", "52万亩", ""],
            ["", "质量指标", "补贴资金兑付准确率", "100%", "100%", ""],
            ["效益指标", "经济效益指标", "种粮农民收益", "稳步提高", "稳步提高", ""],
            ["满意度指标", "服务对象满意度指标", "种粮农户满意度", "≥90%", "93%", ""],
        ],
        [
            ("耕地地力保护补贴面积", "≥50万亩"),
            ("补贴资金兑付准确率", "100%"),
            ("种粮农民收益", "稳步提高"),
            ("种粮农户满意度", "≥90%"),
        ],
        ["1500", "1420", "1200", "1150", "300", "270"],
        "农业生产发展资金",
    ),
    "department self-evaluation": Form(
        "2022年度部门整体支出绩效自评表",
        [
            ["部门名称", "某区民政局", "", "", "", "", ""],
            ["年度预算申请(万元)", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
            ["", "年度资金总额", "2000", "2100", "2050", "10", "97.62%", "9.8"],
            ["", "按收入性质分", "", "", "", "按支出性质分", "", ""],
            ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"],
            ["产出指标", "数量指标", "低保对象保障人数", "≥3000人", "3120人", "20", "20", ""],
            ["", "质量指标", "资金发放准确率", "100%", "100%", "10", "10", ""],
            ["效益指标", "社会效益指标", "困难群众基本生活保障", "有效保障", "有效保障", "20", "20", ""],
            ["满意度指标", "服务对象满意度指标", "群众满意度", "≥90%", "92%", "10", "10", ""],
        ],
        [
            ("低保对象保障人数", "≥3000人"),
            ("资金发放准确率", "100%"),
            ("困难群众基本生活保障", "有效保障"),
            ("群众满意度", "≥90%"),
        ],
        ["2100", "2050", "2000"],
        None,
    ),
    "department self-evaluation (parts by source and by kind of spending)": Form(
        "2021年度部门整体支出绩效自评表",
        [
            ["部门(单位)名称", "某市发展和改革局", "", "", "", "", "", ""],
            ["年度预算申请(万元)", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
            ["", "年度资金总额", "1800", "1950", "1900", "10", "97.44%", "9.7"],
            ["", "按收入性质分", "", "", "", "按支出性质分", "", ""],
            ["", "其中：一般公共预算：1850", "", "", "", "其中：基本支出：1200", "", ""],
            ["", "政府性基金拨款：100", "", "", "", "项目支出：750", "", ""],
            ["年度总体目标", "预期目标", "", "", "实际完成情况", "", "", ""],
            ["", "保障重点项目前期工作", "", "", "已完成", "", "", ""],
            ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"],
            ["产出指标", "数量指标", "重点项目前期工作数", "≥30个", "32个", "20", "20", ""],
            ["", "时效指标", "项目审批按时办结率", "100%", "100%", "10", "10", ""],
            ["效益指标", "经济效益指标", "带动社会投资", "≥50亿元", "56亿元", "20", "20", ""],
            ["满意度指标", "服务对象满意度指标", "办事群众满意度", "≥95%", "97%", "10", "10", ""],
        ],
        [
            ("重点项目前期工作数", "≥30个"),
            ("项目审批按时办结率", "100%"),
            ("带动社会投资", "≥50亿元"),
            ("办事群众满意度", "≥95%"),
        ],
        ["1800", "1950", "1900", "1850", "100", "1200", "750"],
        None,
    ),
    "department target form (年度主要任务)": Form(
        "2023年度部门整体支出绩效目标表",
        [
            ["部门(单位)名称", "某县卫生健康局", "", ""],
            ["年度主要任务", "任务名称", "主要内容", "预算金额(万元)"],
            ["", "公共卫生服务", "开展基本公共卫生服务", "860"],
            ["", "医疗保障", "基层医疗机构运转保障", "1240"],
            ["年度部门整体支出预算(万元)", "资金总额", "2100", ""],
            ["年度总体目标", "提升基层医疗卫生服务能力", "", ""],
            ["一级指标", "二级指标", "三级指标", "指标值"],
            ["产出指标", "数量指标", "家庭医生签约人数", "≥5万人"],
            ["", "质量指标", "基本公卫服务规范率", "≥90%"],
            ["效益指标", "社会效益指标", "居民健康素养水平", "≥25%"],
            ["满意度指标", "服务对象满意度指标", "群众满意度", "≥90%"],
        ],
        [("家庭医生签约人数", "≥5万人"), ("基本公卫服务规范率", "≥90%"), ("居民健康素养水平", "≥25%"), ("群众满意度", "≥90%")],
        ["2100", "860", "1240"],
        None,
    ),
    "allocation table by region (合计 and its sources)": Form(
        "2024年某市基本公共卫生服务补助资金分配表\n单位：万元",
        [
            ["序号", "县(区)", "合计", "中央资金", "省级资金", "市级资金"],
            ["1", "甲县", "520", "400", "80", "40"],
            ["2", "乙区", "310", "240", "50", "20"],
            ["合计", "", "830", "640", "130", "60"],
        ],
        [],
        ["520", "400", "80", "40", "310", "240", "50", "20", "830", "640", "130", "60"],
        None,
    ),
    "allocation table with counts and rates beside the money": Form(
        "2024年某市困难残疾人生活补贴资金分配表",
        [
            ["序号", "县(市、区)", "补助人数(人)", "补助标准(元/人)", "补助资金(万元)", "备注"],
            ["1", "甲县", "1200", "500", "60", ""],
            ["2", "乙县", "800", "500", "40", "含提标"],
            ["合计", "", "2000", "", "100", ""],
        ],
        [],
        ["60", "40", "100"],
        None,
    ),
    "allocation table with a two-level header (资金来源)": Form(
        "2023年某县农村公路养护资金分配表\n单位：万元",
        [
            ["序号", "单位名称", "合计", "资金来源", "", ""],
            ["", "", "", "中央资金", "省级资金", "县级资金"],
            ["1", "甲镇", "150", "100", "30", "20"],
            ["2", "乙镇", "90", "60", "20", "10"],
            ["合计", "", "240", "160", "50", "30"],
        ],
        [],
        ["150", "100", "30", "20", "90", "60", "20", "10", "240", "160", "50", "30"],
        None,
    ),
    "allocation table by item": Form(
        "2021年某县林业改革发展资金分配表\n单位：万元",
        [
            ["序号", "单位", "项目名称", "金额", "备注"],
            ["1", "某县林业局", "森林抚育", "120", ""],
            ["2", "某县自然资源局", "造林补助", "80", ""],
            ["3", "某县林业局", "林业有害生物防治", "35.5", ""],
            ["合计", "", "", "235.5", ""],
        ],
        [],
        ["120", "80", "35.5", "235.5"],
        None,
    ),
}


def _in_yuan(form: Form) -> Form:
    """The same form with its funding block in 元, thousands separators printed."""
    yuan = {a: f"{int(a) * 10000:,}" for a in form.amounts}
    rows = [list(r) for r in form.rows]
    for r in rows:
        if r[0].startswith("项目资金"):
            r[0] = "项目资金(元)"
        elif any(c in ("年度资金总额", "其中：当年财政拨款") for c in r):
            r[:] = [yuan.get(c, c) if k in (2, 3, 4) else c for k, c in enumerate(r)]
    return Form(form.title, rows, form.indicators, form.amounts, form.subject)


FORMS["project self-evaluation in 元, thousands separated"] = _in_yuan(FORMS["project self-evaluation (2020 national)"])


def _printed(row: list[str]) -> list[str]:
    return [c for c in row if c]


def pipe_cells(f: Form) -> str:
    """One cell per line followed by ' |', empty cells as bare '|', rows closed by a run of bars."""
    out = [f.title]
    for row in f.rows:
        out += [f"{c} |" if c else "|" for c in row]
        out.append("|" * 3)
    return "\n".join(out) + "\n"


def blank_line_cells(f: Form) -> str:
    """A web table copied cell by cell: one printed cell per line, blank lines between."""
    return "\n\n".join([f.title, *[c for row in f.rows for c in _printed(row)]]) + "\n"


def cell_lines(f: Form) -> str:
    return "\n".join([f.title, *[c for row in f.rows for c in _printed(row)]]) + "\n"


def markdown_full(f: Form) -> str:
    width = max(len(r) for r in f.rows)
    out = [f.title, ""]
    for i, row in enumerate(f.rows):
        out.append("| " + " | ".join(row + [""] * (width - len(row))) + " |")
        if i == 0:
            out.append("|" + "---|" * width)
    return "\n".join(out) + "\n"


def markdown_shifted(f: Form) -> str:
    """Markdown rows that dropped the cells a merge covers: every row shifted left."""
    out = [f.title, ""]
    for i, row in enumerate(f.rows):
        cells = _printed(row)
        out.append("| " + " | ".join(cells) + " |")
        if i == 0:
            out.append("|" + "---|" * len(cells))
    return "\n".join(out) + "\n"


def pipe_rows_padded(f: Form) -> str:
    """Rows of printed cells between ' | ', padded with bars to the table width."""
    width = max(len(r) for r in f.rows) + 4
    out = [f"{f.title} | " + "|" * width]
    for row in f.rows:
        cells = _printed(row)
        out.append(" | ".join(cells) + " | " + "|" * (width - len(cells)))
    return "\n".join(out) + "\n"


def pipe_rows_spaced_labels(f: Form) -> str:
    """Rows between ' | ' ending in '||||', vertical labels printed with spaces (产 出 指 标)."""
    out = [f.title]
    for row in f.rows:
        cells = [" ".join(c) if re.fullmatch(r"[\u4e00-\u9fff]{2}指标", c) else c for c in _printed(row)]
        out.append(" | ".join(cells) + " ||||")
    return "\n".join(out) + "\n"


def tab_rows(f: Form) -> str:
    return "\n".join([f.title, *["\t".join(row) for row in f.rows]]) + "\n"


def spaced_rows_wide(f: Form) -> str:
    return "\n".join([f.title, *["  ".join(_printed(row)) for row in f.rows]]) + "\n"


def spaced_rows(f: Form) -> str:
    return "\n".join([f.title, *[" ".join(_printed(row)) for row in f.rows]]) + "\n"


def spaced_rows_indented(f: Form) -> str:
    """Single spaces between cells; a row that lost its merged leading cells is indented."""
    out = [f.title]
    for row in f.rows:
        indent = "  " * (len(row) - len(_printed(row))) if not row[0] else ""
        out.append(indent + " ".join(_printed(row)))
    return "\n".join(out) + "\n"


def glued_rows(f: Form) -> str:
    """A row per line, its cells run together with no separator."""
    return "\n".join([f.title, *["".join(row) for row in f.rows]]) + "\n"


def glued_line(f: Form) -> str:
    """The whole form on one line between a site's navigation and its buttons."""
    return "首页 > 信息公开 > 财政信息 " + f.title + "".join("".join(r) for r in f.rows) + " 打印 关闭\n"


def ocr_page(f: Form) -> str:
    """OCR of a scanned page: every cell on one line between spaces; 一 of 一级指标 read as a dash."""
    text = f.title + " " + " ".join(c for row in f.rows for c in _printed(row))
    return text.replace("一级指标", "—级指标") + "\n"


LAYOUTS: dict[str, Callable[[Form], str]] = {
    "cell then pipe, rows closed by bars": pipe_cells,
    "one cell per line, blank lines between": blank_line_cells,
    "one cell per line": cell_lines,
    "markdown rows": markdown_full,
    "markdown rows shifted by merges": markdown_shifted,
    "pipe rows padded with bars": pipe_rows_padded,
    "pipe rows, spaced vertical labels": pipe_rows_spaced_labels,
    "tab-separated rows": tab_rows,
    "rows spaced by two or more spaces": spaced_rows_wide,
    "rows spaced by one space": spaced_rows,
    "spaced rows, merged cells indented": spaced_rows_indented,
    "cells glued, a row per line": glued_rows,
    "whole form glued on one line": glued_line,
    "OCR page on one line": ocr_page,
}
