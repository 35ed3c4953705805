"""One small task plan written as real .txt/.docx/.xlsx/.pdf/.html files for the reader tests.

The plan has three sections and six tasks taken from the bundled Gulou plan
(examples/gulou_task_decomposition.txt); task 5 runs over three paragraphs. It comes in
two forms: prose (numbered paragraphs ending in a 主办/协办 clause) and a table
(序号 | 工作任务 | 牵头单位 | 责任单位 | 完成时限). Every writer uses the library a user's
office software would be replaced by: python-docx, openpyxl, reportlab, plain HTML.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

TITLE = "鼓楼区2021年政府主要工作目标任务分解落实方案"
TABLE_TITLE = "鼓楼区2021年政府主要工作目标任务分解表"
SECTIONS = (
    "关于完善创新生态，打造转型升级新引擎",
    "关于扩大有效投入，夯实经济增长新支撑",
    "关于强化板块统筹，激发区域发展新活力",
)
CN = "一二三"
HEADER = ("序号", "工作任务", "牵头单位", "责任单位", "完成时限")


@dataclass(frozen=True)
class TaskRow:
    number: int
    section: int  # index into SECTIONS
    paragraphs: tuple[str, ...]
    lead: str
    co: str
    deadline: str

    @property
    def clause(self) -> str:
        return f"（{self.lead}主办，{self.co}协办）" if self.co else f"（{self.lead}主办）"

    @property
    def text(self) -> str:
        return "".join(self.paragraphs)


TASKS = (
    TaskRow(1, 0, ("聚焦“从0到1”的原始创新，积极探索校地、所地融合发展新模式，重点支持驻区高校院所融入国家战略科技布局，增强原始创新能力，提升创新策源功能。",),
            "区科技局、高新区管委会", "", "长期坚持"),
    TaskRow(2, 0, ("重视“从1到100”的科技转化，全力推进环南大、南工大硅巷建设，确保全年新增硅巷10万平方米以上。",),
            "区科技局、高新区管委会", "区相关部门、街道、板块", "2021年12月底前"),
    TaskRow(3, 1, ("地区生产总值增长7%。",), "区发改委", "", "2021年12月底前"),
    TaskRow(4, 1, ("打造五台山—广州路新医药与生命健康产业集聚区，实现产业收入增长16%。",),
            "区发改委、区投促局", "华侨路街道", "2021年6月底前"),
    TaskRow(5, 2, (
        "发力区块链先导区建设，打造1条底层链、4条应用链、12大应用场景，引进区块链企业15家，实现区块链产业多领域、多场景示范应用和集群发展；",
        "完善智梦园信息基础设施，建设省5G网络安全工程中心，打造5G产业集聚区；",
        "加快创新广场整体招商，确保博西家电中国总部大楼投入使用。",
    ), "高新区管委会", "", "2021年6月底前"),
    TaskRow(6, 2, ("实施七一运输等6幅地块“清零”扫尾，加快五佰村等5幅地块挂牌出让，启动长江机械厂等3幅地块征收，拓展发展空间、改善环境面貌。",),
            "铁北管委会", "区房产局、区建设局", "长期坚持"),
)
NOTE = "注：各牵头单位于每季度末报送工作进展。"


def prose_blocks() -> list[tuple[str, str]]:
    """(kind, text) of the prose form: title, section headings, task paragraphs.

    ``kind`` is ``title``, ``section``, ``task`` (first paragraph of a task, without its
    number) or ``more`` (a further paragraph of the same task).
    """
    out = [("title", TITLE)]
    last = None
    for t in TASKS:
        if t.section != last:
            out.append(("section", SECTIONS[t.section]))
            last = t.section
        paras = list(t.paragraphs)
        paras[-1] += t.clause
        out.append(("task", paras[0]))
        out.extend(("more", p) for p in paras[1:])
    return out


def table_rows() -> list[tuple[str, ...]]:
    """Rows of the table form; a section row has one cell; task 5 takes two rows, the
    second continuing it (empty 序号)."""
    rows: list[tuple[str, ...]] = []
    last = None
    for t in TASKS:
        if t.section != last:
            rows.append((f"{CN[t.section]}、{SECTIONS[t.section]}",))
            last = t.section
        if len(t.paragraphs) > 1:
            rows.append((str(t.number), t.paragraphs[0], t.lead, t.co, t.deadline))
            rows.append(("", "".join(t.paragraphs[1:]), "", "", ""))
        else:
            rows.append((str(t.number), t.text, t.lead, t.co, t.deadline))
    return rows


# --- txt ------------------------------------------------------------------------


def write_txt_prose(path: Path) -> Path:
    lines = []
    n = 0
    for kind, text in prose_blocks():
        if kind == "section":
            lines.append(f"{CN[SECTIONS.index(text)]}、{text}")
        elif kind == "task":
            n += 1
            lines.append(f"{n}.{text}")
        else:
            lines.append(text)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_txt_table(path: Path) -> Path:
    lines = [TABLE_TITLE, " | ".join(HEADER)]
    for row in table_rows():
        # an empty cell as "| |": two spaces in a row read as a tab, i.e. a cell boundary
        lines.append(row[0] if len(row) == 1 else "|".join(f" {c} " if c else " " for c in row).strip())
    lines.append(NOTE)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# --- docx -----------------------------------------------------------------------


def _add_numbering(document, abstract_id: int, num_id: int, levels: list[tuple[str, str]],
                   start_override: int | None = None) -> None:
    """Define list ``num_id`` with ``levels`` = [(numFmt, lvlText), ...] in the numbering part."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    numbering = document.part.numbering_part.element
    lvls = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/></w:lvl>'
        for i, (fmt, text) in enumerate(levels)
    )
    abstract = parse_xml(f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">{lvls}</w:abstractNum>')
    first_num = numbering.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}num")
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    override = (
        f'<w:lvlOverride w:ilvl="0"><w:startOverride w:val="{start_override}"/></w:lvlOverride>'
        if start_override is not None else ""
    )
    numbering.append(parse_xml(
        f'<w:num {nsdecls("w")} w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/>{override}</w:num>'
    ))


