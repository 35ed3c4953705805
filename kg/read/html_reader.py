"""HTML pages: the article text, without the site around it.

Government pages wrap a document in navigation, menus, breadcrumbs, share bars and
footers. Those are dropped (by tag, and by ids/classes that name them); the main
container is the page's ``<article>``/``<main>`` when it holds most of the text, else
the smallest element that holds most of the Chinese text. A heading (``<h1>``) just
outside that container is kept as the title. Block elements become lines (``<br>``
breaks them), ``<ol>`` items get the number the browser would draw, and ``<table>`` rows
become lines with cells (``colspan``/``rowspan`` spread out). Layout tables (nested
tables, one column) are read as blocks.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..text.numbering import number_of
from .common import GridCell, LineSink, clean
from .grid import TableShaper
from .text import Decoded, decode_text

__all__ = ["read"]

_DROP_TAGS = (
    "script", "style", "noscript", "template", "nav", "footer", "aside", "iframe",
    "svg", "canvas", "button", "select", "input", "textarea", "object", "embed", "audio",
    "video", "map", "head", "link", "meta",
)
_BLOCK_TAGS = {
    "p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "main",
    "blockquote", "pre", "dd", "dt", "dl", "ul", "ol", "center", "figure", "figcaption",
    "address", "hr", "header", "caption", "tr", "td", "th", "tbody", "thead", "tfoot", "body",
    "html", "fieldset", "legend", "details", "summary",
}
# id/class words of site furniture: "strong" words may carry affixes (top-nav, mainmenu),
# "weak" ones must be the whole class or id (position-relative is a layout class)
_STRONG_NOISE = re.compile(
    r"(?:^|[-_])(?:nav|navbar|navi|navigation|menus?|submenu|breadcrumbs?|crumbs?|bdshare|jiathis"
    r"|share|sharebar|social|footer|foot|sidebar|copyright|toolbar|pagination|pager|paging"
    r"|qrcode|erweima|advert|advertisement|comments?|related|recommend|login|search|searchbox)"
    r"(?:$|[-_])|^\w*(?:nav|menu)$|^(?:nav|menu)\w*$",
    re.I,
)
_WEAK_NOISE = re.compile(
    r"^(?:position|location|curpos|dqwz|weizhi|print|close|gotop|backtop|fontsize|side|ads?"
    r"|banner|skip|hidden|hide|sr-only|xgwz|xglj|bottom)$",
    re.I,
)
# a site header (logo, search, top menu) — only outside the chosen container
_HEADER_WORDS = re.compile(r"(?:^|[-_])(?:header|head|top|masthead|logo)(?:$|[-_])", re.I)
_CONTAINER_TAGS = {"div", "section", "article", "main", "center", "td", "tbody", "tr", "table", "font", "span"}
# lines of page chrome that survive inside an article container
_CHROME_LINE = re.compile(
    r"^(?:当前位置|您现在的位置|您的位置|所在位置|首页\s*[>＞»]|分享到|打印本页|【?打印|关闭窗口|【?关闭|"
    r"字号[：:]|【?字体[：:]|扫一扫|上一篇|下一篇|返回顶部|责任编辑[：:]|浏览次数|访问量|版权所有|"
    r"Copyright|©|网站标识码|技术支持[：:]|[京沪苏浙粤]ICP备|.{0,20}公网安备)"
)
_CJK = re.compile(r"[\u3400-\u9fff]")
# Chinese characters directly in an element that make it the article, not a wrapper
_OWN_TEXT = 8
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([-\w]+)""", re.I)


def read(path: Path, data: bytes) -> LineSink:
    from bs4 import BeautifulSoup, Comment

    decoded = decode_html(data, str(path))
    text = decoded.text
    sink = LineSink()
    if decoded.bad:
        more = f" (and {len(decoded.bad) - 1} more)" if len(decoded.bad) > 1 else ""
        sink.warn(decoded.bad[0], (
            f"bytes that are not {decoded.encoding} text were replaced with \ufffd at line {decoded.bad[0]} "
            f"of the page{more}"
        ))
    if not text.strip():
        return sink
    soup = BeautifulSoup(text, _parser())
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    _decompose_where(soup, lambda tag: tag.name in _DROP_TAGS or _is_hidden(tag))
    body = soup.body or soup
    counts = _TextCounts(body)
    total = counts.cjk(body)
    # a search or login form; but some sites wrap the whole page in one <form>
    dropped = _decompose_where(body, lambda tag: tag.name == "form" and counts.cjk(tag) * 2 < total)
    page = _Page(body, _TextCounts(body) if dropped else counts)
    container = page.main_container()
    title = page.outside_title(container)
    _drop_noise(container)
    walker = _Walker(sink)
    if title is not None:
        walker.walk(title)
        walker.flush()
    walker.walk(container)
    walker.flush()
    return sink


