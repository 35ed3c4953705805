"""Structured-document readers (kg.read.structured): the same document in every format gives the
same graph; tables, merged cells, numbering, page furniture and broken files."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest

from kg.errors import SourceError
from kg.extract import extract_document
from kg.models import Line
from kg.read import read_source
from kg.read.structured import read_structured

sys.path.insert(0, str(Path(__file__).parent))
import readers_fixtures as fx  # noqa: E402

FONT = fx.pdf_font()

# (form, suffix) → writer
WRITERS = {
    ("prose", "txt"): fx.write_txt_prose,
    ("prose", "docx"): fx.write_docx_prose,
    ("prose", "html"): fx.write_html_prose,
    ("prose", "pdf"): lambda p: fx.write_pdf_prose(p, FONT),
    ("table", "txt"): fx.write_txt_table,
    ("table", "docx"): fx.write_docx_table,
    ("table", "xlsx"): fx.write_xlsx_table,
    ("table", "html"): fx.write_html_table,
    ("table", "pdf"): lambda p: fx.write_pdf_table(p, FONT),
}


def _param(form: str, suffix: str):  # type: ignore[no-untyped-def]
    return pytest.param(form, suffix, id=f"{form}.{suffix}")


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("formats")
    cache: dict[tuple[str, str], Path] = {}

    def get(form: str, suffix: str) -> Path:
        key = (form, suffix)
        if key not in cache:
            cache[key] = WRITERS[key](folder / f"{form}.{suffix}")
        return cache[key]

    return get


def signature(path: Path) -> list[tuple[str, list[str | None], list[str | None]]]:
    doc = extract_document(read_source(path))
    return [
        (t.number, [m.unit for m in t.responsibility.lead], [m.unit for m in t.responsibility.co_lead])
        for t in doc.tasks
    ]


def _lines(path: Path) -> tuple[Line, ...]:
    return read_source(path).lines


# --- the same document in every format ----------------------------------------


def test_baseline_text_document_is_what_the_other_formats_must_match(documents) -> None:  # type: ignore[no-untyped-def]
    sig = signature(documents("prose", "txt"))
    assert [s[0] for s in sig] == ["1", "2", "3", "4", "5", "6"]
    assert sig[0][1] == ["区科技局", "高新区管委会"]
    assert sig[3] == ("4", ["区发改委", "区投促局"], ["华侨路街道"])
    assert sig[5] == ("6", ["铁北管委会"], ["区房产局", "区建设局"])
    assert all(unit is not None for _, lead, co in sig for unit in lead + co)
    assert signature(documents("table", "txt")) == sig


@pytest.mark.parametrize(
    ("form", "suffix"),
    [_param("prose", s) for s in ("docx", "html", "pdf")]
    + [_param("table", s) for s in ("docx", "xlsx", "html", "pdf")],
)
def test_same_document_in_every_format_gives_the_same_graph(documents, form: str, suffix: str) -> None:  # type: ignore[no-untyped-def]
    path = documents(form, suffix)
    expected = signature(documents("prose", "txt"))
    assert signature(path) == expected
    doc = extract_document(read_source(path))
    baseline = extract_document(read_source(documents(form, "txt")))
    assert [s.title for s in doc.sections] == [s.title for s in baseline.sections] == list(fx.SECTIONS)
    assert [t.section for t in doc.tasks] == [t.section for t in baseline.tasks]
    assert doc.title == baseline.title
    assert not [i for i in doc.issues if i.code in ("no-units", "unknown-unit", "orphan", "no-tasks")]


@pytest.mark.parametrize(("form", "suffix"), [_param("table", s) for s in ("txt", "docx", "xlsx", "html", "pdf")])
def test_deadline_column_becomes_the_task_deadline(documents, form: str, suffix: str) -> None:  # type: ignore[no-untyped-def]
    doc = extract_document(read_source(documents(form, suffix)))
    deadlines = {t.number: t.responsibility.deadline for t in doc.tasks}
    assert deadlines == {t.number.__str__(): t.deadline for t in fx.TASKS}
    assert deadlines["1"] == "长期坚持"
    assert deadlines["4"] == "2021年6月底前"


@pytest.mark.parametrize(("form", "suffix"), [_param("table", s) for s in ("docx", "xlsx", "html", "pdf")])
def test_multi_row_task_joins_into_one_task(documents, form: str, suffix: str) -> None:  # type: ignore[no-untyped-def]
    doc = extract_document(read_source(documents(form, suffix)))
    five = next(t for t in doc.tasks if t.number == "5")
    for para in fx.TASKS[4].paragraphs:
        assert para in five.text
    assert [m.unit for m in five.responsibility.lead] == ["高新区管委会"]  # once, not once per row


# --- interface ------------------------------------------------------------------


@pytest.mark.parametrize(("form", "suffix", "label"), [
    ("prose", "docx", "docx"), ("table", "xlsx", "xlsx"), ("prose", "html", "html"),
    pytest.param("prose", "pdf", "pdf"),
])
def test_lines_are_normalised_numbered_and_located(documents, form: str, suffix: str, label: str) -> None:  # type: ignore[no-untyped-def]
    from kg.text.normalize import normalize_text

    path = documents(form, suffix)
    lines, got_label, _notes = read_structured(path, path.read_bytes())
    assert got_label == label
    assert read_source(path).encoding == label
    numbers = [ln.number for ln in lines]
    assert numbers == sorted(set(numbers)) and numbers[0] >= 1
    for ln in lines:
        assert ln.text and ln.text == normalize_text(ln.text)
        assert ln.location
        if ln.cells:  # the cells joined with " | ", in column order
            assert [c.strip() for c in ln.text.split("|")] == list(ln.cells)


def test_unknown_suffix_is_a_source_error(tmp_path: Path) -> None:
    path = tmp_path / "plan.xyz"
    path.write_bytes(b"whatever")
    with pytest.raises(SourceError) as err:
        read_structured(path, path.read_bytes())
    assert err.value.message == "unsupported file type .xyz; skipped"
    with pytest.raises(SourceError, match="unsupported file type .xyz"):
        read_source(path)


def test_old_binary_office_formats_say_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "plan.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    with pytest.raises(SourceError, match=r"unsupported file type \.doc .*save it as \.docx"):
        read_source(path)


# --- broken files -----------------------------------------------------------------


@pytest.mark.parametrize(("form", "suffix"), [("prose", "docx"), ("table", "docx"), ("table", "xlsx")])
@pytest.mark.parametrize("keep", [0.0, 0.1, 0.5, 0.9, 0.99])
def test_truncated_office_file_is_a_source_error(documents, tmp_path: Path, form: str, suffix: str, keep: float) -> None:  # type: ignore[no-untyped-def]
    data = documents(form, suffix).read_bytes()
    cut = tmp_path / f"cut.{suffix}"
    cut.write_bytes(data[: int(len(data) * keep)])
    with pytest.raises(SourceError) as err:
        read_source(cut)
    assert "\n" not in str(err.value)
    assert "skipped" in err.value.message


@pytest.mark.parametrize("suffix", ["docx", "xlsx", "pdf"])
def test_garbage_and_encrypted_files_are_source_errors(tmp_path: Path, suffix: str) -> None:
    garbage = tmp_path / f"garbage.{suffix}"
    garbage.write_bytes("这不是文档".encode() * 50)
    with pytest.raises(SourceError):
        read_source(garbage)
    if suffix != "pdf":
        encrypted = tmp_path / f"locked.{suffix}"
        encrypted.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
        with pytest.raises(SourceError, match="encrypted"):
            read_source(encrypted)


@pytest.mark.parametrize("keep", [0.0, 0.3, 0.7, 0.95])
def test_truncated_pdf_never_raises_anything_but_a_source_error(documents, tmp_path: Path, keep: float) -> None:  # type: ignore[no-untyped-def]
    data = documents("prose", "pdf").read_bytes()
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(data[: int(len(data) * keep)])
    try:
        read_source(cut)  # pdfminer recovers what it can from some cuts
    except SourceError as err:
        assert "\n" not in str(err)


def test_pdf_without_a_text_layer_is_skipped(tmp_path: Path) -> None:
    from reportlab.pdfgen import canvas

    path = tmp_path / "scan.pdf"
    c = canvas.Canvas(str(path))
    c.rect(50, 50, 300, 400, fill=1)  # a "scanned page": pictures, no characters
    c.showPage()
    c.save()
    with pytest.raises(SourceError) as err:
        read_source(path)
    assert err.value.message == "no text layer (scanned PDF?); skipped"


def test_empty_html_has_no_lines_and_extraction_says_so(tmp_path: Path) -> None:
    for name, content in (("empty.html", b""), ("blank.htm", b"<html><head><title>x</title></head><body>  </body></html>")):
        path = tmp_path / name
        path.write_bytes(content)
        source = read_source(path)
        assert source.lines == ()
        doc = extract_document(source)
        assert doc.tasks == ()
        assert [i.code for i in doc.issues] == ["empty"]


# --- docx -------------------------------------------------------------------------


def test_docx_table_rows_carry_cells_and_merged_cells(documents) -> None:  # type: ignore[no-untyped-def]
    lines = _lines(documents("table", "docx"))
    header = next(ln for ln in lines if ln.cells)
    assert header.cells == ("序号", "工作任务", "主办单位", "协办单位", "完成时限")
    assert header.location == "table 1 row 1"
    assert lines[0].location == "paragraph 1" and lines[0].text == fx.TABLE_TITLE
    assert lines[-1].text == fx.NOTE and lines[-1].location == "paragraph 2"  # after the table
    sections = [ln.text for ln in lines if ln.text.startswith(("一、", "二、", "三、"))]
    assert sections == [f"{fx.CN[k]}、{s}" for k, s in enumerate(fx.SECTIONS)]
    assert all(not ln.cells for ln in lines if ln.text in sections)  # merged across: prose
    rows = [ln for ln in lines if ln.cells and ln.cells[0] in ("5", "")]
    first, second = rows
    assert first.cells[0] == "5" and first.cells[2] == "高新区管委会" and first.cells[4] == "2021年6月底前"
    # the vertically merged 序号, 牵头单位 and 完成时限 are given once for the task
    assert second.cells == ("", fx.TASKS[4].paragraphs[1] + fx.TASKS[4].paragraphs[2], "", "", "")


def test_docx_list_numbering_is_restored(tmp_path: Path) -> None:
    import docx

    d = docx.Document()
    fx._add_numbering(d, 80, 80, [("chineseCounting", "%1、"), ("decimal", "%2."), ("decimal", "（%3）")])
    fx._add_numbering(d, 81, 81, [("decimal", "%1.")])
    fx._add_numbering(d, 81, 82, [("decimal", "%1.")], start_override=1)  # "restart numbering"
    fx._add_numbering(d, 83, 83, [("bullet", "\u2022")])
    fx._add_numbering(d, 84, 84, [("decimalEnclosedCircle", "%1")])
    fx.numbered_paragraph(d, "完善创新生态", 80, 0)
    fx.numbered_paragraph(d, "聚焦原始创新", 80, 1)
    fx.numbered_paragraph(d, "支持高校院所", 80, 2)
    fx.numbered_paragraph(d, "增强创新能力", 80, 2)
    fx.numbered_paragraph(d, "重视科技转化", 80, 1)
    fx.numbered_paragraph(d, "支持硅巷建设", 80, 2)  # deeper counter restarts under a new parent
    fx.numbered_paragraph(d, "扩大有效投入", 80, 0)
    fx.numbered_paragraph(d, "地区生产总值增长7%", 80, 1)  # level 2 restarts under a new level 1
    fx.numbered_paragraph(d, "第一项", 81)
    fx.numbered_paragraph(d, "第二项", 81)
    fx.numbered_paragraph(d, "重新编号", 82)
    fx.numbered_paragraph(d, "要点", 83)
    fx.numbered_paragraph(d, "圈号", 84)
    fx.numbered_paragraph(d, "未定义的列表", 99)
    fx.numbered_paragraph(d, "3.已有编号的文字", 81)
    d.add_paragraph("样式编号", style="List Number")
    d.add_paragraph("样式编号二", style="List Number")
    path = tmp_path / "numbered.docx"
    d.save(path)
    texts = [ln.text for ln in _lines(path)]
    assert texts == [
        "一、完善创新生态", "1.聚焦原始创新", "（1）支持高校院所", "（2）增强创新能力",
        "2.重视科技转化", "（1）支持硅巷建设", "二、扩大有效投入", "1.地区生产总值增长7%",
        "1.第一项", "2.第二项", "1.重新编号", "要点", "①圈号", "1.未定义的列表",
        "3.已有编号的文字", "1.样式编号", "2.样式编号二",
    ]


def test_docx_table_without_number_column_gets_synthetic_numbers(tmp_path: Path) -> None:
    import docx

    d = docx.Document()
    d.add_paragraph("鼓楼区重点工作责任分工（高新区管委会、华侨路街道、铁北管委会）")
    rows = [
        ("工作任务", "牵头单位", "配合单位"),
        ("推进硅巷建设。", "区科技局", "各街道"),
        ("培育高新技术企业，", "区科技局", ""),
        ("", "", "华侨路街道"),  # continues the task above (vertically merged task cell)
        ("地区生产总值增长7%。", "区发改委", ""),
    ]
    table = d.add_table(rows=len(rows), cols=3)
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            table.cell(i, j).text = value
    fx._merge_vertical(table, 0, 2, 3)
    fx._merge_vertical(table, 1, 2, 3)
    path = tmp_path / "synthetic.docx"
    d.save(path)
    cells = [ln.cells for ln in _lines(path) if ln.cells]
    assert cells[0] == ("序号", "工作任务", "牵头单位", "配合单位")
    assert [c[0] for c in cells[1:]] == ["1", "2", "", "3"]
    assert cells[3] == ("", "", "", "华侨路街道")
    sig = signature(path)
    assert sig == [
        ("1", ["区科技局"], ["各街道"]),
        ("2", ["区科技局"], ["华侨路街道"]),
        ("3", ["区发改委"], []),
    ]


def test_docx_two_row_header_and_gridspan(tmp_path: Path) -> None:
    """责任单位 spanning 牵头单位 | 配合单位 on the row below."""
    import docx

    d = docx.Document()
    table = d.add_table(rows=3, cols=4)
    table.cell(0, 0).text = "序号"
    table.cell(0, 1).text = "重点任务"
    top = table.cell(0, 2).merge(table.cell(0, 3))
    top.text = "责任单位"
    table.cell(1, 2).text = "牵头单位"
    table.cell(1, 3).text = "配合单位"
    fx._merge_vertical(table, 0, 0, 1)
    fx._merge_vertical(table, 1, 0, 1)
    for j, v in enumerate(("1", "推进硅巷建设。", "区科技局", "各街道")):
        table.cell(2, j).text = v
    path = tmp_path / "twoheader.docx"
    d.save(path)
    cells = [ln.cells for ln in _lines(path) if ln.cells]
    assert cells == [("序号", "重点任务", "牵头单位", "配合单位"), ("1", "推进硅巷建设。", "区科技局", "各街道")]


# --- xlsx -------------------------------------------------------------------------


def test_xlsx_values_sheets_and_merged_ranges(tmp_path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "科技"
    ws.append(["序号", "工作任务", "牵头单位", "配合单位", "完成时限", "完成率"])
    ws.append([1.0, "推进硅巷建设。", "区科技局", "各街道", dt.datetime(2021, 6, 30), 0.5])
    ws.append([None, None, None, None, None, None])
    ws.append([2, "培育高新技术企业。", None, "高新区管委会", "长期坚持", None])
    ws.cell(row=2, column=6).number_format = "0%"
    ws.merge_cells("C2:C4")  # one lead unit for two tasks: repeated into both
    ws2 = wb.create_sheet("投资")
    ws2.append(["序号", "工作任务", "牵头单位", "配合单位"])
    ws2.append([1, "地区生产总值增长7%。", "区发改委", None])
    hidden = wb.create_sheet("字典")
    hidden.append(["区发改委", "区科技局"])
    hidden.sheet_state = "hidden"
    path = tmp_path / "two.xlsx"
    wb.save(path)
    lines = _lines(path)
    assert [ln.location for ln in lines] == [
        "sheet 科技 row 1", "sheet 科技 row 2", "sheet 科技 row 4", "sheet 投资 row 1", "sheet 投资 row 2",
    ]
    assert [ln.number for ln in lines] == [1, 2, 4, 5, 6]  # row numbers, running on over sheets
    assert lines[1].cells == ("1", "推进硅巷建设。", "区科技局", "各街道", "2021-06-30", "50%")
    assert lines[2].cells == ("2", "培育高新技术企业。", "区科技局", "高新区管委会", "长期坚持", "")
    assert lines[3].cells == ("序号", "工作任务", "牵头单位", "配合单位")  # the second sheet's own header
    assert not any("字典" in ln.location for ln in lines)


def test_xlsx_percentages_and_whole_numbers() -> None:
    from kg.read.xlsx_reader import format_value

    assert format_value(3.0) == "3"
    assert format_value(0.07, "0%") == "7%"
    assert format_value(1.5) == "1.5"
    assert format_value(dt.date(2021, 12, 31)) == "2021-12-31"
    assert format_value(" 区 发改委 ") == "区发改委"


def test_several_sheets_each_with_a_header_give_their_tasks(tmp_path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["鼓楼区重点任务（高新区管委会、华侨路街道、铁北管委会）"])
    ws.append(["序号", "工作任务", "牵头单位", "配合单位"])
    ws.append([1, "推进硅巷建设。", "区科技局", "各街道"])
    ws.append([2, "培育高新技术企业。", "区科技局", None])
    ws2 = wb.create_sheet("投资")
    ws2.append(["序号", "工作任务", "牵头单位", "配合单位"])
    ws2.append([1, "地区生产总值增长7%。", "区发改委", None])
    path = tmp_path / "sheets.xlsx"
    wb.save(path)
    assert signature(path) == [
        ("1", ["区科技局"], ["各街道"]), ("2", ["区科技局"], []), ("1", ["区发改委"], []),
    ]


# --- html -------------------------------------------------------------------------


def test_html_page_furniture_is_dropped(documents) -> None:  # type: ignore[no-untyped-def]
    lines = _lines(documents("prose", "html"))
    text = "\n".join(ln.text for ln in lines)
    for noise in ("首页", "政务公开", "版权所有", "分享到", "var msg", "欢迎访问", "打印本页", "相关文件",
                  "城市更新", "脚本", "苏ICP备", "办事服务"):
        assert noise not in text
    assert lines[0].text == fx.TITLE  # the <h1> outside the text container is kept
    assert "“从0到1”" in text and "、" in text  # entities decoded


def test_html_gbk_page_is_decoded_from_its_meta_charset(tmp_path: Path) -> None:
    path = fx.write_html_prose(tmp_path / "gbk.html", charset="gb2312")
    assert path.read_bytes().decode("gb18030")  # really GBK-family bytes
    assert signature(path) == signature(fx.write_txt_prose(tmp_path / "p.txt"))


def test_html_table_spans_and_layout_tables(tmp_path: Path) -> None:
    page = """<html><body><table><tr><td><table>
      <tr><th>序号</th><th>工作任务</th><th colspan="2">牵头单位</th><th>完成时限</th></tr>
      <tr><td>1</td><td>推进&nbsp;硅巷建设。</td><td colspan="2">区科技局</td><td>长期坚持</td></tr>
    </table></td></tr></table>
    <ul><li>第一点</li><li>第二点</li></ul>
    <ol><li>甲事项<ol><li>子事项</li></ol></li><li value="5">乙事项</li></ol></body></html>"""
    path = tmp_path / "t.html"
    path.write_text(page, encoding="utf-8")
    lines = _lines(path)
    assert lines[0].cells == ("序号", "工作任务", "牵头单位", "牵头单位", "完成时限")
    assert lines[1].cells == ("1", "推进硅巷建设。", "区科技局", "区科技局", "长期坚持")
    assert [ln.text for ln in lines[2:]] == ["第一点", "第二点", "1.甲事项", "（1）子事项", "5.乙事项"]


# --- pdf --------------------------------------------------------------------------


def test_pdf_paragraphs_are_rejoined_and_page_numbers_dropped(documents) -> None:  # type: ignore[no-untyped-def]
    lines = _lines(documents("prose", "pdf"))
    texts = [ln.text for ln in lines]
    assert texts[0] == fx.TITLE  # a title wrapped over two centred lines
    assert not any(t.strip("- ").isdigit() for t in texts)
    task1 = fx.TASKS[0].paragraphs[0] + fx.TASKS[0].clause
    assert "1." + task1 in texts
    assert {ln.location.split(" line")[0] for ln in lines} == {"page 1", "page 2"}


def test_pdf_table_over_pages_keeps_one_header(tmp_path: Path) -> None:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A5
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    st = fx._styles(FONT)
    units = ["区科技局", "区发改委", "区商务局", "区财政局"]
    data = [[Paragraph(h, st["cell"]) for h in ("序号", "工作任务", "牵头单位")]]
    for n in range(1, 31):
        data.append([str(n), Paragraph(f"第{n}项重点工作，确保按期完成。", st["cell"]), Paragraph(units[n % 4], st["cell"])])
    table = Table(data, colWidths=[30, 200, 80], repeatRows=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
    path = tmp_path / "long.pdf"
    SimpleDocTemplate(str(path), pagesize=A5).build([Paragraph("鼓楼区重点工作分解表", st["title"]), table])
    lines = _lines(path)
    assert len({ln.location.split(" ")[1] for ln in lines}) >= 2  # really several pages
    headers = [ln for ln in lines if ln.cells and ln.cells[0] == "序号"]
    assert len(headers) == 1
    doc = extract_document(read_source(path))
    assert [t.number for t in doc.tasks] == [str(n) for n in range(1, 31)]
    assert all([m.name for m in t.responsibility.lead] == [units[int(t.number) % 4]] for t in doc.tasks)


def test_password_protected_pdf_is_skipped(tmp_path: Path) -> None:
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    path = tmp_path / "locked.pdf"
    c = canvas.Canvas(str(path), encrypt=pdfencrypt.StandardEncryption("secret", ownerPassword="owner"))
    c.drawString(50, 700, "task plan")
    c.showPage()
    c.save()
    with pytest.raises(SourceError) as err:
        read_source(path)
    assert err.value.message == "is password-protected; skipped"


def test_html_layout_tables_of_an_old_site(tmp_path: Path) -> None:
    """A GB2312 page built of layout tables: menus are links, the text sits in one cell."""
    page = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head><body>
    <table width="100%"><tr><td><a href="/">首页</a> | <a href="/a">机构设置</a> | <a href="/b">政务公开</a></td></tr></table>
    <table width="980"><tr><td width="200"><table><tr><td><a href="#">通知公告</a></td></tr>
    <tr><td><a href="#">工作动态</a></td></tr></table></td>
    <td><table><tr><td class="bt">鼓楼区关于印发重点工作责任分工的通知</td></tr><tr><td>
    <p>一、推进科技创新</p>
    <p>1.推进硅巷建设，新增硅巷10万平方米。（区科技局、高新区管委会主办，华侨路街道协办）</p>
    <p>2.地区生产总值增长7%。（区发改委主办）</p>
    <p>二、扩大有效投入</p><p>3.打造产业园区。（铁北管委会主办）</p>
    </td></tr></table></td></tr></table>
    <table><tr><td>版权所有 鼓楼区人民政府 地址：南京市鼓楼区</td></tr></table></body></html>"""
    path = tmp_path / "old.htm"
    path.write_bytes(page.encode("gb18030"))
    texts = [ln.text for ln in _lines(path)]
    assert texts[0] == "鼓楼区关于印发重点工作责任分工的通知"
    assert not any(("首页" in t or "版权所有" in t or "通知公告" in t) for t in texts)
    assert signature(path) == [
        ("1", ["区科技局", "高新区管委会"], ["华侨路街道"]), ("2", ["区发改委"], []), ("3", ["铁北管委会"], []),
    ]


def test_html_two_column_layout_table_is_not_a_data_table(tmp_path: Path) -> None:
    page = """<html><body><table><tr>
    <td><a href="/1">机构概况</a><br><a href="/2">政策文件</a></td>
    <td><h2>重点工作分工</h2><p>1.推进硅巷建设。（区科技局主办）</p><p>2.地区生产总值增长7%。（区发改委主办）</p>
    <p>3.社会消费品零售总额增长8%。（区商务局主办）</p></td>
    </tr></table></body></html>"""
    path = tmp_path / "cols.html"
    path.write_text(page, encoding="utf-8")
    lines = _lines(path)
    assert not any(ln.cells for ln in lines)
    assert [ln.text for ln in lines] == [
        "重点工作分工", "1.推进硅巷建设。（区科技局主办）", "2.地区生产总值增长7%。（区发改委主办）",
        "3.社会消费品零售总额增长8%。（区商务局主办）",
    ]