def numbered_paragraph(document, text: str, num_id: int, ilvl: int = 0):
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    p = document.add_paragraph(text)
    ppr = p._p.get_or_add_pPr()
    ppr.append(parse_xml(
        f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>'
    ))
    return p


def write_docx_prose(path: Path) -> Path:
    """Prose form; section and task numbers come from Word list numbering, not the text."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    d = docx.Document()
    _add_numbering(d, 90, 90, [("chineseCounting", "%1、")])
    _add_numbering(d, 91, 91, [("decimal", "%1."), ("decimal", "（%2）")])
    for kind, text in prose_blocks():
        if kind == "title":
            d.add_paragraph(text).alignment = WD_ALIGN_PARAGRAPH.CENTER
            d.add_paragraph("")
        elif kind == "section":
            numbered_paragraph(d, text, 90)
        elif kind == "task":
            numbered_paragraph(d, text, 91)
        else:
            d.add_paragraph(text)
    d.save(path)
    return path


def _merge_vertical(table, col: int, top: int, bottom: int) -> None:
    a, b = table.cell(top, col), table.cell(bottom, col)
    text = a.text
    merged = a.merge(b)
    merged.text = text


def write_docx_table(path: Path, lead_header: str = "主办单位", co_header: str = "协办单位") -> Path:
    """Table form with a merged title row, merged section rows and a vertically merged
    序号/牵头单位/完成时限 for the two rows of task 5 (its second row has two paragraphs)."""
    import docx

    d = docx.Document()
    d.add_paragraph(TABLE_TITLE)
    rows = table_rows()
    header = (HEADER[0], HEADER[1], lead_header, co_header, HEADER[4])
    table = d.add_table(rows=1 + len(rows), cols=5)
    table.style = "Table Grid"
    for j, h in enumerate(header):
        table.cell(0, j).text = h
    five = None
    for i, row in enumerate(rows, start=1):
        if len(row) == 1:
            merged = table.cell(i, 0).merge(table.cell(i, 4))
            merged.text = row[0]
            continue
        for j, value in enumerate(row):
            if value:
                table.cell(i, j).text = value
        if row[0] == "5":
            five = i
    assert five is not None
    # the continuation row of task 5: two paragraphs in the task cell
    task5 = TASKS[4]
    cell = table.cell(five + 1, 1)
    cell.text = task5.paragraphs[1]
    cell.add_paragraph(task5.paragraphs[2])
    for col in (0, 2, 4):
        _merge_vertical(table, col, five, five + 1)
    d.add_paragraph(NOTE)
    d.save(path)
    return path


# --- xlsx -----------------------------------------------------------------------


def write_xlsx_table(path: Path) -> Path:
    """Sheet 任务表: merged title row, header, merged section rows, task 5 over two rows
    with merged 序号/牵头单位/完成时限; numbers stored as numbers. Sheet 说明: a note."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "任务表"
    ws.append([TABLE_TITLE])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=5)
    ws.append(list(HEADER))
    for row in table_rows():
        if len(row) == 1:
            ws.append([row[0]])
            r = ws.max_row
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=5)
            continue
        values: list[object] = [int(row[0]) if row[0] else None, *[v or None for v in row[1:]]]
        if row[0] == "3":
            values[0] = 3.0  # a number typed as a float shows as 3
        ws.append(values)
        if row[0] == "5":
            five = ws.max_row
    ws.append([])  # an empty row between tasks is skipped
    for col in (1, 3, 5):
        ws.merge_cells(start_row=five, start_column=col, end_row=five + 1, end_column=col)
    notes = wb.create_sheet("说明")
    notes.append([NOTE])
    wb.save(path)
    return path