def _parser() -> str:
    return "lxml"  # a dependency of kg


def decode_html(data: bytes, path: str) -> Decoded:
    """Decode by BOM, then the page's own ``<meta charset>``, then by detection (which keeps
    a page with a few bad bytes: see :func:`kg.read.text.decode_text`)."""
    if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return decode_text(data, path)
    m = _CHARSET.search(data[:4096])
    if m:
        name = m.group(1).decode("ascii", "replace").lower()
        if name in ("gb2312", "gbk", "gb_2312-80", "x-gbk", "cp936"):
            name = "gb18030"  # what such pages really contain
        try:
            return Decoded(data.decode(name), name)
        except (LookupError, UnicodeDecodeError):
            pass
    return decode_text(data, path)


def _is_hidden(tag: Any) -> bool:
    if tag.name in ("html", "body"):
        return False
    if tag.has_attr("hidden") or tag.get("aria-hidden") == "true":
        return True
    style = (tag.get("style") or "").replace(" ", "").lower()
    return "display:none" in style or "visibility:hidden" in style


def _words(tag: Any) -> list[str]:
    classes = tag.get("class") or []
    if isinstance(classes, str):
        classes = classes.split()
    ident = tag.get("id") or ""
    return [w for w in [*classes, ident] if w]


def _is_noise(tag: Any, outside: bool, counts: _TextCounts | None = None) -> bool:
    """Site furniture by its id/class words; ``outside`` the article (with the page's
    ``counts``), also a site header: mostly links, or no Chinese text."""
    if tag.name in ("body", "html"):
        return False
    words = _words(tag)
    if any(_STRONG_NOISE.search(w) or _WEAK_NOISE.match(w) for w in words):
        return True
    if outside and (tag.name == "header" or any(_HEADER_WORDS.search(w) for w in words)):
        assert counts is not None
        # a site header is mostly links; an article header holds the title
        return counts.link_density(tag) > 0.3 or not counts.all_cjk(tag)
    return False


class _TextCounts:
    """Text measures of every element under a root, found in one pass over the tree (the
    same numbers as ``get_text`` and ``find_all("a")`` per element, which cost time
    quadratic in the depth of the tree).

    For each element: Chinese characters of its text, and of the text inside its
    descendant links; characters of its stripped text, and of the stripped text of its
    descendant links (a link inside a link counts once per link, as ``find_all`` finds it).
    """

    def __init__(self, root: Any) -> None:
        from bs4 import CData, NavigableString, Tag

        text_types = (NavigableString, CData)  # what get_text() reads: no comments, scripts, <rt>
        self._counts: dict[int, tuple[int, int, int, int]] = {}
        self._direct: dict[int, int] = {}
        # iterative post-order: (tag, children visited?)
        stack: list[tuple[Any, bool]] = [(root, False)]
        while stack:
            tag, done = stack.pop()
            if not done:
                stack.append((tag, True))
                stack.extend((c, False) for c in tag.contents if isinstance(c, Tag))
                continue
            cjk = linked_cjk = chars = linked_chars = direct = 0
            for child in tag.contents:
                if isinstance(child, Tag):
                    c_cjk, c_linked_cjk, c_chars, c_linked_chars = self._counts[id(child)]
                    cjk += c_cjk
                    chars += c_chars
                    linked_cjk += c_linked_cjk + (c_cjk if child.name == "a" else 0)
                    linked_chars += c_linked_chars + (c_chars if child.name == "a" else 0)
                elif type(child) in text_types:
                    n = len(_CJK.findall(child))
                    cjk += n
                    direct += n
                    chars += len(child.strip())
            self._counts[id(tag)] = (cjk, linked_cjk, chars, linked_chars)
            self._direct[id(tag)] = direct

    def all_cjk(self, tag: Any) -> int:
        """Chinese characters of the whole subtree, links included."""
        return self._counts[id(tag)][0]

    def cjk(self, tag: Any) -> int:
        """Chinese characters of a subtree outside links (menus and link lists are links)."""
        own, linked, _, _ = self._counts[id(tag)]
        return own if tag.name == "a" else own - linked

    def direct_cjk(self, tag: Any) -> int:
        """Chinese characters of the strings directly in ``tag`` (in none of its children)."""
        return self._direct[id(tag)]

    def link_density(self, tag: Any) -> float:
        _, _, total, linked = self._counts[id(tag)]
        return linked / total if total else 1.0


def _own_rows(table: Any) -> list[list[Any]]:
    """The cells of the rows of ``table`` itself (not of tables nested in it)."""
    from bs4 import Tag

    rows = []
    todo = [c for c in reversed(table.contents) if isinstance(c, Tag)]
    while todo:  # document order, without entering nested tables
        el = todo.pop()
        if el.name == "table":
            continue
        if el.name == "tr":
            rows.append(el)
        todo.extend(c for c in reversed(el.contents) if isinstance(c, Tag))
    return [list(tr.find_all(["td", "th"], recursive=False)) for tr in rows]


def _is_layout_table(table: Any) -> bool:
    """A table that lays out a page (menus beside the text), not one that holds data."""
    if table.find("table") is not None:
        return True
    rows = [r for r in _own_rows(table) if r]
    if len(rows) <= 1 or max((sum(_span(c, "colspan") for c in r) for r in rows), default=0) <= 1:
        return True
    total = len(_CJK.findall(table.get_text()))
    for row in rows:
        for cell in row:
            blocks = cell.find_all(["p", "div", "br", "li", "h1", "h2", "h3", "h4"])
            if len(blocks) >= 3 and len(_CJK.findall(cell.get_text())) >= 0.6 * total:
                return True
    return False


def _is_data_table(tag: Any) -> bool:
    return tag.name == "table" and not _is_layout_table(tag)


class _Page:
    """Choosing the article in a page's body, with the text counts of the page."""

    def __init__(self, body: Any, counts: _TextCounts) -> None:
        self.body = body
        self.counts = counts
        self._noisy: dict[int, bool] = {}

    def main_container(self) -> Any:
        """The element that holds the document's text."""
        body, cjk = self.body, self.counts.cjk
        total = cjk(body)
        if total == 0:
            return body
        for name in ("article", "main"):
            found = [t for t in body.find_all(name) if not self.noisy_path(t)]
            if found:
                best = max(found, key=cjk)
                if cjk(best) * 2 >= total:
                    return best
        # descend while one child holds most of the text, but not past an element that holds
        # text of its own: under unclosed <font>/<div> tags each paragraph is one level
        # deeper, and every level holds most of the text below it
        node = body
        while node is body or self.counts.direct_cjk(node) < _OWN_TEXT:
            children = [
                c for c in node.find_all(recursive=False)
                if c.name in _CONTAINER_TAGS and not _is_data_table(c) and not _is_noise(c, True, self.counts)
            ]
            if not children:
                return node
            best = max(children, key=cjk)
            if cjk(best) == 0 or cjk(best) < 0.7 * cjk(node):
                return node
            node = best
        return node

    def noisy_path(self, tag: Any) -> bool:
        """Whether ``tag`` or one of its ancestors below the body is site furniture
        (remembered per element: one walk up the tree for all the page's elements)."""
        path = []
        node = tag
        while node is not None and node is not self.body and id(node) not in self._noisy:
            path.append(node)
            node = node.parent
        noisy = node is not None and node is not self.body and self._noisy[id(node)]
        for el in reversed(path):
            noisy = noisy or _is_noise(el, True, self.counts)
            self._noisy[id(el)] = noisy
        return noisy

    def outside_title(self, container: Any) -> Any | None:
        """The heading nearest before the container, when the container has no ``<h1>``."""
        body = self.body
        if container is body or container.find("h1") is not None:
            return None
        inside = {id(t) for t in container.find_all(True)}
        order = {id(t): i for i, t in enumerate(body.find_all(True))}
        where = order.get(id(container), -1)
        candidates = [
            t for t in body.find_all(["h1", "h2", "div", "p", "td"])
            if (t.name == "h1" or any(re.search(r"(?:^|[-_])(?:title|bt|tit)$", w, re.I) for w in _words(t)))
            and id(t) not in inside and self.counts.all_cjk(t)
            and not t.find(["div", "table", "p"]) and not self.noisy_path(t)
        ]
        # document order: what comes before the container (its ancestors included)
        before = [c for c in candidates if order[id(c)] < where]
        return before[-1] if before else None


def _drop_noise(container: Any) -> None:
    _decompose_where(container, lambda tag: _is_noise(tag, outside=False))


def _decompose_where(root: Any, select: Callable[[Any], bool]) -> bool:
    """Remove every element below ``root`` that ``select`` picks (the outermost: what is
    inside a removed element is not looked at); return whether any was removed.

    One pass over the tree. (bs4's ``Tag.decomposed`` of an element that was not removed
    searches its whole subtree, which made a loop over all elements quadratic.)
    """
    from bs4 import Tag

    removed = False
    todo = [c for c in reversed(root.contents) if isinstance(c, Tag)]
    while todo:
        tag = todo.pop()
        if select(tag):
            tag.decompose()
            removed = True
        else:
            todo.extend(c for c in reversed(tag.contents) if isinstance(c, Tag))
    return removed