# --- html -----------------------------------------------------------------------

_PAGE = """<!DOCTYPE html>
<html><head><meta charset="{charset}"><title>{title}_南京市鼓楼区人民政府</title>
<style>.nav{{color:red}} p{{text-indent:2em}}</style>
<script>var msg = "区科技局主办，各街道协办"; document.title = "欢迎访问";</script>
</head><body>
<header class="site-header"><div class="logo"><a href="/">南京市鼓楼区人民政府</a></div>
<nav class="nav"><ul><li><a href="/">首页</a></li><li><a href="/zwgk">政务公开</a></li><li><a href="/bs">办事服务</a></li><li><a href="/hd">互动交流</a></li></ul></nav>
</header>
<div class="breadcrumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk">政务公开</a> &gt; 计划规划</div>
<div class="wrapper">
<div class="left-menu"><ul><li><a href="/a">区政府文件</a></li><li><a href="/b">区政府办文件</a></li><li><a href="/c">部门文件</a></li></ul></div>
<div class="article">
<h1 class="article-title">{title}</h1>
<div class="article-info">发布日期：2021-03-01&nbsp;&nbsp;来源：区政府办公室</div>
<div id="zoom" class="TRS_Editor">
{body}
</div>
<div class="share-bar">分享到：<a href="#">微信</a> <a href="#">微博</a></div>
<div class="print">【打印本页】【关闭窗口】</div>
</div>
<aside class="sidebar"><h3>相关文件</h3><ul><li><a href="/x">推进城市更新试点工作（区房产局主办，各街道协办）</a></li></ul></aside>
</div>
<footer><p>版权所有：南京市鼓楼区人民政府&nbsp;&nbsp;主办：鼓楼区人民政府办公室</p><p>苏ICP备00000000号</p></footer>
<noscript>请开启浏览器的脚本功能</noscript>
</body></html>
"""


def _esc(text: str) -> str:
    # entities a CMS would write: quotes and ideographic comma as character references
    return html.escape(text, quote=False).replace("“", "&ldquo;").replace("”", "&rdquo;").replace("、", "&#12289;")


def write_html_prose(path: Path, charset: str = "utf-8") -> Path:
    """Prose form inside a site page; tasks of sections 一 and 三 in <ol start=N> (the
    browser draws their numbers), those of section 二 as numbered text split by <br>."""
    parts: list[str] = []
    for k, section in enumerate(SECTIONS):
        parts.append(f"<p>&emsp;&emsp;<strong>{CN[k]}、{_esc(section)}</strong></p>")
        tasks = [t for t in TASKS if t.section == k]
        if k == 1:
            lines = [f"{t.number}.{_esc(t.text + t.clause)}" for t in tasks]
            parts.append("<p>" + "<br/>\n".join(lines) + "</p>")
            continue
        items = []
        for t in tasks:
            paras = list(t.paragraphs)
            paras[-1] += t.clause
            if len(paras) == 1:
                items.append(f"<li>{_esc(paras[0])}</li>")
            else:
                items.append("<li>" + "".join(f"<p>{_esc(p)}</p>" for p in paras) + "</li>")
        parts.append(f'<ol start="{tasks[0].number}">' + "\n".join(items) + "</ol>")
    page = _PAGE.format(charset=charset, title=TITLE, body="\n".join(parts))
    path.write_bytes(page.encode("gb18030" if charset.lower() in ("gbk", "gb2312", "gb18030") else "utf-8"))
    return path