class _Walker:
    """Turns an element tree into lines: inline text is gathered until a block ends."""

    def __init__(self, sink: LineSink) -> None:
        self.sink = sink
        self.shaper = TableShaper(sink)
        self.buffer: list[str] = []
        self.prefix = ""  # the number of an <ol> item, for its first line

    def flush(self) -> None:
        text = re.sub(r"[ \t\r\n\f]+", " ", "".join(self.buffer)).strip()
        self.buffer = []
        if not text:
            return
        if _CHROME_LINE.match(text):
            self.sink.advance()
            return
        if self.prefix:
            if number_of(clean(text)) is None:
                text = self.prefix + text
            self.prefix = ""
        self.sink.prose(text, f"block {self.sink.position + 1}")

    def walk(self, node: Any, depth: int = 0) -> None:
        """The children of ``node`` in document order; a loop, not a recursion, so that
        pages nested thousands of elements deep (unclosed ``<div>``/``<font>``) read."""
        from bs4 import NavigableString, Tag

        # None: the end of a block (flush); else an element or string still to read
        todo: list[Any] = list(reversed(list(node.children)))
        while todo:
            child = todo.pop()
            if child is None:
                self.flush()
            elif isinstance(child, NavigableString):
                self.buffer.append(str(child))
            elif not isinstance(child, Tag):
                continue
            elif child.name == "br":
                self.flush()
            elif child.name == "table":
                self.flush()
                self.table(child, depth)
            elif child.name == "ol":
                self.flush()
                self.ordered_list(child, depth)
            elif child.name in _BLOCK_TAGS:
                self.flush()
                todo.append(None)
                todo.extend(reversed(list(child.children)))
            else:
                todo.extend(reversed(list(child.children)))

    def ordered_list(self, ol: Any, depth: int) -> None:
        try:
            n = int(ol.get("start", "1")) - 1
        except ValueError:
            n = 0
        for li in ol.find_all("li", recursive=False):
            try:
                n = int(li.get("value")) - 1 if li.get("value") else n
            except ValueError:
                pass
            n += 1
            self.flush()
            if ol.get("type", "1") not in ("1", ""):
                self.prefix = ""  # letters and roman numerals number no tasks
            else:
                self.prefix = f"{n}." if depth == 0 else f"（{n}）"
            self.walk(li, depth + 1)
            self.flush()
            self.prefix = ""

    def table(self, table: Any, depth: int) -> None:
        cells_per_row = _own_rows(table)
        width = max((sum(_span(c, "colspan") for c in r) for r in cells_per_row), default=0)
        if _is_layout_table(table):
            for r in cells_per_row:  # a layout table: its cells are blocks
                for c in r:
                    self.walk(c, depth)
                    self.flush()
            return
        grid = _spread(cells_per_row, width)
        t = self.shaper.tables + 1
        caption = table.find("caption")
        if caption is not None:
            self.sink.prose(caption.get_text(" "), f"table {t} caption")
        self.shaper.add(grid, lambda i: f"table {t} row {i + 1}")


def _span(cell: Any, attr: str) -> int:
    try:
        return max(1, min(int(cell.get(attr, 1)), 100))
    except (TypeError, ValueError):
        return 1


def _cell_text(cell: Any) -> str:
    from bs4 import NavigableString, Tag

    pieces: list[str] = []
    buf: list[str] = []

    def flush() -> None:
        text = re.sub(r"[ \t\r\n\f]+", " ", "".join(buf)).strip()
        buf.clear()
        if text:
            pieces.append(text)

    todo: list[Any] = list(reversed(list(cell.children)))  # None: the end of a block
    while todo:
        child = todo.pop()
        if child is None:
            flush()
        elif isinstance(child, NavigableString):
            buf.append(str(child))
        elif isinstance(child, Tag):
            if child.name == "br" or child.name in _BLOCK_TAGS:
                flush()
                todo.append(None)
            todo.extend(reversed(list(child.children)))
    flush()
    return clean("\n".join(pieces))


def _spread(rows: list[list[Any]], width: int) -> list[list[GridCell]]:
    """Cells with colspan/rowspan spread over a rectangular grid."""
    grid: list[list[GridCell | None]] = []
    for r, cells in enumerate(rows):
        while len(grid) <= r:
            grid.append([None] * width)
        j = 0
        for cell in cells:
            while j < width and grid[r][j] is not None:
                j += 1
            if j >= width:
                break
            text = _cell_text(cell)
            cs, rs = _span(cell, "colspan"), _span(cell, "rowspan")
            for dr in range(rs):
                if r + dr >= len(rows):
                    break
                while len(grid) <= r + dr:
                    grid.append([None] * width)
                for dc in range(cs):
                    if j + dc < width and grid[r + dr][j + dc] is None:
                        grid[r + dr][j + dc] = GridCell(text, from_above=dr > 0, from_left=dc > 0)
            j += cs
    return [[c if c is not None else GridCell("") for c in row] for row in grid]