def write_html_table(path: Path) -> Path:
    """Table form: <th> header, colspan section rows, rowspan for task 5."""
    out = ["<table border='1'>", "<thead><tr>" + "".join(f"<th>{h}</th>" for h in HEADER) + "</tr></thead>", "<tbody>"]
    rows = table_rows()
    i = 0
    while i < len(rows):
        row = rows[i]
        if len(row) == 1:
            out.append(f"<tr><td colspan='5'><b>{_esc(row[0])}</b></td></tr>")
        elif i + 1 < len(rows) and len(rows[i + 1]) > 1 and rows[i + 1][0] == "":
            nxt = rows[i + 1]
            out.append(
                f"<tr><td rowspan='2'>{row[0]}</td><td>{_esc(row[1])}</td><td rowspan='2'>{_esc(row[2])}</td>"
                f"<td>{_esc(row[3])}</td><td rowspan='2'>{_esc(row[4])}</td></tr>"
            )
            out.append(f"<tr><td>{_esc(nxt[1])}</td><td></td></tr>")
            i += 1
        else:
            out.append("<tr>" + "".join(f"<td>{_esc(c)}</td>" for c in row) + "</tr>")
        i += 1
    out.append("</tbody></table>")
    body = "\n".join(out) + f"\n<p>{_esc(NOTE)}</p>"
    page = _PAGE.format(charset="utf-8", title=TABLE_TITLE, body=body)
    path.write_text(page, encoding="utf-8")
    return path


# --- pdf ------------------------------------------------------------------------


def pdf_font() -> str:
    """Name of a registered CJK font for reportlab (a test dependency, which ships the
    STSong-Light CID font): a missing reportlab or font is an error, never a skipped test."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


def _styles(font: str):
    from reportlab.lib.styles import ParagraphStyle

    base = ParagraphStyle("base", fontName=font, fontSize=10.5, leading=16, wordWrap="CJK")
    return {
        "title": ParagraphStyle("title", parent=base, fontSize=16, leading=24, alignment=1, spaceAfter=12),
        "body": ParagraphStyle("body", parent=base, firstLineIndent=21),
        "cell": base,
    }


def write_pdf_prose(path: Path, font: str) -> Path:
    """Prose form, paragraphs wrapped by reportlab (indented first lines); long enough
    to run onto a second page."""
    from reportlab.lib.pagesizes import A5
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    st = _styles(font)
    story = []
    n = 0
    for kind, text in prose_blocks():
        if kind == "title":
            story.append(Paragraph(text, st["title"]))
        elif kind == "section":
            story.append(Paragraph(f"{CN[SECTIONS.index(text)]}、{text}", st["body"]))
        elif kind == "task":
            n += 1
            story.append(Paragraph(f"{n}.{text}", st["body"]))
        else:
            story.append(Paragraph(text, st["body"]))
    SimpleDocTemplate(str(path), pagesize=A5, title=TITLE).build(story, onLaterPages=_page_number, onFirstPage=_page_number)
    return path


def _page_number(canvas, doc) -> None:
    canvas.saveState()
    canvas.setFont("Helvetica", 9)
    canvas.drawCentredString(doc.pagesize[0] / 2, 20, f"- {doc.page} -")
    canvas.restoreState()


def write_pdf_table(path: Path, font: str) -> Path:
    """Table form as a ruled table with spans (section rows, task 5's merged cells)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    st = _styles(font)
    rows = table_rows()
    data = [[Paragraph(h, st["cell"]) for h in HEADER]]
    spans = []
    for i, row in enumerate(rows, start=1):
        if len(row) == 1:
            data.append([Paragraph(row[0], st["cell"]), "", "", "", ""])
            spans.append(("SPAN", (0, i), (-1, i)))
        else:
            data.append([Paragraph(c, st["cell"]) if c else "" for c in row])
            if row[0] == "" and i > 1:
                for col in (0, 2, 4):
                    spans.append(("SPAN", (col, i - 1), (col, i)))
    table = Table(data, colWidths=[32, 250, 85, 85, 70], repeatRows=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "TOP"), *spans]))
    story = [Paragraph(TABLE_TITLE, st["title"]), table, Paragraph(NOTE, st["body"])]
    SimpleDocTemplate(str(path), pagesize=A4).build(story)
    return path
